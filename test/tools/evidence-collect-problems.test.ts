// `evidence --collect` must not pass while the account shows the problem: a NON_COMPLIANT Config rule fails the
// controls it serves, an alarm left in ALARM past its response time is a gap, every page of DescribeAlarms is
// read, and a rerun that succeeded in the same window makes up for a failed run (the failure is listed).
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
    DescribeAutomationExecutionsCommand,
    DescribeDocumentCommand,
    GetAutomationExecutionCommand,
    SSMClient,
} from "@aws-sdk/client-ssm";
import { createHash } from "crypto";
import { ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import {
    ConfigServiceClient,
    DescribeConfigurationRecordersCommand,
    DescribeConfigurationRecorderStatusCommand,
    DescribeDeliveryChannelStatusCommand,
} from "@aws-sdk/client-config-service";
import { mockClient } from "aws-sdk-client-mock";
import { configState } from "../../tools/lib/evidence-collect/account";
import { topicSubscriptions } from "../../tools/lib/evidence-collect/topics";
import { alarms, automation } from "../../tools/lib/evidence-collect";
import { OperatingCheck } from "../../tools/lib/evidence-collect/types";
import { ControlEvidence } from "../../tools/lib/evidence-report";

const cw = mockClient(CloudWatchClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);
const NOW = new Date("2026-12-01T00:00:00.000Z");
const FROM = new Date("2026-09-02T00:00:00.000Z");

function control(id: string, resources: ControlEvidence["resources"]): ControlEvidence {
    return { id, resources } as ControlEvidence;
}
const alarm = (id: string, name: string, severity: string) =>
    control(id, [
        { urn: name, type: "aws:cloudwatch/metricAlarm:MetricAlarm", configuration: { name, tags: { severity } } },
    ]);

beforeEach(() => {
    cw.reset();
    ssm.reset();
    sns.reset();
});

describe("alarms", () => {
    it("an alarm in ALARM past its severity's response time makes the control partial, naming it", async () => {
        cw.on(DescribeAlarmsCommand).resolves({
            MetricAlarms: [
                // high: 8 hours; in ALARM for 30 hours.
                {
                    AlarmName: "mas-prod-failed-auth",
                    StateValue: "ALARM",
                    ActionsEnabled: true,
                    StateUpdatedTimestamp: new Date("2026-11-29T18:00:00.000Z"),
                },
                // medium: 72 hours; in ALARM for 30 hours, within it.
                {
                    AlarmName: "mas-prod-anomaly-requests",
                    StateValue: "ALARM",
                    ActionsEnabled: true,
                    StateUpdatedTimestamp: new Date("2026-11-29T18:00:00.000Z"),
                },
            ],
        });
        cw.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [{ HistorySummary: "from OK to ALARM" }] });
        const checks: OperatingCheck[] = [];
        await alarms(
            new CloudWatchClient({}),
            [
                alarm("DET-UNAUTH", "mas-prod-failed-auth", "high"),
                alarm("DET-ANOMALY", "mas-prod-anomaly-requests", "medium"),
            ],
            FROM,
            checks,
            NOW,
        );
        expect(checks.map((c) => [c.control, c.result, c.detail])).toEqual([
            [
                "DET-UNAUTH",
                "partial",
                "alarm mas-prod-failed-auth: ALARM for 30 h since 2026-11-29T18:00:00.000Z, past its 8-hour high-severity response time: unanswered; 1 transition(s) to ALARM since 2026-11-17 (CloudWatch keeps 14 days of alarm history)",
            ],
            [
                "DET-ANOMALY",
                "ok",
                "alarm mas-prod-anomaly-requests: ALARM; 1 transition(s) to ALARM since 2026-11-17 (CloudWatch keeps 14 days of alarm history)",
            ],
        ]);
        // The history is read only as far back as CloudWatch keeps it.
        expect(cw.commandCalls(DescribeAlarmHistoryCommand)[0].args[0].input.StartDate).toEqual(
            new Date("2026-11-17T00:00:00.000Z"),
        );
    });

    it("reads every page of DescribeAlarms: an alarm on the second page is found", async () => {
        cw.on(DescribeAlarmsCommand)
            .resolvesOnce({
                MetricAlarms: [{ AlarmName: "a1", StateValue: "OK", ActionsEnabled: true }],
                NextToken: "p2",
            })
            .resolvesOnce({ MetricAlarms: [{ AlarmName: "a2", StateValue: "OK", ActionsEnabled: true }] });
        cw.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
        const checks: OperatingCheck[] = [];
        await alarms(new CloudWatchClient({}), [alarm("X", "a1", "high"), alarm("Y", "a2", "high")], FROM, checks, NOW);
        expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(2);
        expect(checks.map((c) => [c.control, c.result])).toEqual([
            ["X", "ok"],
            ["Y", "ok"],
        ]);
    });
});

