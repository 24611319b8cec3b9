import { named, ofType, runIsolated, stackConfig } from "../harness/program";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/alerts-key`;
const AUDIT_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/audit-key`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/mas-dev-system-admin`;
const IPSET_ARN = `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/ipset/mas-dev-block/ipset-id-1`;

function program(stack: string) {
    return () => {
        const { loadConfig } = require("../../components/config");
        const { EvidenceRegistry } = require("../../components/evidence");
        const ops = require("../../components/operations");
        const config = loadConfig();
        const evidence = new EvidenceRegistry();
        const detection = new ops.Detection("mas", {
            config,
            evidence,
            auditLogGroupName: `/aws/cloudtrail/mas-${stack}`,
            eksLogGroupName: `/aws/eks/mas-${stack}-eks/cluster`,
            alertsKeyArn: KEY,
            systemAdminRoleArn: ADMIN,
            albArnSuffix: "app/mas-alb/0123456789abcdef",
        });
        const ir = new ops.IncidentResponse("mas", {
            config,
            evidence,
            vpcId: "vpc-0abc",
            highTopicArn: detection.topics.high.arn,
            alertsKeyArn: KEY,
            wafIpSet: { name: "mas-dev-block", id: "ipset-id-1", scope: "REGIONAL", arn: IPSET_ARN },
            permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/mas-boundary`,
        });
        const compliance = new ops.Compliance("mas", {
            config,
            evidence,
            configBucketName: "mas-config-history",
            auditKeyArn: AUDIT_KEY,
        });
        new ops.Operations("mas", {
            config,
            evidence,
            reportTopicArn: detection.topics.low.arn,
            alertsKeyArn: KEY,
            accessAnalyzerArn: compliance.accessAnalyzer.arn,
            conformancePackName: compliance.conformancePack.name,
            nodeGroups: { clusterName: `mas-${stack}-eks`, names: [`mas-${stack}-agent`, `mas-${stack}-service`] },
            patchApproverArns: [ADMIN],
            approvalTopicArn: detection.topics.high.arn,
        });
        void ir;
        return { controls: evidence.controls() };
    };
}

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await runIsolated(stackConfig("dev"), "dev", program("dev"));
    prod = await runIsolated(stackConfig("prod"), "prod", program("prod"));
});

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const DOC = "aws:ssm/document:Document";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";

interface Step {
    name: string;
    action: string;
    inputs: Record<string, unknown>;
    outputs?: { Name: string; Selector: string; Type: string }[];
}
interface Doc {
    schemaVersion: string;
    assumeRole: string;
    parameters: Record<string, { default?: unknown }>;
    mainSteps: Step[];
}
const content = (r: RecordedResource) => JSON.parse(r.inputs.content as string) as Doc;
const policy = (r: RecordedResource) =>
    JSON.parse(r.inputs.policy as string) as { Statement: Record<string, unknown>[] };

describe("Detection DET-UNAUTH: failed authentication", () => {
    it("feeds three metric filters into one metric MAS/Security FailedAuthentication", () => {
        const filters = ["console-login", "access-denied", "eks-authenticator"].map((s) =>
            named(dev, FILTER, `mas-failed-auth-${s}`),
        );
        expect(filters.map((f) => f.inputs.pattern)).toEqual([
            '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            '"access denied"',
        ]);
        expect(filters.map((f) => f.inputs.logGroupName)).toEqual([
            "/aws/cloudtrail/mas-dev",
            "/aws/cloudtrail/mas-dev",
            "/aws/eks/mas-dev-eks/cluster",
        ]);
        for (const f of filters) {
            expect(f.inputs.metricTransformation).toEqual({
                namespace: "MAS/Security",
                name: "FailedAuthentication",
                value: "1",
            });
        }
    });

    it("alarms on more than 5 in one 300 s period to the high topic", () => {
        const a = named(dev, ALARM, "mas-failed-auth").inputs;
        expect(a).toMatchObject({
            name: "mas-dev-failed-authentication",
            namespace: "MAS/Security",
            metricName: "FailedAuthentication",
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 5,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`],
        });
    });

    it("alarms on any system_admin role assumption (PAM)", () => {
        expect(named(dev, FILTER, "mas-privileged-assumption").inputs.pattern).toBe(
            `{ ($.eventName = "AssumeRole*") && ($.requestParameters.roleArn = "${ADMIN}") }`,
        );
        expect(named(dev, ALARM, "mas-privileged-assumption").inputs).toMatchObject({
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`],
        });
    });
});

