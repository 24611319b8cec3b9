// The VPC's subnets and its way out: one subnet per AZ in each segment, the public and firewall subnets outside
// them, the internet gateway and the NAT gateways (the deploy runner's with its own fixed address).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";
import { platformDesign } from "../../policy-pack/catalog/platform";
import { hostAt, PerimeterPlan } from "./cidrs";

export interface SubnetPlacement {
    vpcId: pulumi.Input<string>;
    /** The availability zone of the i-th subnet of a tier. */
    zone: (i: number) => pulumi.Input<string>;
}

function subnet(
    parent: pulumi.Resource,
    at: SubnetPlacement,
    logical: string,
    cidrBlock: string,
    i: number,
    tags: Record<string, string>,
    dependsOn: pulumi.Resource[] = [],
) {
    return new aws.ec2.Subnet(
        logical,
        {
            vpcId: at.vpcId,
            cidrBlock,
            availabilityZone: at.zone(i),
            mapPublicIpOnLaunch: false,
            tags: { Name: logical, ...tags },
        },
        { parent, dependsOn },
    );
}

/** Each segment's subnets, one per AZ in AZ order (the segment's CIDR split by config's segmentSubnets). */
export function subnetsPerSegment(
    parent: pulumi.Resource,
    name: string,
    at: SubnetPlacement,
    cidrs: Record<SegmentName, string[]>,
): Record<SegmentName, aws.ec2.Subnet[]> {
    return Object.fromEntries(
        SEGMENTS.map((segment) => [
            segment,
            cidrs[segment].map((cidr, i) => subnet(parent, at, `${name}-${segment}-${i}`, cidr, i, { segment })),
        ]),
    ) as Record<SegmentName, aws.ec2.Subnet[]>;
}

export interface InternetEdgeArgs extends SubnetPlacement {
    /** Public and firewall subnet CIDRs (cidrs.ts). */
    plan: PerimeterPlan;
    /** One NAT gateway per AZ, else one shared. */
    natGatewayPerAz: boolean;
    azCount: number;
    /** With a deploy runner: its own NAT gateway at a fixed address in public subnet 0. */
    deployRunner: boolean;
}

/** The internet gateway, the public and firewall subnets, and the NAT gateways. */
export function internetEdge(parent: pulumi.Resource, name: string, args: InternetEdgeArgs) {
    const internetGateway = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: args.vpcId, tags: { Name: `${name}-igw` } },
        { parent },
    );
    // The ALB and NAT gateways live here; nothing gets a public IP by default (the ALB and NAT EIPs are
    // assigned by their services). The subnets wait for the internet gateway: an internet-facing ALB
    // created before the gateway is attached fails with "InvalidSubnet: VPC ... has no internet gateway",
    // and the Perimeter only sees these subnets' ids.
    const publicSubnets = args.plan.public.map((cidr, i) =>
        subnet(parent, args, `${name}-public-${i}`, cidr, i, { tier: "public", "kubernetes.io/role/elb": "1" }, [
            internetGateway,
        ]),
    );
    const firewallSubnets = args.plan.firewall.map((cidr, i) =>
        subnet(parent, args, `${name}-firewall-${i}`, cidr, i, { tier: "firewall" }),
    );

    // The deploy runner's NAT gateway: its own fixed address, so the firewall can tell the runner's flows
    // (after NAT) from the workloads' and admit GitHub, npm and the like for that source only. The address is
    // reserved (explicit: EC2 never hands it out by itself) before anything else gets an interface in the
    // subnet, so a NAT gateway or the ALB created at the same time cannot take it first.
    const deployNatIp = hostAt(args.plan.public[0], platformDesign.deployRunner.natHost);
    const reservation = args.deployRunner
        ? new aws.ec2.SubnetCidrReservation(
              `${name}-deploy-nat-ip`,
              {
                  subnetId: publicSubnets[0].id,
                  cidrBlock: `${deployNatIp}/32`,
                  reservationType: "explicit",
                  description: "Fixed private address of the deploy runner's NAT gateway",
              },
              { parent },
          )
        : undefined;
    const afterReservation = reservation ? [reservation] : [];

    const natCount = args.natGatewayPerAz ? args.azCount : 1;
    const natGateways = Array.from({ length: natCount }, (_, i) => {
        const eip = new aws.ec2.Eip(
            `${name}-nat-${i}`,
            { domain: "vpc", tags: { Name: `${name}-nat-${i}` } },
            { parent, dependsOn: [internetGateway] },
        );
        return new aws.ec2.NatGateway(
            `${name}-nat-${i}`,
            {
                allocationId: eip.id,
                subnetId: publicSubnets[i].id,
                connectivityType: "public",
                tags: { Name: `${name}-nat-${i}` },
            },
            { parent, dependsOn: i === 0 ? afterReservation : [] },
        );
    });

    let deployNatGateway: aws.ec2.NatGateway | undefined;
    if (args.deployRunner) {
        const eip = new aws.ec2.Eip(
            `${name}-deploy-nat`,
            { domain: "vpc", tags: { Name: `${name}-deploy-nat`, role: "deploy-runner" } },
            { parent, dependsOn: [internetGateway] },
        );
        deployNatGateway = new aws.ec2.NatGateway(
            `${name}-deploy-nat`,
            {
                allocationId: eip.id,
                subnetId: publicSubnets[0].id,
                connectivityType: "public",
                privateIp: deployNatIp,
                tags: { Name: `${name}-deploy-nat`, role: "deploy-runner" },
            },
            { parent, dependsOn: afterReservation },
        );
    }
    // What other sections place in the public subnets (the ALB) waits for the reservation too.
    const publicSubnetIds = publicSubnets.map((s, i) =>
        i === 0 && reservation ? pulumi.all([s.id, reservation.id]).apply(([id]) => id) : s.id,
    );
    return {
        internetGateway,
        publicSubnets,
        publicSubnetIds,
        firewallSubnets,
        natGateways,
        deployNatGateway,
        deployNatIp,
        deployNatReservation: reservation,
    };
}
