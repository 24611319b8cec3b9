import { named, ofType, runIsolated, stackConfig } from "../../harness/program";
import type { ProgramRun } from "../../../tools/lib/program";
import { ACCOUNT, REGION, ADMIN, program, DOC, RULE, TARGET, content, policy } from "./fixture";

let dev: ProgramRun;
beforeAll(async () => {
    dev = await runIsolated(stackConfig("dev"), "dev", program("dev"));
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
            ["aws:executeAwsApi", "GetParameter", null],
            ["aws:executeAwsApi", "CreateLaunchTemplateVersion", null],
            ["aws:executeAwsApi", "UpdateNodegroupVersion", "mas-dev-agent"],
            ["aws:executeAwsApi", "GetParameter", null],
            ["aws:executeAwsApi", "CreateLaunchTemplateVersion", null],
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
        // Custom-AMI node groups: the newest recommended AMI into a new launch template version, the group onto it.
        expect(c.mainSteps.slice(2, 5).map((s) => [s.name, s.inputs, s.outputs])).toEqual([
            [
                "Roll0",
                {
                    Service: "ssm",
                    Api: "GetParameter",
                    Name: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id",
                },
                [{ Name: "ImageId", Selector: "$.Parameter.Value", Type: "String" }],
            ],
            [
                "Template0",
                {
                    Service: "ec2",
                    Api: "CreateLaunchTemplateVersion",
                    LaunchTemplateId: "lt-0agent",
                    SourceVersion: "$Latest",
                    VersionDescription: "{{ Reason }}",
                    LaunchTemplateData: { ImageId: "{{ Roll0.ImageId }}" },
                },
                [{ Name: "Version", Selector: "$.LaunchTemplateVersion.VersionNumber", Type: "Integer" }],
            ],
            [
                "Update0",
                {
                    Service: "eks",
                    Api: "UpdateNodegroupVersion",
                    clusterName: "mas-dev-eks",
                    nodegroupName: "mas-dev-agent",
                    launchTemplate: { id: "lt-0agent", version: "{{ Template0.Version }}" },
                    force: false,
                },
                undefined,
            ],
        ]);
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
