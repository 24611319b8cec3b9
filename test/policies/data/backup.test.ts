// policy-pack/policies/data/backup.ts

import { backupCoverage, backupPlanRules, cadenceOf } from "../../../policy-pack/policies/data";
import { StackResourceCase, validateResource, validateStack } from "../../harness/policy";
import { change, messages, Props, propsOf } from "./fixtures";

describe("data-backup-plan-rules (BAK-CRITICAL, BAK-SENSITIVE, BAK-INTERNAL)", () => {
    const rule = (schedule: string, deleteAfter: number, continuous = false): Props => ({
        ruleName: "r",
        targetVaultName: "v",
        schedule,
        enableContinuousBackup: continuous,
        lifecycle: { deleteAfter },
    });
    const DAILY = "cron(0 3 ? * * *)";
    const WEEKLY = "cron(0 3 ? * SUN *)";
    const check = (level: string | undefined, rules: Props[]) =>
        validateResource(backupPlanRules, {
            type: "aws:backup/plan:Plan",
            props: { rules, ...(level ? { tags: { classification: level } } : {}) },
        });

    it("passes the catalog's rules per level", () => {
        expect(check("critical", [rule(DAILY, 35, true), rule(DAILY, 2557)])).toEqual([]);
        expect(check("sensitive", [rule(DAILY, 365)])).toEqual([]);
        expect(check("internal", [rule(WEEKLY, 90)])).toEqual([]);
    });
    it("fails critical without continuous backup", () => {
        expect(check("critical", [rule(DAILY, 2557)])).toEqual([
            "[BAK-CRITICAL] critical backup plan lacks a continuous rule (daily schedule) kept 35 days",
        ]);
    });
    it("passes backups kept longer than the level asks (stricter)", () => {
        expect(check("critical", [rule(DAILY, 35, true), rule(DAILY, 3650)])).toEqual([]);
        expect(check("sensitive", [rule(DAILY, 730)])).toEqual([]);
        expect(check("internal", [rule(WEEKLY, 365)])).toEqual([]);
    });
    it("fails a continuous rule kept other than AWS's 35 days", () => {
        expect(check("critical", [rule(DAILY, 30, true), rule(DAILY, 2557)])).toEqual([
            "[BAK-CRITICAL] critical backup plan lacks a continuous rule (daily schedule) kept 35 days",
        ]);
    });
    it("fails critical kept less than 7 years", () => {
        expect(check("critical", [rule(DAILY, 35, true), rule(DAILY, 365)])).toEqual([
            "[BAK-CRITICAL] critical backup plan lacks a daily rule (daily schedule) kept at least 2557 days",
        ]);
    });
    it("fails sensitive backed up weekly", () => {
        expect(check("sensitive", [rule(WEEKLY, 365)])).toEqual([
            "[BAK-SENSITIVE] sensitive backup plan lacks a daily rule (daily schedule) kept at least 365 days",
        ]);
    });
    it("fails internal kept 30 days", () => {
        expect(check("internal", [rule(WEEKLY, 30)])).toEqual([
            "[BAK-INTERNAL] internal backup plan lacks a weekly rule (weekly schedule) kept at least 90 days",
        ]);
    });
    it("fails a plan without a classification tag", () => {
        expect(check(undefined, [rule(DAILY, 365)])).toEqual([
            "[DATA-CLS-TAG] backup plan has no classification tag naming the level it backs up",
        ]);
    });
    it("reads cron cadences", () => {
        expect(cadenceOf("cron(0 3 ? * * *)")).toBe("daily");
        expect(cadenceOf("cron(0 3 * * ? *)")).toBe("daily");
        expect(cadenceOf("cron(0 3 ? * MON *)")).toBe("weekly");
        expect(cadenceOf("cron(0 */6 ? * * *)")).toBe("other");
        expect(cadenceOf("cron(0 3 1 * ? *)")).toBe("other");
        expect(cadenceOf("rate(1 day)")).toBe("other");
    });
});

