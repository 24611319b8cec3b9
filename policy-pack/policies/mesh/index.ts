import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { meshDeployPolicies } from "../mesh-deploy";
import { agentNamespaceDefaultDeny, authorizationEffective, authorizationNoWildcards } from "./authorization";
import { certManagerRelease, letsEncryptIssuer } from "./certificates";
import {
    destinationRuleTls,
    minTls13,
    peerAuthenticationMeshWide,
    peerAuthenticationNoDowngrade,
    pluginCa,
    workloadCertTtl,
} from "./mtls";
import { networkPolicyEffective } from "./network-policy";
import { agentRateLimit, globalRateLimit, rateLimitValues } from "./rate-limits";

export * from "./mtls";
export * from "./authorization";
export * from "./rate-limits";
export * from "./certificates";
export * from "./network-policy";

/** The service_mesh policies (with the mesh's deployment, ../mesh-deploy.ts), in the pack's order. */
export const meshPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    peerAuthenticationNoDowngrade,
    peerAuthenticationMeshWide,
    pluginCa,
    minTls13,
    agentNamespaceDefaultDeny,
    authorizationNoWildcards,
    rateLimitValues,
    agentRateLimit,
    globalRateLimit,
    certManagerRelease,
    letsEncryptIssuer,
    ...meshDeployPolicies,
    authorizationEffective,
    destinationRuleTls,
    workloadCertTtl,
    networkPolicyEffective,
];
