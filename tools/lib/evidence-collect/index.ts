// `evidence --collect`: operating evidence read from the account with the AWS SDK for JavaScript v3 and the
// default credential chain, over a period. Design evidence (the plan) shows what is built; this shows it ran.
import { BackupClient, paginateListRestoreJobs } from "@aws-sdk/client-backup";
import { CloudWatchClient, paginateDescribeAlarmHistory, paginateDescribeAlarms } from "@aws-sdk/client-cloudwatch";
import {
    ConfigServiceClient,
    GetConformancePackComplianceSummaryCommand,
    paginateDescribeConformancePackCompliance,
} from "@aws-sdk/client-config-service";
import { Macie2Client } from "@aws-sdk/client-macie2";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { GetAutomationExecutionCommand, paginateDescribeAutomationExecutions, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { UsageError } from "../errors";
import type { ControlEvidence } from "../evidence-report";
import { DESIGN_IN_PLAN } from "../evidence-wording";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import {
    ALARM_RESPONSE_HOURS,
    AlertSeverity,
    CADENCE,
    Cadence,
    CONFIG_RULES,
    configRuleName,
} from "../../../policy-pack/catalog/operations";
import { accountServices } from "./account";
import { deployApprovals } from "./deploys";
import { approversOf, documentContent, principal } from "./documents";
import { missingWindows } from "./windows";
import { findings } from "./securityhub";
import { classificationJobs } from "./macie";
import { SNSClient } from "@aws-sdk/client-sns";
import { topicSubscriptions } from "./topics";
import { OperatingCheck, OperatingSummary } from "./types";

export { ACCOUNT_SERVICE_CONTROLS, configState } from "./account";

export function parsePeriod(text: string): number {
    const m = /^([1-9]\d{0,2})d$/.exec(text);
    if (!m || Number(m[1]) > 365) {
        throw new UsageError(`--period must be a number of days from 1d to 365d, e.g. 90d (got '${text}')`);
    }
    return Number(m[1]);
}

function str(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v : undefined;
}

/** The stack's named things of a type, per control that records them (name from the inputs, else the id). */
function named(
    controls: ControlEvidence[],
    type: string,
): Map<string, { controls: string[]; content?: string; tags?: unknown }> {
    const out = new Map<string, { controls: string[]; content?: string; tags?: unknown }>();
    for (const c of controls) {
        for (const r of c.resources.filter((x) => x.type === type)) {
            const name = str(r.configuration?.name) ?? r.id;
            if (!name) {
                continue;
            }
            const e = out.get(name) ?? {
                controls: [],
                content: str(r.configuration?.content),
                tags: r.configuration?.tags,
            };
            e.controls.push(c.id);
            out.set(name, e);
        }
    }
    return out;
}

const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

/** Whom the credentials belong to: exit 2 with one line when the default chain has none. */
export async function callerAccount(region: string): Promise<string> {
    try {
        const id = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
        return id.Account ?? "unknown";
    } catch (e) {
        const err = e as Error;
        if (err.name === "CredentialsProviderError" || /credential/i.test(err.message)) {
            throw new UsageError(
                `--collect needs AWS credentials from the default chain (environment, profile, SSO, web identity, instance role): ${err.message.split("\n")[0]}`,
            );
        }
        throw new UsageError(`--collect: sts:GetCallerIdentity failed: ${err.name}: ${err.message.split("\n")[0]}`);
    }
}

/** A document's schedule in the plan: the cadence (catalog CADENCE, else the document's cadence tag) and zone. */
function scheduleOf(
    controls: ControlEvidence[],
    document: string,
    tags: unknown,
): { cadence?: Cadence; timeZone: string } | undefined {
    for (const c of controls) {
        for (const r of c.resources.filter((x) => x.type === "aws:scheduler/schedule:Schedule")) {
            const target = (r.configuration?.target ?? {}) as { input?: unknown };
            let input: { DocumentName?: unknown } = {};
            try {
                input = JSON.parse(String(target.input ?? "{}")) as typeof input;
            } catch {
                continue;
            }
            if (input.DocumentName !== document) {
                continue;
            }
            const expr = r.configuration?.scheduleExpression;
            const tagged = (tags as { cadence?: unknown } | undefined)?.cadence;
            const cadence =
                (Object.keys(CADENCE) as Cadence[]).find((k) => CADENCE[k] === expr) ??
                (typeof tagged === "string" && tagged in CADENCE ? (tagged as Cadence) : undefined);
            return { cadence, timeZone: str(r.configuration?.scheduleExpressionTimezone) ?? "UTC" };
        }
    }
    return undefined;
}

/**
 * Days of Automation execution history DescribeAutomationExecutions returns (Systems Manager's retention of
 * execution history; older runs no longer show). A window older than that with no run shown is unevidenced
 * (at most partial), not failed.
 */
export const AUTOMATION_HISTORY_DAYS = 30;

const FAILED_EXECUTION = [
    "Failed",
    "TimedOut",
    "Cancelled",
    "CompletedWithFailure",
    "Exited",
    "Rejected",
    "ChangeCalendarOverrideRejected",
];

export async function automation(
    ssm: SSMClient,
    controls: ControlEvidence[],
    from: Date,
    to: Date,
    checks: OperatingCheck[],
): Promise<OperatingSummary["automation"]> {
    const out: OperatingSummary["automation"] = [];
    const scheduledControls = new Set(
        controls.filter((c) => c.resources.some((r) => r.type === "aws:scheduler/schedule:Schedule")).map((c) => c.id),
    );
    const approvalFor = Object.entries(DESIGN_IN_PLAN).map(([id, d]) => ({ id, under: d.recordedUnder }));
    for (const [name, doc] of named(controls, "aws:ssm/document:Document")) {
        const byStatus: Record<string, number> = {};
        const ids: string[] = [];
        const successes: Date[] = [];
        const failures: { id: string; status: string; at?: Date }[] = [];
        for await (const page of paginateDescribeAutomationExecutions(
            { client: ssm },
            {
                Filters: [
                    { Key: "DocumentNamePrefix", Values: [name] },
                    { Key: "StartTimeAfter", Values: [from.toISOString()] },
                ],
            },
        )) {
            for (const e of page.AutomationExecutionMetadataList ?? []) {
                if (e.DocumentName === name) {
                    count(byStatus, e.AutomationExecutionStatus ?? "Unknown");
                    ids.push(e.AutomationExecutionId ?? "");
                    if (e.AutomationExecutionStatus === "Success" && e.ExecutionStartTime) {
                        successes.push(new Date(e.ExecutionStartTime));
                    }
                    if (FAILED_EXECUTION.includes(e.AutomationExecutionStatus ?? "")) {
                        failures.push({
                            id: e.AutomationExecutionId ?? "?",
                            status: e.AutomationExecutionStatus ?? "",
                            at: e.ExecutionStartTime ? new Date(e.ExecutionStartTime) : undefined,
                        });
                    }
                }
            }
        }
        // A Success of a hollowed-out document proves nothing: the account's document must be the state's content.
        if (doc.content !== undefined) {
            const c = await documentContent(ssm, name, doc.content);
            checks.push(...doc.controls.map((control) => ({ ...c, control })));
        }
        const schedule = scheduleOf(controls, name, doc.tags);
        const scheduled = !!schedule || doc.controls.some((c) => scheduledControls.has(c));
        // The schedule's windows in the period that have no successful run.
        const horizon = new Date(Math.max(from.getTime(), to.getTime() - AUTOMATION_HISTORY_DAYS * 86_400_000));
        const windows = schedule?.cadence
            ? {
                  cadence: schedule.cadence,
                  ...missingWindows(successes, from, to, schedule.cadence, schedule.timeZone, horizon),
              }
            : undefined;
        out.push({
            document: name,
            controls: doc.controls,
            scheduled,
            byStatus,
            ...(windows
                ? {
                      cadence: windows.cadence,
                      due: windows.due.length,
                      missing: windows.missing,
                      ...(windows.unevidenced.length ? { unevidenced: windows.unevidenced } : {}),
                  }
                : {}),
        });
        const runs = Object.values(byStatus).reduce((a, b) => a + b, 0);
        // Judged per window: a Success in each due window is enough and failed runs are listed. Without a cadence,
        // the operation fails when no Success came after its latest failure (nothing recovered it).
        const lastFailure = Math.max(...failures.map((f) => f.at?.getTime() ?? Infinity), -Infinity);
        const unrecovered = failures.length > 0 && !successes.some((t) => t.getTime() > lastFailure) && !windows;
        // Only a finished run is evidence that it operated: executions still pending or waiting are not.
        const succeeded = byStatus.Success ?? 0;
        const detail =
            `${runs} execution(s) of ${name}${
                runs
                    ? ` (${Object.entries(byStatus)
                          .map(([s, n]) => `${n} ${s}`)
                          .join(", ")})`
                    : ""
            }` +
            (windows
                ? windows.missing.length
                    ? `; no successful run in ${windows.missing.length} of ${windows.due.length} ${windows.cadence} window(s): ${windows.missing.join(", ")}`
                    : windows.unevidenced.length
                      ? `; a successful run in each ${windows.cadence} window the execution history still holds`
                      : `; a successful run in each of ${windows.due.length} ${windows.cadence} window(s)`
                : "") +
            (windows?.unevidenced.length
                ? `; ${windows.unevidenced.length} window(s) older than the ${AUTOMATION_HISTORY_DAYS}-day execution history show no run: not evidenced (${windows.unevidenced.join(", ")}); the reports are not kept anywhere that outlasts the history (no copy in the Object Lock audit bucket): only an earlier --publish of the evidence shows those runs`
                : "") +
            (failures.length
                ? `; failed run(s): ${failures.map((f) => `${f.id} ${f.status}${f.at ? ` ${f.at.toISOString().slice(0, 10)}` : ""}`).join(", ")}${unrecovered ? " (no later Success)" : windows ? " (each window judged by its Success)" : " (a later run succeeded)"}`
                : "");
        for (const control of doc.controls) {
            const source = "ssm:DescribeAutomationExecutions";
            // A due window without a successful run is a gap in the operation, whether or not another ran.
            if (unrecovered || (windows && windows.missing.length > 0)) {
                checks.push({ control, result: "failed", source, detail });
            } else if ((succeeded === 0 && scheduled) || (windows && windows.unevidenced.length > 0)) {
                checks.push({ control, result: "never-ran", source, detail });
            } else if (succeeded > 0) {
                checks.push({ control, result: "ok", source, detail });
            }
        }
        // A document with an approval step: each execution that asked for approval (parameter Approval=required)
        // must have passed its aws:approve step, approved by someone other than who started it. Runs the weekly
        // maintenance window starts with Approval=skipped (non-critical patches, approved by the patch baseline's
        // delay and the window's schedule) are listed, not judged as approvals.
        if (doc.content?.includes('"aws:approve"') && ids.length) {
            let required = 0;
            let approved = 0;
            let skipped = 0;
            const problems: string[] = [];
            for (const id of ids) {
                const ex = (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id })))
                    ?.AutomationExecution;
                const approval = ex?.Parameters?.Approval?.[0];
                if (approval === "skipped") {
                    skipped++;
                    continue;
                }
                required++;
                const step = ex?.StepExecutions?.find((x) => x.Action === "aws:approve");
                if (step?.StepStatus !== "Success") {
                    problems.push(`${id} approval ${step?.StepStatus ?? "step absent"}`);
                    continue;
                }
                const approvers = approversOf(step.Outputs?.ApproverDecisions);
                const starter = principal(ex?.ExecutedBy);
                if (starter && approvers.some((a) => principal(a) === starter)) {
                    problems.push(`${id} approved by ${starter}, who started it (self-approval)`);
                    continue;
                }
                approved++;
            }
            for (const a of approvalFor.filter((x) => doc.controls.includes(x.under))) {
                checks.push({
                    control: a.id,
                    result: problems.length ? "failed" : approved ? "ok" : "never-ran",
                    source: "ssm:GetAutomationExecution",
                    detail:
                        `${approved} of ${required} execution(s) of ${name} that required approval passed the aws:approve step, approved by someone other than who started them` +
                        (problems.length ? `; not: ${problems.join(", ")}` : "") +
                        (skipped
                            ? `; ${skipped} run(s) with Approval=skipped (the maintenance window) not judged`
                            : ""),
                });
            }
        }
    }
    return out;
}

