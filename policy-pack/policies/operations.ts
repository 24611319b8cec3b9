import { PolicyResource, ReportViolation } from "@pulumi/policy";
import {
    ANOMALY,
    anomalyBand,
    CADENCE,
    CONFIG_RULES,
    FAILED_AUTH,
    INCIDENT_RESPONSE_TAG,
    PATCHING,
    ReportKey,
    REPORTS,
    reportSlug,
    RUNBOOKS,
    SECURITY_HUB_STANDARDS,
    START_AUTOMATION_TARGET,
} from "../catalog/operations";
import { CLASSIFICATION_LEVELS } from "../catalog";
import { boundText, meetsGuide } from "../catalog/direction";
import { buildNetwork } from "../lib/reachability";
import { checkRequired, requirements } from "../lib/required";
import { asArray, resourcePolicy, stackPolicy } from "./lib";
import { adoptedType, adoptsAccountServices } from "./account-services";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const RECORDER = "aws:cfg/recorder:Recorder";
const DELIVERY = "aws:cfg/deliveryChannel:DeliveryChannel";
const RECORDER_STATUS = "aws:cfg/recorderStatus:RecorderStatus";
const PACK = "aws:cfg/conformancePack:ConformancePack";
const HUB = "aws:securityhub/account:Account";
const STANDARD = "aws:securityhub/standardsSubscription:StandardsSubscription";
const ANALYZER = "aws:accessanalyzer/analyzer:Analyzer";
const DOCUMENT = "aws:ssm/document:Document";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const BASELINE = "aws:ssm/patchBaseline:PatchBaseline";
const WINDOW = "aws:ssm/maintenanceWindow:MaintenanceWindow";
const WINDOW_TASK = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

type Props = Record<string, unknown>;

function tagsOf(props: Props): Record<string, string> {
    return { ...((props.tagsAll as Record<string, string>) ?? {}), ...((props.tags as Record<string, string>) ?? {}) };
}

function ofType(resources: PolicyResource[], type: string): PolicyResource[] {
    return resources.filter((r) => r.type === type);
}

function nameOf(r: PolicyResource): string {
    return typeof r.props.name === "string" ? r.props.name : r.name;
}

const THRESHOLD_PATH = "threatDetection.unauthorizedAccess.failedAuthThreshold";
const SIGMA_PATH = "threatDetection.abnormalBehavior.deviationSigma";

/** The smallest whole count of failures at which an upward alarm fires; undefined for other operators. */
function firingCount(operator: unknown, threshold: unknown): number | undefined {
    if (typeof threshold !== "number" || threshold < 0) {
        return undefined;
    }
    if (operator === "GreaterThanThreshold") {
        return Math.floor(threshold) + 1;
    }
    return operator === "GreaterThanOrEqualToThreshold" ? Math.max(1, Math.ceil(threshold)) : undefined;
}

/** The band width of `ANOMALY_DETECTION_BAND(m1, <sigma>)` (the default width is 2). */
function bandSigma(expression: string): { metric: string; sigma: number } | undefined {
    const m = /^ANOMALY_DETECTION_BAND\(\s*(\w+)\s*(?:,\s*([0-9.]+)\s*)?\)$/.exec(expression.trim());
    return m ? { metric: m[1], sigma: m[2] === undefined ? 2 : Number(m[2]) } : undefined;
}