describe("Automation runs judged per window", () => {
    const doc = "mas-prod-report-access-audit";
    const controls = [
        control("AUD-ACCESS", [
            { urn: "d", type: "aws:ssm/document:Document", configuration: { name: doc, tags: { cadence: "monthly" } } },
            {
                urn: "s",
                type: "aws:scheduler/schedule:Schedule",
                configuration: {
                    scheduleExpression: "cron(0 8 1 * ? *)",
                    scheduleExpressionTimezone: "UTC",
                    target: { input: JSON.stringify({ DocumentName: doc }) },
                },
            },
        ]),
    ];
    const run = (id: string, at: string, status: "Success" | "Failed") => ({
        DocumentName: doc,
        AutomationExecutionId: id,
        AutomationExecutionStatus: status,
        ExecutionStartTime: new Date(at),
    });

    // 90 days to 15 December: the October, November and December windows are due; the history holds 30 days.
    const now = new Date("2026-12-15T00:00:00.000Z");
    const from = new Date("2026-09-16T00:00:00.000Z");

    it("a failed run rerun successfully in the same window passes; the failure is listed", async () => {
        ssm.on(DescribeAutomationExecutionsCommand).resolves({
            AutomationExecutionMetadataList: [
                run("o1", "2026-10-01T08:00:00Z", "Success"),
                run("n1", "2026-11-01T08:00:00Z", "Success"),
                run("d1", "2026-12-01T08:00:00Z", "Failed"),
                run("d2", "2026-12-02T09:00:00Z", "Success"),
            ],
        });
        const checks: OperatingCheck[] = [];
        await automation(new SSMClient({}), controls, from, now, checks);
        expect(checks.map((c) => c.result)).toEqual(["ok"]);
        expect(checks[0].detail).toBe(
            "4 execution(s) of mas-prod-report-access-audit (3 Success, 1 Failed); a successful run in each of 3 monthly window(s); failed run(s): d1 Failed 2026-12-01 (each window judged by its Success)",
        );
        expect(checks[0].detail).not.toContain("no successful run in");
    });

    it("a window whose only run failed fails, naming the window", async () => {
        ssm.on(DescribeAutomationExecutionsCommand).resolves({
            AutomationExecutionMetadataList: [
                run("o1", "2026-10-01T08:00:00Z", "Success"),
                run("n1", "2026-11-01T08:00:00Z", "Success"),
                run("d1", "2026-12-01T08:00:00Z", "Failed"),
            ],
        });
        const checks: OperatingCheck[] = [];
        await automation(new SSMClient({}), controls, from, now, checks);
        expect(checks.map((c) => c.result)).toEqual(["failed"]);
        expect(checks[0].detail).toContain("no successful run in 1 of 3 monthly window(s): 2026-12");
    });
});

