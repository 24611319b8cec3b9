import { segmentReachability, subnetsInSegment } from "../../policy-pack/policies/network";
import { restorePackEnvAfterAll } from "../harness/env";
import { StackResourceCase, validateStack } from "../harness/policy";

const SUBNET = "aws:ec2/subnet:Subnet";

/** The stack policy on one subnet (outputs: its own tags, and tagsAll with the provider's default tags). */
function subnet(cidrBlock: unknown, tags?: Record<string, string>, tagsAll?: Record<string, string>, root?: unknown) {
    const resources: StackResourceCase[] = [
        { type: SUBNET, name: "s", props: { cidrBlock, ...(tags ? { tags } : {}), ...(tagsAll ? { tagsAll } : {}) } },
        ...(root ? [{ type: "pulumi:pulumi:Stack", name: "mas", props: { stackSettings: root } }] : []),
    ];
    return validateStack(subnetsInSegment, resources).map((v) => v.message);
}

describe("network-subnet-in-segment", () => {
    // No stack config and no stackSettings output: the guide's segments (each message says so).
    const GUIDE = "(the guide's default: neither the stack's config nor its stackSettings output reached the pack)";
    restorePackEnvAfterAll();
    beforeEach(() => {
        process.env.PULUMI_CONFIG = "{}";
        process.env.PULUMI_NODEJS_STACK = "staging";
    });

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

    it("reads the segment tag from tagsAll (the provider's default tags)", () => {
        expect(subnet("10.0.2.0/25", undefined, { segment: "service" })).toEqual([]);
        expect(subnet("10.0.1.0/25", undefined, { segment: "service" })).toHaveLength(1);
    });

    it("fails a subnet without an IPv4 CIDR", () => {
        expect(subnet(undefined)).toEqual([
            "subnet s has no IPv4 cidrBlock; every subnet must declare one so its segment can be checked",
        ]);
    });

    describe("with another address plan", () => {
        const STAGING = {
            "multi-agent-security:vpcCidr": "10.20.0.0/16",
            "multi-agent-security:agentSegmentCidr": "10.20.1.0/24",
            "multi-agent-security:serviceSegmentCidr": "10.20.2.0/24",
            "multi-agent-security:managementSegmentCidr": "10.20.3.0/24",
        };
        const OUTPUT = {
            environment: "staging",
            accountServices: "create",
            vpcCidr: "10.20.0.0/16",
            segments: { agent: "10.20.1.0/24", service: "10.20.2.0/24", management: "10.20.3.0/24" },
            adminCidrs: [],
        };

        it("takes the segments from the stack's config (PULUMI_CONFIG) under preview / up", () => {
            process.env.PULUMI_CONFIG = JSON.stringify(STAGING);
            expect(subnet("10.20.1.0/26", { segment: "agent" })).toEqual([]);
            expect(subnet("10.0.1.0/26", { segment: "agent" })).toEqual([
                "[NET-SEG-AGENT] subnet 10.0.1.0/26 is tagged segment=agent but lies outside that segment's 10.20.1.0/24 (the stack's agentSegmentCidr (Pulumi.staging.yaml))",
            ]);
        });

        it("takes them from the root stack's stackSettings output when no config reached the pack (pulumi policy analyze)", () => {
            expect(subnet("10.20.1.0/26", { segment: "agent" }, undefined, OUTPUT)).toEqual([]);
            expect(subnet("10.0.1.0/26", { segment: "agent" }, undefined, OUTPUT)).toEqual([
                "[NET-SEG-AGENT] subnet 10.0.1.0/26 is tagged segment=agent but lies outside that segment's 10.20.1.0/24 (the stack's agentSegmentCidr (its stackSettings output))",
            ]);
        });

        it("prefers the stack's config to the output, and ignores a policy config that tries to replace them", () => {
            process.env.PULUMI_CONFIG = JSON.stringify(STAGING);
            const other = { ...OUTPUT, segments: { ...OUTPUT.segments, agent: "10.9.1.0/24" } };
            expect(subnet("10.20.1.0/26", { segment: "agent" }, undefined, other)).toEqual([]);
            const violations = validateStack(
                subnetsInSegment,
                [{ type: SUBNET, name: "s", props: { cidrBlock: "10.0.1.0/25", tags: { segment: "agent" } } }],
                { segments: { agent: "10.0.1.0/24" } },
            );
            // The subnet is still judged by the stack's plan; the old setting is reported, not used.
            expect(violations.map((v) => v.message.slice(0, 70))).toEqual([
                "[NET-SEG-MGMT] the policy config sets network-subnet-in-segment.segmen",
                "[NET-SEG-AGENT] subnet 10.0.1.0/25 is tagged segment=agent but lies ou",
            ]);
        });
    });
});

describe("settings that moved to the stack's config", () => {
    it.each([
        ["network-subnet-in-segment", subnetsInSegment, "segments", { agent: "10.0.1.0/24" }],
        ["network-segment-reachability", segmentReachability, "adminCidrs", ["192.0.2.0/24"]],
    ] as const)(
        "%s fails a policy config that still sets %s (the pin moved to network-address-plan)",
        (name, policy, key, value) => {
            const found = validateStack(policy, [], { [key]: value }).map((v) => v.message);
            expect(found).toContain(
                `[NET-SEG-MGMT] the policy config sets ${name}.${key}, which no longer decides anything: the pack takes ${key === "segments" ? "the segments" : "the admin CIDRs"} from the stack's config (${key === "segments" ? "agentSegmentCidr, serviceSegmentCidr, managementSegmentCidr" : "adminCidrs"}); to pin them, move the value to network-address-plan.${key}`,
            );
            expect(validateStack(policy, [], {}).map((v) => v.message)).toEqual([]);
        },
    );
});
