/**
 * Required-and-enabled: each control that needs a resource fails when the resource is missing from the stack
 * or present but switched off. One table, read by the `operations-required-and-enabled` stack policy; the
 * per-control policies judge the settings of what exists.
 */

type Obj = Record<string, unknown>;

export interface RequiredResource {
    type: string;
    name: string;
    urn: string;
    props: Obj;
}

export interface Requirement {
    /** Control that fails; a function when it depends on the resource (e.g. an alarm's `control` tag). */
    control: string | ((props: Obj) => string);
    /** What the control needs, for messages. */
    what: string;
    types: string[];
    /** Which resources of the types count. */
    select?: (props: Obj) => boolean;
    /** At least one must exist. */
    required: boolean;
    /** Why a present resource does nothing, or undefined when it is on. */
    disabled?: (props: Obj) => string | undefined;
}

export interface Finding {
    control: string;
    message: string;
    urn?: string;
}

const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const tags = (p: Obj): Record<string, string> => ({
    ...(obj(p.tagsAll) as Record<string, string>),
    ...(obj(p.tags) as Record<string, string>),
});

/** WAF rules that only count: a rule action `count`, or a managed group rule overridden to count. */
function wafCounting(p: Obj): string | undefined {
    const counting: string[] = [];
    for (const r of objs(p.rules)) {
        if ("count" in obj(r.action)) {
            counting.push(String(r.name));
        }
        const managed = obj(obj(r.statement).managedRuleGroupStatement);
        for (const o of objs(managed.ruleActionOverrides)) {
            if ("count" in obj(o.actionToUse)) {
                counting.push(`${String(r.name)}/${String(o.name)}`);
            }
        }
    }
    return counting.length ? `rules in COUNT mode (they log, never block): ${counting.join(", ")}` : undefined;
}

/** A stateful Suricata rule group whose rules only alert (no drop / reject / pass) prevents nothing. */
function alertOnly(p: Obj): string | undefined {
    const src = obj(obj(p.ruleGroup).rulesSource);
    const actions: string[] = [];
    if (typeof src.rulesString === "string") {
        for (const line of src.rulesString.split("\n").map((l) => l.trim())) {
            if (line && !line.startsWith("#")) {
                actions.push(line.split(/\s+/)[0].toLowerCase());
            }
        }
    }
    objs(src.statefulRules).forEach((r) => actions.push(String(r.action).toLowerCase()));
    return actions.length > 0 && actions.every((a) => a === "alert")
        ? "every rule only alerts: it prevents nothing"
        : undefined;
}

function isSymmetric(p: Obj): boolean {
    const spec = p.customerMasterKeySpec ?? p.keySpec ?? "SYMMETRIC_DEFAULT";
    return spec === "SYMMETRIC_DEFAULT" && (p.keyUsage ?? "ENCRYPT_DECRYPT") === "ENCRYPT_DECRYPT";
}

const PAUSED = ["PAUSED", "USER_PAUSED", "CANCELLED"];

