// What the mesh policies share: Istio and Kubernetes resource types, reading objects, agent namespaces.

import { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import { MESH } from "../../catalog/mesh";
import { asArray } from "../lib";

// Istio objects made with k8s.apiextensions.CustomResource have the type `kubernetes:<apiVersion>:<kind>`.
export const PEER_AUTHN = [
    "kubernetes:security.istio.io/v1:PeerAuthentication",
    "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
];
export const AUTHZ = [
    "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    "kubernetes:security.istio.io/v1beta1:AuthorizationPolicy",
];
export const ENVOY_FILTER = ["kubernetes:networking.istio.io/v1alpha3:EnvoyFilter"];
export const NAMESPACE = "kubernetes:core/v1:Namespace";
export const SECRET = "kubernetes:core/v1:Secret";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const ISSUERS = ["kubernetes:cert-manager.io/v1:ClusterIssuer", "kubernetes:cert-manager.io/v1:Issuer"];
export const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
    if (typeof v === "string") {
        try {
            const parsed: unknown = JSON.parse(v);
            return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Obj) : {};
        } catch {
            return {};
        }
    }
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

export function list(v: unknown): Obj[] {
    return asArray(v as Obj | Obj[] | undefined).map(obj);
}

export function meta(props: Obj): { name: string; namespace: string; labels: Obj } {
    const m = obj(props.metadata);
    return { name: String(m.name ?? "?"), namespace: String(m.namespace ?? ""), labels: obj(m.labels) };
}

/** `<namespace>/<name>` of a Kubernetes object, for messages. */
export function ref(props: Obj): string {
    const m = meta(props);
    return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

/** Agent namespaces: labelled `mas/agent`, named `agent-*`, or listed in policy config `agentNamespaces`. */
export const agentNamespacesSchema: PolicyConfigSchema = {
    properties: { agentNamespaces: { type: "array", items: { type: "string" }, default: [] } },
};

export function agentNamespaces(resources: PolicyResource[], configured: string[] | undefined): string[] {
    const found = resources
        .filter((r) => r.type === NAMESPACE)
        .map((r) => meta(r.props))
        .filter((m) => m.labels[MESH.agentNamespaceLabel] !== undefined || m.name.startsWith("agent-"))
        .map((m) => m.name);
    return [...new Set([...found, ...(configured ?? [])])].sort();
}

/** Agent namespaces with the agent each belongs to (`mas/agent` label; configured ones named `agent-<agent>`). */
export function agentsByNamespace(resources: PolicyResource[], configured: string[] = []): Map<string, string> {
    const out = new Map<string, string>(configured.map((ns) => [ns, ns.replace(/^agent-/, "")]));
    for (const r of resources.filter((x) => x.type === NAMESPACE)) {
        const m = meta(r.props);
        const agent = m.labels[MESH.agentNamespaceLabel];
        if (typeof agent === "string") {
            out.set(m.name, agent);
        }
    }
    return out;
}
