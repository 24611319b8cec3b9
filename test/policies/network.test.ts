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
    // No stack config: the guide's segments (each message says so).
    const GUIDE = "(the guide's default (no stack config reached the pack))";
    const savedAll = process.env.PULUMI_CONFIG;
    beforeAll(() => void (process.env.PULUMI_CONFIG = "{}"));
    afterAll(() =>
        savedAll === undefined ? delete process.env.PULUMI_CONFIG : (process.env.PULUMI_CONFIG = savedAll),
    );

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
            `[NET-SEG-AGENT] subnet 10.0.4.0/25 is tagged segment=agent but lies outside that segment's 10.0.1.0/24 ${GUIDE}`,
        ]);
    });

    it("fails a subnet that overlaps a segment without its tag", () => {
        expect(subnet("10.0.3.0/25", { segment: "public" })).toEqual([
            `[NET-SEG-MGMT] subnet 10.0.3.0/25 overlaps the management segment 10.0.3.0/24 ${GUIDE} but is not tagged segment=management`,
        ]);
        expect(subnet("10.0.0.0/22")).toHaveLength(3);
    });

    it("reads the segment tag from the provider's default tags", () => {
        expect(subnet("10.0.2.0/25", undefined, { segment: "service" })).toEqual([]);
    });

    it("fails a subnet without an IPv4 CIDR", () => {
        expect(subnet(undefined)).toHaveLength(1);
    });

    describe("with another address plan in the stack's config (PULUMI_CONFIG)", () => {
        const saved = process.env.PULUMI_CONFIG;
        const savedStack = process.env.PULUMI_NODEJS_STACK;
        beforeEach(() => {
            process.env.PULUMI_NODEJS_STACK = "staging";
            process.env.PULUMI_CONFIG = JSON.stringify({
                "multi-agent-security:vpcCidr": "10.20.0.0/16",
                "multi-agent-security:agentSegmentCidr": "10.20.1.0/24",
                "multi-agent-security:serviceSegmentCidr": "10.20.2.0/24",
                "multi-agent-security:managementSegmentCidr": "10.20.3.0/24",
            });
        });
        afterEach(() => {
            for (const [k, v] of [
                ["PULUMI_CONFIG", saved],
                ["PULUMI_NODEJS_STACK", savedStack],
            ] as const) {
                if (v === undefined) {
                    delete process.env[k];
                } else {
                    process.env[k] = v;
                }
            }
        });

        it("takes the segments from the stack's keys", () => {
            expect(subnet("10.20.1.0/26", { segment: "agent" })).toEqual([]);
            expect(subnet("10.0.1.0/26", { segment: "agent" })).toEqual([
                "[NET-SEG-AGENT] subnet 10.0.1.0/26 is tagged segment=agent but lies outside that segment's 10.20.1.0/24 (the stack's agentSegmentCidr (Pulumi.staging.yaml))",
            ]);
        });

        it("ignores a policy config that tries to replace them (a pin is checked by network-address-plan)", () => {
            const violations = validateResource(subnetsInSegment, {
                type: SUBNET,
                props: { cidrBlock: "10.0.1.0/25", tags: { segment: "agent" } },
                config: { segments: { agent: "10.0.1.0/24" } },
            });
            expect(violations).toHaveLength(1);
        });
    });

    it("says when no stack config reached the pack (the guide's segments apply)", () => {
        const saved = process.env.PULUMI_CONFIG;
        process.env.PULUMI_CONFIG = "{}";
        try {
            expect(subnet("10.20.1.0/26", { segment: "agent" })).toEqual([
                "[NET-SEG-AGENT] subnet 10.20.1.0/26 is tagged segment=agent but lies outside that segment's 10.0.1.0/24 (the guide's default (no stack config reached the pack))",
            ]);
        } finally {
            if (saved === undefined) {
                delete process.env.PULUMI_CONFIG;
            } else {
                process.env.PULUMI_CONFIG = saved;
            }
        }
    });

    it("ignores other resource types", () => {
        expect(
            validateResource(subnetsInSegment, { type: "aws:ec2/vpc:Vpc", props: { cidrBlock: "10.0.1.0/24" } }),
        ).toEqual([]);
    });
});
