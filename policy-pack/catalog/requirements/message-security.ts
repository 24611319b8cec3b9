// The guide's message_security leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const messageSecurityRequirements: readonly GuideRequirement[] = [
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
];
