import * as fs from "fs";
import * as path from "path";
import { addressPlanPins } from "../../policy-pack/policies/network";
import { ROOT, stackConfig } from "../harness/program";
import { restorePackEnvAfterAll } from "../harness/env";
import { validateStack } from "../harness/policy";

// The stack file is the one source of truth for the address plan; a policy config may pin it.
const STAGING = {
    "multi-agent-security:vpcCidr": "10.20.0.0/16",
    "multi-agent-security:agentSegmentCidr": "10.20.1.0/24",
    "multi-agent-security:serviceSegmentCidr": "10.20.2.0/24",
    "multi-agent-security:managementSegmentCidr": "10.20.3.0/24",
    "multi-agent-security:adminCidrs": JSON.stringify(["198.51.100.0/24", "192.0.2.0/28"]),
};
const FILES =
    "(Pulumi.staging.yaml) but the policy config's network-address-plan (policy-pack/config/staging.json, --policy-pack-config) pins";

describe("network-address-plan", () => {
    beforeEach(() => {
        process.env.PULUMI_CONFIG = JSON.stringify(STAGING);
        process.env.PULUMI_NODEJS_STACK = "staging";
    });
    restorePackEnvAfterAll();
    const check = (config: Record<string, unknown>) => validateStack(addressPlanPins, [], config).map((v) => v.message);

    it("passes without pins, and with pins equal to the stack's values (admin CIDRs in any order)", () => {
        expect(check({})).toEqual([]);
        expect(
            check({
                vpcCidr: "10.20.0.0/16",
                segments: { agent: "10.20.1.0/24", service: "10.20.2.0/24", management: "10.20.3.0/24" },
                adminCidrs: ["192.0.2.0/28", "198.51.100.0/24"],
            }),
        ).toEqual([]);
    });

    it("names both values and both files when a segment pin differs", () => {
        expect(check({ segments: { service: "10.0.2.0/24" } })).toEqual([
            `[NET-SEG-SERVICE] serviceSegmentCidr: the stack's config sets 10.20.2.0/24 ${FILES} 10.0.2.0/24; the security team's pin and the stack's address plan must agree (change one of the two files)`,
        ]);
    });

    it("fails a VPC pin the stack does not match, and the stack's default VPC when it sets none", () => {
        expect(check({ vpcCidr: "10.0.0.0/16" })).toEqual([
            `vpcCidr: the stack's config sets 10.20.0.0/16 ${FILES} 10.0.0.0/16; the security team's pin and the stack's address plan must agree (change one of the two files)`,
        ]);
        process.env.PULUMI_CONFIG = JSON.stringify({ "multi-agent-security:environment": "staging" });
        expect(check({ vpcCidr: "10.20.0.0/16" })[0]).toMatch(/^vpcCidr: the stack's config sets 10\.0\.0\.0\/16 /);
    });

    it("checks the pins against the root stack's stackSettings output when no config reached the pack", () => {
        process.env.PULUMI_CONFIG = "{}";
        const root = {
            type: "pulumi:pulumi:Stack",
            name: "mas",
            props: {
                stackSettings: {
                    vpcCidr: "10.20.0.0/16",
                    segments: { agent: "10.20.1.0/24", service: "10.20.2.0/24", management: "10.20.3.0/24" },
                    adminCidrs: ["198.51.100.0/24"],
                },
            },
        };
        const run = (config: Record<string, unknown>) =>
            validateStack(addressPlanPins, [root], config).map((v) => v.message);
        expect(run({ adminCidrs: ["198.51.100.0/24"], segments: { agent: "10.20.1.0/24" } })).toEqual([]);
        expect(run({ segments: { agent: "10.0.1.0/24" } })).toEqual([
            "[NET-SEG-AGENT] agentSegmentCidr: the stack's stackSettings output holds 10.20.1.0/24 but the policy config's network-address-plan (policy-pack/config/staging.json, --policy-pack-config) pins 10.0.1.0/24; the security team's pin and the stack's address plan must agree (change one of the two files)",
        ]);
        // Neither: pins cannot be checked, and say so.
        expect(check({ adminCidrs: ["198.51.100.0/24"] })).toEqual([
            "neither the stack's config nor its stackSettings output reached the pack, so the policy config's pins cannot be checked against the stack's address plan (run the pack with `pulumi preview --policy-pack`, or on a state whose root stack exports stackSettings)",
        ]);
        expect(check({})).toEqual([]);
    });

    it("fails an admin CIDR wider than a /16 in the stack's config (a share of the internet, not the admins)", () => {
        process.env.PULUMI_CONFIG = JSON.stringify({
            ...STAGING,
            "multi-agent-security:adminCidrs": JSON.stringify(["0.0.0.0/1", "10.1.0.0/16"]),
        });
        expect(check({})).toEqual([
            "[NET-SEG-MGMT] adminCidrs: 0.0.0.0/1 is wider than a /16: it admits a share of the internet to the management segment, not the administrators' networks",
        ]);
    });

    it("fails a pin it does not know (a misspelt key is not silently ignored)", () => {
        expect(check({ adminCIDRs: ["198.51.100.0/24"], vpcCIDR: "10.20.0.0/16" })).toEqual([
            "network-address-plan has no setting adminCIDRs (it pins vpcCidr, segments.agent / service / management and adminCidrs): the pin would be ignored",
            "network-address-plan has no setting vpcCIDR (it pins vpcCidr, segments.agent / service / management and adminCidrs): the pin would be ignored",
        ]);
        expect(check({ segments: { agnet: "10.20.1.0/24" } })).toEqual([
            "network-address-plan has no setting segments.agnet (it pins vpcCidr, segments.agent / service / management and adminCidrs): the pin would be ignored",
        ]);
    });

    it("fails admin CIDRs that differ from the pin, one more or one fewer", () => {
        expect(check({ adminCidrs: ["198.51.100.0/24"] })).toEqual([
            `[NET-SEG-MGMT] adminCidrs: the stack's config sets ["198.51.100.0/24","192.0.2.0/28"] ${FILES} ["198.51.100.0/24"]; the security team's pin and the stack's address plan must agree (change one of the two files)`,
        ]);
        expect(check({ adminCidrs: ["198.51.100.0/24", "192.0.2.0/28", "203.0.113.0/24"] })).toHaveLength(1);
    });
});

describe("declared admin paths", () => {
    // The admin CIDRs are the stack's own (config key adminCidrs); the shipped policy configs pin them to the same
    // value (network-address-plan), so an admin path is declared, never inferred from what happens to be open.
    it.each(["dev", "prod"])("policy-pack/config/%s.json pins Pulumi.<stack>.yaml's adminCidrs", (stack) => {
        const file = path.join(ROOT, "policy-pack", "config", `${stack}.json`);
        const policyConfig = JSON.parse(fs.readFileSync(file, "utf8"));
        const raw = stackConfig(stack).config["multi-agent-security:adminCidrs"];
        const stackValue: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
        expect(policyConfig["network-address-plan"].adminCidrs).toEqual(stackValue);
        expect((stackValue as string[]).length).toBeGreaterThan(0);
    });
});
