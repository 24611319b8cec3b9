import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ROOT, tempDir } from "../harness/program";
import { fleetAgents, writeFleetProject } from "../../tools/lib/fleet-project";
import { tsNodeArgs } from "../../tools/lib/node-command";
import { planAll, PlanResult } from "../../tools/plan-all";

// Issue 26: 1,000 agents as 10 agent stacks of 100 beside the prod platform. Each stack's plan peaks at ≤ 1 GiB,
// and the fleet (plan:all, a process per core) plans and audits within the time the single 1,000-agent stack takes.
const STACKS = 10;
const PER_STACK = 100;
const GIB_MB = 1024;
const tmp = tempDir("fleet-scale-");

const resources = (file: string) =>
    (JSON.parse(fs.readFileSync(file, "utf8")) as { deployment: { resources: { type: string }[] } }).deployment
        .resources;

/** `plan` of one stack in its own process, with its wall time and peak RSS (tools/bench/report-rss.js). */
function timedPlan(args: string[]): Promise<{ code: number; ms: number; peakRssMb: number; output: string }> {
    return new Promise((resolve) => {
        const start = process.hrtime.bigint();
        const child = spawn(
            process.execPath,
            [
                "--require",
                path.join(ROOT, "tools", "bench", "report-rss.js"),
                ...tsNodeArgs(path.join(ROOT, "tools", "plan.ts"), args),
            ],
            { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("close", (code) =>
            resolve({
                code: code ?? -1,
                ms: Number(process.hrtime.bigint() - start) / 1e6,
                peakRssMb: Number(/bench-peak-rss-kb (\d+)/.exec(output)?.[1] ?? NaN) / 1024,
                output,
            }),
        );
    });
}

describe("a fleet of agent stacks", () => {
    it(`plans prod + ${STACKS} agent stacks of ${PER_STACK} agents, each ≤ 1 GiB, within the single ${STACKS * PER_STACK}-agent plan's time`, async () => {
        const fleet = writeFleetProject(ROOT, path.join(tmp, "fleet"), {
            stacks: STACKS,
            agentsPerStack: PER_STACK,
        });
        const plans = path.join(tmp, "fleet", "plans");
        const start = process.hrtime.bigint();
        const results: PlanResult[] = await planAll(["--project-dir", fleet.dir, "--out-dir", plans], () => undefined);
        const fleetMs = Number(process.hrtime.bigint() - start) / 1e6;

        // The single stack with the same 1,000 agents: prod with every agent of the fleet.
        const single = path.join(tmp, "single");
        fs.mkdirSync(single);
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(single, "Pulumi.yaml"));
        const prod = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
            config: Record<string, unknown>;
        };
        const all = Array.from({ length: STACKS }, (_, i) => fleetAgents(i + 1, PER_STACK)).flat();
        prod.config["multi-agent-security:agents"] = all;
        fs.writeFileSync(path.join(single, "Pulumi.prod.yaml"), YAML.stringify(prod));
        const one = await timedPlan([
            "--stack",
            "prod",
            "--project-dir",
            single,
            "--out",
            path.join(single, "prod.json"),
        ]);

        const byStack = Object.fromEntries(results.map((r) => [r.stack, r]));
        process.stdout.write(
            `fleet: ${results.length} plans in ${(fleetMs / 1000).toFixed(1)} s (${results
                .map((r) => `${r.stack} ${(r.ms / 1000).toFixed(1)} s / ${r.peakRssMb?.toFixed(0)} MB`)
                .join(
                    "; ",
                )}); single ${all.length}-agent stack: ${(one.ms / 1000).toFixed(1)} s / ${one.peakRssMb.toFixed(0)} MB\n`,
        );
        expect(Object.keys(byStack).sort()).toEqual(["prod", ...fleet.agentStacks].sort());
        for (const s of fleet.agentStacks) {
            const rs = resources(path.join(plans, `${s}.json`));
            // Each agent stack holds its own 100 agents' namespaces and nothing of the platform.
            expect(rs.filter((r) => r.type === "kubernetes:core/v1:Namespace")).toHaveLength(PER_STACK);
            expect(rs.filter((r) => r.type === "aws:eks/cluster:Cluster")).toHaveLength(0);
            expect(byStack[s].peakRssMb).toBeLessThanOrEqual(GIB_MB);
        }
        expect(results.map((r) => [r.stack, r.code])).toEqual(results.map((r) => [r.stack, 0]));
        expect(one.code).toBe(0);
        expect(fleetMs).toBeLessThanOrEqual(one.ms);
    }, 3_600_000);
});
