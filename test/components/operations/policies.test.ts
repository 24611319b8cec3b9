import { runIsolated, stackConfig } from "../../harness/program";
import type { ProgramRun } from "../../../tools/lib/program";
import { program } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await runIsolated(stackConfig("dev"), "dev", program("dev"));
    prod = await runIsolated(stackConfig("prod"), "prod", program("prod"));
});

describe("the operations components satisfy the operations policies (stack outputs)", () => {
    it.each(["dev", "prod"] as const)(
        "%s passes every operations stack policy and records every infrastructure control",
        (stack) => {
            const { operationsPolicies } = require("../../../policy-pack/policies/operations");
            const { validateStack, validateResource } = require("../../harness/policy");
            const { operationsControls } = require("../../../policy-pack/catalog/operations");
            const run = stack === "dev" ? dev : prod;
            const resources = run.resources
                .filter((r) => r.custom)
                .map((r) => ({ type: r.type, name: r.name, props: r.outputs }));
            // operations-required-and-enabled judges the whole stack (network, data, ...): the full-plan tests cover it.
            for (const p of operationsPolicies.filter(
                (x: { name: string }) => x.name !== "operations-required-and-enabled",
            )) {
                if (p.validateStack) {
                    expect([p.name, validateStack(p, resources)]).toEqual([p.name, []]);
                } else {
                    for (const r of run.resources.filter((x) => x.custom)) {
                        expect([p.name, r.name, validateResource(p, { type: r.type, props: r.inputs })]).toEqual([
                            p.name,
                            r.name,
                            [],
                        ]);
                    }
                }
            }
            const infra = (operationsControls as { id: string; how: { kind: string } }[])
                .filter((c) => c.how.kind === "infrastructure")
                .map((c) => c.id);
            expect(infra.filter((id) => !(run.stackOutputs.controls as string[]).includes(id))).toEqual([]);
        },
    );
});
