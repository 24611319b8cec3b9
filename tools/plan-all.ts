// npm run plan:all: `plan` (offline plan + audit) of every stack with a Pulumi.<stack>.yaml (or of --stacks), in
// parallel processes, one per core by default, each with its own memory. Platform stacks first; an agent stack
// (platformStack set) starts as soon as its platform's plan is written, with `--stack-ref <platform>=<its plan>`.
// Each stack's report is printed whole when it finishes, with its time and peak RSS. Exit: the worst of the plans.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./lib/audit";
import { CommandSpec, parseCommand, runMain, UsageError } from "./lib/errors";
import { tsNodeArgs } from "./lib/node-command";
import { listStacks, readStackConfig } from "./lib/stack-config";

export const PLAN_ALL: CommandSpec = {
    name: "plan:all",
    summary:
        "Runs `plan` (offline plan + audit) for every stack with a Pulumi.<stack>.yaml, in parallel processes: platform\n" +
        "stacks first, then each agent stack against its platform's plan (--stack-ref).",
    flags: [
        { name: "jobs", value: "<n>", help: "plans at once (default: the machine's cores, os.availableParallelism)" },
        {
            name: "run-dir",
            value: "<dir>",
            help: "also write each program's registrations to <dir>/<stack>.json (plan --run-out; npm test's jest reuses them)",
        },
        {
            name: "project-dir",
            value: "<dir>",
            help: "directory with Pulumi.yaml and the stack files (default: the repository)",
        },
        { name: "out-dir", value: "<dir>", help: "where the plans are written, <dir>/<stack>.json (default .plan)" },
        { name: "stacks", value: "<a,b,...>", help: "plan only these stacks (default: every stack file)" },
    ],
    footer:
        "Exit: 0 when every plan passes, else the highest exit code of the plans (1 violation, 2 bad input). An agent\n" +
        "stack whose platform is not planned here, or whose platform's plan failed to be written, exits 2.",
};

/** RSS reporter every plan process loads: its peak resident set size, on stderr, when it exits. */
const REPORT_RSS = path.join(__dirname, "bench", "report-rss.js");

export interface PlanResult {
    stack: string;
    code: number;
    output: string;
    ms: number;
    /** Peak resident set size of the plan's process, in MiB. */
    peakRssMb?: number;
}

