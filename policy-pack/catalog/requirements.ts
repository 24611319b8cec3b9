/**
 * The guide's requirements as data: every requirement leaf of the YAML blocks of
 * multi-agent-security-guide.md (version 1.0.0, 2024-03-21), each mapped to the controls that meet it.
 * Coverage is reported over these leaves, not over controls.
 *
 * How leaves are counted (tools/lib/guide-leaves.ts derives the same list from the guide text):
 * - a scalar value is a leaf: `service_mesh.mtls.rotation_period` = 30d;
 * - a list item that is a scalar is a leaf, addressed by its value: `...firewalls[network].rules[ingress_rules]`;
 * - a list item that is an object is addressed by its `name` (else `type`) value, which names the item and is
 *   not a leaf of its own: `...networks[agent_network].cidr`; an item with no other key (`- type: totp`) is
 *   itself the leaf: `identity_management.authentication.mfa.methods[totp]`;
 * - a list item that is a one-key object holding an object (`- system_logs: {level, retention}`) is addressed
 *   by that key: `security_monitoring.log_collection.sources[system_logs].level`;
 * - any other object item is addressed by its index: `service_mesh.policies.authorization.rules[0]...`.
 * The mermaid diagram and the front matter are not requirements. Paths are stable: they change only when the
 * guide does.
 */
export interface GuideRequirement {
    /** Path of the leaf in the guide's YAML. */
    path: string;
    /** The guide's value at that path, as written. */
    value: string;
    /** Catalog control IDs that meet this leaf (at least one). */
    controls: string[];
}

export const GUIDE_VERSION = "1.0.0";

