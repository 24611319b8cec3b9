// identity_management.authorization inside the cluster: agent namespaces, RBAC bindings and roles, priority classes.

import { PolicyResource } from "@pulumi/policy";
import { AGENT_LABEL, K8S_GROUPS, K8S_RBAC_LABEL } from "../../catalog/identity";
import { asArray, asObject as obj, asStrings as strings, resourcePolicy, stackPolicy } from "../lib";
import { Obj } from "./shared";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota";
const FLOW_SCHEMA = "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema";
const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const VAP_BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";

const labels = (props: Obj): Record<string, string> => obj(obj(props.metadata).labels) as Record<string, string>;

export const agentNamespacePsa = resourcePolicy({
    name: "identity-agent-namespace-psa",
    description: `Agent namespaces (label ${AGENT_LABEL}) enforce, audit and warn at Pod Security Standard restricted and have mesh injection.`,
    controls: ["K8S-PSA", "RBAC-AGENT-NS"],
    severity: "high",
    types: [NAMESPACE],
    validate: (args, report) => {
        const l = labels(args.props);
        if (l[AGENT_LABEL] === undefined) {
            return;
        }
        const missing = ["enforce", "audit", "warn"].filter(
            (m) => l[`pod-security.kubernetes.io/${m}`] !== "restricted",
        );
        if (missing.length > 0) {
            report(`[K8S-PSA] agent namespace must set pod-security.kubernetes.io/{${missing.join(",")}} = restricted`);
        }
        if (l["istio-injection"] !== "enabled") {
            report(
                "[RBAC-AGENT-NS] agent namespace must have istio-injection: enabled (mesh identity and authorization)",
            );
        }
    },
});

const nsOf = (r: PolicyResource): string | undefined => obj(r.props.metadata).namespace as string | undefined;
const nameOf = (r: PolicyResource): string | undefined => obj(r.props.metadata).name as string | undefined;

function isDefaultDeny(r: PolicyResource): boolean {
    const spec = obj(r.props.spec);
    const types = strings(spec.policyTypes);
    return (
        Object.keys(obj(spec.podSelector)).length === 0 &&
        types.includes("Ingress") &&
        types.includes("Egress") &&
        asArray(spec.ingress as unknown[]).length === 0 &&
        asArray(spec.egress as unknown[]).length === 0
    );
}

export const agentNamespaceGuardrails = stackPolicy({
    name: "identity-agent-namespace-guardrails",
    description:
        "Every agent namespace has a default-deny NetworkPolicy (ingress and egress), a ResourceQuota, and its service accounts rate-limited by a FlowSchema.",
    controls: ["K8S-NETPOL", "ACC-RES-QUOTA", "RBAC-AGENT-RATE"],
    severity: "high",
    validate: (args, report) => {
        const namespaces = args.resources.filter(
            (r) => r.type === NAMESPACE && labels(r.props)[AGENT_LABEL] !== undefined,
        );
        const denyIn = new Set(args.resources.filter((r) => r.type === NETWORK_POLICY && isDefaultDeny(r)).map(nsOf));
        const quotaIn = new Set(args.resources.filter((r) => r.type === RESOURCE_QUOTA).map(nsOf));
        const limited = new Set<string>();
        for (const fs of args.resources.filter((r) => r.type === FLOW_SCHEMA)) {
            for (const rule of asArray(obj(fs.props.spec).rules as Obj[] | undefined)) {
                for (const subject of asArray(obj(rule).subjects as Obj[] | undefined)) {
                    const sa = obj(obj(subject).serviceAccount);
                    if (obj(subject).kind === "ServiceAccount" && sa.name === "*" && typeof sa.namespace === "string") {
                        limited.add(sa.namespace);
                    }
                }
            }
        }
        for (const ns of namespaces) {
            const name = nameOf(ns);
            if (!denyIn.has(name)) {
                report(
                    `[K8S-NETPOL] agent namespace ${String(name)} has no default-deny NetworkPolicy (ingress and egress)`,
                    ns.urn,
                );
            }
            if (!quotaIn.has(name)) {
                report(`[ACC-RES-QUOTA] agent namespace ${String(name)} has no ResourceQuota`, ns.urn);
            }
            if (!limited.has(name as string)) {
                report(
                    `[RBAC-AGENT-RATE] agent namespace ${String(name)}'s service accounts are not in a FlowSchema`,
                    ns.urn,
                );
            }
        }
    },
});

export const priorityClassAdmission = stackPolicy({
    name: "identity-priority-class-admission",
    description: `Every PriorityClass of the stack is gated by a ValidatingAdmissionPolicy (bound with Deny) that admits it only for ${K8S_GROUPS.resourceManager}.`,
    controls: ["ACC-RES-PRIORITY"],
    severity: "medium",
    validate: (args, report) => {
        const bound = new Set(
            args.resources
                .filter((r) => r.type === VAP_BINDING && strings(obj(r.props.spec).validationActions).includes("Deny"))
                .map((r) => obj(r.props.spec).policyName),
        );
        const expressions = args.resources
            .filter((r) => r.type === VAP && bound.has(nameOf(r)))
            .flatMap((r) => asArray(obj(r.props.spec).validations as Obj[] | undefined))
            .map((v) => String(obj(v).expression ?? ""));
        for (const pc of args.resources.filter((r) => r.type === PRIORITY_CLASS)) {
            const name = nameOf(pc) ?? "";
            if (!expressions.some((e) => e.includes(`"${name}"`) && e.includes(`'${K8S_GROUPS.resourceManager}'`))) {
                report(
                    `PriorityClass ${name} is not restricted to ${K8S_GROUPS.resourceManager} by a bound (Deny) ValidatingAdmissionPolicy`,
                    pc.urn,
                );
            }
        }
    },
});

