import { emptyEvidence } from "../harness/evidence";
// `evidence --collect` / `--publish` against recorded AWS responses (aws-sdk-client-mock): no network.
import { AccessAnalyzerClient, ListAnalyzersCommand } from "@aws-sdk/client-accessanalyzer";
import { BackupClient, ListRestoreJobsCommand } from "@aws-sdk/client-backup";
import { GetSubscriptionStateCommand, ShieldClient } from "@aws-sdk/client-shield";
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
    ConfigServiceClient,
    DescribeConfigurationRecordersCommand,
    DescribeConfigurationRecorderStatusCommand,
    DescribeDeliveryChannelStatusCommand,
    DescribeConformancePackComplianceCommand,
    GetConformancePackComplianceSummaryCommand,
} from "@aws-sdk/client-config-service";
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from "@aws-sdk/client-guardduty";
import { GetMacieSessionCommand, Macie2Client } from "@aws-sdk/client-macie2";
import { GetObjectLockConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetEnabledStandardsCommand, GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import {
    AutomationExecutionStatus,
    DescribeAutomationExecutionsCommand,
    DescribeDocumentCommand,
    GetAutomationExecutionCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tsNodeArgs } from "../../tools/lib/node-command";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import { mockClient } from "aws-sdk-client-mock";
import { applyOperating } from "../../tools/lib/evidence-collect/apply";
import { callerAccount, collect, parsePeriod } from "../../tools/lib/evidence-collect";
import { publish } from "../../tools/lib/evidence-collect/publish";
import { evidenceCommand } from "../../tools/evidence";
import type { ControlEvidence } from "../../tools/lib/evidence-report";

const ssm = mockClient(SSMClient);
const cw = mockClient(CloudWatchClient);
const backup = mockClient(BackupClient);
const config = mockClient(ConfigServiceClient);
const hub = mockClient(SecurityHubClient);
const gd = mockClient(GuardDutyClient);
const macie = mockClient(Macie2Client);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);
const cloudtrail = mockClient(CloudTrailClient);
const analyzer = mockClient(AccessAnalyzerClient);
const shield = mockClient(ShieldClient);

const ROLL_CONTENT = JSON.stringify({ mainSteps: [{ name: "Approve", action: "aws:approve" }] });
const PLAN_ARN = "arn:aws:backup:eu-west-1:210987654321:restoretestingplan/weekly";
const NOW = new Date("2026-12-01T00:00:00.000Z");

/** The controls' resources as the evidence lists them (what collect reads names and ARNs from). */
function control(id: string, resources: ControlEvidence["resources"]): ControlEvidence {
    return { id, resources } as ControlEvidence;
}
const controls = [
    control("AUD-SYS", [
        { urn: "u1", type: "aws:ssm/document:Document", configuration: { name: "mas-prod-system-audit" } },
        { urn: "u2", type: "aws:scheduler/schedule:Schedule" },
    ]),
    control("AUD-ACCESS", [
        { urn: "u3", type: "aws:ssm/document:Document", configuration: { name: "mas-prod-access-audit" } },
        { urn: "u4", type: "aws:scheduler/schedule:Schedule" },
    ]),
    control("MNT-PATCH-CRITICAL", [
        {
            urn: "u5",
            type: "aws:ssm/document:Document",
            configuration: {
                name: "mas-prod-node-ami-roll",
                content: ROLL_CONTENT,
            },
        },
    ]),
    control("DET-UNAUTH", [
        { urn: "u6", type: "aws:cloudwatch/metricAlarm:MetricAlarm", configuration: { name: "mas-prod-failed-auth" } },
    ]),
    control("DET-ANOMALY", [
        {
            urn: "u9",
            type: "aws:cloudwatch/metricAlarm:MetricAlarm",
            configuration: { name: "mas-prod-anomaly-requests" },
        },
    ]),
    control("BAK-RESTORE-TEST", [
        { urn: "u7", type: "aws:backup/restoreTestingPlan:RestoreTestingPlan", arn: PLAN_ARN },
    ]),
    control("CMP-ISO-ACCESS", [
        { urn: "u8", type: "aws:cfg/conformancePack:ConformancePack", configuration: { name: "mas-iso27001-soc2" } },
    ]),
];

