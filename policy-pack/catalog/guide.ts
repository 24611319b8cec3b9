/**
 * The guide's values, written once. Everything else (config defaults, components, policies, evidence)
 * reads them from here. Each key mirrors its path in multi-agent-security-guide.md.
 */

const DAY = 1;
/** 7 years as the guide asks, in days (7 × 365 + 2 leap days); also a valid CloudWatch retention. */
const SEVEN_YEARS_DAYS = 2557;

export const guide = {
    infrastructureSecurity: {
        segmentation: {
            agent: { name: "agent_network", cidr: "10.0.1.0/24", access: "restricted" },
            service: { name: "service_network", cidr: "10.0.2.0/24", access: "internal" },
            management: { name: "management_network", cidr: "10.0.3.0/24", access: "admin_only" },
        },
        monitoring: {
            ids: { type: "signature_based", updates: "automatic" },
            ips: { type: "behavioral", mode: "prevent" },
        },
    },
    identityManagement: {
        certificateRotationDays: 90,
        tokenExpiryHours: 12,
        mfaRequired: true,
        mfaMethods: ["totp", "hardware_token"],
    },
    serviceMesh: {
        mtlsRotationDays: 30,
        cipherSuites: ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
        authorization: {
            mode: "STRICT",
            sourcePrincipal: "agent.task-executor.*",
            destinationPrincipal: "agent.coordinator.*",
            paths: ["/api/v1/tasks/*"],
            methods: ["POST", "GET"],
        },
        rateLimiting: { globalRps: 10_000, perAgentRps: 100 },
    },
    messageSecurity: {
        transportProtocol: "TLS_1.3",
        payload: { algorithm: "AES_256_GCM", keyRotationHours: 24 },
        signatureAlgorithm: "ED25519",
        checksumAlgorithm: "SHA3_256",
    },
    dataProtection: {
        classification: {
            critical: { encryption: "required", backup: "real_time", retentionDays: SEVEN_YEARS_DAYS },
            sensitive: { encryption: "required", backup: "daily", retentionDays: 365 * DAY },
            internal: { encryption: "optional", backup: "weekly", retentionDays: 90 * DAY },
        },
        atRest: "AES_256_GCM",
        inTransit: { method: "TLS_1.3", perfectForwardSecrecy: true },
        inMemory: "secure_enclave",
    },
    logCollection: {
        system: { level: "INFO", retentionDays: 90 * DAY },
        security: { level: "DEBUG", retentionDays: 365 * DAY },
        audit: { level: "INFO", retentionDays: SEVEN_YEARS_DAYS },
    },
    threatDetection: {
        unauthorizedAccess: { failedAuthThreshold: 5, windowMinutes: 5, severity: "high" },
        abnormalBehavior: { deviationSigma: 3, windowMinutes: 15, severity: "medium" },
    },
    compliance: {
        iso27001: { auditFrequency: "annual" },
        soc2: { auditFrequency: "semi_annual" },
    },
    auditing: {
        systemAudit: { frequency: "quarterly" },
        accessAudit: { frequency: "monthly" },
    },
    maintenance: {
        criticalPatches: "immediate",
        nonCriticalPatches: "maintenance_window",
        policyReview: "quarterly",
        policyReviewApprovers: ["security_team", "operations"],
    },
    securityProcedures: {
        routine: {
            daily: ["verify_system_integrity", "check_security_logs", "monitor_alerts"],
            weekly: ["review_access_patterns", "update_threat_intel", "verify_backups"],
            monthly: ["rotate_credentials", "patch_systems", "review_policies"],
        },
    },
} as const;

export type Guide = typeof guide;
export type SegmentName = keyof Guide["infrastructureSecurity"]["segmentation"];
export const SEGMENTS = Object.keys(guide.infrastructureSecurity.segmentation) as SegmentName[];
export type LogSource = keyof Guide["logCollection"];
export const LOG_SOURCES = Object.keys(guide.logCollection) as LogSource[];
export type ClassificationLevel = keyof Guide["dataProtection"]["classification"];
export const CLASSIFICATION_LEVELS = Object.keys(guide.dataProtection.classification) as ClassificationLevel[];
