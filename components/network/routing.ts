// Route tables: the network firewall on every path to and from the internet (AWS's "internet gateway and NAT
// gateway" Network Firewall architecture, drawn in index.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";

export interface RoutingArgs {
    vpcId: pulumi.Input<string>;
    segmentSubnets: Record<SegmentName, aws.ec2.Subnet[]>;
    publicSubnets: aws.ec2.Subnet[];
    firewallSubnets: aws.ec2.Subnet[];
    /** Public subnet CIDRs, in AZ order (the edge routes' destinations). */
    publicCidrs: string[];
    internetGateway: aws.ec2.InternetGateway;
    /** The NAT gateway the agent / service subnets of AZ i leave through. */
    natFor: (i: number) => aws.ec2.NatGateway;
    /** The management segment's only way out (the deploy runner's); none without a runner. */
    deployNatGateway?: aws.ec2.NatGateway;
    /** The firewall endpoint (VPC endpoint id) in AZ i. */
    firewallEndpoint: (i: number) => pulumi.Input<string>;
}

export function routing(parent: pulumi.Resource, name: string, args: RoutingArgs) {
    const opts = { parent };
    const routeTable = (logical: string, tags: Record<string, string>) =>
        new aws.ec2.RouteTable(logical, { vpcId: args.vpcId, tags: { Name: logical, ...tags } }, opts);
    const associate = (logical: string, routeTableId: pulumi.Input<string>, subnetId: pulumi.Input<string>) =>
        new aws.ec2.RouteTableAssociation(logical, { routeTableId, subnetId }, opts);

    // Segments: agent and service leave through NAT (then the firewall); management has no route out.
    const routeTables = Object.fromEntries(
        SEGMENTS.map((segment) => [
            segment,
            args.segmentSubnets[segment].map((s, i) => {
                const rt = routeTable(`${name}-${segment}-rt-${i}`, { segment });
                associate(`${name}-${segment}-rt-${i}`, rt.id, s.id);
                const nat = segment !== "management" ? args.natFor(i) : args.deployNatGateway;
                if (nat) {
                    new aws.ec2.Route(
                        `${name}-${segment}-default-${i}`,
                        { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
                        opts,
                    );
                }
                return rt;
            }),
        ]),
    ) as Record<SegmentName, aws.ec2.RouteTable[]>;

    // Public subnets: out through the same-AZ firewall endpoint.
    const publicRts = args.publicSubnets.map((s, i) => {
        const rt = routeTable(`${name}-public-rt-${i}`, { tier: "public" });
        associate(`${name}-public-rt-${i}`, rt.id, s.id);
        new aws.ec2.Route(
            `${name}-public-default-${i}`,
            { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", vpcEndpointId: args.firewallEndpoint(i) },
            opts,
        );
        return rt;
    });

    // Firewall subnets: inspected traffic goes to the internet gateway.
    const firewallRt = routeTable(`${name}-firewall-rt`, { tier: "firewall" });
    args.firewallSubnets.forEach((s, i) => associate(`${name}-firewall-rt-${i}`, firewallRt.id, s.id));
    const firewallDefault = new aws.ec2.Route(
        `${name}-firewall-default`,
        { routeTableId: firewallRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: args.internetGateway.id },
        opts,
    );

    // Internet gateway edge route table: whatever enters for public subnet i (NAT replies, ALB
    // requests) passes the firewall endpoint of AZ i first, keeping both directions on one endpoint.
    const edgeRt = routeTable(`${name}-igw-edge-rt`, { tier: "igw-edge" });
    new aws.ec2.RouteTableAssociation(
        `${name}-igw-edge-rt`,
        { routeTableId: edgeRt.id, gatewayId: args.internetGateway.id },
        opts,
    );
    const edgeRoutes = args.publicCidrs.map(
        (cidr, i) =>
            new aws.ec2.Route(
                `${name}-igw-edge-${i}`,
                { routeTableId: edgeRt.id, destinationCidrBlock: cidr, vpcEndpointId: args.firewallEndpoint(i) },
                opts,
            ),
    );
    return { routeTables, publicRts, firewallRt, firewallDefault, edgeRt, edgeRoutes };
}
