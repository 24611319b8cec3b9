// Policies for what deploys and then silently does not work (issue 22): each checks one cross-service fact.
import { configRulesApply } from "./config-rules";
import { fixedNatAddressReserved } from "./nat-address";
import { meshControlPlaneAvailable } from "./mesh-availability";
import { workloadWritesScoped } from "./workload-rbac";
import { agentPodAdmission } from "./agent-admission";
import { m2mClientReachable } from "./cognito-m2m";

export const deployablePolicies = [
    configRulesApply,
    fixedNatAddressReserved,
    meshControlPlaneAvailable,
    workloadWritesScoped,
    agentPodAdmission,
    m2mClientReachable,
];
