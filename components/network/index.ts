import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";
import { namePrefix, segmentCidrs, segmentSubnets } from "../config";
import { EvidenceRegistry } from "../evidence";
import { segmentAccess } from "./access";
import { perimeterPlan } from "./cidrs";
import { vpcEndpoints } from "./endpoints";
import { Firewall, FirewallConfig } from "./firewall";
import { flowLogs } from "./flow-logs";
import { routing } from "./routing";
import { AccessRulesConfig } from "./rules";
import { internetEdge, subnetsPerSegment } from "./subnets";

export { Firewall } from "./firewall";
export type { FirewallArgs, FirewallConfig } from "./firewall";
export { Perimeter } from "./perimeter";
export type { PerimeterArgs, PerimeterConfig } from "./perimeter";
export { hostAt, perimeterPlan } from "./cidrs";
export { s3EndpointPolicy } from "./endpoints";
export { DeployRunner } from "./deploy-runner";
export type { DeployRunnerArgs, DeployRunnerConfig } from "./deploy-runner";

/** The stack config the network reads (keys as validated in components/config), its firewall's included. */
export interface NetworkConfig extends AccessRulesConfig, FirewallConfig {
    /** AZs each segment is split over (one subnet per AZ). */
    azCount: number;
    /** One NAT gateway per AZ (prod) instead of a single shared one. */
    natGatewayPerAz: boolean;
}

export interface NetworkArgs {
    config: NetworkConfig;
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
 *
 * The parts, in creation order: subnets.ts (segment, public and firewall subnets, internet and NAT gateways),
 * the Firewall component, routing.ts, access.ts (security groups, rules, network ACLs), flow-logs.ts,
 * endpoints.ts (VPC endpoints). Every resource's parent is this component (the firewall's, the Firewall).
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly availabilityZones: pulumi.Output<string[]>;
    /** Subnets per segment, one per AZ in AZ order. */
    readonly segmentSubnets: Record<SegmentName, aws.ec2.Subnet[]>;
    /** Public subnets (ALB, NAT gateways), one per AZ. */
    readonly publicSubnets: aws.ec2.Subnet[];
    /** The public subnets' ids for what other sections place there: they resolve after the deploy NAT's
     * address reservation, so nothing created alongside takes that address. */
    readonly publicSubnetIds: pulumi.Output<string>[];
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
    readonly guardDutyDetectorId: pulumi.Output<string>;
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
        const placement = { vpcId: this.vpc.id, zone: az };

        this.segmentSubnets = subnetsPerSegment(this, name, placement, segmentSubnets(cfg));
        const edge = internetEdge(this, name, {
            ...placement,
            plan,
            natGatewayPerAz: cfg.natGatewayPerAz,
            azCount: cfg.azCount,
            deployRunner: cfg.deployRunnerRepository !== "",
        });
        this.internetGateway = edge.internetGateway;
        this.publicSubnets = edge.publicSubnets;
        this.publicSubnetIds = edge.publicSubnetIds;
        this.firewallSubnets = edge.firewallSubnets;
        this.natGateways = edge.natGateways;
        this.deployNatGateway = edge.deployNatGateway;

        this.firewall = new Firewall(
            `${name}-firewall`,
            {
                config: cfg,
                evidence: ev,
                vpcId: this.vpc.id,
                subnetIds: this.firewallSubnets.map((s) => s.id),
                publicSubnetCidrs: plan.public,
                firewallLogGroupName: args.firewallLogGroupName,
                ...(this.deployNatGateway ? { deploySourceCidr: `${edge.deployNatIp}/32` } : {}),
            },
            { parent: this },
        );
        this.guardDutyDetectorId = this.firewall.guardDutyDetectorId;

        const routes = routing(this, name, {
            vpcId: this.vpc.id,
            segmentSubnets: this.segmentSubnets,
            publicSubnets: this.publicSubnets,
            firewallSubnets: this.firewallSubnets,
            publicCidrs: plan.public,
            internetGateway: this.internetGateway,
            natFor: (i) => this.natGateways[cfg.natGatewayPerAz ? i : 0],
            deployNatGateway: this.deployNatGateway,
            firewallEndpoint: (i) => this.firewall.endpointIn(az(i)),
        });
        this.routeTables = routes.routeTables;

        const access = segmentAccess(this, name, {
            prefix,
            vpcId: this.vpc.id,
            rules: cfg,
            plan,
            segmentSubnets: this.segmentSubnets,
        });
        this.securityGroups = access.securityGroups;
        this.networkAcls = access.networkAcls;

        // The stack's account: the flow logs' delivery role and the S3 endpoint's policy name it.
        const account = aws.getCallerIdentityOutput({}, { parent: this });
        const flow = flowLogs(this, name, {
            prefix,
            vpcId: this.vpc.id,
            account,
            flowLogGroupArn: args.flowLogGroupArn,
            permissionsBoundaryArn: args.permissionsBoundaryArn,
        });
        this.flowLog = flow.flowLog;
        this.vpcEndpoints = vpcEndpoints(this, name, {
            vpcId: this.vpc.id,
            account,
            routeTables: SEGMENTS.flatMap((s) => this.routeTables[s]),
            serviceSubnets: this.segmentSubnets.service,
            securityGroupId: this.securityGroups.endpoints.id,
        });

        for (const segment of SEGMENTS) {
            ev.record(
                SEGMENT_CONTROL[segment],
                this.vpc,
                ...this.segmentSubnets[segment],
                ...this.routeTables[segment],
                this.networkAcls[segment],
                this.securityGroups[segment],
                ...access.rulesOf(segment),
            );
        }
        ev.record("NET-SEG-MGMT", this.securityGroups.endpoints, ...Object.values(this.vpcEndpoints));
        ev.record("NET-SEG-AGENT", defaultSg);
        ev.record("NET-FLOW-LOGS", this.flowLog, flow.flowRole);
        ev.record("NET-POD-CAPACITY", ...this.segmentSubnets.agent, ...this.segmentSubnets.service);
        ev.record("PER-FW-INGRESS", routes.edgeRt, ...routes.edgeRoutes);
        ev.record(
            "PER-FW-EGRESS",
            routes.firewallRt,
            routes.firewallDefault,
            ...routes.publicRts,
            ...this.natGateways,
            this.vpcEndpoints.s3,
        );
        if (this.deployNatGateway) {
            ev.record(
                "NET-DEPLOY-PATH",
                this.deployNatGateway,
                ...(edge.deployNatReservation ? [edge.deployNatReservation] : []),
                ...this.routeTables.management,
            );
        }

        this.registerOutputs({
            vpcId: this.vpc.id,
            segmentSubnetIds: Object.fromEntries(SEGMENTS.map((s) => [s, this.segmentSubnets[s].map((x) => x.id)])),
            publicSubnetIds: this.publicSubnets.map((s) => s.id),
            firewallSubnetIds: this.firewallSubnets.map((s) => s.id),
            firewallArn: this.firewall.firewall.arn,
            guardDutyDetectorId: this.guardDutyDetectorId,
        });
    }
}
