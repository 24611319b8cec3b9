// Per agent: a namespace-bound identity (Pod Identity association, namespace, service account) behind
// default-deny networking, a quota and RBAC. The resource count per agent is constant.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import { AGENT_LABEL } from "../../policy-pack/catalog/identity";
import { networkDesign } from "../../policy-pack/catalog/network";
import { agentNamespace } from "../config";
import { MONITORING_SERVICE_ACCOUNT } from "../identity";

/** EKS Pod Identity agent's link-local address (IPv4) on every node. */
const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";

export interface PodIdentitiesArgs {
    clusterName: pulumi.Input<string>;
    agents: string[];
    /** Each agent's workload role (identity section). */
    agentRoles: Record<string, { arn: pulumi.Input<string> }>;
    /** The monitoring agent's role, for its service account in the monitoring namespace (platform only). */
    monitoringAgentRoleArn?: pulumi.Input<string>;
    /** The Pod Identity agent add-on (an agent stack's cluster already has it: the platform's). */
    podIdentityAgent?: pulumi.Resource;
}

/** Pod Identity associations: each agent's service account → its own role (and the monitoring agent's). */
export function podIdentities(parent: pulumi.Resource, name: string, args: PodIdentitiesArgs) {
    const podIdentity = (key: string, namespace: string, serviceAccount: string, roleArn: pulumi.Input<string>) =>
        new aws.eks.PodIdentityAssociation(
            `${name}-pod-identity-${key}`,
            { clusterName: args.clusterName, namespace, serviceAccount, roleArn },
            { parent, dependsOn: args.podIdentityAgent ? [args.podIdentityAgent] : [] },
        );
    const agentAssociations = args.agents.map((agent) => {
        const r = args.agentRoles[agent];
        if (!r) {
            throw new Error(`no agent role for agent ${agent}`);
        }
        return podIdentity(agent, agentNamespace(agent), agent, r.arn);
    });
    if (args.monitoringAgentRoleArn !== undefined) {
        podIdentity(
            "monitoring-agent",
            MONITORING_SERVICE_ACCOUNT.namespace,
            MONITORING_SERVICE_ACCOUNT.name,
            args.monitoringAgentRoleArn,
        );
    }
    return agentAssociations;
}

export interface AgentNamespacesArgs {
    agents: string[];
    /** The VPC range: HTTPS out of it goes through the firewall, never to the rest of the VPC. */
    vpcCidr: pulumi.Input<string>;
    /** Subnets of the service segment (EKS API ENIs, interface endpoints). */
    serviceSubnetCidrs: pulumi.Input<string[]>;
    /** Each namespace's ResourceQuota. */
    quota: { cpu: pulumi.Input<string>; memory: pulumi.Input<string>; pods: number };
    /** Each namespace's LimitRange for containers: default request = limit, and the largest limit. */
    container: {
        defaultCpu: pulumi.Input<string>;
        defaultMemory: pulumi.Input<string>;
        maxCpu: pulumi.Input<string>;
        maxMemory: pulumi.Input<string>;
    };
    /** Name of the agents' ClusterRole (rbac.ts), bound in each namespace to its agent's service account. */
    agentClusterRole: pulumi.Input<string>;
    /** resource_manager's allocate ClusterRole (rbac.ts), bound in each agent namespace to its group. */
    resourceManagerAllocate?: { clusterRole: pulumi.Input<string>; group: pulumi.Input<string> };
}

/** The Kubernetes objects of each agent, one list per kind (in agent order). */
export interface AgentObjects {
    namespaces: Record<string, k8s.core.v1.Namespace>;
    ns: k8s.core.v1.Namespace[];
    sa: k8s.core.v1.ServiceAccount[];
    deny: k8s.networking.v1.NetworkPolicy[];
    allow: k8s.networking.v1.NetworkPolicy[];
    quota: k8s.core.v1.ResourceQuota[];
    limits: k8s.core.v1.LimitRange[];
    binding: k8s.rbac.v1.RoleBinding[];
    /** resource_manager's allocate rights in each agent namespace. */
    rmBinding: k8s.rbac.v1.RoleBinding[];
}

