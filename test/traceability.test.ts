import * as path from "path";
import { controls } from "../policy-pack/catalog";
import { allPolicies, controlsOf } from "../policy-pack/policies";
import { testsByControl } from "../tools/lib/evidence-report";
import type { ProgramRun } from "../tools/lib/program";
import { runStack } from "./harness/program";

// Every guide control has one home: a catalog ID, implementing resources in both plans, an enforcing
// policy, a test that names it, and (for application / organizational controls) a justification.
const infrastructure = controls.filter((c) => c.how.kind === "infrastructure");
const tests = testsByControl(path.join(__dirname));

describe("traceability", () => {
    const plans: Record<string, ProgramRun> = {};
    beforeAll(async () => {
        plans.dev = await runStack("dev");
        plans.prod = await runStack("prod");
    });

    it("catalog IDs are stable-looking, unique and carry ISO 27001 and SOC 2 references", () => {
        expect(new Set(controls.map((c) => c.id)).size).toBe(controls.length);
        for (const c of controls) {
            expect(c.id).toMatch(/^[A-Z0-9]+(-[A-Z0-9]+)+$/);
            expect(c.requirement.length).toBeGreaterThan(10);
            expect(c.iso27001.every((r) => /^A\.[5-8]\.\d+$/.test(r))).toBe(true);
            expect(c.soc2.every((r) => /^(CC\d\.\d+|A1\.\d|C1\.\d|PI1\.\d|P\d\.\d)$/.test(r))).toBe(true);
            expect(c.iso27001.length + c.soc2.length).toBeGreaterThan(0);
        }
    });

    it.each(["dev", "prod"])("every infrastructure control has implementing resources in the %s plan", (stack) => {
        const evidence = plans[stack].stackOutputs.auditEvidence as Record<string, { resources: unknown[] }>;
        const missing = infrastructure.filter((c) => !(evidence[c.id]?.resources.length > 0)).map((c) => c.id);
        expect(missing).toEqual([]);
    });

    it("every infrastructure control has an enforcing policy", () => {
        const enforced = new Set(allPolicies.flatMap((p) => controlsOf(p)));
        expect(infrastructure.filter((c) => !enforced.has(c.id)).map((c) => c.id)).toEqual([]);
    });

    it("every infrastructure control is named by a test", () => {
        expect(infrastructure.filter((c) => !tests.has(c.id)).map((c) => c.id)).toEqual([]);
    });

    it("every application / organizational control states its primitive and justification", () => {
        for (const c of controls) {
            if (c.how.kind !== "infrastructure") {
                expect(c.how.primitive.length).toBeGreaterThan(5);
                expect(c.how.justification.length).toBeGreaterThan(10);
            }
        }
    });

    it("every policy enforces at least one catalog control", () => {
        expect(allPolicies.filter((p) => controlsOf(p).length === 0).map((p) => p.name)).toEqual([]);
    });
});