export const failedAuthAlarm = stackPolicy({
    name: "operations-failed-auth-alarm",
    description: `An alarm fires on more than ${FAILED_AUTH.threshold} failed authentications in ${FAILED_AUTH.periodSeconds} s and notifies.`,
    controls: ["DET-UNAUTH"],
    severity: "high",
    validate: (args, report) => {
        const alarms = ofType(args.resources, ALARM).filter(
            (r) => tagsOf(r.props).detection === "failed-authentication",
        );
        if (alarms.length === 0) {
            report(
                `no CloudWatch alarm tagged detection=failed-authentication: unauthorized_access (failed_auth > ${FAILED_AUTH.threshold} in ${FAILED_AUTH.periodSeconds / 60}m) is unmonitored`,
            );
            return;
        }
        for (const a of alarms) {
            const p = a.props;
            const n = nameOf(a);
            // Stricter is compliant: the count at which the alarm fires must not exceed the guide's (> 5: 6).
            const fires = firingCount(p.comparisonOperator, p.threshold);
            const want = FAILED_AUTH.threshold + 1;
            if (fires === undefined) {
                report(
                    `alarm ${n} compares with ${String(p.comparisonOperator)} against ${String(p.threshold)}; it must fire when failures exceed a threshold of ${boundText(THRESHOLD_PATH)}`,
                    a.urn,
                );
            } else if (!meetsGuide(THRESHOLD_PATH, fires - 1, FAILED_AUTH.threshold)) {
                report(
                    `alarm ${n} fires at ${fires} failures (${String(p.comparisonOperator)} ${String(p.threshold)}); the guide alerts at ${want} (failed_auth > ${FAILED_AUTH.threshold}), so the threshold must be ${boundText(THRESHOLD_PATH)}`,
                    a.urn,
                );
            }
            // An alarm written as metric math carries its period and statistic on the query's metric.
            const metric = asArray(p.metricQueries as MetricQuery[]).find((q) => q.metric)?.metric as
                { period?: number; stat?: string } | undefined;
            const period = p.period ?? metric?.period;
            const statistic = p.statistic ?? metric?.stat;
            if (period !== FAILED_AUTH.periodSeconds) {
                report(`alarm ${n} has period ${String(period)}; expected ${FAILED_AUTH.periodSeconds}`, a.urn);
            }
            if (p.evaluationPeriods !== 1) {
                report(`alarm ${n} evaluates ${String(p.evaluationPeriods)} periods; expected 1 (one window)`, a.urn);
            }
            if (statistic !== "Sum") {
                report(`alarm ${n} uses statistic ${String(statistic)}; expected Sum`, a.urn);
            }
            if (asArray(p.alarmActions as string[]).length === 0) {
                report(`alarm ${n} has no alarm actions; it must notify the high-severity topic`, a.urn);
            }
        }
    },
});

interface MetricQuery {
    id?: string;
    expression?: string;
    metric?: { period?: number; stat?: string };
}

export const anomalyAlarm = stackPolicy({
    name: "operations-anomaly-alarm",
    description: `Anomaly-detection alarms watch agent traffic with a ${ANOMALY.deviationSigma}-sigma band over ${ANOMALY.periodSeconds} s.`,
    controls: ["DET-ANOMALY"],
    severity: "medium",
    validate: (args, report) => {
        const alarms = ofType(args.resources, ALARM).filter((r) => tagsOf(r.props).detection === "anomaly");
        if (alarms.length === 0) {
            report(
                `no CloudWatch alarm tagged detection=anomaly: abnormal_behavior (deviation > ${ANOMALY.deviationSigma}sigma in ${ANOMALY.periodSeconds / 60}m) is unmonitored`,
            );
            return;
        }
        for (const a of alarms) {
            const n = nameOf(a);
            const queries = asArray(a.props.metricQueries as MetricQuery[]);
            const bandQuery = queries.find(
                (q) => typeof q.expression === "string" && q.expression.startsWith("ANOMALY_DETECTION_BAND"),
            );
            const band = bandQuery ? bandSigma(String(bandQuery.expression)) : undefined;
            // A narrower band (fewer sigma) flags smaller deviations: stricter, compliant.
            if (!band || band.metric !== "m1" || band.sigma <= 0 || !meetsGuide(SIGMA_PATH, band.sigma)) {
                report(
                    `alarm ${n} has band ${bandQuery?.expression ?? "none"}; expected ${anomalyBand()} or a narrower band on m1 (${boundText(SIGMA_PATH)} sigma)`,
                    a.urn,
                );
            } else if (a.props.thresholdMetricId !== bandQuery?.id) {
                report(
                    `alarm ${n} thresholdMetricId ${String(a.props.thresholdMetricId)} is not the band query ${String(bandQuery?.id)}`,
                    a.urn,
                );
            }
            const metric = queries.find((q) => q.id === "m1")?.metric;
            if (metric?.period !== ANOMALY.periodSeconds) {
                report(
                    `alarm ${n} metric m1 has period ${String(metric?.period)}; expected ${ANOMALY.periodSeconds}`,
                    a.urn,
                );
            }
            if (a.props.comparisonOperator !== "LessThanLowerOrGreaterThanUpperThreshold") {
                report(
                    `alarm ${n} compares with ${String(a.props.comparisonOperator)}; expected LessThanLowerOrGreaterThanUpperThreshold`,
                    a.urn,
                );
            }
            if (asArray(a.props.alarmActions as string[]).length === 0) {
                report(`alarm ${n} has no alarm actions; it must notify the medium-severity topic`, a.urn);
            }
        }
    },
});

