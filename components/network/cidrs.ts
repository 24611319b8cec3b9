import { networkDesign } from "../../policy-pack/catalog/network";
import { overlaps, parseCidr, subnetAt } from "../../policy-pack/lib/cidr";

/** The subnet plan outside the three segments: one public and one firewall subnet per AZ. */
export interface PerimeterPlan {
    /** The /24 holding the public subnets (ALB, NAT gateways). */
    publicBlock: string;
    /** The /24 holding the firewall subnets (Network Firewall endpoints). */
    firewallBlock: string;
    public: string[];
    firewall: string[];
}

const BLOCK_PREFIX = 24;

/**
 * Carves the public and firewall subnets deterministically: the two highest /24s of the VPC that overlap no
 * segment (segments conventionally sit at the bottom of the VPC), split into one subnet per AZ
 * (public /26, firewall /28, the size AWS recommends for firewall subnets). Throws when the VPC has no room.
 */
export function perimeterPlan(vpcCidr: string, segmentCidrs: string[], azCount: number): PerimeterPlan {
    const vpc = parseCidr(vpcCidr);
    if (vpc.prefix > BLOCK_PREFIX) {
        throw new Error(
            `vpcCidr ${vpcCidr} is smaller than a /${BLOCK_PREFIX}; no room for public and firewall subnets`,
        );
    }
    const blocks = 2 ** (BLOCK_PREFIX - vpc.prefix);
    const free: string[] = [];
    for (let i = blocks - 1; i >= 0 && free.length < 2; i--) {
        const block = subnetAt(vpcCidr, BLOCK_PREFIX, i);
        if (!segmentCidrs.some((s) => overlaps(s, block))) {
            free.push(block);
        }
    }
    if (free.length < 2) {
        throw new Error(
            `vpcCidr ${vpcCidr} has no two /${BLOCK_PREFIX} blocks outside the segments ${segmentCidrs.join(", ")} for public and firewall subnets`,
        );
    }
    const [publicBlock, firewallBlock] = free;
    const perBlock = (prefix: number) => 2 ** (prefix - BLOCK_PREFIX);
    for (const prefix of [networkDesign.publicSubnetPrefix, networkDesign.firewallSubnetPrefix]) {
        if (azCount > perBlock(prefix)) {
            throw new Error(`a /${BLOCK_PREFIX} holds only ${perBlock(prefix)} /${prefix} subnets, not ${azCount}`);
        }
    }
    return {
        publicBlock,
        firewallBlock,
        public: Array.from({ length: azCount }, (_, i) => subnetAt(publicBlock, networkDesign.publicSubnetPrefix, i)),
        firewall: Array.from({ length: azCount }, (_, i) =>
            subnetAt(firewallBlock, networkDesign.firewallSubnetPrefix, i),
        ),
    };
}

/** The n-th address of a CIDR block (n = 0 is the network address), e.g. a fixed private IP in a subnet. */
export function hostAt(cidr: string, n: number): string {
    const c = parseCidr(cidr);
    const addr = c.first + n;
    // AWS reserves the first four and the last address of every subnet.
    if (n < 4 || addr >= c.last) {
        throw new Error(`host ${n} of ${cidr} is reserved or outside the block`);
    }
    return [24, 16, 8, 0].map((shift) => (addr >>> shift) & 255).join(".");
}
