// The EKS nodes: one launch template and managed node group per segment, and the Nitro Enclaves device plugin
// that makes the agent nodes' enclaves usable by pods.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    eksAmiParameter,
    ENCLAVE_ALLOCATION,
    ENCLAVE_DEVICE_PLUGIN,
    enclaveFits,
    nodeMaxPods,
    nodeUserData,
} from "./nodes";

export type NodeSegment = "agent" | "service";
/** Node label (and agent-node taint key) carrying a node's segment; the mesh pins the ingress gateway with it. */
export const SEGMENT_NODE_LABEL = "mas/segment";
export const NODE_SEGMENTS: NodeSegment[] = ["agent", "service"];

/** Throws unless the agent instance type can host the enclaves (the guide's in-memory protection). */
export function checkAgentInstanceType(instanceType: string): void {
    if (!enclaveFits(instanceType)) {
        throw new Error(
            `agentNodeInstanceType ${instanceType} cannot host the agent enclaves (needs a Nitro type with >= 4 vCPUs, or Graviton >= 2; not t*, a1, mac; and ${ENCLAVE_ALLOCATION.cpuCount} vCPUs for the enclave plus 2 for the node)`,
        );
    }
}

export interface NodeGroupsArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    /** SSM patch group the instances are tagged with (the operations section's maintenance window targets it). */
    patchGroup: string;
    clusterName: pulumi.Input<string>;
    /** What nodeadm needs to join (the NodeConfig of a custom-AMI node carries it all). */
    clusterEndpoint: pulumi.Input<string>;
    clusterCertificateAuthority: pulumi.Input<string>;
    clusterServiceCidr: pulumi.Input<string>;
    /** The cluster's Kubernetes version: the nodes run its recommended EKS AL2023 AMI. */
    kubernetesVersion: pulumi.Input<string>;
    nodeRoleArn: pulumi.Input<string>;
    /** The cluster's node security group (control plane paths). */
    nodeSecurityGroupId: pulumi.Input<string>;
    /** The network section's segment security groups, added next to the node group. */
    segmentSecurityGroupIds?: Record<NodeSegment, pulumi.Input<string>>;
    subnetIds: Record<NodeSegment, pulumi.Input<string>[]>;
    /** KMS key of the node volumes. */
    ebsKeyArn: pulumi.Input<string>;
    /** Instance type and minimum / desired size per segment. */
    nodes: Record<NodeSegment, { instanceType: string; count: number }>;
    maxSize: number;
    /** What the node groups wait for (node role policies, the VPC CNI add-on). */
    dependsOn: pulumi.Resource[];
}

/**
 * A segment's node labels: its segment (the mesh pins the ingress gateway with it) and, on agent nodes, the
 * label the enclave device plugin's DaemonSet selects. With a node group name, also the labels EKS's own
 * bootstrap gives managed nodes (a custom-AMI node registers with them from its NodeConfig).
 */
export function nodeLabels(segment: NodeSegment, nodeGroupName?: string): Record<string, string> {
    return {
        [SEGMENT_NODE_LABEL]: segment,
        ...(segment === "agent" ? { [ENCLAVE_DEVICE_PLUGIN.nodeLabel]: ENCLAVE_DEVICE_PLUGIN.nodeLabelValue } : {}),
        ...(nodeGroupName
            ? { "eks.amazonaws.com/nodegroup": nodeGroupName, "eks.amazonaws.com/capacityType": "ON_DEMAND" }
            : {}),
    };
}

