import { REPORTS } from "../../policy-pack/catalog/operations";

/**
 * What would evidence each control that this stack does not meet by infrastructure (application code, an
 * organisational procedure). The repository holds neither the application nor the procedure's records, so the
 * evidence says so: "not assessed" names what an auditor would need to see, never "met by".
 */
export const WOULD_EVIDENCE: Record<string, string> = {
    "MSG-PAYLOAD-ALG":
        "the agent runtime's message code encrypting payloads with AES-256-GCM under the current data key, and its tests",
    "MSG-SIG-VERIFY":
        "the receivers' code calling kms:Verify on every message and rejecting unsigned or invalid ones, and its tests",
    "MSG-CHECKSUM-ALG": "the agent runtime's message code computing a SHA3-256 checksum of each payload",
    "MSG-CHECKSUM-VALIDATE": "the receivers' code recomputing the checksum and rejecting a mismatch, and its tests",
    "DATA-ENC-ZERO-KNOWLEDGE":
        "an enclave application whose KMS decrypts carry an attestation document, and key policies that require it (kms:RecipientAttestation:ImageSha384); no key policy of this stack requires attestation",
    "LOG-SYSTEM-LEVEL": "the workloads' logger configuration at INFO (deployment manifests of the agents)",
    "LOG-SECURITY-LEVEL": "the workloads' security logger configuration at DEBUG (deployment manifests of the agents)",
    "LOG-AUDIT-LEVEL": "the workloads' audit logger configuration at INFO (deployment manifests of the agents)",
    "IR-SB-SCOPE": "incident records (tickets, post-incident reports) that scope each breach",
    "IR-SB-INVESTIGATE": "incident records linking each investigation to the evidence collected",
    "IR-SB-RESTORE": "incident records of restores, and AWS Backup restore jobs (evidence --collect reads the tests)",
    "IR-SB-POLICIES": "post-incident pull requests that change the stack or the policy pack",
    "IR-DL-SOURCE": "data-leak incident records naming the source found",
    "IR-DL-IMPACT": "data-leak incident records assessing data classes, subjects and volume",
    "IR-DL-EXPOSURE": "data-leak incident records tracking exposure over time (Security Hub workflow history)",
    "IR-DL-CONTAIN": "incident records of containment, and executions of the block_access / isolate_systems runbooks",
    "IR-DL-NOTIFY": "notification records (to whom, when) for each leak",
    "IR-DL-SECURITY": "post-leak pull requests that strengthen the stack or the policy pack",
    "IR-DL-MONITORING": "post-leak pull requests that extend the detection component",
    "IR-DL-AUDIT": "a post-leak system-audit execution and its report",
    "CMP-ISO-AUDIT": "the certification body's ISO/IEC 27001 audit reports, one a year",
    "CMP-SOC2-AUDIT": "the service auditor's SOC 2 reports, one each half year",
    "AUD-SYS-DOCS": "the signed record of each quarterly system audit (the runbook's report alone is not a sign-off)",
    "OPS-W-THREATINTEL": "records of the weekly threat-intelligence review (who reviewed which feeds, when)",
    "OPS-E-INVESTIGATE": "incident records of each investigation",
    "OPS-E-FIX": "incident records linking each fix to its change",
    "OPS-R-VALIDATE": "incident records of validation before return to service (conformance re-evaluation results)",
    "OPS-R-RESTORE": "incident records of restored services",
    "OPS-R-UPDATE": "post-recovery pull requests that update the stack or the policy pack",
    "MNT-PATCH-APPROVAL":
        "the node-ami-roll runbook's executions, each with a system_admin approval (evidence --collect reads them)",
    "MNT-POLICY-APPROVERS":
        "the branch ruleset requiring approvals of both teams, and the merged pull requests' reviews",
    "MNT-CHANGE-MGMT": "the merged pull requests with CI previews, and the deploy approvals of the prod environments",
    "MNT-VALIDATION": "CI runs of the policy pack and tests on each change that reached a stack",
};

/**
 * Non-infrastructure controls whose design this plan does hold, though nothing here shows it operating: the
 * control that records the design and what it is. The status is partial (design evidence only).
 */
export const DESIGN_IN_PLAN: Record<string, { recordedUnder: string; design: string }> = {
    "MNT-PATCH-APPROVAL": {
        recordedUnder: "MNT-PATCH-CRITICAL",
        design: "the node-ami-roll Automation document waits at an aws:approve step for system_admin before it rolls a node group (its Approval parameter can skip it); the baseline's approval rules change only by reviewed pull request",
    },
};

/**
 * Scheduled procedures (the routine and audit reports, catalog REPORTS): a schedule and a runbook in the plan
 * are their design, not their operation. Until `evidence --collect` reads a Success in each window they are
 * partial, "designed, not operating-tested".
 */
export const SCHEDULED_PROCEDURES: string[] = [
    ...new Set(Object.values(REPORTS).flatMap((r) => [...r.controls] as string[])),
];

/** Reason for a non-infrastructure control with nothing here to show it. */
export function notAssessedReason(id: string, kind: "application" | "organizational"): string {
    const what =
        WOULD_EVIDENCE[id] ??
        (kind === "application" ? "the application's code and its tests" : "records of the procedure carried out");
    return `not assessed: would be evidenced by ${what}; nothing in this repository or this ${kind === "application" ? "stack holds the application" : "stack's evidence records the procedure"}`;
}