describe("report topics", () => {
    const LOW = "arn:aws:sns:eu-west-1:210987654321:mas-prod-alerts-low";
    const HIGH = "arn:aws:sns:eu-west-1:210987654321:mas-prod-alerts-high";
    const topic = (arn: string) => ({ urn: arn, type: "aws:sns/topic:Topic", arn });

    it("a topic whose only subscriptions await confirmation reaches no one: its controls fail", async () => {
        sns.on(ListSubscriptionsByTopicCommand, { TopicArn: LOW }).resolves({
            Subscriptions: [{ SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "sec@example.org" }],
        });
        // Two pages: the confirmed subscription is on the second.
        sns.on(ListSubscriptionsByTopicCommand, { TopicArn: HIGH })
            .resolvesOnce({ Subscriptions: [{ SubscriptionArn: "PendingConfirmation" }], NextToken: "n" })
            .resolvesOnce({ Subscriptions: [{ SubscriptionArn: `${HIGH}:5d2b7c1e-0f4a-4b8e-9a51-2c7d3e9f1b60` }] });
        const checks: OperatingCheck[] = [];
        const out = await topicSubscriptions(
            new SNSClient({}),
            [control("AUD-ACCESS-REPORT", [topic(LOW)]), control("DET-UNAUTH", [topic(HIGH)])],
            checks,
        );
        expect(out).toEqual([
            { topic: LOW, confirmed: 0, pending: 1 },
            { topic: HIGH, confirmed: 1, pending: 1 },
        ]);
        expect(checks.map((c) => [c.control, c.result, c.detail])).toEqual([
            [
                "AUD-ACCESS-REPORT",
                "failed",
                `topic ${LOW}: 0 confirmed subscription(s), 1 pending confirmation: what it publishes reaches no one`,
            ],
            ["DET-UNAUTH", "ok", `topic ${HIGH}: 1 confirmed subscription(s), 1 pending confirmation`],
        ]);
    });
});

describe("the executed document is the state's", () => {
    const name = "mas-prod-isolate-instance";
    const content = JSON.stringify({
        schemaVersion: "0.3",
        mainSteps: [{ name: "Quarantine", action: "aws:executeScript" }],
    });
    const controls = [
        control("IR-SB-ISOLATE", [{ urn: "d", type: "aws:ssm/document:Document", configuration: { name, content } }]),
    ];
    const hollow = JSON.stringify({ schemaVersion: "0.3", mainSteps: [{ name: "Noop", action: "aws:sleep" }] });

    it("a Success of a document whose content was replaced in the account fails the control, naming it", async () => {
        ssm.on(DescribeAutomationExecutionsCommand).resolves({
            AutomationExecutionMetadataList: [
                { DocumentName: name, AutomationExecutionId: "x1", AutomationExecutionStatus: "Success" },
            ],
        });
        const sha = (t: string) => createHash("sha256").update(t).digest("hex");
        ssm.on(DescribeDocumentCommand, { Name: name }).resolves({
            Document: { Name: name, DocumentVersion: "2", HashType: "Sha256", Hash: sha(hollow) },
        });
        const checks: OperatingCheck[] = [];
        await automation(new SSMClient({}), controls, FROM, NOW, checks);
        expect(checks.map((c) => [c.result, c.source, c.detail])).toEqual([
            [
                "failed",
                "ssm:DescribeDocument",
                `document ${name} version 2 in the account (Sha256 ${sha(hollow)}) is not the content the state deploys (sha256 ${sha(content)}): its runs evidence another document`,
            ],
            ["ok", "ssm:DescribeAutomationExecutions", `1 execution(s) of ${name} (1 Success)`],
        ]);
        // The same content passes.
        ssm.on(DescribeDocumentCommand, { Name: name }).resolves({
            Document: { Name: name, DocumentVersion: "1", HashType: "Sha256", Hash: sha(content) },
        });
        const again: OperatingCheck[] = [];
        await automation(new SSMClient({}), controls, FROM, NOW, again);
        expect(again[0]).toEqual({
            control: "IR-SB-ISOLATE",
            result: "ok",
            source: "ssm:DescribeDocument",
            detail: `document ${name} version 1: content sha256 ${sha(content)}, as the state deploys`,
        });
    });
});

