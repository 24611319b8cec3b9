// npm run plan -- --stack <dev|prod> [--out <file>] [--project-dir <dir with Pulumi.yaml and Pulumi.<stack>.yaml>]
// Runs index.ts under Pulumi mocks with Pulumi.<stack>.yaml, writes the registered resources in
// `pulumi stack export` format (default .plan/<stack>.json), then audits that file with the policy pack.
import * as path from "path";
import { audit, formatReport, policyConfigPath, readPolicyConfig, REPO_ROOT } from "./lib/audit";
import { toDeployment, writeJson } from "./lib/deployment";
import { parseFlags, runMain, UsageError } from "./lib/errors";
import { runUnderMocks } from "./lib/program";
import { listStacks, readStackConfig } from "./lib/stack-config";
import { parseState } from "./lib/state";

export async function planCommand(argv: string[]): Promise<number> {
    const flags = parseFlags(argv, ["stack", "out", "project-dir"]);
    const projectDir = path.resolve(flags["project-dir"] ?? REPO_ROOT);
    const stacks = listStacks(projectDir);
    if (!flags.stack || !stacks.includes(flags.stack)) {
        throw new UsageError(`--stack must name a stack with a Pulumi.<stack>.yaml: ${stacks.join(", ")}`);
    }
    const out = flags.out ?? path.join(REPO_ROOT, ".plan", `${flags.stack}.json`);
    const policyConfig = readPolicyConfig(policyConfigPath(flags.stack));
    const sc = readStackConfig(projectDir, flags.stack);
    const started = Date.now();
    const run = await runUnderMocks({
        project: sc.project,
        stack: flags.stack,
        config: sc.config,
        secretKeys: sc.secretKeys,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        load: () => require(path.join(REPO_ROOT, "index")),
    });
    const deployment = toDeployment(run, { project: sc.project, stack: flags.stack });
    writeJson(out, deployment);
    process.stdout.write(`plan: ${run.resources.length} resources registered in ${Date.now() - started} ms → ${out}\n`);
    const state = parseState(JSON.stringify(deployment), out);
    const report = await audit(state, { stack: flags.stack, policyConfig });
    process.stdout.write(formatReport(report, `Audit of ${out} (stack ${flags.stack})`) + "\n");
    return report.summary.mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
    runMain(() => planCommand(process.argv.slice(2)));
}