describe("Detection DET-ANOMALY: abnormal behaviour", () => {
    it("builds a 3-sigma band over 900 s on ALB requests and 5xx, to the medium topic", () => {
        for (const [key, metric] of [
            ["requests", "RequestCount"],
            ["errors", "HTTPCode_Target_5XX_Count"],
        ]) {
            const a = named(dev, ALARM, `mas-anomaly-${key}`).inputs;
            expect(a.comparisonOperator).toBe("LessThanLowerOrGreaterThanUpperThreshold");
            expect(a.thresholdMetricId).toBe("ad1");
            expect(a.threshold).toBeUndefined();
            expect(a.alarmActions).toEqual([`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-medium`]);
            expect(a.metricQueries).toEqual([
                {
                    id: "m1",
                    returnData: true,
                    metric: {
                        namespace: "AWS/ApplicationELB",
                        metricName: metric,
                        stat: "Sum",
                        period: 900,
                        dimensions: { LoadBalancer: "app/mas-alb/0123456789abcdef" },
                    },
                },
                {
                    id: "ad1",
                    expression: "ANOMALY_DETECTION_BAND(m1, 3)",
                    label: `${metric} (expected band)`,
                    returnData: true,
                },
            ]);
        }
    });

    it("has one KMS-encrypted topic per severity, a publish policy for CloudWatch / EventBridge, e-mail subscriptions", () => {
        const topics = ofType(dev, "aws:sns/topic:Topic");
        expect(topics.map((t) => t.inputs.name)).toEqual([
            "mas-dev-alerts-high",
            "mas-dev-alerts-medium",
            "mas-dev-alerts-low",
        ]);
        expect(topics.every((t) => t.inputs.kmsMasterKeyId === KEY)).toBe(true);
        const stmt = policy(named(dev, "aws:sns/topicPolicy:TopicPolicy", "mas-alerts-high")).Statement.find(
            (s) => s.Sid === "AlarmsAndEvents",
        );
        expect(stmt).toEqual({
            Sid: "AlarmsAndEvents",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
            Action: "sns:Publish",
            Resource: `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`,
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        });
        const subs = (run: ProgramRun) =>
            ofType(run, "aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs);
        expect(subs(dev)).toHaveLength(3);
        expect(subs(dev).every((s) => s.protocol === "email" && s.endpoint === "security-dev@example.com")).toBe(true);
        expect(
            subs(prod)
                .map((s) => s.endpoint)
                .sort(),
        ).toEqual([
            "security-oncall@example.com",
            "security-oncall@example.com",
            "security-oncall@example.com",
            "soc@example.com",
            "soc@example.com",
            "soc@example.com",
        ]);
    });

    it("routes GuardDuty, Security Hub and Macie findings by severity", () => {
        const pattern = (n: string) => JSON.parse(named(dev, RULE, `mas-${n}`).inputs.eventPattern as string);
        expect(pattern("guardduty-high").detail).toEqual({ severity: [{ numeric: [">=", 7] }] });
        expect(pattern("guardduty-medium").detail).toEqual({ severity: [{ numeric: [">=", 4, "<", 7] }] });
        expect(pattern("securityhub-high").detail.findings.Severity.Label).toEqual(["HIGH", "CRITICAL"]);
        expect(pattern("securityhub-medium").detail.findings.Severity.Label).toEqual(["MEDIUM"]);
        expect(pattern("macie-high")).toEqual({
            source: ["aws.macie"],
            "detail-type": ["Macie Finding"],
            detail: { severity: { description: ["High"] } },
        });
        expect(named(dev, TARGET, "mas-macie-medium").inputs.arn).toBe(
            `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-medium`,
        );
        expect(named(dev, TARGET, "mas-guardduty-high").inputs.arn).toBe(
            `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`,
        );
    });
});

describe("IncidentResponse runbooks (IR-SB-ISOLATE, IR-SB-BLOCK, IR-DL-REVOKE, IR-SB-EVIDENCE, IR-SB-NOTIFY, OPS-E-ISOLATE)", () => {
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/mas-dev-incident-automation`;

    it("creates a quarantine security group with no ingress and no egress in the VPC", () => {
        expect(named(dev, "aws:ec2/securityGroup:SecurityGroup", "mas-quarantine").inputs).toMatchObject({
            vpcId: "vpc-0abc",
            ingress: [],
            egress: [],
        });
    });

    it("isolate_systems swaps the groups of every ENI attached to the instance (not ModifyInstanceAttribute, which fails with several ENIs)", () => {
        const d = named(dev, DOC, "mas-isolate-systems");
        expect(d.inputs.documentType).toBe("Automation");
        const c = content(d);
        expect(c.schemaVersion).toBe("0.3");
        expect(c.parameters.AutomationAssumeRole.default).toBe(ROLE);
        const sg = named(dev, "aws:ec2/securityGroup:SecurityGroup", "mas-quarantine").id;
        expect(c.mainSteps.map((s) => [s.name, s.action, s.inputs.Api])).toEqual([
            ["RecordNetworkInterfaces", "aws:executeAwsApi", "DescribeNetworkInterfaces"],
            ["QuarantineEachInterface", "aws:loop", undefined],
            ["TagIsolated", "aws:createTags", undefined],
        ]);
        expect(c.mainSteps[0].inputs.Filters).toEqual([
            { Name: "attachment.instance-id", Values: ["{{ InstanceId }}"] },
        ]);
        expect(c.mainSteps[0].outputs?.[0]).toEqual({
            Name: "NetworkInterfaceIds",
            Selector: "$.NetworkInterfaces..NetworkInterfaceId",
            Type: "StringList",
        });
        expect(c.mainSteps[1].inputs).toEqual({
            Iterators: "{{ RecordNetworkInterfaces.NetworkInterfaceIds }}",
            IteratorDataType: "String",
            Steps: [
                {
                    name: "AttachQuarantineGroup",
                    action: "aws:executeAwsApi",
                    inputs: {
                        Service: "ec2",
                        Api: "ModifyNetworkInterfaceAttribute",
                        NetworkInterfaceId: "{{ QuarantineEachInterface.CurrentIteratorValue }}",
                        Groups: [sg],
                    },
                },
            ],
        });
        expect(JSON.stringify(c)).not.toContain("ModifyInstanceAttribute");
    });

    it("block_access updates the WAF IP set with its lock token", () => {
        const step = content(named(dev, DOC, "mas-block-access")).mainSteps[0];
        expect(step.action).toBe("aws:executeScript");
        expect(step.inputs.InputPayload).toEqual({
            SourceIp: "{{ SourceIp }}",
            Name: "mas-dev-block",
            Id: "ipset-id-1",
            Scope: "REGIONAL",
        });
        expect(step.inputs.Script).toContain("LockToken=got['LockToken']");
        expect(step.inputs.Script).toContain("update_ip_set");
    });

    it("revoke_access deactivates the access key and deletes the EKS access entry", () => {
        const steps = content(named(dev, DOC, "mas-revoke-access")).mainSteps;
        expect(steps.find((s) => s.name === "DeactivateAccessKey")?.inputs).toEqual({
            Service: "iam",
            Api: "UpdateAccessKey",
            UserName: "{{ UserName }}",
            AccessKeyId: "{{ AccessKeyId }}",
            Status: "Inactive",
        });
        expect(steps.find((s) => s.name === "DeleteAccessEntry")?.inputs).toEqual({
            Service: "eks",
            Api: "DeleteAccessEntry",
            clusterName: "{{ ClusterName }}",
            principalArn: "{{ PrincipalArn }}",
        });
    });

    it("collect_evidence snapshots all volumes tagged incident-id; notify_stakeholders publishes to the high topic", () => {
        const snap = content(named(dev, DOC, "mas-collect-evidence")).mainSteps[0].inputs;
        expect(snap.Api).toBe("CreateSnapshots");
        expect(snap.TagSpecifications).toEqual([
            {
                ResourceType: "snapshot",
                Tags: [
                    { Key: "incident-id", Value: "{{ IncidentId }}" },
                    { Key: "evidence-of", Value: "{{ InstanceId }}" },
                ],
            },
        ]);
        const pub = content(named(dev, DOC, "mas-notify-stakeholders")).mainSteps[0].inputs;
        expect(pub).toMatchObject({
            Service: "sns",
            Api: "Publish",
            TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`,
        });
    });

    it("starts the runbooks from high-severity GuardDuty findings with mapped parameters", () => {
        const ec2 = JSON.parse(named(dev, RULE, "mas-ec2-compromise").inputs.eventPattern as string);
        expect(ec2.detail).toEqual({ severity: [{ numeric: [">=", 7] }], resource: { resourceType: ["Instance"] } });
        const isolate = named(dev, TARGET, "mas-ec2-compromise-isolate-systems").inputs;
        expect(isolate.arn).toBe(
            `arn:aws:ssm:${REGION}:${ACCOUNT}:automation-definition/mas-dev-ir-isolate-systems:$DEFAULT`,
        );
        expect(isolate.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/mas-dev-incident-events`);
        expect(isolate.inputTransformer).toEqual({
            inputPaths: { instance: "$.detail.resource.instanceDetails.instanceId", finding: "$.detail.id" },
            inputTemplate: '{"InstanceId":[<instance>],"IncidentId":[<finding>]}',
        });
        expect(named(dev, TARGET, "mas-access-key-compromise-revoke-access").inputs.inputTransformer).toMatchObject({
            inputTemplate: '{"UserName":[<user>],"AccessKeyId":[<key>],"IncidentId":[<finding>]}',
        });
        expect(
            (named(dev, TARGET, "mas-inbound-attack-block-access").inputs.inputTransformer as { inputPaths: object })
                .inputPaths,
        ).toEqual({
            ip: "$.detail.service.action.networkConnectionAction.remoteIpDetails.ipAddressV4",
            finding: "$.detail.id",
        });
    });

    it("gives the automation role exactly the runbooks' permissions and EventBridge only start + pass-role", () => {
        const auto = named(dev, "aws:iam/role:Role", "mas-automation").inputs;
        expect(JSON.parse(auto.assumeRolePolicy as string).Statement[0].Principal).toEqual({
            Service: "ssm.amazonaws.com",
        });
        expect(auto.permissionsBoundary).toBe(`arn:aws:iam::${ACCOUNT}:policy/mas-boundary`);
        const actions = policy(named(dev, "aws:iam/rolePolicy:RolePolicy", "mas-automation")).Statement.flatMap((s) =>
            ([] as string[]).concat(s.Action as string),
        );
        expect(actions.sort()).toEqual([
            "ec2:CreateSnapshots",
            "ec2:CreateTags",
            "ec2:DescribeNetworkInterfaces",
            "ec2:ModifyNetworkInterfaceAttribute",
            "eks:DeleteAccessEntry",
            "iam:UpdateAccessKey",
            "kms:Decrypt",
            "kms:GenerateDataKey*",
            "sns:Publish",
            "wafv2:GetIPSet",
            "wafv2:UpdateIPSet",
        ]);
        const events = policy(named(dev, "aws:iam/rolePolicy:RolePolicy", "mas-events")).Statement;
        expect(events.map((s) => s.Action)).toEqual(["ssm:StartAutomationExecution", "iam:PassRole"]);
        expect(events[1].Condition).toEqual({ StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } });
    });
});

describe("Compliance (CMP-SOC2-EVIDENCE, CMP-ISO-ACCESS, CMP-ISO-CRYPTO, CMP-ISO-OPS, CMP-SOC2-SECURITY, CMP-SOC2-AVAILABILITY, CMP-SOC2-CONFIDENTIALITY)", () => {
    it("records every supported resource into the Config bucket (not the Object Lock audit bucket) and turns the recorder on", () => {
        expect(named(dev, "aws:cfg/recorder:Recorder", "mas-recorder").inputs.recordingGroup).toEqual({
            allSupported: true,
            includeGlobalResourceTypes: true,
        });
        expect(named(dev, "aws:cfg/deliveryChannel:DeliveryChannel", "mas-delivery").inputs).toMatchObject({
            s3BucketName: "mas-config-history",
            s3KeyPrefix: "config",
            s3KmsKeyArn: AUDIT_KEY,
        });
        expect(named(dev, "aws:cfg/recorderStatus:RecorderStatus", "mas-recorder").inputs.isEnabled).toBe(true);
        expect(named(dev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mas-config").inputs.policyArn).toBe(
            "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
        );
    });

    it("generates the conformance pack from the catalog table", () => {
        const pack = named(dev, "aws:cfg/conformancePack:ConformancePack", "mas-iso27001-soc2").inputs;
        const body = JSON.parse(pack.templateBody as string) as {
            Resources: Record<string, { Properties: Record<string, unknown> }>;
        };
        const ids = Object.values(body.Resources).map(
            (r) => (r.Properties.Source as { SourceIdentifier: string }).SourceIdentifier,
        );
        expect(ids).toHaveLength(21);
        expect(ids).toEqual(
            expect.arrayContaining([
                "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
                "EKS_SECRETS_ENCRYPTED",
                "ACCESS_KEYS_ROTATED",
            ]),
        );
        expect(body.Resources.CwLoggroupRetentionPeriodCheck.Properties.InputParameters).toEqual({
            MinRetentionTime: "90",
        });
        expect(body.Resources.AccessKeysRotated.Properties.InputParameters).toEqual({ maxAccessKeyAge: "90" });
        expect(body.Resources.CloudTrailLogFileValidationEnabled.Properties.MaximumExecutionFrequency).toBe(
            "TwentyFour_Hours",
        );
        expect(body.Resources.EncryptedVolumes.Properties.Description).toBe(
            "CMP-ISO-CRYPTO, CMP-SOC2-CONFIDENTIALITY | ISO/IEC 27001:2022 A.8.24 | SOC 2 CC6.1, C1.1",
        );
    });

    it("subscribes Security Hub to FSBP, CIS 3.0.0 and NIST 800-53 r5 and creates an account Access Analyzer", () => {
        expect(
            ofType(dev, "aws:securityhub/standardsSubscription:StandardsSubscription").map(
                (s) => s.inputs.standardsArn,
            ),
        ).toEqual([
            `arn:aws:securityhub:${REGION}::standards/aws-foundational-security-best-practices/v/1.0.0`,
            `arn:aws:securityhub:${REGION}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
            `arn:aws:securityhub:${REGION}::standards/nist-800-53/v/5.0.0`,
        ]);
        expect(named(dev, "aws:securityhub/account:Account", "mas-securityhub").inputs.enableDefaultStandards).toBe(
            false,
        );
        expect(named(dev, "aws:accessanalyzer/analyzer:Analyzer", "mas-access-analyzer").inputs).toMatchObject({
            analyzerName: "mas-dev-account",
            type: "ACCOUNT",
        });
    });
});

