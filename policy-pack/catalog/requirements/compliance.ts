// The guide's compliance leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const complianceRequirements: readonly GuideRequirement[] = [
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
];