export const topicEncrypted = resourcePolicy({
    name: "operations-topic-encrypted",
    description: "Every SNS topic is encrypted with a customer managed KMS key (kmsMasterKeyId, not alias/aws/sns).",
    controls: ["DET-UNAUTH", "DET-ANOMALY"],
    severity: "high",
    types: [TOPIC],
    validate: (args, report) => {
        const key = args.props.kmsMasterKeyId;
        if (typeof key !== "string" || key.length === 0) {
            report("SNS topic has no kmsMasterKeyId; alert topics carry security findings and must be KMS-encrypted");
        } else if (/alias\/aws\/sns$/.test(key)) {
            // The AWS managed key's policy cannot grant CloudWatch or EventBridge: their alerts would be dropped.
            report(
                "SNS topic uses the AWS managed key alias/aws/sns; CloudWatch alarms and EventBridge cannot publish to it, use a customer managed key",
            );
        }
    },
});

export const configRecording = stackPolicy({
    name: "operations-config-recording",
    description: "AWS Config records every supported resource type (global ones too), delivers to S3 and is on.",
    controls: ["CMP-SOC2-EVIDENCE"],
    severity: "high",
    validate: (args, report) => {
        const recorders = ofType(args.resources, RECORDER);
        if (recorders.length === 0 && adoptedType(RECORDER, args.resources)) {
            return;
        }
        if (recorders.length === 0) {
            report("no AWS Config recorder: configuration evidence is not recorded");
        }
        for (const r of recorders) {
            const group = (r.props.recordingGroup ?? {}) as Props;
            if (group.allSupported !== true) {
                report(
                    `Config recorder ${nameOf(r)} does not record all supported resource types (allSupported)`,
                    r.urn,
                );
            }
            if (group.includeGlobalResourceTypes !== true) {
                report(`Config recorder ${nameOf(r)} does not include global resource types (IAM)`, r.urn);
            }
        }
        const channels = ofType(args.resources, DELIVERY).filter((c) => typeof c.props.s3BucketName === "string");
        if (channels.length === 0) {
            report("no AWS Config delivery channel to an S3 bucket: evidence is not retained");
        }
        if (!ofType(args.resources, RECORDER_STATUS).some((s) => s.props.isEnabled === true)) {
            report("no enabled AWS Config recorder status: the recorder is not running");
        }
    },
});

export const securityHub = stackPolicy({
    name: "operations-security-hub",
    description: "Security Hub is on with FSBP, CIS 3.0.0 and NIST 800-53 r5; an IAM Access Analyzer exists.",
    controls: ["CMP-ISO-OPS", "CMP-SOC2-SECURITY", "CMP-ISO-ACCESS"],
    severity: "high",
    validate: (args, report) => {
        // accountServices adopt: Security Hub, its standards and the analyzer are the landing zone's.
        if (adoptsAccountServices(args.resources)) {
            return;
        }
        if (ofType(args.resources, HUB).length === 0) {
            report("[CMP-SOC2-SECURITY] Security Hub is not enabled (no aws.securityhub.Account)");
        }
        const arns = ofType(args.resources, STANDARD).map((s) => String(s.props.standardsArn ?? ""));
        for (const path of Object.values(SECURITY_HUB_STANDARDS)) {
            if (!arns.some((a) => a.endsWith(`::${path}`))) {
                report(`[CMP-ISO-OPS] Security Hub is not subscribed to ${path}`);
            }
        }
        if (ofType(args.resources, ANALYZER).length === 0) {
            report("[CMP-ISO-ACCESS] no IAM Access Analyzer: external access to resources is not reviewed");
        }
    },
});

