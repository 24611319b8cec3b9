import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hasControl } from "../../policy-pack/catalog";
import { K8S_GROUPS } from "../../policy-pack/catalog/identity";
import { agentStackDeployers } from "./agent-deployers";
import {
    agentNamespace,
    clusterName,
    namePrefix,
    patchGroupName,
    Profile,
    SegmentLayout,
    segmentSubnets,
} from "../config";
import { EvidenceRegistry } from "../evidence";
import { agentNamespaces, podIdentities } from "./agents";
import {
    accessEntries,
    clusterAddons,
    clusterIam,
    clusterSecurityGroups,
    eksCluster,
    kubernetesProvider,
} from "./control-plane";
import { checkAgentInstanceType, enclaveDevicePlugin, NodeSegment, nodeGroups } from "./node-groups";
import { AGENT_PRIORITY_LEVEL, agentApiFlowControl, clusterRbac, priorityClasses } from "./rbac";
import { agentPodAdmission } from "./agent-admission";

export * from "./nodes";
export { meshNetworkPolicySpec, namespaceLabels } from "./agents";
export { deployerPrincipal, isAssumedRole, kubeconfigFor } from "./control-plane";
export { NODE_SEGMENTS, SEGMENT_NODE_LABEL } from "./node-groups";
export type { NodeSegment } from "./node-groups";
export { agentFlowSchemaSpec, PRIORITY_CLASSES, priorityAdmissionSpec } from "./rbac";

/** The data section's control for in-memory protection (secure_enclave), met by the agent nodes' enclaves. */
export const IN_MEMORY_CONTROL = "DATA-ENC-IN-MEMORY";

/** The stack config the cluster reads (keys as validated in components/config). */
export interface ClusterConfig extends SegmentLayout {
    /** Stack name: physical names, the cluster's name and the nodes' patch group derive from it. */
    stack: string;
    /** prod keeps the API endpoint private whatever eksPublicAccessCidrs says. */
    profile: Profile;
    eksPublicAccessCidrs: string[];
    kubernetesVersion: pulumi.Input<string>;
    deletionProtection: boolean;
    /** IAM principal with a cluster-admin access entry; empty means the caller identity. */
    eksDeployerPrincipalArn: string;
    /** The agent stacks' deployers (agent-deployers.ts); none when unset. */
    agentStackDeployerArns?: string[];
    agentNodeInstanceType: string;
    serviceNodeInstanceType: string;
    agentNodeCount: number;
    serviceNodeCount: number;
    nodeMaxCount: number;
    /** One namespace-bound identity per agent. */
    agents: string[];
    vpcCidr: string;
    agentQuotaCpu: pulumi.Input<string>;
    agentQuotaMemory: pulumi.Input<string>;
    agentQuotaPods: number;
    agentContainerDefaultCpu: pulumi.Input<string>;
    agentContainerDefaultMemory: pulumi.Input<string>;
    agentContainerMaxCpu: pulumi.Input<string>;
    agentContainerMaxMemory: pulumi.Input<string>;
}

/** What the cluster needs of an IAM role: its ARN. */
interface RoleRef {
    arn: pulumi.Input<string>;
}

export interface ClusterArgs {
    config: ClusterConfig;
    evidence: EvidenceRegistry;
    vpcId: pulumi.Input<string>;
    /**
     * Subnets of the agent and service segments (network section's segmentSubnets). Node groups stay per
     * segment; the control plane's ENIs go into the service subnets only.
     */
    subnetIds: { agent: pulumi.Input<string>[]; service: pulumi.Input<string>[] };
    /**
     * The network section's segment security groups (`securityGroups.agent.id` / `.service.id`): each node
     * group's launch template carries its segment's group next to the cluster's node group, so the segment
     * rules (and the Perimeter's ALB → service rule) apply to the nodes. index.ts always passes them.
     */
    segmentSecurityGroupIds?: { agent: pulumi.Input<string>; service: pulumi.Input<string> };
    /** CIDR of the management segment: the only network that reaches the private API endpoint. */
    managementCidr: pulumi.Input<string>;
    /** Data section keys: `eks` for secrets envelope encryption, `ebs` for node volumes. */
    eksKeyArn: pulumi.Input<string>;
    ebsKeyArn: pulumi.Input<string>;
    /** The data section's `/aws/eks/<cluster>/cluster` log group, created first (retention, KMS). */
    logGroup?: pulumi.Resource;
    /** Identity section's roles. */
    roles: { systemAdmin: RoleRef; operator: RoleRef; monitoringAgent: RoleRef; resourceManager: RoleRef };
    agentRoles: Record<string, RoleRef>;
    permissionsBoundaryArn: pulumi.Input<string>;
}

