// The guide's data_protection leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const dataProtectionRequirements: readonly GuideRequirement[] = [
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
];