/** Days of state history CloudWatch keeps for an alarm (DescribeAlarmHistory): older transitions are gone. */
export const ALARM_HISTORY_DAYS = 14;

export async function alarms(
    cw: CloudWatchClient,
    controls: ControlEvidence[],
    from: Date,
    checks: OperatingCheck[],
    now: Date = new Date(),
): Promise<OperatingSummary["alarms"]> {
    const wanted = named(controls, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const names = [...wanted.keys()];
    const found = new Map<string, { state: string; actions: boolean; since?: Date }>();
    // DescribeAlarms returns at most 100 names per request and pages its results (NextToken).
    for (let i = 0; i < names.length; i += 100) {
        for await (const page of paginateDescribeAlarms(
            { client: cw },
            { AlarmNames: names.slice(i, i + 100), MaxRecords: 100 },
        )) {
            for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
                found.set(a.AlarmName ?? "", {
                    state: a.StateValue ?? "",
                    actions: a.ActionsEnabled !== false,
                    since: a.StateUpdatedTimestamp ? new Date(a.StateUpdatedTimestamp) : undefined,
                });
            }
        }
    }
    const historyFrom = new Date(Math.max(from.getTime(), now.getTime() - ALARM_HISTORY_DAYS * 86_400_000));
    const out: OperatingSummary["alarms"] = [];
    for (const [name, w] of wanted) {
        const a = found.get(name);
        let toAlarm = 0;
        if (a) {
            for await (const page of paginateDescribeAlarmHistory(
                { client: cw },
                { AlarmName: name, HistoryItemType: "StateUpdate", StartDate: historyFrom },
            )) {
                toAlarm += (page.AlarmHistoryItems ?? []).filter((h) => /to ALARM/.test(h.HistorySummary ?? "")).length;
            }
        }
        out.push({ alarm: name, controls: w.controls, state: a?.state ?? "absent", toAlarm });
        const tagged = (w.tags as { severity?: unknown } | undefined)?.severity;
        const severity: AlertSeverity =
            typeof tagged === "string" && tagged in ALARM_RESPONSE_HOURS ? (tagged as AlertSeverity) : "high";
        const limit = ALARM_RESPONSE_HOURS[severity];
        const hours = a?.since ? (now.getTime() - a.since.getTime()) / 3_600_000 : 0;
        // An alarm left in ALARM past its response time is an alert nobody answered.
        const unanswered = a?.state === "ALARM" && hours > limit;
        for (const control of w.controls) {
            // An alarm that has had no data all along (its metric never emitted) watches nothing yet.
            const starved = a?.state === "INSUFFICIENT_DATA" && toAlarm === 0;
            checks.push({
                control,
                result: !a || !a.actions ? "failed" : starved ? "never-ran" : unanswered ? "partial" : "ok",
                source: "cloudwatch:DescribeAlarms",
                detail: !a
                    ? `alarm ${name} is not in the account`
                    : `alarm ${name}: ${a.state}${a.actions ? "" : ", actions disabled"}` +
                      (unanswered
                          ? ` for ${Math.floor(hours)} h since ${a.since!.toISOString()}, past its ${limit}-hour ${severity}-severity response time: unanswered`
                          : "") +
                      `; ${toAlarm} transition(s) to ALARM since ${historyFrom.toISOString().slice(0, 10)} (CloudWatch keeps ${ALARM_HISTORY_DAYS} days of alarm history)`,
            });
        }
    }
    return out;
}

