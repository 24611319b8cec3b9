import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { ProgramRun } from "../../../tools/lib/program";
import { networkPolicies } from "../../../policy-pack/policies/network";
import { validateResource, validateStack } from "../../harness/policy";
import { plain, stackConfig } from "../../harness/program";
import { packConfig, program, Rec } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program({}, "dev");
    prod = await program({}, "prod");
}, 60_000);

describe("evidence and the network policies on the component's own resources", () => {
    it("records every network control", () => {
        const ids = Object.keys(dev.stackOutputs.evidence as Rec).sort();
        expect(ids).toEqual(
            [
                "IDS-AUTO-UPDATE",
                "IDS-SIGNATURE",
                "IPS-BEHAVIORAL",
                "IPS-PREVENT",
                "NET-DEPLOY-PATH",
                "NET-FLOW-LOGS",
                "NET-POD-CAPACITY",
                "NET-SEG-AGENT",
                "NET-SEG-MGMT",
                "NET-SEG-SERVICE",
                "PER-DDOS",
                "PER-FW-EGRESS",
                "PER-FW-INGRESS",
                "PER-LB",
                "PER-WAF-RULES",
                "TLS-IN-TRANSIT",
                "TLS-PFS",
                "TLS-TRANSPORT",
            ].sort(),
        );
        const ddos = (prod.stackOutputs.evidence as Record<string, { resources: { type: string }[] }>)["PER-DDOS"];
        expect(ddos.resources.map((r) => r.type)).toContain("aws:shield/protection:Protection");
    });

    const provider = (env: string) => ({
        type: "pulumi:providers:aws",
        props: { defaultTags: JSON.stringify({ tags: { environment: env } }) },
    });

    it.each([
        ["dev", () => dev],
        ["prod", () => prod],
    ])("%s: every network policy passes", (env, get) => {
        const run = get();
        const violations: string[] = [];
        // The stack's own config, as the engine hands it to the pack (the address plan, the admin CIDRs).
        const saved = process.env.PULUMI_CONFIG;
        process.env.PULUMI_CONFIG = JSON.stringify(stackConfig(env).config);
        for (const policy of networkPolicies) {
            if ("validateStack" in policy) {
                const resources = [
                    { type: "pulumi:providers:aws", props: provider(env).props, name: "aws" },
                    ...run.resources.map((r) => ({
                        type: r.type,
                        props: plain<Rec>(r.outputs),
                        name: r.name,
                        urn: r.urn,
                    })),
                ];
                // The stack's policy config, as the audit passes it (e.g. the declared admin CIDRs).
                const entry = packConfig(env)[policy.name];
                const config = entry && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
                violations.push(
                    ...validateStack(policy as StackValidationPolicy, resources, config).map(
                        (v) => `${policy.name}: ${v.message}`,
                    ),
                );
            } else {
                for (const r of run.resources) {
                    violations.push(
                        ...validateResource(policy as ResourceValidationPolicy, {
                            type: r.type,
                            props: plain<Rec>(r.inputs),
                            provider: provider(env),
                        }).map((m) => `${policy.name}: ${r.name}: ${m}`),
                    );
                }
            }
        }
        process.env.PULUMI_CONFIG = saved ?? "";
        expect(violations).toEqual([]);
    });
});
