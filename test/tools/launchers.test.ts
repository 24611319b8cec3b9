import { AnalyzerSession, Launcher } from "../../tools/lib/analyzer";
import { audit, PACK_DIR, reportJson, stackPolicyConfig } from "../../tools/lib/audit";
import { LoadedState } from "../../tools/lib/state";
import { plannedState } from "../harness/state";

// `plan` and `evidence` evaluate the pack in-process: its own gRPC handlers, called without a process or a socket.
// That is only allowed because it gives the very report the engine's path (run-policy-pack over gRPC, `audit`'s
// default) gives: on both shipped plans and on a prod plan with broken settings, report for report. One engine
// process per stack, as the engine starts one per update; the broken prod plan is a second audit through it.

function breakProd(resources: any[]): void {
    const byName = (type: string, name: string) =>
        resources.find((r) => r.type === type && r.urn.endsWith(`::${name}`));
    // A resource policy (inputs), a stack policy (outputs) and a removed resource.
    byName("aws:ec2/subnet:Subnet", "mas-agent-0").inputs.cidrBlock = "10.0.9.0/26";
    byName("aws:lb/listener:Listener", "mas-https").inputs.sslPolicy = "ELBSecurityPolicy-2016-08";
    const lifecycle = byName("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "mas-logging-system");
    lifecycle.outputs.rules[0].expiration.days = 30;
    lifecycle.inputs.rules[0].expiration.days = 30;
    resources.splice(
        resources.findIndex((r) => r.urn.endsWith("::mas-ec2-compromise-isolate-systems")),
        1,
    );
}

/** The report of each plan through one session of `launcher` for the stack. */
async function reports(stack: "dev" | "prod", plans: LoadedState[], launcher: Launcher) {
    const session = AnalyzerSession.start(PACK_DIR, { stack, project: "multi-agent-security", launcher });
    const policyConfig = stackPolicyConfig(stack).config;
    try {
        const out = [];
        for (const plan of plans) {
            const report = await audit(plan, {
                stack,
                policyConfig,
                session,
                keepOpen: true,
            });
            out.push(reportJson(report));
        }
        return out;
    } finally {
        await (await session).close();
    }
}

describe("in-process and engine launchers", () => {
    it("give the same report on the dev plan", async () => {
        const plan = await plannedState("dev");
        const [engine] = await reports("dev", [plan], "engine");
        const [inProcess] = await reports("dev", [plan], "in-process");
        expect(inProcess).toEqual(engine);
        expect(engine.summary.mandatory).toBe(0);
        expect(engine.summary.resources).toBeGreaterThan(400);
    });

    it("give the same report on the prod plan, and the same violations in the same order with broken settings", async () => {
        const plans = [await plannedState("prod"), await plannedState("prod", breakProd)];
        const engine = await reports("prod", plans, "engine");
        const inProcess = await reports("prod", plans, "in-process");
        expect(inProcess).toEqual(engine);
        expect(engine[0].summary.mandatory).toBe(0);
        expect(engine[0].summary.resources).toBeGreaterThan(400);
        expect(engine[1].summary.mandatory).toBeGreaterThanOrEqual(4);
        expect(engine[1].violations.length).toBeGreaterThanOrEqual(4);
    });
});