/** Hours a restore-testing job may stay PENDING / RUNNING before it counts as stuck (failed), not under way. */
const RESTORE_JOB_HOURS = 24;

/**
 * Restore-testing jobs of the stack's plans in the period. A job passes only when its Status is COMPLETED and its
 * ValidationStatus (when validation ran) is SUCCESSFUL: FAILED / ABORTED jobs, validation FAILED / TIMED_OUT, and
 * jobs PENDING / RUNNING for more than a day fail; a job started within the last day is under way and not counted.
 */
export async function restoreTests(
    backup: BackupClient,
    controls: ControlEvidence[],
    from: Date,
    now: Date,
    checks: OperatingCheck[],
): Promise<OperatingSummary["restoreTests"]> {
    const out: OperatingSummary["restoreTests"] = [];
    for (const c of controls) {
        for (const r of c.resources.filter((x) => x.type === "aws:backup/restoreTestingPlan:RestoreTestingPlan")) {
            const plan = r.arn ?? str(r.configuration?.name) ?? r.id ?? "";
            const byStatus: Record<string, number> = {};
            const bad: string[] = [];
            let passed = 0;
            let underWay = 0;
            for await (const page of paginateListRestoreJobs(
                { client: backup },
                { ByRestoreTestingPlanArn: plan, ByCreatedAfter: from },
            )) {
                for (const j of page.RestoreJobs ?? []) {
                    const status = j.Status ?? "UNKNOWN";
                    count(byStatus, j.ValidationStatus ? `${status}/validation ${j.ValidationStatus}` : status);
                    const id = j.RestoreJobId ?? "?";
                    const fresh =
                        !!j.CreationDate && now.getTime() - j.CreationDate.getTime() < RESTORE_JOB_HOURS * 3_600_000;
                    if (status === "COMPLETED") {
                        if (j.ValidationStatus === "FAILED" || j.ValidationStatus === "TIMED_OUT") {
                            bad.push(`${id} validation ${j.ValidationStatus}`);
                        } else if (j.ValidationStatus === "VALIDATING" && !fresh) {
                            bad.push(`${id} still VALIDATING after ${RESTORE_JOB_HOURS} h`);
                        } else if (j.ValidationStatus === "VALIDATING") {
                            underWay++;
                        } else {
                            passed++;
                        }
                    } else if ((status === "PENDING" || status === "RUNNING") && fresh) {
                        underWay++;
                    } else {
                        bad.push(
                            `${id} ${status}${status === "PENDING" || status === "RUNNING" ? ` after ${RESTORE_JOB_HOURS} h` : ""}`,
                        );
                    }
                }
            }
            out.push({ plan, byStatus });
            const runs = Object.values(byStatus).reduce((a, b) => a + b, 0);
            checks.push({
                control: c.id,
                result: bad.length ? "failed" : passed ? "ok" : "never-ran",
                source: "backup:ListRestoreJobs",
                detail:
                    `${runs} restore-testing job(s) of ${plan}${
                        runs
                            ? ` (${Object.entries(byStatus)
                                  .map(([s, n]) => `${n} ${s}`)
                                  .join(", ")})`
                            : ""
                    }` +
                    (bad.length ? `; not passed: ${bad.join(", ")}` : "") +
                    (underWay ? `; ${underWay} under way` : ""),
            });
        }
    }
    return out;
}

