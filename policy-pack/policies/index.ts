import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { controlsOf } from "./lib";
import { networkPolicies } from "./network";

/** Every policy of the pack, one module per guide section. */
export const allPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [...networkPolicies];

/** Policy names that enforce a control. */
export function policiesForControl(id: string): string[] {
    return allPolicies.filter((p) => controlsOf(p).includes(id)).map((p) => p.name);
}

export { controlsOf, CONTROL_TAG } from "./lib";
