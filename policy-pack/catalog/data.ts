import { ClassificationLevel, guide, LogSource } from "./guide";
import { Control } from "./types";

const cls = guide.dataProtection.classification;
const logs = guide.logCollection;
const payload = guide.messageSecurity.payload;

/** Tag every taggable resource carries: its data classification level. */
export const CLASSIFICATION_TAG = "classification";
/** Tag on log groups and log buckets naming the guide's log source (system / security / audit). */
export const LOG_SOURCE_TAG = "log-source";
/** Tag on the data stores of access_control.data_access (agent_data / metrics_data). */
export const DATA_STORE_TAG = "data-store";
/** Tag on the one bucket allowed SSE-S3 instead of SSE-KMS (ELB access logs accept SSE-S3 only). */
export const SSE_EXEMPTION_TAG = "sse-kms-exemption";
export const SSE_EXEMPTION_ALB = "elb-access-logs";
/** Tag on the Secrets Manager secret that holds the message-payload data key. */
export const DATA_KEY_TAG = "data-key";
export const DATA_KEY_PAYLOAD = "message-payload";

/** AWS KMS limits for automatic rotation of symmetric keys (RotationPeriodInDays). */
export const KMS_ROTATION_MIN_DAYS = 90;
export const KMS_ROTATION_MAX_DAYS = 2560;
/**
 * KMS key rotation period: the guide's shortest rotation period that concerns keys (mesh certificates
 * 30 d, identity certificates 90 d, payload key 24 h), raised to KMS's minimum: KMS cannot rotate faster
 * than 90 days, so the shorter periods are met by certificates and the rotated payload data key instead.
 */
export const KMS_ROTATION_DAYS = Math.max(
    KMS_ROTATION_MIN_DAYS,
    Math.min(
        guide.serviceMesh.mtlsRotationDays,
        guide.identityManagement.certificateRotationDays,
        payload.keyRotationHours / 24,
    ),
);
/** Scheduled deletion waits the longest KMS allows, so a mistaken deletion can be cancelled. */
export const KMS_DELETION_WINDOW_DAYS = 30;
/** Ed25519 key spec of AWS KMS (message_security.integrity.signatures). */
export const SIGNING_KEY_SPEC = "ECC_NIST_EDWARDS25519";
/**
 * Per-agent message keys (components/data/message-keys.ts): each agent's Ed25519 key is tagged
 * purpose=agent-signing and agent=<agent>; an agent may sign only with the key whose agent tag equals its
 * Pod Identity service-account tag, so a signature attributes the message to that agent. Payload envelope
 * keys are bound to the sender by the KMS encryption context key `sender`.
 */
export const AGENT_SIGNING = {
    purposeTag: "purpose",
    purpose: "agent-signing",
    agentTag: "agent",
    /**
     * The stack that built the agent: on its role and its signing key. An agent of the same name in another stack
     * (its key created before its namespace clashes) cannot be signed with: the key's tag must equal the caller's.
     */
    stackTag: "agent-stack",
    stackVariable: "$" + "{aws:PrincipalTag/agent-stack}",
    senderContextKey: "sender",
    /** IAM policy variable: the service account EKS Pod Identity tags the agent's session with. */
    callerVariable: "$" + "{aws:PrincipalTag/kubernetes-service-account}",
} as const;

/** The retentionInDays values CloudWatch Logs accepts (PutRetentionPolicy); any other value fails the API call. */
export const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** AWS Backup keeps continuous (point-in-time) recovery points at most 35 days. */
export const BACKUP_CONTINUOUS_MAX_DAYS = 35;
/** Backup cadences as AWS Backup cron expressions (UTC). */
export const BACKUP_SCHEDULES = {
    daily: "cron(0 3 ? * * *)",
    weekly: "cron(0 3 ? * SUN *)",
} as const;
/** The weekly restore test (security_procedures.routine.weekly: verify_backups). */
export const RESTORE_TEST_SCHEDULE = "cron(0 6 ? * MON *)";

export interface BackupRuleSpec {
    /** Rule name inside the plan. */
    name: string;
    cadence: "daily" | "weekly";
    continuous: boolean;
    deleteAfterDays: number;
}

