// npm run evidence -- --stack <dev|prod> [--state <pulumi stack export file>] [--outputs <file>] [--out-dir <dir>]
//   [--since <previous evidence.json>] [--collect [--period 90d]] [--html] [--publish <bucket>]
//   [--fleet <agent stacks> --states <stack>=<file>,...] (one report over a platform and its agent stacks)
// Writes evidence.json and evidence.md (coverage over the guide's leaves, per control its status, resources,
// policies and mutation self-test), and summary.md, the statement of applicability. Without --state it uses
// the offline plan.
import { execFileSync } from "child_process";
import { parseJson, readText } from "./lib/files";
import { stackKeys } from "./lib/evidence-adoption";
import * as fs from "fs";
import * as path from "path";
import { audit, REPO_ROOT, stackPolicyConfig } from "./lib/audit";
import { toDeployment, writeText } from "./lib/deployment";
import { CommandSpec, parseCommand, printWarnings, runMain, UsageError } from "./lib/errors";
import { explainMissingKeys, parseEscEnvFlag } from "./lib/esc";
import { AuditEvidenceOutput, buildEvidence, Provenance, STATUS_LABEL, testsByControl } from "./lib/evidence-report";
import { applyOperating } from "./lib/evidence-collect/apply";
import { callerAccount, collect, parsePeriod } from "./lib/evidence-collect";
import { checkAuditBucket, publish } from "./lib/evidence-collect/publish";
import { diffEvidence, readPrevious } from "./lib/evidence-changes";
import { renderHtml } from "./lib/evidence-html";
import { renderMarkdown } from "./lib/evidence-markdown";
import {
    codeHash,
    hashInputs,
    requireCleanTree,
    sha256,
    STATUS_CODE_DIRS,
    toolVersions,
} from "./lib/evidence-provenance";
import { reachabilityEvidence } from "./lib/evidence-reachability";
// Registers the IAM allow-list section (evidence.md / evidence.json, summary.md).
import "./lib/evidence-iam";
import { applyRegister, readAcceptances, readOwners } from "./lib/evidence-register";
import { renderSummary, SUMMARY_MAX_LINES } from "./lib/evidence-summary";
import { attributeToPlatform, fleetEvidence } from "./lib/evidence-fleet";
import { cachedSelfTest } from "./lib/self-test";
import { GUIDE_VERSION } from "../policy-pack/catalog";
import { MOCK_ACCOUNT } from "./lib/mocks";
import { runUnderMocks } from "./lib/program";
import { exposeStackConfigToPack, listStacks, readStackConfig } from "./lib/stack-config";
import { checkScope, isEmptyState, LoadedState, parseDocument, readState, urnScope } from "./lib/state";

