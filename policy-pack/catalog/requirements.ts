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
import { GuideRequirement } from "./types";
import { infrastructureSecurityRequirements } from "./requirements/infrastructure-security";
import { identityManagementRequirements } from "./requirements/identity-management";
import { serviceMeshRequirements } from "./requirements/service-mesh";
import { messageSecurityRequirements } from "./requirements/message-security";
import { dataProtectionRequirements } from "./requirements/data-protection";
import { accessControlRequirements } from "./requirements/access-control";
import { securityMonitoringRequirements } from "./requirements/security-monitoring";
import { incidentResponseRequirements } from "./requirements/incident-response";
import { complianceRequirements } from "./requirements/compliance";
import { auditingRequirements } from "./requirements/auditing";
import { securityProceduresRequirements } from "./requirements/security-procedures";
import { securityMaintenanceRequirements } from "./requirements/security-maintenance";

export type { GuideRequirement };

export const GUIDE_VERSION = "1.0.0";

export const requirements: readonly GuideRequirement[] = [
    ...infrastructureSecurityRequirements,
    ...identityManagementRequirements,
    ...serviceMeshRequirements,
    ...messageSecurityRequirements,
    ...dataProtectionRequirements,
    ...accessControlRequirements,
    ...securityMonitoringRequirements,
    ...incidentResponseRequirements,
    ...complianceRequirements,
    ...auditingRequirements,
    ...securityProceduresRequirements,
    ...securityMaintenanceRequirements,
];