describe("Operations cadence (AUD-SYS, AUD-ACCESS, AUD-ACCESS-REPORT, OPS-D-INTEGRITY, OPS-D-LOGS, OPS-D-ALERTS, OPS-W-ACCESS, OPS-W-BACKUPS, OPS-M-CREDENTIALS, OPS-M-POLICIES, MNT-POLICY-REVIEW)", () => {
    const SCHEDULE = "aws:scheduler/schedule:Schedule";

    it("schedules each report at its cadence through the SSM universal target", () => {
        const expected: Record<string, string> = {
            "mas-report-daily": "cron(0 6 * * ? *)",
            "mas-report-weekly": "cron(0 7 ? * MON *)",
            "mas-report-access-audit": "cron(0 8 1 * ? *)",
            "mas-report-system-audit": "cron(0 9 1 1,4,7,10 ? *)",
            "mas-report-policy-review": "cron(0 9 1 1,4,7,10 ? *)",
            "mas-report-monthly-policy-review": "cron(0 8 1 * ? *)",
            "mas-reminder-iso27001": "cron(0 9 15 1 ? *)",
            "mas-reminder-soc2": "cron(0 9 1 1,7 ? *)",
        };
        for (const [n, cron] of Object.entries(expected)) {
            const s = named(dev, SCHEDULE, n).inputs;
            expect(s.scheduleExpression).toBe(cron);
            expect(s.scheduleExpressionTimezone).toBe("UTC");
        }
        const access = named(dev, SCHEDULE, "mas-report-access-audit").inputs.target as Record<string, unknown>;
        expect(access.arn).toBe("arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution");
        expect(JSON.parse(access.input as string)).toEqual({ DocumentName: "mas-dev-report-access-audit" });
        expect((named(dev, SCHEDULE, "mas-reminder-soc2").inputs.target as { arn: string }).arn).toBe(
            `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-low`,
        );
    });

    it("access audit generates the credential report and reports users, roles and IAM changes", () => {
        const c = content(named(dev, DOC, "mas-report-access-audit"));
        expect(c.mainSteps.map((s) => `${s.inputs.Service}:${s.inputs.Api}`)).toEqual([
            "iam:GenerateCredentialReport",
            "iam:ListUsers",
            "iam:ListRoles",
            "cloudtrail:LookupEvents",
            "accessanalyzer:ListFindings",
            "config:DescribeConformancePackCompliance",
            "sns:Publish",
        ]);
        expect(c.mainSteps[6].inputs.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-low`);
        expect(c.mainSteps[5].inputs.ConformancePackName).toBe("mas-dev-iso27001-soc2");
    });

    it("daily routine checks Config compliance, new high findings and firing alarms", () => {
        const c = content(named(dev, DOC, "mas-report-daily"));
        expect(c.mainSteps.map((s) => `${s.inputs.Service}:${s.inputs.Api}`)).toEqual([
            "config:DescribeConformancePackCompliance",
            "securityhub:GetFindings",
            "cloudwatch:DescribeAlarms",
            "sns:Publish",
        ]);
        expect(c.mainSteps[2].inputs.StateValue).toBe("ALARM");
    });

    it("system audit reads a scalar of the account summary (Automation cannot turn a map into String)", () => {
        const c = content(named(dev, DOC, "mas-report-system-audit"));
        const auth = c.mainSteps.find((s) => s.name === "Authentication");
        expect(auth?.outputs).toEqual([
            { Name: "Result", Selector: "$.SummaryMap.AccountMFAEnabled", Type: "Integer" },
        ]);
        const allowed = ["String", "Integer", "Boolean", "StringList", "StringMap", "MapList"];
        for (const d of ofType(dev, DOC)) {
            for (const step of content(d).mainSteps) {
                for (const o of step.outputs ?? []) {
                    expect(allowed).toContain(o.Type);
                }
            }
        }
    });
});

describe("Operations patching (MNT-PATCH-CRITICAL, MNT-PATCH-NONCRITICAL, OPS-M-PATCH, IR-SB-PATCH)", () => {
    it("approves critical security patches at 0 days and others after 7", () => {
        const b = named(dev, "aws:ssm/patchBaseline:PatchBaseline", "mas-baseline").inputs;
        expect(b.operatingSystem).toBe("AMAZON_LINUX_2023");
        expect(b.approvedPatchesEnableNonSecurity).toBe(false);
        expect(b.approvalRules).toEqual([
            {
                approveAfterDays: 0,
                complianceLevel: "CRITICAL",
                patchFilters: [
                    { key: "CLASSIFICATION", values: ["Security"] },
                    { key: "SEVERITY", values: ["Critical", "Important"] },
                ],
            },
            {
                approveAfterDays: 7,
                complianceLevel: "MEDIUM",
                patchFilters: [{ key: "CLASSIFICATION", values: ["Security", "Bugfix"] }],
            },
        ]);
        expect(named(dev, "aws:ssm/patchGroup:PatchGroup", "mas-patch-group").inputs.patchGroup).toBe("mas-dev-nodes");
    });

    it("only scans the EKS nodes in the weekly window (AWS-RunPatchBaseline Scan: no reboot without draining)", () => {
        expect(named(dev, "aws:ssm/maintenanceWindow:MaintenanceWindow", "mas-maintenance").inputs).toMatchObject({
            schedule: "cron(0 3 ? * SUN *)",
            scheduleTimezone: "UTC",
            duration: 3,
            cutoff: 1,
        });
        expect(
            named(dev, "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget", "mas-maintenance-nodes").inputs
                .targets,
        ).toEqual([{ key: "tag:Patch Group", values: ["mas-dev-nodes"] }]);
        const task = named(dev, "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "mas-maintenance-patch").inputs;
        expect(task.taskArn).toBe("AWS-RunPatchBaseline");
        expect(task.taskInvocationParameters).toEqual({
            runCommandParameters: { timeoutSeconds: 3600, parameters: [{ name: "Operation", values: ["Scan"] }] },
        });
    });

    it("critical patches: a missing patch asks system_admin to approve, then rolls each node group onto the latest AMI", () => {
        const c = content(named(dev, DOC, "mas-node-ami-roll"));
        expect(c.mainSteps.map((s) => [s.action, s.inputs.Api ?? null, s.inputs.nodegroupName ?? null])).toEqual([
            ["aws:branch", null, null],
            ["aws:approve", null, null],
            ["aws:executeAwsApi", "UpdateNodegroupVersion", "mas-dev-agent"],
            ["aws:executeAwsApi", "UpdateNodegroupVersion", "mas-dev-service"],
        ]);
        // Approval is skipped only when the caller says so: the weekly window task does, the critical-patch rule does not.
        expect(c.parameters.Approval.default).toBe("required");
        expect(c.mainSteps[0].inputs).toEqual({
            Choices: [{ NextStep: "Roll0", Variable: "{{ Approval }}", StringEquals: "skipped" }],
            Default: "Approve",
        });
        expect(c.mainSteps[1].inputs).toMatchObject({
            NotificationArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`,
            MinRequiredApprovals: 1,
            Approvers: [ADMIN],
        });
        expect(c.mainSteps[2].inputs).toEqual({
            Service: "eks",
            Api: "UpdateNodegroupVersion",
            clusterName: "mas-dev-eks",
            nodegroupName: "mas-dev-agent",
            force: false,
        });
        const rule = named(dev, RULE, "mas-critical-patch").inputs;
        expect(JSON.parse(rule.eventPattern as string)).toEqual({
            source: ["aws.ssm"],
            "detail-type": ["Configuration Compliance State Change"],
            detail: { "compliance-type": ["Patch"], "compliance-status": ["non_compliant"] },
        });
        expect(named(dev, TARGET, "mas-critical-patch").inputs.arn).toBe(
            `arn:aws:ssm:${REGION}:${ACCOUNT}:automation-definition/mas-dev-node-ami-roll:$DEFAULT`,
        );
        expect(
            named(dev, "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "mas-maintenance-node-roll").inputs,
        ).toMatchObject({
            taskType: "AUTOMATION",
            taskArn: "mas-dev-node-ami-roll",
            taskInvocationParameters: {
                automationParameters: {
                    parameters: [
                        { name: "Approval", values: ["skipped"] },
                        { name: "Reason", values: ["weekly maintenance window"] },
                    ],
                },
            },
        });
        // Targetless: SSM refuses MaxConcurrency / MaxErrors on it.
        const task = named(
            dev,
            "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
            "mas-maintenance-node-roll",
        ).inputs;
        expect([task.targets, task.maxConcurrency, task.maxErrors]).toEqual([undefined, undefined, undefined]);
        const roll = policy(named(dev, "aws:iam/rolePolicy:RolePolicy", "mas-node-roll")).Statement;
        expect(roll[0]).toEqual({
            Sid: "RollNodeGroups",
            Effect: "Allow",
            Action: ["eks:UpdateNodegroupVersion", "eks:DescribeNodegroup"],
            Resource: `arn:aws:eks:${REGION}:${ACCOUNT}:nodegroup/mas-dev-eks/*`,
        });
    });
});

