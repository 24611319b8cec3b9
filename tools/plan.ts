// npm run plan -- --stack <name> [--out <file>] [--project-dir <dir>] [--esc-env <name>=<file>] [--policy-config <file>]
//                  [--stack-ref <stack>=<file>]
// Runs index.ts under Pulumi mocks with Pulumi.<stack>.yaml, writes the registered resources in
// `pulumi stack export` format (default .plan/<stack>.json), then audits that file with the policy pack.
import * as path from "path";
import { AnalyzerSession } from "./lib/analyzer";
import { audit, formatReport, PACK_DIR, REPO_ROOT, stackPolicyConfig } from "./lib/audit";
import { toDeployment, writeJson } from "./lib/deployment";
import { writeTextAtomic } from "./lib/files";
import { CommandSpec, parseCommand, printWarnings, runMain, UsageError } from "./lib/errors";
import { explainMissingKeys, parseEscEnvFlag } from "./lib/esc";
import { runUnderMocks } from "./lib/program";
import { exposeStackConfigToPack, listStacks, readStackConfig } from "./lib/stack-config";
import { parseDocument } from "./lib/state";
import { parseStackRefFlag, readStackReference, StackReferenceValue, stackRefFile } from "./lib/stack-refs";

export const PLAN: CommandSpec = {
    name: "plan",
    summary:
        "Runs index.ts under Pulumi mocks with Pulumi.yaml + Pulumi.<stack>.yaml (no cloud, no Pulumi CLI), writes the\n" +
        "registered resources as a `pulumi stack export` file, then audits that file with the policy pack. ESC\n" +
        "environments the stack file imports cannot be opened offline: each is named in a warning (or --esc-env).",
    flags: [
        {
            name: "stack",
            value: "<name>",
            help: "a stack with a Pulumi.<name>.yaml in the project directory",
            required: true,
        },
        { name: "out", value: "<file>", help: "where the plan is written (default .plan/<stack>.json)" },
        {
            name: "run-out",
            value: "<file>",
            help: "also write the program's registrations as recorded under mocks (the test harness's plan cache)",
        },
        {
            name: "project-dir",
            value: "<dir>",
            help: "directory with Pulumi.yaml and Pulumi.<stack>.yaml (default: the repository)",
        },
        {
            name: "esc-env",
            value: "<name>=<file>",
            help: "local definition of an ESC environment the stack imports (its values.pulumiConfig; comma-separate several)",
        },
        {
            name: "policy-config",
            value: "<file>",
            help: "policy pack config (default policy-pack/config/<stack>.json, else the pack's defaults: all mandatory)",
        },
        {
            name: "stack-ref",
            value: "<stack>=<file>",
            help: "an agent stack's platform stack: its plan or `pulumi stack export` (the root stack's outputs; comma-separate several)",
        },
    ],
    footer:
        "Exit 0: no mandatory violation; 1: at least one; 2: bad arguments, invalid stack config (the message names the\n" +
        "key), an unreadable file or an output that cannot be written.",
};

export async function planCommand(argv: string[]): Promise<number> {
    const flags = parseCommand(argv, PLAN);
    const projectDir = path.resolve(flags["project-dir"] ?? REPO_ROOT);
    const stacks = listStacks(projectDir);
    if (!flags.stack || !stacks.includes(flags.stack)) {
        throw new UsageError(
            `--stack must name a stack with a Pulumi.<stack>.yaml in ${projectDir}: ${stacks.join(", ") || "none"}`,
        );
    }
    const stack = flags.stack;
    const out = path.resolve(flags.out ?? path.join(REPO_ROOT, ".plan", `${stack}.json`));
    const policy = stackPolicyConfig(stack, flags["policy-config"]);
    const sc = readStackConfig(projectDir, stack, parseEscEnvFlag(flags["esc-env"]));
    printWarnings(sc.warnings);
    const stackReferences = resolveStackReferences(sc.config[`${sc.project}:platformStack`], flags["stack-ref"]);
    exposeStackConfigToPack(sc.config);
    const started = Date.now();
    // The pack starts in its own process while the program runs (the engine also starts it before the update).
    const session = AnalyzerSession.acquire(PACK_DIR, { stack, project: sc.project });
    session.catch(() => undefined);
    let deployment: Record<string, unknown>;
    let registered: number;
    try {
        const run = await runUnderMocks({
            project: sc.project,
            stack,
            config: sc.config,
            secretKeys: sc.secretKeys,
            stackReferences,
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            load: () => require(path.join(REPO_ROOT, "index")),
        });
        printWarnings((run.diagnostics ?? []).map((d) => d.message));
        registered = run.resources.length;
        if (flags["run-out"]) {
            // Read by jest's global setup, maybe while it is written.
            writeTextAtomic(path.resolve(flags["run-out"]), JSON.stringify(run, null, 2) + "\n");
        }
        deployment = toDeployment(run, { project: sc.project, stack });
        writeJson(out, deployment);
    } catch (e) {
        await session.then((s) => s.close()).catch(() => undefined);
        // A platform whose contract this agent stack cannot use is bad input, as invalid config is.
        if ((e as Error)?.name === "ContractError") {
            // The SDK prefixes the path of each property the failed value reached.
            throw new UsageError((e as Error).message.replace(/^(error serializing property "[^"]*": )+/, ""));
        }
        throw explainMissingKeys(e, sc.unresolvedEnvironments, `Pulumi.${stack}.yaml`);
    }
    const state = parseDocument(deployment, out);
    const defaults = state.resources.length - registered;
    process.stdout.write(
        `plan: ${state.resources.length} resources (${registered} registered by the program` +
            (defaults ? `, ${defaults} default provider${defaults > 1 ? "s" : ""}` : "") +
            `) in ${Date.now() - started} ms, written to ${path.relative(process.cwd(), out) || out}\n`,
    );
    const report = await audit(state, { stack, policyConfig: policy.config, session });
    process.stdout.write(
        formatReport(
            report,
            `Audit of ${path.relative(process.cwd(), out) || out} (stack ${stack}, policy config: ${policy.source})`,
        ) + "\n",
    );
    return report.summary.mandatory > 0 ? 1 : 0;
}

/**
 * An agent stack (platformStack set) needs its platform's outputs: from --stack-ref, or exit 2 naming the flag.
 * Entries for other stacks are ignored (plan:fleet passes the platform's plan to every agent stack).
 */
function resolveStackReferences(
    platformStack: string | undefined,
    flag: string | undefined,
): Record<string, StackReferenceValue> {
    const refs = parseStackRefFlag(flag);
    if (!platformStack) {
        return {};
    }
    const file = stackRefFile(refs, platformStack);
    if (!file) {
        throw new UsageError(
            `this is an agent stack (platformStack: ${platformStack}): give its platform's plan or stack export with --stack-ref ${platformStack.split("/").pop()}=<file> (e.g. .plan/${platformStack.split("/").pop()}.json from plan --stack ${platformStack.split("/").pop()})`,
        );
    }
    const ref = readStackReference(path.resolve(file), platformStack);
    printWarnings(ref.warnings);
    return { [platformStack]: { outputs: ref.outputs, secretOutputNames: ref.secretOutputNames } };
}

if (require.main === module) {
    runMain(() => planCommand(process.argv.slice(2)));
}
