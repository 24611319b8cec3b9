// security_maintenance: patching (Patch Manager, the node AMI roll) and policy review.

import { guide } from "../guide";
import { Control } from "../types";
import { infra, org } from "./shared";

/** Tag value (key `patching`) of the runbook that rolls the EKS node groups onto the latest AMI (critical patches). */
export const NODE_AMI_ROLL = "node-ami-roll";

/** Patch Manager: the OS of the EKS nodes and the filter values of the critical (immediate) rule. */
export const PATCHING = {
    operatingSystem: "AMAZON_LINUX_2023",
    critical: { classification: ["Security"], severity: ["Critical", "Important"], approveAfterDays: 0 },
    nonCritical: { classification: ["Security", "Bugfix"] },
} as const;

export const securityMaintenanceControls: Control[] = [
    // security_maintenance
    {
        id: "MNT-PATCH-CRITICAL",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.patches.critical.timing",
        requirement: `Critical patches are applied ${guide.maintenance.criticalPatches}ly: Security-classified Critical/Important patches are approved 0 days after release; a node missing one starts the node-group roll onto the latest EKS AMI, which waits for system_admin's approval.`,
        iso27001: ["A.8.8"],
        soc2: ["CC7.1"],
        how: infra,
    },
    {
        id: "MNT-PATCH-APPROVAL",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.patches.critical.approval",
        requirement:
            "Critical patches require approval: the patch baseline's approval rules are themselves changed only by reviewed change.",
        iso27001: ["A.8.32"],
        soc2: ["CC8.1"],
        how: org(
            "The PatchBaseline resource in this stack (approval rules, approvedPatchesEnableNonSecurity false)",
            "Approval is the change-management review of the baseline; Patch Manager has no per-patch approval workflow.",
        ),
    },
    {
        id: "MNT-PATCH-NONCRITICAL",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.patches.non_critical.timing",
        requirement: `Non-critical patches are installed only in the scheduled ${guide.maintenance.nonCriticalPatches} (an SSM maintenance window), after a delay.`,
        iso27001: ["A.8.8", "A.8.32"],
        soc2: ["CC7.1", "CC8.1"],
        how: infra,
    },
    {
        id: "MNT-POLICY-REVIEW",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.review.frequency",
        requirement: `Policies are reviewed ${guide.maintenance.policyReview}: a scheduled runbook publishes the review pack to the low-severity alert topic (its subscribers, not a named list of approvers); the review by the approvers is recorded in pull requests.`,
        iso27001: ["A.5.1"],
        soc2: ["CC5.3"],
        how: infra,
    },
    {
        id: "MNT-POLICY-APPROVERS",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.review.approvers[security_team]",
        requirement: `Policy reviews are approved by ${guide.maintenance.policyReviewApprovers.join(" and ")}.`,
        iso27001: ["A.5.1", "A.5.2"],
        soc2: ["CC5.3", "CC1.3"],
        how: org(
            "Required reviewers on the repository (CODEOWNERS) for policy-pack/ and components/",
            "Approval is a people process; the repository enforces the reviewers.",
        ),
    },
    {
        id: "MNT-CHANGE-MGMT",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.update.process",
        requirement: "Policy updates follow change management.",
        iso27001: ["A.8.32"],
        soc2: ["CC8.1"],
        how: org(
            "Pull requests with CI preview and the CrossGuard pack; prod deploys behind a protected environment",
            "Change management is a workflow around the stack.",
        ),
    },
    {
        id: "MNT-VALIDATION",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.update.validation",
        requirement: "Policy updates are validated before they apply.",
        iso27001: ["A.8.29", "A.8.32"],
        soc2: ["CC8.1"],
        how: org(
            "The mandatory CrossGuard policy pack on every preview / update; the test suite",
            "Validation runs in CI; a reviewer accepts its result.",
        ),
    },
];
