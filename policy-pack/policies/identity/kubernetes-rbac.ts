// identity_management.authorization inside the cluster as an allow-list: every subject's effective RBAC.

import { K8S_ALLOW_LIST, K8sClass, K8sRule, K8sScope } from "../../catalog/k8s-rbac";
import { PlatformFacts, platformFacts } from "../../lib/agent-platform";
import { computeRbac } from "../../lib/k8s-rbac";
import { stackPolicy } from "../lib";

/**
 * The ClusterRoles an agent stack binds from its platform (the contract names them): each with the rules the
 * guide's matrix grants its class where it is bound, which is what the platform's own audit holds it to.
 */
export function platformClusterRoles(facts: PlatformFacts): Map<string, K8sRule[]> {
    const granted = (cls: K8sClass, scope: K8sScope): K8sRule[] =>
        K8S_ALLOW_LIST.filter((g) => g.who.includes(cls) && g.scope === scope).map((g) => ({
            apiGroups: [...g.apiGroups],
            resources: [...g.resources],
            verbs: [...g.verbs],
        }));
    return new Map([
        [facts.cluster.agentClusterRole, granted("agent", "own-namespace")],
        [facts.cluster.resourceManagerAllocate.clusterRole, granted("resource_manager", "agent-namespaces")],
    ]);
}

const MAX_RIGHTS = 10;

export const k8sEffectiveRbac = stackPolicy({
    name: "identity-k8s-effective-rbac",
    description:
        "The effective Kubernetes RBAC of every subject (users, groups, service accounts, EKS access entries with their groups and access policies, built-in and aggregated ClusterRoles resolved) over every resource and verb of the catalog, subresources and special verbs included (pods/exec, nodes/proxy, escalate, bind, impersonate, workload creation), in the cluster, each agent namespace, a system namespace and any other namespace: whatever the guide's role matrix (catalog/k8s-rbac.ts) does not grant fails.",
    controls: [
        "RBAC-OPERATOR-PERMS",
        "RBAC-AGENT-NS",
        "RBAC-AGENT-PERMS",
        "ACC-RES-ALLOCATE",
        "RBAC-ADMIN-PERMS",
        "EKS-AUTH-API",
    ],
    severity: "critical",
    validate: (args, report) => {
        const platform = platformFacts(args.resources);
        for (const f of computeRbac(args.resources, platform ? platformClusterRoles(platform) : undefined)) {
            const more = f.rights.length > MAX_RIGHTS ? ` (+${f.rights.length - MAX_RIGHTS} more)` : "";
            report(
                `[${f.control}] ${f.subject} can ${f.rights.slice(0, MAX_RIGHTS).join(", ")}${more} ${f.scope === "cluster-wide" ? "cluster-wide" : `in namespace ${f.scope}`} through ${f.via}, which the guide's role matrix does not grant it`,
                f.urn,
            );
        }
    },
});
