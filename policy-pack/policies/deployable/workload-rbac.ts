// Who may create or change workloads (issue 22, item 7): a ClusterRoleBinding that lets a person write
// workloads everywhere lets them run a pod in istio-system (the issuing CA key), in kube-system (the node) or
// as any agent's service account (its IAM role). Workload writes are granted only inside agent namespaces.

import { PolicyResource } from "@pulumi/policy";
import { asArray, asObject, asString, asStrings, stackPolicy } from "../lib";

const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const CLUSTER_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const NAMESPACE = "kubernetes:core/v1:Namespace";
/** Label the cluster section puts on every agent namespace. */
const AGENT_NAMESPACE_LABEL = "mas/agent";

/** Every kind that runs a pod from a spec the writer chooses, by API group. */
const WORKLOADS: Record<string, string[]> = {
    "": ["pods", "replicationcontrollers"],
    apps: ["deployments", "statefulsets", "daemonsets", "replicasets"],
    batch: ["jobs", "cronjobs"],
};
const WRITE = ["create", "update", "patch", "*"];

/** The workload kinds a rule lets its holder create or rewrite (resource names, "group/resource"). */
export function workloadWrites(rule: Record<string, unknown>): string[] {
    const verbs = asStrings(rule.verbs);
    if (!verbs.some((v) => WRITE.includes(v))) {
        return [];
    }
    const groups = asStrings(rule.apiGroups);
    const resources = asStrings(rule.resources);
    return Object.entries(WORKLOADS).flatMap(([group, kinds]) =>
        groups.includes(group) || groups.includes("*")
            ? kinds
                  .filter((k) => resources.includes(k) || resources.includes("*"))
                  .map((k) => (group ? `${group}/${k}` : k))
            : [],
    );
}

function rulesOf(role: PolicyResource | undefined): Record<string, unknown>[] {
    return asArray(role?.props.rules as Record<string, unknown>[] | undefined).map(asObject);
}

function subjectsOf(binding: PolicyResource): string {
    return asArray(binding.props.subjects as Record<string, unknown>[] | undefined)
        .map((s) => `${asString(asObject(s).kind)} ${asString(asObject(s).name)}`)
        .join(", ");
}

export const workloadWritesScoped = stackPolicy({
    name: "k8s-workload-writes-in-agent-namespaces",
    description:
        "No ClusterRoleBinding grants create / update / patch on workloads (pods, deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs, replication controllers), and a RoleBinding grants them only in an agent namespace: resource_manager allocates inside the agents' quota, it never places pods in istio-system, kube-system or under another identity.",
    controls: ["ACC-RES-ALLOCATE"],
    severity: "critical",
    validate: (args, report) => {
        const rs = args.resources;
        const named = (type: string, name: string, namespace?: string) =>
            rs.find(
                (r) =>
                    r.type === type &&
                    asObject(r.props.metadata).name === name &&
                    (namespace === undefined || asObject(r.props.metadata).namespace === namespace),
            );
        const agentNamespaces = new Set(
            rs
                .filter(
                    (r) => r.type === NAMESPACE && asObject(asObject(r.props.metadata).labels)[AGENT_NAMESPACE_LABEL],
                )
                .map((r) => asString(asObject(r.props.metadata).name)),
        );
        for (const b of rs.filter((r) => r.type === CLUSTER_BINDING || r.type === BINDING)) {
            const ref = asObject(b.props.roleRef);
            const namespace = asString(asObject(b.props.metadata).namespace);
            const role =
                ref.kind === "ClusterRole"
                    ? named(CLUSTER_ROLE, asString(ref.name) ?? "")
                    : named(ROLE, asString(ref.name) ?? "", namespace);
            const writes = [...new Set(rulesOf(role).flatMap(workloadWrites))];
            if (writes.length === 0) {
                continue;
            }
            if (b.type === CLUSTER_BINDING) {
                report(
                    `[ACC-RES-ALLOCATE] ClusterRoleBinding ${b.name} lets ${subjectsOf(b)} write ${writes.join(", ")} in every namespace (through ${asString(ref.name)}): a pod in istio-system, kube-system or under an agent's service account takes that namespace's keys, node or IAM role`,
                    b.urn,
                );
            } else if (!agentNamespaces.has(namespace)) {
                report(
                    `[ACC-RES-ALLOCATE] RoleBinding ${b.name} lets ${subjectsOf(b)} write ${writes.join(", ")} in namespace ${namespace ?? "(none)"}, which is not an agent namespace (label ${AGENT_NAMESPACE_LABEL})`,
                    b.urn,
                );
            }
        }
    },
});
