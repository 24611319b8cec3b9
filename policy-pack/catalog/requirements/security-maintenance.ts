// The guide's security_maintenance leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const securityMaintenanceRequirements: readonly GuideRequirement[] = [
    {
        path: "security_maintenance.updates.patches.critical.timing",
        value: "immediate",
        controls: ["MNT-PATCH-CRITICAL"],
    },
    {
        path: "security_maintenance.updates.patches.critical.approval",
        value: "required",
        controls: ["MNT-PATCH-APPROVAL"],
    },
    {
        path: "security_maintenance.updates.patches.non_critical.timing",
        value: "scheduled",
        controls: ["MNT-PATCH-NONCRITICAL"],
    },
    {
        path: "security_maintenance.updates.patches.non_critical.window",
        value: "maintenance_window",
        controls: ["MNT-PATCH-NONCRITICAL"],
    },
    {
        path: "security_maintenance.updates.policies.review.frequency",
        value: "quarterly",
        controls: ["MNT-POLICY-REVIEW"],
    },
    {
        path: "security_maintenance.updates.policies.review.approvers[security_team]",
        value: "security_team",
        controls: ["MNT-POLICY-APPROVERS"],
    },
    {
        path: "security_maintenance.updates.policies.review.approvers[operations]",
        value: "operations",
        controls: ["MNT-POLICY-APPROVERS"],
    },
    {
        path: "security_maintenance.updates.policies.update.process",
        value: "change_management",
        controls: ["MNT-CHANGE-MGMT"],
    },
    {
        path: "security_maintenance.updates.policies.update.validation",
        value: "required",
        controls: ["MNT-VALIDATION"],
    },
];
