// What each response runbook and audit / routine report must do, as the AWS API actions that do it (any one
// of a duty's actions does it). The pack reads the actions the documents' reachable steps call
// (aws:executeAwsApi Service/Api, boto3 calls of aws:executeScript, aws:createTags, ...) and compares.

import { ReportKey } from "./cadence";
import { AlertSeverity } from "./detection";
import { RunbookKey } from "./incident-response";

export interface Duty {
    /** The guide item, as the guide names it. */
    item: string;
    /** IAM-style actions (service:Api) any one of which does it. */
    actions: string[];
}

/** notify_stakeholders pages through the alert topic of this severity (a breach is a high-severity alert). */
export const NOTIFY_SEVERITY: AlertSeverity = "high";

/** Incident-response runbooks (incident_response.procedures). */
export const RUNBOOK_DUTIES: Record<RunbookKey, Duty[]> = {
    isolateSystems: [
        { item: "isolate_systems", actions: ["ec2:ModifyNetworkInterfaceAttribute", "ec2:ModifyInstanceAttribute"] },
    ],
    blockAccess: [{ item: "block_access", actions: ["wafv2:UpdateIPSet", "ec2:CreateNetworkAclEntry"] }],
    revokeAccess: [
        {
            item: "revoke_access",
            actions: ["iam:UpdateAccessKey", "iam:DeleteAccessKey", "iam:PutRolePolicy", "eks:DeleteAccessEntry"],
        },
    ],
    collectEvidence: [{ item: "collect_evidence", actions: ["ec2:CreateSnapshots", "ec2:CreateSnapshot"] }],
    notifyStakeholders: [{ item: "notify_stakeholders", actions: ["sns:Publish"] }],
};

const CONFIG_COMPLIANCE = [
    "config:DescribeConformancePackCompliance",
    "config:GetConformancePackComplianceDetails",
    "config:DescribeComplianceByConfigRule",
];
const ACCESS_FINDINGS = ["access-analyzer:ListFindings", "access-analyzer:ListFindingsV2"];
const PUBLISH = { item: "reporting", actions: ["sns:Publish"] };

/** Routine and audit reports (security_procedures.routine, auditing.processes, maintenance.policies.review). */
export const REPORT_DUTIES: Record<ReportKey, Duty[]> = {
    daily: [
        { item: "verify_system_integrity", actions: CONFIG_COMPLIANCE },
        {
            item: "check_security_logs",
            actions: ["securityhub:GetFindings", "logs:StartQuery", "cloudtrail:LookupEvents"],
        },
        { item: "monitor_alerts", actions: ["cloudwatch:DescribeAlarms"] },
        PUBLISH,
    ],
    weekly: [
        { item: "review_access_patterns", actions: [...ACCESS_FINDINGS, "cloudtrail:LookupEvents"] },
        { item: "verify_backups", actions: ["backup:ListBackupJobs", "backup:ListRestoreJobs"] },
        PUBLISH,
    ],
    accessAudit: [
        {
            item: "user_accounts",
            actions: ["iam:ListUsers", "iam:GetAccountAuthorizationDetails", "iam:GetCredentialReport"],
        },
        { item: "role_assignments", actions: ["iam:ListRoles", "iam:GetAccountAuthorizationDetails"] },
        { item: "permission_changes", actions: ["cloudtrail:LookupEvents"] },
        PUBLISH,
    ],
    systemAudit: [
        { item: "authentication_systems", actions: ["iam:GetAccountSummary", "iam:GetCredentialReport"] },
        { item: "authorization_policies", actions: [...CONFIG_COMPLIANCE, ...ACCESS_FINDINGS] },
        { item: "encryption_mechanisms", actions: CONFIG_COMPLIANCE },
        PUBLISH,
    ],
    policyReview: [
        { item: "review (policies)", actions: ["iam:ListPolicies", "iam:GetAccountAuthorizationDetails"] },
        PUBLISH,
    ],
    monthlyPolicyReview: [
        { item: "review_policies", actions: ["iam:ListPolicies", "iam:GetAccountAuthorizationDetails"] },
        PUBLISH,
    ],
};
