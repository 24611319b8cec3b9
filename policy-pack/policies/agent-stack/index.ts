// Policies of an agent stack's contract with its platform stack (stack-roles.ts: agent stacks only).
import { agentNamespaces, agentNetworkSegments, agentPlatformContract, agentRbac } from "./cluster";
import { agentMessageKeys, agentPodIdentity, agentRoleScope } from "./identity";

export const agentStackPolicies = [
    agentPlatformContract,
    agentRoleScope,
    agentMessageKeys,
    agentPodIdentity,
    agentNamespaces,
    agentRbac,
    agentNetworkSegments,
];
