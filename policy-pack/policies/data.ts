import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

export const dataPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [];
