// The guide's identity_management leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const identityManagementRequirements: readonly GuideRequirement[] = [
    {
        path: "identity_management.authentication.methods.primary.type",
        value: "certificate_based",
        controls: ["AUTH-CERT"],
    },
    { path: "identity_management.authentication.methods.primary.provider", value: "vault", controls: ["AUTH-CERT"] },
    { path: "identity_management.authentication.methods.primary.rotation", value: "90d", controls: ["AUTH-CERT"] },
    {
        path: "identity_management.authentication.methods.secondary.type",
        value: "token_based",
        controls: ["AUTH-TOKEN"],
    },
    {
        path: "identity_management.authentication.methods.secondary.provider",
        value: "oauth2",
        controls: ["AUTH-TOKEN"],
    },
    { path: "identity_management.authentication.methods.secondary.expiry", value: "12h", controls: ["AUTH-TOKEN"] },
    { path: "identity_management.authentication.mfa.required", value: "true", controls: ["AUTH-MFA", "EKS-AUTH-API"] },
    { path: "identity_management.authentication.mfa.methods[totp]", value: "totp", controls: ["AUTH-MFA-TOTP"] },
    {
        path: "identity_management.authentication.mfa.methods[hardware_token]",
        value: "hardware_token",
        controls: ["AUTH-MFA-HARDWARE"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.permissions[manage_agents]",
        value: "manage_agents",
        controls: ["RBAC-ADMIN-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.permissions[manage_resources]",
        value: "manage_resources",
        controls: ["RBAC-ADMIN-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.permissions[manage_security]",
        value: "manage_security",
        controls: ["RBAC-ADMIN-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.restrictions[require_mfa]",
        value: "require_mfa",
        controls: ["RBAC-ADMIN-MFA", "IAM-PAM"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.restrictions[audit_logging]",
        value: "audit_logging",
        controls: ["RBAC-ADMIN-AUDIT", "IAM-BOUNDARY"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.permissions[view_status]",
        value: "view_status",
        controls: ["RBAC-OPERATOR-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.permissions[restart_agents]",
        value: "restart_agents",
        controls: ["RBAC-OPERATOR-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.permissions[view_logs]",
        value: "view_logs",
        controls: ["RBAC-OPERATOR-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.restrictions[no_config_changes]",
        value: "no_config_changes",
        controls: ["RBAC-OPERATOR-NO-CONFIG"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.restrictions[no_security_changes]",
        value: "no_security_changes",
        controls: ["RBAC-OPERATOR-NO-SECURITY"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.permissions[execute_tasks]",
        value: "execute_tasks",
        controls: ["RBAC-AGENT-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.permissions[report_status]",
        value: "report_status",
        controls: ["RBAC-AGENT-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.permissions[request_resources]",
        value: "request_resources",
        controls: ["RBAC-AGENT-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.restrictions[namespace_bound]",
        value: "namespace_bound",
        controls: ["RBAC-AGENT-NS", "EKS-NODE-IMDS", "K8S-PSA", "K8S-NETPOL"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.restrictions[rate_limited]",
        value: "rate_limited",
        controls: ["RBAC-AGENT-RATE"],
    },
];
