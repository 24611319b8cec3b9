import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { guide, hasControl } from "../../policy-pack/catalog";
import { AGENT_LABEL, EKS_LOG_TYPES, K8S_GROUPS, K8S_RBAC_LABEL } from "../../policy-pack/catalog/identity";
import { agentNamespace, clusterName, namePrefix, patchGroupName, segmentSubnets, StackConfig } from "../config";
import { EvidenceRegistry } from "../evidence";
import { MONITORING_SERVICE_ACCOUNT, serviceTrust } from "../identity";
import {
    amiTypeFor,
    ENCLAVE_ALLOCATION,
    ENCLAVE_DEVICE_PLUGIN,
    enclaveFits,
    nodeMaxPods,
    nodeUserData,
    vpcCniConfiguration,
} from "./nodes";

export * from "./nodes";

/** The data section's control for in-memory protection (secure_enclave), met by the agent nodes' enclaves. */
export const IN_MEMORY_CONTROL = "DATA-ENC-IN-MEMORY";

type NodeSegment = "agent" | "service";
/** Node label (and agent-node taint key) carrying a node's segment; the mesh pins the ingress gateway with it. */
export const SEGMENT_NODE_LABEL = "mas/segment";
const NODE_SEGMENTS: NodeSegment[] = ["agent", "service"];

export interface ClusterArgs {
    config: StackConfig;
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
    roles: {
        systemAdmin: aws.iam.Role;
        operator: aws.iam.Role;
        monitoringAgent: aws.iam.Role;
        resourceManager: aws.iam.Role;
    };
    agentRoles: Record<string, aws.iam.Role>;
    permissionsBoundaryArn: pulumi.Input<string>;
}

/** Per-agent Kubernetes priority classes (priority_verified); only the resource-manager group may use them. */
export const PRIORITY_CLASSES = { critical: 100_000, elevated: 10_000 } as const;

/** EKS Pod Identity agent's link-local address (IPv4) on every node. */
const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";
/** Kubernetes API Priority and Fairness budget of all agents together (shares of the API server's seats). */
const AGENT_API_SHARES = 10;

