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

/** The reports that query with single API calls; the audits gather every page in a script (audit-scripts.ts). */
export type QueriedReport = Exclude<ReportKey, "accessAudit" | "systemAudit">;

/** The queries of each routine report, i.e. what each routine step actually checks. */
export function reportQueries(key: QueriedReport, pack: string, analyzerArn: string): ReportQuery[] {
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

export const SUBJECTS: Record<ReportKey, string> = {
    daily: "Daily security routine",
    weekly: "Weekly security routine",
    accessAudit: `Access audit (${guide.auditing.accessAudit.frequency})`,
    systemAudit: `System audit (${guide.auditing.systemAudit.frequency})`,
    policyReview: `Policy review (${guide.maintenance.policyReview}) for ${guide.maintenance.policyReviewApprovers.join(" and ")}`,
    monthlyPolicyReview: "Monthly policy review",
};