function record(): void {
    sts.on(GetCallerIdentityCommand).resolves({ Account: "210987654321" });
    const exec = (doc: string, id: string, status: AutomationExecutionStatus) => ({
        DocumentName: doc,
        AutomationExecutionId: id,
        AutomationExecutionStatus: status,
    });
    // Two pages for the system audit (the collector follows NextToken); a prefix twin that must not count.
    ssm.on(DescribeAutomationExecutionsCommand, {
        Filters: [
            { Key: "DocumentNamePrefix", Values: ["mas-prod-system-audit"] },
            { Key: "StartTimeAfter", Values: ["2026-09-02T00:00:00.000Z"] },
        ],
    })
        .resolvesOnce({
            AutomationExecutionMetadataList: [exec("mas-prod-system-audit", "e1", "Success")],
            NextToken: "p2",
        })
        .resolvesOnce({
            AutomationExecutionMetadataList: [
                exec("mas-prod-system-audit", "e2", "Failed"),
                exec("mas-prod-system-audit-old", "e3", "Failed"),
            ],
        });
    ssm.on(DescribeAutomationExecutionsCommand, {
        Filters: [
            { Key: "DocumentNamePrefix", Values: ["mas-prod-access-audit"] },
            { Key: "StartTimeAfter", Values: ["2026-09-02T00:00:00.000Z"] },
        ],
        // Started but never finished in the period: no evidence that it operated.
    }).resolves({ AutomationExecutionMetadataList: [exec("mas-prod-access-audit", "a1", "InProgress")] });
    ssm.on(DescribeAutomationExecutionsCommand, {
        Filters: [
            { Key: "DocumentNamePrefix", Values: ["mas-prod-node-ami-roll"] },
            { Key: "StartTimeAfter", Values: ["2026-09-02T00:00:00.000Z"] },
        ],
    }).resolves({
        AutomationExecutionMetadataList: [
            exec("mas-prod-node-ami-roll", "r1", "Success"),
            exec("mas-prod-node-ami-roll", "r2", "Success"),
        ],
    });
    // The account's node-roll document is the content the state deploys.
    ssm.on(DescribeDocumentCommand, { Name: "mas-prod-node-ami-roll" }).resolves({
        Document: {
            Name: "mas-prod-node-ami-roll",
            DocumentVersion: "3",
            HashType: "Sha256",
            Hash: createHash("sha256").update(ROLL_CONTENT).digest("hex"),
        },
    });
    ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: "r1" }).resolves({
        AutomationExecution: { StepExecutions: [{ Action: "aws:approve", StepStatus: "Success" }] },
    });
    ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: "r2" }).resolves({
        AutomationExecution: { StepExecutions: [{ Action: "aws:approve", StepStatus: "Success" }] },
    });
    cw.on(DescribeAlarmsCommand).resolves({
        MetricAlarms: [
            { AlarmName: "mas-prod-failed-auth", StateValue: "OK", ActionsEnabled: true },
            // Its metric never emitted: no data all period.
            { AlarmName: "mas-prod-anomaly-requests", StateValue: "INSUFFICIENT_DATA", ActionsEnabled: true },
        ],
    });
    cw.on(DescribeAlarmHistoryCommand).resolves({
        AlarmHistoryItems: [
            { HistorySummary: "Alarm updated from OK to ALARM" },
            { HistorySummary: "Alarm updated from ALARM to OK" },
        ],
    });
    cw.on(DescribeAlarmHistoryCommand, { AlarmName: "mas-prod-anomaly-requests" }).resolves({ AlarmHistoryItems: [] });
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [{ Status: "COMPLETED" }, { Status: "COMPLETED" }] });
    config.on(GetConformancePackComplianceSummaryCommand).resolves({
        ConformancePackComplianceSummaryList: [
            { ConformancePackName: "mas-iso27001-soc2", ConformancePackComplianceStatus: "NON_COMPLIANT" },
        ],
    });
    config.on(DescribeConformancePackComplianceCommand).resolves({
        ConformancePackName: "mas-iso27001-soc2",
        ConformancePackRuleComplianceList: [{ ConfigRuleName: "access-keys-rotated", ComplianceType: "NON_COMPLIANT" }],
    });
    config.on(DescribeConfigurationRecorderStatusCommand).resolves({
        ConfigurationRecordersStatus: [{ name: "default", recording: true, lastStatus: "Success" }],
    });
    config.on(DescribeConfigurationRecordersCommand).resolves({
        ConfigurationRecorders: [{ name: "default", recordingGroup: { allSupported: true } }],
    });
    config.on(DescribeDeliveryChannelStatusCommand).resolves({
        DeliveryChannelsStatus: [
            {
                name: "default",
                configHistoryDeliveryInfo: {
                    lastStatus: "Success",
                    lastSuccessfulTime: new Date("2026-11-30T23:00:00.000Z"),
                },
            },
        ],
    });
    hub.on(GetFindingsCommand)
        .resolvesOnce({
            Findings: [{ Severity: { Label: "HIGH" } }, { Severity: { Label: "LOW" } }] as never,
            NextToken: "n",
        })
        .resolvesOnce({ Findings: [{ Severity: { Label: "HIGH" } }] as never });
    hub.on(GetEnabledStandardsCommand).resolves({
        StandardsSubscriptions: [
            {
                StandardsArn:
                    "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                StandardsStatus: "READY",
            } as never,
        ],
    });
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: ["d-1"] });
    gd.on(GetDetectorCommand).resolves({
        Status: "ENABLED",
        Features: [
            // Not a feature the catalog needs: off is fine.
            { Name: "S3_DATA_EVENTS", Status: "DISABLED" },
            { Name: "EKS_AUDIT_LOGS", Status: "ENABLED" },
            // Runtime monitoring on, but without the EKS agent add-on managed: no runtime events from the nodes.
            {
                Name: "RUNTIME_MONITORING",
                Status: "ENABLED",
                AdditionalConfiguration: [{ Name: "EKS_ADDON_MANAGEMENT", Status: "DISABLED" }],
            },
        ],
    } as never);
    macie.on(GetMacieSessionCommand).resolves({ status: "ENABLED" });
    analyzer.on(ListAnalyzersCommand).resolves({
        analyzers: [
            { name: "old", type: "ACCOUNT", status: "DISABLED" } as never,
            { name: "unused", type: "ACCOUNT_UNUSED_ACCESS", status: "ACTIVE" } as never,
            // The landing zone's organization analyzer, as the catalog expects for an adopting stack.
            { name: "org-external-access", type: "ORGANIZATION", status: "ACTIVE" } as never,
        ],
    });
    shield.on(GetSubscriptionStateCommand).resolves({ SubscriptionState: "INACTIVE" });
    const oidc = (subject: string, provider = "token.actions.githubusercontent.com", errorCode?: string) => ({
        CloudTrailEvent: JSON.stringify({
            ...(errorCode ? { errorCode } : {}),
            userIdentity: {
                type: "WebIdentityUser",
                identityProvider: `arn:aws:iam::210987654321:oidc-provider/${provider}`,
                userName: subject,
            },
        }),
    });
    cloudtrail
        .on(LookupEventsCommand)
        .resolvesOnce({
            Events: [
                oidc("repo:example-org/multi-agent-security:environment:deploy-prod"),
                oidc("repo:example-org/multi-agent-security:environment:preview-prod"),
            ],
            NextToken: "t",
        })
        .resolvesOnce({
            Events: [
                oidc("repo:example-org/multi-agent-security:environment:deploy-prod"),
                oidc("system:serviceaccount:kube-system:aws-node", "oidc.eks.eu-west-1.amazonaws.com/id/EX"),
                // Refused by the role's trust: no deploy, neither approved nor around the approval.
                oidc("repo:someone-else/fork:environment:deploy-prod", undefined, "AccessDenied"),
                oidc(
                    "repo:example-org/multi-agent-security:environment:deploy-prod",
                    undefined,
                    "InvalidIdentityToken",
                ),
            ],
        });
}

