/** Guide sections, in the guide's order; evidence reports group controls by them. */
export const SECTIONS = [
    "infrastructure_security",
    "identity_management",
    "service_mesh",
    "message_security",
    "data_protection",
    "access_control",
    "security_monitoring",
    "incident_response",
    "compliance",
    "auditing",
    "security_procedures",
    "security_maintenance",
] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * How a control is met.
 * - infrastructure: resources in this stack implement it; a policy enforces it.
 * - application / organizational: the stack provides a primitive (`primitive`), people or application code
 *   do the rest; `justification` says why it cannot be infrastructure alone.
 */
export type ControlHow =
    { kind: "infrastructure" } | { kind: "application" | "organizational"; primitive: string; justification: string };

export interface Control {
    /** Stable ID, e.g. NET-SEG-AGENT. Never renamed: evidence and audits refer to it. */
    id: string;
    section: Section;
    /** Dotted path of the leaf in the guide's YAML, e.g. infrastructure_security.network_protection.segmentation.networks[agent_network]. */
    guidePath: string;
    /** One line: what the guide requires. */
    requirement: string;
    /** ISO/IEC 27001:2022 Annex A controls, e.g. "A.8.22". */
    iso27001: string[];
    /** SOC 2 Trust Services Criteria, e.g. "CC6.6". */
    soc2: string[];
    how: ControlHow;
    /** Where the stack departs from the guide's named product (e.g. Vault → AWS KMS), and why. */
    substitution?: string;
}

/** One requirement leaf of the guide (requirements.ts says how leaves are counted). */
export interface GuideRequirement {
    /** Path of the leaf in the guide's YAML. */
    path: string;
    /** The guide's value at that path, as written. */
    value: string;
    /** Catalog control IDs that meet this leaf (at least one). */
    controls: string[];
}
