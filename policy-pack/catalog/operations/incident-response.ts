// incident_response: the runbooks by guide step, and the procedures' controls (security_breach, data_leak).

import { Control } from "../types";
import { infra, org } from "./shared";

/** Incident-response runbooks (SSM Automation documents), by guide step. */
export const RUNBOOKS = {
    isolateSystems: { step: "isolate_systems", control: "IR-SB-ISOLATE" },
    blockAccess: { step: "block_access", control: "IR-SB-BLOCK" },
    revokeAccess: { step: "revoke_access", control: "IR-DL-REVOKE" },
    collectEvidence: { step: "collect_evidence", control: "IR-SB-EVIDENCE" },
    notifyStakeholders: { step: "notify_stakeholders", control: "IR-SB-NOTIFY" },
} as const;
export type RunbookKey = keyof typeof RUNBOOKS;
/** Tag every incident-response runbook and rule carries, so the pack can find them. */
export const INCIDENT_RESPONSE_TAG = "incident-response";

export const incidentResponseControls: Control[] = [
    // incident_response.procedures.security_breach
    {
        id: "IR-SB-SCOPE",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.detection[identify_scope]",
        requirement: "The responder identifies which systems, identities and data a breach touches.",
        iso27001: ["A.5.25", "A.5.26"],
        soc2: ["CC7.4"],
        how: org(
            "GuardDuty / Security Hub findings on the high topic, CloudTrail and EKS audit logs, AWS Config resource history",
            "Scoping is analyst judgement over the findings and logs the stack collects.",
        ),
    },
    {
        id: "IR-SB-EVIDENCE",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.detection[collect_evidence]",
        requirement:
            "Evidence is preserved automatically: EBS snapshots of an affected instance, tagged with the incident (finding) id.",
        iso27001: ["A.5.28"],
        soc2: ["CC7.4"],
        how: infra,
    },
    {
        id: "IR-SB-ISOLATE",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.detection[isolate_systems]",
        requirement:
            "An affected instance is isolated automatically: its security groups are replaced by a quarantine group with no ingress and no egress.",
        iso27001: ["A.5.26", "A.8.20"],
        soc2: ["CC7.4"],
        how: infra,
    },
    {
        id: "IR-SB-BLOCK",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.response[block_access]",
        requirement: "The source IP of an inbound attack is added to the WAF block IP set automatically.",
        iso27001: ["A.5.26", "A.8.20"],
        soc2: ["CC7.4", "CC6.6"],
        how: infra,
    },
    {
        id: "IR-SB-NOTIFY",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.response[notify_stakeholders]",
        requirement: "Stakeholders are notified through the high-severity alert topic by a runbook step.",
        iso27001: ["A.5.24", "A.6.8"],
        soc2: ["CC7.3", "CC2.3"],
        how: infra,
    },
    {
        id: "IR-SB-INVESTIGATE",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.response[initiate_investigation]",
        requirement: "An investigation is opened with the evidence collected.",
        iso27001: ["A.5.26", "A.5.27"],
        soc2: ["CC7.4"],
        how: org(
            "Incident-tagged EBS snapshots, SSM Automation execution history, the audit log bucket",
            "Investigation is a human process; the stack preserves and indexes the evidence.",
        ),
    },
    {
        id: "IR-SB-PATCH",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.recovery[patch_vulnerabilities]",
        requirement:
            "Vulnerabilities are found through Patch Manager: the maintenance window scans (Operation=Scan) against a baseline that approves critical / security patches at release; it installs nothing on the nodes, which are replaced by the approved node-AMI roll instead.",
        iso27001: ["A.8.8"],
        soc2: ["CC7.5", "CC8.1"],
        how: infra,
    },
    {
        id: "IR-SB-RESTORE",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.recovery[restore_systems]",
        requirement: "Systems are restored from known-good backups.",
        iso27001: ["A.8.13", "A.5.29"],
        soc2: ["CC7.5", "A1.3"],
        how: org(
            "AWS Backup vault and restore testing (data section); EKS workloads redeployed from this stack",
            "Choosing the restore point and validating the restored system needs a responder.",
        ),
    },
    {
        id: "IR-SB-POLICIES",
        section: "incident_response",
        guidePath: "incident_response.procedures.security_breach.recovery[update_policies]",
        requirement: "Policies are updated after a breach through change management.",
        iso27001: ["A.5.27", "A.5.1"],
        soc2: ["CC7.5"],
        how: org(
            "This stack and its CrossGuard policy pack, changed by reviewed pull requests",
            "A lessons-learned decision; the pack enforces whatever is decided.",
        ),
    },
    // incident_response.procedures.data_leak
    {
        id: "IR-DL-SOURCE",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.detection[identify_source]",
        requirement: "The source of a leak is identified.",
        iso27001: ["A.5.25", "A.8.12"],
        soc2: ["CC7.3", "C1.1"],
        how: org(
            "Macie findings routed to the alert topics, CloudTrail S3 data events, VPC flow logs",
            "Attributing a leak is analysis over the findings the stack routes.",
        ),
    },
    {
        id: "IR-DL-IMPACT",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.detection[assess_impact]",
        requirement: "The impact of a leak (data classes, subjects, volume) is assessed.",
        iso27001: ["A.5.25"],
        soc2: ["CC7.4", "C1.1"],
        how: org(
            "Macie sensitive-data findings and the data classification tags",
            "Impact assessment (legal, contractual) is a human judgement.",
        ),
    },
    {
        id: "IR-DL-EXPOSURE",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.detection[track_exposure]",
        requirement: "The exposure of leaked data is tracked over time.",
        iso27001: ["A.5.26"],
        soc2: ["CC7.4"],
        how: org(
            "CloudTrail data events, Security Hub finding workflow status",
            "Tracking is done in the finding workflow by the responder.",
        ),
    },
    {
        id: "IR-DL-CONTAIN",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.response[contain_leak]",
        requirement: "A leak is contained.",
        iso27001: ["A.5.26"],
        soc2: ["CC7.4"],
        how: org(
            "The block_access, isolate_systems and revoke_access runbooks",
            "Which runbook contains a given leak depends on its path; the responder starts it.",
        ),
    },
    {
        id: "IR-DL-REVOKE",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.response[revoke_access]",
        requirement:
            "A compromised IAM access key is deactivated automatically; an EKS access entry can be removed by the same runbook.",
        iso27001: ["A.5.18", "A.5.26"],
        soc2: ["CC6.2", "CC7.4"],
        how: infra,
    },
    {
        id: "IR-DL-NOTIFY",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.response[notify_affected]",
        requirement: "Affected parties are notified.",
        iso27001: ["A.5.24", "A.5.34"],
        soc2: ["CC2.3", "P6.5"],
        how: org(
            "The notify_stakeholders runbook and the alert topics",
            "Who counts as affected and what they are told is a legal / privacy decision.",
        ),
    },
    {
        id: "IR-DL-SECURITY",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.recovery[update_security]",
        requirement: "Security controls are strengthened after a leak.",
        iso27001: ["A.5.27"],
        soc2: ["CC7.5"],
        how: org("This stack and its policy pack", "Control changes go through change management."),
    },
    {
        id: "IR-DL-MONITORING",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.recovery[enhance_monitoring]",
        requirement: "Monitoring is enhanced after a leak.",
        iso27001: ["A.8.16", "A.5.27"],
        soc2: ["CC7.2"],
        how: org(
            "Detection component (metric filters, anomaly alarms, finding routing) extended by pull request",
            "What to watch additionally follows from the incident's lessons learned.",
        ),
    },
    {
        id: "IR-DL-AUDIT",
        section: "incident_response",
        guidePath: "incident_response.procedures.data_leak.recovery[conduct_audit]",
        requirement: "An audit follows a leak.",
        iso27001: ["A.5.27", "A.5.35"],
        soc2: ["CC4.1"],
        how: org(
            "The system-audit runbook (start on demand) and the conformance pack compliance report",
            "An audit is run and signed off by people; the runbook produces its evidence.",
        ),
    },
];
