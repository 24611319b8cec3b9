import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { dataAccessPolicies } from "./access";
import { backupCoverage, backupPlanRules } from "./backup";
import { classificationTag, macieDiscovery, protectedInProd } from "./classification";
import { inMemoryEnclave, kmsKeySettings, s3BucketBaseline } from "./encryption";
import { cloudTrailSettings, logBucketRetention, logGroupSettings, trailRecordsDataWrites } from "./logging";
import { agentMessageKeys, messageKeys } from "./messages";
import { effectiveDataPolicies } from "./effective";

export * from "./encryption";
export * from "./logging";
export * from "./classification";
export * from "./backup";
export * from "./messages";
export * from "./access";
export * from "./effective";

/** The data policies (encryption, logs, classification, backup, message keys, data access), in the pack's order. */
export const dataPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    kmsKeySettings,
    s3BucketBaseline,
    logBucketRetention,
    logGroupSettings,
    cloudTrailSettings,
    trailRecordsDataWrites,
    classificationTag,
    backupPlanRules,
    backupCoverage,
    protectedInProd,
    messageKeys,
    agentMessageKeys,
    dataAccessPolicies,
    macieDiscovery,
    inMemoryEnclave,
    ...effectiveDataPolicies,
];
