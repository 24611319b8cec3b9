import fc from "fast-check";
import { perimeterPlan } from "../../../components/network/cidrs";
import { contains, overlaps, split, subnetAt } from "../../../policy-pack/lib/cidr";

const FC_SEED = Number(process.env.FC_SEED ?? 20261204);

/** A random valid layout: VPC /16../20 at a random /16-aligned base, three distinct segment /24s inside it. */
const layout = fc
    .record({
        a: fc.integer({ min: 10, max: 10 }),
        b: fc.integer({ min: 0, max: 255 }),
        prefix: fc.integer({ min: 16, max: 20 }),
        azCount: fc.integer({ min: 2, max: 4 }),
        picks: fc.uniqueArray(fc.nat(), { minLength: 3, maxLength: 3, selector: (n) => n % 4096 }),
    })
    .map(({ a, b, prefix, azCount, picks }) => {
        const vpc = subnetAt(`${a}.${b}.0.0/16`, prefix, 0);
        const blocks = 2 ** (24 - prefix);
        const indexes = [...new Set(picks.map((p) => p % blocks))];
        return { vpc, azCount, segments: indexes.map((i) => subnetAt(vpc, 24, i)) };
    })
    .filter((l) => l.segments.length === 3);

describe("perimeterPlan (NET-SEG-AGENT, NET-SEG-SERVICE, NET-SEG-MGMT)", () => {
    it("default config: 10.0.255.0/24 public, 10.0.254.0/24 firewall", () => {
        expect(perimeterPlan("10.0.0.0/16", ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"], 3)).toEqual({
            publicBlock: "10.0.255.0/24",
            firewallBlock: "10.0.254.0/24",
            public: ["10.0.255.0/26", "10.0.255.64/26", "10.0.255.128/26"],
            firewall: ["10.0.254.0/28", "10.0.254.16/28", "10.0.254.32/28"],
        });
    });

    it("skips /24s taken by a segment", () => {
        const plan = perimeterPlan("10.0.0.0/20", ["10.0.15.0/24", "10.0.13.0/24", "10.0.1.0/24"], 2);
        expect([plan.publicBlock, plan.firewallBlock]).toEqual(["10.0.14.0/24", "10.0.12.0/24"]);
    });

    it("refuses a VPC with no room", () => {
        expect(() => perimeterPlan("10.0.0.0/23", ["10.0.0.0/24", "10.0.1.0/24"], 2)).toThrow(
            "vpcCidr 10.0.0.0/23 has no two /24 blocks outside the segments 10.0.0.0/24, 10.0.1.0/24 for public and firewall subnets",
        );
        expect(() => perimeterPlan("10.0.0.0/25", [], 2)).toThrow(
            "vpcCidr 10.0.0.0/25 is smaller than a /24; no room for public and firewall subnets",
        );
    });

    it("property: every subnet stays in its block, inside the VPC, and no two subnets overlap", () => {
        fc.assert(
            fc.property(layout, ({ vpc, azCount, segments }) => {
                const plan = perimeterPlan(vpc, segments, azCount);
                const segmentSubnets = segments.map((s) => split(s, azCount));
                segmentSubnets.forEach((subs, i) => subs.forEach((s) => expect(contains(segments[i], s)).toBe(true)));
                plan.public.forEach((s) => expect(contains(plan.publicBlock, s)).toBe(true));
                plan.firewall.forEach((s) => expect(contains(plan.firewallBlock, s)).toBe(true));
                const all = [...segmentSubnets.flat(), ...plan.public, ...plan.firewall];
                expect(all).toHaveLength(5 * azCount);
                all.forEach((s) => expect(contains(vpc, s)).toBe(true));
                all.forEach((x, i) => all.slice(i + 1).forEach((y) => expect(overlaps(x, y)).toBe(false)));
                // Deterministic: the same input gives the same plan.
                expect(perimeterPlan(vpc, segments, azCount)).toEqual(plan);
            }),
            // A fixed seed: the same cases on every run (fast-check prints the seed and path of a failure;
            // FC_SEED explores others).
            { numRuns: 150, seed: FC_SEED },
        );
    });
});