function planOne(stack: string, args: string[]): Promise<PlanResult> {
    return new Promise((resolve) => {
        const start = process.hrtime.bigint();
        const child = spawn(
            process.execPath,
            ["--require", REPORT_RSS, ...tsNodeArgs(path.join(__dirname, "plan.ts"), ["--stack", stack, ...args])],
            { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("close", (code) => {
            const rss = /\n?bench-peak-rss-kb (\d+)\n?/.exec(output);
            resolve({
                stack,
                code: code ?? 3,
                output: output.replace(/\n?bench-peak-rss-kb \d+\n?/, "\n"),
                ms: Number(process.hrtime.bigint() - start) / 1e6,
                ...(rss ? { peakRssMb: Number(rss[1]) / 1024 } : {}),
            });
        });
    });
}

/** Stack → the platform stack it references (platformStack), "" for a platform stack. */
function rolesOf(projectDir: string, stacks: string[]): Map<string, string> {
    return new Map(
        stacks.map((s) => {
            const sc = readStackConfig(projectDir, s);
            return [s, sc.config[`${sc.project}:platformStack`] ?? ""];
        }),
    );
}

export async function planAll(argv: string[], report: (r: PlanResult) => void): Promise<PlanResult[]> {
    const flags = parseCommand(argv, PLAN_ALL);
    const jobs = flags.jobs ? Number(flags.jobs) : os.availableParallelism();
    if (!Number.isInteger(jobs) || jobs < 1) {
        throw new UsageError(`--jobs must be a positive integer (got ${flags.jobs})`);
    }
    const projectDir = path.resolve(flags["project-dir"] ?? REPO_ROOT);
    const outDir = path.resolve(flags["out-dir"] ?? path.join(REPO_ROOT, ".plan"));
    const known = listStacks(projectDir).sort();
    const stacks = flags.stacks ? flags.stacks.split(",").filter((s) => s !== "") : known;
    for (const s of stacks.filter((x) => !known.includes(x))) {
        throw new UsageError(`--stacks: no Pulumi.${s}.yaml in ${projectDir} (stacks: ${known.join(", ") || "none"})`);
    }
    if (stacks.length === 0) {
        throw new UsageError(`no Pulumi.<stack>.yaml in ${projectDir}`);
    }
    const platformOf = rolesOf(projectDir, stacks);
    const planOf = (s: string) => path.join(outDir, `${s}.json`);
    // A platform named `org/project/stack` is planned here under its stack name.
    const platformName = (ref: string) => ref.split("/").pop() as string;
    for (const [s, ref] of platformOf) {
        if (ref && !stacks.includes(platformName(ref))) {
            throw new UsageError(
                `agent stack ${s} references platform stack ${ref}, which is not planned here: add it to --stacks (and its Pulumi.<stack>.yaml to the project)`,
            );
        }
    }
    const argsOf = (s: string): string[] => {
        const ref = platformOf.get(s) ?? "";
        return [
            "--out",
            planOf(s),
            ...(flags["project-dir"] ? ["--project-dir", projectDir] : []),
            ...(flags["run-dir"] ? ["--run-out", path.join(flags["run-dir"], `${s}.json`)] : []),
            ...(ref ? ["--stack-ref", `${platformName(ref)}=${planOf(platformName(ref))}`] : []),
        ];
    };

    // Platforms first; an agent stack becomes ready when its platform's plan process ends.
    const ready = stacks.filter((s) => !platformOf.get(s));
    const waiting = stacks.filter((s) => !!platformOf.get(s));
    const results: PlanResult[] = [];
    const done = new Map<string, PlanResult>();
    let wake: () => void = () => undefined;
    const finish = (r: PlanResult) => {
        results.push(r);
        done.set(r.stack, r);
        report(r);
        for (const s of waiting.filter((w) => platformName(platformOf.get(w) as string) === r.stack)) {
            waiting.splice(waiting.indexOf(s), 1);
            // A platform whose plan file was not written (bad config: exit 2) leaves its agent stacks unplannable.
            if (r.code <= 1 && fs.existsSync(planOf(r.stack))) {
                ready.push(s);
            } else {
                finish({
                    stack: s,
                    code: 2,
                    ms: 0,
                    output: `error: platform stack ${r.stack} has no plan (its plan exited ${r.code}); ${s} not planned\n`,
                });
            }
        }
        wake();
    };
    let running = 0;
    await new Promise<void>((resolve) => {
        const pump = () => {
            while (running < jobs && ready.length > 0) {
                const s = ready.shift() as string;
                running++;
                void planOne(s, argsOf(s)).then((r) => {
                    running--;
                    finish(r);
                });
            }
            if (running === 0 && ready.length === 0) {
                resolve();
            }
        };
        wake = pump;
        pump();
    });
    return results;
}

export async function planAllCommand(argv: string[]): Promise<number> {
    const started = Date.now();
    const results = await planAll(argv, (r) => {
        const rss = r.peakRssMb !== undefined ? `, peak RSS ${r.peakRssMb.toFixed(0)} MB` : "";
        process.stdout.write(
            `=== plan --stack ${r.stack}: exit ${r.code} (${(r.ms / 1000).toFixed(1)} s${rss})\n${r.output}\n`,
        );
    });
    const peak = Math.max(...results.map((r) => r.peakRssMb ?? 0));
    process.stdout.write(
        `plan:all: ${results.length} stacks in ${((Date.now() - started) / 1000).toFixed(1)} s; largest peak RSS ${peak.toFixed(0)} MB (${results
            .filter((r) => r.code !== 0)
            .map((r) => `${r.stack} exit ${r.code}`)
            .join(", ")})\n`.replace(" ()", ""),
    );
    return results.reduce((worst, r) => Math.max(worst, r.code), 0);
}

if (require.main === module) {
    runMain(() => planAllCommand(process.argv.slice(2)));
}
