import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";
import { networkDesign } from "../../policy-pack/catalog/network";
import { namePrefix, segmentCidrs, segmentSubnets, StackConfig } from "../config";
import { EvidenceRegistry } from "../evidence";
import { platformDesign } from "../../policy-pack/catalog/platform";
import { hostAt, perimeterPlan } from "./cidrs";
import { Firewall } from "./firewall";
import { networkAcls, segmentSecurityRules } from "./rules";

export { Firewall } from "./firewall";
export type { FirewallArgs } from "./firewall";
export { Perimeter } from "./perimeter";
export type { PerimeterArgs } from "./perimeter";
export { hostAt, perimeterPlan } from "./cidrs";
export { DeployRunner } from "./deploy-runner";
export type { DeployRunnerArgs } from "./deploy-runner";

export interface NetworkArgs {
    config: StackConfig;
    evidence: EvidenceRegistry;
    /** Data section: ARN of the `vpcFlow` log group. */
    flowLogGroupArn: pulumi.Input<string>;
    /** Data section: name of the `firewall` log group (Network Firewall ALERT and FLOW logs). */
    firewallLogGroupName: pulumi.Input<string>;
    /** identity section: the permissions boundary every role of the stack carries. */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

const SEGMENT_CONTROL: Record<SegmentName, string> = {
    agent: "NET-SEG-AGENT",
    service: "NET-SEG-SERVICE",
    management: "NET-SEG-MGMT",
};

/**
 * The VPC and the guide's three segments (infrastructure_security.network_protection.segmentation), each
 * /24 split into one subnet per AZ so that EKS gets the two AZs it needs without leaving the segment; the
 * public and firewall subnets outside them; and the routing that puts the network firewall on every path
 * to and from the internet (AWS's "internet gateway and NAT gateway" Network Firewall architecture):
 *
 *   agent / service subnet ─0.0.0.0/0→ NAT gateway (public subnet) ─0.0.0.0/0→ firewall endpoint (same AZ)
 *   firewall subnet ─0.0.0.0/0→ internet gateway
 *   internet gateway edge route table: public subnet i → firewall endpoint in AZ i (replies to NAT, and
 *   inbound to the ALB: FW → WAF → LB)
 *   management subnets: no route out (SSM and AWS APIs through VPC endpoints), except with the deploy runner:
 *   then 0.0.0.0/0 → the deploy NAT gateway (public subnet 0, fixed address) → firewall, where only the
 *   runner's allow-list admits that address.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly availabilityZones: pulumi.Output<string[]>;
    /** Subnets per segment, one per AZ in AZ order. */
    readonly segmentSubnets: Record<SegmentName, aws.ec2.Subnet[]>;
    /** Public subnets (ALB, NAT gateways), one per AZ. */
    readonly publicSubnets: aws.ec2.Subnet[];
    /** Network Firewall subnets, one per AZ. */
    readonly firewallSubnets: aws.ec2.Subnet[];
    readonly internetGateway: aws.ec2.InternetGateway;
    /** One per AZ when natGatewayPerAz, else one. */
    readonly natGateways: aws.ec2.NatGateway[];
    /** The deploy runner's own NAT gateway (management segment egress), when deployRunnerRepository is set. */
    readonly deployNatGateway?: aws.ec2.NatGateway;
    /** Route tables per segment, one per AZ. */
    readonly routeTables: Record<SegmentName, aws.ec2.RouteTable[]>;
    /** Security group per segment (nodes of a segment attach its group), plus the VPC endpoints' group. */
    readonly securityGroups: Record<SegmentName | "endpoints", aws.ec2.SecurityGroup>;
    readonly networkAcls: Record<SegmentName, aws.ec2.NetworkAcl>;
    readonly firewall: Firewall;
    readonly guardDutyDetector: aws.guardduty.Detector;
    readonly flowLog: aws.ec2.FlowLog;
    readonly vpcEndpoints: Record<string, aws.ec2.VpcEndpoint>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:network:Network", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const prefix = namePrefix(cfg);
        const segCidrs = segmentCidrs(cfg);
        const plan = perimeterPlan(cfg.vpcCidr, Object.values(segCidrs), cfg.azCount);

