// What each response runbook and audit / routine report must do, as the AWS API actions that do it (any one
// of a duty's actions does it). The pack reads the actions the documents' reachable steps call
// (aws:executeAwsApi Service/Api, boto3 calls of aws:executeScript, aws:createTags, ...) and compares; a runbook an
// EventBridge rule starts is judged on the branch each sample event takes, with the inputs that decide the effect.

import { ReportKey } from "./cadence";
import { AlertSeverity } from "./detection";
import { RunbookKey } from "./incident-response";

export interface Duty {
    /** The guide item, as the guide names it. */
    item: string;
    /** IAM-style actions (service:Api) any one of which does it. */
    actions: string[];
    /**
     * What a report must also read for the item, each through one of its actions; `paginated`: through a boto3
     * paginator (every page), not one call's first page.
     */
    reads?: { what: string; actions: string[]; paginated?: boolean }[];
}

/**
 * Inputs that decide whether a duty's call has its effect (the API reference's values): a key set back to
 * Active, or a network ACL entry that allows, does the opposite of the duty.
 */
export const EFFECT_INPUTS: Record<string, Record<string, string>> = {
    "iam:UpdateAccessKey": { Status: "Inactive" },
    "ec2:CreateNetworkAclEntry": { RuleAction: "deny" },
};

/** Calls that block an address must carry the one the trigger's event names (the attacker's), in this input. */
export const CARRIES_TRIGGER_ADDRESS: Record<string, string> = {
    "wafv2:UpdateIPSet": "Addresses",
    "ec2:CreateNetworkAclEntry": "CidrBlock",
};

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
    // The audits read the scope's content, not only that something exists: trust policies, access entries and
    // their policies, Kubernetes RBAC changes, Cognito groups and members, every page of the change history.
    accessAudit: [
        {
            item: "user_accounts",
            actions: ["iam:ListUsers", "iam:GetAccountAuthorizationDetails", "iam:GetCredentialReport"],
            reads: [
                { what: "each IAM user's MFA devices", actions: ["iam:ListMFADevices"] },
                { what: "each IAM user's access keys", actions: ["iam:ListAccessKeys"] },
                { what: "the Cognito groups", actions: ["cognito-idp:ListGroups"], paginated: true },
                { what: "each Cognito group's members", actions: ["cognito-idp:ListUsersInGroup"], paginated: true },
            ],
        },
        {
            item: "role_assignments",
            actions: ["iam:ListRoles", "iam:GetAccountAuthorizationDetails"],
            reads: [
                {
                    // ListRoles returns each role's AssumeRolePolicyDocument too.
                    what: "every role with its trust policy",
                    actions: ["iam:GetAccountAuthorizationDetails", "iam:ListRoles"],
                    paginated: true,
                },
                {
                    what: "each role's attached policies",
                    actions: ["iam:GetAccountAuthorizationDetails", "iam:ListAttachedRolePolicies"],
                },
                { what: "the EKS access entries", actions: ["eks:ListAccessEntries"], paginated: true },
                { what: "each access entry's access policies", actions: ["eks:ListAssociatedAccessPolicies"] },
                {
                    what: "Kubernetes RoleBinding / ClusterRoleBinding changes (cluster audit log)",
                    actions: ["logs:StartQuery"],
                },
            ],
        },
        {
            item: "permission_changes",
            actions: ["cloudtrail:LookupEvents"],
            reads: [
                {
                    what: "every page of the period's CloudTrail events",
                    actions: ["cloudtrail:LookupEvents"],
                    paginated: true,
                },
            ],
        },
        PUBLISH,
    ],
    systemAudit: [
        {
            item: "authentication_systems",
            actions: ["iam:GetAccountSummary", "iam:GetCredentialReport"],
            reads: [
                { what: "IAM users without MFA", actions: ["iam:ListMFADevices"] },
                { what: "each Cognito user pool's MFA setting", actions: ["cognito-idp:GetUserPoolMfaConfig"] },
                { what: "each EKS cluster's authentication mode", actions: ["eks:DescribeCluster"] },
            ],
        },
        {
            item: "authorization_policies",
            actions: [...CONFIG_COMPLIANCE, ...ACCESS_FINDINGS],
            reads: [
                {
                    what: "every customer managed policy's document",
                    actions: ["iam:GetAccountAuthorizationDetails"],
                    paginated: true,
                },
            ],
        },
        {
            item: "encryption_mechanisms",
            actions: CONFIG_COMPLIANCE,
            reads: [{ what: "each customer key's rotation", actions: ["kms:GetKeyRotationStatus"] }],
        },
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