export const EVIDENCE: CommandSpec = {
    name: "evidence",
    summary:
        "Writes evidence.json, evidence.md and summary.md (the statement of applicability): per control, the resources\n" +
        "that implement it (as planned or as deployed), the policies that enforce it and their audit result, its owner,\n" +
        "and the deviation register. Without --state it plans the stack offline first.",
    flags: [
        {
            name: "stack",
            value: "<name>",
            help: "a stack with a Pulumi.<name>.yaml in the project directory",
            required: true,
        },
        {
            name: "state",
            value: "<file>",
            help: "`pulumi stack export` of the deployed stack (default: the offline plan)",
        },
        {
            name: "outputs",
            value: "<file>",
            help: "`pulumi stack output auditEvidence --json` (or `pulumi stack output --json`) of the same stack",
        },
        { name: "out-dir", value: "<dir>", help: "where evidence.json and evidence.md go (default .evidence/<stack>)" },
        {
            name: "self-test",
            value: "<run|skip>",
            help: "run the mutation self-test (default), or skip it: then no control is proven and none passes",
        },
        {
            name: "project-dir",
            value: "<dir>",
            help: "directory with Pulumi.yaml and Pulumi.<stack>.yaml (default: the repository)",
        },
        {
            name: "esc-env",
            value: "<name>=<file>",
            help: "as plan's: a local definition of an ESC environment the stack imports",
        },
        { name: "owners", value: "<file>", help: "control owners (default controls/owners.yaml)" },
        { name: "deviations", value: "<file>", help: "accepted deviations (default controls/deviations.yaml)" },
        { name: "since", value: "<evidence.json>", help: "previous evidence: record which controls changed status" },
        {
            name: "collect",
            value: "",
            help: "read operating evidence from the account (AWS SDK, default credential chain)",
        },
        { name: "period", value: "<days>d", help: "with --collect: how far back to read (default 90d)" },
        { name: "html", value: "", help: "also write evidence.html (self-contained: charts, tables, diagram)" },
        {
            name: "publish",
            value: "<bucket>",
            help: "write the evidence files to this Object Lock bucket (the audit bucket)",
        },
        {
            name: "fleet",
            value: "<stack,...>",
            help: "the agent stacks of the platform --stack: one report over them all (evidence-fleet.ts), each stack's own in <out-dir>/<stack>",
        },
        {
            name: "states",
            value: "<stack>=<file>,...",
            help: "with --fleet: each stack's plan or `pulumi stack export` (every agent stack's; the platform's, else planned offline)",
        },
    ],
    footer:
        "Exit 0: no control fails; 1: a control fails; 2: bad arguments, a file of another stack or project, outputs\n" +
        "naming resources absent from the state, nothing deployed, an unreadable / unrecognised / malformed file\n" +
        "(owners, deviations, previous evidence), no AWS credentials for --collect / --publish, or a bucket without\n" +
        "Object Lock.",
};

/** The outputs must describe the state's stack: every URN they name is in the state. */
function checkOutputs(outputs: AuditEvidenceOutput, state: LoadedState, file: string, stack: string): void {
    const urns = new Set(state.resources.map((r) => r.urn));
    for (const [id, entry] of Object.entries(outputs)) {
        for (const r of (entry as { resources: unknown[] }).resources) {
            const urn = r && typeof r === "object" ? (r as { urn?: unknown }).urn : undefined;
            if (typeof urn !== "string") {
                continue;
            }
            const scope = urnScope(urn);
            if (scope && (scope.stack !== stack || (state.project && scope.project !== state.project))) {
                throw new UsageError(
                    `${file}: ${id} names ${urn}, of stack '${scope.stack}' in project '${scope.project}', not stack '${stack}'${state.project ? ` in '${state.project}'` : ""}`,
                );
            }
            if (!urns.has(urn)) {
                throw new UsageError(
                    `${file}: ${id} names ${urn}, which the state does not hold (outputs of another deployment?)`,
                );
            }
        }
    }
}

function readOutputs(file: string): AuditEvidenceOutput {
    const text = readText(file);
    const doc = parseJson(text, file);
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

function git(args: string[]): string | undefined {
    try {
        return execFileSync("git", args, {
            cwd: REPO_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }).trim();
    } catch {
        return undefined;
    }
}

/** manifest.time of a stack export (a preview has none). */
function manifestTime(file: string): string | undefined {
    try {
        const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { deployment?: { manifest?: { time?: unknown } } };
        const t = doc.deployment?.manifest?.time;
        return typeof t === "string" ? t : undefined;
    } catch {
        return undefined;
    }
}

/** True when the state's ARNs name the mocks' account, i.e. it is an offline plan written by `plan`. */
function hasMockIds(state: LoadedState): boolean {
    return state.resources.some(
        (r) => typeof r.outputs.arn === "string" && r.outputs.arn.includes(`:${MOCK_ACCOUNT}:`),
    );
}

function packInfo(): { name: string; version: string } {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy-pack", "package.json"), "utf8")) as {
        name: string;
        version: string;
    };
    return { name: pkg.name, version: pkg.version };
}

