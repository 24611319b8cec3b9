import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    AUDIT_REMINDERS,
    CADENCE,
    FINDING_SEVERITY,
    NODE_AMI_ROLL,
    PATCHING,
    ReportKey,
    REPORTS,
    reportSlug,
    START_AUTOMATION_TARGET,
} from "../../policy-pack/catalog/operations";
import { guide } from "../../policy-pack/catalog";
import { namePrefix, patchGroupName, StackConfig } from "../config";
import { EvidenceRegistry } from "../evidence";
import { awsContext, policyJson, serviceTrust } from "./iam";
import { AutomationStep, report, ReportQuery, rollNodeAmis } from "./runbooks";

export interface OperationsArgs {
    config: StackConfig;
    evidence: EvidenceRegistry;
    /** Low-severity topic the routine and audit reports go to (Detection.topics.low.arn). */
    reportTopicArn: pulumi.Input<string>;
    /** KMS key of the alert topics (data: keys.alerts.arn). */
    alertsKeyArn: pulumi.Input<string>;
    /** IAM Access Analyzer (Compliance.accessAnalyzer.arn). */
    accessAnalyzerArn: pulumi.Input<string>;
    /** The ISO 27001 / SOC 2 conformance pack (Compliance.conformancePack.name). */
    conformancePackName: pulumi.Input<string>;
    /** Permissions boundary for the roles created here (identity: permissionsBoundary.arn). */
    permissionsBoundaryArn?: pulumi.Input<string>;
    /** The EKS managed node groups critical patches roll through (cluster: cluster.name, nodeGroups). */
    nodeGroups: { clusterName: pulumi.Input<string>; names: pulumi.Input<string>[] };
    /** Who approves a node roll (identity: roles.systemAdmin.arn). */
    patchApproverArns: pulumi.Input<string>[];
    /** Topic the approval request goes to (Detection.topics.high.arn). */
    approvalTopicArn: pulumi.Input<string>;
}

const nonCompliantInPack = (pack: string): Omit<ReportQuery, "name" | "label"> => ({
    service: "config",
    api: "DescribeConformancePackCompliance",
    params: { ConformancePackName: pack, Filters: { ComplianceType: "NON_COMPLIANT" } },
    selector: "$.ConformancePackRuleComplianceList..ConfigRuleName",
    type: "StringList",
});

const activeAnalyzerFindings = (analyzerArn: string): Omit<ReportQuery, "name" | "label"> => ({
    service: "accessanalyzer",
    api: "ListFindings",
    params: { analyzerArn, filter: { status: { eq: ["ACTIVE"] } }, maxResults: 50 },
    selector: "$.findings..resource",
    type: "StringList",
});

