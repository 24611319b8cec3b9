// npm run plan:all: `plan` (offline plan + audit) of every stack with a Pulumi.<stack>.yaml, two at a time in
// parallel processes; each stack's report is printed whole when it finishes. Exit: the worst of the plans.
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./lib/audit";
import { CommandSpec, parseCommand, runMain, UsageError } from "./lib/errors";
import { tsNodeArgs } from "./lib/node-command";
import { listStacks } from "./lib/stack-config";

export const PLAN_ALL: CommandSpec = {
    name: "plan:all",
    summary: "Runs `plan` (offline plan + audit) for every stack with a Pulumi.<stack>.yaml, in parallel processes.",
    flags: [
        { name: "jobs", value: "<n>", help: "plans at once (default: 2, or 1 on a single core)" },
        {
            name: "run-dir",
            value: "<dir>",
            help: "also write each program's registrations to <dir>/<stack>.json (plan --run-out; npm test's jest reuses them)",
        },
    ],
    footer: "Exit: 0 when every plan passes, else the highest exit code of the plans (1 violation, 2 bad input).",
};

function planOne(stack: string, runDir?: string): Promise<{ stack: string; code: number; output: string }> {
    const args = ["--stack", stack, ...(runDir ? ["--run-out", path.join(runDir, `${stack}.json`)] : [])];
    return new Promise((resolve) => {
        const child = spawn(process.execPath, tsNodeArgs(path.join(__dirname, "plan.ts"), args), {
            cwd: REPO_ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("close", (code) => resolve({ stack, code: code ?? 3, output }));
    });
}

export async function planAllCommand(argv: string[]): Promise<number> {
    const flags = parseCommand(argv, PLAN_ALL);
    const jobs = flags.jobs ? Number(flags.jobs) : Math.min(2, os.cpus().length);
    if (!Number.isInteger(jobs) || jobs < 1) {
        throw new UsageError(`--jobs must be a positive integer (got ${flags.jobs})`);
    }
    const queue = listStacks(REPO_ROOT).sort();
    if (queue.length === 0) {
        throw new UsageError(`no Pulumi.<stack>.yaml in ${REPO_ROOT}`);
    }
    let worst = 0;
    const worker = async () => {
        for (let stack = queue.shift(); stack !== undefined; stack = queue.shift()) {
            const r = await planOne(stack, flags["run-dir"]);
            process.stdout.write(`=== plan --stack ${r.stack}: exit ${r.code}\n${r.output}\n`);
            worst = Math.max(worst, r.code);
        }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    return worst;
}

if (require.main === module) {
    runMain(() => planAllCommand(process.argv.slice(2)));
}
