// What each routine / audit report checks: the report runbooks' queries and their subjects.
import { FINDING_SEVERITY, ReportKey } from "../../policy-pack/catalog/operations";
import { guide } from "../../policy-pack/catalog";
import { ReportQuery } from "./runbooks";

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

/**
 * The queries of each report, i.e. what each routine / audit step actually checks. Without an analyzer of this
 * account (accountServices adopt: the organisation's analyzer is the delegated administrator's), the
 * Access Analyzer queries are left to its owner.
 */
export function reportQueries(key: ReportKey, pack: string, analyzerArn: string | undefined): ReportQuery[] {
    // Without an analyzer of this account, access is reviewed from CloudTrail's record of role assumptions.
    const analyzer = (name: string, label: string): ReportQuery[] => [
        analyzerArn
            ? { name, label, ...activeAnalyzerFindings(analyzerArn) }
            : {
                  name,
                  label: `${label.split(":")[0]}: recent role assumptions (CloudTrail; the organisation's Access Analyzer is the landing zone's)`,
                  service: "cloudtrail",
                  api: "LookupEvents",
                  params: {
                      LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "AssumeRole" }],
                      MaxResults: 50,
                  },
                  selector: "$.Events..Username",
                  type: "StringList",
              },
    ];
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
                ...analyzer("AccessFindings", "review_access_patterns: active Access Analyzer findings"),
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
                ...analyzer("ExternalAccess", "external access (Access Analyzer)"),
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
                ...analyzer("ExternalAccess", "active Access Analyzer findings"),
                { name: "NonCompliantRules", label: "non-compliant rules", ...nonCompliantInPack(pack) },
            ];
    }
}

export const SUBJECTS: Record<ReportKey, string> = {
    daily: "Daily security routine",
    weekly: "Weekly security routine",
    accessAudit: `Access audit (${guide.auditing.accessAudit.frequency})`,
    systemAudit: `System audit (${guide.auditing.systemAudit.frequency})`,
    policyReview: `Policy review (${guide.maintenance.policyReview}) for ${guide.maintenance.policyReviewApprovers.join(" and ")}`,
    monthlyPolicyReview: "Monthly policy review",
};
