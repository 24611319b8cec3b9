// data_protection.classification backups: each level's backup plan, its coverage, vault locks, restore tests.

import { CLASSIFICATION_LEVELS, ClassificationLevel } from "../../catalog";
import { meetsGuide } from "../../catalog/direction";
import { backupRules, CLASSIFICATION_TAG } from "../../catalog/data";
import { asArray, effectiveTags, environmentSchema, resourcePolicy, stackEnvironmentOf, stackPolicy } from "../lib";
import { levelOf, Props, stackTags, T } from "./shared";

/** Cadence of an AWS Backup cron expression: daily, weekly, or other. */
export function cadenceOf(schedule: unknown): "daily" | "weekly" | "other" {
    const m = typeof schedule === "string" ? /^cron\((.+)\)$/.exec(schedule.trim()) : null;
    const fields = m ? m[1].trim().split(/\s+/) : [];
    if (fields.length !== 6) {
        return "other";
    }
    const [minute, hour, dom, , dow] = fields;
    const single = (f: string) => /^\d+$/.test(f);
    if (!single(minute) || !single(hour)) {
        return "other";
    }
    const any = (f: string) => f === "*" || f === "?";
    if (any(dom) && any(dow)) {
        return "daily";
    }
    if (dom === "?" && /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)$/i.test(dow)) {
        return "weekly";
    }
    return "other";
}

const bakControl = (level: ClassificationLevel) => `BAK-${level.toUpperCase()}`;

export const backupPlanRules = resourcePolicy({
    name: "data-backup-plan-rules",
    description:
        "A backup plan implements the rules its classification level asks for in the catalog: critical = continuous (35 d) + daily kept 7 y, sensitive = daily kept 1 y, internal = weekly kept 90 d.",
    controls: [...CLASSIFICATION_LEVELS.map(bakControl), "DATA-CLS-TAG"],
    severity: "high",
    types: [T.plan],
    validate: (args, report) => {
        const level = levelOf(effectiveTags(args));
        if (!level) {
            report(`[DATA-CLS-TAG] backup plan has no ${CLASSIFICATION_TAG} tag naming the level it backs up`);
            return;
        }
        const rules = asArray(args.props.rules as Props[] | undefined);
        for (const want of backupRules(level)) {
            const found = rules.some(
                (r) =>
                    (r?.enableContinuousBackup === true) === want.continuous &&
                    cadenceOf(r?.schedule) === want.cadence &&
                    // Kept longer than the level asks is stricter (compliant); continuous backups have AWS's
                    // fixed maximum (35 days), so that rule keeps it exactly.
                    (want.continuous
                        ? (r?.lifecycle as Props | undefined)?.deleteAfter === want.deleteAfterDays
                        : meetsGuide(
                              `dataProtection.classification.${level}.retentionDays`,
                              (r?.lifecycle as Props | undefined)?.deleteAfter,
                              want.deleteAfterDays,
                          )),
            );
            if (!found) {
                report(
                    `[${bakControl(level)}] ${level} backup plan lacks a ${want.continuous ? "continuous" : want.cadence} rule (${want.cadence} schedule) kept ${want.continuous ? "" : "at least "}${want.deleteAfterDays} days`,
                );
            }
        }
    },
});

function selects(selection: Props, level: ClassificationLevel): boolean {
    const byTag = asArray(selection.selectionTags as Props[] | undefined).some(
        (t) => t?.type === "STRINGEQUALS" && t?.key === CLASSIFICATION_TAG && t?.value === level,
    );
    const byCondition = asArray(selection.conditions as Props[] | undefined).some((c) =>
        asArray(c?.stringEquals as Props[] | undefined).some(
            (e) => e?.key === `aws:ResourceTag/${CLASSIFICATION_TAG}` && e?.value === level,
        ),
    );
    return byTag || byCondition;
}

export const backupCoverage = stackPolicy({
    name: "data-backup-coverage",
    description:
        "Each classification level has a backup plan with a selection by its classification tag; every vault is KMS-encrypted and locked with a retention range that admits the plans (compliance mode in prod); a weekly restore testing plan with a selection verifies the backups.",
    controls: [...CLASSIFICATION_LEVELS.map(bakControl), "BAK-RESTORE-TEST", "KMS-AT-REST"],
    severity: "high",
    configSchema: environmentSchema,
    validate: (args, report) => {
        const of = (type: string) => args.resources.filter((r) => r.type === type);
        const plans = of(T.plan);
        const selections = of(T.selection);
        for (const level of CLASSIFICATION_LEVELS) {
            const levelPlans = plans.filter((p) => levelOf(stackTags(p)) === level);
            const covered = levelPlans.some((p) =>
                selections.some(
                    (s) =>
                        (s.props.planId === p.props.id ||
                            (typeof p.props.arn === "string" &&
                                p.props.arn.endsWith(`:backup-plan:${String(s.props.planId)}`)) ||
                            (s.propertyDependencies?.planId ?? []).some((d) => d.urn === p.urn)) &&
                        selects(s.props, level),
                ),
            );
            if (!covered) {
                report(
                    `[${bakControl(level)}] no backup plan tagged ${CLASSIFICATION_TAG}=${level} has a selection of resources tagged ${CLASSIFICATION_TAG}=${level}`,
                );
            }
        }
        const retentions = CLASSIFICATION_LEVELS.flatMap((l) => backupRules(l).map((r) => r.deleteAfterDays));
        const [lo, hi] = [Math.min(...retentions), Math.max(...retentions)];
        const prod = stackEnvironmentOf(args) === "prod";
        for (const vault of of(T.vault)) {
            const name = String(vault.props.name ?? vault.name);
            if (typeof vault.props.kmsKeyArn !== "string" || vault.props.kmsKeyArn === "") {
                report(
                    `[KMS-AT-REST] backup vault ${name} is not encrypted with a customer-managed KMS key`,
                    vault.urn,
                );
            }
            const lock = of(T.vaultLock).find((l) => l.props.backupVaultName === name)?.props;
            if (!lock) {
                report(`[BAK-CRITICAL] backup vault ${name} has no vault lock`, vault.urn);
                continue;
            }
            const min = typeof lock.minRetentionDays === "number" ? lock.minRetentionDays : undefined;
            const max = typeof lock.maxRetentionDays === "number" ? lock.maxRetentionDays : undefined;
            if (min === undefined || max === undefined || min > lo || max < hi) {
                report(
                    `[BAK-CRITICAL] backup vault ${name} lock admits ${String(min)}–${String(max)} days; the plans keep ${lo}–${hi} days`,
                    vault.urn,
                );
            }
            if (prod && !(typeof lock.changeableForDays === "number" && lock.changeableForDays >= 3)) {
                report(
                    `[BAK-CRITICAL] backup vault ${name} lock is in governance mode; prod needs compliance mode (changeableForDays ≥ 3)`,
                    vault.urn,
                );
            }
        }
        const restorePlans = of(T.restorePlan).filter((p) => cadenceOf(p.props.scheduleExpression) === "weekly");
        if (restorePlans.length === 0) {
            report("[BAK-RESTORE-TEST] no weekly restore testing plan verifies the backups");
        } else if (
            !restorePlans.some((p) =>
                of(T.restoreSelection).some((s) => s.props.restoreTestingPlanName === p.props.name),
            )
        ) {
            report("[BAK-RESTORE-TEST] the weekly restore testing plan has no restore testing selection");
        }
    },
});
