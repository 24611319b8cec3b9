import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { controlsOf } from "./lib";
import { networkPolicies } from "./network";
import { dataPolicies } from "./data";
import { identityPolicies } from "./identity";
import { meshPolicies } from "./mesh";
import { operationsPolicies } from "./operations";
import { detectionPolicies } from "./detection";
import { alertPathPolicies } from "./alert-paths";
import { procedurePolicies } from "./procedures";
import { crossServicePolicies } from "./cross-service";
import { platformPolicies } from "./platform";
import { deployablePolicies } from "./deployable";
import { agentStackPolicies } from "./agent-stack";

/** Every policy of the pack, one module per guide area. */
export const allPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    ...networkPolicies,
    ...dataPolicies,
    ...identityPolicies,
    ...meshPolicies,
    ...operationsPolicies,
    ...detectionPolicies,
    ...alertPathPolicies,
    ...procedurePolicies,
    ...crossServicePolicies,
    ...platformPolicies,
    ...deployablePolicies,
    ...agentStackPolicies,
];

/** Policy names that enforce a control. */
export function policiesForControl(id: string): string[] {
    return allPolicies.filter((p) => controlsOf(p).includes(id)).map((p) => p.name);
}

export { controlsOf, CONTROL_TAG } from "./lib";
