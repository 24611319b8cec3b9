// The guide's auditing leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const auditingRequirements: readonly GuideRequirement[] = [
    {
        path: "auditing.processes.system_audit.scope[authentication_systems]",
        value: "authentication_systems",
        controls: ["AUD-SYS"],
    },
    {
        path: "auditing.processes.system_audit.scope[authorization_policies]",
        value: "authorization_policies",
        controls: ["AUD-SYS"],
    },
    {
        path: "auditing.processes.system_audit.scope[encryption_mechanisms]",
        value: "encryption_mechanisms",
        controls: ["AUD-SYS"],
    },
    { path: "auditing.processes.system_audit.frequency", value: "quarterly", controls: ["AUD-SYS"] },
    { path: "auditing.processes.system_audit.documentation", value: "required", controls: ["AUD-SYS-DOCS"] },
    { path: "auditing.processes.access_audit.scope[user_accounts]", value: "user_accounts", controls: ["AUD-ACCESS"] },
    {
        path: "auditing.processes.access_audit.scope[role_assignments]",
        value: "role_assignments",
        controls: ["AUD-ACCESS"],
    },
    {
        path: "auditing.processes.access_audit.scope[permission_changes]",
        value: "permission_changes",
        controls: ["AUD-ACCESS"],
    },
    { path: "auditing.processes.access_audit.frequency", value: "monthly", controls: ["AUD-ACCESS"] },
    { path: "auditing.processes.access_audit.reporting", value: "required", controls: ["AUD-ACCESS-REPORT"] },
];
