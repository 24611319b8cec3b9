import type { ProgramRun } from "../../../tools/lib/program";
import { validateResource, validateStack } from "../../harness/policy";
import { plain } from "../../harness/program";
import { program } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program("dev");
    prod = await program("prod");
});

describe("Evidence and the pack's data policies on this component", () => {
    it("records every infrastructure control of the data area except DATA-ENC-IN-MEMORY (cluster section)", () => {
        const { dataControls } = require("../../../policy-pack/catalog/data");
        const infra = (dataControls as { id: string; how: { kind: string } }[])
            .filter((c) => c.how.kind === "infrastructure")
            .map((c) => c.id)
            .filter((id) => id !== "DATA-ENC-IN-MEMORY")
            .sort();
        const recorded = Object.keys(plain<Record<string, unknown>>(prod.stackOutputs.evidence)).sort();
        expect(recorded).toEqual(infra);
    });

    it.each(["dev", "prod"] as const)(
        "%s: every data policy passes (the enclave one needs the cluster section)",
        (stack) => {
            const run = stack === "dev" ? dev : prod;
            const { dataPolicies, inMemoryEnclave } = require("../../../policy-pack/policies/data");
            const provider = {
                type: "pulumi:providers:aws",
                props: { defaultTags: JSON.stringify({ tags: { classification: "internal", environment: stack } }) },
            };
            const violations: string[] = [];
            for (const p of dataPolicies) {
                if (p === inMemoryEnclave) {
                    continue;
                }
                if (p.validateResource) {
                    for (const r of run.resources) {
                        const v = validateResource(p, {
                            type: r.type,
                            props: plain(r.inputs),
                            protect: r.protect,
                            provider,
                        });
                        violations.push(...v.map((m) => `${p.name} ${r.name}: ${m}`));
                    }
                } else {
                    const resources = run.resources.map((r) => ({
                        type: r.type,
                        name: r.name,
                        props: plain<Record<string, unknown>>(r.outputs),
                    }));
                    violations.push(
                        ...validateStack(p, resources, { environment: stack }).map((v) => `${p.name}: ${v.message}`),
                    );
                }
            }
            expect(violations).toEqual([]);
        },
    );
});
