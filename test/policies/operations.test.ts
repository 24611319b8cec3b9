import {
    anomalyAlarm,
    configRecording,
    conformancePack,
    failedAuthAlarm,
    incidentAutomation,
    patching,
    routineSchedules,
    securityHub,
    topicEncrypted,
    windowTaskTargetless,
} from "../../policy-pack/policies/operations";
import { conformancePackTemplate } from "../../components/operations/compliance";
import { StackResourceCase, validateResource, validateStack } from "../harness/policy";

const msgs = (v: { message: string }[]) => v.map((x) => x.message);
type Mut = (rs: StackResourceCase[]) => void;
function find(rs: StackResourceCase[], type: string, name: string): StackResourceCase {
    const r = rs.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`fixture has no ${name}`);
    return r;
}

describe("operations-failed-auth-alarm (DET-UNAUTH)", () => {
    const T = "aws:cloudwatch/metricAlarm:MetricAlarm";
    const base = (): StackResourceCase[] => [
        {
            type: T,
            name: "a",
            props: {
                name: "fa",
                threshold: 5,
                period: 300,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                statistic: "Sum",
                alarmActions: ["arn:aws:sns:eu-west-1:1:high"],
                tags: { detection: "failed-authentication" },
            },
        },
    ];
    const run = (m: Mut) => {
        const rs = base();
        m(rs);
        return msgs(validateStack(failedAuthAlarm, rs));
    };
    it("passes the guide's alarm", () => expect(run(() => {})).toEqual([]));
    it.each<[string, Mut]>([
        ["threshold lowered to 3", (rs) => (rs[0].props.threshold = 3)],
        ["threshold 0 (every failure)", (rs) => (rs[0].props.threshold = 0)],
        [
            "> 5 as >= 6",
            (rs) => Object.assign(rs[0].props, { threshold: 6, comparisonOperator: "GreaterThanOrEqualToThreshold" }),
        ],
        ["extra tags", (rs) => Object.assign(rs[0].props.tags as object, { owner: "secops", severity: "high" })],
        [
            "written as metric math",
            (rs) => {
                const p = rs[0].props;
                delete p.period;
                delete p.statistic;
                p.metricQueries = [
                    { id: "m1", metric: { metricName: "FailedAuthentication", period: 300, stat: "Sum" } },
                    { id: "e1", expression: "m1", returnData: true },
                ];
            },
        ],
    ])("passes a stricter or equivalent alarm: %s", (_n, m) => expect(run(m)).toEqual([]));
    it.each<[string, Mut, string]>([
        [
            "missing",
            (rs) => rs.pop(),
            "no CloudWatch alarm tagged detection=failed-authentication: unauthorized_access (failed_auth > 5 in 5m) is unmonitored",
        ],
        [
            "threshold",
            (rs) => (rs[0].props.threshold = 10),
            "alarm fa fires at 11 failures (GreaterThanThreshold 10); the guide alerts at 6 (failed_auth > 5), so the threshold must be at most 5",
        ],
        [
            ">= 7 (fires at 7, later than the guide's 6)",
            (rs) => Object.assign(rs[0].props, { threshold: 7, comparisonOperator: "GreaterThanOrEqualToThreshold" }),
            "alarm fa fires at 7 failures (GreaterThanOrEqualToThreshold 7); the guide alerts at 6 (failed_auth > 5), so the threshold must be at most 5",
        ],
        ["period", (rs) => (rs[0].props.period = 600), "alarm fa has period 600; expected 300"],
        [
            "evaluation periods",
            (rs) => (rs[0].props.evaluationPeriods = 3),
            "alarm fa evaluates 3 periods; expected 1 (one window)",
        ],
        [
            "operator",
            (rs) => (rs[0].props.comparisonOperator = "LessThanThreshold"),
            "alarm fa compares with LessThanThreshold against 5; it must fire when failures exceed a threshold of at most 5",
        ],
        ["statistic", (rs) => (rs[0].props.statistic = "Average"), "alarm fa uses statistic Average; expected Sum"],
        [
            "actions",
            (rs) => (rs[0].props.alarmActions = []),
            "alarm fa has no alarm actions; it must notify the high-severity topic",
        ],
    ])("fails: %s", (_n, m, message) => expect(run(m)).toEqual([message].flat()));
});