export async function evidenceCommand(argv: string[]): Promise<number> {
    const flags = parseCommand(argv, EVIDENCE);
    if (flags.fleet !== undefined || flags.states !== undefined) {
        const fleetDir = flags["out-dir"] ?? path.join(REPO_ROOT, ".evidence", `${flags.stack ?? "fleet"}-fleet`);
        return fleetEvidence(flags, fleetDir, evidenceCommand);
    }
    const selfTest = flags["self-test"] ?? "run";
    if (selfTest !== "run" && selfTest !== "skip") {
        throw new UsageError("--self-test must be run or skip");
    }
    const projectDir = path.resolve(flags["project-dir"] ?? REPO_ROOT);
    const stacks = listStacks(projectDir);
    if (!flags.stack || !stacks.includes(flags.stack)) {
        throw new UsageError(
            `--stack must name a stack with a Pulumi.<stack>.yaml in ${projectDir}: ${stacks.join(", ") || "none"}`,
        );
    }
    const sc = readStackConfig(projectDir, flags.stack, parseEscEnvFlag(flags["esc-env"]));
    exposeStackConfigToPack(sc.config);
    const outDir = flags["out-dir"] ?? path.join(REPO_ROOT, ".evidence", flags.stack);
    const { config: policyConfig, source: policyConfigSource } = stackPolicyConfig(flags.stack);
    const outputs = flags.outputs ? readOutputs(flags.outputs) : undefined;
    // The organisation's files and the previous evidence are checked before any planning.
    const ownersFile = path.resolve(flags.owners ?? path.join(REPO_ROOT, "controls", "owners.yaml"));
    const owners = readOwners(ownersFile);
    const deviationsFile = path.resolve(flags.deviations ?? path.join(REPO_ROOT, "controls", "deviations.yaml"));
    const acceptances = readAcceptances(deviationsFile);
    const previous = flags.since ? readPrevious(flags.since, flags.stack) : undefined;
    if (flags.period && !flags.collect) {
        throw new UsageError("--period needs --collect");
    }
    const days = parsePeriod(flags.period ?? "90d");
    const region = (sc.config["aws:region"] ?? "").replace(/^"|"$/g, "") || "not set";
    const environment = (sc.config[`${sc.project}:environment`] ?? "").replace(/^"|"$/g, "");
    const profile = environment === "dev" ? "dev" : "prod";
    // Operating evidence is read for the resources a deployment holds: an offline plan's mock ARNs name none.
    if (flags.collect && !flags.state) {
        throw new UsageError(
            "--collect needs --state <pulumi stack export> of the deployed stack: an offline plan holds mock identifiers, not the account's resources",
        );
    }
    // Without credentials --collect / --publish stop here, before the plan: one line, exit 2.
    const account = flags.collect || flags.publish ? await callerAccount(region) : undefined;
    // A bucket that cannot keep the evidence for the audit retention is refused before any work.
    if (flags.publish) {
        await checkAuditBucket(flags.publish, region);
        // Published evidence names the code that computed it: a commit, not a working tree's edits.
        requireCleanTree(git(["status", "--porcelain"]));
    }
    let state: LoadedState;
    let source: string;
    let stateTime: string | undefined;
    if (flags.state) {
        state = readState(flags.state);
        checkScope(state, flags.state, {
            stack: flags.stack,
            project: sc.project,
        });
        if (isEmptyState(state)) {
            throw new UsageError(
                `${flags.state}: nothing deployed (no resources besides the root stack): no evidence to export`,
            );
        }
        if (flags.collect && (hasMockIds(state) || state.format === "preview-json")) {
            throw new UsageError(
                `--collect needs a deployed state: ${flags.state} is ${state.format === "preview-json" ? "a preview (a planned change)" : "an offline plan (mock identifiers)"}, not a 'pulumi stack export' of the deployed stack`,
            );
        }
        if (outputs && flags.outputs) {
            checkOutputs(outputs, state, flags.outputs, flags.stack);
        }
        // Only a stack export of real identifiers is deployed state; a preview is a planned change.
        source =
            (hasMockIds(state)
                ? `offline plan file ${flags.state} (mock identifiers: not deployed)`
                : state.format === "preview-json"
                  ? `preview ${flags.state} (a planned change: not deployed)`
                  : `deployed state ${flags.state}`) + (flags.outputs ? ` with outputs ${flags.outputs}` : "");
        stateTime = manifestTime(flags.state);
    } else {
        if (flags.outputs) {
            throw new UsageError("--outputs needs --state: outputs of a deployment describe that deployment's state");
        }
        printWarnings(sc.warnings);
        const run = await runUnderMocks({
            project: sc.project,
            stack: flags.stack,
            config: sc.config,
            secretKeys: sc.secretKeys,
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            load: () => require(path.join(REPO_ROOT, "index")),
        }).catch((e: unknown) => {
            throw explainMissingKeys(e, sc.unresolvedEnvironments, `Pulumi.${flags.stack}.yaml`);
        });
        printWarnings((run.diagnostics ?? []).map((d) => d.message));
        stateTime = new Date().toISOString();
        state = parseDocument(
            toDeployment(run, { project: sc.project, stack: flags.stack, time: stateTime }),
            "offline plan",
        );
        source = `offline plan of Pulumi.${flags.stack}.yaml`;
    }
    const report = await audit(state, { stack: flags.stack, policyConfig });
    const provenance: Provenance = {
        gitCommit: git(["rev-parse", "HEAD"]) ?? "unknown (not a git checkout)",
        gitDirty: (git(["status", "--porcelain"]) ?? "") !== "",
        gitTree: git(["rev-parse", "HEAD^{tree}"]) ?? "unknown (not a git checkout)",
        code: {
            dirs: STATUS_CODE_DIRS,
            ...codeHash(REPO_ROOT, (git(["ls-files", "--", ...STATUS_CODE_DIRS]) ?? "").split("\n").filter(Boolean)),
        },
        pack: packInfo(),
        guideVersion: GUIDE_VERSION,
        sourceKind: flags.state ? (state.format === "preview-json" ? "preview" : "stack-export") : "offline-plan",
        // A plan file passed as --state still holds the mocks' ids: its ARNs carry the mock account.
        placeholderIds: !flags.state || hasMockIds(state),
        deployed: !!flags.state && state.format === "stack-export" && !hasMockIds(state),
        ...(stateTime ? { stateTime } : {}),
        policyConfig: policyConfigSource,
        inputs: hashInputs(REPO_ROOT, [
            path.join(projectDir, "Pulumi.yaml"),
            path.join(projectDir, `Pulumi.${flags.stack}.yaml`),
            ...(flags.state ? [flags.state] : []),
            ...(flags.outputs ? [flags.outputs] : []),
            path.join(REPO_ROOT, policyConfigSource),
            ownersFile,
            deviationsFile,
            ...(flags.since ? [flags.since] : []),
            path.join(REPO_ROOT, "package-lock.json"),
        ]),
        tools: toolVersions(REPO_ROOT),
    };
    const doc = buildEvidence({
        stack: flags.stack,
        source,
        provenance,
        resources: state.resources,
        auditEvidence: outputs ?? evidenceFromState(state),
        report,
        tests: testsByControl(path.join(REPO_ROOT, "test")),
        stackKeys: stackKeys(sc.config, sc.project),
        stackFile: `Pulumi.${flags.stack}.yaml`,
        // Each infrastructure control's break, applied to this state and evaluated with the same policy config.
        selfTest:
            selfTest === "skip"
                ? "skipped"
                : await cachedSelfTest(state.resources, policyConfig, {
                      stack: flags.stack,
                      project: state.project ?? sc.project,
                      baseline: report.diagnostics,
                  }),
        owners,
    });
    const platformControls = attributeToPlatform(doc, state.resources);
    const stateAccount = state.resources
        .map((r) => /^arn:aws[\w-]*:[^:]*:[^:]*:(\d{12}):/.exec(String(r.outputs.arn ?? ""))?.[1])
        .find((a) => a && a !== MOCK_ACCOUNT);
    doc.scope = {
        stack: flags.stack,
        project: state.project ?? sc.project,
        region,
        account: account ?? stateAccount ?? "not known (offline plan: no account)",
        profile,
    };
    const { stale, changed } = applyRegister(doc, acceptances, profile);
    // The register's entries for what an agent stack leaves to its platform are the platform's to keep.
    printWarnings([
        ...stale
            .filter((a) => !platformControls.has(a.control))
            .map(
                (a) =>
                    `${path.relative(REPO_ROOT, deviationsFile)}: ${a.control} (${a.kind}) accepts a deviation the evidence no longer finds`,
            ),
        ...changed.map(
            (a) =>
                `${path.relative(REPO_ROOT, deviationsFile)}: ${a.control} (${a.kind}) accepted another text of the deviation (${a.approvalRef}): stale until the risk owner accepts the current one (evidence.json deviations[].sha256)`,
        ),
    ]);
    if (flags.collect) {
        if (stateAccount && account && stateAccount !== account) {
            throw new UsageError(
                `--collect: the credentials are for account ${account}, the state's resources are in ${stateAccount}`,
            );
        }
        applyOperating(
            doc,
            await collect({
                region,
                stack: flags.stack,
                days,
                controls: doc.controls,
                shieldAdvanced: sc.config[`${sc.project}:shieldAdvanced`] === "true",
                repository:
                    (sc.config[`${sc.project}:deployRunnerRepository`] ?? "").replace(/^"|"$/g, "") || undefined,
            }),
        );
    }
    if (previous && flags.since) {
        doc.since = { file: flags.since, generatedAt: previous.generatedAt, sha256: previous.sha256 };
        doc.changes = diffEvidence(previous.controls, doc);
    }
    const files: Record<string, string> = {
        "evidence.json": `${JSON.stringify(doc, null, 2)}\n`,
        "evidence.md": renderMarkdown(doc),
    };
    files["summary.md"] = renderSummary(doc, {
        "evidence.json": sha256(files["evidence.json"]),
        "evidence.md": sha256(files["evidence.md"]),
    });
    const summaryLines = files["summary.md"].split("\n").length;
    if (summaryLines > SUMMARY_MAX_LINES) {
        printWarnings([`summary.md has ${summaryLines} lines, more than ${SUMMARY_MAX_LINES}`]);
    }
    if (flags.html) {
        const admins = JSON.parse(sc.config[`${sc.project}:adminCidrs`] ?? "[]") as unknown;
        files["evidence.html"] = renderHtml(
            doc,
            reachabilityEvidence(state.resources, Array.isArray(admins) ? admins.map(String) : []),
        );
    }
    for (const [name, text] of Object.entries(files)) {
        writeText(path.join(outDir, name), text);
    }
    if (flags.publish) {
        const keys = await publish({
            bucket: flags.publish,
            region,
            stack: flags.stack,
            generatedAt: doc.generatedAt,
            files,
        });
        process.stdout.write(
            `evidence: published ${keys.length} file(s) to s3://${flags.publish}/${path.posix.dirname(keys[0])}/\n`,
        );
    }
    const failing = doc.controls.filter((c) => c.status === "fail");
    const g = doc.guide;
    process.stdout.write(
        `evidence: ${g.leaves} guide leaves: ${Object.entries(g.coverage)
            .map(([s, n]) => `${n} ${STATUS_LABEL[s as keyof typeof STATUS_LABEL].toLowerCase()}`)
            .join(
                ", ",
            )}; ${doc.coverage.selfTested} of ${doc.coverage.infrastructure} infrastructure controls proven by a mutation; ${failing.length} control(s) failing → ${outDir}\n`,
    );
    for (const f of failing) {
        process.stdout.write(`  FAIL ${f.id}\n`);
    }
    return failing.length > 0 ? 1 : 0;
}

if (require.main === module) {
    runMain(() => evidenceCommand(process.argv.slice(2)));
}
