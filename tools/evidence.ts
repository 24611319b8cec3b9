// npm run evidence -- --stack <dev|prod> [--state <pulumi stack export file>] [--outputs <pulumi stack output --json file>] [--out-dir <dir>]
// Writes evidence.json and evidence.md: per control, the resources that implement it (as planned or as
// deployed), the policies that enforce it and their audit result. Without --state it uses the offline plan.
import * as fs from "fs";
import * as path from "path";
import { audit, policyConfigPath, readPolicyConfig, REPO_ROOT } from "./lib/audit";
import { toDeployment, writeJson, writeText } from "./lib/deployment";
import { parseFlags, runMain, UsageError } from "./lib/errors";
import { AuditEvidenceOutput, buildEvidence, renderMarkdown, testsByControl } from "./lib/evidence-report";
import { runUnderMocks } from "./lib/program";
import { listStacks, readStackConfig } from "./lib/stack-config";
import { LoadedState, parseState, readState } from "./lib/state";

function readOutputs(file: string): AuditEvidenceOutput {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new UsageError(`${file} is not JSON (${(e as Error).message})`);
    }
    // Either `pulumi stack output auditEvidence --json` (the map itself) or `pulumi stack output --json` (all outputs).
    const evidence =
        doc && typeof doc === "object" && "auditEvidence" in doc
            ? (doc as { auditEvidence: unknown }).auditEvidence
            : doc;
    if (!evidence || typeof evidence !== "object" || Array.isArray(evidence)) {
        throw new UsageError(`${file} is not the auditEvidence stack output (expected an object of control IDs)`);
    }
    for (const [id, entry] of Object.entries(evidence)) {
        if (
            !/^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(id) ||
            !entry ||
            typeof entry !== "object" ||
            !Array.isArray((entry as { resources?: unknown }).resources)
        ) {
            throw new UsageError(`${file}: entry '${id}' is not a control ID with a resources list`);
        }
    }
    return evidence as AuditEvidenceOutput;
}

function evidenceFromState(state: LoadedState): AuditEvidenceOutput {
    const root = state.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    const out = root?.outputs?.auditEvidence;
    return out && typeof out === "object" ? (out as AuditEvidenceOutput) : {};
}

export async function evidenceCommand(argv: string[]): Promise<number> {
    const flags = parseFlags(argv, ["stack", "state", "outputs", "out-dir"]);
    const stacks = listStacks(REPO_ROOT);
    if (!flags.stack || !stacks.includes(flags.stack)) {
        throw new UsageError(`--stack must name a stack with a Pulumi.<stack>.yaml: ${stacks.join(", ")}`);
    }
    const outDir = flags["out-dir"] ?? path.join(REPO_ROOT, ".evidence", flags.stack);
    const policyConfig = readPolicyConfig(policyConfigPath(flags.stack));
    const outputs = flags.outputs ? readOutputs(flags.outputs) : undefined;
    let state: LoadedState;
    let source: string;
    if (flags.state) {
        state = readState(flags.state);
        source = `deployed state ${flags.state}` + (flags.outputs ? ` with outputs ${flags.outputs}` : "");
    } else {
        const sc = readStackConfig(REPO_ROOT, flags.stack);
        const run = await runUnderMocks({
            project: sc.project,
            stack: flags.stack,
            config: sc.config,
            secretKeys: sc.secretKeys,
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            load: () => require(path.join(REPO_ROOT, "index")),
        });
        state = parseState(
            JSON.stringify(toDeployment(run, { project: sc.project, stack: flags.stack })),
            "offline plan",
        );
        source = `offline plan of Pulumi.${flags.stack}.yaml`;
    }
    const report = await audit(state, { stack: flags.stack, policyConfig });
    const doc = buildEvidence({
        stack: flags.stack,
        source,
        resources: state.resources,
        auditEvidence: outputs ?? evidenceFromState(state),
        report,
        tests: testsByControl(path.join(REPO_ROOT, "test")),
    });
    writeJson(path.join(outDir, "evidence.json"), doc);
    writeText(path.join(outDir, "evidence.md"), renderMarkdown(doc));
    const failing = doc.controls.filter((c) => c.status === "fail");
    const cov = doc.coverage;
    process.stdout.write(
        `evidence: ${cov.leafControls} controls (${cov.infrastructure} infrastructure: ${cov.implemented} implemented, ` +
            `${cov.enforced} enforced; ${cov.tested} tested; ${cov.evidenced} evidenced), ${failing.length} failing → ${outDir}\n`,
    );
    for (const f of failing) {
        process.stdout.write(`  FAIL ${f.id}\n`);
    }
    return failing.length > 0 ? 1 : 0;
}

if (require.main === module) {
    runMain(() => evidenceCommand(process.argv.slice(2)));
}