describe("operations-anomaly-alarm (DET-ANOMALY)", () => {
    const T = "aws:cloudwatch/metricAlarm:MetricAlarm";
    const base = (): StackResourceCase[] => [
        {
            type: T,
            name: "a",
            props: {
                name: "an",
                comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
                thresholdMetricId: "ad1",
                alarmActions: ["arn:aws:sns:eu-west-1:1:medium"],
                metricQueries: [
                    { id: "m1", metric: { period: 900, metricName: "RequestCount" } },
                    { id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 3)" },
                ],
                tags: { detection: "anomaly" },
            },
        },
    ];
    const q = (rs: StackResourceCase[]) => rs[0].props.metricQueries as Record<string, unknown>[];
    const run = (m: Mut) => {
        const rs = base();
        m(rs);
        return msgs(validateStack(anomalyAlarm, rs));
    };
    it("passes a 3-sigma 900 s band alarm", () => expect(run(() => {})).toEqual([]));
    it.each(["ANOMALY_DETECTION_BAND(m1, 2)", "ANOMALY_DETECTION_BAND(m1, 2.5)", "ANOMALY_DETECTION_BAND(m1)"])(
        "passes a narrower band (stricter): %s",
        (expression) => expect(run((rs) => (q(rs)[1].expression = expression))).toEqual([]),
    );
    it.each<[string, Mut, string]>([
        [
            "missing",
            (rs) => rs.pop(),
            "no CloudWatch alarm tagged detection=anomaly: abnormal_behavior (deviation > 3sigma in 15m) is unmonitored",
        ],
        [
            "band width",
            (rs) => (q(rs)[1].expression = "ANOMALY_DETECTION_BAND(m1, 4)"),
            "alarm an has band ANOMALY_DETECTION_BAND(m1, 4); expected ANOMALY_DETECTION_BAND(m1, 3) or a narrower band on m1 (at most 3 sigma)",
        ],
        [
            "threshold metric",
            (rs) => (rs[0].props.thresholdMetricId = "m1"),
            "alarm an thresholdMetricId m1 is not the band query ad1",
        ],
        [
            "period",
            (rs) => ((q(rs)[0].metric as { period: number }).period = 300),
            "alarm an metric m1 has period 300; expected 900",
        ],
        [
            "operator",
            (rs) => (rs[0].props.comparisonOperator = "GreaterThanUpperThreshold"),
            "alarm an compares with GreaterThanUpperThreshold; expected LessThanLowerOrGreaterThanUpperThreshold",
        ],
        [
            "actions",
            (rs) => delete rs[0].props.alarmActions,
            "alarm an has no alarm actions; it must notify the medium-severity topic",
        ],
    ])("fails: %s", (_n, m, message) => expect(run(m)).toEqual([message].flat()));
});

describe("operations-topic-encrypted (DET-UNAUTH, DET-ANOMALY)", () => {
    const T = "aws:sns/topic:Topic";
    it("passes a KMS-encrypted topic", () =>
        expect(
            validateResource(topicEncrypted, { type: T, props: { kmsMasterKeyId: "arn:aws:kms:eu-west-1:1:key/k" } }),
        ).toEqual([]));
    it("fails a topic without kmsMasterKeyId", () =>
        expect(validateResource(topicEncrypted, { type: T, props: {} })).toEqual([
            "SNS topic has no kmsMasterKeyId; alert topics carry security findings and must be KMS-encrypted",
        ]));
    it("fails a topic on the AWS managed key alias/aws/sns", () =>
        expect(validateResource(topicEncrypted, { type: T, props: { kmsMasterKeyId: "alias/aws/sns" } })).toEqual([
            "SNS topic uses the AWS managed key alias/aws/sns; CloudWatch alarms and EventBridge cannot publish to it, use a customer managed key",
        ]));
});