/**
 * The EKS cluster and its Kubernetes-side guardrails: private API authenticated through access entries only,
 * KMS-encrypted secrets, all control plane logs, IMDSv2 / encrypted / enclave-capable nodes, and per agent a
 * namespace-bound identity (namespace, service account, Pod Identity role) behind default-deny networking,
 * quotas and rate limits. Per-agent resource count is constant (10 with the two IAM resources of Identity), so 1,000 agents stay a linear plan.
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

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:cluster:Cluster", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const prefix = namePrefix(cfg);
        const parent = { parent: this };
        const partition = aws.getPartitionOutput({}, parent).partition;
        const region = aws.getRegionOutput({}, parent).region;
        const caller = aws.getCallerIdentityOutput({}, parent);
        const managedPolicy = (policy: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

        if (!enclaveFits(cfg.agentNodeInstanceType)) {
            // The guide's in-memory protection (secure_enclave) lives on the agent nodes.
            throw new Error(
                `agentNodeInstanceType ${cfg.agentNodeInstanceType} cannot host the agent enclaves (needs a Nitro type with >= 4 vCPUs, or Graviton >= 2; not t*, a1, mac; and ${ENCLAVE_ALLOCATION.cpuCount} vCPUs for the enclave plus 2 for the node)`,
            );
        }

        // --- IAM: control plane and node roles, both under the stack's permissions boundary.
        this.clusterRole = new aws.iam.Role(
            `${name}-cluster-role`,
            {
                name: `${prefix}-eks-cluster`,
                assumeRolePolicy: JSON.stringify(serviceTrust("eks.amazonaws.com", true)),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            parent,
        );
        const clusterPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-cluster-policy`,
            { role: this.clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") },
            parent,
        );
        this.nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            {
                name: `${prefix}-eks-node`,
                assumeRolePolicy: JSON.stringify(serviceTrust("ec2.amazonaws.com")),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            parent,
        );
        const nodePolicies = [
            "AmazonEKSWorkerNodePolicy",
            "AmazonEC2ContainerRegistryPullOnly",
            "AmazonEKS_CNI_Policy",
            // Shell access through SSM Session Manager instead of SSH (no key pair on the nodes).
            "AmazonSSMManagedInstanceCore",
        ].map(
            (p) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-node-${p}`,
                    { role: this.nodeRole.name, policyArn: managedPolicy(p) },
                    parent,
                ),
        );

        // --- Security groups: API from the management segment and the nodes only.
        this.clusterSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-cluster-sg`,
            {
                vpcId: args.vpcId,
                description: "EKS control plane: HTTPS from the management segment and the nodes",
                tags: { Name: `${prefix}-eks-cluster` },
            },
            parent,
        );
        this.nodeSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-node-sg`,
            {
                vpcId: args.vpcId,
                description:
                    "EKS nodes: control plane to kubelet / webhooks and nodes to the API; segment groups do the rest",
                tags: { Name: `${prefix}-eks-node` },
            },
            parent,
        );
        const cSg = this.clusterSecurityGroup.id;
        const nSg = this.nodeSecurityGroup.id;
        const ingress = (suffix: string, a: aws.vpc.SecurityGroupIngressRuleArgs) =>
            new aws.vpc.SecurityGroupIngressRule(`${name}-${suffix}`, a, parent);
        const egress = (suffix: string, a: aws.vpc.SecurityGroupEgressRuleArgs) =>
            new aws.vpc.SecurityGroupEgressRule(`${name}-${suffix}`, a, parent);
        const apiFromMgmt = ingress("api-from-mgmt", {
            securityGroupId: cSg,
            cidrIpv4: args.managementCidr,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "Kubernetes API from the management segment",
        });
        ingress("api-from-nodes", {
            securityGroupId: cSg,
            referencedSecurityGroupId: nSg,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "Kubernetes API from the nodes",
        });
        egress("cluster-to-nodes", {
            securityGroupId: cSg,
            referencedSecurityGroupId: nSg,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 65535,
            description: "Control plane to kubelet and admission webhooks",
        });
        ingress("nodes-from-cluster", {
            securityGroupId: nSg,
            referencedSecurityGroupId: cSg,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 65535,
            description: "Control plane to kubelet and admission webhooks",
        });
        // Only the control plane paths: node-to-node and internet egress come from the segment groups (the
        // nodes carry both, and security groups add up, so an open rule here would undo the segmentation).
        egress("nodes-to-api", {
            securityGroupId: nSg,
            referencedSecurityGroupId: cSg,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: "Kubelet and pods to the Kubernetes API",
        });

        // --- The cluster.
        const publicCidrs = cfg.profile === "prod" ? [] : cfg.eksPublicAccessCidrs;
        this.cluster = new aws.eks.Cluster(
            `${name}-eks`,
            {
                name: clusterName(cfg),
                version: cfg.kubernetesVersion,
                roleArn: this.clusterRole.arn,
                vpcConfig: {
                    // Service subnets only: control plane ENIs in the agent segment would sit behind its NACL,
                    // which admits only return traffic from the service segment (kubectl, kubelet → API fail).
                    subnetIds: args.subnetIds.service,
                    securityGroupIds: [cSg],
                    endpointPrivateAccess: true,
                    endpointPublicAccess: publicCidrs.length > 0,
                    ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
                },
                encryptionConfig: { provider: { keyArn: args.eksKeyArn }, resources: ["secrets"] },
                enabledClusterLogTypes: [...EKS_LOG_TYPES],
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
                // Stay on versions in standard support (auto-upgraded at its end) rather than paid extended support.
                upgradePolicy: { supportType: "STANDARD" },
                deletionProtection: cfg.deletionProtection,
                tags: { Name: clusterName(cfg) },
            },
            {
                parent: this,
                protect: cfg.deletionProtection,
                dependsOn: [clusterPolicy, ...(args.logGroup ? [args.logGroup] : [])],
            },
        );
        const cluster = this.cluster;

        // --- Access entries (authentication mode API): IAM role → Kubernetes group / access policy.
        const accessPolicy = (p: string) => pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${p}`;
        const entry = (key: string, principalArn: pulumi.Input<string>, groups: string[]) =>
            new aws.eks.AccessEntry(
                `${name}-access-${key}`,
                { clusterName: cluster.name, principalArn, type: "STANDARD", kubernetesGroups: groups },
                parent,
            );
        const clusterAdmin = (key: string, e: aws.eks.AccessEntry) =>
            new aws.eks.AccessPolicyAssociation(
                `${name}-access-${key}-admin`,
                {
                    clusterName: cluster.name,
                    principalArn: e.principalArn,
                    policyArn: accessPolicy("AmazonEKSClusterAdminPolicy"),
                    accessScope: { type: "cluster" },
                },
                { parent: this, dependsOn: [e] },
            );
        const adminEntry = entry("system-admin", args.roles.systemAdmin.arn, [K8S_GROUPS.systemAdmin]);
        const adminAssoc = clusterAdmin("system-admin", adminEntry);
        // Operator and resource manager get no EKS access policy: only the ClusterRoles bound to their groups below.
        const operatorEntry = entry("operator", args.roles.operator.arn, [K8S_GROUPS.operator]);
        const rmEntry = entry("resource-manager", args.roles.resourceManager.arn, [K8S_GROUPS.resourceManager]);
        // The identity running Pulumi must reach the API (the creator gets no implicit admin): explicit and visible.
        const deployerArn = cfg.eksDeployerPrincipalArn
            ? pulumi.output(cfg.eksDeployerPrincipalArn)
            : pulumi.output(caller.arn).apply((arn) => deployerPrincipal(arn, this));
        const deployerEntry = entry("deployer", deployerArn, []);
        const deployerAssoc = clusterAdmin("deployer", deployerEntry);

        // --- Add-ons: VPC CNI with NetworkPolicy enforcement, and the Pod Identity agent.
        const addon = (addonName: string, configurationValues?: string) =>
            new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: cluster.name,
                    addonName,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    ...(configurationValues ? { configurationValues } : {}),
                },
                parent,
            );
        const vpcCni = addon("vpc-cni", JSON.stringify(vpcCniConfiguration()));
        const podIdentityAgent = addon("eks-pod-identity-agent");

        // --- Nodes: one launch template + managed node group per segment.
        const types: Record<NodeSegment, string> = {
            agent: cfg.agentNodeInstanceType,
            service: cfg.serviceNodeInstanceType,
        };
        const counts: Record<NodeSegment, number> = { agent: cfg.agentNodeCount, service: cfg.serviceNodeCount };
        this.launchTemplates = {} as Record<NodeSegment, aws.ec2.LaunchTemplate>;
        this.nodeGroups = {} as Record<NodeSegment, aws.eks.NodeGroup>;
        for (const segment of NODE_SEGMENTS) {
            const instanceType = types[segment];
            const tags = { Name: `${prefix}-${segment}-node`, segment };
            // The operations section's patch maintenance window targets instances by this tag.
            const instanceTags = { ...tags, "Patch Group": patchGroupName(cfg) };
            const lt = new aws.ec2.LaunchTemplate(
                `${name}-${segment}-nodes`,
                {
                    name: `${prefix}-${segment}-nodes`,
                    description: `EKS ${segment} nodes: IMDSv2 only, encrypted volumes, no key pair`,
                    instanceType,
                    // IMDSv2 with one hop: pods (one hop further) cannot reach the node role's credentials.
                    metadataOptions: {
                        httpEndpoint: "enabled",
                        httpTokens: "required",
                        httpPutResponseHopLimit: 1,
                        instanceMetadataTags: "disabled",
                    },
                    blockDeviceMappings: [
                        {
                            deviceName: "/dev/xvda",
                            ebs: {
                                encrypted: "true",
                                kmsKeyId: args.ebsKeyArn,
                                volumeSize: 50,
                                volumeType: "gp3",
                                deleteOnTermination: "true",
                            },
                        },
                    ],
                    // Kubelet's maxPods bounded to what MAX_ENI lets the CNI address (else pods past the
                    // node's addresses are scheduled and never start). Agents process data in Nitro Enclaves
                    // (data_protection.encryption.in_memory: secure_enclave): the allocator part reserves the
                    // enclave's CPUs and hugepages at boot (usable, not just on).
                    userData: nodeUserData({
                        maxPods: nodeMaxPods(instanceType),
                        ...(segment === "agent" ? { enclave: ENCLAVE_ALLOCATION } : {}),
                    }),
                    ...(segment === "agent" ? { enclaveOptions: { enabled: true } } : {}),
                    // With groups in the launch template EKS adds no cluster security group itself: the node
                    // group (control plane paths) plus the segment's group (segmentation, ALB → gateway).
                    vpcSecurityGroupIds: [
                        nSg,
                        ...(args.segmentSecurityGroupIds ? [args.segmentSecurityGroupIds[segment]] : []),
                    ],
                    monitoring: { enabled: true },
                    tagSpecifications: [
                        { resourceType: "instance", tags: instanceTags },
                        { resourceType: "volume", tags },
                    ],
                    updateDefaultVersion: true,
                    tags: { segment },
                },
                parent,
            );
            this.launchTemplates[segment] = lt;
            this.nodeGroups[segment] = new aws.eks.NodeGroup(
                `${name}-${segment}`,
                {
                    clusterName: cluster.name,
                    nodeGroupName: `${prefix}-${segment}`,
                    nodeRoleArn: this.nodeRole.arn,
                    subnetIds: args.subnetIds[segment],
                    amiType: amiTypeFor(instanceType),
                    capacityType: "ON_DEMAND",
                    scalingConfig: {
                        minSize: counts[segment],
                        desiredSize: counts[segment],
                        maxSize: cfg.nodeMaxCount,
                    },
                    updateConfig: { maxUnavailable: 1 },
                    launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
                    labels: {
                        [SEGMENT_NODE_LABEL]: segment,
                        // The enclave device plugin's DaemonSet selects nodes by this label.
                        ...(segment === "agent"
                            ? { [ENCLAVE_DEVICE_PLUGIN.nodeLabel]: ENCLAVE_DEVICE_PLUGIN.nodeLabelValue }
                            : {}),
                    },
                    // Only agent pods (with the matching toleration) land on agent nodes.
                    taints:
                        segment === "agent" ? [{ key: SEGMENT_NODE_LABEL, value: "agent", effect: "NO_SCHEDULE" }] : [],
                    tags: { segment },
                },
                {
                    parent: this,
                    dependsOn: [...nodePolicies, vpcCni],
                    // resource_manager scales node groups; an update must not undo it.
                    ignoreChanges: ["scalingConfig.desiredSize"],
                },
            );
        }

        this.autoScalingGroupNames = Object.fromEntries(
            NODE_SEGMENTS.map((segment) => [
                segment,
                this.nodeGroups[segment].resources.apply((resources) => {
                    const asg = resources[0]?.autoscalingGroups[0]?.name;
                    if (!asg) {
                        throw new Error(`node group ${prefix}-${segment} reports no Auto Scaling group`);
                    }
                    return asg;
                }),
            ]),
        ) as Record<NodeSegment, pulumi.Output<string>>;

        // --- Pod Identity associations: each agent's service account → its own role.
        const agents = cfg.agents;
        const podIdentity = (key: string, namespace: string, serviceAccount: string, roleArn: pulumi.Input<string>) =>
            new aws.eks.PodIdentityAssociation(
                `${name}-pod-identity-${key}`,
                { clusterName: cluster.name, namespace, serviceAccount, roleArn },
                { parent: this, dependsOn: [podIdentityAgent] },
            );
        const agentAssociations = agents.map((agent) => {
            const r = args.agentRoles[agent];
            if (!r) {
                throw new Error(`no agent role for agent ${agent}`);
            }
            return podIdentity(agent, agentNamespace(agent), agent, r.arn);
        });
        podIdentity(
            "monitoring-agent",
            MONITORING_SERVICE_ACCOUNT.namespace,
            MONITORING_SERVICE_ACCOUNT.name,
            args.roles.monitoringAgent.arn,
        );

        // --- Kubernetes provider from the cluster (no ambient kubeconfig).
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([cluster.name, cluster.endpoint, cluster.certificateAuthority, region])
                .apply(([n, endpoint, ca, r]) => kubeconfigFor(n, endpoint, ca.data ?? "", r)),
        );
        this.k8sProvider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: [deployerAssoc, ...Object.values(this.nodeGroups)] },
        );
        const k = { parent: this, provider: this.k8sProvider };

        // --- Nitro Enclaves device plugin on the agent nodes: pods get /dev/nitro_enclaves through the
        // aws.ec2.nitro/nitro_enclaves resource instead of a privileged hostPath of their own.
        const enclavePlugin = new k8s.apps.v1.DaemonSet(
            `${name}-nitro-enclaves-device-plugin`,
            {
                metadata: {
                    name: "aws-nitro-enclaves-k8s-daemonset",
                    namespace: "kube-system",
                    labels: { name: ENCLAVE_DEVICE_PLUGIN.nodeLabel },
                },
                spec: {
                    selector: { matchLabels: { name: ENCLAVE_DEVICE_PLUGIN.nodeLabel } },
                    updateStrategy: { type: "RollingUpdate" },
                    template: {
                        metadata: { labels: { name: ENCLAVE_DEVICE_PLUGIN.nodeLabel } },
                        spec: {
                            nodeSelector: { [ENCLAVE_DEVICE_PLUGIN.nodeLabel]: ENCLAVE_DEVICE_PLUGIN.nodeLabelValue },
                            // Agent nodes are tainted for agent pods only.
                            tolerations: [
                                { key: SEGMENT_NODE_LABEL, operator: "Equal", value: "agent", effect: "NoSchedule" },
                            ],
                            priorityClassName: "system-node-critical",
                            containers: [
                                {
                                    name: "aws-nitro-enclaves-k8s-dp",
                                    image: ENCLAVE_DEVICE_PLUGIN.image,
                                    imagePullPolicy: "IfNotPresent",
                                    env: [
                                        { name: "ENCLAVE_CPU_ADVERTISEMENT", value: "false" },
                                        {
                                            name: "MAX_ENCLAVES_PER_NODE",
                                            value: String(ENCLAVE_DEVICE_PLUGIN.maxEnclavesPerNode),
                                        },
                                    ],
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                    resources: {
                                        limits: { cpu: "100m", memory: "15Mi" },
                                        requests: { cpu: "10m", memory: "15Mi" },
                                    },
                                    volumeMounts: [
                                        { name: "device-plugin", mountPath: "/var/lib/kubelet/device-plugins" },
                                        { name: "dev-dir", mountPath: "/dev" },
                                        { name: "sys-dir", mountPath: "/sys" },
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "device-plugin", hostPath: { path: "/var/lib/kubelet/device-plugins" } },
                                { name: "dev-dir", hostPath: { path: "/dev" } },
                                { name: "sys-dir", hostPath: { path: "/sys" } },
                            ],
                            terminationGracePeriodSeconds: 30,
                        },
                    },
                },
            },
            k,
        );

        // --- Cluster-wide RBAC for the human roles' groups.
        const clusterRole = (key: string, rbac: string, rules: k8s.types.input.rbac.v1.PolicyRule[]) =>
            new k8s.rbac.v1.ClusterRole(
                `${name}-${key}`,
                { metadata: { name: `mas:${key}`, labels: { [K8S_RBAC_LABEL]: rbac } }, rules },
                k,
            );
        const bindGroup = (key: string, role: k8s.rbac.v1.ClusterRole, group: string) =>
            new k8s.rbac.v1.ClusterRoleBinding(
                `${name}-${key}`,
                {
                    metadata: { name: `mas:${key}` },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
                    subjects: [{ kind: "Group", name: group, apiGroup: "rbac.authorization.k8s.io" }],
                },
                k,
            );
        const read = ["get", "list", "watch"];
        // operator: view status and logs; restart = delete / evict pods (their controllers recreate them
        // unchanged). No patch on workloads: RBAC cannot limit a patch to the restart annotation.
        const operatorRole = clusterRole("operator", "operator", [
            {
                apiGroups: [""],
                resources: ["pods", "events", "services", "endpoints", "namespaces", "nodes", "resourcequotas"],
                verbs: read,
            },
            { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
            { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
            { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
            {
                apiGroups: ["apps"],
                resources: ["deployments", "replicasets", "statefulsets", "daemonsets"],
                verbs: read,
            },
            { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: read },
            { apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list"] },
        ]);
        const operatorBinding = bindGroup("operator", operatorRole, K8S_GROUPS.operator);
        const rmRole = clusterRole("resource-manager", "resource_manager", [
            {
                apiGroups: [""],
                resources: ["resourcequotas", "limitranges"],
                verbs: [...read, "create", "update", "patch"],
            },
            { apiGroups: ["scheduling.k8s.io"], resources: ["priorityclasses"], verbs: read },
            {
                apiGroups: ["apps"],
                resources: ["deployments", "statefulsets"],
                verbs: [...read, "create", "update", "patch"],
            },
            {
                apiGroups: ["apps"],
                resources: ["deployments/scale", "statefulsets/scale"],
                verbs: ["get", "update", "patch"],
            },
            { apiGroups: [""], resources: ["nodes", "pods", "namespaces"], verbs: read },
        ]);
        const rmBinding = bindGroup("resource-manager", rmRole, K8S_GROUPS.resourceManager);
        // agent: read its own namespace's configuration (bound per namespace by a RoleBinding).
        const agentRole = clusterRole("agent", "agent", [
            { apiGroups: [""], resources: ["configmaps"], verbs: read },
            { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
        ]);

        // --- priority_verified: priority classes only the resource-manager group may use.
        const priorityClasses = Object.entries(PRIORITY_CLASSES).map(
            ([key, value]) =>
                new k8s.scheduling.v1.PriorityClass(
                    `${name}-priority-${key}`,
                    {
                        metadata: { name: `mas-${key}` },
                        value,
                        globalDefault: false,
                        description: `Agent priority ${key}: only the ${K8S_GROUPS.resourceManager} group may use it.`,
                    },
                    k,
                ),
        );
        const priorityNames = Object.keys(PRIORITY_CLASSES).map((key) => `mas-${key}`);
        const vap = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
            `${name}-priority-admission`,
            {
                metadata: { name: "mas-priority-class-allocation" },
                spec: priorityAdmissionSpec(priorityNames, K8S_GROUPS.resourceManager),
            },
            k,
        );
        const vapBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
            `${name}-priority-admission`,
            {
                metadata: { name: "mas-priority-class-allocation" },
                spec: { policyName: vap.metadata.name, validationActions: ["Deny"] },
            },
            k,
        );

        // --- rate_limited: API Priority and Fairness queues every agent service account's API calls.
        const agentLevel = new k8s.flowcontrol.v1.PriorityLevelConfiguration(
            `${name}-agent-api`,
            {
                metadata: { name: "mas-agents" },
                spec: {
                    type: "Limited",
                    limited: {
                        nominalConcurrencyShares: AGENT_API_SHARES,
                        lendablePercent: 0,
                        limitResponse: {
                            type: "Queue",
                            queuing: { queues: 64, handSize: 6, queueLengthLimit: 50 },
                        },
                    },
                },
            },
            k,
        );
        const agentFlow = new k8s.flowcontrol.v1.FlowSchema(
            `${name}-agent-api`,
            {
                metadata: { name: "mas-agents" },
                spec: agentFlowSchemaSpec(agents, "mas-agents"),
            },
            { ...k, dependsOn: [agentLevel] },
        );

        // --- Per agent: namespace, service account, networking, quota, RBAC (constant count per agent).
        const coordinator = guide.serviceMesh.authorization.destinationPrincipal.split(".")[1];
        this.agentNamespaces = {};
        const perAgent: Record<string, pulumi.Resource[]> = {
            ns: [],
            sa: [],
            deny: [],
            allow: [],
            quota: [],
            limits: [],
            binding: [],
        };
        for (const agent of agents) {
            const nsName = agentNamespace(agent);
            const ns = new k8s.core.v1.Namespace(
                `${name}-ns-${agent}`,
                { metadata: { name: nsName, labels: namespaceLabels(agent) } },
                k,
            );
            this.agentNamespaces[agent] = ns;
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
                    spec: meshNetworkPolicySpec(
                        agent,
                        coordinator,
                        agents.includes(coordinator),
                        cfg.vpcCidr,
                        segmentSubnets(cfg).service,
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
                            "requests.cpu": cfg.agentQuotaCpu,
                            "limits.cpu": cfg.agentQuotaCpu,
                            "requests.memory": cfg.agentQuotaMemory,
                            "limits.memory": cfg.agentQuotaMemory,
                            pods: String(cfg.agentQuotaPods),
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
                                default: { cpu: cfg.agentContainerDefaultCpu, memory: cfg.agentContainerDefaultMemory },
                                defaultRequest: {
                                    cpu: cfg.agentContainerDefaultCpu,
                                    memory: cfg.agentContainerDefaultMemory,
                                },
                                max: { cpu: cfg.agentContainerMaxCpu, memory: cfg.agentContainerMaxMemory },
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
                        name: agentRole.metadata.name,
                    },
                    subjects: [{ kind: "ServiceAccount", name: agent, namespace: nsName }],
                },
                k,
            );
            perAgent.ns.push(ns);
            perAgent.sa.push(sa);
            perAgent.deny.push(deny);
            perAgent.allow.push(allow);
            perAgent.quota.push(quota);
            perAgent.limits.push(limits);
            perAgent.binding.push(binding);
        }

        // --- Evidence.
        const lts = Object.values(this.launchTemplates);
        ev.record("EKS-ENDPOINT", cluster, this.clusterSecurityGroup, apiFromMgmt);
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
        ev.record("RBAC-OPERATOR-PERMS", operatorEntry, operatorRole, operatorBinding);
        ev.record("RBAC-OPERATOR-NO-CONFIG", operatorRole);
        ev.record("RBAC-OPERATOR-NO-SECURITY", operatorRole, operatorBinding);
        ev.record("RBAC-AGENT-PERMS", agentRole, ...perAgent.sa, ...agentAssociations);
        ev.record("RBAC-AGENT-NS", ...perAgent.ns, ...perAgent.binding, ...agentAssociations);
        ev.record("RBAC-AGENT-RATE", agentLevel, agentFlow);
        ev.record("ACC-RES-ALLOCATE", rmEntry, rmRole, rmBinding, ...Object.values(this.nodeGroups));
        ev.record("ACC-RES-QUOTA", ...perAgent.quota, ...perAgent.limits);
        ev.record("ACC-RES-PRIORITY", ...priorityClasses, vap, vapBinding);
        ev.record("ACC-RES-MONITOR", adminEntry, operatorEntry, operatorRole);
        ev.record("K8S-PSA", ...perAgent.ns);
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
            nodeSecurityGroupId: nSg,
            kubeconfig: this.kubeconfig,
            agentNamespaces: Object.fromEntries(agents.map((a) => [a, agentNamespace(a)])),
        });
    }
}

/** True for an STS assumed-role session ARN (`arn:<p>:sts::<acct>:assumed-role/<role>/<session>`). */
export function isAssumedRole(callerArn: string): boolean {
    return /^arn:[^:]+:sts::\d{12}:assumed-role\/[^/]+\/.+$/.test(callerArn);
}