describe("the operations components satisfy the operations policies (stack outputs)", () => {
    it.each(["dev", "prod"] as const)(
        "%s passes every operations stack policy and records every infrastructure control",
        (stack) => {
            const { operationsPolicies } = require("../../policy-pack/policies/operations");
            const { validateStack, validateResource } = require("../harness/policy");
            const { operationsControls } = require("../../policy-pack/catalog/operations");
            const run = stack === "dev" ? dev : prod;
            const resources = run.resources
                .filter((r) => r.custom)
                .map((r) => ({ type: r.type, name: r.name, props: r.outputs }));
            // operations-required-and-enabled judges the whole stack (network, data, ...): the full-plan tests cover it.
            for (const p of operationsPolicies.filter(
                (x: { name: string }) => x.name !== "operations-required-and-enabled",
            )) {
                if (p.validateStack) {
                    expect([p.name, validateStack(p, resources)]).toEqual([p.name, []]);
                } else {
                    for (const r of run.resources.filter((x) => x.custom)) {
                        expect([p.name, r.name, validateResource(p, { type: r.type, props: r.inputs })]).toEqual([
                            p.name,
                            r.name,
                            [],
                        ]);
                    }
                }
            }
            const infra = (operationsControls as { id: string; how: { kind: string } }[])
                .filter((c) => c.how.kind === "infrastructure")
                .map((c) => c.id);
            expect(infra.filter((id) => !(run.stackOutputs.controls as string[]).includes(id))).toEqual([]);
        },
    );
});