/** The queries of each report, i.e. what each routine / audit step actually checks. */
function reportQueries(key: ReportKey, pack: string, analyzerArn: string): ReportQuery[] {
    const high = FINDING_SEVERITY.securityHub.high.map((v) => ({ Value: v, Comparison: "EQUALS" }));
    switch (key) {
        case "daily":
            return [
                {
                    name: "NonCompliantRules",
                    label: "verify_system_integrity: non-compliant rules",
                    ...nonCompliantInPack(pack),
                },
                {
                    name: "NewHighFindings",
                    label: "check_security_logs: new high / critical findings",
                    service: "securityhub",
                    api: "GetFindings",
                    params: {
                        Filters: {
                            SeverityLabel: high,
                            RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
                            WorkflowStatus: [{ Value: "NEW", Comparison: "EQUALS" }],
                        },
                        MaxResults: 50,
                    },
                    selector: "$.Findings..Title",
                    type: "StringList",
                },
                {
                    name: "AlarmsFiring",
                    label: "monitor_alerts: alarms in ALARM",
                    service: "cloudwatch",
                    api: "DescribeAlarms",
                    params: { StateValue: "ALARM" },
                    selector: "$.MetricAlarms..AlarmName",
                    type: "StringList",
                },
            ];
        case "weekly":
            return [
                {
                    name: "AccessFindings",
                    label: "review_access_patterns: active Access Analyzer findings",
                    ...activeAnalyzerFindings(analyzerArn),
                },
                {
                    name: "FailedBackups",
                    label: "verify_backups: failed backup jobs",
                    service: "backup",
                    api: "ListBackupJobs",
                    params: { ByState: "FAILED", MaxResults: 50 },
                    selector: "$.BackupJobs..ResourceArn",
                    type: "StringList",
                },
            ];
        case "accessAudit":
            return [
                {
                    name: "UserAccounts",
                    label: "user_accounts: IAM users",
                    service: "iam",
                    api: "ListUsers",
                    params: {},
                    selector: "$.Users..UserName",
                    type: "StringList",
                },
                {
                    name: "RoleAssignments",
                    label: "role_assignments: IAM roles",
                    service: "iam",
                    api: "ListRoles",
                    params: {},
                    selector: "$.Roles..RoleName",
                    type: "StringList",
                },
                {
                    name: "PermissionChanges",
                    label: "permission_changes: recent IAM API calls",
                    service: "cloudtrail",
                    api: "LookupEvents",
                    params: {
                        LookupAttributes: [{ AttributeKey: "EventSource", AttributeValue: "iam.amazonaws.com" }],
                        MaxResults: 50,
                    },
                    selector: "$.Events..EventName",
                    type: "StringList",
                },
                {
                    name: "ExternalAccess",
                    label: "external access (Access Analyzer)",
                    ...activeAnalyzerFindings(analyzerArn),
                },
                {
                    name: "NonCompliantRules",
                    label: "stale keys / MFA / admin policies (Config)",
                    ...nonCompliantInPack(pack),
                },
            ];
        case "systemAudit":
            return [
                {
                    // One scalar of the summary map: Automation cannot convert a map output to String.
                    name: "Authentication",
                    label: "authentication_systems: root account MFA enabled (1 = yes)",
                    service: "iam",
                    api: "GetAccountSummary",
                    params: {},
                    selector: "$.SummaryMap.AccountMFAEnabled",
                    type: "Integer",
                },
                {
                    name: "Controls",
                    label: "authorization_policies / encryption_mechanisms: non-compliant rules",
                    ...nonCompliantInPack(pack),
                },
                {
                    name: "Standards",
                    label: "Security Hub standards status",
                    service: "securityhub",
                    api: "GetEnabledStandards",
                    params: {},
                    selector: "$.StandardsSubscriptions..StandardsArn",
                    type: "StringList",
                },
            ];
        case "policyReview":
        case "monthlyPolicyReview":
            return [
                {
                    name: "CustomerPolicies",
                    label: "customer-managed IAM policies",
                    service: "iam",
                    api: "ListPolicies",
                    params: { Scope: "Local" },
                    selector: "$.Policies..PolicyName",
                    type: "StringList",
                },
                {
                    name: "ExternalAccess",
                    label: "active Access Analyzer findings",
                    ...activeAnalyzerFindings(analyzerArn),
                },
                { name: "NonCompliantRules", label: "non-compliant rules", ...nonCompliantInPack(pack) },
            ];
    }
}

const SUBJECTS: Record<ReportKey, string> = {
    daily: "Daily security routine",
    weekly: "Weekly security routine",
    accessAudit: `Access audit (${guide.auditing.accessAudit.frequency})`,
    systemAudit: `System audit (${guide.auditing.systemAudit.frequency})`,
    policyReview: `Policy review (${guide.maintenance.policyReview}) for ${guide.maintenance.policyReviewApprovers.join(" and ")}`,
    monthlyPolicyReview: "Monthly policy review",
};

/**
 * auditing, security_procedures.routine and security_maintenance: report runbooks started by EventBridge
 * Scheduler at the guide's cadences, compliance-audit reminders, and Patch Manager (baseline, patch group,
 * weekly maintenance window running AWS-RunPatchBaseline).
 */
export class Operations extends pulumi.ComponentResource {
    readonly reportDocuments: Record<ReportKey, aws.ssm.Document>;
    readonly schedules: aws.scheduler.Schedule[];
    readonly patchBaseline: aws.ssm.PatchBaseline;
    readonly maintenanceWindow: aws.ssm.MaintenanceWindow;
    readonly patchGroup: string;
    /** Approved roll of the EKS node groups onto the latest AMI (critical patches). */
    readonly nodeRollDocument: aws.ssm.Document;

