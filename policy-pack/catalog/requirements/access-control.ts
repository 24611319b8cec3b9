// The guide's access_control leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const accessControlRequirements: readonly GuideRequirement[] = [
    {
        path: "access_control.data_access.policies[agent_data].access.read.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-DATA-AGENT-READ"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.read.roles[operator]",
        value: "operator",
        controls: ["ACC-DATA-AGENT-READ"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.read.conditions[encryption_verified]",
        value: "encryption_verified",
        controls: ["ACC-DATA-AGENT-READ"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.write.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-DATA-AGENT-WRITE"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.write.conditions[mfa_verified]",
        value: "mfa_verified",
        controls: ["ACC-DATA-AGENT-WRITE"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.write.conditions[audit_logged]",
        value: "audit_logged",
        controls: ["ACC-DATA-AGENT-WRITE"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.roles[operator]",
        value: "operator",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.roles[agent]",
        value: "agent",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.conditions[authentication_verified]",
        value: "authentication_verified",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.write.roles[monitoring_agent]",
        value: "monitoring_agent",
        controls: ["ACC-DATA-METRICS-WRITE"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.write.conditions[signature_verified]",
        value: "signature_verified",
        controls: ["ACC-DATA-METRICS-WRITE"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.allocate.roles[resource_manager]",
        value: "resource_manager",
        controls: ["ACC-RES-ALLOCATE"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.allocate.conditions[quota_check]",
        value: "quota_check",
        controls: ["ACC-RES-QUOTA"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.allocate.conditions[priority_verified]",
        value: "priority_verified",
        controls: ["ACC-RES-PRIORITY"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.monitor.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-RES-MONITOR"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.monitor.roles[operator]",
        value: "operator",
        controls: ["ACC-RES-MONITOR"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.monitor.conditions[authentication_verified]",
        value: "authentication_verified",
        controls: ["ACC-RES-MONITOR"],
    },
];
