import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export const identityPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
