// The guide's security_procedures leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const securityProceduresRequirements: readonly GuideRequirement[] = [
    {
        path: "security_procedures.routine.daily[verify_system_integrity]",
        value: "verify_system_integrity",
        controls: ["OPS-D-INTEGRITY"],
    },
    {
        path: "security_procedures.routine.daily[check_security_logs]",
        value: "check_security_logs",
        controls: ["OPS-D-LOGS"],
    },
    { path: "security_procedures.routine.daily[monitor_alerts]", value: "monitor_alerts", controls: ["OPS-D-ALERTS"] },
    {
        path: "security_procedures.routine.weekly[review_access_patterns]",
        value: "review_access_patterns",
        controls: ["OPS-W-ACCESS"],
    },
    {
        path: "security_procedures.routine.weekly[update_threat_intel]",
        value: "update_threat_intel",
        controls: ["OPS-W-THREATINTEL"],
    },
    {
        path: "security_procedures.routine.weekly[verify_backups]",
        value: "verify_backups",
        controls: ["OPS-W-BACKUPS", "BAK-RESTORE-TEST"],
    },
    {
        path: "security_procedures.routine.monthly[rotate_credentials]",
        value: "rotate_credentials",
        controls: ["OPS-M-CREDENTIALS"],
    },
    { path: "security_procedures.routine.monthly[patch_systems]", value: "patch_systems", controls: ["OPS-M-PATCH"] },
    {
        path: "security_procedures.routine.monthly[review_policies]",
        value: "review_policies",
        controls: ["OPS-M-POLICIES"],
    },
    {
        path: "security_procedures.emergency.breach_response[isolate_affected_systems]",
        value: "isolate_affected_systems",
        controls: ["OPS-E-ISOLATE"],
    },
    {
        path: "security_procedures.emergency.breach_response[investigate_breach]",
        value: "investigate_breach",
        controls: ["OPS-E-INVESTIGATE"],
    },
    {
        path: "security_procedures.emergency.breach_response[implement_fixes]",
        value: "implement_fixes",
        controls: ["OPS-E-FIX"],
    },
    {
        path: "security_procedures.emergency.recovery[validate_systems]",
        value: "validate_systems",
        controls: ["OPS-R-VALIDATE"],
    },
    {
        path: "security_procedures.emergency.recovery[restore_services]",
        value: "restore_services",
        controls: ["OPS-R-RESTORE"],
    },
    {
        path: "security_procedures.emergency.recovery[update_security]",
        value: "update_security",
        controls: ["OPS-R-UPDATE"],
    },
];
