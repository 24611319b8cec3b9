// security_procedures: the routine (daily, weekly, monthly) and emergency procedures.

import { guide } from "../guide";
import { Control } from "../types";
import { infra, org } from "./shared";

export const securityProceduresControls: Control[] = [
    // security_procedures.routine
    {
        id: "OPS-D-INTEGRITY",
        section: "security_procedures",
        guidePath: "security_procedures.routine.daily[verify_system_integrity]",
        requirement:
            "Daily: the CloudTrail log-file validation setting is checked (a Config rule every 24 h) and non-compliant Config rules are reported; the digest files themselves are not validated by this stack or by the evidence tool (that is aws cloudtrail validate-logs).",
        iso27001: ["A.8.15", "A.8.9"],
        soc2: ["CC7.1"],
        how: infra,
    },
    {
        id: "OPS-D-LOGS",
        section: "security_procedures",
        guidePath: "security_procedures.routine.daily[check_security_logs]",
        requirement: "Daily: new high / critical Security Hub findings are reported.",
        iso27001: ["A.8.15", "A.8.16"],
        soc2: ["CC7.2"],
        how: infra,
    },
    {
        id: "OPS-D-ALERTS",
        section: "security_procedures",
        guidePath: "security_procedures.routine.daily[monitor_alerts]",
        requirement: "Daily: CloudWatch alarms in ALARM state are reported.",
        iso27001: ["A.8.16"],
        soc2: ["CC7.2"],
        how: infra,
    },
    {
        id: "OPS-W-ACCESS",
        section: "security_procedures",
        guidePath: "security_procedures.routine.weekly[review_access_patterns]",
        requirement: "Weekly: active IAM Access Analyzer findings are reported for review.",
        iso27001: ["A.5.18", "A.8.16"],
        soc2: ["CC6.2"],
        how: infra,
    },
    {
        id: "OPS-W-THREATINTEL",
        section: "security_procedures",
        guidePath: "security_procedures.routine.weekly[update_threat_intel]",
        requirement: "Weekly: threat intelligence is current.",
        iso27001: ["A.5.7"],
        soc2: ["CC3.2"],
        how: org(
            "GuardDuty threat intelligence and AWS-managed Network Firewall threat-signature rule groups (updated by AWS)",
            "The feeds update continuously; the weekly review of custom threat lists is a human task.",
        ),
    },
    {
        id: "OPS-W-BACKUPS",
        section: "security_procedures",
        guidePath: "security_procedures.routine.weekly[verify_backups]",
        requirement: "Weekly: failed AWS Backup jobs are reported.",
        iso27001: ["A.8.13"],
        soc2: ["A1.2"],
        how: infra,
    },
    {
        id: "OPS-M-CREDENTIALS",
        section: "security_procedures",
        guidePath: "security_procedures.routine.monthly[rotate_credentials]",
        requirement: `Credentials are rotated monthly: stack-owned keys and secrets rotate automatically; the monthly access audit reports IAM access keys, and Config ACCESS_KEYS_ROTATED flags those older than ${guide.identityManagement.certificateRotationDays} days.`,
        iso27001: ["A.5.17"],
        soc2: ["CC6.1"],
        how: infra,
    },
    {
        id: "OPS-M-PATCH",
        section: "security_procedures",
        guidePath: "security_procedures.routine.monthly[patch_systems]",
        requirement:
            "Systems are patched at least monthly: Patch Manager scans the EKS nodes (AWS-RunPatchBaseline Scan) and the weekly maintenance window rolls the node groups onto the latest EKS AMI, draining each node.",
        iso27001: ["A.8.8"],
        soc2: ["CC7.1"],
        how: infra,
    },
    {
        id: "OPS-M-POLICIES",
        section: "security_procedures",
        guidePath: "security_procedures.routine.monthly[review_policies]",
        requirement: "Monthly: customer-managed IAM policies and Access Analyzer findings are reported for review.",
        iso27001: ["A.5.1", "A.5.15"],
        soc2: ["CC5.3"],
        how: infra,
    },
    // security_procedures.emergency
    {
        id: "OPS-E-ISOLATE",
        section: "security_procedures",
        guidePath: "security_procedures.emergency.breach_response[isolate_affected_systems]",
        requirement: "Affected systems are isolated by the isolate_systems runbook (quarantine security group).",
        iso27001: ["A.5.26"],
        soc2: ["CC7.4"],
        how: infra,
    },
    {
        id: "OPS-E-INVESTIGATE",
        section: "security_procedures",
        guidePath: "security_procedures.emergency.breach_response[investigate_breach]",
        requirement: "The breach is investigated.",
        iso27001: ["A.5.26", "A.5.28"],
        soc2: ["CC7.4"],
        how: org(
            "collect_evidence runbook snapshots, CloudTrail, GuardDuty findings",
            "Investigation is performed by responders.",
        ),
    },
    {
        id: "OPS-E-FIX",
        section: "security_procedures",
        guidePath: "security_procedures.emergency.breach_response[implement_fixes]",
        requirement: "Fixes are implemented.",
        iso27001: ["A.8.8", "A.8.32"],
        soc2: ["CC7.5", "CC8.1"],
        how: org(
            "Patch Manager baseline and maintenance window; this stack's reviewed changes",
            "The fix is an engineering change.",
        ),
    },
    {
        id: "OPS-R-VALIDATE",
        section: "security_procedures",
        guidePath: "security_procedures.emergency.recovery[validate_systems]",
        requirement: "Systems are validated before returning to service.",
        iso27001: ["A.5.29", "A.8.29"],
        soc2: ["CC7.5"],
        how: org(
            "AWS Config conformance pack and Security Hub standards (re-evaluate on demand)",
            "Sign-off that a system is fit for service is a human decision.",
        ),
    },
    {
        id: "OPS-R-RESTORE",
        section: "security_procedures",
        guidePath: "security_procedures.emergency.recovery[restore_services]",
        requirement: "Services are restored.",
        iso27001: ["A.5.29", "A.8.13"],
        soc2: ["A1.3", "CC7.5"],
        how: org("AWS Backup vault (data section) and this stack", "Restore order and timing need a responder."),
    },
    {
        id: "OPS-R-UPDATE",
        section: "security_procedures",
        guidePath: "security_procedures.emergency.recovery[update_security]",
        requirement: "Security is updated after recovery.",
        iso27001: ["A.5.27"],
        soc2: ["CC7.5"],
        how: org("This stack and its policy pack", "Changes go through change management."),
    },
];