describe("operations-config-recording (CMP-SOC2-EVIDENCE)", () => {
    const base = (): StackResourceCase[] => [
        {
            type: "aws:cfg/recorder:Recorder",
            name: "r",
            props: { name: "rec", recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } },
        },
        { type: "aws:cfg/deliveryChannel:DeliveryChannel", name: "d", props: { s3BucketName: "audit" } },
        { type: "aws:cfg/recorderStatus:RecorderStatus", name: "s", props: { isEnabled: true } },
    ];
    const run = (m: Mut) => {
        const rs = base();
        m(rs);
        return msgs(validateStack(configRecording, rs));
    };
    const group = (rs: StackResourceCase[]) => rs[0].props.recordingGroup as Record<string, unknown>;
    it("passes a full recorder with delivery channel", () => expect(run(() => {})).toEqual([]));
    it.each<[string, Mut, string]>([
        ["no recorder", (rs) => rs.shift(), "no AWS Config recorder: configuration evidence is not recorded"],
        [
            "not all supported",
            (rs) => (group(rs).allSupported = false),
            "Config recorder rec does not record all supported resource types (allSupported)",
        ],
        [
            "no global types",
            (rs) => delete group(rs).includeGlobalResourceTypes,
            "Config recorder rec does not include global resource types (IAM)",
        ],
        [
            "no delivery channel",
            (rs) => rs.splice(1, 1),
            "no AWS Config delivery channel to an S3 bucket: evidence is not retained",
        ],
        [
            "recorder off",
            (rs) => (rs[2].props.isEnabled = false),
            "no enabled AWS Config recorder status: the recorder is not running",
        ],
    ])("fails: %s", (_n, m, message) => expect(run(m)).toEqual([message].flat()));
});

describe("operations-security-hub (CMP-ISO-OPS, CMP-SOC2-SECURITY, CMP-ISO-ACCESS)", () => {
    const S = "aws:securityhub/standardsSubscription:StandardsSubscription";
    const base = (): StackResourceCase[] => [
        { type: "aws:securityhub/account:Account", name: "h", props: {} },
        {
            type: S,
            name: "s1",
            props: {
                standardsArn:
                    "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
            },
        },
        {
            type: S,
            name: "s2",
            props: { standardsArn: "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0" },
        },
        {
            type: S,
            name: "s3",
            props: { standardsArn: "arn:aws:securityhub:eu-west-1::standards/nist-800-53/v/5.0.0" },
        },
        { type: "aws:accessanalyzer/analyzer:Analyzer", name: "a", props: { type: "ACCOUNT" } },
    ];
    const run = (m: Mut) => {
        const rs = base();
        m(rs);
        return msgs(validateStack(securityHub, rs));
    };
    it("passes Security Hub with the three standards and an analyzer", () => expect(run(() => {})).toEqual([]));
    it.each<[string, Mut, string]>([
        ["no hub", (rs) => rs.shift(), "[CMP-SOC2-SECURITY] Security Hub is not enabled (no aws.securityhub.Account)"],
        [
            "old CIS",
            (rs) =>
                (find(rs, S, "s2").props.standardsArn =
                    "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"),
            "[CMP-ISO-OPS] Security Hub is not subscribed to standards/cis-aws-foundations-benchmark/v/3.0.0",
        ],
        [
            "no analyzer",
            (rs) => rs.pop(),
            "[CMP-ISO-ACCESS] no IAM Access Analyzer: external access to resources is not reviewed",
        ],
    ])("fails: %s", (_n, m, message) => expect(run(m)).toEqual([message].flat()));
});