/**
 * The IAM principal (for an access entry) behind the caller: an assumed-role session maps to its role's full
 * ARN, path included. EKS access entries take a role ARN with its path (EKS user guide, "Create access
 * entries": only aws-auth ConfigMap entries cannot have one) and must name an existing principal, while the
 * session ARN drops the path (SSO roles live under aws-reserved/sso.amazonaws.com/...): IAM's session
 * context (aws.iam.getSessionContext) gives the issuer role's real ARN. Users and roles pass through.
 */
export async function deployerPrincipal(callerArn: string, parent: pulumi.Resource): Promise<string> {
    if (!isAssumedRole(callerArn)) {
        return callerArn;
    }
    return (await aws.iam.getSessionContext({ arn: callerArn }, { parent })).issuerArn;
}

export function kubeconfigFor(name: string, endpoint: string, caData: string, region: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": caData } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
            {
                name,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"],
                    },
                },
            },
        ],
    });
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
            ...(isCoordinator
                ? [{ from: [{ namespaceSelector: { matchExpressions: [{ key: AGENT_LABEL, operator: "Exists" }] } }] }]
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
                ? [{ to: [{ namespaceSelector: nsSelector(agentNamespace(coordinator)) }] }]
                : []),
            // An ipBlock, not the `kubernetes` Service: the policy engine sees the API endpoint's ENI addresses.
            // The service subnets only (where those ENIs are), not the rest of the segment's range.
            { to: serviceSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443)] },
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [vpcCidr] } }], ports: [tcp(443)] },
        ],
    };
}