interface PackRule {
    Type?: string;
    Properties?: {
        Source?: { SourceIdentifier?: string };
        InputParameters?: Record<string, string>;
        MaximumExecutionFrequency?: string;
    };
}

export const conformancePack = resourcePolicy({
    name: "operations-conformance-pack",
    description: "The ISO 27001 / SOC 2 conformance pack holds every catalog Config rule with its parameters.",
    controls: [
        "CMP-ISO-ACCESS",
        "CMP-ISO-CRYPTO",
        "CMP-ISO-OPS",
        "CMP-SOC2-SECURITY",
        "CMP-SOC2-AVAILABILITY",
        "CMP-SOC2-CONFIDENTIALITY",
        "OPS-D-INTEGRITY",
        "OPS-M-CREDENTIALS",
    ],
    severity: "high",
    types: [PACK],
    validate: (args, report) => {
        const name = String(args.props.name ?? "");
        if (!name.endsWith("-iso27001-soc2")) {
            return;
        }
        let rules: PackRule[];
        try {
            const body = JSON.parse(String(args.props.templateBody)) as { Resources?: Record<string, PackRule> };
            rules = Object.values(body.Resources ?? {});
        } catch {
            report(`conformance pack ${name} has no JSON templateBody; it must be generated from the catalog table`);
            return;
        }
        for (const def of CONFIG_RULES) {
            // A missing or changed rule breaks every control it serves: report it under each of them.
            const each = (message: string) => {
                for (const control of def.controls) {
                    report(`[${control}] ${message}`);
                }
            };
            const rule = rules.find((r) => r.Properties?.Source?.SourceIdentifier === def.identifier);
            if (!rule) {
                each(`conformance pack ${name} lacks the managed rule ${def.identifier}`);
                continue;
            }
            const got = JSON.stringify(rule.Properties?.InputParameters ?? {});
            const want = JSON.stringify(def.inputParameters ?? {});
            if (got !== want) {
                each(`rule ${def.identifier} has parameters ${got}; expected ${want}`);
            }
            if (rule.Properties?.MaximumExecutionFrequency !== def.maximumExecutionFrequency) {
                each(
                    `rule ${def.identifier} runs ${String(rule.Properties?.MaximumExecutionFrequency)}; expected ${String(def.maximumExecutionFrequency)}`,
                );
            }
        }
    },
});

export const incidentAutomation = stackPolicy({
    name: "operations-incident-automation",
    description:
        "Every incident-response runbook exists as an Automation document started by an EventBridge rule; the quarantine group allows no traffic.",
    controls: ["IR-SB-ISOLATE", "IR-SB-EVIDENCE", "IR-SB-BLOCK", "IR-SB-NOTIFY", "IR-DL-REVOKE", "OPS-E-ISOLATE"],
    severity: "high",
    validate: (args, report: ReportViolation) => {
        const docs = ofType(args.resources, DOCUMENT).filter((d) => tagsOf(d.props)[INCIDENT_RESPONSE_TAG]);
        const targets = ofType(args.resources, TARGET);
        for (const rb of Object.values(RUNBOOKS)) {
            const doc = docs.find((d) => tagsOf(d.props)[INCIDENT_RESPONSE_TAG] === rb.step);
            if (!doc) {
                report(`[${rb.control}] no incident-response runbook for ${rb.step}`);
                continue;
            }
            if (doc.props.documentType !== "Automation") {
                report(
                    `[${rb.control}] runbook ${nameOf(doc)} is a ${String(doc.props.documentType)} document; expected Automation`,
                    doc.urn,
                );
            }
            const started = targets.some((t) =>
                String(t.props.arn ?? "").includes(`:automation-definition/${nameOf(doc)}:`),
            );
            if (!started) {
                report(`[${rb.control}] runbook ${nameOf(doc)} is not the target of any EventBridge rule`, doc.urn);
            }
        }
        for (const rule of ofType(args.resources, RULE).filter((r) => tagsOf(r.props)[INCIDENT_RESPONSE_TAG])) {
            const own = targets.filter((t) => t.props.rule === nameOf(rule));
            if (own.length === 0) {
                report(`[IR-SB-ISOLATE] incident-response rule ${nameOf(rule)} has no target`, rule.urn);
            }
            for (const t of own.filter((x) => !x.props.roleArn)) {
                report(
                    `[IR-SB-ISOLATE] target ${t.name} of rule ${nameOf(rule)} has no roleArn to start the runbook`,
                    t.urn,
                );
            }
        }
        const quarantine = ofType(args.resources, SG).filter(
            (s) => tagsOf(s.props)[INCIDENT_RESPONSE_TAG] === "isolate_systems",
        );
        // The quarantine group serves both the detection step (isolate_systems) and the emergency procedure.
        const isolation = (message: string, urn?: string) => {
            report(`[IR-SB-ISOLATE] ${message}`, urn);
            report(`[OPS-E-ISOLATE] ${message}`, urn);
        };
        if (quarantine.length === 0) {
            isolation("no quarantine security group (tagged incident-response=isolate_systems)");
        }
        // Rules count wherever they are written: inline, or as separate ingress / egress rule resources.
        const groups = buildNetwork(args.resources).groups;
        for (const sg of quarantine) {
            const model = groups.get(String(sg.props.id));
            const open = model
                ? model.ingress.length + model.egress.length
                : asArray(sg.props.ingress as unknown[]).length + asArray(sg.props.egress as unknown[]).length;
            if (open > 0) {
                isolation(
                    `quarantine security group ${nameOf(sg)} has ${open} rules; it must allow no traffic`,
                    sg.urn,
                );
            }
        }
    },
});

