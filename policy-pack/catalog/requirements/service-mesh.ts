// The guide's service_mesh leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const serviceMeshRequirements: readonly GuideRequirement[] = [
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
];