/**
 * The EKS cluster and its Kubernetes-side guardrails: private API authenticated through access entries only,
 * KMS-encrypted secrets, all control plane logs, IMDSv2 / encrypted / enclave-capable nodes, and per agent a
 * namespace-bound identity (namespace, service account, Pod Identity role) behind default-deny networking,
 * quotas and rate limits. Per-agent resource count is constant (10 with the two IAM resources of Identity), so
 * 1,000 agents stay a linear plan.
 *
 * The parts, in creation order: control-plane.ts (IAM, security groups, cluster, access entries, add-ons,
 * provider), node-groups.ts (launch templates, node groups, enclave device plugin), agents.ts (Pod Identity,
 * namespaces), rbac.ts (ClusterRoles, priority classes, API flow control). Every resource's parent is this
 * component.
 */
export class Cluster extends pulumi.ComponentResource {
    readonly cluster: aws.eks.Cluster;
    readonly k8sProvider: k8s.Provider;
    /** Kubeconfig (exec: `aws eks get-token`), a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly agentNamespaces: Record<string, k8s.core.v1.Namespace>;
    readonly nodeSecurityGroup: aws.ec2.SecurityGroup;
    readonly clusterSecurityGroup: aws.ec2.SecurityGroup;
    readonly clusterRole: aws.iam.Role;
    readonly nodeRole: aws.iam.Role;
    readonly launchTemplates: Record<NodeSegment, aws.ec2.LaunchTemplate>;
    readonly nodeGroups: Record<NodeSegment, aws.eks.NodeGroup>;
    /** The Auto Scaling group EKS creates behind each node group (the Perimeter attaches the service one). */
    readonly autoScalingGroupNames: Record<NodeSegment, pulumi.Output<string>>;
    /** The SSM parameter each node group's AMI comes from (the node roll reads the newest release there). */
    readonly nodeAmiParameters: Record<NodeSegment, pulumi.Output<string>>;
    /** What an agent namespace binds or points at (agent stacks get these through the platform contract). */
    readonly agentAccess: {
        agentClusterRole: pulumi.Output<string>;
        resourceManagerAllocate: { clusterRole: pulumi.Output<string>; group: string };
        agentPriorityLevel: pulumi.Output<string>;
    };

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:cluster:Cluster", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const prefix = namePrefix(cfg);
        const parent = { parent: this };
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        const caller = aws.getCallerIdentityOutput({}, parent);

        // The guide's in-memory protection (secure_enclave) lives on the agent nodes.
        checkAgentInstanceType(cfg.agentNodeInstanceType);

        const iam = clusterIam(this, name, { prefix, partition, permissionsBoundaryArn: args.permissionsBoundaryArn });
        this.clusterRole = iam.clusterRole;
        this.nodeRole = iam.nodeRole;
        const sgs = clusterSecurityGroups(this, name, {
            prefix,
            vpcId: args.vpcId,
            managementCidr: args.managementCidr,
        });
        this.clusterSecurityGroup = sgs.clusterSg;
        this.nodeSecurityGroup = sgs.nodeSg;

