import { subnetsInSegment } from "../../policy-pack/policies/network";
import { validateResource } from "../harness/policy";

const SUBNET = "aws:ec2/subnet:Subnet";

function subnet(cidrBlock: unknown, tags?: Record<string, string>, providerTags?: Record<string, string>) {
    return validateResource(subnetsInSegment, {
        type: SUBNET,
        props: { cidrBlock, ...(tags ? { tags } : {}) },
        ...(providerTags
            ? {
                  provider: {
                      type: "pulumi:providers:aws",
                      props: { defaultTags: JSON.stringify({ tags: providerTags }) },
                  },
              }
            : {}),
    });
}

describe("network-subnet-in-segment", () => {
    it("passes a segment subnet inside its /24", () => {
        expect(subnet("10.0.1.0/26", { segment: "agent" })).toEqual([]);
        expect(subnet("10.0.2.128/25", { segment: "service" })).toEqual([]);
        expect(subnet("10.0.3.192/26", { segment: "management" })).toEqual([]);
    });

    it("passes a subnet outside every segment (public / firewall subnets)", () => {
        expect(subnet("10.0.64.0/24", { segment: "public" })).toEqual([]);
        expect(subnet("10.0.100.0/28")).toEqual([]);
    });

    it("fails a tagged segment subnet that leaves its /24", () => {
        expect(subnet("10.0.4.0/25", { segment: "agent" })).toEqual([
            "[NET-SEG-AGENT] subnet 10.0.4.0/25 is tagged segment=agent but lies outside that segment's 10.0.1.0/24",
        ]);
    });

    it("fails a subnet that overlaps a segment without its tag", () => {
        expect(subnet("10.0.3.0/25", { segment: "public" })).toEqual([
            "[NET-SEG-MGMT] subnet 10.0.3.0/25 overlaps the management segment 10.0.3.0/24 but is not tagged segment=management",
        ]);
        expect(subnet("10.0.0.0/22")).toHaveLength(3);
    });

    it("reads the segment tag from the provider's default tags", () => {
        expect(subnet("10.0.2.0/25", undefined, { segment: "service" })).toEqual([]);
    });

    it("fails a subnet without an IPv4 CIDR", () => {
        expect(subnet(undefined)).toHaveLength(1);
    });

    it("uses the segments from policy config when a stack overrides them", () => {
        const violations = validateResource(subnetsInSegment, {
            type: SUBNET,
            props: { cidrBlock: "10.1.1.0/25", tags: { segment: "agent" } },
            config: { segments: { agent: "10.1.1.0/24", service: "10.1.2.0/24", management: "10.1.3.0/24" } },
        });
        expect(violations).toEqual([]);
    });

    it("ignores other resource types", () => {
        expect(
            validateResource(subnetsInSegment, { type: "aws:ec2/vpc:Vpc", props: { cidrBlock: "10.0.1.0/24" } }),
        ).toEqual([]);
    });
});
