// An agent stack's agents: the guide's per-agent controls, built by the same functions the platform uses for
// its own agents (identity/roles.ts, data/message-keys.ts, cluster/agents.ts, cluster/rbac.ts, mesh/traffic.ts),
// against the platform's cluster, mesh, boundary and keys as the contract gives them. Nothing here is shared:
// no cluster, node group, mesh install, boundary or data key; only per-agent resources and one policy, one
// FlowSchema and one Kubernetes provider per stack.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { agentFlowSchemaSpec } from "../cluster";
import { agentNamespaces, podIdentities } from "../cluster/agents";
import { agentNamespace, namePrefix, platformStackName, StackConfig } from "../config";
import { MessageKeys } from "../data/message-keys";
import { EvidenceRegistry } from "../evidence";
import { agentRoles, iamContext } from "../identity";
import { customResources } from "../mesh/custom-resource";
import { agentAuthorization, agentRateLimits } from "../mesh/traffic";
import { AgentPlatformContract } from "../platform/contract";

/** The keys an agent stack reads (AGENT_STACK_KEYS, with the naming keys). */
export type AgentFleetConfig = Pick<
    StackConfig,
    | "stack"
    | "project"
    | "platformStack"
    | "agents"
    | "deletionProtection"
    | "agentQuotaCpu"
    | "agentQuotaMemory"
    | "agentQuotaPods"
    | "agentContainerDefaultCpu"
    | "agentContainerDefaultMemory"
    | "agentContainerMaxCpu"
    | "agentContainerMaxMemory"
>;

export interface AgentFleetArgs {
    config: AgentFleetConfig;
    evidence: EvidenceRegistry;
    /** The validated contract of the platform stack (programs/agents.ts reads it through the StackReference). */
    platform: pulumi.Output<AgentPlatformContract>;
    /** The platform cluster's kubeconfig (a secret): this stack's Kubernetes provider. */
    kubeconfig: pulumi.Input<string>;
}

/**
 * Per agent (constant count): IAM role (Pod Identity trust for its namespace / service account, the platform's
 * permissions boundary) with the platform's shared ABAC policy and this stack's message-crypto policy attached,
 * its Ed25519 signing key and alias, its Pod Identity association, namespace, service account, default-deny and
 * mesh network policies, quota, limit range, RBAC bindings, Istio deny-all and rate limit.
 */
export class AgentFleet extends pulumi.ComponentResource {
    readonly k8sProvider: k8s.Provider;
    readonly agentRoles: Record<string, pulumi.CustomResource & { arn: pulumi.Output<string> }>;
    readonly agentNamespaces: Record<string, k8s.core.v1.Namespace>;

    constructor(name: string, args: AgentFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:agents:AgentFleet", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const p = args.platform;
        const agents = [...cfg.agents].sort();

        // This stack's own names (`mas-<agent stack>-...`), the platform's cluster in the Pod Identity trust.
        const prefix = namePrefix(cfg);
        const { json } = iamContext(this, cfg, prefix, p.cluster.name);
        const identity = agentRoles(this, name, {
            prefix,
            json,
            agents,
            platformStack: platformStackName(cfg),
            stack: cfg.stack,
            permissionsBoundaryArn: p.identity.permissionsBoundaryArn,
            agentPolicyArn: p.identity.agentPolicyArn,
        });
        this.agentRoles = identity.roles;
        const roleList = Object.values(identity.roles);

        const messages = new MessageKeys(
            `${name}-message`,
            {
                config: {
                    stack: cfg.stack,
                    project: cfg.project,
                    platformStack: cfg.platformStack,
                    deletionProtection: cfg.deletionProtection,
                },
                evidence: ev,
                agentRoles: identity.roles,
                payloadKeyArn: p.data.payloadKeyArn,
                payloadSecretArn: p.data.payloadSecretArn,
            },
            { parent: this },
        );

        const associations = podIdentities(this, name, {
            clusterName: p.cluster.name,
            agents,
            agentRoles: identity.roles,
        });

        // The platform's cluster, through its kubeconfig (exec: aws eks get-token; the deployer needs an access
        // entry there). Server-side apply as the platform's provider.
        this.k8sProvider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: args.kubeconfig, enableServerSideApply: true },
            { parent: this },
        );
        const k = { parent: this, provider: this.k8sProvider };
        const perAgent = agentNamespaces(
            name,
            {
                agents,
                vpcCidr: p.network.vpcCidr,
                serviceSubnetCidrs: p.network.serviceSubnetCidrs,
                quota: { cpu: cfg.agentQuotaCpu, memory: cfg.agentQuotaMemory, pods: cfg.agentQuotaPods },
                container: {
                    defaultCpu: cfg.agentContainerDefaultCpu,
                    defaultMemory: cfg.agentContainerDefaultMemory,
                    maxCpu: cfg.agentContainerMaxCpu,
                    maxMemory: cfg.agentContainerMaxMemory,
                },
                agentClusterRole: p.cluster.agentClusterRole,
                resourceManagerAllocate: {
                    clusterRole: p.cluster.resourceManagerAllocate.clusterRole,
                    group: p.cluster.resourceManagerAllocate.group,
                },
            },
            k,
        );
        this.agentNamespaces = perAgent.namespaces;

        // The agents' API requests: this stack's FlowSchema, in the platform's limited priority level.
        const flow = new k8s.flowcontrol.v1.FlowSchema(
            `${name}-agent-api`,
            {
                metadata: { name: `${prefix}-agents` },
                spec: p.cluster.agentPriorityLevel.apply((level) => agentFlowSchemaSpec(agents, level)),
            },
            k,
        );

        const cr = customResources(k);
        const namespaces = Object.fromEntries(agents.map((a) => [a, perAgent.namespaces[a].metadata.name]));
        const authz = agentAuthorization(
            name,
            { agents, agentNamespaces: namespaces, trustDomain: p.mesh.trustDomain },
            cr,
        );
        const limits = agentRateLimits(name, { agents, agentNamespaces: namespaces }, cr);

        // --- Evidence: the same controls the platform records for its own agents.
        ev.record("RBAC-AGENT-PERMS", ...roleList, ...identity.attachments, ...perAgent.sa, ...associations);
        ev.record("RBAC-AGENT-NS", ...roleList, ...perAgent.ns, ...perAgent.binding, ...associations);
        ev.record("RBAC-AGENT-RATE", flow);
        ev.record("IAM-BOUNDARY", ...roleList);
        ev.record("ACC-RES-ALLOCATE", ...perAgent.rmBinding);
        ev.record("ACC-RES-QUOTA", ...perAgent.quota, ...perAgent.limits);
        ev.record("K8S-PSA", ...perAgent.ns);
        ev.record("K8S-NETPOL", ...perAgent.deny, ...perAgent.allow);
        ev.record("MESH-AUTHZ-STRICT", ...authz.denyAll);
        if (authz.allowRules.length) {
            ev.record("MESH-AUTHZ-TASKS", ...authz.allowRules);
        }
        ev.record("MESH-RATE-AGENT", ...limits);

        this.registerOutputs({
            agents,
            agentNamespaces: Object.fromEntries(agents.map((a) => [a, agentNamespace(a)])),
            agentRoleArns: Object.fromEntries(agents.map((a) => [a, identity.roles[a].arn])),
            messagePolicyArn: messages.policy.arn,
        });
    }
}
