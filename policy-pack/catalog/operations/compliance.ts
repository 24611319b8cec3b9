// compliance: ISO 27001 and SOC 2 audit reminders, Security Hub standards, the Config conformance pack.

import { guide } from "../guide";
import { Control } from "../types";
import { infra, org } from "./shared";
import { Cadence } from "./cadence";

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

/**
 * Security Hub controls (ControlId, e.g. "IAM.6") the organisation may disable inside the required standards
 * without the standards' evidence failing: none. Add one only with its reason (the control does not apply to
 * this account) and a deviation entry.
 */
export const SECURITY_HUB_DISABLE_ALLOWED: string[] = [];

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
    /**
     * What the managed rule evaluates ("Resource Types" on its AWS Config page): a rule whose types the stack
     * never creates reports nothing (operations-config-rules-apply checks each against the plan).
     */
    resourceTypes: string[];
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
    {
        identifier: "ENCRYPTED_VOLUMES",
        resourceTypes: ["AWS::EC2::Volume"],
        controls: [CR, CO],
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "C1.1"],
    },
    {
        identifier: "S3_BUCKET_SSL_REQUESTS_ONLY",
        resourceTypes: ["AWS::S3::Bucket"],
        controls: [CR, CO],
        iso27001: ["A.8.24"],
        soc2: ["CC6.7"],
    },
    {
        identifier: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        resourceTypes: ["AWS::S3::Bucket"],
        controls: [CR, CO],
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "C1.1"],
    },
    {
        identifier: "CMK_BACKING_KEY_ROTATION_ENABLED",
        resourceTypes: ["AWS::KMS::Key"],
        controls: [CR],
        iso27001: ["A.8.24"],
        soc2: ["CC6.1"],
    },
    {
        identifier: "CLOUD_TRAIL_ENABLED",
        resourceTypes: ["AWS::::Account"],
        controls: [OP, SE],
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
    },
    {
        // Daily integrity check of the audit trail (security_procedures.routine.daily.verify_system_integrity).
        identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        resourceTypes: ["AWS::CloudTrail::Trail"],
        controls: [OP, SE],
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
        maximumExecutionFrequency: "TwentyFour_Hours",
    },
    {
        identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        resourceTypes: ["AWS::::Account"],
        controls: [OP, SE],
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
    },
    {
        identifier: "VPC_FLOW_LOGS_ENABLED",
        resourceTypes: ["AWS::EC2::VPC"],
        controls: [OP, SE],
        iso27001: ["A.8.16"],
        soc2: ["CC7.2"],
    },
    {
        identifier: "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        resourceTypes: ["AWS::Logs::LogGroup"],
        controls: [OP],
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
        inputParameters: { MinRetentionTime: String(guide.logCollection.system.retentionDays) },
    },
    {
        identifier: "EKS_ENDPOINT_NO_PUBLIC_ACCESS",
        resourceTypes: ["AWS::EKS::Cluster"],
        controls: [AC, SE],
        iso27001: ["A.8.20"],
        soc2: ["CC6.6"],
    },
    {
        identifier: "EKS_SECRETS_ENCRYPTED",
        resourceTypes: ["AWS::EKS::Cluster"],
        controls: [CR, CO],
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "C1.1"],
    },
    {
        identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        resourceTypes: ["AWS::IAM::Policy"],
        controls: [AC, SE],
        iso27001: ["A.5.15", "A.8.2"],
        soc2: ["CC6.3"],
    },
    {
        identifier: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
        resourceTypes: ["AWS::IAM::User"],
        controls: [AC, SE],
        iso27001: ["A.8.5"],
        soc2: ["CC6.1"],
    },
    {
        // security_procedures.routine.monthly.rotate_credentials: keys older than the rotation period.
        identifier: "ACCESS_KEYS_ROTATED",
        resourceTypes: ["AWS::IAM::User"],
        controls: [AC, SE],
        iso27001: ["A.5.17"],
        soc2: ["CC6.1"],
        inputParameters: { maxAccessKeyAge: String(guide.identityManagement.certificateRotationDays) },
        maximumExecutionFrequency: "TwentyFour_Hours",
    },
    {
        identifier: "GUARDDUTY_ENABLED_CENTRALIZED",
        resourceTypes: ["AWS::::Account"],
        controls: [OP, SE],
        iso27001: ["A.8.16"],
        soc2: ["CC7.2"],
    },
    {
        identifier: "SECURITYHUB_ENABLED",
        resourceTypes: ["AWS::::Account"],
        controls: [OP, SE],
        iso27001: ["A.8.16"],
        soc2: ["CC7.1"],
    },
    {
        identifier: "RESTRICTED_INCOMING_TRAFFIC",
        resourceTypes: ["AWS::EC2::SecurityGroup"],
        controls: [AC, SE],
        iso27001: ["A.8.20"],
        soc2: ["CC6.6"],
    },
    {
        identifier: "INCOMING_SSH_DISABLED",
        resourceTypes: ["AWS::EC2::SecurityGroup"],
        controls: [AC, SE],
        iso27001: ["A.8.20"],
        soc2: ["CC6.6"],
    },
    {
        identifier: "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
        resourceTypes: ["AWS::Backup::BackupPlan"],
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
    {
        identifier: "ALB_WAF_ENABLED",
        resourceTypes: ["AWS::ElasticLoadBalancingV2::LoadBalancer"],
        controls: [AC, SE, AV],
        iso27001: ["A.8.20"],
        soc2: ["CC6.6", "A1.1"],
    },
    // ELB_TLS_HTTPS_LISTENERS_ONLY evaluates Classic Load Balancers only; the stack's ALB is checked by these two.
    {
        identifier: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
        resourceTypes: ["AWS::ElasticLoadBalancingV2::LoadBalancer"],
        controls: [CR, CO],
        iso27001: ["A.8.24"],
        soc2: ["CC6.7"],
    },
    {
        identifier: "ELBV2_ACM_CERTIFICATE_REQUIRED",
        resourceTypes: ["AWS::ElasticLoadBalancingV2::LoadBalancer"],
        controls: [CR, CO],
        iso27001: ["A.8.24"],
        soc2: ["CC6.7"],
    },
];

/**
 * Types that exist in every account whatever the stack creates: the account itself (periodic account checks)
 * and its IAM users (people and break-glass users are made outside the stack, which creates none).
 */
export const ACCOUNT_SCOPED_CONFIG_TYPES = ["AWS::::Account", "AWS::IAM::User"] as const;

/** The conformance pack rule name for a managed rule identifier (kebab case, as AWS names its own). */
export function configRuleName(identifier: string): string {
    return identifier.toLowerCase().replace(/_/g, "-");
}

export const complianceControls: Control[] = [
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
];