/** The table: control → the resource it needs and when that resource counts as off. */
export function requirements(opts: { backupControls: string[]; conformancePackSuffix: string }): Requirement[] {
    return [
        {
            control: "IPS-BEHAVIORAL",
            what: "an enabled GuardDuty detector",
            types: ["aws:guardduty/detector:Detector"],
            required: true,
            disabled: (p) => (p.enable === false ? "enable is false" : undefined),
        },
        {
            control: "IPS-BEHAVIORAL",
            what: "GuardDuty protection features",
            types: ["aws:guardduty/detectorFeature:DetectorFeature"],
            required: false,
            disabled: (p) =>
                p.status === "DISABLED"
                    ? `feature ${String(p.name)} is DISABLED`
                    : objs(p.additionalConfigurations).some((c) => c.status === "DISABLED")
                      ? `feature ${String(p.name)} has a DISABLED additional configuration`
                      : undefined,
        },
        {
            control: "CMP-SOC2-SECURITY",
            what: "Security Hub",
            types: ["aws:securityhub/account:Account"],
            required: true,
        },
        {
            control: "CMP-ISO-OPS",
            what: "Security Hub standard controls",
            types: [
                "aws:securityhub/standardsControl:StandardsControl",
                "aws:securityhub/standardsControlAssociation:StandardsControlAssociation",
            ],
            required: false,
            disabled: (p) =>
                p.controlStatus === "DISABLED" || p.associationStatus === "DISABLED"
                    ? `standard control ${String(p.standardsControlArn ?? p.securityControlId ?? "?")} is DISABLED`
                    : undefined,
        },
        {
            control: "CMP-SOC2-EVIDENCE",
            what: "an AWS Config recorder",
            types: ["aws:cfg/recorder:Recorder"],
            required: true,
        },
        {
            control: "CMP-SOC2-EVIDENCE",
            what: "a running AWS Config recorder (recorder status)",
            types: ["aws:cfg/recorderStatus:RecorderStatus"],
            required: true,
            disabled: (p) => (p.isEnabled !== true ? "isEnabled is not true: the recorder is stopped" : undefined),
        },
        {
            control: "CMP-ISO-OPS",
            what: `the ISO 27001 / SOC 2 conformance pack (*${opts.conformancePackSuffix})`,
            types: ["aws:cfg/conformancePack:ConformancePack"],
            select: (p) => String(p.name ?? "").endsWith(opts.conformancePackSuffix),
            required: true,
        },
        {
            control: (p) => (tags(p)["incident-response"] ? "IR-SB-ISOLATE" : "IR-SB-NOTIFY"),
            what: "EventBridge rules",
            types: ["aws:cloudwatch/eventRule:EventRule"],
            required: false,
            disabled: (p) =>
                p.state === "DISABLED" || p.isEnabled === false
                    ? "state is DISABLED: matching events start nothing"
                    : undefined,
        },
        {
            control: (p) => (tags(p).control === "DET-ANOMALY" ? "DET-ANOMALY" : "DET-UNAUTH"),
            what: "CloudWatch alarms",
            types: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
            required: false,
            disabled: (p) => (p.actionsEnabled === false ? "actionsEnabled is false: it notifies nobody" : undefined),
        },
        {
            control: "PER-WAF-RULES",
            what: "WAF web ACLs",
            types: ["aws:wafv2/webAcl:WebAcl"],
            required: true,
            disabled: wafCounting,
        },
        {
            control: "PER-FW-EGRESS",
            what: "an AWS Network Firewall",
            types: ["aws:networkfirewall/firewall:Firewall"],
            required: true,
        },
        {
            control: "IPS-PREVENT",
            what: "stateful Network Firewall rule groups",
            types: ["aws:networkfirewall/ruleGroup:RuleGroup"],
            select: (p) => p.type === "STATEFUL",
            required: false,
            disabled: alertOnly,
        },
        {
            control: "NET-FLOW-LOGS",
            what: "VPC flow logs",
            types: ["aws:ec2/flowLog:FlowLog"],
            required: true,
        },
        {
            control: "LOG-AUDIT-TRAIL",
            what: "a logging CloudTrail trail",
            types: ["aws:cloudtrail/trail:Trail"],
            required: true,
            disabled: (p) => (p.enableLogging === false ? "enableLogging is false" : undefined),
        },
        {
            control: "DATA-CLS-DISCOVERY",
            what: "Amazon Macie",
            types: ["aws:macie2/account:Account"],
            required: true,
            disabled: (p) => (p.status === "PAUSED" ? "status is PAUSED" : undefined),
        },
        {
            control: "DATA-CLS-DISCOVERY",
            what: "a Macie classification job",
            types: ["aws:macie2/classificationJob:ClassificationJob"],
            required: true,
            disabled: (p) => (PAUSED.includes(String(p.jobStatus)) ? `jobStatus is ${String(p.jobStatus)}` : undefined),
        },
        ...opts.backupControls.flatMap((control): Requirement[] => [
            { control, what: "an AWS Backup plan", types: ["aws:backup/plan:Plan"], required: true },
            { control, what: "an AWS Backup selection", types: ["aws:backup/selection:Selection"], required: true },
        ]),
        {
            control: "BAK-RESTORE-TEST",
            what: "an AWS Backup restore testing plan",
            types: ["aws:backup/restoreTestingPlan:RestoreTestingPlan"],
            required: true,
        },
        {
            control: "KMS-KEY-MGMT",
            what: "KMS keys",
            types: ["aws:kms/key:Key"],
            required: true,
            disabled: (p) =>
                p.isEnabled === false
                    ? "isEnabled is false"
                    : isSymmetric(p) && p.enableKeyRotation !== true
                      ? "automatic rotation is off (enableKeyRotation)"
                      : undefined,
        },
    ];
}

/** Findings of the table over the stack's resources. */
export function checkRequired(resources: RequiredResource[], table: Requirement[]): Finding[] {
    const findings: Finding[] = [];
    for (const req of table) {
        const found = resources.filter((r) => req.types.includes(r.type) && (req.select?.(r.props) ?? true));
        if (req.required && found.length === 0) {
            const control = typeof req.control === "string" ? req.control : req.control({});
            findings.push({ control, message: `[${control}] the stack lacks ${req.what}` });
        }
        for (const r of found) {
            const why = req.disabled?.(r.props);
            if (why) {
                const control = typeof req.control === "string" ? req.control : req.control(r.props);
                findings.push({ control, message: `[${control}] ${req.what}: ${r.name} ${why}`, urn: r.urn });
            }
        }
    }
    return findings;
}
