// The platform stack (no platformStack key): the VPC, the perimeter, the cluster, the mesh, identity, data and
// operations, and the per-agent parts of its own agents (if any). Its outputs include the agent-platform
// contract (agentPlatform) that agent stacks read through a StackReference.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster";
import { namePrefix, pick, segmentCidrs, segmentSubnets, StackConfig } from "../components/config";
import { DataProtection } from "../components/data";
import { MessageKeys } from "../components/data/message-keys";
import { EvidenceRegistry } from "../components/evidence";
import { Identity } from "../components/identity";
import { Mesh } from "../components/mesh";
import { DeployRunner, Network, Perimeter } from "../components/network";
import { Compliance, Detection, IncidentResponse, Operations } from "../components/operations";

import { MESH } from "../policy-pack/catalog/mesh";
import { stackAwsProvider } from "./provider";
import { AgentPlatformContract, CONTRACT_MINOR, CONTRACT_VERSION } from "../components/platform/contract";

export function platformProgram(cfg: StackConfig) {
    const evidence = new EvidenceRegistry();

    const awsProvider = stackAwsProvider(cfg);
    const opts: pulumi.ComponentResourceOptions = { providers: { aws: awsProvider } };

    // Identity first: the data section's key and bucket policies name its roles.
    const identity = new Identity(
        "mas",
        { config: pick(cfg, "stack", "agents", "authCallbackUrls", "domainName", "deletionProtection"), evidence },
        opts,
    );

    const data = new DataProtection(
        "mas",
        {
            config: pick(
                cfg,
                "stack",
                "profile",
                "deletionProtection",
                "accountServices",
                "systemLogRetentionDays",
                "securityLogRetentionDays",
                "auditLogRetentionDays",
            ),
            evidence,
            roleArns: {
                systemAdmin: identity.roles.systemAdmin.arn,
                operator: identity.roles.operator.arn,
                monitoringAgent: identity.roles.monitoringAgent.arn,
            },
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        },
        opts,
    );

    // Agents' message keys: one Ed25519 key per agent (only it signs), the payload key usable as sender.
    new MessageKeys(
        "mas-message",
        {
            config: pick(cfg, "stack", "deletionProtection"),
            evidence,
            agentRoles: identity.agentRoles,
            payloadKeyArn: data.keys.payload.arn,
            payloadSecretArn: data.payloadKeySecret.arn,
        },
        opts,
    );

    const network = new Network(
        "mas",
        {
            config: pick(
                cfg,
                "stack",
                "vpcCidr",
                "agentSegmentCidr",
                "serviceSegmentCidr",
                "managementSegmentCidr",
                "azCount",
                "natGatewayPerAz",
                "adminCidrs",
                "deployRunnerRepository",
                "egressAllowedDomains",
                "ipsMode",
                "deletionProtection",
                "accountServices",
            ),
            evidence,
            flowLogGroupArn: data.logGroups.vpcFlow.arn,
            firewallLogGroupName: data.logGroups.firewall.name,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        },
        opts,
    );

    const cluster = new Cluster(
        "mas",
        {
            config: pick(
                cfg,
                "stack",
                "profile",
                "kubernetesVersion",
                "eksPublicAccessCidrs",
                "eksDeployerPrincipalArn",
                "agentStackDeployerArns",
                "deletionProtection",
                "vpcCidr",
                "agentSegmentCidr",
                "serviceSegmentCidr",
                "managementSegmentCidr",
                "azCount",
                "agentNodeInstanceType",
                "serviceNodeInstanceType",
                "agentNodeCount",
                "serviceNodeCount",
                "nodeMaxCount",
                "agents",
                "agentQuotaCpu",
                "agentQuotaMemory",
                "agentQuotaPods",
                "agentContainerDefaultCpu",
                "agentContainerDefaultMemory",
                "agentContainerMaxCpu",
                "agentContainerMaxMemory",
            ),
            evidence,
            vpcId: network.vpc.id,
            subnetIds: {
                agent: network.segmentSubnets.agent.map((s) => s.id),
                service: network.segmentSubnets.service.map((s) => s.id),
            },
            segmentSecurityGroupIds: {
                agent: network.securityGroups.agent.id,
                service: network.securityGroups.service.id,
            },
            managementCidr: segmentCidrs(cfg).management,
            eksKeyArn: data.keys.eks.arn,
            ebsKeyArn: data.keys.ebs.arn,
            logGroup: data.logGroups.eks,
            roles: identity.roles,
            agentRoles: identity.agentRoles,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        },
        opts,
    );

    // The deploy path into the private EKS API: a GitHub Actions runner inside the management segment.
    const deployRunner =
        cfg.deployRunnerRepository !== ""
            ? new DeployRunner(
                  "mas-deploy-runner",
                  {
                      config: pick(
                          cfg,
                          "stack",
                          "deployRunnerRepository",
                          "deployRunnerConnectionArn",
                          "securityLogRetentionDays",
                          "deletionProtection",
                      ),
                      evidence,
                      vpcId: network.vpc.id,
                      subnetIds: network.segmentSubnets.management.map((s) => s.id),
                      clusterSecurityGroupId: cluster.clusterSecurityGroup.id,
                      logsKeyArn: data.keys.logs.arn,
                      securityLogStream: data.securityLogStream,
                      permissionsBoundaryArn: identity.permissionsBoundaryArn,
                  },
                  { ...opts, dependsOn: network.deployNatGateway ? [network.deployNatGateway] : [] },
              )
            : undefined;

    const perimeter = new Perimeter(
        "mas",
        {
            config: pick(
                cfg,
                "stack",
                "project",
                "serviceSegmentCidr",
                "domainName",
                "hostedZoneId",
                "agentIdHeader",
                "shieldAdvanced",
                "deletionProtection",
                "accountServices",
            ),
            evidence,
            vpcId: network.vpc.id,
            publicSubnetIds: network.publicSubnetIds,
            serviceSecurityGroupId: network.securityGroups.service.id,
            // The service nodes (where the ingress gateway's NodePort listens) are the ALB's targets.
            ingressAutoScalingGroupName: cluster.autoScalingGroupNames.service,
            albAccessLogBucketName: data.albAccessLogBucket.bucket,
            albAccessLogBucketPolicy: data.albAccessLogBucketPolicy,
            wafLogGroupArn: data.logGroups.waf.arn,
        },
        opts,
    );

    const mesh = new Mesh(
        "mas",
        {
            config: pick(
                cfg,
                "stack",
                "project",
                "region",
                "profile",
                "deletionProtection",
                "domainName",
                "hostedZoneId",
                "alertEmails",
                "vpcCidr",
                "certManagerChartVersion",
                "istioChartRepo",
                "istioChartVersion",
                "meshTrustDomain",
                "workloadCertTtlHours",
                "sidecarCpuRequest",
                "sidecarCpuLimit",
                "sidecarMemoryRequest",
                "sidecarMemoryLimit",
                "ingressGatewayReplicas",
            ),
            evidence,
            provider: cluster.k8sProvider,
            agentNamespaces: Object.fromEntries(
                Object.entries(cluster.agentNamespaces).map(([agent, ns]) => [agent, ns.metadata.name]),
            ),
            clusterName: cluster.cluster.name,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        },
        { ...opts, providers: { aws: awsProvider, kubernetes: cluster.k8sProvider } },
    );

    const detection = new Detection(
        "mas",
        {
            config: pick(cfg, "stack", "alertEmails", "agentSegmentCidr", "serviceSegmentCidr"),
            evidence,
            auditLogGroupName: data.logGroups.cloudtrail.name,
            eksLogGroupName: data.logGroups.eks.name,
            alertsKeyArn: data.keys.alerts.arn,
            systemAdminRoleArn: identity.roles.systemAdmin.arn,
            albArnSuffix: perimeter.alb.arnSuffix,
            flowLogGroupName: data.logGroups.vpcFlow.name,
        },
        opts,
    );

    const incidentResponse = new IncidentResponse(
        "mas",
        {
            config: pick(cfg, "stack"),
            evidence,
            vpcId: network.vpc.id,
            highTopicArn: detection.topics.high.arn,
            alertsKeyArn: data.keys.alerts.arn,
            wafIpSet: {
                name: perimeter.wafBlockIpSet.name,
                id: perimeter.wafBlockIpSet.id,
                scope: perimeter.wafBlockIpSet.scope,
                arn: perimeter.wafBlockIpSet.arn,
            },
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        },
        opts,
    );

    const compliance = new Compliance(
        "mas",
        {
            config: pick(cfg, "stack", "accountServices"),
            evidence,
            configBucketName: data.configBucket.bucket,
            auditKeyArn: data.keys.audit.arn,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        },
        opts,
    );

    new Operations(
        "mas",
        {
            config: pick(cfg, "stack", "operationsTimezone", "maintenanceWindowSchedule", "nonCriticalPatchDelayDays"),
            evidence,
            reportTopicArn: detection.topics.low.arn,
            alertsKeyArn: data.keys.alerts.arn,
            accessAnalyzerArn: compliance.accessAnalyzer?.arn,
            conformancePackName: compliance.conformancePack.name,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
            nodeGroups: {
                clusterName: cluster.cluster.name,
                names: Object.values(cluster.nodeGroups).map((g) => g.nodeGroupName),
                launchTemplateIds: Object.values(cluster.launchTemplates).map((lt) => lt.id),
                amiParameters: Object.values(cluster.nodeAmiParameters),
            },
            patchApproverArns: [identity.roles.systemAdmin.arn],
            approvalTopicArn: detection.topics.high.arn,
        },
        opts,
    );

    /**
     * What the policy pack reads of this stack's config when the engine starts it without the config (`pulumi policy
     * analyze`): the address plan, the admin CIDRs and who owns the account's services. Plain values, no secrets.
     */
    const stackSettings = {
        environment: cfg.environment,
        accountServices: cfg.accountServices,
        vpcCidr: cfg.vpcCidr,
        segments: {
            agent: cfg.agentSegmentCidr,
            service: cfg.serviceSegmentCidr,
            management: cfg.managementSegmentCidr,
        },
        adminCidrs: cfg.adminCidrs,
    };
    const vpcId = network.vpc.id;
    const segmentSubnetIds = {
        agent: network.segmentSubnets.agent.map((s) => s.id),
        service: network.segmentSubnets.service.map((s) => s.id),
        management: network.segmentSubnets.management.map((s) => s.id),
    };
    const albDnsName = perimeter.alb.dnsName;
    const webAclArn = perimeter.webAcl.arn;
    const clusterName = cluster.cluster.name;
    /** runs-on of the deploy jobs: `<this>-${{ github.run_id }}-${{ github.run_attempt }}`. */
    const deployRunnerLabelPrefix = deployRunner?.runsOnPrefix;
    const clusterEndpoint = cluster.cluster.endpoint;
    const kubeconfig = pulumi.secret(cluster.kubeconfig);
    const userPoolId = identity.userPool.id;
    const meshRootCertificatePem = mesh.rootCertificatePem;
    const alertTopicArns = {
        high: detection.topics.high.arn,
        medium: detection.topics.medium.arn,
        low: detection.topics.low.arn,
    };
    const incidentResponseQuarantineSecurityGroupId = incidentResponse.quarantineSecurityGroup.id;
    const auditEvidence = evidence.output();

    // The contract with the agent stacks (components/platform/contract.ts): plain values only, so that the
    // pack on an agent stack can read them in its StackReference's outputs; the kubeconfig stays a secret output.
    const agentPlatform: pulumi.Output<AgentPlatformContract> = pulumi
        .all({
            account: aws.getCallerIdentityOutput({}, { provider: awsProvider }).accountId,
            clusterName: cluster.cluster.name,
            agentClusterRole: cluster.agentAccess.agentClusterRole,
            rmAllocateRole: cluster.agentAccess.resourceManagerAllocate.clusterRole,
            agentPriorityLevel: cluster.agentAccess.agentPriorityLevel,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
            agentPolicyArn: identity.agentPolicy.arn,
            payloadKeyArn: data.keys.payload.arn,
            payloadSecretArn: data.payloadKeySecret.arn,
        })
        .apply((v): AgentPlatformContract => ({
            version: CONTRACT_VERSION,
            minor: CONTRACT_MINOR,
            project: cfg.project,
            stack: cfg.stack,
            environment: cfg.environment,
            profile: cfg.profile,
            region: cfg.region,
            account: v.account,
            namePrefix: namePrefix(cfg),
            cluster: {
                name: v.clusterName,
                agentClusterRole: v.agentClusterRole,
                resourceManagerAllocate: {
                    clusterRole: v.rmAllocateRole,
                    group: cluster.agentAccess.resourceManagerAllocate.group,
                },
                agentPriorityLevel: v.agentPriorityLevel,
            },
            mesh: { trustDomain: cfg.meshTrustDomain, rootNamespace: MESH.rootNamespace },
            identity: { permissionsBoundaryArn: v.permissionsBoundaryArn, agentPolicyArn: v.agentPolicyArn },
            data: { payloadKeyArn: v.payloadKeyArn, payloadSecretArn: v.payloadSecretArn },
            network: {
                vpcCidr: cfg.vpcCidr,
                segments: stackSettings.segments,
                serviceSubnetCidrs: segmentSubnets(cfg).service,
            },
            agents: [...cfg.agents],
        }));

    return {
        stackSettings,
        vpcId,
        segmentSubnetIds,
        albDnsName,
        webAclArn,
        clusterName,
        deployRunnerLabelPrefix,
        clusterEndpoint,
        kubeconfig,
        userPoolId,
        meshRootCertificatePem,
        alertTopicArns,
        incidentResponseQuarantineSecurityGroupId,
        auditEvidence,
        agentPlatform,
    };
}