describe("operations-conformance-pack (CMP-ISO-CRYPTO, CMP-ISO-ACCESS, OPS-D-INTEGRITY, OPS-M-CREDENTIALS)", () => {
    const T = "aws:cfg/conformancePack:ConformancePack";
    type Body = { Resources: Record<string, { Properties: Record<string, unknown> }> };
    const check = (m: (b: Body) => void, name = "mas-dev-iso27001-soc2") => {
        const body = JSON.parse(conformancePackTemplate()) as Body;
        m(body);
        return validateResource(conformancePack, { type: T, props: { name, templateBody: JSON.stringify(body) } });
    };
    it("passes the generated template", () => expect(check(() => {})).toEqual([]));
    it("ignores other conformance packs", () =>
        expect(validateResource(conformancePack, { type: T, props: { name: "other", templateBody: "x: y" } })).toEqual(
            [],
        ));
    it("fails a template that is not JSON", () =>
        expect(
            validateResource(conformancePack, {
                type: T,
                props: { name: "mas-dev-iso27001-soc2", templateBody: "Resources: {}\nx: [" },
            }),
        ).toEqual([
            "conformance pack mas-dev-iso27001-soc2 has no JSON templateBody; it must be generated from the catalog table",
        ]));
    it("fails a missing rule", () =>
        expect(check((b) => delete b.Resources.EncryptedVolumes)).toEqual([
            "[CMP-ISO-CRYPTO] conformance pack mas-dev-iso27001-soc2 lacks the managed rule ENCRYPTED_VOLUMES",
            "[CMP-SOC2-CONFIDENTIALITY] conformance pack mas-dev-iso27001-soc2 lacks the managed rule ENCRYPTED_VOLUMES",
        ]));
    it("fails changed parameters", () =>
        expect(
            check((b) => (b.Resources.AccessKeysRotated.Properties.InputParameters = { maxAccessKeyAge: "365" })),
        ).toEqual([
            '[CMP-ISO-ACCESS] rule ACCESS_KEYS_ROTATED has parameters {"maxAccessKeyAge":"365"}; expected {"maxAccessKeyAge":"90"}',
            '[CMP-SOC2-SECURITY] rule ACCESS_KEYS_ROTATED has parameters {"maxAccessKeyAge":"365"}; expected {"maxAccessKeyAge":"90"}',
        ]));
    it("fails a changed evaluation frequency (daily integrity)", () =>
        expect(
            check(
                (b) =>
                    (b.Resources.CloudTrailLogFileValidationEnabled.Properties.MaximumExecutionFrequency =
                        "Twelve_Hours"),
            ),
        ).toEqual([
            "[CMP-ISO-OPS] rule CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED runs Twelve_Hours; expected TwentyFour_Hours",
            "[CMP-SOC2-SECURITY] rule CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED runs Twelve_Hours; expected TwentyFour_Hours",
        ]));
});

describe("operations-incident-automation (IR-SB-ISOLATE, IR-SB-EVIDENCE, IR-SB-BLOCK, IR-SB-NOTIFY, IR-DL-REVOKE, OPS-E-ISOLATE)", () => {
    const D = "aws:ssm/document:Document";
    const R = "aws:cloudwatch/eventRule:EventRule";
    const T = "aws:cloudwatch/eventTarget:EventTarget";
    const steps = ["isolate_systems", "block_access", "revoke_access", "collect_evidence", "notify_stakeholders"];
    const def = (n: string) => `arn:aws:ssm:eu-west-1:1:automation-definition/${n}:$DEFAULT`;
    const base = (): StackResourceCase[] => [
        ...steps.map((s) => ({
            type: D,
            name: s,
            props: { name: `ir-${s}`, documentType: "Automation", tags: { "incident-response": s } },
        })),
        { type: R, name: "rule", props: { name: "ir-rule", tags: { "incident-response": "ec2" } } },
        ...steps.map((s) => ({
            type: T,
            name: `t-${s}`,
            props: { rule: "ir-rule", arn: def(`ir-${s}`), roleArn: "arn:aws:iam::1:role/events" },
        })),
        {
            type: "aws:ec2/securityGroup:SecurityGroup",
            name: "q",
            props: { name: "quarantine", ingress: [], egress: [], tags: { "incident-response": "isolate_systems" } },
        },
    ];
    const run = (m: Mut) => {
        const rs = base();
        m(rs);
        return msgs(validateStack(incidentAutomation, rs));
    };
    it("passes runbooks that rules start and an empty quarantine group", () => expect(run(() => {})).toEqual([]));
    it.each<[string, Mut, string | string[]]>([
        ["missing runbook", (rs) => rs.splice(1, 1), "[IR-SB-BLOCK] no incident-response runbook for block_access"],
        [
            "command document",
            (rs) => (find(rs, D, "revoke_access").props.documentType = "Command"),
            "[IR-DL-REVOKE] runbook ir-revoke_access is a Command document; expected Automation",
        ],
        [
            "not targeted",
            (rs) => (find(rs, T, "t-collect_evidence").props.arn = def("other")),
            "[IR-SB-EVIDENCE] runbook ir-collect_evidence is not the target of any EventBridge rule",
        ],
        [
            "rule without target",
            (rs) => rs.push({ type: R, name: "r2", props: { name: "ir-idle", tags: { "incident-response": "x" } } }),
            "[IR-SB-ISOLATE] incident-response rule ir-idle has no target",
        ],
        [
            "target without role",
            (rs) => delete find(rs, T, "t-notify_stakeholders").props.roleArn,
            "[IR-SB-ISOLATE] target t-notify_stakeholders of rule ir-rule has no roleArn to start the runbook",
        ],
        [
            "no quarantine group",
            (rs) => rs.pop(),
            [
                "[IR-SB-ISOLATE] no quarantine security group (tagged incident-response=isolate_systems)",
                "[OPS-E-ISOLATE] no quarantine security group (tagged incident-response=isolate_systems)",
            ],
        ],
        [
            "open quarantine group",
            (rs) => (rs[rs.length - 1].props.egress = [{ protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }]),
            [
                "[IR-SB-ISOLATE] quarantine security group quarantine has 1 rules; it must allow no traffic",
                "[OPS-E-ISOLATE] quarantine security group quarantine has 1 rules; it must allow no traffic",
            ],
        ],
    ])("fails: %s", (_n, m, message) => expect(run(m)).toEqual([message].flat()));
});

