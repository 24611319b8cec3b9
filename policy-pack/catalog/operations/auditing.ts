// auditing: system and access audits.

import { guide } from "../guide";
import { Control } from "../types";
import { infra, org } from "./shared";

export const auditingControls: Control[] = [
    // auditing
    {
        id: "AUD-SYS",
        section: "auditing",
        guidePath: "auditing.processes.system_audit.scope[authentication_systems]",
        requirement: `A ${guide.auditing.systemAudit.frequency} system audit of authentication systems, authorization policies and encryption mechanisms runs as a scheduled runbook.`,
        iso27001: ["A.5.35", "A.8.34"],
        soc2: ["CC4.1"],
        how: infra,
    },
    {
        id: "AUD-SYS-DOCS",
        section: "auditing",
        guidePath: "auditing.processes.system_audit.documentation",
        requirement: "Each system audit is documented.",
        iso27001: ["A.5.35", "A.5.37"],
        soc2: ["CC4.2"],
        how: org(
            "The system-audit runbook's report on the low topic and its SSM execution history",
            "The written audit record and sign-off are produced by the auditor.",
        ),
    },
    {
        id: "AUD-ACCESS",
        section: "auditing",
        guidePath: "auditing.processes.access_audit.scope[user_accounts]",
        requirement: `A ${guide.auditing.accessAudit.frequency} access audit of user accounts, role assignments and permission changes runs as a scheduled runbook (IAM credential report, Access Analyzer findings).`,
        iso27001: ["A.5.18", "A.8.2"],
        soc2: ["CC6.2", "CC6.3"],
        how: infra,
    },
    {
        id: "AUD-ACCESS-REPORT",
        section: "auditing",
        guidePath: "auditing.processes.access_audit.reporting",
        requirement: "Each access audit publishes a report to the operations (low) topic.",
        iso27001: ["A.5.18"],
        soc2: ["CC6.2", "CC2.2"],
        how: infra,
    },
];