beforeEach(() => {
    for (const m of [ssm, cw, backup, config, hub, gd, macie, sts, s3, cloudtrail, analyzer, shield]) {
        m.reset();
    }
    record();
});

describe("evidence --collect", () => {
    it("reads each operation of the stack over the period and judges it", async () => {
        const summary = await collect({
            region: "eu-west-1",
            stack: "prod",
            repository: "example-org/multi-agent-security",
            days: 90,
            controls,
            now: NOW,
            shieldAdvanced: true,
        });
        expect(summary.account).toBe("210987654321");
        // Two pages of role assumptions: two deploys through the approved environment; preview and EKS pods aside.
        expect(summary.deploys).toEqual({ environment: "deploy-prod", approved: 2, unapproved: [] });
        // The paginator reuses one input object (NextToken set on it): two calls, both with these filters.
        expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(2);
        expect(cloudtrail.commandCalls(LookupEventsCommand)[0].args[0].input).toMatchObject({
            LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "AssumeRoleWithWebIdentity" }],
            StartTime: new Date("2026-09-02T00:00:00.000Z"),
        });
        expect(summary.period).toEqual({ days: 90, from: "2026-09-02T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" });
        expect(summary.automation).toEqual([
            {
                document: "mas-prod-system-audit",
                controls: ["AUD-SYS"],
                scheduled: true,
                byStatus: { Success: 1, Failed: 1 },
            },
            {
                document: "mas-prod-access-audit",
                controls: ["AUD-ACCESS"],
                scheduled: true,
                byStatus: { InProgress: 1 },
            },
            {
                document: "mas-prod-node-ami-roll",
                controls: ["MNT-PATCH-CRITICAL"],
                scheduled: false,
                byStatus: { Success: 2 },
            },
        ]);
        expect(summary.alarms).toEqual([
            { alarm: "mas-prod-failed-auth", controls: ["DET-UNAUTH"], state: "OK", toAlarm: 1 },
            { alarm: "mas-prod-anomaly-requests", controls: ["DET-ANOMALY"], state: "INSUFFICIENT_DATA", toAlarm: 0 },
        ]);
        expect(summary.restoreTests).toEqual([{ plan: PLAN_ARN, byStatus: { COMPLETED: 2 } }]);
        expect(backup.commandCalls(ListRestoreJobsCommand)[0].args[0].input).toEqual({
            ByRestoreTestingPlanArn: PLAN_ARN,
            ByCreatedAfter: new Date("2026-09-02T00:00:00.000Z"),
        });
        expect(summary.conformance).toEqual([
            { pack: "mas-iso27001-soc2", compliance: "NON_COMPLIANT", nonCompliantRules: ["access-keys-rotated"] },
        ]);
        expect(summary.securityHubFindings).toEqual({ HIGH: 2, LOW: 1 });
        expect(summary.accountServices).toEqual([
            {
                service: "guardduty",
                ok: false,
                state: "detector d-1 ENABLED; 2 of 3 needed feature(s) enabled, not enabled: RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT",
            },
            {
                // The catalog requires three standards: one READY is not enough.
                service: "securityhub",
                ok: false,
                state: "1 of 3 required standard(s) READY; not READY: cis-aws-foundations-benchmark/v/3.0.0 (not enabled), nist-800-53/v/5.0.0 (not enabled)",
            },
            {
                service: "config",
                ok: true,
                state: "default: recording, last Success, all supported resource types; delivery channel default: last delivery Success (last success 2026-11-30T23:00:00.000Z)",
            },
            { service: "macie", ok: true, state: "Macie ENABLED" },
            {
                service: "accessanalyzer",
                ok: true,
                state: "active external-access analyzer(s): org-external-access (ORGANIZATION)",
            },
            { service: "shield", ok: false, state: "Shield Advanced subscription INACTIVE" },
        ]);
        expect(shield.commandCalls(GetSubscriptionStateCommand)).toHaveLength(1);
        const verdict = (id: string) => summary.checks.filter((c) => c.control === id).map((c) => c.result);
        expect(verdict("AUD-SYS")).toEqual(["failed"]);
        expect(verdict("AUD-ACCESS")).toEqual(["never-ran"]);
        // An alarm without data all period watches nothing yet.
        expect(verdict("DET-ANOMALY")).toEqual(["never-ran"]);
        expect(verdict("MNT-PATCH-APPROVAL")).toEqual(["ok"]);
        expect(
            summary.checks.filter((c) => c.control === "MNT-PATCH-CRITICAL").map((c) => [c.result, c.source]),
        ).toEqual([
            ["ok", "ssm:DescribeDocument"],
            ["ok", "ssm:DescribeAutomationExecutions"],
        ]);
        expect(verdict("IPS-BEHAVIORAL")).toEqual(["failed"]);
        expect(verdict("DATA-CLS-DISCOVERY")).toEqual(["ok"]);
        expect(verdict("MNT-CHANGE-MGMT")).toEqual(["ok"]);
        expect(verdict("PER-DDOS")).toEqual(["failed"]);
        // access-keys-rotated is NON_COMPLIANT and gives evidence for CMP-ISO-ACCESS: the control fails.
        expect(verdict("CMP-ISO-ACCESS")).toEqual(["failed", "ok"]);
        expect(summary.checks.find((c) => c.control === "CMP-ISO-ACCESS")?.detail).toBe(
            "conformance pack mas-iso27001-soc2 evaluates: NON_COMPLIANT, 1 non-compliant rule(s); NON_COMPLIANT for this control: access-keys-rotated",
        );
    });

    it("fails a control whose operation failed, demotes one that never ran, passes the approval it saw", async () => {
        const doc = emptyEvidence("prod");
        const c = (id: string) => doc.controls.find((x) => x.id === id)!;
        // As a passing plan would have them.
        for (const id of ["AUD-SYS", "AUD-ACCESS", "DET-UNAUTH"]) {
            Object.assign(c(id), { status: "pass", reason: "proven" });
        }
        Object.assign(c("MNT-PATCH-APPROVAL"), { status: "partial", reason: "design evidence only, in this state" });
        // A scheduled procedure with design evidence only: its runs in every window make it pass.
        Object.assign(c("DET-UNAUTH"), {
            status: "partial",
            reason: "design evidence only: designed, not operating-tested",
        });
        // A deploy from a branch, without the approved environment, as the second page.
        cloudtrail.reset();
        cloudtrail.on(LookupEventsCommand).resolves({
            Events: [
                {
                    CloudTrailEvent: JSON.stringify({
                        userIdentity: {
                            identityProvider:
                                "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com",
                            userName: "repo:example-org/multi-agent-security:ref:refs/heads/main",
                        },
                    }),
                },
                {
                    // Another repository's deploy environment: not this repository's approval.
                    CloudTrailEvent: JSON.stringify({
                        userIdentity: {
                            identityProvider:
                                "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com",
                            userName: "repo:someone-else/fork:environment:deploy-prod",
                        },
                    }),
                },
            ],
        });
        applyOperating(
            doc,
            await collect({
                region: "eu-west-1",
                stack: "prod",
                repository: "example-org/multi-agent-security",
                days: 90,
                controls,
                now: NOW,
            }),
        );
        expect([c("MNT-CHANGE-MGMT").status, c("MNT-CHANGE-MGMT").reason]).toEqual([
            "fail",
            expect.stringMatching(
                /^operation failed in the 90 days to 2026-12-01: 0 deploy role assumption\(s\) by repo:example-org\/multi-agent-security environment deploy-prod \(each after a reviewer's approval\); 2 by GitHub subjects of another repository or of no environment: repo:example-org\/multi-agent-security:ref:refs\/heads\/main, repo:someone-else\/fork:environment:deploy-prod/,
            ),
        ]);
        expect([c("AUD-SYS").status, c("AUD-SYS").reason]).toEqual([
            "fail",
            "operation failed in the 90 days to 2026-12-01: 2 execution(s) of mas-prod-system-audit (1 Success, 1 Failed); failed run(s): e2 Failed (no later Success) (before: pass — proven)",
        ]);
        expect([c("AUD-ACCESS").status, c("AUD-ACCESS").reason]).toEqual([
            "partial",
            "built, but its scheduled operation never ran in the 90 days to 2026-12-01: 1 execution(s) of mas-prod-access-audit (1 InProgress) (before: pass — proven)",
        ]);
        expect([c("DET-UNAUTH").status, c("DET-UNAUTH").reason]).toEqual([
            "pass",
            "operating in the 90 days to 2026-12-01: alarm mas-prod-failed-auth: OK; 1 transition(s) to ALARM since 2026-11-17 (CloudWatch keeps 14 days of alarm history) (before: partial — design evidence only: designed, not operating-tested)",
        ]);
        expect(c("DET-UNAUTH").operating).toEqual({
            result: "ok",
            checks: [
                {
                    result: "ok",
                    source: "cloudwatch:DescribeAlarms",
                    detail: "alarm mas-prod-failed-auth: OK; 1 transition(s) to ALARM since 2026-11-17 (CloudWatch keeps 14 days of alarm history)",
                },
            ],
        });
        expect(c("MNT-PATCH-APPROVAL").status).toBe("pass");
        expect(c("MNT-PATCH-APPROVAL").reason).toMatch(
            /^operating in the 90 days to 2026-12-01: 2 of 2 execution\(s\) of mas-prod-node-ami-roll that required approval passed the aws:approve step, approved by someone other than who started them/,
        );
        expect(doc.coverage.byStatus.pass).toBe(doc.controls.filter((x) => x.status === "pass").length);
    });

    it("without credentials stops with one line (exit 2), and checks --period", async () => {
        sts.on(GetCallerIdentityCommand).rejects(
            Object.assign(new Error("Could not load credentials from any providers"), {
                name: "CredentialsProviderError",
            }),
        );
        await expect(callerAccount("eu-west-1")).rejects.toMatchObject({
            name: "UsageError",
            message:
                "--collect needs AWS credentials from the default chain (environment, profile, SSO, web identity, instance role): Could not load credentials from any providers",
        });
        expect(parsePeriod("30d")).toBe(30);
        expect(() => parsePeriod("3 months")).toThrow("--period must be a number of days from 1d to 365d");
    });
});

