// Plans one stack under mocks in a plain node process and writes the ProgramRun as JSON (see global-setup.js):
// outside jest's module registry a plan costs half the CPU, and each stack is planned once per jest run.
import * as fs from "fs";
import * as path from "path";
import { runUnderMocks } from "../../tools/lib/program";
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
    // Write then rename, so a reader never sees half a file.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(run));
    fs.renameSync(`${file}.tmp`, file);
}

main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
});