describe("data-backup-coverage (BAK-*, BAK-RESTORE-TEST, KMS-AT-REST)", () => {
    const baseline = (): StackResourceCase[] => [
        ...["critical", "sensitive", "internal"].flatMap((level): StackResourceCase[] => [
            {
                type: "aws:backup/plan:Plan",
                name: `plan-${level}`,
                props: {
                    arn: `arn:aws:backup:eu-west-1:123456789012:backup-plan:id-${level}`,
                    tags: { classification: level },
                },
            },
            {
                type: "aws:backup/selection:Selection",
                name: `sel-${level}`,
                props: {
                    planId: `id-${level}`,
                    selectionTags: [{ type: "STRINGEQUALS", key: "classification", value: level }],
                },
            },
        ]),
        { type: "aws:backup/vault:Vault", name: "vault", props: { name: "v", kmsKeyArn: "arn:aws:kms:k" } },
        {
            type: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
            name: "lock",
            props: { backupVaultName: "v", minRetentionDays: 35, maxRetentionDays: 2557, changeableForDays: 3 },
        },
        {
            type: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
            name: "rtp",
            props: { name: "weekly", scheduleExpression: "cron(0 6 ? * MON *)" },
        },
        {
            type: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
            name: "rts",
            props: { restoreTestingPlanName: "weekly" },
        },
    ];
    const run = (list: StackResourceCase[], environment = "prod") =>
        messages(validateStack(backupCoverage, list, { environment }));

    it("passes plans, selections, a locked KMS vault and a weekly restore test", () => {
        expect(run(baseline())).toEqual([]);
    });
    it("fails a level without a selection (also selections by condition count)", () => {
        expect(run(change(baseline(), "sel-sensitive", undefined))).toEqual([
            "[BAK-SENSITIVE] no backup plan tagged classification=sensitive has a selection of resources tagged classification=sensitive",
        ]);
        const byCondition = change(baseline(), "sel-sensitive", {
            planId: "id-sensitive",
            conditions: [{ stringEquals: [{ key: "aws:ResourceTag/classification", value: "sensitive" }] }],
        });
        expect(run(byCondition)).toEqual([]);
    });
    it("fails a selection of another level", () => {
        const wrong = change(baseline(), "sel-internal", {
            planId: "id-internal",
            selectionTags: [{ type: "STRINGEQUALS", key: "classification", value: "sensitive" }],
        });
        expect(run(wrong)).toEqual([
            "[BAK-INTERNAL] no backup plan tagged classification=internal has a selection of resources tagged classification=internal",
        ]);
    });
    it("fails a vault without KMS", () => {
        expect(run(change(baseline(), "vault", { name: "v" }))).toEqual([
            "[KMS-AT-REST] backup vault v is not encrypted with a customer-managed KMS key",
        ]);
    });
    it("fails an unlocked vault", () => {
        expect(run(change(baseline(), "lock", undefined))).toEqual(["[BAK-CRITICAL] backup vault v has no vault lock"]);
    });
    it("fails a lock range that excludes the plans' retention", () => {
        expect(run(change(baseline(), "lock", { ...propsOf(baseline(), "lock"), maxRetentionDays: 365 }))).toEqual([
            "[BAK-CRITICAL] backup vault v lock admits 35–365 days; the plans keep 35–2557 days",
        ]);
    });
    it("fails governance mode in prod only", () => {
        const governance = change(baseline(), "lock", {
            backupVaultName: "v",
            minRetentionDays: 35,
            maxRetentionDays: 2557,
        });
        expect(run(governance)).toEqual([
            "[BAK-CRITICAL] backup vault v lock is in governance mode; prod needs compliance mode (changeableForDays ≥ 3)",
        ]);
        expect(run(governance, "dev")).toEqual([]);
    });
    it("fails without a weekly restore test", () => {
        expect(run(change(baseline(), "rtp", { name: "weekly", scheduleExpression: "cron(0 6 1 * ? *)" }))).toEqual([
            "[BAK-RESTORE-TEST] no weekly restore testing plan verifies the backups",
        ]);
    });
    it("fails a restore test without a selection", () => {
        expect(run(change(baseline(), "rts", undefined))).toEqual([
            "[BAK-RESTORE-TEST] the weekly restore testing plan has no restore testing selection",
        ]);
    });
});
