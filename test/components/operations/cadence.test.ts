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

    it("access audit generates the credential report, then gathers every page of its scope in one step that fails loudly", () => {
        const c = content(named(dev, DOC, "mas-report-access-audit"));
        expect(c.mainSteps.map((s) => [s.name, s.action, (s as { onFailure?: string }).onFailure])).toEqual([
            ["GenerateCredentialReport", "aws:executeAwsApi", "Abort"],
            ["Gather", "aws:executeScript", "Abort"],
            ["PublishReport", "aws:executeAwsApi", undefined],
        ]);
        const gather = c.mainSteps[1];
        expect(gather.inputs.InputPayload).toEqual({
            ConformancePack: "mas-dev-iso27001-soc2",
            AnalyzerArn: expect.stringMatching(/^arn:aws:[a-z-]+:eu-west-1:123456789012:analyzer\//),
            Days: 31,
        });
        expect(gather.outputs).toEqual([{ Name: "Report", Selector: "$.Payload.report", Type: "String" }]);
        const script = gather.inputs.Script as string;
        // user_accounts, role_assignments (trust policies, EKS access entries, Cognito groups), permission_changes
        // (IAM / EKS / Cognito API changes and Kubernetes RBAC changes), each read through every page.
        for (const call of [
            'pages(iam, "list_users", "Users")',
            'pages(iam, "list_mfa_devices"',
            'pages(iam, "get_account_authorization_details", "RoleDetailList", Filter=["Role"])',
            '"AssumeRolePolicyDocument"',
            'pages(eks, "list_access_entries"',
            '"list_associated_access_policies", "associatedAccessPolicies"',
            'pages(idp, "list_groups"',
            'pages(idp, "list_users_in_group"',
            'pages(ct, "lookup_events"',
            'objectRef.apiGroup = "rbac.authorization.k8s.io"',
        ]) {
            expect([call, script.includes(call)]).toEqual([call, true]);
        }
        expect(script).not.toMatch(/MaxResults=50|MaxItems/);
        // IAM and STS (global services) record their CloudTrail events in us-east-1, whatever the stack's Region.
        expect(script).toContain(
            '(("iam.amazonaws.com", "us-east-1"), ("sts.amazonaws.com", "us-east-1"),\n                           ("eks.amazonaws.com", None), ("cognito-idp.amazonaws.com", None))',
        );
        expect(script).toContain(
            'ct = boto3.client("cloudtrail", region_name=region) if region else boto3.client("cloudtrail")',
        );
        expect(c.mainSteps[2].inputs.Message).toBe(
            "Access audit (monthly) (execution {{ automation:EXECUTION_ID }})\n{{ Gather.Report }}",
        );
        expect(c.mainSteps[2].inputs.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-low`);
    });

    it("system audit gathers authentication systems, authorization policies and encryption mechanisms", () => {
        const c = content(named(dev, DOC, "mas-report-system-audit"));
        expect(c.mainSteps.map((s) => s.name)).toEqual(["Gather", "PublishReport"]);
        const script = c.mainSteps[0].inputs.Script as string;
        for (const call of [
            "iam.get_account_summary()",
            "idp.get_user_pool_mfa_config(",
            '"authenticationMode"',
            '"LocalManagedPolicy"',
            "kms.get_key_rotation_status(",
            'pages(hub, "get_enabled_standards"',
            '"authentication_systems"',
            '"authorization_policies"',
            '"encryption_mechanisms"',
        ]) {
            expect([call, script.includes(call)]).toEqual([call, true]);
        }
    });

    it("report role may read what the audits gather; the log query only on the EKS log groups", () => {
        const stmts = policy(named(dev, "aws:iam/rolePolicy:RolePolicy", "mas-reports")).Statement;
        const read = stmts.find((s) => s.Sid === "ReadOnlyQueries")!.Action as string[];
        expect(read).toEqual(
            expect.arrayContaining([
                "iam:GetAccountAuthorizationDetails",
                "eks:ListAccessEntries",
                "cognito-idp:ListUsersInGroup",
                "kms:GetKeyRotationStatus",
                "logs:GetQueryResults",
            ]),
        );
        expect(read).not.toContain("logs:StartQuery");
        expect(stmts.find((s) => s.Sid === "EksAuditLogQuery")).toEqual({
            Sid: "EksAuditLogQuery",
            Effect: "Allow",
            Action: "logs:StartQuery",
            Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/eks/*`,
        });
    });

    it("routine reports and policy reviews gather every page too: Config compliance, new high findings, firing alarms, access findings, failed backups, customer policies", () => {
        const gather = (n: string) => content(named(dev, DOC, n)).mainSteps[0];
        const daily = gather("mas-report-daily");
        expect([daily.name, daily.action]).toEqual(["Gather", "aws:executeScript"]);
        expect(daily.inputs.InputPayload).toMatchObject({ Days: 2, HighSeverities: ["HIGH", "CRITICAL"] });
        const expected: Record<string, string[]> = {
            "mas-report-daily": [
                'non_compliant(events["ConformancePack"])',
                'pages(hub, "get_findings", "Findings"',
                'pages(cw, "describe_alarms", "MetricAlarms", StateValue="ALARM")',
                'pages(cw, "describe_alarms", "CompositeAlarms"',
            ],
            "mas-report-weekly": [
                'active_findings(events["AnalyzerArn"], int(events["Days"]))',
                'pages(backup, "list_backup_jobs", "BackupJobs", ByState="FAILED", ByCreatedAfter=since)',
            ],
            "mas-report-policy-review": ['pages(iam, "list_policies", "Policies", Scope="Local")'],
            "mas-report-monthly-policy-review": ['pages(iam, "list_policies", "Policies", Scope="Local")'],
        };
        for (const [doc, calls] of Object.entries(expected)) {
            const script = gather(doc).inputs.Script as string;
            for (const call of calls) {
                expect([doc, call, script.includes(call)]).toEqual([doc, call, true]);
            }
        }
        expect(gather("mas-report-weekly").inputs.InputPayload).toMatchObject({ Days: 8 });
    });

    it("every report step fails the execution on error, and outputs only types Automation has", () => {
        for (const d of ofType(dev, DOC).filter((x) => /report-/.test(String(x.inputs.name)))) {
            for (const step of content(d).mainSteps) {
                expect([d.inputs.name, step.name, (step as { onFailure?: string }).onFailure]).not.toEqual([
                    d.inputs.name,
                    step.name,
                    "Continue",
                ]);
            }
        }
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