        this.cluster = eksCluster(this, name, {
            clusterName: clusterName(cfg),
            kubernetesVersion: cfg.kubernetesVersion,
            roleArn: this.clusterRole.arn,
            subnetIds: args.subnetIds.service,
            securityGroupId: this.clusterSecurityGroup.id,
            publicAccessCidrs: cfg.profile === "prod" ? [] : cfg.eksPublicAccessCidrs,
            eksKeyArn: args.eksKeyArn,
            deletionProtection: cfg.deletionProtection,
            dependsOn: [iam.clusterPolicy, ...(args.logGroup ? [args.logGroup] : [])],
        });
        const cluster = this.cluster;

        const access = accessEntries(this, name, {
            clusterName: cluster.name,
            partition,
            roleArns: {
                systemAdmin: args.roles.systemAdmin.arn,
                operator: args.roles.operator.arn,
                resourceManager: args.roles.resourceManager.arn,
            },
            deployerPrincipalArn: cfg.eksDeployerPrincipalArn,
            callerArn: caller.arn,
            agentStackDeployerArns: cfg.agentStackDeployerArns ?? [],
        });
        const { vpcCni, podIdentityAgent } = clusterAddons(this, name, cluster.name);

        const nodes = nodeGroups(this, name, {
            prefix,
            patchGroup: patchGroupName(cfg),
            clusterName: cluster.name,
            clusterEndpoint: cluster.endpoint,
            clusterCertificateAuthority: cluster.certificateAuthority.apply((ca) => ca.data ?? ""),
            clusterServiceCidr: cluster.kubernetesNetworkConfig.apply((n) => n.serviceIpv4Cidr),
            kubernetesVersion: cfg.kubernetesVersion,
            nodeRoleArn: this.nodeRole.arn,
            nodeSecurityGroupId: this.nodeSecurityGroup.id,
            segmentSecurityGroupIds: args.segmentSecurityGroupIds,
            subnetIds: args.subnetIds,
            ebsKeyArn: args.ebsKeyArn,
            nodes: {
                agent: { instanceType: cfg.agentNodeInstanceType, count: cfg.agentNodeCount },
                service: { instanceType: cfg.serviceNodeInstanceType, count: cfg.serviceNodeCount },
            },
            maxSize: cfg.nodeMaxCount,
            dependsOn: [...iam.nodePolicies, vpcCni],
        });
        this.launchTemplates = nodes.launchTemplates;
        this.nodeAmiParameters = nodes.amiParameters;
        this.nodeGroups = nodes.nodeGroups;
        this.autoScalingGroupNames = nodes.autoScalingGroupNames;

        const agents = cfg.agents;
        const agentAssociations = podIdentities(this, name, {
            clusterName: cluster.name,
            agents,
            agentRoles: args.agentRoles,
            monitoringAgentRoleArn: args.roles.monitoringAgent.arn,
            podIdentityAgent,
        });

        const provider = kubernetesProvider(this, name, {
            cluster,
            region,
            dependsOn: [access.deployerAssoc, ...Object.values(this.nodeGroups)],
        });
        this.kubeconfig = provider.kubeconfig;
        this.k8sProvider = provider.provider;
        const k = { parent: this, provider: this.k8sProvider };

        const enclavePlugin = enclaveDevicePlugin(name, k);
        const rbac = clusterRbac(name, k);
        const priority = priorityClasses(name, k);
        const flow = agentApiFlowControl(name, agents, k);
        if ((cfg.agentStackDeployerArns ?? []).length > 0) {
            agentStackDeployers(
                name,
                {
                    bindableClusterRoles: [rbac.agentRole.metadata.name, rbac.rmAllocateRole.metadata.name],
                    agentPriorityLevel: AGENT_PRIORITY_LEVEL,
                    platformFlowSchema: AGENT_PRIORITY_LEVEL,
                },
                k,
            );
        }
        this.agentAccess = {
            agentClusterRole: rbac.agentRole.metadata.name,
            resourceManagerAllocate: {
                clusterRole: rbac.rmAllocateRole.metadata.name,
                group: K8S_GROUPS.resourceManager,
            },
            agentPriorityLevel: flow.level.metadata.name,
        };
        // Agent pods on agent nodes (their segment and enclaves) and inside the mesh, enforced at admission.
        const agentAdmission = agentPodAdmission(name, k);
        const perAgent = agentNamespaces(
            name,
            {
                agents,
                vpcCidr: cfg.vpcCidr,
                serviceSubnetCidrs: segmentSubnets(cfg).service,
                quota: { cpu: cfg.agentQuotaCpu, memory: cfg.agentQuotaMemory, pods: cfg.agentQuotaPods },
                container: {
                    defaultCpu: cfg.agentContainerDefaultCpu,
                    defaultMemory: cfg.agentContainerDefaultMemory,
                    maxCpu: cfg.agentContainerMaxCpu,
                    maxMemory: cfg.agentContainerMaxMemory,
                },
                ...this.agentAccess,
            },
            k,
        );
        this.agentNamespaces = perAgent.namespaces;

