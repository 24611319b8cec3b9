// Kubernetes NetworkPolicies of the agent namespaces taken as a union (lib/k8s-netpol.ts), against the
// catalog's intended flows.

import { PolicyResource } from "@pulumi/policy";
import { platformFacts } from "../../lib/agent-platform";
import { HttpsScope, intendedAgentFlows, intendedMeshRule } from "../../catalog/flows";
import {
    atomsOf,
    covered,
    describeAtom,
    isolated,
    Namespace as NetNamespace,
    parseNetPol,
    Rule as NetRule,
} from "../../lib/k8s-netpol";
import { asStrings as strings, stackPolicy } from "../lib";
import { agentsByNamespace, meta, NAMESPACE, obj } from "./shared";

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
/** Namespaces every cluster has, whether or not the plan creates them. */
const BUILT_IN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** A namespace nobody declared: stands for every namespace created later, so "all namespaces" shows. */
const STRANGER_NAMESPACE = "any-other-namespace";

/**
 * The plan's VPC ranges and the subnets of the EKS cluster's ENIs and the interface endpoints; undefined when the
 * plan has no VPC (then HTTPS may go anywhere).
 */
function httpsScopeOf(resources: PolicyResource[]): HttpsScope | undefined {
    const vpcCidrs = resources
        .filter((r) => r.type === "aws:ec2/vpc:Vpc")
        .map((r) => r.props.cidrBlock)
        .filter((c): c is string => typeof c === "string");
    if (vpcCidrs.length === 0) {
        // An agent stack's pods run in its platform's VPC; the platform's endpoints sit in its service subnets.
        const platform = platformFacts(resources);
        return platform
            ? {
                  vpcCidrs: [platform.network.vpcCidr],
                  endpointSubnetCidrs: [...platform.network.serviceSubnetCidrs].sort(),
              }
            : undefined;
    }
    const subnetCidr = new Map<string, string>();
    for (const s of resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")) {
        if (typeof s.props.id === "string" && typeof s.props.cidrBlock === "string") {
            subnetCidr.set(s.props.id, s.props.cidrBlock);
        }
    }
    const subnetIds = [
        ...resources
            .filter((r) => r.type === "aws:eks/cluster:Cluster")
            .flatMap((r) => strings(obj(r.props.vpcConfig).subnetIds)),
        ...resources
            .filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.props.vpcEndpointType === "Interface")
            .flatMap((r) => strings(r.props.subnetIds)),
    ];
    const endpointSubnetCidrs = [...new Set(subnetIds.flatMap((id) => subnetCidr.get(id) ?? []))].sort();
    return { vpcCidrs, endpointSubnetCidrs };
}

export const networkPolicyEffective = stackPolicy({
    name: "k8s-network-policy-effective",
    description:
        "The NetworkPolicies of each agent namespace, taken together as Kubernetes does (isolation by any selecting policy, allowed traffic the union of all their rules), isolate every pod in both directions and allow only the catalog's intended flows (own namespace, DNS, istiod, Pod Identity agent, the coordinator, HTTPS out of the VPC or to the subnets of the Kubernetes API and the interface endpoints).",
    controls: ["K8S-NETPOL"],
    severity: "critical",
    validate: (args, report) => {
        const declared: NetNamespace[] = args.resources
            .filter((r) => r.type === NAMESPACE)
            .map((r) => meta(r.props))
            .map((m) => ({ name: m.name, labels: { ...(m.labels as Record<string, string>) } }));
        const universe: NetNamespace[] = [
            ...declared,
            ...[...BUILT_IN_NAMESPACES, STRANGER_NAMESPACE]
                .filter((n) => !declared.some((d) => d.name === n))
                .map((name) => ({ name, labels: {} })),
        ].map((n) => ({ ...n, labels: { ...n.labels, "kubernetes.io/metadata.name": n.name } }));
        const agents = agentsByNamespace(args.resources);
        const https = httpsScopeOf(args.resources);
        const coordinators = [...agents]
            .filter(([, a]) => a.startsWith(intendedMeshRule.destinationType))
            .map(([ns]) => ns);
        const policies = args.resources
            .filter((r) => r.type === NETWORK_POLICY)
            .map((r) => ({ urn: r.urn, np: parseNetPol(r.props) }));
        const inNamespace = new Map<string, typeof policies>();
        for (const p of policies) {
            inNamespace.set(p.np.namespace, [...(inNamespace.get(p.np.namespace) ?? []), p]);
        }
        for (const ns of [...agents.keys()].sort()) {
            const mine = inNamespace.get(ns) ?? [];
            const intent = intendedAgentFlows(ns, coordinators, https);
            const allowed = {
                ingress: intent.ingress.flatMap((r) => atomsOf(r as NetRule, ns, universe)),
                egress: intent.egress.flatMap((r) => atomsOf(r as NetRule, ns, universe)),
            };
            const labelSets = [{}, ...mine.map((p) => p.np.podSelector.matchLabels ?? {})];
            for (const labels of labelSets) {
                const iso = isolated(
                    mine.map((p) => p.np),
                    ns,
                    labels,
                );
                const pods = Object.keys(labels).length ? `pods ${JSON.stringify(labels)}` : "every pod";
                for (const dir of ["ingress", "egress"] as const) {
                    if (!iso[dir]) {
                        report(
                            `[K8S-NETPOL] agent namespace ${ns}: ${pods} is not isolated for ${dir} (no NetworkPolicy selecting it lists ${dir === "ingress" ? "Ingress" : "Egress"}), so all ${dir} is allowed`,
                        );
                    }
                }
            }
            for (const { urn, np } of mine) {
                for (const dir of ["ingress", "egress"] as const) {
                    const extra = np[dir]
                        .flatMap((r) => atomsOf(r, ns, universe))
                        .filter((a) => !covered(a, allowed[dir]));
                    if (extra.length) {
                        report(
                            `[K8S-NETPOL] NetworkPolicy ${ns}/${np.name} allows ${dir} beyond the intended flows: ${extra
                                .slice(0, 4)
                                .map(describeAtom)
                                .join("; ")}${extra.length > 4 ? ` (+${extra.length - 4} more)` : ""}`,
                            urn,
                        );
                    }
                }
            }
        }
    },
});