describe("evidence --collect without credentials", () => {
    it("exits 2 with one line before planning (the real default chain, instance metadata off)", () => {
        const root = path.join(__dirname, "..", "..");
        const r = spawnSync(
            path.join(root, "node_modules", ".bin", "node"),
            tsNodeArgs(path.join(root, "tools", "evidence.ts"), [
                "--stack",
                "dev",
                "--collect",
                "--state",
                path.join(root, "test", "fixtures", "state-deployed-dev.json"),
            ]),
            {
                cwd: root,
                encoding: "utf8",
                // No credentials anywhere the chain looks; IMDS disabled so nothing leaves the machine.
                env: {
                    PATH: process.env.PATH,
                    HOME: "/nonexistent",
                    AWS_EC2_METADATA_DISABLED: "true",
                    AWS_CONFIG_FILE: "/nonexistent/config",
                    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
                },
            },
        );
        expect([r.status, r.stdout, r.stderr]).toEqual([
            2,
            "",
            "error: --collect needs AWS credentials from the default chain (environment, profile, SSO, web identity, instance role): Could not load credentials from any providers\n",
        ]);
    }, 30_000);
});

describe("evidence --collect needs a deployed state", () => {
    const fixture = path.join(__dirname, "..", "fixtures", "state-deployed-dev.json");

    it("without --state (an offline plan of mock ARNs) stops with one line before asking for credentials", async () => {
        await expect(evidenceCommand(["--stack", "dev", "--collect"])).rejects.toMatchObject({
            name: "UsageError",
            message:
                "--collect needs --state <pulumi stack export> of the deployed stack: an offline plan holds mock identifiers, not the account's resources",
        });
        expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    });

    it("refuses a --state that is a plan written from the mocks (their account in the ARNs)", async () => {
        const doc = JSON.parse(fs.readFileSync(fixture, "utf8"));
        for (const r of doc.deployment.resources) {
            if (r.outputs?.arn) {
                r.outputs.arn = r.outputs.arn.replace("210987654321", "123456789012");
            }
        }
        const mock = path.join(os.tmpdir(), `issue-23c-mock-state-${process.pid}.json`);
        fs.writeFileSync(mock, JSON.stringify(doc));
        await expect(evidenceCommand(["--stack", "dev", "--collect", "--state", mock])).rejects.toMatchObject({
            name: "UsageError",
            message: `--collect needs a deployed state: ${mock} is an offline plan (mock identifiers), not a 'pulumi stack export' of the deployed stack`,
        });
        fs.rmSync(mock);
    });

    it("reads the account for a recorded deployed state whose ARNs name it", async () => {
        sts.on(GetCallerIdentityCommand).resolves({ Account: "111122223333" });
        // The recorded state's resources are in 210987654321: credentials for another account are refused.
        await expect(
            evidenceCommand([
                "--stack",
                "dev",
                "--collect",
                "--state",
                fixture,
                "--self-test",
                "skip",
                "--out-dir",
                path.join(os.tmpdir(), `issue-23c-collect-${process.pid}`),
            ]),
        ).rejects.toMatchObject({
            name: "UsageError",
            message:
                "--collect: the credentials are for account 111122223333, the state's resources are in 210987654321",
        });
    });
});

