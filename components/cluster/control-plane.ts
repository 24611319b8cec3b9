// The EKS control plane: its IAM roles, security groups, the cluster itself, access entries, add-ons and the
// Kubernetes provider built from it. Each function creates its resources under the Cluster component (`parent`).
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { platformDesign } from "../../policy-pack/catalog/platform";
import { EKS_LOG_TYPES, K8S_GROUPS } from "../../policy-pack/catalog/identity";
import { serviceTrust } from "../identity";
import { vpcCniConfiguration } from "./nodes";

export interface ClusterIamArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    /** AWS partition, for the managed policies' ARNs. */
    partition: pulumi.Input<string>;
    permissionsBoundaryArn: pulumi.Input<string>;
}

/** Control plane and node roles, both under the stack's permissions boundary. */
export function clusterIam(parent: pulumi.Resource, name: string, args: ClusterIamArgs) {
    const opts = { parent };
    const managedPolicy = (policy: string) => pulumi.interpolate`arn:${args.partition}:iam::aws:policy/${policy}`;
    const clusterRole = new aws.iam.Role(
        `${name}-cluster-role`,
        {
            name: `${args.prefix}-eks-cluster`,
            assumeRolePolicy: JSON.stringify(serviceTrust("eks.amazonaws.com", true)),
            permissionsBoundary: args.permissionsBoundaryArn,
        },
        opts,
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
        `${name}-cluster-policy`,
        { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") },
        opts,
    );
    const nodeRole = new aws.iam.Role(
        `${name}-node-role`,
        {
            name: `${args.prefix}-eks-node`,
            assumeRolePolicy: JSON.stringify(serviceTrust("ec2.amazonaws.com")),
            permissionsBoundary: args.permissionsBoundaryArn,
        },
        opts,
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
                { role: nodeRole.name, policyArn: managedPolicy(p) },
                opts,
            ),
    );
    return { clusterRole, clusterPolicy, nodeRole, nodePolicies };
}

export interface ClusterSecurityGroupsArgs {
    prefix: string;
    vpcId: pulumi.Input<string>;
    /** CIDR of the management segment: the only network that reaches the private API endpoint. */
    managementCidr: pulumi.Input<string>;
}

/** Security groups of the control plane and the nodes: the API from the management segment and the nodes only. */
export function clusterSecurityGroups(parent: pulumi.Resource, name: string, args: ClusterSecurityGroupsArgs) {
    const opts = { parent };
    const clusterSg = new aws.ec2.SecurityGroup(
        `${name}-cluster-sg`,
        {
            vpcId: args.vpcId,
            description: "EKS control plane: HTTPS from the management segment and the nodes",
            tags: { Name: `${args.prefix}-eks-cluster` },
        },
        opts,
    );
    const nodeSg = new aws.ec2.SecurityGroup(
        `${name}-node-sg`,
        {
            vpcId: args.vpcId,
            description:
                "EKS nodes: control plane to kubelet / webhooks and nodes to the API; segment groups do the rest",
            tags: { Name: `${args.prefix}-eks-node` },
        },
        opts,
    );
    const cSg = clusterSg.id;
    const nSg = nodeSg.id;
    const ingress = (suffix: string, a: aws.vpc.SecurityGroupIngressRuleArgs) =>
        new aws.vpc.SecurityGroupIngressRule(`${name}-${suffix}`, a, opts);
    const egress = (suffix: string, a: aws.vpc.SecurityGroupEgressRuleArgs) =>
        new aws.vpc.SecurityGroupEgressRule(`${name}-${suffix}`, a, opts);
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
    return { clusterSg, nodeSg, apiFromMgmt };
}

export interface EksClusterArgs {
    /** The cluster's fixed name (config: clusterName). */
    clusterName: string;
    kubernetesVersion: pulumi.Input<string>;
    roleArn: pulumi.Input<string>;
    /** Where the control plane's ENIs go: the service subnets. */
    subnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    /** CIDRs of a public endpoint; empty keeps the endpoint private. */
    publicAccessCidrs: string[];
    /** KMS key for secrets envelope encryption. */
    eksKeyArn: pulumi.Input<string>;
    deletionProtection: boolean;
    dependsOn: pulumi.Resource[];
}

/** The EKS cluster: private API, KMS-encrypted secrets, all control plane logs, access entries only. */
export function eksCluster(parent: pulumi.Resource, name: string, args: EksClusterArgs): aws.eks.Cluster {
    const publicCidrs = args.publicAccessCidrs;
    return new aws.eks.Cluster(
        `${name}-eks`,
        {
            name: args.clusterName,
            version: args.kubernetesVersion,
            roleArn: args.roleArn,
            vpcConfig: {
                // Service subnets only: control plane ENIs in the agent segment would sit behind its NACL,
                // which admits only return traffic from the service segment (kubectl, kubelet → API fail).
                subnetIds: args.subnetIds,
                securityGroupIds: [args.securityGroupId],
                endpointPrivateAccess: true,
                endpointPublicAccess: publicCidrs.length > 0,
                ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
            },
            // Named (the nodes' NodeConfig carries it); EKS's own choice for a VPC in 10.0.0.0/8, so a cluster
            // created before this was set keeps its value and is not replaced.
            kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: platformDesign.eks.serviceIpv4Cidr },
            encryptionConfig: { provider: { keyArn: args.eksKeyArn }, resources: ["secrets"] },
            enabledClusterLogTypes: [...EKS_LOG_TYPES],
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
            // Stay on versions in standard support (auto-upgraded at its end) rather than paid extended support.
            upgradePolicy: { supportType: "STANDARD" },
            deletionProtection: args.deletionProtection,
            tags: { Name: args.clusterName },
        },
        { parent, protect: args.deletionProtection, dependsOn: args.dependsOn },
    );
}

