// npm run bench [-- --skip-test] [--runs <n>] [--agents <n>] [--fleet <stacks>x<agents>]
// Measures, on this machine and in one run: `npm test` seconds; `plan` of prod (synthesis + audit) against the
// bare-SDK floor for the same resources (tools/bench/floor.js, started the same way: same Node, same start-up
// file); the evidence command on prod (with its mutation self-test); the audit's cost per 1,000 resources; and
// the plan of 1,000 agents (time and peak RSS); the same agents split into prod + 10 agent stacks of 100 (plan:all:
// wall time, and each plan's peak RSS). Every figure is the wall time of a fresh process, as a user would
// see it; plan and floor alternate and the median of --runs is kept.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "../lib/audit";
import { CommandSpec, parseCommand, runMain, UsageError } from "../lib/errors";
import { writeFleetProject } from "../lib/fleet-project";
import { tsNodeArgs } from "../lib/node-command";
import { planAll } from "../plan-all";

export const BENCH: CommandSpec = {
    name: "bench",
    summary:
        "Times npm test, plan vs the bare-SDK floor, the audit per 1,000 resources, a 1,000-agent plan and the same\n" +
        "agents as a platform plus agent stacks (plan:all).",
    flags: [
        {
            name: "skip-test",
            value: "<yes|no>",
            help: "skip the `npm test` measurement (the longest part); default no",
        },
        { name: "runs", value: "<n>", help: "runs of plan and floor each (median kept; default 3)" },
        { name: "agents", value: "<n>", help: "agents of the scale plan (default 1000)" },
        {
            name: "fleet",
            value: "<stacks>x<agents>",
            help: "the split estate planned beside it: prod + agent stacks of agents each (default 10x100)",
        },
    ],
    footer: "Prints one line per figure and a summary table (markdown) for the README.",
};

const RSS = path.join(__dirname, "report-rss.js");