describe("evidence --publish", () => {
    const files = { "evidence.json": "{}\n", "summary.md": "# s\n" };

    it("writes each file to the Object Lock bucket with a SHA-256 checksum", async () => {
        // Seven years as 2,557 days (the catalog's audit retention).
        s3.on(GetObjectLockConfigurationCommand).resolves({
            ObjectLockConfiguration: {
                ObjectLockEnabled: "Enabled",
                Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 2557 } },
            },
        });
        s3.on(PutObjectCommand).resolves({});
        const keys = await publish({
            bucket: "mas-prod-audit",
            region: "eu-west-1",
            stack: "prod",
            generatedAt: "2026-12-01T00:00:00.000Z",
            files,
        });
        expect(keys).toEqual([
            "evidence/prod/2026-12-01T00-00-00-000Z/evidence.json",
            "evidence/prod/2026-12-01T00-00-00-000Z/summary.md",
        ]);
        expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input)).toEqual([
            {
                Bucket: "mas-prod-audit",
                Key: keys[0],
                Body: "{}\n",
                ContentType: "application/json",
                ChecksumAlgorithm: "SHA256",
            },
            {
                Bucket: "mas-prod-audit",
                Key: keys[1],
                Body: "# s\n",
                ContentType: "text/markdown; charset=utf-8",
                ChecksumAlgorithm: "SHA256",
            },
        ]);
    });

    it("refuses a bucket without Object Lock and writes nothing", async () => {
        s3.on(GetObjectLockConfigurationCommand).rejects(
            Object.assign(new Error("not found"), { name: "ObjectLockConfigurationNotFoundError" }),
        );
        await expect(
            publish({
                bucket: "plain",
                region: "eu-west-1",
                stack: "prod",
                generatedAt: "2026-12-01T00:00:00Z",
                files,
            }),
        ).rejects.toMatchObject({
            name: "UsageError",
            message: "--publish: bucket plain has no Object Lock: evidence goes only to the audit bucket",
        });
        expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    });

    it.each([
        [
            "GOVERNANCE (which a privileged user can lift)",
            { Mode: "GOVERNANCE" as const, Days: 2557 },
            "--publish: bucket mas-prod-audit default retention is GOVERNANCE for 2557 days; the audit bucket keeps evidence under COMPLIANCE for 2557 days",
        ],
        [
            "one year, shorter than the audit retention",
            { Mode: "COMPLIANCE" as const, Years: 1 },
            "--publish: bucket mas-prod-audit default retention is COMPLIANCE for 365 days; the audit bucket keeps evidence under COMPLIANCE for 2557 days",
        ],
        [
            "unset",
            undefined,
            "--publish: bucket mas-prod-audit default retention is not set; the audit bucket keeps evidence under COMPLIANCE for 2557 days",
        ],
    ])("refuses a locked bucket whose default retention is %s, and writes nothing", async (_, retention, message) => {
        s3.on(GetObjectLockConfigurationCommand).resolves({
            ObjectLockConfiguration: {
                ObjectLockEnabled: "Enabled",
                ...(retention ? { Rule: { DefaultRetention: retention } } : {}),
            },
        });
        await expect(
            publish({
                bucket: "mas-prod-audit",
                region: "eu-west-1",
                stack: "prod",
                generatedAt: "2026-12-01T00:00:00Z",
                files,
            }),
        ).rejects.toMatchObject({ name: "UsageError", message });
        expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    });

    it("the command refuses such a bucket before planning and writes nothing (exit 2)", async () => {
        s3.on(GetObjectLockConfigurationCommand).resolves({
            ObjectLockConfiguration: {
                ObjectLockEnabled: "Enabled",
                Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 30 } },
            },
        });
        const outDir = path.join(os.tmpdir(), `issue-23b-publish-${process.pid}`);
        await expect(
            evidenceCommand(["--stack", "dev", "--publish", "mas-dev-audit", "--out-dir", outDir]),
        ).rejects.toMatchObject({
            name: "UsageError",
            message:
                "--publish: bucket mas-dev-audit default retention is GOVERNANCE for 30 days; the audit bucket keeps evidence under COMPLIANCE for 2557 days",
        });
        // Before the plan: nothing written locally, only the credentials' account and the bucket's lock read.
        expect(fs.existsSync(outDir)).toBe(false);
        expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
        expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    });
});
