import { guide } from "./guide";
import { Control } from "./types";

/*
 * Operations: security_monitoring.threat_detection, incident_response, compliance, auditing,
 * security_procedures, security_maintenance. Besides the controls, this file holds the tables the
 * operations components and policies share (alarm metrics, cadences, Config rules, runbooks), written once.
 */

const unauth = guide.threatDetection.unauthorizedAccess;
const anomaly = guide.threatDetection.abnormalBehavior;

/** The failed-authentication metric every failed-auth metric filter feeds, and its alarm (DET-UNAUTH). */
export const FAILED_AUTH = {
    namespace: "MAS/Security",
    metricName: "FailedAuthentication",
    threshold: unauth.failedAuthThreshold,
    periodSeconds: unauth.windowMinutes * 60,
    severity: unauth.severity,
} as const;

/** Privileged (system_admin) role assumptions: every one alarms (PAM). */
export const PRIVILEGED_ASSUMPTION = { namespace: "MAS/Security", metricName: "PrivilegedRoleAssumption" } as const;

/**
 * CloudWatch Logs filter patterns for failed authentication. The first two are the CIS AWS Foundations
 * patterns on the CloudTrail log group; the third matches aws-iam-authenticator's rejection lines in the
 * EKS control-plane log group (`level=warning msg="access denied" ...`).
 */
export const FAILED_AUTH_PATTERNS = {
    consoleLogin: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    accessDenied: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    eksAuthenticator: '"access denied"',
} as const;

/** Metrics the abnormal_behavior anomaly alarms watch: agent traffic through the ALB (Istio ingress). */
export const ANOMALY = {
    deviationSigma: anomaly.deviationSigma,
    periodSeconds: anomaly.windowMinutes * 60,
    severity: anomaly.severity,
    namespace: "AWS/ApplicationELB",
    metrics: [
        { key: "requests", metricName: "RequestCount", stat: "Sum" },
        { key: "errors", metricName: "HTTPCode_Target_5XX_Count", stat: "Sum" },
    ],
} as const;

/** The band expression of an anomaly alarm; `m1` is the watched metric's query id. */
export function anomalyBand(sigma: number = ANOMALY.deviationSigma): string {
    return `ANOMALY_DETECTION_BAND(m1, ${sigma})`;
}