describe("node-roll approvals", () => {
    const name = "mas-prod-node-ami-roll";
    const content = JSON.stringify({ mainSteps: [{ name: "Approve", action: "aws:approve" }] });
    const controls = [
        control("MNT-PATCH-CRITICAL", [
            { urn: "d", type: "aws:ssm/document:Document", configuration: { name, content } },
        ]),
    ];
    const ONCALL = "arn:aws:sts::210987654321:assumed-role/mas-prod-operator/alice";
    const approved = (approver: string) => ({
        Action: "aws:approve",
        StepStatus: "Success" as const,
        Outputs: {
            ApproverDecisions: [JSON.stringify([{ Approver: approver, Decision: "Approve" }])],
        },
    });

    beforeEach(() => {
        ssm.on(DescribeDocumentCommand).resolves({
            Document: { Name: name, HashType: "Sha256", Hash: createHash("sha256").update(content).digest("hex") },
        });
        ssm.on(DescribeAutomationExecutionsCommand).resolves({
            AutomationExecutionMetadataList: ["w1", "c1", "c2"].map((id) => ({
                DocumentName: name,
                AutomationExecutionId: id,
                AutomationExecutionStatus: "Success" as const,
            })),
        });
        // The maintenance window's run skips the approval step: not an approval, not judged as one.
        ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: "w1" }).resolves({
            AutomationExecution: { Parameters: { Approval: ["skipped"] }, StepExecutions: [] },
        });
        ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: "c1" }).resolves({
            AutomationExecution: {
                Parameters: { Approval: ["required"] },
                ExecutedBy: "arn:aws:sts::210987654321:assumed-role/mas-prod-critical-patch/events",
                StepExecutions: [approved("arn:aws:sts::210987654321:assumed-role/mas-prod-operator/bob")],
            },
        });
    });

    it("judges only runs that required approval; the maintenance window's skipped runs are listed", async () => {
        ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: "c2" }).resolves({
            AutomationExecution: {
                Parameters: { Approval: ["required"] },
                ExecutedBy: "arn:aws:sts::210987654321:assumed-role/mas-prod-critical-patch/events",
                StepExecutions: [approved(ONCALL)],
            },
        });
        const checks: OperatingCheck[] = [];
        await automation(new SSMClient({}), controls, FROM, NOW, checks);
        expect(checks.filter((c) => c.control === "MNT-PATCH-APPROVAL")).toEqual([
            {
                control: "MNT-PATCH-APPROVAL",
                result: "ok",
                source: "ssm:GetAutomationExecution",
                detail: "2 of 2 execution(s) of mas-prod-node-ami-roll that required approval passed the aws:approve step, approved by someone other than who started them; 1 run(s) with Approval=skipped (the maintenance window) not judged",
            },
        ]);
    });

    it("a run approved by the principal who started it fails the approval control", async () => {
        ssm.on(GetAutomationExecutionCommand, { AutomationExecutionId: "c2" }).resolves({
            AutomationExecution: {
                Parameters: { Approval: ["required"] },
                ExecutedBy: ONCALL,
                StepExecutions: [approved(ONCALL)],
            },
        });
        const checks: OperatingCheck[] = [];
        await automation(new SSMClient({}), controls, FROM, NOW, checks);
        const c = checks.find((x) => x.control === "MNT-PATCH-APPROVAL")!;
        expect([c.result, c.detail]).toEqual([
            "failed",
            "1 of 2 execution(s) of mas-prod-node-ami-roll that required approval passed the aws:approve step, approved by someone other than who started them; not: c2 approved by 210987654321:mas-prod-operator/alice, who started it (self-approval); 1 run(s) with Approval=skipped (the maintenance window) not judged",
        ]);
    });
});

describe("the Config recorder of a landing zone", () => {
    const config = mockClient(ConfigServiceClient);
    afterAll(() => config.restore());

    it("recording is not enough: excluded resource types and a failed delivery fail it", async () => {
        config.reset();
        config.on(DescribeConfigurationRecorderStatusCommand).resolves({
            ConfigurationRecordersStatus: [{ name: "lz", recording: true, lastStatus: "Success" }],
        });
        config.on(DescribeConfigurationRecordersCommand).resolves({
            ConfigurationRecorders: [
                {
                    name: "lz",
                    recordingGroup: {
                        allSupported: false,
                        recordingStrategy: { useOnly: "EXCLUSION_BY_RESOURCE_TYPES" },
                        exclusionByResourceTypes: { resourceTypes: ["AWS::IAM::Role"] },
                    },
                },
            ],
        });
        config.on(DescribeDeliveryChannelStatusCommand).resolves({
            DeliveryChannelsStatus: [{ name: "lz", configHistoryDeliveryInfo: { lastStatus: "Failure" } }],
        });
        expect(await configState(new ConfigServiceClient({}))).toEqual([
            false,
            "lz: recording, last Success, excludes AWS::IAM::Role; delivery channel lz: last delivery Failure",
        ]);
    });
});
