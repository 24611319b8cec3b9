/**
 * Cross-service facts of the plan: what one AWS service requires of another resource for delivery to work at
 * all. Each one, broken, deploys cleanly and then fails silently (no Config history, no trail, no alert, no
 * isolation), so the plan is checked before it ships.
 */
import { managedLoginBranding } from "./cognito";
import { configDeliveryBucket, eventBridgeTopicKey, logGroupsReachBuckets, trailKeyDecrypt } from "./delivery";
import { enclavesUsable, isolationPerInterface, noNodePatchInstall } from "./nodes";

export * from "./delivery";
export * from "./cognito";
export * from "./nodes";

export const crossServicePolicies = [
    configDeliveryBucket,
    trailKeyDecrypt,
    eventBridgeTopicKey,
    isolationPerInterface,
    managedLoginBranding,
    noNodePatchInstall,
    logGroupsReachBuckets,
    enclavesUsable,
];
