// The guide's incident_response leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const incidentResponseRequirements: readonly GuideRequirement[] = [
    {
        path: "incident_response.procedures.security_breach.detection[identify_scope]",
        value: "identify_scope",
        controls: ["IR-SB-SCOPE"],
    },
    {
        path: "incident_response.procedures.security_breach.detection[collect_evidence]",
        value: "collect_evidence",
        controls: ["IR-SB-EVIDENCE"],
    },
    {
        path: "incident_response.procedures.security_breach.detection[isolate_systems]",
        value: "isolate_systems",
        controls: ["IR-SB-ISOLATE"],
    },
    {
        path: "incident_response.procedures.security_breach.response[block_access]",
        value: "block_access",
        controls: ["IR-SB-BLOCK"],
    },
    {
        path: "incident_response.procedures.security_breach.response[notify_stakeholders]",
        value: "notify_stakeholders",
        controls: ["IR-SB-NOTIFY"],
    },
    {
        path: "incident_response.procedures.security_breach.response[initiate_investigation]",
        value: "initiate_investigation",
        controls: ["IR-SB-INVESTIGATE"],
    },
    {
        path: "incident_response.procedures.security_breach.recovery[patch_vulnerabilities]",
        value: "patch_vulnerabilities",
        controls: ["IR-SB-PATCH"],
    },
    {
        path: "incident_response.procedures.security_breach.recovery[restore_systems]",
        value: "restore_systems",
        controls: ["IR-SB-RESTORE"],
    },
    {
        path: "incident_response.procedures.security_breach.recovery[update_policies]",
        value: "update_policies",
        controls: ["IR-SB-POLICIES"],
    },
    {
        path: "incident_response.procedures.data_leak.detection[identify_source]",
        value: "identify_source",
        controls: ["IR-DL-SOURCE"],
    },
    {
        path: "incident_response.procedures.data_leak.detection[assess_impact]",
        value: "assess_impact",
        controls: ["IR-DL-IMPACT"],
    },
    {
        path: "incident_response.procedures.data_leak.detection[track_exposure]",
        value: "track_exposure",
        controls: ["IR-DL-EXPOSURE"],
    },
    {
        path: "incident_response.procedures.data_leak.response[contain_leak]",
        value: "contain_leak",
        controls: ["IR-DL-CONTAIN"],
    },
    {
        path: "incident_response.procedures.data_leak.response[revoke_access]",
        value: "revoke_access",
        controls: ["IR-DL-REVOKE"],
    },
    {
        path: "incident_response.procedures.data_leak.response[notify_affected]",
        value: "notify_affected",
        controls: ["IR-DL-NOTIFY"],
    },
    {
        path: "incident_response.procedures.data_leak.recovery[update_security]",
        value: "update_security",
        controls: ["IR-DL-SECURITY"],
    },
    {
        path: "incident_response.procedures.data_leak.recovery[enhance_monitoring]",
        value: "enhance_monitoring",
        controls: ["IR-DL-MONITORING"],
    },
    {
        path: "incident_response.procedures.data_leak.recovery[conduct_audit]",
        value: "conduct_audit",
        controls: ["IR-DL-AUDIT"],
    },
];