/**
 * ValidatingAdmissionPolicy: a pod or workload template naming one of `classes` is admitted only for a member
 * of `group`. Controllers in kube-system create the pods of admitted workloads, so they pass.
 */
export function priorityAdmissionSpec(
    classes: string[],
    group: string,
): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec {
    const ops = ["CREATE", "UPDATE"];
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            resourceRules: [
                { apiGroups: [""], apiVersions: ["v1"], operations: ops, resources: ["pods"] },
                {
                    apiGroups: ["apps"],
                    apiVersions: ["v1"],
                    operations: ops,
                    resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
                },
                { apiGroups: ["batch"], apiVersions: ["v1"], operations: ops, resources: ["jobs", "cronjobs"] },
            ],
        },
        variables: [
            {
                name: "podSpec",
                expression:
                    "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
            },
            {
                name: "priorityClass",
                expression: "has(variables.podSpec.priorityClassName) ? variables.podSpec.priorityClassName : ''",
            },
        ],
        validations: [
            {
                expression: `!(variables.priorityClass in ${JSON.stringify(classes)}) || request.userInfo.groups.exists(g, g == '${group}') || request.userInfo.username.startsWith('system:serviceaccount:kube-system:')`,
                message: `priority classes ${classes.join(", ")} may only be used by ${group}`,
                reason: "Forbidden",
            },
        ],
    };
}

/** FlowSchema that puts every agent namespace's service accounts into one limited, fairly queued level. */
export function agentFlowSchemaSpec(agents: string[], level: string): k8s.types.input.flowcontrol.v1.FlowSchemaSpec {
    return {
        priorityLevelConfiguration: { name: level },
        // Before the built-in service-accounts schema (9000), after the system ones.
        matchingPrecedence: 1000,
        distinguisherMethod: { type: "ByNamespace" },
        rules: [
            {
                subjects: agents.map((a) => ({
                    kind: "ServiceAccount",
                    serviceAccount: { namespace: agentNamespace(a), name: "*" },
                })),
                resourceRules: [
                    { verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"], clusterScope: true },
                ],
                nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
            },
        ],
    };
}
