// The guide's security_monitoring leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const securityMonitoringRequirements: readonly GuideRequirement[] = [
    {
        path: "security_monitoring.log_collection.sources[system_logs].level",
        value: "INFO",
        controls: ["LOG-SYSTEM-LEVEL"],
    },
    {
        path: "security_monitoring.log_collection.sources[system_logs].retention",
        value: "90d",
        controls: ["LOG-SYSTEM-RETENTION"],
    },
    {
        path: "security_monitoring.log_collection.sources[security_logs].level",
        value: "DEBUG",
        controls: ["LOG-SECURITY-LEVEL"],
    },
    {
        path: "security_monitoring.log_collection.sources[security_logs].retention",
        value: "365d",
        controls: ["LOG-SECURITY-RETENTION"],
    },
    {
        path: "security_monitoring.log_collection.sources[audit_logs].level",
        value: "INFO",
        controls: ["LOG-AUDIT-LEVEL", "LOG-AUDIT-TRAIL", "EKS-LOGS"],
    },
    {
        path: "security_monitoring.log_collection.sources[audit_logs].retention",
        value: "7y",
        controls: ["LOG-AUDIT-RETENTION"],
    },
    {
        path: "security_monitoring.log_collection.aggregation.method",
        value: "centralized",
        controls: ["LOG-AGG-CENTRAL"],
    },
    {
        path: "security_monitoring.log_collection.aggregation.storage",
        value: "secure_storage",
        controls: ["LOG-AGG-STORAGE"],
    },
    {
        path: "security_monitoring.log_collection.aggregation.encryption",
        value: "enabled",
        controls: ["LOG-AGG-ENCRYPTION"],
    },
    {
        path: "security_monitoring.threat_detection.rules[unauthorized_access].condition",
        value: "failed_auth > 5",
        controls: ["DET-UNAUTH"],
    },
    {
        path: "security_monitoring.threat_detection.rules[unauthorized_access].window",
        value: "5m",
        controls: ["DET-UNAUTH"],
    },
    {
        path: "security_monitoring.threat_detection.rules[unauthorized_access].severity",
        value: "high",
        controls: ["DET-UNAUTH"],
    },
    {
        path: "security_monitoring.threat_detection.rules[abnormal_behavior].condition",
        value: "deviation > 3sigma",
        controls: ["DET-ANOMALY"],
    },
    {
        path: "security_monitoring.threat_detection.rules[abnormal_behavior].window",
        value: "15m",
        controls: ["DET-ANOMALY"],
    },
    {
        path: "security_monitoring.threat_detection.rules[abnormal_behavior].severity",
        value: "medium",
        controls: ["DET-ANOMALY"],
    },
];