/** Per agent: namespace, service account, networking, quota, RBAC (constant count per agent). */
export function agentNamespaces(name: string, args: AgentNamespacesArgs, opts: pulumi.CustomResourceOptions) {
    const k = opts;
    const agents = args.agents;
    const coordinator = guide.serviceMesh.authorization.destinationPrincipal.split(".")[1];
    const out: AgentObjects = {
        namespaces: {},
        ns: [],
        sa: [],
        deny: [],
        allow: [],
        quota: [],
        limits: [],
        binding: [],
        rmBinding: [],
    };
    for (const agent of agents) {
        const nsName = agentNamespace(agent);
        const ns = new k8s.core.v1.Namespace(
            `${name}-ns-${agent}`,
            { metadata: { name: nsName, labels: namespaceLabels(agent) } },
            k,
        );
        out.namespaces[agent] = ns;
        const namespace = ns.metadata.name;
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-sa-${agent}`,
            { metadata: { name: agent, namespace, labels: { [AGENT_LABEL]: agent } } },
            k,
        );
        const deny = new k8s.networking.v1.NetworkPolicy(
            `${name}-deny-${agent}`,
            {
                metadata: { name: "default-deny", namespace },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
            k,
        );
        const allow = new k8s.networking.v1.NetworkPolicy(
            `${name}-mesh-${agent}`,
            {
                metadata: { name: "allow-mesh", namespace },
                // An agent stack knows the address plan only through its StackReference (an Output).
                spec: pulumi
                    .all([args.vpcCidr, args.serviceSubnetCidrs])
                    .apply(([vpc, service]) =>
                        meshNetworkPolicySpec(agent, coordinator, agents.includes(coordinator), vpc, service),
                    ),
            },
            k,
        );
        const quota = new k8s.core.v1.ResourceQuota(
            `${name}-quota-${agent}`,
            {
                metadata: { name: "agent-quota", namespace },
                spec: {
                    hard: {
                        "requests.cpu": args.quota.cpu,
                        "limits.cpu": args.quota.cpu,
                        "requests.memory": args.quota.memory,
                        "limits.memory": args.quota.memory,
                        pods: String(args.quota.pods),
                    },
                },
            },
            k,
        );
        const limits = new k8s.core.v1.LimitRange(
            `${name}-limits-${agent}`,
            {
                metadata: { name: "agent-limits", namespace },
                spec: {
                    limits: [
                        {
                            type: "Container",
                            default: { cpu: args.container.defaultCpu, memory: args.container.defaultMemory },
                            defaultRequest: {
                                cpu: args.container.defaultCpu,
                                memory: args.container.defaultMemory,
                            },
                            max: { cpu: args.container.maxCpu, memory: args.container.maxMemory },
                        },
                    ],
                },
            },
            k,
        );
        const binding = new k8s.rbac.v1.RoleBinding(
            `${name}-agent-${agent}`,
            {
                metadata: { name: "agent", namespace },
                roleRef: {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: args.agentClusterRole,
                },
                subjects: [{ kind: "ServiceAccount", name: agent, namespace: nsName }],
            },
            k,
        );
        out.ns.push(ns);
        out.sa.push(sa);
        out.deny.push(deny);
        out.allow.push(allow);
        out.quota.push(quota);
        out.limits.push(limits);
        out.binding.push(binding);
        if (args.resourceManagerAllocate) {
            out.rmBinding.push(
                new k8s.rbac.v1.RoleBinding(
                    `${name}-resource-manager-${agent}`,
                    {
                        metadata: { name: "resource-manager-allocate", namespace },
                        roleRef: {
                            apiGroup: "rbac.authorization.k8s.io",
                            kind: "ClusterRole",
                            name: args.resourceManagerAllocate.clusterRole,
                        },
                        subjects: [
                            {
                                kind: "Group",
                                name: args.resourceManagerAllocate.group,
                                apiGroup: "rbac.authorization.k8s.io",
                            },
                        ],
                    },
                    k,
                ),
            );
        }
    }
    return out;
}

/** Labels of an agent namespace: Pod Security Standard restricted (enforce / audit / warn) and mesh injection. */
export function namespaceLabels(agent: string): Record<string, string> {
    const psa = Object.fromEntries(
        ["enforce", "audit", "warn"].flatMap((mode) => [
            [`pod-security.kubernetes.io/${mode}`, "restricted"],
            [`pod-security.kubernetes.io/${mode}-version`, "latest"],
        ]),
    );
    return { [AGENT_LABEL]: agent, ...psa, "istio-injection": "enabled" };
}

const nsSelector = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });

/**
 * The flows an agent namespace needs next to its default-deny policy: DNS, istiod (xDS / CA 15012, webhook
 * 15017), the Pod Identity agent, its own namespace, the coordinator (and, for the coordinator, every agent),
 * HTTPS to the service segment (the EKS API endpoint's ENIs and the AWS interface endpoints live in its subnets:
 * STS, KMS, Secrets Manager, Logs, ...) and HTTPS leaving the VPC (through the network firewall's allow-list).
 */
export function meshNetworkPolicySpec(
    agent: string,
    coordinator: string,
    haveCoordinator: boolean,
    vpcCidr: string,
    serviceSubnetCidrs: string[],
): k8s.types.input.networking.v1.NetworkPolicySpec {
    const tcp = (port: number) => ({ protocol: "TCP", port });
    const isCoordinator = agent === coordinator;
    return {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [
            { from: [{ podSelector: {} }] },
            // Other agents reach the coordinator on the mesh port only, not on every port its pods open.
            ...(isCoordinator
                ? [
                      {
                          from: [
                              { namespaceSelector: { matchExpressions: [{ key: AGENT_LABEL, operator: "Exists" }] } },
                          ],
                          ports: [tcp(networkDesign.ports.agentMesh)],
                      },
                  ]
                : []),
        ],
        egress: [
            {
                to: [
                    {
                        namespaceSelector: nsSelector("kube-system"),
                        podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                    },
                ],
                ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
            },
            {
                to: [
                    { namespaceSelector: nsSelector("istio-system"), podSelector: { matchLabels: { app: "istiod" } } },
                ],
                ports: [tcp(15012), tcp(15017)],
            },
            { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(80)] },
            { to: [{ podSelector: {} }] },
            ...(haveCoordinator && !isCoordinator
                ? [
                      {
                          to: [{ namespaceSelector: nsSelector(agentNamespace(coordinator)) }],
                          ports: [tcp(networkDesign.ports.agentMesh)],
                      },
                  ]
                : []),
            // An ipBlock, not the `kubernetes` Service: the policy engine sees the API endpoint's ENI addresses.
            // The service subnets only (where those ENIs are), not the rest of the segment's range.
            { to: serviceSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] },
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [vpcCidr] } }], ports: [tcp(443)] },
        ],
    };
}
