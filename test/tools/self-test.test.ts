import { controls } from "../../policy-pack/catalog";
import { controlsWithoutMutation, Mutation, MUTATIONS, runSelfTest } from "../../tools/lib/self-test";
import { stackPolicyConfig } from "../../tools/lib/audit";
import { StateResource } from "../../tools/lib/state";
import { plannedState } from "../harness/state";

// The self-test's rules on small sets of breaks. The full run over every infrastructure control, on the prod
// plan, is in test/tools/evidence.test.ts (the one full self-test of the suite).
// The audit's policy config for prod (policy-pack/config/prod.json): e.g. the admin CIDRs the reachability
// policy must not count as the internet.
const prodConfig = stackPolicyConfig("prod").config;
const PROD = { stack: "prod", project: "multi-agent-security" };

describe("mutation self-test", () => {
    let resources: StateResource[];
    beforeAll(async () => {
        resources = (await plannedState("prod")).resources;
    });

    it("has one mutation for every infrastructure control and none for the others", () => {
        expect(controlsWithoutMutation()).toEqual([]);
        const infra = new Set(controls.filter((c) => c.how.kind === "infrastructure").map((c) => c.id));
        expect(MUTATIONS.filter((m) => !infra.has(m.control)).map((m) => m.control)).toEqual([]);
        expect(new Set(MUTATIONS.map((m) => m.control)).size).toBe(MUTATIONS.length);
    });

    it("does not call a change that breaks nothing caught, nor a control the break is not reported under", async () => {
        const mutations: Mutation[] = [
            {
                control: "NET-SEG-AGENT",
                mutation: "a tag added",
                apply: (p) => void (p.inputs("aws:ec2/subnet:Subnet", "mas-agent-0").tags.note = "x"),
            },
            {
                control: "NET-SEG-SERVICE",
                mutation: "an agent subnet moved (reported under NET-SEG-AGENT, not NET-SEG-SERVICE)",
                apply: (p) => void (p.inputs("aws:ec2/subnet:Subnet", "mas-agent-0").cidrBlock = "10.0.9.0/26"),
            },
        ];
        const results = await runSelfTest(resources, prodConfig, { ...PROD, mutations });
        expect(results.map((r) => r.caught)).toEqual([false, false]);
    });

    it("does not call a break caught when the untouched plan already fails the control", async () => {
        const broken = resources.map((r) =>
            r.urn.endsWith("::mas-flow-logs") && r.type === "aws:ec2/flowLog:FlowLog"
                ? {
                      ...r,
                      inputs: { ...r.inputs, trafficType: "ACCEPT" },
                      outputs: { ...r.outputs, trafficType: "ACCEPT" },
                  }
                : r,
        );
        const [result] = await runSelfTest(broken, prodConfig, {
            ...PROD,
            mutations: MUTATIONS.filter((m) => m.control === "NET-FLOW-LOGS"),
        });
        expect(result.caught).toBe(false);
        expect(result.reportedBy.length).toBeGreaterThan(0);
    });
});