export const ALERT_SEVERITIES = ["high", "medium", "low"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * How each finding source's severity maps onto the alert topics. GuardDuty scores are 1.0-8.9 with
 * High ≥ 7.0 and Medium 4.0-6.9; Security Hub uses Severity.Label; Macie severity.description.
 */
export const FINDING_SEVERITY = {
    guardDuty: { high: { min: 7 }, medium: { min: 4, below: 7 } },
    securityHub: { high: ["HIGH", "CRITICAL"], medium: ["MEDIUM"] },
    macie: { high: ["High"], medium: ["Medium", "Low"] },
} as const;

/** Guide frequencies as EventBridge Scheduler cron expressions (derived once; run in operationsTimezone). */
export const CADENCE = {
    daily: "cron(0 6 * * ? *)",
    weekly: "cron(0 7 ? * MON *)",
    monthly: "cron(0 8 1 * ? *)",
    quarterly: "cron(0 9 1 1,4,7,10 ? *)",
    semi_annual: "cron(0 9 1 1,7 ? *)",
    annual: "cron(0 9 15 1 ? *)",
} as const;
export type Cadence = keyof typeof CADENCE;

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

/** Routine / audit reports (SSM Automation documents started by EventBridge Scheduler). */
export const REPORTS = {
    daily: { cadence: "daily", controls: ["OPS-D-INTEGRITY", "OPS-D-LOGS", "OPS-D-ALERTS"] },
    weekly: { cadence: "weekly", controls: ["OPS-W-ACCESS", "OPS-W-BACKUPS"] },
    accessAudit: {
        cadence: guide.auditing.accessAudit.frequency,
        controls: ["AUD-ACCESS", "AUD-ACCESS-REPORT", "OPS-M-CREDENTIALS"],
    },
    systemAudit: { cadence: guide.auditing.systemAudit.frequency, controls: ["AUD-SYS"] },
    policyReview: { cadence: guide.maintenance.policyReview, controls: ["MNT-POLICY-REVIEW"] },
    monthlyPolicyReview: { cadence: "monthly", controls: ["OPS-M-POLICIES"] },
} as const satisfies Record<string, { cadence: Cadence; controls: string[] }>;
export type ReportKey = keyof typeof REPORTS;

/** Compliance audit reminders (ISO 27001 annual, SOC 2 semi-annual) published to the low-severity topic. */
export const AUDIT_REMINDERS = {
    iso27001: { cadence: guide.compliance.iso27001.auditFrequency, control: "CMP-ISO-AUDIT" },
    soc2: { cadence: guide.compliance.soc2.auditFrequency, control: "CMP-SOC2-AUDIT" },
} as const satisfies Record<string, { cadence: Cadence; control: string }>;

/** Security Hub standards to subscribe to (path after `arn:aws:securityhub:<region>::`). */
export const SECURITY_HUB_STANDARDS = {
    fsbp: "standards/aws-foundational-security-best-practices/v/1.0.0",
    cis: "standards/cis-aws-foundations-benchmark/v/3.0.0",
    nist: "standards/nist-800-53/v/5.0.0",
} as const;

/** The guide's compliance controls (ISO 27001 and SOC 2 areas) and their catalog IDs. */
export const COMPLIANCE_AREAS = {
    "iso27001:access_control": "CMP-ISO-ACCESS",
    "iso27001:cryptography": "CMP-ISO-CRYPTO",
    "iso27001:operations_security": "CMP-ISO-OPS",
    "soc2:security": "CMP-SOC2-SECURITY",
    "soc2:availability": "CMP-SOC2-AVAILABILITY",
    "soc2:confidentiality": "CMP-SOC2-CONFIDENTIALITY",
} as const;
type ComplianceControl = (typeof COMPLIANCE_AREAS)[keyof typeof COMPLIANCE_AREAS];

export interface ConfigRuleDef {
    /** AWS Config managed rule identifier (Source.SourceIdentifier). */
    identifier: string;
    /** Which of the guide's compliance areas the rule gives evidence for. */
    controls: ComplianceControl[];
    iso27001: string[];
    soc2: string[];
    inputParameters?: Record<string, string>;
    /** Periodic rules: how often Config evaluates (Config's MaximumExecutionFrequency values). */
    maximumExecutionFrequency?: "One_Hour" | "Three_Hours" | "Six_Hours" | "Twelve_Hours" | "TwentyFour_Hours";
}

const AC = "CMP-ISO-ACCESS" as const;
const CR = "CMP-ISO-CRYPTO" as const;
const OP = "CMP-ISO-OPS" as const;
const SE = "CMP-SOC2-SECURITY" as const;
const AV = "CMP-SOC2-AVAILABILITY" as const;
const CO = "CMP-SOC2-CONFIDENTIALITY" as const;

/**
 * The conformance pack, one row per AWS Config managed rule, mapped to ISO/IEC 27001:2022 Annex A and
 * SOC 2 TSC. AWS publishes no ISO 27001 / SOC 2 pack, so the stack generates its own from this table.
 */
export const CONFIG_RULES: ConfigRuleDef[] = [
    { identifier: "ENCRYPTED_VOLUMES", controls: [CR, CO], iso27001: ["A.8.24"], soc2: ["CC6.1", "C1.1"] },
    { identifier: "S3_BUCKET_SSL_REQUESTS_ONLY", controls: [CR, CO], iso27001: ["A.8.24"], soc2: ["CC6.7"] },
    {
        identifier: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        controls: [CR, CO],
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "C1.1"],
    },
    { identifier: "CMK_BACKING_KEY_ROTATION_ENABLED", controls: [CR], iso27001: ["A.8.24"], soc2: ["CC6.1"] },
    { identifier: "CLOUD_TRAIL_ENABLED", controls: [OP, SE], iso27001: ["A.8.15"], soc2: ["CC7.2"] },
    {
        // Daily integrity check of the audit trail (security_procedures.routine.daily.verify_system_integrity).
        identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        controls: [OP, SE],
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
        maximumExecutionFrequency: "TwentyFour_Hours",
    },
    { identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED", controls: [OP, SE], iso27001: ["A.8.15"], soc2: ["CC7.2"] },
    { identifier: "VPC_FLOW_LOGS_ENABLED", controls: [OP, SE], iso27001: ["A.8.16"], soc2: ["CC7.2"] },
    {
        identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        controls: [OP],
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
        inputParameters: { MinRetentionTime: String(guide.logCollection.system.retentionDays) },
    },
    { identifier: "EKS_ENDPOINT_NO_PUBLIC_ACCESS", controls: [AC, SE], iso27001: ["A.8.20"], soc2: ["CC6.6"] },
    { identifier: "EKS_SECRETS_ENCRYPTED", controls: [CR, CO], iso27001: ["A.8.24"], soc2: ["CC6.1", "C1.1"] },
    {
        identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        controls: [AC, SE],
        iso27001: ["A.5.15", "A.8.2"],
        soc2: ["CC6.3"],
    },
    { identifier: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS", controls: [AC, SE], iso27001: ["A.8.5"], soc2: ["CC6.1"] },
    {
        // security_procedures.routine.monthly.rotate_credentials: keys older than the rotation period.
        identifier: "ACCESS_KEYS_ROTATED",
        controls: [AC, SE],
        iso27001: ["A.5.17"],
        soc2: ["CC6.1"],
        inputParameters: { maxAccessKeyAge: String(guide.identityManagement.certificateRotationDays) },
        maximumExecutionFrequency: "TwentyFour_Hours",
    },
    { identifier: "GUARDDUTY_ENABLED_CENTRALIZED", controls: [OP, SE], iso27001: ["A.8.16"], soc2: ["CC7.2"] },
    { identifier: "SECURITYHUB_ENABLED", controls: [OP, SE], iso27001: ["A.8.16"], soc2: ["CC7.1"] },
    { identifier: "RESTRICTED_INCOMING_TRAFFIC", controls: [AC, SE], iso27001: ["A.8.20"], soc2: ["CC6.6"] },
    { identifier: "INCOMING_SSH_DISABLED", controls: [AC, SE], iso27001: ["A.8.20"], soc2: ["CC6.6"] },
    {
        identifier: "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
        controls: [OP, AV],
        iso27001: ["A.8.13"],
        soc2: ["A1.2"],
        // The least demanding classification (internal: weekly, 90 days) is the floor for every plan.
        inputParameters: {
            requiredFrequencyUnit: "days",
            requiredFrequencyValue: "7",
            requiredRetentionDays: String(guide.dataProtection.classification.internal.retentionDays),
        },
    },
    { identifier: "ALB_WAF_ENABLED", controls: [AC, SE, AV], iso27001: ["A.8.20"], soc2: ["CC6.6", "A1.1"] },
    { identifier: "ELB_TLS_HTTPS_LISTENERS_ONLY", controls: [CR, CO], iso27001: ["A.8.24"], soc2: ["CC6.7"] },
];

/** The conformance pack rule name for a managed rule identifier (kebab case, as AWS names its own). */
export function configRuleName(identifier: string): string {
    return identifier.toLowerCase().replace(/_/g, "-");
}

const infra = { kind: "infrastructure" } as const;
function org(primitive: string, justification: string) {
    return { kind: "organizational" as const, primitive, justification };
}

export const operationsControls: Control[] = [
    // security_monitoring.threat_detection
    {
        id: "DET-UNAUTH",
        section: "security_monitoring",
        guidePath: "security_monitoring.threat_detection.rules[unauthorized_access].condition",
        requirement: `More than ${unauth.failedAuthThreshold} failed authentications within ${unauth.windowMinutes} minutes raise a ${unauth.severity}-severity alert (console, API AccessDenied, EKS authenticator); every system_admin assumption alerts too.`,
        iso27001: ["A.8.16", "A.5.25", "A.8.5"],
        soc2: ["CC7.2", "CC7.3"],
        how: infra,
    },
    {
        id: "DET-ANOMALY",
        section: "security_monitoring",
        guidePath: "security_monitoring.threat_detection.rules[abnormal_behavior].condition",
        requirement: `Agent traffic deviating more than ${anomaly.deviationSigma} standard deviations from its learned band over ${anomaly.windowMinutes} minutes raises a ${anomaly.severity}-severity alert; GuardDuty / Security Hub / Macie findings are routed by severity.`,
        iso27001: ["A.8.16"],
        soc2: ["CC7.2"],
        how: infra,
    },
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
            "Vulnerabilities are patched through Patch Manager: critical / security patches approved at release.",
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
    // compliance
    {
        id: "CMP-ISO-ACCESS",
        section: "compliance",
        guidePath: "compliance.standards[ISO27001].controls[access_control]",
        requirement:
            "ISO 27001 access control is continuously evaluated (AWS Config conformance pack rules, Access Analyzer).",
        iso27001: ["A.5.15", "A.5.18", "A.8.2", "A.8.5"],
        soc2: ["CC6.1", "CC6.3"],
        how: infra,
    },
    {
        id: "CMP-ISO-CRYPTO",
        section: "compliance",
        guidePath: "compliance.standards[ISO27001].controls[cryptography]",
        requirement: "ISO 27001 cryptography is continuously evaluated (encryption and key-rotation Config rules).",
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "CC6.7"],
        how: infra,
    },
    {
        id: "CMP-ISO-OPS",
        section: "compliance",
        guidePath: "compliance.standards[ISO27001].controls[operations_security]",
        requirement:
            "ISO 27001 operations security is continuously evaluated (logging, monitoring, backup rules; Security Hub standards).",
        iso27001: ["A.8.8", "A.8.15", "A.8.16", "A.8.13"],
        soc2: ["CC7.1", "CC7.2"],
        how: infra,
    },
    {
        id: "CMP-ISO-AUDIT",
        section: "compliance",
        guidePath: "compliance.standards[ISO27001].auditing.frequency",
        requirement: `ISO 27001 is audited ${guide.compliance.iso27001.auditFrequency}, with documentation.`,
        iso27001: ["A.5.35", "A.5.36"],
        soc2: ["CC4.1"],
        how: org(
            `An ${guide.compliance.iso27001.auditFrequency} EventBridge Scheduler reminder on the low topic; the evidence export and conformance pack template as documentation`,
            "A certification audit is performed by an accredited auditor.",
        ),
    },
    {
        id: "CMP-SOC2-SECURITY",
        section: "compliance",
        guidePath: "compliance.standards[SOC2].controls[security]",
        requirement:
            "SOC 2 security (common criteria) is continuously evaluated: Security Hub standards, Config rules, Access Analyzer.",
        iso27001: ["A.5.36"],
        soc2: ["CC6.1", "CC6.6", "CC7.1", "CC7.2"],
        how: infra,
    },
    {
        id: "CMP-SOC2-AVAILABILITY",
        section: "compliance",
        guidePath: "compliance.standards[SOC2].controls[availability]",
        requirement: "SOC 2 availability is continuously evaluated (backup plan and WAF rules).",
        iso27001: ["A.8.13", "A.8.14"],
        soc2: ["A1.1", "A1.2"],
        how: infra,
    },
    {
        id: "CMP-SOC2-CONFIDENTIALITY",
        section: "compliance",
        guidePath: "compliance.standards[SOC2].controls[confidentiality]",
        requirement: "SOC 2 confidentiality is continuously evaluated (encryption at rest and in transit rules).",
        iso27001: ["A.8.24", "A.5.12"],
        soc2: ["C1.1"],
        how: infra,
    },
    {
        id: "CMP-SOC2-AUDIT",
        section: "compliance",
        guidePath: "compliance.standards[SOC2].auditing.frequency",
        requirement: `SOC 2 is audited ${guide.compliance.soc2.auditFrequency}.`,
        iso27001: ["A.5.35"],
        soc2: ["CC4.1"],
        how: org(
            `A ${guide.compliance.soc2.auditFrequency} EventBridge Scheduler reminder on the low topic`,
            "A SOC 2 examination is performed by an independent CPA firm.",
        ),
    },
    {
        id: "CMP-SOC2-EVIDENCE",
        section: "compliance",
        guidePath: "compliance.standards[SOC2].auditing.evidence",
        requirement:
            "Evidence is recorded continuously: AWS Config records every supported resource type (global ones included) and delivers snapshots to its own bucket (AWS Config cannot deliver to the Object Lock audit bucket), under the audit key and retention.",
        iso27001: ["A.5.33", "A.8.15"],
        soc2: ["CC4.1", "CC7.2"],
        how: infra,
    },
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
    // security_procedures.routine
    {
        id: "OPS-D-INTEGRITY",
        section: "security_procedures",
        guidePath: "security_procedures.routine.daily[verify_system_integrity]",
        requirement:
            "Daily: system integrity is verified (CloudTrail log-file validation rule every 24 h; non-compliant Config rules reported).",
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
    // security_maintenance
    {
        id: "MNT-PATCH-CRITICAL",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.patches.critical.timing",
        requirement: `Critical patches are applied ${guide.maintenance.criticalPatches}ly: Security-classified Critical/Important patches are approved 0 days after release; a node missing one starts the node-group roll onto the latest EKS AMI, which waits for system_admin's approval.`,
        iso27001: ["A.8.8"],
        soc2: ["CC7.1"],
        how: infra,
    },
    {
        id: "MNT-PATCH-APPROVAL",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.patches.critical.approval",
        requirement:
            "Critical patches require approval: the patch baseline's approval rules are themselves changed only by reviewed change.",
        iso27001: ["A.8.32"],
        soc2: ["CC8.1"],
        how: org(
            "The PatchBaseline resource in this stack (approval rules, approvedPatchesEnableNonSecurity false)",
            "Approval is the change-management review of the baseline; Patch Manager has no per-patch approval workflow.",
        ),
    },
    {
        id: "MNT-PATCH-NONCRITICAL",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.patches.non_critical.timing",
        requirement: `Non-critical patches are installed only in the scheduled ${guide.maintenance.nonCriticalPatches} (an SSM maintenance window), after a delay.`,
        iso27001: ["A.8.8", "A.8.32"],
        soc2: ["CC7.1", "CC8.1"],
        how: infra,
    },
    {
        id: "MNT-POLICY-REVIEW",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.review.frequency",
        requirement: `Policies are reviewed ${guide.maintenance.policyReview}: a scheduled runbook sends the review pack to the approvers.`,
        iso27001: ["A.5.1"],
        soc2: ["CC5.3"],
        how: infra,
    },
    {
        id: "MNT-POLICY-APPROVERS",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.review.approvers[security_team]",
        requirement: `Policy reviews are approved by ${guide.maintenance.policyReviewApprovers.join(" and ")}.`,
        iso27001: ["A.5.1", "A.5.2"],
        soc2: ["CC5.3", "CC1.3"],
        how: org(
            "Required reviewers on the repository (CODEOWNERS) for policy-pack/ and components/",
            "Approval is a people process; the repository enforces the reviewers.",
        ),
    },
    {
        id: "MNT-CHANGE-MGMT",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.update.process",
        requirement: "Policy updates follow change management.",
        iso27001: ["A.8.32"],
        soc2: ["CC8.1"],
        how: org(
            "Pull requests with CI preview and the CrossGuard pack; prod deploys behind a protected environment",
            "Change management is a workflow around the stack.",
        ),
    },
    {
        id: "MNT-VALIDATION",
        section: "security_maintenance",
        guidePath: "security_maintenance.updates.policies.update.validation",
        requirement: "Policy updates are validated before they apply.",
        iso27001: ["A.8.29", "A.8.32"],
        soc2: ["CC8.1"],
        how: org(
            "The mandatory CrossGuard policy pack on every preview / update; the test suite",
            "Validation runs in CI; a reviewer accepts its result.",
        ),
    },
];

/** Physical-name suffix of a report's runbook and schedule (`<prefix>-report-access-audit`). */
export function reportSlug(key: ReportKey): string {
    return `report-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The EventBridge Scheduler universal target that starts an SSM Automation runbook. */
export const START_AUTOMATION_TARGET = "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution";

/** Patch Manager: the OS of the EKS nodes and the filter values of the critical (immediate) rule. */
/** Tag value (key `patching`) of the runbook that rolls the EKS node groups onto the latest AMI (critical patches). */
export const NODE_AMI_ROLL = "node-ami-roll";

export const PATCHING = {
    operatingSystem: "AMAZON_LINUX_2023",
    critical: { classification: ["Security"], severity: ["Critical", "Important"], approveAfterDays: 0 },
    nonCritical: { classification: ["Security", "Bugfix"] },
} as const;