const PRIVILEGED_CLUSTER_ROLES = ["cluster-admin", "admin", "edit"];
/**
 * Subjects that stand for everyone, or for every service account (every agent among them): whatever the
 * role, a binding to them hands it to every agent, outside its own namespace (Kubernetes RBAC, "Default
 * roles and role bindings": system:authenticated, system:unauthenticated, system:serviceaccounts).
 */
const BROAD_GROUPS = ["system:authenticated", "system:unauthenticated", "system:serviceaccounts"];
const BROAD_USERS = ["system:anonymous"];

export const noPrivilegedBinding = resourcePolicy({
    name: "identity-no-privileged-binding",
    description: `No (Cluster)RoleBinding grants cluster-admin / admin / edit to the operator group or to agent service accounts; none binds any role to everyone (system:authenticated, system:unauthenticated, system:serviceaccounts, system:anonymous) or an agent's service account in another agent's namespace.`,
    controls: ["RBAC-OPERATOR-NO-SECURITY", "RBAC-AGENT-NS"],
    severity: "critical",
    types: [CLUSTER_ROLE_BINDING, ROLE_BINDING],
    validate: (args, report) => {
        const ref = obj(args.props.roleRef);
        const namespace = String(obj(args.props.metadata).namespace ?? "");
        for (const s of asArray(args.props.subjects as Obj[] | undefined).map(obj)) {
            const name = String(s.name ?? "");
            const broad =
                (s.kind === "Group" && BROAD_GROUPS.includes(name)) ||
                (s.kind === "User" && BROAD_USERS.includes(name));
            // An agent's service account bound in another agent's namespace acts there.
            const foreignAgent =
                namespace.startsWith("agent-") &&
                ((s.kind === "ServiceAccount" &&
                    String(s.namespace ?? "").startsWith("agent-") &&
                    s.namespace !== namespace) ||
                    (s.kind === "Group" &&
                        name.startsWith("system:serviceaccounts:agent-") &&
                        name !== `system:serviceaccounts:${namespace}`));
            if (broad) {
                report(
                    `[RBAC-AGENT-NS] binding grants ${String(ref.kind)} ${String(ref.name)} to ${String(s.kind)} ${name}: every agent (and more) gets it, whatever its namespace`,
                );
            } else if (foreignAgent) {
                report(
                    `[RBAC-AGENT-NS] binding in ${namespace} grants ${String(ref.kind)} ${String(ref.name)} to ${String(s.kind)} ${String(s.namespace ?? name)}: an agent acting outside its own namespace`,
                );
            }
        }
        if (ref.kind !== "ClusterRole" || !PRIVILEGED_CLUSTER_ROLES.includes(String(ref.name))) {
            return;
        }
        for (const s of asArray(args.props.subjects as Obj[] | undefined).map(obj)) {
            const agentSa =
                (s.kind === "ServiceAccount" && String(s.namespace ?? "").startsWith("agent-")) ||
                (s.kind === "Group" && String(s.name ?? "").startsWith("system:serviceaccounts:agent-"));
            if (s.kind === "Group" && s.name === K8S_GROUPS.operator) {
                report(
                    `[RBAC-OPERATOR-NO-SECURITY] binding grants ${String(ref.name)} to the operator group ${K8S_GROUPS.operator}`,
                );
            } else if (agentSa) {
                report(
                    `[RBAC-AGENT-NS] binding grants ${String(ref.name)} to agent ${String(s.kind)} ${String(s.namespace ?? s.name)}`,
                );
            }
        }
    },
});

const OPERATOR_READ_VERBS = ["get", "list", "watch"];
const FORBIDDEN_RESOURCES = [
    "secrets",
    "configmaps",
    "roles",
    "rolebindings",
    "clusterroles",
    "clusterrolebindings",
    "*",
];

export const operatorK8sRole = resourcePolicy({
    name: "identity-operator-k8s-role",
    description: `The operator ClusterRole (label ${K8S_RBAC_LABEL}: operator) reads status and logs and restarts pods (delete / evict); no access to secrets, configmaps or RBAC, no other writes.`,
    controls: ["RBAC-OPERATOR-PERMS", "RBAC-OPERATOR-NO-CONFIG"],
    severity: "high",
    types: [CLUSTER_ROLE],
    validate: (args, report) => {
        if (labels(args.props)[K8S_RBAC_LABEL] !== "operator") {
            return;
        }
        for (const rule of asArray(args.props.rules as Obj[] | undefined).map(obj)) {
            const resources = strings(rule.resources);
            const verbs = strings(rule.verbs);
            const bad = resources.filter((r) => FORBIDDEN_RESOURCES.includes(r));
            if (bad.length > 0) {
                report(`[RBAC-OPERATOR-NO-CONFIG] operator ClusterRole grants access to ${bad.join(", ")}`);
            }
            const restart =
                (resources.every((r) => r === "pods") && verbs.every((v) => v === "delete")) ||
                (resources.every((r) => r === "pods/eviction") && verbs.every((v) => v === "create"));
            const writes = verbs.filter((v) => !OPERATOR_READ_VERBS.includes(v));
            if (writes.length > 0 && !restart) {
                report(
                    `[RBAC-OPERATOR-PERMS] operator ClusterRole allows ${writes.join(", ")} on ${resources.join(", ")}; only reads and pod restarts (delete / evict) are allowed`,
                );
            }
        }
    },
});