async function conformance(
    config: ConfigServiceClient,
    controls: ControlEvidence[],
    checks: OperatingCheck[],
): Promise<OperatingSummary["conformance"]> {
    const out: OperatingSummary["conformance"] = [];
    for (const [pack, w] of named(controls, "aws:cfg/conformancePack:ConformancePack")) {
        let compliance = "absent";
        const nonCompliant: string[] = [];
        try {
            const s = await config.send(
                new GetConformancePackComplianceSummaryCommand({ ConformancePackNames: [pack] }),
            );
            compliance = s.ConformancePackComplianceSummaryList?.[0]?.ConformancePackComplianceStatus ?? "absent";
            for await (const page of paginateDescribeConformancePackCompliance(
                { client: config },
                { ConformancePackName: pack, Filters: { ComplianceType: "NON_COMPLIANT" } },
            )) {
                nonCompliant.push(...(page.ConformancePackRuleComplianceList ?? []).map((x) => x.ConfigRuleName ?? ""));
            }
        } catch (e) {
            if ((e as Error).name !== "NoSuchConformancePackException") {
                throw e;
            }
        }
        out.push({ pack, compliance, nonCompliantRules: nonCompliant });
        for (const control of w.controls) {
            // A NON_COMPLIANT rule fails the controls it gives evidence for (catalog CONFIG_RULES); a rule the
            // catalog does not know fails every control of the pack.
            const failing = nonCompliant.filter((rule) => {
                const def = rulesOf(rule);
                return !def || def.controls.some((x) => x === control);
            });
            checks.push({
                control,
                result: compliance === "absent" || failing.length ? "failed" : "ok",
                source: "config:GetConformancePackComplianceSummary",
                detail:
                    compliance === "absent"
                        ? `conformance pack ${pack} is not in the account`
                        : `conformance pack ${pack} evaluates: ${compliance}, ${nonCompliant.length} non-compliant rule(s)` +
                          (failing.length ? `; NON_COMPLIANT for this control: ${failing.join(", ")}` : ""),
            });
        }
    }
    return out;
}