    constructor(name: string, args: OperationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:operations:Operations", name, {}, opts);
        const cfg = args.config;
        const prefix = namePrefix(cfg);
        const ctx = awsContext(this);
        const keys = Object.keys(REPORTS) as ReportKey[];

        const reportRole = new aws.iam.Role(
            `${name}-reports`,
            {
                name: `${prefix}-ops-reports`,
                description: "Runs the routine and audit report runbooks (read-only queries + publish).",
                assumeRolePolicy: serviceTrust("ssm.amazonaws.com", ctx.account),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-reports`,
            {
                role: reportRole.id,
                policy: pulumi
                    .all([args.reportTopicArn, args.alertsKeyArn, args.accessAnalyzerArn])
                    .apply(([topic, key, analyzer]) =>
                        policyJson([
                            {
                                // These list / describe APIs have no resource-level permissions.
                                Sid: "ReadOnlyQueries",
                                Effect: "Allow",
                                Action: [
                                    "config:DescribeConformancePackCompliance",
                                    "securityhub:GetFindings",
                                    "securityhub:GetEnabledStandards",
                                    "cloudwatch:DescribeAlarms",
                                    "backup:ListBackupJobs",
                                    "iam:ListUsers",
                                    "iam:ListRoles",
                                    "iam:ListPolicies",
                                    "iam:GetAccountSummary",
                                    "iam:GenerateCredentialReport",
                                    "cloudtrail:LookupEvents",
                                ],
                                Resource: "*",
                            },
                            {
                                Sid: "Analyzer",
                                Effect: "Allow",
                                Action: "access-analyzer:ListFindings",
                                Resource: analyzer,
                            },
                            { Sid: "Publish", Effect: "Allow", Action: "sns:Publish", Resource: topic },
                            {
                                Sid: "PublishEncrypted",
                                Effect: "Allow",
                                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                                Resource: key,
                            },
                        ]),
                    ),
            },
            { parent: this },
        );

        // The access audit first has IAM generate a fresh credential report (downloaded by the auditor).
        const credentialReport: AutomationStep = {
            name: "GenerateCredentialReport",
            action: "aws:executeAwsApi",
            inputs: { Service: "iam", Api: "GenerateCredentialReport" },
            onFailure: "Continue",
        };
        this.reportDocuments = Object.fromEntries(
            keys.map((key) => [
                key,
                new aws.ssm.Document(
                    `${name}-${reportSlug(key)}`,
                    {
                        name: `${prefix}-${reportSlug(key)}`,
                        documentType: "Automation",
                        documentFormat: "JSON",
                        content: pulumi
                            .all([
                                reportRole.arn,
                                args.reportTopicArn,
                                args.conformancePackName,
                                args.accessAnalyzerArn,
                            ])
                            .apply(([role, topic, pack, analyzer]) =>
                                report(
                                    SUBJECTS[key],
                                    role,
                                    topic,
                                    `[${REPORTS[key].cadence}] ${SUBJECTS[key]}`,
                                    reportQueries(key, pack, analyzer),
                                    key === "accessAudit" ? [credentialReport] : [],
                                ),
                            ),
                        tags: { control: REPORTS[key].controls.join(" "), cadence: REPORTS[key].cadence },
                    },
                    { parent: this },
                ),
            ]),
        ) as Record<ReportKey, aws.ssm.Document>;

        const schedulerRole = new aws.iam.Role(
            `${name}-scheduler`,
            {
                name: `${prefix}-ops-scheduler`,
                description: "EventBridge Scheduler: start report runbooks, publish audit reminders.",
                assumeRolePolicy: serviceTrust("scheduler.amazonaws.com", ctx.account),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-scheduler`,
            {
                role: schedulerRole.id,
                policy: pulumi
                    .all([
                        ctx.region,
                        ctx.account,
                        pulumi.all(keys.map((k) => this.reportDocuments[k].name)),
                        reportRole.arn,
                        args.reportTopicArn,
                        args.alertsKeyArn,
                    ])
                    .apply(([region, acct, docs, role, topic, key]) =>
                        policyJson([
                            {
                                Sid: "StartReports",
                                Effect: "Allow",
                                Action: "ssm:StartAutomationExecution",
                                Resource: docs.map((d) => `arn:aws:ssm:${region}:${acct}:automation-definition/${d}:*`),
                            },
                            {
                                Sid: "PassReportRole",
                                Effect: "Allow",
                                Action: "iam:PassRole",
                                Resource: role,
                                Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                            },
                            { Sid: "Remind", Effect: "Allow", Action: "sns:Publish", Resource: topic },
                            {
                                Sid: "RemindEncrypted",
                                Effect: "Allow",
                                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                                Resource: key,
                            },
                        ]),
                    ),
            },
            { parent: this },
        );

        const reportSchedules = keys.map((key) => {
            const schedule = new aws.scheduler.Schedule(
                `${name}-${reportSlug(key)}`,
                {
                    name: `${prefix}-${reportSlug(key)}`,
                    description: `${REPORTS[key].controls.join(", ")}: ${SUBJECTS[key]}`,
                    scheduleExpression: CADENCE[REPORTS[key].cadence],
                    scheduleExpressionTimezone: cfg.operationsTimezone,
                    flexibleTimeWindow: { mode: "OFF" },
                    state: "ENABLED",
                    target: {
                        arn: START_AUTOMATION_TARGET,
                        roleArn: schedulerRole.arn,
                        input: this.reportDocuments[key].name.apply((n) => JSON.stringify({ DocumentName: n })),
                        retryPolicy: { maximumRetryAttempts: 3 },
                    },
                },
                { parent: this },
            );
            for (const control of REPORTS[key].controls) {
                args.evidence.record(control, this.reportDocuments[key], schedule);
            }
            return schedule;
        });

        const reminders = Object.entries(AUDIT_REMINDERS).map(([standard, r]) => {
            const schedule = new aws.scheduler.Schedule(
                `${name}-reminder-${standard}`,
                {
                    name: `${prefix}-reminder-${standard}`,
                    description: `${r.control}: ${standard} audit is due (${r.cadence})`,
                    scheduleExpression: CADENCE[r.cadence],
                    scheduleExpressionTimezone: cfg.operationsTimezone,
                    flexibleTimeWindow: { mode: "OFF" },
                    state: "ENABLED",
                    target: {
                        arn: args.reportTopicArn,
                        roleArn: schedulerRole.arn,
                        input: `The ${r.cadence.replace("_", "-")} ${standard.toUpperCase()} audit is due: export the evidence (npm run evidence), the conformance pack compliance report and Security Hub standard scores for the auditor.`,
                    },
                },
                { parent: this },
            );
            return schedule;
        });
        this.schedules = [...reportSchedules, ...reminders];

        // Patch Manager for the EKS nodes (Amazon Linux 2023) scans only: an in-place install reboots a node
        // without cordoning or draining it. The baseline still rates missing patches (critical / important
        // security ones approved at release), and critical ones roll the node groups below.
        this.patchGroup = patchGroupName(cfg);
        this.patchBaseline = new aws.ssm.PatchBaseline(
            `${name}-baseline`,
            {
                name: `${prefix}-al2023`,
                description:
                    "Critical security patches approved immediately; others after a delay (scan only on EKS nodes).",
                operatingSystem: PATCHING.operatingSystem,
                approvedPatchesEnableNonSecurity: false,
                approvalRules: [
                    {
                        approveAfterDays: PATCHING.critical.approveAfterDays,
                        complianceLevel: "CRITICAL",
                        patchFilters: [
                            { key: "CLASSIFICATION", values: [...PATCHING.critical.classification] },
                            { key: "SEVERITY", values: [...PATCHING.critical.severity] },
                        ],
                    },
                    {
                        approveAfterDays: cfg.nonCriticalPatchDelayDays,
                        complianceLevel: "MEDIUM",
                        patchFilters: [{ key: "CLASSIFICATION", values: [...PATCHING.nonCritical.classification] }],
                    },
                ],
            },
            { parent: this },
        );
        const group = new aws.ssm.PatchGroup(
            `${name}-patch-group`,
            { baselineId: this.patchBaseline.id, patchGroup: this.patchGroup },
            { parent: this },
        );
        this.maintenanceWindow = new aws.ssm.MaintenanceWindow(
            `${name}-maintenance`,
            {
                name: `${prefix}-maintenance`,
                description: `security_maintenance: ${guide.maintenance.nonCriticalPatches} for patches`,
                schedule: cfg.maintenanceWindowSchedule,
                scheduleTimezone: cfg.operationsTimezone,
                duration: 3,
                cutoff: 1,
                allowUnassociatedTargets: false,
            },
            { parent: this },
        );
        const target = new aws.ssm.MaintenanceWindowTarget(
            `${name}-maintenance-nodes`,
            {
                windowId: this.maintenanceWindow.id,
                name: `${prefix}-nodes`,
                resourceType: "INSTANCE",
                targets: [{ key: "tag:Patch Group", values: [this.patchGroup] }],
            },
            { parent: this },
        );
        const task = new aws.ssm.MaintenanceWindowTask(
            `${name}-maintenance-patch`,
            {
                windowId: this.maintenanceWindow.id,
                name: `${prefix}-scan-patch-baseline`,
                taskType: "RUN_COMMAND",
                taskArn: "AWS-RunPatchBaseline",
                priority: 1,
                maxConcurrency: "1",
                maxErrors: "1",
                targets: [{ key: "WindowTargetIds", values: [target.id] }],
                taskInvocationParameters: {
                    // Scan never reboots; the nodes' patches arrive as new AMIs through the node groups.
                    runCommandParameters: {
                        timeoutSeconds: 3600,
                        parameters: [{ name: "Operation", values: ["Scan"] }],
                    },
                },
            },
            { parent: this },
        );

        // critical_patches "immediate, approval required": a missing critical patch found by the scan starts
        // the node roll, which waits for an approver.
        const rollRole = new aws.iam.Role(
            `${name}-node-roll`,
            {
                name: `${prefix}-node-roll`,
                description: "Rolls the EKS node groups onto the latest AMI after approval.",
                assumeRolePolicy: serviceTrust("ssm.amazonaws.com", ctx.account),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-node-roll`,
            {
                role: rollRole.id,
                policy: pulumi
                    .all([
                        ctx.region,
                        ctx.account,
                        args.nodeGroups.clusterName,
                        args.approvalTopicArn,
                        args.alertsKeyArn,
                    ])
                    .apply(([region, acct, clusterName, topic, key]) =>
                        policyJson([
                            {
                                Sid: "RollNodeGroups",
                                Effect: "Allow",
                                Action: ["eks:UpdateNodegroupVersion", "eks:DescribeNodegroup"],
                                Resource: `arn:aws:eks:${region}:${acct}:nodegroup/${clusterName}/*`,
                            },
                            { Sid: "AskApproval", Effect: "Allow", Action: "sns:Publish", Resource: topic },
                            {
                                Sid: "AskApprovalEncrypted",
                                Effect: "Allow",
                                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                                Resource: key,
                            },
                        ]),
                    ),
            },
            { parent: this },
        );
        this.nodeRollDocument = new aws.ssm.Document(
            `${name}-node-ami-roll`,
            {
                name: `${prefix}-node-ami-roll`,
                documentType: "Automation",
                documentFormat: "JSON",
                content: pulumi
                    .all([
                        rollRole.arn,
                        args.approvalTopicArn,
                        pulumi.all(args.patchApproverArns),
                        args.nodeGroups.clusterName,
                        pulumi.all(args.nodeGroups.names),
                    ])
                    .apply(([role, topic, approvers, clusterName, groups]) =>
                        rollNodeAmis(role, topic, approvers, clusterName, groups),
                    ),
                tags: { control: "MNT-PATCH-CRITICAL", patching: NODE_AMI_ROLL },
            },
            { parent: this },
        );
        // Who may start the node roll: EventBridge (critical patches, after approval) and the maintenance window
        // (non-critical patches), each a role that may only start the runbook and pass its role to SSM.
        const rollStarter = (suffix: string, service: string, description: string, readsExecutions: boolean) => {
            const role = new aws.iam.Role(
                `${name}-${suffix}`,
                {
                    name: `${prefix}-${suffix}`,
                    description,
                    assumeRolePolicy: serviceTrust(service, ctx.account),
                    permissionsBoundary: args.permissionsBoundaryArn,
                },
                { parent: this },
            );
            new aws.iam.RolePolicy(
                `${name}-${suffix}`,
                {
                    role: role.id,
                    policy: pulumi
                        .all([ctx.region, ctx.account, this.nodeRollDocument.name, rollRole.arn])
                        .apply(([region, acct, docName, passed]) => {
                            const definition = `arn:aws:ssm:${region}:${acct}:automation-definition/${docName}:*`;
                            return policyJson([
                                readsExecutions
                                    ? {
                                          Sid: "StartNodeRoll",
                                          Effect: "Allow",
                                          Action: ["ssm:StartAutomationExecution", "ssm:GetAutomationExecution"],
                                          Resource: [
                                              definition,
                                              `arn:aws:ssm:${region}:${acct}:automation-execution/*`,
                                          ],
                                      }
                                    : {
                                          Sid: "StartNodeRoll",
                                          Effect: "Allow",
                                          Action: "ssm:StartAutomationExecution",
                                          Resource: definition,
                                      },
                                {
                                    Sid: "PassNodeRollRole",
                                    Effect: "Allow",
                                    Action: "iam:PassRole",
                                    Resource: passed,
                                    Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                                },
                            ]);
                        }),
                },
                { parent: this },
            );
            return role;
        };
        const rollEventsRole = rollStarter(
            "node-roll-events",
            "events.amazonaws.com",
            "Lets EventBridge start the node roll runbook.",
            false,
        );
        // Non-critical patches: the same roll, without a separate approval, in the weekly maintenance window.
        const windowRole = rollStarter(
            "node-roll-window",
            "ssm.amazonaws.com",
            "Lets the maintenance window start the node roll runbook.",
            true,
        );
        const windowRoll = new aws.ssm.MaintenanceWindowTask(
            `${name}-maintenance-node-roll`,
            {
                windowId: this.maintenanceWindow.id,
                name: `${prefix}-roll-node-amis`,
                taskType: "AUTOMATION",
                taskArn: this.nodeRollDocument.name,
                serviceRoleArn: windowRole.arn,
                priority: 2,
                // No targets (the runbook names its node groups): SSM refuses MaxConcurrency / MaxErrors here.
                taskInvocationParameters: {
                    automationParameters: {
                        documentVersion: "$DEFAULT",
                        parameters: [
                            { name: "Approval", values: ["skipped"] },
                            { name: "Reason", values: ["weekly maintenance window"] },
                        ],
                    },
                },
            },
            { parent: this },
        );

        const criticalFound = new aws.cloudwatch.EventRule(
            `${name}-critical-patch`,
            {
                name: `${prefix}-critical-patch-missing`,
                description: "A node reports missing approved patches (scan): ask to roll the node groups.",
                eventPattern: JSON.stringify({
                    source: ["aws.ssm"],
                    "detail-type": ["Configuration Compliance State Change"],
                    detail: { "compliance-type": ["Patch"], "compliance-status": ["non_compliant"] },
                }),
                tags: { patching: NODE_AMI_ROLL },
            },
            { parent: this },
        );
        const rollTarget = new aws.cloudwatch.EventTarget(
            `${name}-critical-patch`,
            {
                rule: criticalFound.name,
                arn: pulumi.interpolate`arn:aws:ssm:${ctx.region}:${ctx.account}:automation-definition/${this.nodeRollDocument.name}:$DEFAULT`,
                roleArn: rollEventsRole.arn,
                inputTransformer: {
                    inputPaths: { instance: "$.detail.resource-id" },
                    inputTemplate: '{"Reason":["missing approved patches on <instance>"]}',
                },
            },
            { parent: this },
        );

        const e = args.evidence;
        e.record("MNT-PATCH-CRITICAL", this.patchBaseline, group, this.nodeRollDocument, criticalFound, rollTarget);
        e.record("MNT-PATCH-NONCRITICAL", this.patchBaseline, this.maintenanceWindow, target, task, windowRoll);
        e.record("OPS-M-PATCH", this.maintenanceWindow, task, windowRoll);
        e.record("IR-SB-PATCH", this.patchBaseline, this.maintenanceWindow, task);

        this.registerOutputs({
            reportDocumentNames: Object.fromEntries(keys.map((k) => [k, this.reportDocuments[k].name])),
            patchBaselineId: this.patchBaseline.id,
            patchGroup: this.patchGroup,
            maintenanceWindowId: this.maintenanceWindow.id,
        });
    }
}
