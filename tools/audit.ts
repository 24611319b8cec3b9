// npm run audit -- --state <file> --stack <dev|prod> [--out <report.json>] [--policy-config <file>] [--launcher engine|tsx]
// Evaluates the policy pack against a `pulumi stack export` file or `pulumi preview --json` output.
// Exit 0: no mandatory violation; 1: at least one; 2: bad arguments or an unreadable / unrecognised file.
import { audit, formatReport, policyConfigPath, readPolicyConfig, reportJson } from "./lib/audit";
import { writeJson } from "./lib/deployment";
import { parseFlags, runMain, UsageError } from "./lib/errors";
import { readState } from "./lib/state";

export async function auditCommand(argv: string[]): Promise<number> {
    const flags = parseFlags(argv, ["state", "stack", "out", "policy-config", "launcher"]);
    const launcher = flags.launcher ?? "engine";
    if (launcher !== "tsx" && launcher !== "engine") {
        throw new UsageError(`--launcher must be engine (the Pulumi host's run-policy-pack, the default) or tsx`);
    }
    if (!flags.state) {
        throw new UsageError(
            "--state <file> is required (a `pulumi stack export` file or `pulumi preview --json` output)",
        );
    }
    if (!flags.stack || !/^[A-Za-z0-9_.-]+$/.test(flags.stack)) {
        throw new UsageError("--stack <name> is required (dev or prod): it selects policy-pack/config/<stack>.json");
    }
    const policyConfig = readPolicyConfig(flags["policy-config"] ?? policyConfigPath(flags.stack));
    const state = readState(flags.state);
    const report = await audit(state, { stack: flags.stack, policyConfig, launcher });
    process.stdout.write(
        formatReport(report, `Audit of ${flags.state} (${state.format}, stack ${flags.stack})`) + "\n",
    );
    if (flags.out) {
        writeJson(flags.out, reportJson(report));
    }
    return report.summary.mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
    runMain(() => auditCommand(process.argv.slice(2)));
}
