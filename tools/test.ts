// npm test: `check` (type check, eslint, prettier), `plan:all` (offline plan + audit of every stack) and jest,
// one after another, every step whatever the one before gave (CI sees lint, type and test failures in one run).
// The plans and jest each use both cores, check partly (prettier beside the type check), so the steps run in
// turn rather than overlapped.
// jest reuses the programs the plans ran (plan --run-out, read by test/harness/global-setup.js) instead of running
// them again. Each step's output is printed once it ends (jest's live), and a failed step's again at the end,
// below jest's; the exit code is the worst of the three.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./lib/audit";
import { CommandSpec, parseCommand, runMain } from "./lib/errors";
import { tsNodeArgs } from "./lib/node-command";

export const TEST: CommandSpec = {
    name: "test",
    summary: "Runs check, plan:all and jest (what `npm test` runs), one after another.",
    flags: [],
    footer: "Exit: 0 when all three pass, else the highest exit code among them.",
};

interface Step {
    name: string;
    code: number;
    ms: number;
    output: string;
}

function run(name: string, args: string[], opts: { live?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Step> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn(process.execPath, args, {
            cwd: REPO_ROOT,
            env: { ...process.env, ...opts.env },
            stdio: opts.live ? "inherit" : ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
        child.on("close", (code, signal) =>
            resolve({ name, code: code ?? (signal ? 128 : 3), ms: Date.now() - started, output }),
        );
    });
}

function print(step: Step): void {
    process.stdout.write(`\n=== ${step.name}: exit ${step.code} (${(step.ms / 1000).toFixed(1)} s)\n${step.output}`);
}

export async function testCommand(argv: string[]): Promise<number> {
    parseCommand(argv, TEST);
    const started = Date.now();
    const runs = fs.mkdtempSync(path.join(os.tmpdir(), "mas-test-plans-"));
    try {
        const checked = await run("check", tsNodeArgs(path.join(__dirname, "check.ts")));
        print(checked);
        const plans = await run("plan:all", tsNodeArgs(path.join(__dirname, "plan-all.ts"), ["--run-dir", runs]));
        print(plans);
        const jest = await run("jest", [require.resolve("jest/bin/jest")], {
            live: true,
            env: { MAS_PLAN_CACHE: runs },
        });
        const steps = [checked, plans, jest];
        // A step killed or not started at all reports a negative code: a failure all the same.
        const failed = steps.filter((s) => s.code !== 0);
        for (const step of failed.filter((s) => s.name !== "jest")) {
            print(step);
        }
        process.stdout.write(
            `\n${steps.map((s) => `${s.name}: exit ${s.code}, ${(s.ms / 1000).toFixed(1)} s`).join("; ")}` +
                ` — npm test ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
        );
        return failed.length === 0 ? 0 : Math.max(1, ...failed.map((s) => s.code));
    } finally {
        fs.rmSync(runs, { recursive: true, force: true });
    }
}

if (require.main === module) {
    runMain(() => testCommand(process.argv.slice(2)));
}
