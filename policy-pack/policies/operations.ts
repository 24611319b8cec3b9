import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export const operationsPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