        this.vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: cfg.vpcCidr,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { Name: `${name}-vpc` },
            },
            { parent: this },
        );

        // The default security group allows all traffic between its members: strip every rule (CIS 5.4).
        const defaultSg = new aws.ec2.DefaultSecurityGroup(
            `${name}-default-sg`,
            { vpcId: this.vpc.id, ingress: [], egress: [], tags: { Name: `${name}-default-unused` } },
            { parent: this },
        );

        // Regular AZs only: opted-in Local / Wavelength Zones are listed too, and sort first ("us-west-2-lax-1a"
        // < "us-west-2a"), but have no Network Firewall, NAT gateway or ALB.
        const azs = aws.getAvailabilityZonesOutput(
            { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
            { parent: this },
        );
        this.availabilityZones = azs.names.apply((names) => {
            if (names.length < cfg.azCount) {
                throw new Error(`azCount is ${cfg.azCount} but the region offers only ${names.length} zones`);
            }
            return names.slice(0, cfg.azCount);
        });
        const az = (i: number) => this.availabilityZones.apply((z) => z[i]);

        const subnet = (
            logical: string,
            cidrBlock: string,
            i: number,
            tags: Record<string, string>,
            dependsOn: pulumi.Resource[] = [],
        ) =>
            new aws.ec2.Subnet(
                logical,
                {
                    vpcId: this.vpc.id,
                    cidrBlock,
                    availabilityZone: az(i),
                    mapPublicIpOnLaunch: false,
                    tags: { Name: logical, ...tags },
                },
                { parent: this, dependsOn },
            );

        const cidrs = segmentSubnets(cfg);
        this.segmentSubnets = Object.fromEntries(
            SEGMENTS.map((segment) => [
                segment,
                cidrs[segment].map((cidr, i) => subnet(`${name}-${segment}-${i}`, cidr, i, { segment })),
            ]),
        ) as Record<SegmentName, aws.ec2.Subnet[]>;
        this.internetGateway = new aws.ec2.InternetGateway(
            `${name}-igw`,
            { vpcId: this.vpc.id, tags: { Name: `${name}-igw` } },
            { parent: this },
        );
        // The ALB and NAT gateways live here; nothing gets a public IP by default (the ALB and NAT EIPs are
        // assigned by their services). The subnets wait for the internet gateway: an internet-facing ALB
        // created before the gateway is attached fails with "InvalidSubnet: VPC ... has no internet gateway",
        // and the Perimeter only sees these subnets' ids.
        this.publicSubnets = plan.public.map((cidr, i) =>
            subnet(`${name}-public-${i}`, cidr, i, { tier: "public", "kubernetes.io/role/elb": "1" }, [
                this.internetGateway,
            ]),
        );
        this.firewallSubnets = plan.firewall.map((cidr, i) =>
            subnet(`${name}-firewall-${i}`, cidr, i, { tier: "firewall" }),
        );

        const natCount = cfg.natGatewayPerAz ? cfg.azCount : 1;
        this.natGateways = Array.from({ length: natCount }, (_, i) => {
            const eip = new aws.ec2.Eip(
                `${name}-nat-${i}`,
                { domain: "vpc", tags: { Name: `${name}-nat-${i}` } },
                { parent: this, dependsOn: [this.internetGateway] },
            );
            return new aws.ec2.NatGateway(
                `${name}-nat-${i}`,
                {
                    allocationId: eip.id,
                    subnetId: this.publicSubnets[i].id,
                    connectivityType: "public",
                    tags: { Name: `${name}-nat-${i}` },
                },
                { parent: this },
            );
        });
        const natFor = (i: number) => this.natGateways[cfg.natGatewayPerAz ? i : 0];

        // The deploy runner's NAT gateway: its own fixed address, so the firewall can tell the runner's flows
        // (after NAT) from the workloads' and admit GitHub, npm and the like for that source only.
        const deployNatIp = hostAt(plan.public[0], platformDesign.deployRunner.natHost);
        if (cfg.deployRunnerRepository !== "") {
            const eip = new aws.ec2.Eip(
                `${name}-deploy-nat`,
                { domain: "vpc", tags: { Name: `${name}-deploy-nat`, role: "deploy-runner" } },
                { parent: this, dependsOn: [this.internetGateway] },
            );
            this.deployNatGateway = new aws.ec2.NatGateway(
                `${name}-deploy-nat`,
                {
                    allocationId: eip.id,
                    subnetId: this.publicSubnets[0].id,
                    connectivityType: "public",
                    privateIp: deployNatIp,
                    tags: { Name: `${name}-deploy-nat`, role: "deploy-runner" },
                },
                { parent: this },
            );
        }

        this.firewall = new Firewall(
            `${name}-firewall`,
            {
                config: cfg,
                evidence: ev,
                vpcId: this.vpc.id,
                subnetIds: this.firewallSubnets.map((s) => s.id),
                publicSubnetCidrs: plan.public,
                firewallLogGroupName: args.firewallLogGroupName,
                ...(this.deployNatGateway ? { deploySourceCidr: `${deployNatIp}/32` } : {}),
            },
            { parent: this },
        );
        this.guardDutyDetector = this.firewall.guardDutyDetector;
        const endpoint = (i: number) => this.firewall.endpointIn(az(i));

        const routeTable = (logical: string, tags: Record<string, string>) =>
            new aws.ec2.RouteTable(logical, { vpcId: this.vpc.id, tags: { Name: logical, ...tags } }, { parent: this });
        const associate = (logical: string, routeTableId: pulumi.Input<string>, subnetId: pulumi.Input<string>) =>
            new aws.ec2.RouteTableAssociation(logical, { routeTableId, subnetId }, { parent: this });

        // Segments: agent and service leave through NAT (then the firewall); management has no route out.
        this.routeTables = Object.fromEntries(
            SEGMENTS.map((segment) => [
                segment,
                this.segmentSubnets[segment].map((s, i) => {
                    const rt = routeTable(`${name}-${segment}-rt-${i}`, { segment });
                    associate(`${name}-${segment}-rt-${i}`, rt.id, s.id);
                    const nat = segment !== "management" ? natFor(i) : this.deployNatGateway;
                    if (nat) {
                        new aws.ec2.Route(
                            `${name}-${segment}-default-${i}`,
                            { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
                            { parent: this },
                        );
                    }
                    return rt;
                }),
            ]),
        ) as Record<SegmentName, aws.ec2.RouteTable[]>;

        // Public subnets: out through the same-AZ firewall endpoint.
        const publicRts = this.publicSubnets.map((s, i) => {
            const rt = routeTable(`${name}-public-rt-${i}`, { tier: "public" });
            associate(`${name}-public-rt-${i}`, rt.id, s.id);
            new aws.ec2.Route(
                `${name}-public-default-${i}`,
                { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", vpcEndpointId: endpoint(i) },
                { parent: this },
            );
            return rt;
        });

        // Firewall subnets: inspected traffic goes to the internet gateway.
        const firewallRt = routeTable(`${name}-firewall-rt`, { tier: "firewall" });
        this.firewallSubnets.forEach((s, i) => associate(`${name}-firewall-rt-${i}`, firewallRt.id, s.id));
        const firewallDefault = new aws.ec2.Route(
            `${name}-firewall-default`,
            { routeTableId: firewallRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: this.internetGateway.id },
            { parent: this },
        );

        // Internet gateway edge route table: whatever enters for public subnet i (NAT replies, ALB
        // requests) passes the firewall endpoint of AZ i first, keeping both directions on one endpoint.
        const edgeRt = routeTable(`${name}-igw-edge-rt`, { tier: "igw-edge" });
        new aws.ec2.RouteTableAssociation(
            `${name}-igw-edge-rt`,
            { routeTableId: edgeRt.id, gatewayId: this.internetGateway.id },
            { parent: this },
        );
        const edgeRoutes = plan.public.map(
            (cidr, i) =>
                new aws.ec2.Route(
                    `${name}-igw-edge-${i}`,
                    { routeTableId: edgeRt.id, destinationCidrBlock: cidr, vpcEndpointId: endpoint(i) },
                    { parent: this },
                ),
        );

        // Security groups (stateful) and network ACLs (stateless, subnet edge) for the access levels.
        const sg = (key: string, description: string, tags: Record<string, string>) =>
            new aws.ec2.SecurityGroup(
                `${name}-${key}-sg`,
                {
                    name: `${prefix}-${key}`,
                    description,
                    vpcId: this.vpc.id,
                    tags: { Name: `${prefix}-${key}`, ...tags },
                },
                { parent: this },
            );
        this.securityGroups = {
            agent: sg("agent", "Agent segment (restricted): mesh/service ports to the service segment only", {
                segment: "agent",
            }),
            service: sg("service", "Service segment (internal): from the agent and management segments only", {
                segment: "service",
            }),
            management: sg("management", "Management segment (admin_only): from admin CIDRs only", {
                segment: "management",
            }),
            endpoints: sg("endpoints", "VPC interface endpoints: HTTPS from the segments", { role: "vpc-endpoints" }),
        };
        const sgRules = segmentSecurityRules(cfg);
        const sgRuleResources = sgRules.map((r) => {
            const common = {
                securityGroupId: this.securityGroups[r.group].id,
                ipProtocol: r.protocol,
                ...(r.protocol === "-1" ? {} : { fromPort: r.fromPort, toPort: r.toPort }),
                ...(r.peer.kind === "cidr" ? { cidrIpv4: r.peer.cidr } : {}),
                ...(r.peer.kind === "group" ? { referencedSecurityGroupId: this.securityGroups[r.peer.group].id } : {}),
                description: r.description,
            };
            return r.direction === "ingress"
                ? new aws.vpc.SecurityGroupIngressRule(`${name}-${r.group}-in-${r.key}`, common, { parent: this })
                : new aws.vpc.SecurityGroupEgressRule(`${name}-${r.group}-out-${r.key}`, common, { parent: this });
        });

        const acls = networkAcls(cfg, plan);
        this.networkAcls = Object.fromEntries(
            SEGMENTS.map((segment) => [
                segment,
                new aws.ec2.NetworkAcl(
                    `${name}-${segment}-acl`,
                    {
                        vpcId: this.vpc.id,
                        subnetIds: this.segmentSubnets[segment].map((s) => s.id),
                        ingress: acls[segment].ingress,
                        egress: acls[segment].egress,
                        tags: { Name: `${name}-${segment}-acl`, segment },
                    },
                    { parent: this },
                ),
            ]),
        ) as Record<SegmentName, aws.ec2.NetworkAcl>;

        // Flow logs of ALL traffic to the data section's log group.
        const account = aws.getCallerIdentityOutput({}, { parent: this });
        const flowRole = new aws.iam.Role(
            `${name}-flow-logs`,
            {
                name: `${prefix}-vpc-flow-logs`,
                description: "VPC Flow Logs delivery to CloudWatch Logs",
                permissionsBoundary: args.permissionsBoundaryArn,
                assumeRolePolicy: account.accountId.apply((accountId) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                                Action: "sts:AssumeRole",
                                Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                            },
                        ],
                    }),
                ),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: flowRole.id,
                policy: pulumi.output(args.flowLogGroupArn).apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Action: [
                                    "logs:CreateLogStream",
                                    "logs:PutLogEvents",
                                    "logs:DescribeLogGroups",
                                    "logs:DescribeLogStreams",
                                ],
                                Resource: [arn, `${arn}:*`],
                            },
                        ],
                    }),
                ),
            },
            { parent: this },
        );
        this.flowLog = new aws.ec2.FlowLog(
            `${name}-flow-logs`,
            {
                vpcId: this.vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: args.flowLogGroupArn,
                iamRoleArn: flowRole.arn,
                maxAggregationInterval: 60,
                tags: { Name: `${name}-flow-logs` },
            },
            { parent: this },
        );

        // VPC endpoints: S3 through a gateway endpoint (segment route tables); AWS APIs through interface
        // endpoints in the service subnets (agents may reach the service segment, never management).
        const region = aws.getRegionOutput({}, { parent: this });
        this.vpcEndpoints = {
            s3: new aws.ec2.VpcEndpoint(
                `${name}-vpce-s3`,
                {
                    vpcId: this.vpc.id,
                    serviceName: pulumi.interpolate`com.amazonaws.${region.region}.s3`,
                    vpcEndpointType: "Gateway",
                    routeTableIds: SEGMENTS.flatMap((s) => this.routeTables[s].map((rt) => rt.id)),
                    policy: pulumi
                        .all([account.accountId, region.region])
                        .apply(([accountId, r]) => JSON.stringify(s3EndpointPolicy(accountId, r))),
                    tags: { Name: `${name}-vpce-s3` },
                },
                { parent: this },
            ),
        };
        for (const service of networkDesign.interfaceEndpoints) {
            const key = service.replace(/\./g, "-");
            this.vpcEndpoints[service] = new aws.ec2.VpcEndpoint(
                `${name}-vpce-${key}`,
                {
                    vpcId: this.vpc.id,
                    serviceName: pulumi.interpolate`com.amazonaws.${region.region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: this.segmentSubnets.service.map((s) => s.id),
                    securityGroupIds: [this.securityGroups.endpoints.id],
                    tags: { Name: `${name}-vpce-${key}` },
                },
                { parent: this },
            );
        }

        for (const segment of SEGMENTS) {
            ev.record(
                SEGMENT_CONTROL[segment],
                this.vpc,
                ...this.segmentSubnets[segment],
                ...this.routeTables[segment],
                this.networkAcls[segment],
                this.securityGroups[segment],
                ...sgRuleResources.filter((_, i) => sgRules[i].group === segment),
            );
        }
        ev.record("NET-SEG-MGMT", this.securityGroups.endpoints, ...Object.values(this.vpcEndpoints));
        ev.record("NET-SEG-AGENT", defaultSg);
        ev.record("NET-FLOW-LOGS", this.flowLog, flowRole);
        ev.record("NET-POD-CAPACITY", ...this.segmentSubnets.agent, ...this.segmentSubnets.service);
        ev.record("PER-FW-INGRESS", edgeRt, ...edgeRoutes);
        ev.record(
            "PER-FW-EGRESS",
            firewallRt,
            firewallDefault,
            ...publicRts,
            ...this.natGateways,
            this.vpcEndpoints.s3,
        );
        if (this.deployNatGateway) {
            ev.record("NET-DEPLOY-PATH", this.deployNatGateway, ...this.routeTables.management);
        }

        this.registerOutputs({
            vpcId: this.vpc.id,
            segmentSubnetIds: Object.fromEntries(SEGMENTS.map((s) => [s, this.segmentSubnets[s].map((x) => x.id)])),
            publicSubnetIds: this.publicSubnets.map((s) => s.id),
            firewallSubnetIds: this.firewallSubnets.map((s) => s.id),
            firewallArn: this.firewall.firewall.arn,
            guardDutyDetectorId: this.guardDutyDetector.id,
        });
    }
}

/**
 * The S3 gateway endpoint's policy: the stack's own account's buckets (aws:ResourceAccount), plus reads of
 * the AWS-owned buckets nodes need (ECR layers, AL2023 repositories, SSM). Without a policy the endpoint
 * admits every bucket in the world, an exfiltration path around the firewall.
 */
export function s3EndpointPolicy(accountId: string, region: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "StackAccountBuckets",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:*",
                Resource: "*",
                Condition: { StringEquals: { "aws:ResourceAccount": accountId } },
            },
            {
                Sid: "AwsOwnedReadOnly",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: platformDesign.awsOwnedBuckets.map((b) => `arn:aws:s3:::${b.replace("{region}", region)}/*`),
            },
        ],
    };
}