/**
 * The backup rules each classification level asks for: real_time = continuous backup (PITR, kept the
 * 35 days AWS allows) plus a daily recovery point kept for the level's retention; daily / weekly = one
 * rule of that cadence kept for the level's retention.
 */
export function backupRules(level: ClassificationLevel): BackupRuleSpec[] {
    const c = cls[level];
    switch (c.backup) {
        case "real_time":
            return [
                { name: "continuous", cadence: "daily", continuous: true, deleteAfterDays: BACKUP_CONTINUOUS_MAX_DAYS },
                { name: "daily-retained", cadence: "daily", continuous: false, deleteAfterDays: c.retentionDays },
            ];
        case "daily":
            return [{ name: "daily", cadence: "daily", continuous: false, deleteAfterDays: c.retentionDays }];
        case "weekly":
            return [{ name: "weekly", cadence: "weekly", continuous: false, deleteAfterDays: c.retentionDays }];
    }
}

/** Classification of each log source's storage. */
export const LOG_SOURCE_CLASSIFICATION: Record<LogSource, ClassificationLevel> = {
    system: "internal",
    security: "sensitive",
    audit: "critical",
};

const ISO_CRYPTO = ["A.8.24"];
const ISO_LOGGING = ["A.8.15", "A.5.28"];

function level(name: ClassificationLevel): Control[] {
    const c = cls[name];
    const upper = name.toUpperCase();
    return [
        {
            id: `DATA-CLS-${upper}`,
            section: "data_protection",
            guidePath: `data_protection.classification.levels[${name}].encryption`,
            // This control's policy proves the protection; encryption is KMS-AT-REST's and retention the
            // LOG-*-RETENTION / lifecycle controls' (a shared key, e.g. the logs key, serves several levels).
            requirement: `${name} data (tag classification=${name}) is encrypted (${c.encryption}; KMS-AT-REST) and kept ${c.retentionDays} days (the retention controls); its stores are protected from deletion in prod (protect, retainOnDelete), which this control's policy enforces.`,
            iso27001: ["A.5.12", "A.5.13", "A.8.24", "A.5.33"],
            soc2: ["C1.1", "C1.2", "CC6.1"],
            how: { kind: "infrastructure" },
        },
        {
            id: `BAK-${upper}`,
            section: "data_protection",
            guidePath: `data_protection.classification.levels[${name}].backup`,
            requirement: `${name} data is backed up ${c.backup.replace("_", "-")} by AWS Backup (${backupRules(name)
                .map((r) => `${r.continuous ? "continuous" : r.cadence} kept ${r.deleteAfterDays} d`)
                .join(", ")}) into a locked, KMS-encrypted vault.`,
            iso27001: ["A.8.13"],
            soc2: ["A1.2", "A1.3"],
            how: { kind: "infrastructure" },
        },
    ];
}

function logSource(source: LogSource): Control[] {
    const s = logs[source];
    const upper = source.toUpperCase();
    return [
        {
            id: `LOG-${upper}-RETENTION`,
            section: "security_monitoring",
            guidePath: `security_monitoring.log_collection.sources[${source}_logs].retention`,
            requirement: `${source} logs (log groups and bucket tagged log-source=${source}) are kept ${s.retentionDays} days, then expire.`,
            iso27001: ISO_LOGGING,
            soc2: ["CC7.2", "CC4.1"],
            how: { kind: "infrastructure" },
        },
        {
            id: `LOG-${upper}-LEVEL`,
            section: "security_monitoring",
            guidePath: `security_monitoring.log_collection.sources[${source}_logs].level`,
            requirement: `${source} logs are emitted at level ${s.level}.`,
            iso27001: ["A.8.15"],
            soc2: ["CC7.2"],
            how: {
                kind: "application",
                primitive: `the ${source} log groups / bucket (tag log-source=${source})`,
                justification:
                    "A log level is a setting of the emitting workload's logger; AWS service logs (flow, WAF, firewall, CloudTrail) have no level and are collected in full.",
            },
        },
    ];
}

