// npm run audit -- --state <file> --stack <name> [--format text|json|sarif] [--out <file>] [--policy-config <file>]
// Evaluates the policy pack against a `pulumi stack export` file or `pulumi preview --json --show-sames` output.
// Exit 0: no mandatory violation; 1: at least one; 2: bad arguments or an unreadable / unrecognised file.
import * as fs from "fs";
import * as path from "path";
import { AnalyzerSession } from "./lib/analyzer";
import { audit, formatReport, PACK_DIR, REPO_ROOT, reportJson, stackPolicyConfig } from "./lib/audit";
import { writeJson } from "./lib/deployment";
import { CommandSpec, parseCommand, runMain, UsageError } from "./lib/errors";
import { toSarif } from "./lib/sarif";
import { exposeStackConfigToPack, listStacks, readProjectName, readStackConfig } from "./lib/stack-config";
import { checkScope, isEmptyState, LoadedState, readState } from "./lib/state";

export const AUDIT: CommandSpec = {
    name: "audit",
    summary:
        "Evaluates the policy pack against a `pulumi stack export` file or `pulumi preview --json --show-sames` output,\n" +
        "driving the pack's own analyzer over the engine's gRPC protocol.",
    flags: [
        {
            name: "state",
            value: "<file>",
            help: "`pulumi stack export` file or `pulumi preview --json --show-sames` output",
            required: true,
        },
        {
            name: "stack",
            value: "<name>",
            help: "the stack the file holds (checked against its URNs); selects the policy config",
            required: true,
        },
        {
            name: "format",
            value: "<text|json|sarif>",
            help: "what the report is written as: text (default), JSON {violations, summary}, or SARIF 2.1.0 for GitHub code scanning",
        },
        {
            name: "out",
            value: "<file>",
            help: "write the report to <file> (SARIF with --format sarif, else JSON) and the text report to stdout",
        },
        {
            name: "policy-config",
            value: "<file>",
            help: "policy pack config (default policy-pack/config/<stack>.json, else the pack's defaults: all mandatory)",
        },
        {
            name: "project-dir",
            value: "<dir>",
            help: "directory with the project's Pulumi.yaml, whose name the file's URNs must carry (default: the repository)",
        },
    ],
    footer:
        "Exit 0: no mandatory violation; 1: at least one; 2: a missing / unreadable / unrecognised file, a file of another\n" +
        "stack or project, a preview without --show-sames, nothing deployed, an invalid policy config, an output that\n" +
        "cannot be written, or bad arguments (one line on stderr).\n" +
        "Without --out, stdout holds the report in --format alone (use `npm run --silent` to keep npm's own lines out);\n" +
        "with --out, stdout holds the text report and <file> the JSON report, or the SARIF log with --format sarif.",
};

export const FORMATS = ["text", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

export async function auditCommand(argv: string[]): Promise<number> {
    const flags = parseCommand(argv, AUDIT);
    if (!flags.state) {
        throw new UsageError(
            "--state <file> is required (a `pulumi stack export` file or `pulumi preview --json --show-sames` output)",
        );
    }
    if (!flags.stack || !/^[A-Za-z0-9_.-]+$/.test(flags.stack)) {
        throw new UsageError("--stack <name> is required: the stack the file holds; it selects the policy config");
    }
    const format = (flags.format ?? "text") as Format;
    if (!FORMATS.includes(format)) {
        throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got '${flags.format}')`);
    }
    const policy = stackPolicyConfig(flags.stack, flags["policy-config"]);
    const projectDir = flags["project-dir"] ?? REPO_ROOT;
    // The stack's config reaches the pack as in `pulumi preview --policy-pack`, when this project holds the stack.
    const exposeConfig = () => {
        if (listStacks(projectDir).includes(flags.stack as string)) {
            exposeStackConfigToPack(readStackConfig(projectDir, flags.stack as string).config);
        }
    };
    // The pack starts in its own process while the state is read. The project is the one the state must name
    // (checkScope); anything that fails here fails again below, where it is reported.
    let session: Promise<AnalyzerSession> | undefined;
    const stop = new AbortController();
    try {
        const project = readProjectName(projectDir);
        exposeConfig();
        session = AnalyzerSession.acquire(PACK_DIR, { stack: flags.stack, project, signal: stop.signal });
        session.catch(() => undefined);
    } catch {
        session = undefined;
    }
    let state: LoadedState;
    try {
        state = readState(flags.state);
        checkScope(state, flags.state, { stack: flags.stack, project: readProjectName(projectDir) });
        if (isEmptyState(state)) {
            throw new UsageError(
                `${flags.state}: nothing deployed (no resources besides the root stack): nothing to audit`,
            );
        }
        exposeConfig();
    } catch (e) {
        stop.abort();
        await session?.then((s) => s.close()).catch(() => undefined);
        throw e;
    }
    const report = await audit(state, { stack: flags.stack, policyConfig: policy.config, session });
    const text = () =>
        formatReport(
            report,
            `Audit of ${flags.state} (${state.format}, stack ${flags.stack}, policy config: ${policy.source})`,
        ) + "\n";
    const document = () => {
        if (format !== "sarif") {
            return reportJson(report);
        }
        // The stack's config file configures every resource of the stack: results point there (Pulumi.yaml when
        // this project has no file for the stack, e.g. an export of a stack configured elsewhere).
        const stackFile = path.join(projectDir, `Pulumi.${flags.stack}.yaml`);
        return toSarif(report, {
            stack: flags.stack as string,
            configFile: fs.existsSync(stackFile) ? stackFile : path.join(projectDir, "Pulumi.yaml"),
            policyConfigSource: policy.source,
        });
    };
    if (flags.out) {
        process.stdout.write(text());
        writeJson(flags.out, document());
        process.stdout.write(`${format === "sarif" ? "SARIF log" : "report"} written to ${path.resolve(flags.out)}\n`);
    } else if (format === "text") {
        process.stdout.write(text());
    } else {
        process.stdout.write(JSON.stringify(document(), null, 2) + "\n");
    }
    return report.summary.mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
    runMain(() => auditCommand(process.argv.slice(2)));
}
