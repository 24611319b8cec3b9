import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { certificateRotation, cognitoMfa, cognitoTokenValidity, humanRoleMfa } from "./authentication";
import { clusterAccessEntries, eksCluster, nodeLaunchTemplate } from "./eks";
import {
    accessMatrix,
    agentRoleTrust,
    boundaryGuardrails,
    noFullAdmin,
    operatorExplicitDeny,
    resourceManagerScope,
    rolePermissionsBoundary,
} from "./iam";
import { iamWriteAllowList } from "./iam-surface";
import {
    agentNamespaceGuardrails,
    agentNamespacePsa,
    noPrivilegedBinding,
    operatorK8sRole,
    priorityClassAdmission,
} from "./kubernetes";
import { k8sEffectiveRbac } from "./kubernetes-rbac";

export * from "./authentication";
export * from "./iam";
export * from "./iam-surface";
export * from "./eks";
export * from "./kubernetes";
export * from "./kubernetes-rbac";

/** The identity_management policies (authentication, IAM, the EKS cluster, Kubernetes RBAC), in the pack's order. */
export const identityPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    clusterAccessEntries,
    certificateRotation,
    humanRoleMfa,
    noFullAdmin,
    accessMatrix,
    iamWriteAllowList,
    rolePermissionsBoundary,
    boundaryGuardrails,
    operatorExplicitDeny,
    resourceManagerScope,
    agentRoleTrust,
    cognitoMfa,
    cognitoTokenValidity,
    eksCluster,
    nodeLaunchTemplate,
    agentNamespacePsa,
    agentNamespaceGuardrails,
    priorityClassAdmission,
    noPrivilegedBinding,
    operatorK8sRole,
    k8sEffectiveRbac,
];
