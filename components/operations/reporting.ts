// The routine and audit reports (auditing, security_procedures.routine): a runbook per report that runs its
// read-only queries and publishes the result, started by EventBridge Scheduler at the guide's cadence, and the
// reminders that a compliance audit is due.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    AUDIT_REMINDERS,
    CADENCE,
    ReportKey,
    REPORTS,
    reportSlug,
    START_AUTOMATION_TARGET,
} from "../../policy-pack/catalog/operations";
import { EvidenceRegistry } from "../evidence";
import { policyJson, serviceTrust } from "./iam";
import { AUDIT_READ_ACTIONS, gatherStep } from "./audit-scripts";
import { SUBJECTS } from "./report-queries";
import { AutomationStep, gatheredReport } from "./runbooks";

export interface ReportsArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    /** IANA time zone of the schedules. */
    timezone: pulumi.Input<string>;
    /** The stack's account and region. */
    ctx: { account: pulumi.Input<string>; region: pulumi.Input<string> };
    evidence: EvidenceRegistry;
    /** Low-severity topic the reports and reminders go to, and its KMS key. */
    reportTopicArn: pulumi.Input<string>;
    alertsKeyArn: pulumi.Input<string>;
    /** What the reports query: IAM Access Analyzer (none with accountServices adopt) and the conformance pack. */
    accessAnalyzerArn?: pulumi.Input<string>;
    conformancePackName: pulumi.Input<string>;
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/** Report runbooks with their role, their schedules (and the scheduler's role), and the audit reminders. */
export function reports(parent: pulumi.Resource, name: string, args: ReportsArgs) {
    const prefix = args.prefix;
    const ctx = args.ctx;
    const keys = Object.keys(REPORTS) as ReportKey[];

    const reportRole = new aws.iam.Role(
        `${name}-reports`,
        {
            name: `${prefix}-ops-reports`,
            description: "Runs the routine and audit report runbooks (read-only queries + publish).",
            assumeRolePolicy: serviceTrust("ssm.amazonaws.com", ctx.account),
            permissionsBoundary: args.permissionsBoundaryArn,
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-reports`,
        {
            role: reportRole.id,
            policy: pulumi
                .all([args.reportTopicArn, args.alertsKeyArn, args.accessAnalyzerArn ?? "", ctx.region, ctx.account])
                .apply(([topic, key, analyzer, region, account]) =>
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
                                // The audits' gathering steps (audit-scripts.ts), but the log query below.
                                ...AUDIT_READ_ACTIONS.filter((a) => a !== "logs:StartQuery"),
                            ],
                            Resource: "*",
                        },
                        {
                            // The access audit's query of Kubernetes RBAC changes in the EKS audit logs.
                            Sid: "EksAuditLogQuery",
                            Effect: "Allow",
                            Action: "logs:StartQuery",
                            Resource: `arn:aws:logs:${region}:${account}:log-group:/aws/eks/*`,
                        },
                        ...(analyzer
                            ? [
                                  {
                                      Sid: "Analyzer",
                                      Effect: "Allow" as const,
                                      Action: "access-analyzer:ListFindings",
                                      Resource: analyzer,
                                  },
                              ]
                            : []),
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
        { parent },
    );

    // The access audit first has IAM generate a fresh credential report (downloaded by the auditor).
    const credentialReport: AutomationStep = {
        name: "GenerateCredentialReport",
        action: "aws:executeAwsApi",
        inputs: { Service: "iam", Api: "GenerateCredentialReport" },
        onFailure: "Abort",
    };
    const reportDocuments = Object.fromEntries(
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
                            args.accessAnalyzerArn ?? "",
                        ])
                        .apply(([role, topic, pack, analyzer]) =>
                            gatheredReport(
                                SUBJECTS[key],
                                role,
                                topic,
                                `[${REPORTS[key].cadence}] ${SUBJECTS[key]}`,
                                gatherStep(key, pack, analyzer),
                                key === "accessAudit" ? [credentialReport] : [],
                            ),
                        ),
                    tags: { control: REPORTS[key].controls.join(" "), cadence: REPORTS[key].cadence },
                },
                { parent },
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
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-scheduler`,
        {
            role: schedulerRole.id,
            policy: pulumi
                .all([
                    ctx.region,
                    ctx.account,
                    pulumi.all(keys.map((k) => reportDocuments[k].name)),
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
        { parent },
    );

    const reportSchedules = keys.map((key) => {
        const schedule = new aws.scheduler.Schedule(
            `${name}-${reportSlug(key)}`,
            {
                name: `${prefix}-${reportSlug(key)}`,
                description: `${REPORTS[key].controls.join(", ")}: ${SUBJECTS[key]}`,
                scheduleExpression: CADENCE[REPORTS[key].cadence],
                scheduleExpressionTimezone: args.timezone,
                flexibleTimeWindow: { mode: "OFF" },
                state: "ENABLED",
                target: {
                    arn: START_AUTOMATION_TARGET,
                    roleArn: schedulerRole.arn,
                    input: reportDocuments[key].name.apply((n) => JSON.stringify({ DocumentName: n })),
                    retryPolicy: { maximumRetryAttempts: 3 },
                },
            },
            { parent },
        );
        for (const control of REPORTS[key].controls) {
            args.evidence.record(control, reportDocuments[key], schedule);
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
                scheduleExpressionTimezone: args.timezone,
                flexibleTimeWindow: { mode: "OFF" },
                state: "ENABLED",
                target: {
                    arn: args.reportTopicArn,
                    roleArn: schedulerRole.arn,
                    input: `The ${r.cadence.replace("_", "-")} ${standard.toUpperCase()} audit is due: export the evidence (npm run evidence), the conformance pack compliance report and Security Hub standard scores for the auditor.`,
                },
            },
            { parent },
        );
        return schedule;
    });
    return { reportDocuments, schedules: [...reportSchedules, ...reminders] };
}