/** One launch template + managed node group per segment: IMDSv2 only, encrypted volumes, enclaves on agent nodes. */
export function nodeGroups(parent: pulumi.Resource, name: string, args: NodeGroupsArgs) {
    const launchTemplates = {} as Record<NodeSegment, aws.ec2.LaunchTemplate>;
    const amiParameters = {} as Record<NodeSegment, pulumi.Output<string>>;
    const groups = {} as Record<NodeSegment, aws.eks.NodeGroup>;
    for (const segment of NODE_SEGMENTS) {
        const instanceType = args.nodes[segment].instanceType;
        const tags = { Name: `${args.prefix}-${segment}-node`, segment };
        // The operations section's patch maintenance window targets instances by this tag.
        const instanceTags = { ...tags, "Patch Group": args.patchGroup };
        const amiParameter = pulumi.output(args.kubernetesVersion).apply((v) => eksAmiParameter(v, instanceType));
        amiParameters[segment] = amiParameter;
        const lt = new aws.ec2.LaunchTemplate(
            `${name}-${segment}-nodes`,
            {
                name: `${args.prefix}-${segment}-nodes`,
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
                // The recommended EKS AL2023 AMI as a custom AMI, so EKS adds no NodeConfig of its own and the
                // one here holds: kubelet's maxPods bounded to what MAX_ENI lets the CNI address (else pods past
                // the node's addresses are scheduled and never start). Each `pulumi up` reads the parameter again,
                // so a new AMI release rolls the nodes through a new launch template version. Agents process data
                // in Nitro Enclaves (data_protection.encryption.in_memory: secure_enclave): the allocator part
                // reserves the enclave's CPUs and hugepages at boot (usable, not just on).
                imageId: aws.ssm.getParameterOutput({ name: amiParameter }, { parent }).apply((p) => p.value),
                userData: pulumi
                    .all([
                        args.clusterName,
                        args.clusterEndpoint,
                        args.clusterCertificateAuthority,
                        args.clusterServiceCidr,
                    ])
                    .apply(([clusterName, apiServerEndpoint, certificateAuthority, cidr]) =>
                        nodeUserData({
                            cluster: { name: clusterName, apiServerEndpoint, certificateAuthority, cidr },
                            maxPods: nodeMaxPods(instanceType),
                            labels: nodeLabels(segment, `${args.prefix}-${segment}`),
                            taints: segment === "agent" ? [{ key: SEGMENT_NODE_LABEL, value: "agent" }] : [],
                            ...(segment === "agent" ? { enclave: ENCLAVE_ALLOCATION } : {}),
                        }),
                    ),
                ...(segment === "agent" ? { enclaveOptions: { enabled: true } } : {}),
                // With groups in the launch template EKS adds no cluster security group itself: the node
                // group (control plane paths) plus the segment's group (segmentation, ALB → gateway).
                vpcSecurityGroupIds: [
                    args.nodeSecurityGroupId,
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
            { parent },
        );
        launchTemplates[segment] = lt;
        groups[segment] = new aws.eks.NodeGroup(
            `${name}-${segment}`,
            {
                clusterName: args.clusterName,
                nodeGroupName: `${args.prefix}-${segment}`,
                nodeRoleArn: args.nodeRoleArn,
                subnetIds: args.subnetIds[segment],
                // No amiType (nor version / releaseVersion): the launch template names a custom AMI.
                capacityType: "ON_DEMAND",
                scalingConfig: {
                    minSize: args.nodes[segment].count,
                    desiredSize: args.nodes[segment].count,
                    maxSize: args.maxSize,
                },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
                labels: nodeLabels(segment),
                // Only agent pods (with the matching toleration) land on agent nodes.
                taints: segment === "agent" ? [{ key: SEGMENT_NODE_LABEL, value: "agent", effect: "NO_SCHEDULE" }] : [],
                tags: { segment },
            },
            {
                parent,
                dependsOn: args.dependsOn,
                // resource_manager scales node groups; an update must not undo it.
                ignoreChanges: ["scalingConfig.desiredSize"],
            },
        );
    }

    const autoScalingGroupNames = Object.fromEntries(
        NODE_SEGMENTS.map((segment) => [
            segment,
            groups[segment].resources.apply((resources) => {
                const asg = resources[0]?.autoscalingGroups[0]?.name;
                if (!asg) {
                    throw new Error(`node group ${args.prefix}-${segment} reports no Auto Scaling group`);
                }
                return asg;
            }),
        ]),
    ) as Record<NodeSegment, pulumi.Output<string>>;
    return { launchTemplates, nodeGroups: groups, autoScalingGroupNames, amiParameters };
}

/**
 * Nitro Enclaves device plugin on the agent nodes: pods get /dev/nitro_enclaves through the
 * aws.ec2.nitro/nitro_enclaves resource instead of a privileged hostPath of their own.
 */
export function enclaveDevicePlugin(name: string, opts: pulumi.CustomResourceOptions): k8s.apps.v1.DaemonSet {
    return new k8s.apps.v1.DaemonSet(
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
        opts,
    );
}