export const requirements: readonly GuideRequirement[] = [
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[network].rules[ingress_rules]",
        value: "ingress_rules",
        controls: ["PER-FW-INGRESS", "PER-LB"],
    },
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[network].rules[egress_rules]",
        value: "egress_rules",
        controls: ["PER-FW-EGRESS"],
    },
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[application].rules[waf_rules]",
        value: "waf_rules",
        controls: ["PER-WAF-RULES"],
    },
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[application].rules[ddos_protection]",
        value: "ddos_protection",
        controls: ["PER-DDOS"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[agent_network].cidr",
        value: "10.0.1.0/24",
        controls: ["NET-SEG-AGENT", "NET-POD-CAPACITY"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[agent_network].access",
        value: "restricted",
        controls: ["NET-SEG-AGENT"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[service_network].cidr",
        value: "10.0.2.0/24",
        controls: ["NET-SEG-SERVICE", "NET-POD-CAPACITY"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[service_network].access",
        value: "internal",
        controls: ["NET-SEG-SERVICE"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[management_network].cidr",
        value: "10.0.3.0/24",
        controls: ["NET-SEG-MGMT"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[management_network].access",
        value: "admin_only",
        controls: ["NET-SEG-MGMT", "EKS-ENDPOINT", "NET-DEPLOY-PATH"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ids.type",
        value: "signature_based",
        controls: ["IDS-SIGNATURE"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ids.updates",
        value: "automatic",
        controls: ["IDS-AUTO-UPDATE"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ips.type",
        value: "behavioral",
        controls: ["IPS-BEHAVIORAL", "NET-FLOW-LOGS"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ips.mode",
        value: "prevent",
        controls: ["IPS-PREVENT"],
    },
    {
        path: "identity_management.authentication.methods.primary.type",
        value: "certificate_based",
        controls: ["AUTH-CERT"],
    },
    { path: "identity_management.authentication.methods.primary.provider", value: "vault", controls: ["AUTH-CERT"] },
    { path: "identity_management.authentication.methods.primary.rotation", value: "90d", controls: ["AUTH-CERT"] },
    {
        path: "identity_management.authentication.methods.secondary.type",
        value: "token_based",
        controls: ["AUTH-TOKEN"],
    },
    {
        path: "identity_management.authentication.methods.secondary.provider",
        value: "oauth2",
        controls: ["AUTH-TOKEN"],
    },
    { path: "identity_management.authentication.methods.secondary.expiry", value: "12h", controls: ["AUTH-TOKEN"] },
    { path: "identity_management.authentication.mfa.required", value: "true", controls: ["AUTH-MFA", "EKS-AUTH-API"] },
    { path: "identity_management.authentication.mfa.methods[totp]", value: "totp", controls: ["AUTH-MFA-TOTP"] },
    {
        path: "identity_management.authentication.mfa.methods[hardware_token]",
        value: "hardware_token",
        controls: ["AUTH-MFA-HARDWARE"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.permissions[manage_agents]",
        value: "manage_agents",
        controls: ["RBAC-ADMIN-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.permissions[manage_resources]",
        value: "manage_resources",
        controls: ["RBAC-ADMIN-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.permissions[manage_security]",
        value: "manage_security",
        controls: ["RBAC-ADMIN-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.restrictions[require_mfa]",
        value: "require_mfa",
        controls: ["RBAC-ADMIN-MFA", "IAM-PAM"],
    },
    {
        path: "identity_management.authorization.rbac.roles.system_admin.restrictions[audit_logging]",
        value: "audit_logging",
        controls: ["RBAC-ADMIN-AUDIT", "IAM-BOUNDARY"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.permissions[view_status]",
        value: "view_status",
        controls: ["RBAC-OPERATOR-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.permissions[restart_agents]",
        value: "restart_agents",
        controls: ["RBAC-OPERATOR-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.permissions[view_logs]",
        value: "view_logs",
        controls: ["RBAC-OPERATOR-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.restrictions[no_config_changes]",
        value: "no_config_changes",
        controls: ["RBAC-OPERATOR-NO-CONFIG"],
    },
    {
        path: "identity_management.authorization.rbac.roles.operator.restrictions[no_security_changes]",
        value: "no_security_changes",
        controls: ["RBAC-OPERATOR-NO-SECURITY"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.permissions[execute_tasks]",
        value: "execute_tasks",
        controls: ["RBAC-AGENT-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.permissions[report_status]",
        value: "report_status",
        controls: ["RBAC-AGENT-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.permissions[request_resources]",
        value: "request_resources",
        controls: ["RBAC-AGENT-PERMS"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.restrictions[namespace_bound]",
        value: "namespace_bound",
        controls: ["RBAC-AGENT-NS", "EKS-NODE-IMDS", "K8S-PSA", "K8S-NETPOL"],
    },
    {
        path: "identity_management.authorization.rbac.roles.agent.restrictions[rate_limited]",
        value: "rate_limited",
        controls: ["RBAC-AGENT-RATE"],
    },
    { path: "service_mesh.mtls.enabled", value: "true", controls: ["MESH-MTLS-STRICT"] },
    { path: "service_mesh.mtls.certificate_authority", value: "internal_ca", controls: ["MESH-MTLS-CA"] },
    { path: "service_mesh.mtls.rotation_period", value: "30d", controls: ["MESH-MTLS-ROTATION"] },
    {
        path: "service_mesh.mtls.cipher_suites[TLS_AES_256_GCM_SHA384]",
        value: "TLS_AES_256_GCM_SHA384",
        controls: ["MESH-MTLS-CIPHERS"],
    },
    {
        path: "service_mesh.mtls.cipher_suites[TLS_CHACHA20_POLY1305_SHA256]",
        value: "TLS_CHACHA20_POLY1305_SHA256",
        controls: ["MESH-MTLS-CIPHERS"],
    },
    { path: "service_mesh.policies.authorization.mode", value: "STRICT", controls: ["MESH-AUTHZ-STRICT"] },
    {
        path: "service_mesh.policies.authorization.rules[0].source.principals[agent.task-executor.*]",
        value: "agent.task-executor.*",
        controls: ["MESH-AUTHZ-TASKS"],
    },
    {
        path: "service_mesh.policies.authorization.rules[0].destination.principals[agent.coordinator.*]",
        value: "agent.coordinator.*",
        controls: ["MESH-AUTHZ-TASKS"],
    },
    {
        path: "service_mesh.policies.authorization.rules[0].destination.paths[/api/v1/tasks/*]",
        value: "/api/v1/tasks/*",
        controls: ["MESH-AUTHZ-TASKS"],
    },
    {
        path: "service_mesh.policies.authorization.rules[0].destination.methods[POST]",
        value: "POST",
        controls: ["MESH-AUTHZ-TASKS"],
    },
    {
        path: "service_mesh.policies.authorization.rules[0].destination.methods[GET]",
        value: "GET",
        controls: ["MESH-AUTHZ-TASKS"],
    },
    {
        path: "service_mesh.policies.rate_limiting.global.requests_per_second",
        value: "10000",
        controls: ["MESH-RATE-GLOBAL"],
    },
    {
        path: "service_mesh.policies.rate_limiting.per_agent.requests_per_second",
        value: "100",
        controls: ["MESH-RATE-AGENT"],
    },
    { path: "message_security.encryption.transport.protocol", value: "TLS_1.3", controls: ["TLS-TRANSPORT"] },
    {
        path: "message_security.encryption.transport.certificate_management.issuer",
        value: "lets_encrypt",
        controls: ["CERT-LETSENCRYPT"],
    },
    {
        path: "message_security.encryption.transport.certificate_management.automation",
        value: "cert_manager",
        controls: ["CERT-MANAGER"],
    },
    { path: "message_security.encryption.payload.algorithm", value: "AES_256_GCM", controls: ["MSG-PAYLOAD-ALG"] },
    { path: "message_security.encryption.payload.key_rotation", value: "24h", controls: ["MSG-PAYLOAD-ROTATION"] },
    { path: "message_security.encryption.payload.key_storage", value: "vault", controls: ["MSG-PAYLOAD-KEY-STORAGE"] },
    { path: "message_security.integrity.signatures.algorithm", value: "ED25519", controls: ["MSG-SIG-ALG"] },
    { path: "message_security.integrity.signatures.verification", value: "required", controls: ["MSG-SIG-VERIFY"] },
    { path: "message_security.integrity.checksums.algorithm", value: "SHA3_256", controls: ["MSG-CHECKSUM-ALG"] },
    { path: "message_security.integrity.checksums.validation", value: "required", controls: ["MSG-CHECKSUM-VALIDATE"] },
    {
        path: "data_protection.classification.levels[critical].encryption",
        value: "required",
        controls: ["DATA-CLS-CRITICAL", "DATA-CLS-TAG"],
    },
    { path: "data_protection.classification.levels[critical].backup", value: "real_time", controls: ["BAK-CRITICAL"] },
    { path: "data_protection.classification.levels[critical].retention", value: "7y", controls: ["DATA-CLS-CRITICAL"] },
    {
        path: "data_protection.classification.levels[sensitive].encryption",
        value: "required",
        controls: ["DATA-CLS-SENSITIVE", "DATA-CLS-DISCOVERY"],
    },
    { path: "data_protection.classification.levels[sensitive].backup", value: "daily", controls: ["BAK-SENSITIVE"] },
    {
        path: "data_protection.classification.levels[sensitive].retention",
        value: "1y",
        controls: ["DATA-CLS-SENSITIVE"],
    },
    {
        path: "data_protection.classification.levels[internal].encryption",
        value: "optional",
        controls: ["DATA-CLS-INTERNAL"],
    },
    { path: "data_protection.classification.levels[internal].backup", value: "weekly", controls: ["BAK-INTERNAL"] },
    {
        path: "data_protection.classification.levels[internal].retention",
        value: "90d",
        controls: ["DATA-CLS-INTERNAL"],
    },
    {
        path: "data_protection.encryption.at_rest.method",
        value: "AES_256_GCM",
        controls: ["KMS-AT-REST", "EKS-SECRETS", "EKS-NODE-EBS"],
    },
    { path: "data_protection.encryption.at_rest.key_management", value: "vault", controls: ["KMS-KEY-MGMT"] },
    { path: "data_protection.encryption.in_transit.method", value: "TLS_1.3", controls: ["TLS-IN-TRANSIT"] },
    { path: "data_protection.encryption.in_transit.perfect_forward_secrecy", value: "true", controls: ["TLS-PFS"] },
    { path: "data_protection.encryption.in_memory.method", value: "secure_enclave", controls: ["DATA-ENC-IN-MEMORY"] },
    {
        path: "data_protection.encryption.in_memory.zero_knowledge",
        value: "true",
        controls: ["DATA-ENC-ZERO-KNOWLEDGE"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.read.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-DATA-AGENT-READ"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.read.roles[operator]",
        value: "operator",
        controls: ["ACC-DATA-AGENT-READ"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.read.conditions[encryption_verified]",
        value: "encryption_verified",
        controls: ["ACC-DATA-AGENT-READ"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.write.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-DATA-AGENT-WRITE"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.write.conditions[mfa_verified]",
        value: "mfa_verified",
        controls: ["ACC-DATA-AGENT-WRITE"],
    },
    {
        path: "access_control.data_access.policies[agent_data].access.write.conditions[audit_logged]",
        value: "audit_logged",
        controls: ["ACC-DATA-AGENT-WRITE"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.roles[operator]",
        value: "operator",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.roles[agent]",
        value: "agent",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.read.conditions[authentication_verified]",
        value: "authentication_verified",
        controls: ["ACC-DATA-METRICS-READ"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.write.roles[monitoring_agent]",
        value: "monitoring_agent",
        controls: ["ACC-DATA-METRICS-WRITE"],
    },
    {
        path: "access_control.data_access.policies[metrics_data].access.write.conditions[signature_verified]",
        value: "signature_verified",
        controls: ["ACC-DATA-METRICS-WRITE"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.allocate.roles[resource_manager]",
        value: "resource_manager",
        controls: ["ACC-RES-ALLOCATE"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.allocate.conditions[quota_check]",
        value: "quota_check",
        controls: ["ACC-RES-QUOTA"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.allocate.conditions[priority_verified]",
        value: "priority_verified",
        controls: ["ACC-RES-PRIORITY"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.monitor.roles[system_admin]",
        value: "system_admin",
        controls: ["ACC-RES-MONITOR"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.monitor.roles[operator]",
        value: "operator",
        controls: ["ACC-RES-MONITOR"],
    },
    {
        path: "access_control.resource_access.policies[compute_resources].access.monitor.conditions[authentication_verified]",
        value: "authentication_verified",
        controls: ["ACC-RES-MONITOR"],
    },
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
    {
        path: "incident_response.procedures.security_breach.detection[identify_scope]",
        value: "identify_scope",
        controls: ["IR-SB-SCOPE"],
    },
    {
        path: "incident_response.procedures.security_breach.detection[collect_evidence]",
        value: "collect_evidence",
        controls: ["IR-SB-EVIDENCE"],
    },
    {
        path: "incident_response.procedures.security_breach.detection[isolate_systems]",
        value: "isolate_systems",
        controls: ["IR-SB-ISOLATE"],
    },
    {
        path: "incident_response.procedures.security_breach.response[block_access]",
        value: "block_access",
        controls: ["IR-SB-BLOCK"],
    },
    {
        path: "incident_response.procedures.security_breach.response[notify_stakeholders]",
        value: "notify_stakeholders",
        controls: ["IR-SB-NOTIFY"],
    },
    {
        path: "incident_response.procedures.security_breach.response[initiate_investigation]",
        value: "initiate_investigation",
        controls: ["IR-SB-INVESTIGATE"],
    },
    {
        path: "incident_response.procedures.security_breach.recovery[patch_vulnerabilities]",
        value: "patch_vulnerabilities",
        controls: ["IR-SB-PATCH"],
    },
    {
        path: "incident_response.procedures.security_breach.recovery[restore_systems]",
        value: "restore_systems",
        controls: ["IR-SB-RESTORE"],
    },
    {
        path: "incident_response.procedures.security_breach.recovery[update_policies]",
        value: "update_policies",
        controls: ["IR-SB-POLICIES"],
    },
    {
        path: "incident_response.procedures.data_leak.detection[identify_source]",
        value: "identify_source",
        controls: ["IR-DL-SOURCE"],
    },
    {
        path: "incident_response.procedures.data_leak.detection[assess_impact]",
        value: "assess_impact",
        controls: ["IR-DL-IMPACT"],
    },
    {
        path: "incident_response.procedures.data_leak.detection[track_exposure]",
        value: "track_exposure",
        controls: ["IR-DL-EXPOSURE"],
    },
    {
        path: "incident_response.procedures.data_leak.response[contain_leak]",
        value: "contain_leak",
        controls: ["IR-DL-CONTAIN"],
    },
    {
        path: "incident_response.procedures.data_leak.response[revoke_access]",
        value: "revoke_access",
        controls: ["IR-DL-REVOKE"],
    },
    {
        path: "incident_response.procedures.data_leak.response[notify_affected]",
        value: "notify_affected",
        controls: ["IR-DL-NOTIFY"],
    },
    {
        path: "incident_response.procedures.data_leak.recovery[update_security]",
        value: "update_security",
        controls: ["IR-DL-SECURITY"],
    },
    {
        path: "incident_response.procedures.data_leak.recovery[enhance_monitoring]",
        value: "enhance_monitoring",
        controls: ["IR-DL-MONITORING"],
    },
    {
        path: "incident_response.procedures.data_leak.recovery[conduct_audit]",
        value: "conduct_audit",
        controls: ["IR-DL-AUDIT"],
    },
    {
        path: "compliance.standards[ISO27001].controls[access_control]",
        value: "access_control",
        controls: ["CMP-ISO-ACCESS"],
    },
    {
        path: "compliance.standards[ISO27001].controls[cryptography]",
        value: "cryptography",
        controls: ["CMP-ISO-CRYPTO"],
    },
    {
        path: "compliance.standards[ISO27001].controls[operations_security]",
        value: "operations_security",
        controls: ["CMP-ISO-OPS"],
    },
    { path: "compliance.standards[ISO27001].auditing.frequency", value: "annual", controls: ["CMP-ISO-AUDIT"] },
    { path: "compliance.standards[ISO27001].auditing.documentation", value: "required", controls: ["CMP-ISO-AUDIT"] },
    { path: "compliance.standards[SOC2].controls[security]", value: "security", controls: ["CMP-SOC2-SECURITY"] },
    {
        path: "compliance.standards[SOC2].controls[availability]",
        value: "availability",
        controls: ["CMP-SOC2-AVAILABILITY"],
    },
    {
        path: "compliance.standards[SOC2].controls[confidentiality]",
        value: "confidentiality",
        controls: ["CMP-SOC2-CONFIDENTIALITY"],
    },
    { path: "compliance.standards[SOC2].auditing.frequency", value: "semi_annual", controls: ["CMP-SOC2-AUDIT"] },
    { path: "compliance.standards[SOC2].auditing.evidence", value: "required", controls: ["CMP-SOC2-EVIDENCE"] },
    {
        path: "auditing.processes.system_audit.scope[authentication_systems]",
        value: "authentication_systems",
        controls: ["AUD-SYS"],
    },
    {
        path: "auditing.processes.system_audit.scope[authorization_policies]",
        value: "authorization_policies",
        controls: ["AUD-SYS"],
    },
    {
        path: "auditing.processes.system_audit.scope[encryption_mechanisms]",
        value: "encryption_mechanisms",
        controls: ["AUD-SYS"],
    },
    { path: "auditing.processes.system_audit.frequency", value: "quarterly", controls: ["AUD-SYS"] },
    { path: "auditing.processes.system_audit.documentation", value: "required", controls: ["AUD-SYS-DOCS"] },
    { path: "auditing.processes.access_audit.scope[user_accounts]", value: "user_accounts", controls: ["AUD-ACCESS"] },
    {
        path: "auditing.processes.access_audit.scope[role_assignments]",
        value: "role_assignments",
        controls: ["AUD-ACCESS"],
    },
    {
        path: "auditing.processes.access_audit.scope[permission_changes]",
        value: "permission_changes",
        controls: ["AUD-ACCESS"],
    },
    { path: "auditing.processes.access_audit.frequency", value: "monthly", controls: ["AUD-ACCESS"] },
    { path: "auditing.processes.access_audit.reporting", value: "required", controls: ["AUD-ACCESS-REPORT"] },
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
    {
        path: "security_maintenance.updates.patches.critical.timing",
        value: "immediate",
        controls: ["MNT-PATCH-CRITICAL"],
    },
    {
        path: "security_maintenance.updates.patches.critical.approval",
        value: "required",
        controls: ["MNT-PATCH-APPROVAL"],
    },
    {
        path: "security_maintenance.updates.patches.non_critical.timing",
        value: "scheduled",
        controls: ["MNT-PATCH-NONCRITICAL"],
    },
    {
        path: "security_maintenance.updates.patches.non_critical.window",
        value: "maintenance_window",
        controls: ["MNT-PATCH-NONCRITICAL"],
    },
    {
        path: "security_maintenance.updates.policies.review.frequency",
        value: "quarterly",
        controls: ["MNT-POLICY-REVIEW"],
    },
    {
        path: "security_maintenance.updates.policies.review.approvers[security_team]",
        value: "security_team",
        controls: ["MNT-POLICY-APPROVERS"],
    },
    {
        path: "security_maintenance.updates.policies.review.approvers[operations]",
        value: "operations",
        controls: ["MNT-POLICY-APPROVERS"],
    },
    {
        path: "security_maintenance.updates.policies.update.process",
        value: "change_management",
        controls: ["MNT-CHANGE-MGMT"],
    },
    {
        path: "security_maintenance.updates.policies.update.validation",
        value: "required",
        controls: ["MNT-VALIDATION"],
    },
];
