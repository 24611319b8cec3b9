// The subjects of the routine and audit reports; what each report reads is its gathering script
// (audit-scripts.ts).
import { ReportKey } from "../../policy-pack/catalog/operations";
import { guide } from "../../policy-pack/catalog";

export const SUBJECTS: Record<ReportKey, string> = {
    daily: "Daily security routine",
    weekly: "Weekly security routine",
    accessAudit: `Access audit (${guide.auditing.accessAudit.frequency})`,
    systemAudit: `System audit (${guide.auditing.systemAudit.frequency})`,
    policyReview: `Policy review (${guide.maintenance.policyReview}) for ${guide.maintenance.policyReviewApprovers.join(" and ")}`,
    monthlyPolicyReview: "Monthly policy review",
};