        // --- Evidence.
        const lts = Object.values(this.launchTemplates);
        const { adminEntry, adminAssoc, operatorEntry, rmEntry, deployerEntry } = access;
        ev.record("EKS-ENDPOINT", cluster, this.clusterSecurityGroup, sgs.apiFromMgmt);
        ev.record("EKS-SECRETS", cluster);
        ev.record("EKS-LOGS", cluster);
        ev.record("EKS-AUTH-API", cluster, adminEntry, operatorEntry, rmEntry, deployerEntry);
        ev.record("EKS-NODE-IMDS", ...lts);
        ev.record("EKS-NODE-EBS", ...lts);
        if (hasControl(IN_MEMORY_CONTROL)) {
            ev.record(IN_MEMORY_CONTROL, this.launchTemplates.agent, this.nodeGroups.agent, enclavePlugin);
        }
        ev.record("RBAC-ADMIN-PERMS", adminEntry, adminAssoc);
        ev.record("RBAC-ADMIN-AUDIT", cluster);
        ev.record("RBAC-OPERATOR-PERMS", operatorEntry, rbac.operatorRole, rbac.operatorBinding);
        ev.record("RBAC-OPERATOR-NO-CONFIG", rbac.operatorRole);
        ev.record("RBAC-OPERATOR-NO-SECURITY", rbac.operatorRole, rbac.operatorBinding);
        ev.record("RBAC-AGENT-PERMS", rbac.agentRole, ...perAgent.sa, ...agentAssociations);
        ev.record("RBAC-AGENT-NS", ...perAgent.ns, ...perAgent.binding, ...agentAssociations);
        ev.record("RBAC-AGENT-RATE", flow.level, ...(flow.flow ? [flow.flow] : []));
        ev.record(
            "ACC-RES-ALLOCATE",
            rmEntry,
            rbac.rmRole,
            rbac.rmBinding,
            rbac.rmAllocateRole,
            ...perAgent.rmBinding,
            ...Object.values(this.nodeGroups),
        );
        ev.record("ACC-RES-QUOTA", ...perAgent.quota, ...perAgent.limits);
        ev.record("ACC-RES-PRIORITY", ...priority.classes, priority.vap, priority.vapBinding);
        ev.record("ACC-RES-MONITOR", adminEntry, operatorEntry, rbac.operatorRole);
        ev.record("K8S-PSA", ...perAgent.ns);
        ev.record("NET-SEG-AGENT", agentAdmission.policy, agentAdmission.binding);
        ev.record("MESH-MTLS-STRICT", agentAdmission.policy, agentAdmission.binding);
        ev.record("K8S-NETPOL", vpcCni, ...perAgent.deny, ...perAgent.allow);
        // Pod addresses: the CNI's per-node bound and the node groups' maxima, checked against the subnets.
        ev.record(
            "NET-POD-CAPACITY",
            vpcCni,
            ...Object.values(this.nodeGroups),
            ...Object.values(this.launchTemplates),
        );

        this.registerOutputs({
            clusterName: cluster.name,
            clusterArn: cluster.arn,
            endpoint: cluster.endpoint,
            nodeSecurityGroupId: this.nodeSecurityGroup.id,
            kubeconfig: this.kubeconfig,
            agentNamespaces: Object.fromEntries(agents.map((a) => [a, agentNamespace(a)])),
        });
    }
}
