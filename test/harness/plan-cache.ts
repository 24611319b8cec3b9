// Plans one stack under mocks in a plain node process and writes the ProgramRun as JSON (see global-setup.js):
// outside jest's module registry a plan costs half the CPU, and each stack is planned once per jest run.
import * as path from "path";
import { runUnderMocks } from "../../tools/lib/program";
import { writeTextAtomic } from "../../tools/lib/files";
import { readStackConfig } from "../../tools/lib/stack-config";

async function main(): Promise<void> {
    const [file, stack] = process.argv.slice(2);
    const root = path.resolve(__dirname, "..", "..");
    const sc = readStackConfig(root, stack);
    const run = await runUnderMocks({
        project: sc.project,
        stack,
        config: sc.config,
        secretKeys: sc.secretKeys,
        load: () => require(path.join(root, "index")),
    });
    writeTextAtomic(file, JSON.stringify(run));
}

main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
});