interface ApprovalRule {
    approveAfterDays?: number;
    patchFilters?: { key?: string; values?: string[] }[];
}

function isCriticalRule(rule: ApprovalRule): boolean {
    const values = (key: string) => (rule.patchFilters ?? []).find((f) => f.key === key)?.values ?? [];
    return values("SEVERITY").includes("Critical") && values("CLASSIFICATION").includes("Security");
}

export const patching = stackPolicy({
    name: "operations-patching",
    description:
        "A patch baseline approves critical security patches at 0 days and others later; a maintenance window runs AWS-RunPatchBaseline.",
    controls: ["MNT-PATCH-CRITICAL", "MNT-PATCH-NONCRITICAL", "OPS-M-PATCH", "IR-SB-PATCH"],
    severity: "high",
    validate: (args, report) => {
        const baselines = ofType(args.resources, BASELINE).filter(
            (b) => b.props.operatingSystem === PATCHING.operatingSystem,
        );
        if (baselines.length === 0) {
            report(`[MNT-PATCH-CRITICAL] no ${PATCHING.operatingSystem} patch baseline`);
        }
        for (const b of baselines) {
            const rules = asArray(b.props.approvalRules as ApprovalRule[]);
            const critical = rules.filter(isCriticalRule);
            if (!critical.some((r) => r.approveAfterDays === PATCHING.critical.approveAfterDays)) {
                report(
                    `[MNT-PATCH-CRITICAL] baseline ${nameOf(b)} does not approve critical security patches after ${PATCHING.critical.approveAfterDays} days`,
                    b.urn,
                );
            }
            for (const r of rules.filter((x) => !isCriticalRule(x) && (x.approveAfterDays ?? 0) < 1)) {
                report(
                    `[MNT-PATCH-NONCRITICAL] baseline ${nameOf(b)} approves non-critical patches (${JSON.stringify(r.patchFilters ?? [])}) immediately; they wait for the maintenance window`,
                    b.urn,
                );
            }
        }
        if (!ofType(args.resources, WINDOW).some((w) => w.props.enabled !== false)) {
            report("[MNT-PATCH-NONCRITICAL] no enabled SSM maintenance window");
        }
        if (!ofType(args.resources, WINDOW_TASK).some((t) => t.props.taskArn === "AWS-RunPatchBaseline")) {
            report("[OPS-M-PATCH] no maintenance window task runs AWS-RunPatchBaseline");
            report(
                "[IR-SB-PATCH] no maintenance window task runs AWS-RunPatchBaseline: vulnerabilities stay unpatched",
            );
        }
    },
});