/** The catalog rule a deployed rule name stands for (a conformance pack may suffix the names it creates). */
function rulesOf(deployed: string) {
    return CONFIG_RULES.map((r) => ({ r, name: configRuleName(r.identifier) }))
        .filter((x) => deployed === x.name || deployed.startsWith(`${x.name}-`))
        .sort((a, b) => b.name.length - a.name.length)[0]?.r;
}

/** Reads everything for the stack's controls over `days` days ending now. */
export async function collect(opts: {
    region: string;
    /** The stack whose deploy environment (deploy-<stack>) the approvals are read for. */
    stack: string;
    /** The stack's config shieldAdvanced: the account must then hold an active Shield Advanced subscription. */
    shieldAdvanced?: boolean;
    /** The stack's GitHub repository (owner/name, config deployRunnerRepository) whose deploys count. */
    repository?: string;
    days: number;
    controls: ControlEvidence[];
    now?: Date;
}): Promise<OperatingSummary> {
    const account = await callerAccount(opts.region);
    const now = opts.now ?? new Date();
    const from = new Date(now.getTime() - opts.days * 86_400_000);
    const checks: OperatingCheck[] = [];
    const region = opts.region;
    return {
        account,
        region,
        collectedAt: now.toISOString(),
        period: { days: opts.days, from: from.toISOString(), to: now.toISOString() },
        automation: await automation(new SSMClient({ region }), opts.controls, from, now, checks),
        alarms: await alarms(new CloudWatchClient({ region }), opts.controls, from, checks, now),
        restoreTests: await restoreTests(new BackupClient({ region }), opts.controls, from, now, checks),
        conformance: await conformance(new ConfigServiceClient({ region }), opts.controls, checks),
        securityHubFindings: await findings(new SecurityHubClient({ region }), opts.controls, checks),
        accountServices: await accountServices(region, checks, opts.shieldAdvanced ?? false),
        classificationJobs: await classificationJobs(new Macie2Client({ region }), opts.controls, from, checks),
        // CloudTrail's event history holds 90 days: a longer period reads what it has.
        topics: await topicSubscriptions(new SNSClient({ region }), opts.controls, checks),
        deploys: await deployApprovals(new CloudTrailClient({ region }), opts.stack, from, checks, opts.repository),
        checks,
    };
}
