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
        requirement: `A ${guide.auditing.systemAudit.frequency} system audit runbook reads, every page, the authentication systems (root MFA, IAM users without MFA, each Cognito pool's MFA setting, each EKS cluster's authentication mode and endpoint; the mesh's mTLS is enforced at deploy by the pack, the private cluster API being out of Automation's reach), the authorization policies (customer policies allowing *:*, Access Analyzer findings, non-compliant Config rules) and the encryption mechanisms (customer keys' rotation, Security Hub standards); a failed read fails the execution (the pack checks each read, not the schedule only).`,
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
        requirement: `A ${guide.auditing.accessAudit.frequency} access audit runbook reads, every page: IAM users with their MFA devices and access keys (and a fresh credential report), Cognito groups and their members, every role with its trust policy, policies and boundary, the EKS access entries with their access policies, changes to Kubernetes RoleBindings / ClusterRoleBindings from the cluster audit log (the private cluster API is out of Automation's reach: the bindings themselves are the stack's, in the plan), the period's IAM / EKS / Cognito changes from CloudTrail, and Access Analyzer findings (with an adopted analyzer: CloudTrail's role assumptions); a failed read fails the execution (the pack checks each read, not the schedule only).`,
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