interface Timed {
    ms: number;
    code: number;
    stdout: string;
    stderr: string;
    peakRssMb?: number;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): Promise<Timed> {
    return new Promise((resolve) => {
        const start = process.hrtime.bigint();
        const child = spawn(cmd, args, {
            cwd,
            env: { ...process.env, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => {
            const ms = Number(process.hrtime.bigint() - start) / 1e6;
            const rss = /bench-peak-rss-kb (\d+)/.exec(stderr);
            resolve({ ms, code: code ?? -1, stdout, stderr, ...(rss ? { peakRssMb: Number(rss[1]) / 1024 } : {}) });
        });
    });
}

/** `--fleet 10x100` → [10, 100]. */
function fleetShape(flag: string): [number, number] {
    const m = /^(\d+)x(\d+)$/.exec(flag);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
        throw new UsageError(`--fleet expects <stacks>x<agents>, e.g. 10x100 (got ${flag})`);
    }
    return [Number(m[1]), Number(m[2])];
}

function must(t: Timed, what: string): Timed {
    if (t.code !== 0) {
        throw new Error(`${what} exited ${t.code}:\n${t.stdout.slice(-2000)}\n${t.stderr.slice(-2000)}`);
    }
    return t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = (args: string[]): [string, string[]] => [process.execPath, ["--require", RSS, ...args]];
const tsx = (script: string, args: string[]): [string, string[]] =>
    node(tsNodeArgs(path.join(REPO_ROOT, script), args));

function resourcesOf(file: string): number {
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { deployment: { resources: unknown[] } }).deployment.resources
        .length;
}

export async function benchCommand(argv: string[]): Promise<number> {
    const flags = parseCommand(argv, BENCH);
    const runs = Number(flags.runs ?? 3);
    const agents = Number(flags.agents ?? 1000);
    if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(agents) || agents < 2) {
        throw new UsageError("--runs must be ≥ 1 and --agents ≥ 2");
    }
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mas-bench-"));
    // The clone and the plans are removed even when a measurement fails.
    try {
        out(`bench: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}`);
        const rows: [string, string][] = [];

        // 1. npm test from a clean clone of HEAD (committed work only): `npm ci`, then `npm test` with every cache
        //    (jest's, Node's compile cache, the self-test's) as empty as a fresh checkout's.
        if ((flags["skip-test"] ?? "no") !== "yes") {
            const clone = path.join(tmp, "clone");
            must(await timed("git", ["clone", "--quiet", REPO_ROOT, clone]), "git clone");
            const ci = must(
                await timed("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], {}, clone),
                "npm ci (clean clone)",
            );
            const t = must(await timed("npm", ["test"], {}, clone), "npm test (clean clone)");
            out(`clean clone of HEAD: npm ci ${(ci.ms / 1000).toFixed(1)} s, npm test ${(t.ms / 1000).toFixed(1)} s`);
            rows.push([
                "`npm test` in a clean clone of HEAD, after `npm ci` (typecheck, lint, jest, plan + audit of every stack)",
                `${(t.ms / 1000).toFixed(1)} s`,
            ]);
        }

        // 2. plan of prod vs the bare-SDK floor for the same resources.
        const planFile = path.join(tmp, "prod.json");
        const [cmd, args] = tsx("tools/plan.ts", ["--stack", "prod", "--out", planFile]);
        must(await timed(cmd, args), "plan (warm-up)");
        const planMs: number[] = [];
        const floorMs: number[] = [];
        const [fc, fa] = tsx("tools/bench/floor.js", [planFile]);
        for (let i = 0; i < runs; i++) {
            planMs.push(must(await timed(cmd, args), "plan").ms);
            floorMs.push(must(await timed(fc, fa), "floor").ms);
        }
        const n = resourcesOf(planFile);
        const plan = median(planMs);
        const floor = median(floorMs);
        out(
            `plan prod (${n} resources, synthesis + audit): ${plan.toFixed(0)} ms; floor ${floor.toFixed(0)} ms; ratio ${(plan / floor).toFixed(2)}`,
        );
        rows.push([`\`plan --stack prod\` (${n} resources: synthesis + audit)`, `${plan.toFixed(0)} ms`]);
        rows.push([
            `bare-SDK floor, same ${n} resources under mocks (\`tools/bench/floor.js\`)`,
            `${floor.toFixed(0)} ms`,
        ]);
        rows.push(["plan / floor", `${(plan / floor).toFixed(2)}×`]);

        // The evidence of prod, with its mutation self-test (its result cache emptied first).
        fs.rmSync(path.join(REPO_ROOT, "node_modules", ".cache", "mas-self-test"), { recursive: true, force: true });
        const [ec, ea] = tsx("tools/evidence.ts", ["--stack", "prod", "--out-dir", path.join(tmp, "evidence")]);
        // Exit 1 is a control the evidence reports as failing (CI shows it as a warning): still a timing.
        const ev = await timed(ec, ea);
        if (ev.code > 1) {
            must(ev, "evidence");
        }
        out(`evidence prod (plan, audit, self-test of every control): ${(ev.ms / 1000).toFixed(1)} s, exit ${ev.code}`);
        rows.push(["`evidence --stack prod` (plan, audit, mutation self-test)", `${(ev.ms / 1000).toFixed(1)} s`]);

        // 3. A plan of many agents: time and peak RSS (the plan includes its audit).
        const proj = path.join(tmp, "project");
        fs.mkdirSync(proj);
        fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(proj, "Pulumi.yaml"));
        const dev = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as {
            config: Record<string, unknown>;
        };
        dev.config["multi-agent-security:agents"] = Array.from({ length: agents }, (_, i) =>
            i === 0 ? "coordinator" : i === 1 ? "task-executor" : `worker-${i}`,
        );
        fs.writeFileSync(path.join(proj, "Pulumi.bench.yaml"), YAML.stringify(dev));
        const bigFile = path.join(tmp, "bench.json");
        const [bc, ba] = tsx("tools/plan.ts", ["--stack", "bench", "--project-dir", proj, "--out", bigFile]);
        const big = must(await timed(bc, ba), `plan of ${agents} agents`);
        const bigN = resourcesOf(bigFile);
        const synth = Number(/\) in (\d+) ms/.exec(big.stdout)?.[1] ?? NaN);
        out(
            `plan of ${agents} agents (${bigN} resources): ${(big.ms / 1000).toFixed(1)} s (synthesis ${(synth / 1000).toFixed(1)} s), peak RSS ${big.peakRssMb?.toFixed(0)} MB`,
        );
        rows.push([`plan of ${agents} agents (${bigN} resources), with its audit`, `${(big.ms / 1000).toFixed(1)} s`]);
        rows.push([`peak RSS of that plan`, `${big.peakRssMb?.toFixed(0)} MB`]);

        // The same resources registered by the bare SDK: the memory and time no program on it can go below.
        const [bfc, bfa] = tsx("tools/bench/floor.js", [bigFile]);
        const bigFloor = must(await timed(bfc, bfa), "floor of the scale plan");
        out(
            `bare-SDK floor for those ${bigN} resources: ${(bigFloor.ms / 1000).toFixed(1)} s, peak RSS ${bigFloor.peakRssMb?.toFixed(0)} MB`,
        );
        rows.push([
            `bare-SDK floor for the same ${bigN} resources: time, peak RSS`,
            `${(bigFloor.ms / 1000).toFixed(1)} s, ${bigFloor.peakRssMb?.toFixed(0)} MB`,
        ]);

        // 4. The same agents split: prod plus agent stacks (copies of Pulumi.prod.yaml with platformStack prod),
        //    planned by plan:all (the platform first, then the agent stacks against its plan, a process per core).
        const [fleetStacks, fleetAgents] = fleetShape(flags.fleet ?? "10x100");
        const fleetDir = path.join(tmp, "fleet");
        writeFleetProject(REPO_ROOT, fleetDir, { stacks: fleetStacks, agentsPerStack: fleetAgents });
        const fleetStart = process.hrtime.bigint();
        const fleet = await planAll(
            ["--project-dir", fleetDir, "--out-dir", path.join(fleetDir, "plans")],
            () => undefined,
        );
        const fleetMs = Number(process.hrtime.bigint() - fleetStart) / 1e6;
        const agentPlans = fleet.filter((r) => r.stack !== "prod");
        const fleetPeak = Math.max(...agentPlans.map((r) => r.peakRssMb ?? NaN));
        const fleetN = fleet.reduce((n, r) => n + resourcesOf(path.join(fleetDir, "plans", `${r.stack}.json`)), 0);
        const worst = Math.max(...fleet.map((r) => r.code));
        out(
            `fleet: prod + ${fleetStacks} agent stacks of ${fleetAgents} agents (${fleetN} resources), ${os.availableParallelism()} at once: ${(fleetMs / 1000).toFixed(1)} s (${((fleetMs / big.ms) * 100).toFixed(0)}% of the single ${agents}-agent plan), largest agent-stack peak RSS ${fleetPeak.toFixed(0)} MB, platform ${fleet.find((r) => r.stack === "prod")?.peakRssMb?.toFixed(0)} MB; worst exit ${worst}`,
        );
        rows.push([
            `the same agents as prod + ${fleetStacks} agent stacks of ${fleetAgents} (${fleetN} resources), \`plan:all\` with audits`,
            `${(fleetMs / 1000).toFixed(1)} s (${((fleetMs / big.ms) * 100).toFixed(0)}% of the single stack's), worst exit ${worst}`,
        ]);
        rows.push([`largest peak RSS of one agent-stack plan (goal ≤ 1,024 MB)`, `${fleetPeak.toFixed(0)} MB`]);

        // 5. The audit alone of that plan, per 1,000 resources (the pack's own server over gRPC).
        const [ac, aa] = tsx("tools/audit.ts", ["--state", bigFile, "--stack", "bench", "--project-dir", proj]);
        const a = must(await timed(ac, aa), "audit");
        const per = a.ms / (bigN / 1000);
        out(
            `audit of ${bigN} resources: ${(a.ms / 1000).toFixed(1)} s (${per.toFixed(0)} ms per 1,000 resources), peak RSS ${a.peakRssMb?.toFixed(0)} MB`,
        );
        rows.push([
            `\`audit\` of those ${bigN} resources, per 1,000`,
            `${per.toFixed(0)} ms (${(a.ms / 1000).toFixed(1)} s in all)`,
        ]);

        out("\n| Measure | Value |\n|---|---|");
        for (const [k, v] of rows) {
            out(`| ${k} | ${v} |`);
        }
        return 0;
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

if (require.main === module) {
    runMain(() => benchCommand(process.argv.slice(2)));
}