export const windowTaskTargetless = resourcePolicy({
    name: "operations-window-task-targetless",
    description:
        "A maintenance window task without targets (an Automation that picks its own resources) sets neither maxConcurrency nor maxErrors: SSM refuses the task (ValidationException: maintenance window tasks without targets do not support MaxConcurrency / MaxErrors values), so the node AMI roll would never be registered.",
    controls: ["MNT-PATCH-CRITICAL"],
    severity: "high",
    types: [WINDOW_TASK],
    validate: (args, report) => {
        const targets = asArray(args.props.targets as unknown[]);
        if (targets.length > 0) {
            return;
        }
        const set = ["maxConcurrency", "maxErrors"].filter((k) => args.props[k] !== undefined && args.props[k] !== "");
        if (set.length > 0) {
            report(
                `[MNT-PATCH-CRITICAL] maintenance window task ${String(args.props.name ?? args.name)} has no targets but sets ${set.join(" and ")}: SSM rejects it at registration`,
            );
        }
    },
});

export const routineSchedules = stackPolicy({
    name: "operations-routine-schedules",
    description: "Each audit / routine report runbook is started by an enabled schedule at the guide's cadence.",
    controls: [...new Set(Object.values(REPORTS).flatMap((r) => r.controls))],
    severity: "medium",
    validate: (args, report) => {
        const schedules = ofType(args.resources, SCHEDULE);
        for (const key of Object.keys(REPORTS) as ReportKey[]) {
            const def = REPORTS[key];
            // A broken schedule breaks every control its report serves: report it under each of them.
            const each = (message: string, urn?: string) => {
                for (const control of def.controls) {
                    report(`[${control}] ${message}`, urn);
                }
            };
            const s = schedules.find((x) => nameOf(x).endsWith(`-${reportSlug(key)}`));
            if (!s) {
                each(`no schedule for the ${def.cadence} ${reportSlug(key)}`);
                continue;
            }
            if (s.props.scheduleExpression !== CADENCE[def.cadence]) {
                each(
                    `schedule ${nameOf(s)} runs ${String(s.props.scheduleExpression)}; expected ${CADENCE[def.cadence]} (${def.cadence})`,
                    s.urn,
                );
            }
            if (s.props.state === "DISABLED") {
                each(`schedule ${nameOf(s)} is disabled`, s.urn);
            }
            const target = (s.props.target ?? {}) as Props;
            if (target.arn !== START_AUTOMATION_TARGET) {
                each(`schedule ${nameOf(s)} targets ${String(target.arn)}; expected ${START_AUTOMATION_TARGET}`, s.urn);
            }
        }
    },
});

// Required-and-enabled (lib/required.ts): a control fails when the resource it needs is missing or off.
const REQUIRED_TABLE = requirements({
    backupControls: CLASSIFICATION_LEVELS.map((l) => `BAK-${l.toUpperCase()}`),
    conformancePackSuffix: "-iso27001-soc2",
});

export const requiredAndEnabled = stackPolicy({
    name: "operations-required-and-enabled",
    description:
        "Every control that needs a resource fails when it is missing or switched off: GuardDuty detector / features, Security Hub and its controls, Config recorder and status, the conformance pack, EventBridge rules (state DISABLED), alarm actions, WAF rules in COUNT, the network firewall and alert-only rule groups, flow logs, trail logging, Macie and its job (PAUSED), backup plans / selections / restore tests, KMS keys (disabled or not rotating).",
    controls: [
        ...new Set(
            REQUIRED_TABLE.flatMap((r) =>
                typeof r.control === "string"
                    ? [r.control]
                    : [r.control({}), r.control({ tags: { "incident-response": "x", control: "DET-ANOMALY" } })],
            ),
        ),
    ],
    severity: "high",
    validate: (args, report) => {
        // accountServices adopt: the landing zone's singletons are verified from the account, not required here.
        const table = REQUIRED_TABLE.filter((req) => !req.types.every((t) => adoptedType(t, args.resources)));
        for (const f of checkRequired(args.resources, table)) {
            report(f.message, f.urn);
        }
    },
});

export const operationsPolicies = [
    failedAuthAlarm,
    anomalyAlarm,
    topicEncrypted,
    configRecording,
    securityHub,
    conformancePack,
    incidentAutomation,
    patching,
    windowTaskTargetless,
    routineSchedules,
    requiredAndEnabled,
];
