import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export const meshPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