describe("operations-patching (MNT-PATCH-CRITICAL, MNT-PATCH-NONCRITICAL, OPS-M-PATCH, IR-SB-PATCH)", () => {
    const base = (): StackResourceCase[] => [
        {
            type: "aws:ssm/patchBaseline:PatchBaseline",
            name: "b",
            props: {
                name: "al2023",
                operatingSystem: "AMAZON_LINUX_2023",
                approvalRules: [
                    {
                        approveAfterDays: 0,
                        patchFilters: [
                            { key: "CLASSIFICATION", values: ["Security"] },
                            { key: "SEVERITY", values: ["Critical", "Important"] },
                        ],
                    },
                    { approveAfterDays: 7, patchFilters: [{ key: "CLASSIFICATION", values: ["Security", "Bugfix"] }] },
                ],
            },
        },
        { type: "aws:ssm/maintenanceWindow:MaintenanceWindow", name: "w", props: { enabled: true } },
        {
            type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
            name: "t",
            props: { taskArn: "AWS-RunPatchBaseline" },
        },
    ];
    const rules = (rs: StackResourceCase[]) => rs[0].props.approvalRules as { approveAfterDays: number }[];
    const run = (m: Mut) => {
        const rs = base();
        m(rs);
        return msgs(validateStack(patching, rs));
    };
    it("passes the guide's baseline and window", () => expect(run(() => {})).toEqual([]));
    it.each<[string, Mut, string | string[]]>([
        ["no baseline", (rs) => rs.shift(), "[MNT-PATCH-CRITICAL] no AMAZON_LINUX_2023 patch baseline"],
        [
            "critical delayed",
            (rs) => (rules(rs)[0].approveAfterDays = 3),
            "[MNT-PATCH-CRITICAL] baseline al2023 does not approve critical security patches after 0 days",
        ],
        [
            "non-critical immediate",
            (rs) => (rules(rs)[1].approveAfterDays = 0),
            '[MNT-PATCH-NONCRITICAL] baseline al2023 approves non-critical patches ([{"key":"CLASSIFICATION","values":["Security","Bugfix"]}]) immediately; they wait for the maintenance window',
        ],
        [
            "window disabled",
            (rs) => (rs[1].props.enabled = false),
            "[MNT-PATCH-NONCRITICAL] no enabled SSM maintenance window",
        ],
        [
            "no patch task",
            (rs) => (rs[2].props.taskArn = "AWS-RunShellScript"),
            [
                "[OPS-M-PATCH] no maintenance window task runs AWS-RunPatchBaseline",
                "[IR-SB-PATCH] no maintenance window task runs AWS-RunPatchBaseline: vulnerabilities stay unpatched",
            ],
        ],
    ])("fails: %s", (_n, m, message) => expect(run(m)).toEqual([message].flat()));
});