export const dataControls: Control[] = [
    {
        id: "KMS-AT-REST",
        section: "data_protection",
        guidePath: "data_protection.encryption.at_rest.method",
        requirement: `Data at rest is encrypted with ${guide.dataProtection.atRest} (KMS symmetric keys, SYMMETRIC_DEFAULT) on every bucket, log group, volume, secret and backup.`,
        iso27001: ISO_CRYPTO,
        soc2: ["CC6.1", "C1.1"],
        how: { kind: "infrastructure" },
    },
    {
        id: "KMS-KEY-MGMT",
        section: "data_protection",
        guidePath: "data_protection.encryption.at_rest.key_management",
        requirement: `Keys are customer-managed, one per purpose, deletable only after a ${KMS_DELETION_WINDOW_DAYS}-day window; symmetric keys rotate every ${KMS_ROTATION_DAYS} days, while the Ed25519 message-signing keys (one per agent) do not rotate: KMS rotates no asymmetric key automatically. Key policies delegate to IAM (the account root holds kms:*), so who uses a key is decided by IAM policies (which the pack checks), not by the key policy alone.`,
        iso27001: ["A.8.24"],
        soc2: ["CC6.1"],
        how: { kind: "infrastructure" },
        substitution:
            "Vault → AWS KMS: keys never leave FIPS 140-3 HSMs, rotation and key policies are native, every use is in CloudTrail; no Vault cluster to run and unseal.",
    },
    {
        id: "DATA-ENC-IN-MEMORY",
        section: "data_protection",
        guidePath: "data_protection.encryption.in_memory.method",
        requirement: `Data in use is processed inside a ${guide.dataProtection.inMemory}: agent nodes run with AWS Nitro Enclaves enabled and usable (launch-template allocator user data, the enclave device plugin on the agent nodes).`,
        iso27001: ["A.8.24", "A.8.12"],
        soc2: ["CC6.1", "C1.1"],
        how: { kind: "infrastructure" },
        substitution:
            "secure_enclave → AWS Nitro Enclaves on the agent node group (implemented in the cluster section).",
    },
    {
        id: "DATA-ENC-ZERO-KNOWLEDGE",
        section: "data_protection",
        guidePath: "data_protection.encryption.in_memory.zero_knowledge",
        requirement:
            "Plaintext of protected data is visible only inside the enclave; the parent instance and operators never see it.",
        iso27001: ["A.8.24", "A.8.12"],
        soc2: ["C1.1"],
        how: {
            kind: "application",
            primitive:
                "Nitro Enclaves on agent nodes; KMS could require enclave attestation (kms:RecipientAttestation), but no key policy of the stack does",
            justification:
                "Only the enclave application can request attested KMS decrypts (kms:RecipientAttestation) and keep plaintext out of the parent; the stack supplies the enclave-capable nodes and keys.",
        },
    },
    {
        id: "DATA-CLS-TAG",
        section: "data_protection",
        guidePath: "data_protection.classification.levels[critical].encryption",
        requirement: `Every taggable resource carries tag ${CLASSIFICATION_TAG} ∈ {${Object.keys(cls).join(", ")}} (provider default internal, overridden per resource).`,
        iso27001: ["A.5.12", "A.5.13"],
        soc2: ["C1.1"],
        how: { kind: "infrastructure" },
    },
    {
        id: "DATA-CLS-DISCOVERY",
        section: "data_protection",
        guidePath: "data_protection.classification.levels[sensitive].encryption",
        requirement:
            "Amazon Macie scans the data buckets on a schedule to find sensitive data stored below its classification (findings go to the alerting pipeline).",
        iso27001: ["A.5.12", "A.8.12"],
        soc2: ["C1.1", "CC7.2"],
        how: { kind: "infrastructure" },
    },
    ...level("critical"),
    ...level("sensitive"),
    ...level("internal"),
    {
        id: "BAK-RESTORE-TEST",
        section: "security_procedures",
        guidePath: "security_procedures.routine.weekly[verify_backups]",
        requirement:
            "Backups are tested weekly by an AWS Backup restore testing plan that restores the latest recovery point of the S3 buckets tagged critical only (no other resource type or class); no validation result is written (the restores are not checked against their source): a completed restore job is the evidence.",
        iso27001: ["A.8.13"],
        soc2: ["A1.3"],
        how: { kind: "infrastructure" },
    },
    ...logSource("system"),
    ...logSource("security"),
    ...logSource("audit"),
    {
        id: "LOG-AUDIT-TRAIL",
        section: "security_monitoring",
        guidePath: "security_monitoring.log_collection.sources[audit_logs].level",
        requirement:
            "A multi-region CloudTrail trail with log-file validation records management events (read + write) and S3 data events of the log and data buckets, KMS-encrypted, into the audit bucket and log group.",
        iso27001: ["A.8.15", "A.8.16"],
        soc2: ["CC7.2", "CC4.1"],
        how: { kind: "infrastructure" },
    },
    {
        id: "LOG-AGG-CENTRAL",
        section: "security_monitoring",
        guidePath: "security_monitoring.log_collection.aggregation.method",
        requirement: `Logs are aggregated centrally: one log group per source and one bucket per source (${Object.keys(logs).join(", ")}), tagged log-source; system and security log groups stream into their bucket (subscription → Firehose), CloudTrail writes the audit bucket.`,
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "LOG-AGG-STORAGE",
        section: "security_monitoring",
        guidePath: "security_monitoring.log_collection.aggregation.storage",
        requirement:
            "Log storage is secure: public access blocked, TLS-only bucket policies, versioning, owner-enforced objects, and the audit bucket under S3 Object Lock COMPLIANCE for its retention.",
        iso27001: ["A.8.15", "A.5.33"],
        soc2: ["CC6.1", "CC7.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "LOG-AGG-ENCRYPTION",
        section: "security_monitoring",
        guidePath: "security_monitoring.log_collection.aggregation.encryption",
        requirement:
            "Every log group and log bucket is encrypted with a customer-managed KMS key (ELB access logs: SSE-S3, the only encryption ELB supports).",
        iso27001: ["A.8.24", "A.8.15"],
        soc2: ["CC6.1"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MSG-PAYLOAD-ALG",
        section: "message_security",
        guidePath: "message_security.encryption.payload.algorithm",
        requirement: `Message payloads are encrypted with ${payload.algorithm} under the current data key (envelope encryption).`,
        iso27001: ISO_CRYPTO,
        soc2: ["CC6.7", "C1.1"],
        how: {
            kind: "application",
            primitive:
                "the payload data key in Secrets Manager (32 bytes, rotated daily), readable by every agent role (GetSecretValue, kms:Decrypt only through Secrets Manager), and the payload KMS key for envelope encryption (kms:GenerateDataKey / Encrypt only with encryption context sender = the agent's own service account; kms:Decrypt of any message that names a sender)",
            justification:
                "Encrypting a message body happens in the sending agent's code; the stack provides and rotates the key.",
        },
    },
    {
        id: "MSG-PAYLOAD-ROTATION",
        section: "message_security",
        guidePath: "message_security.encryption.payload.key_rotation",
        requirement: `The payload data key is rotated every ${payload.keyRotationHours} h by a Secrets Manager rotation Lambda (kms:GenerateDataKey, AES-256).`,
        iso27001: ISO_CRYPTO,
        soc2: ["CC6.1"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MSG-PAYLOAD-KEY-STORAGE",
        section: "message_security",
        guidePath: "message_security.encryption.payload.key_storage",
        requirement:
            "The payload data key is stored in Secrets Manager, encrypted with the customer-managed payload KMS key.",
        iso27001: ISO_CRYPTO,
        soc2: ["CC6.1"],
        how: { kind: "infrastructure" },
        substitution:
            "Vault → AWS Secrets Manager + KMS: managed rotation, IAM-scoped reads, every access in CloudTrail.",
    },
    {
        id: "MSG-SIG-ALG",
        section: "message_security",
        guidePath: "message_security.integrity.signatures.algorithm",
        // Only what the stack builds: the keys and who may sign. Signing messages is the agents' code (not here).
        requirement: `${guide.messageSecurity.signatureAlgorithm} keys for message signatures and who may sign with them: each agent has its own KMS key of spec ${SIGNING_KEY_SPEC} (SIGN_VERIFY; KMS does not export its private key), and the agents' policy allows kms:Sign only on the key whose ${AGENT_SIGNING.agentTag} tag equals the caller's ${AGENT_SIGNING.callerVariable} (its Pod Identity service account) and whose ${AGENT_SIGNING.stackTag} tag equals the caller role's (the stack that built both, so an agent of the same name in another stack cannot sign with it). The pack's IAM allow-list admits kms:Sign for the agent roles only, on keys tagged ${AGENT_SIGNING.purposeTag}=${AGENT_SIGNING.purpose}; the key policies delegate to IAM, so a principal outside this stack that the account grants kms:Sign could sign as well. The stack's trail records each kms:Sign (a management event) with the calling session. The stack's own key alias/<prefix>-signing is ${SIGNING_KEY_SPEC} too and carries no such tag, so no agent may sign with it. That messages are signed with these keys is the agents' code, which this repository does not hold (see MSG-SIG-VERIFY).`,
        iso27001: ISO_CRYPTO,
        soc2: ["CC6.1", "PI1.3"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MSG-SIG-VERIFY",
        section: "message_security",
        guidePath: "message_security.integrity.signatures.verification",
        requirement: "Receivers verify every message signature and reject unsigned or invalid messages.",
        iso27001: ISO_CRYPTO,
        soc2: ["PI1.3"],
        how: {
            kind: "application",
            primitive: `every agent's ${SIGNING_KEY_SPEC} key (alias alias/<prefix>-signing-<agent>), which every agent role may use for kms:Verify or kms:GetPublicKey`,
            justification:
                "Verification is part of the receiving agent's message handling; infrastructure cannot see message bodies.",
        },
    },
    {
        id: "MSG-CHECKSUM-ALG",
        section: "message_security",
        guidePath: "message_security.integrity.checksums.algorithm",
        requirement: `Messages carry a ${guide.messageSecurity.checksumAlgorithm} checksum of the payload.`,
        iso27001: ISO_CRYPTO,
        soc2: ["PI1.3"],
        how: {
            kind: "application",
            primitive: "Node's crypto (sha3-256) in the agent runtime",
            justification: "A payload checksum is computed by the sender's code; no AWS resource sees message bodies.",
        },
    },
    {
        id: "MSG-CHECKSUM-VALIDATE",
        section: "message_security",
        guidePath: "message_security.integrity.checksums.validation",
        requirement: "Receivers recompute and compare the checksum and reject a mismatch.",
        iso27001: ISO_CRYPTO,
        soc2: ["PI1.3"],
        how: {
            kind: "application",
            primitive: "Node's crypto (sha3-256) in the agent runtime",
            justification: "Validation is part of the receiver's message handling.",
        },
    },
    {
        id: "ACC-DATA-AGENT-READ",
        section: "access_control",
        guidePath: "access_control.data_access.policies[agent_data].access.read.roles[system_admin]",
        requirement:
            "agent_data objects are readable only by system_admin and operator, over TLS, and only as SSE-KMS objects under the critical key (encryption_verified).",
        iso27001: ["A.5.15", "A.8.3"],
        soc2: ["CC6.1", "CC6.3"],
        how: { kind: "infrastructure" },
    },
    {
        id: "ACC-DATA-AGENT-WRITE",
        section: "access_control",
        guidePath: "access_control.data_access.policies[agent_data].access.write.roles[system_admin]",
        requirement:
            "agent_data objects are written only by system_admin with MFA (aws:MultiFactorAuthPresent), and every write is a CloudTrail data event (audit_logged).",
        iso27001: ["A.5.15", "A.8.3", "A.8.5"],
        soc2: ["CC6.1", "CC6.3"],
        how: { kind: "infrastructure" },
    },
    {
        id: "ACC-DATA-METRICS-READ",
        section: "access_control",
        guidePath: "access_control.data_access.policies[metrics_data].access.read.roles[system_admin]",
        requirement:
            "metrics_data objects are readable only by authenticated system_admin, operator and agent roles (anonymous and other principals denied).",
        iso27001: ["A.5.15", "A.8.3"],
        soc2: ["CC6.1", "CC6.3"],
        how: { kind: "infrastructure" },
    },
    {
        id: "ACC-DATA-METRICS-WRITE",
        section: "access_control",
        guidePath: "access_control.data_access.policies[metrics_data].access.write.roles[monitoring_agent]",
        requirement:
            "metrics_data objects are written only by the monitoring_agent role with SigV4-signed requests (signature_verified).",
        iso27001: ["A.5.15", "A.8.3"],
        soc2: ["CC6.1", "CC6.3"],
        how: { kind: "infrastructure" },
    },
];