export interface AccessEntriesArgs {
    clusterName: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    /** The human roles with an access entry (identity section). */
    roleArns: {
        systemAdmin: pulumi.Input<string>;
        operator: pulumi.Input<string>;
        resourceManager: pulumi.Input<string>;
    };
    /** Config eksDeployerPrincipalArn; empty means the caller identity (`callerArn`). */
    deployerPrincipalArn: string;
    callerArn: pulumi.Output<string>;
    /** Config agentStackDeployerArns: the agent stacks' deployers (group mas:agent-stack-deployers, no policy). */
    agentStackDeployerArns?: string[];
}

/** Access entries (authentication mode API): IAM role → Kubernetes group / access policy. */
export function accessEntries(parent: pulumi.Resource, name: string, args: AccessEntriesArgs) {
    const accessPolicy = (p: string) => pulumi.interpolate`arn:${args.partition}:eks::aws:cluster-access-policy/${p}`;
    const entry = (key: string, principalArn: pulumi.Input<string>, groups: string[]) =>
        new aws.eks.AccessEntry(
            `${name}-access-${key}`,
            { clusterName: args.clusterName, principalArn, type: "STANDARD", kubernetesGroups: groups },
            { parent },
        );
    const clusterAdmin = (key: string, e: aws.eks.AccessEntry) =>
        new aws.eks.AccessPolicyAssociation(
            `${name}-access-${key}-admin`,
            {
                clusterName: args.clusterName,
                principalArn: e.principalArn,
                policyArn: accessPolicy("AmazonEKSClusterAdminPolicy"),
                accessScope: { type: "cluster" },
            },
            { parent, dependsOn: [e] },
        );
    const adminEntry = entry("system-admin", args.roleArns.systemAdmin, [K8S_GROUPS.systemAdmin]);
    const adminAssoc = clusterAdmin("system-admin", adminEntry);
    // Operator and resource manager get no EKS access policy: only the ClusterRoles bound to their groups (rbac.ts).
    const operatorEntry = entry("operator", args.roleArns.operator, [K8S_GROUPS.operator]);
    const rmEntry = entry("resource-manager", args.roleArns.resourceManager, [K8S_GROUPS.resourceManager]);
    // The identity running Pulumi must reach the API (the creator gets no implicit admin): explicit and visible.
    const deployerArn = args.deployerPrincipalArn
        ? pulumi.output(args.deployerPrincipalArn)
        : pulumi.output(args.callerArn).apply((arn) => deployerPrincipal(arn, parent));
    const deployerEntry = entry("deployer", deployerArn, []);
    const deployerAssoc = clusterAdmin("deployer", deployerEntry);
    // Agent stacks' deployers: only their group's ClusterRole (agent-deployers.ts), never an access policy. Keyed by
    // the principal's name so reordering the list replaces nothing.
    const agentStackDeployerEntries = (args.agentStackDeployerArns ?? []).map((arn) =>
        entry(`agent-stack-deployer-${arn.split("/").pop() ?? arn}`, arn, [K8S_GROUPS.agentStackDeployer]),
    );
    return { adminEntry, adminAssoc, operatorEntry, rmEntry, deployerEntry, deployerAssoc, agentStackDeployerEntries };
}

/** Add-ons: VPC CNI with NetworkPolicy enforcement, and the Pod Identity agent. */
export function clusterAddons(parent: pulumi.Resource, name: string, clusterName: pulumi.Input<string>) {
    const addon = (addonName: string, configurationValues?: string) =>
        new aws.eks.Addon(
            `${name}-${addonName}`,
            {
                clusterName,
                addonName,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                ...(configurationValues ? { configurationValues } : {}),
            },
            { parent },
        );
    const vpcCni = addon("vpc-cni", JSON.stringify(vpcCniConfiguration()));
    const podIdentityAgent = addon("eks-pod-identity-agent");
    return { vpcCni, podIdentityAgent };
}

export interface KubernetesProviderArgs {
    cluster: aws.eks.Cluster;
    region: pulumi.Input<string>;
    /** What must exist before the provider talks to the API (the deployer's access, the nodes). */
    dependsOn: pulumi.Resource[];
}

/** Kubernetes provider from the cluster (no ambient kubeconfig); the kubeconfig is a secret. */
export function kubernetesProvider(parent: pulumi.Resource, name: string, args: KubernetesProviderArgs) {
    const cluster = args.cluster;
    const kubeconfig = pulumi.secret(
        pulumi
            .all([cluster.name, cluster.endpoint, cluster.certificateAuthority, args.region])
            .apply(([n, endpoint, ca, r]) => kubeconfigFor(n, endpoint, ca.data ?? "", r)),
    );
    const provider = new k8s.Provider(
        `${name}-k8s`,
        { kubeconfig, enableServerSideApply: true },
        { parent, dependsOn: args.dependsOn },
    );
    return { kubeconfig, provider };
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
