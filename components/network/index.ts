import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";
import { segmentSubnets, StackConfig } from "../config";
import { EvidenceRegistry } from "../evidence";

export interface NetworkArgs {
    config: StackConfig;
    evidence: EvidenceRegistry;
}

const SEGMENT_CONTROL: Record<SegmentName, string> = {
    agent: "NET-SEG-AGENT",
    service: "NET-SEG-SERVICE",
    management: "NET-SEG-MGMT",
};

/**
 * The VPC and the guide's three segments (infrastructure_security.network_protection.segmentation), each
 * /24 split into one subnet per AZ so that EKS gets the two AZs it needs without leaving the segment.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly availabilityZones: pulumi.Output<string[]>;
    /** Subnets per segment, one per AZ in AZ order. */
    readonly segmentSubnets: Record<SegmentName, aws.ec2.Subnet[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:network:Network", name, {}, opts);
        const cfg = args.config;

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

        const azs = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this });
        this.availabilityZones = azs.names.apply((names) => {
            if (names.length < cfg.azCount) {
                throw new Error(`azCount is ${cfg.azCount} but the region offers only ${names.length} zones`);
            }
            return names.slice(0, cfg.azCount);
        });

        const cidrs = segmentSubnets(cfg);
        this.segmentSubnets = Object.fromEntries(
            SEGMENTS.map((segment) => [
                segment,
                cidrs[segment].map(
                    (cidrBlock, i) =>
                        new aws.ec2.Subnet(
                            `${name}-${segment}-${i}`,
                            {
                                vpcId: this.vpc.id,
                                cidrBlock,
                                availabilityZone: this.availabilityZones.apply((z) => z[i]),
                                mapPublicIpOnLaunch: false,
                                tags: { Name: `${name}-${segment}-${i}`, segment },
                            },
                            { parent: this },
                        ),
                ),
            ]),
        ) as Record<SegmentName, aws.ec2.Subnet[]>;

        for (const segment of SEGMENTS) {
            args.evidence.record(SEGMENT_CONTROL[segment], this.vpc, ...this.segmentSubnets[segment]);
        }

        this.registerOutputs({
            vpcId: this.vpc.id,
            segmentSubnetIds: Object.fromEntries(SEGMENTS.map((s) => [s, this.segmentSubnets[s].map((x) => x.id)])),
        });
    }
}