describe("operations-routine-schedules (AUD-SYS, AUD-ACCESS, OPS-D-INTEGRITY, OPS-W-ACCESS, OPS-M-POLICIES, MNT-POLICY-REVIEW)", () => {
    const S = "aws:scheduler/schedule:Schedule";
    const U = "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution";
    const crons: Record<string, string> = {
        "report-daily": "cron(0 6 * * ? *)",
        "report-weekly": "cron(0 7 ? * MON *)",
        "report-access-audit": "cron(0 8 1 * ? *)",
        "report-system-audit": "cron(0 9 1 1,4,7,10 ? *)",
        "report-policy-review": "cron(0 9 1 1,4,7,10 ? *)",
        "report-monthly-policy-review": "cron(0 8 1 * ? *)",
    };
    const base = (): StackResourceCase[] =>
        Object.entries(crons).map(([slug, cron]) => ({
            type: S,
            name: slug,
            props: { name: `mas-dev-${slug}`, scheduleExpression: cron, state: "ENABLED", target: { arn: U } },
        }));
    const run = (m: Mut) => {
        const rs = base();
        m(rs);
        return msgs(validateStack(routineSchedules, rs));
    };
    it("passes schedules at the guide's cadences", () => expect(run(() => {})).toEqual([]));
    it.each<[string, Mut, string | string[]]>([
        ["missing", (rs) => rs.splice(3, 1), "[AUD-SYS] no schedule for the quarterly report-system-audit"],
        [
            "wrong cadence",
            (rs) => (find(rs, S, "report-access-audit").props.scheduleExpression = "cron(0 8 1 1,4,7,10 ? *)"),
            [
                "[AUD-ACCESS] schedule mas-dev-report-access-audit runs cron(0 8 1 1,4,7,10 ? *); expected cron(0 8 1 * ? *) (monthly)",
                "[AUD-ACCESS-REPORT] schedule mas-dev-report-access-audit runs cron(0 8 1 1,4,7,10 ? *); expected cron(0 8 1 * ? *) (monthly)",
                "[OPS-M-CREDENTIALS] schedule mas-dev-report-access-audit runs cron(0 8 1 1,4,7,10 ? *); expected cron(0 8 1 * ? *) (monthly)",
            ],
        ],
        [
            "disabled",
            (rs) => (find(rs, S, "report-daily").props.state = "DISABLED"),
            [
                "[OPS-D-INTEGRITY] schedule mas-dev-report-daily is disabled",
                "[OPS-D-LOGS] schedule mas-dev-report-daily is disabled",
                "[OPS-D-ALERTS] schedule mas-dev-report-daily is disabled",
            ],
        ],
        [
            "wrong target",
            (rs) => (find(rs, S, "report-weekly").props.target = { arn: "arn:aws:sns:eu-west-1:1:low" }),
            [
                "[OPS-W-ACCESS] schedule mas-dev-report-weekly targets arn:aws:sns:eu-west-1:1:low; expected arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution",
                "[OPS-W-BACKUPS] schedule mas-dev-report-weekly targets arn:aws:sns:eu-west-1:1:low; expected arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution",
            ],
        ],
    ])("fails: %s", (_n, m, message) => expect(run(m)).toEqual([message].flat()));
});

describe("operations-window-task-targetless (MNT-PATCH-CRITICAL)", () => {
    const T = "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask";
    const roll = { name: "mas-prod-roll-node-amis", taskType: "AUTOMATION", taskArn: "mas-prod-node-ami-roll" };

    it("passes a targetless Automation task without concurrency / error limits, and a targeted one with them", () => {
        expect(validateResource(windowTaskTargetless, { type: T, props: roll })).toEqual([]);
        expect(
            validateResource(windowTaskTargetless, {
                type: T,
                props: {
                    taskArn: "AWS-RunPatchBaseline",
                    targets: [{ key: "WindowTargetIds", values: ["t-1"] }],
                    maxConcurrency: "1",
                    maxErrors: "1",
                },
            }),
        ).toEqual([]);
    });

    it("fails a targetless task that sets maxConcurrency and maxErrors (SSM ValidationException)", () => {
        expect(
            validateResource(windowTaskTargetless, {
                type: T,
                props: { ...roll, maxConcurrency: "1", maxErrors: "1" },
            }),
        ).toEqual([
            "[MNT-PATCH-CRITICAL] maintenance window task mas-prod-roll-node-amis has no targets but sets maxConcurrency and maxErrors: SSM rejects it at registration",
        ]);
    });
});
