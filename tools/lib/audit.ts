import * as fs from "fs";
import { ACCOUNT_SERVICES } from "../../policy-pack/catalog/account-services";
import { accountServices } from "../../policy-pack/lib/stack-config";
import * as path from "path";
import { AnalyzerSession, Diagnostic, parseConfigFile, PolicyConfigFile, PolicyMeta, Requests } from "./analyzer";
import { UsageError } from "./errors";
import { LoadedState } from "./state";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const PACK_DIR = path.join(REPO_ROOT, "policy-pack");
const CONTROL_TAG = "control:";

export interface Violation {
    policy: string;
    control: string;
    enforcementLevel: "advisory" | "mandatory" | "disabled" | "remediate";
    urn: string;
    message: string;
}

export interface AuditReport {
    violations: Violation[];
    /** The server's diagnostics: per resource (Analyze, in the state's order) and AnalyzeStack's. */
    diagnostics: { each: Diagnostic[][]; stack: Diagnostic[] };
    summary: { resources: number; policies: number; mandatory: number; advisory: number };
    /** Every policy of the pack with its level as configured for this run (evidence and SARIF read this). */
    policies: { name: string; description: string; enforcementLevel: string; controls: string[]; severity: string }[];
    /** The pack's name and version, as its analyzer server reports them. */
    pack: { name: string; version: string };
}

export function readPolicyConfig(file: string): PolicyConfigFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(
            `cannot read policy config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
    }
    if (text.trim() === "") {
        // The CLI accepts an empty config file: no settings.
        return {};
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new UsageError(`policy config ${file} is not JSON (${(e as Error).message})`);
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
        throw new UsageError(`policy config ${file} must be a JSON object`);
    }
    // Check the entries' shape and levels now, before the pack starts.
    parseConfigFile(doc as PolicyConfigFile);
    return doc as PolicyConfigFile;
}

export function policyConfigPath(stack: string): string {
    return path.join(PACK_DIR, "config", `${stack}.json`);
}

/**
 * The policy config for a stack: `--policy-config` when given, else policy-pack/config/<stack>.json when it
 * exists, else none, so every policy runs at the pack's own levels (all mandatory), as `pulumi preview
 * --policy-pack` does without `--policy-pack-config`.
 */
export function stackPolicyConfig(stack: string, explicit?: string): { config: PolicyConfigFile; source: string } {
    if (explicit) {
        return { config: readPolicyConfig(explicit), source: explicit };
    }
    const file = policyConfigPath(stack);
    if (!fs.existsSync(file)) {
        return { config: {}, source: "the pack's defaults (no policy-pack/config/" + `${stack}.json)` };
    }
    return { config: readPolicyConfig(file), source: path.relative(process.cwd(), file) || file };
}

export function controlsOf(p: PolicyMeta): string[] {
    return p.tags.filter((t) => t.startsWith(CONTROL_TAG)).map((t) => t.slice(CONTROL_TAG.length));
}

/** The server's diagnostics as violations under their control IDs. */
export function toViolations(diagnostics: Diagnostic[], policies: PolicyMeta[]): Violation[] {
    const byName = new Map(policies.map((p) => [p.name, p]));
    return diagnostics.map((d) => {
        const policy = byName.get(d.policy);
        // The server sends "<description>\n<message>"; the message may start with "[CONTROL-ID]".
        const body = d.message.includes("\n") ? d.message.slice(d.message.indexOf("\n") + 1) : d.message;
        const tagged = /^\[([A-Z0-9-]+)\]\s*/.exec(body);
        const controls = policy ? controlsOf(policy) : [];
        const own = tagged !== null && controls.includes(tagged[1]);
        return {
            policy: d.policy,
            control: own ? tagged[1] : controls.join(",") || "UNMAPPED",
            enforcementLevel: d.enforcementLevel,
            urn: d.urn,
            message: own ? body.slice(tagged[0].length) : body,
        };
    });
}

/** Evaluates the pack against a loaded state through the pack's analyzer server. */
export async function audit(
    state: LoadedState,
    opts: {
        stack: string;
        policyConfig: PolicyConfigFile;
        /** A session acquired earlier (e.g. while the program ran); released here unless `keepOpen`. */
        session?: Promise<AnalyzerSession>;
        /** Leave the session running (the caller audits more states with it and closes it). */
        keepOpen?: boolean;
    },
): Promise<AuditReport> {
    const session = await (opts.session ??
        AnalyzerSession.acquire(PACK_DIR, {
            stack: opts.stack,
            project: state.project ?? "project",
        }));
    try {
        const info = await session.info();
        const levels = await session.configure(info.policies, opts.policyConfig, info.initialConfig);
        const requests = new Requests(state.resources);
        const each = await session.analyzeEach(state.resources, requests);
        const stack = await session.analyzeStack(state.resources, requests);
        const violations = toViolations([...each.flat(), ...stack], info.policies);
        return {
            violations,
            diagnostics: { each, stack },
            summary: {
                resources: state.resources.length,
                policies: info.policies.filter((p) => levels.get(p.name) !== "disabled").length,
                mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
                advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
            },
            policies: info.policies.map((p) => ({
                name: p.name,
                description: p.description,
                enforcementLevel: levels.get(p.name) ?? p.enforcementLevel,
                controls: controlsOf(p),
                severity: p.severity,
            })),
            pack: { name: info.name, version: info.version },
        };
    } finally {
        if (!opts.keepOpen) {
            session.release();
        }
    }
}

/** Human-readable report, violations grouped by control ID. */
export function formatReport(report: AuditReport, title: string): string {
    const lines = [title];
    const byControl = new Map<string, Violation[]>();
    for (const v of report.violations) {
        byControl.set(v.control, [...(byControl.get(v.control) ?? []), v]);
    }
    for (const [control, vs] of [...byControl.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`\n${control}`);
        for (const v of vs) {
            lines.push(`  ${v.enforcementLevel.toUpperCase()} ${v.policy}`);
            lines.push(`    resource: ${v.urn}`);
            lines.push(`    ${v.message.split("\n")[0]}`);
        }
    }
    // accountServices adopt: what the pack leaves to the account (the stack's config, as the pack got it).
    if (accountServices() === "adopt") {
        lines.push(
            `\naccountServices adopt: the landing zone's ${ACCOUNT_SERVICES.map((a) => a.service).join(", ")} are not in this stack; controls ${[...new Set(ACCOUNT_SERVICES.flatMap((a) => a.controls))].join(", ")} rely on them and are verified only from the account (README "Landing zones")`,
        );
    }
    const s = report.summary;
    lines.push(
        `\n${s.resources} resources, ${s.policies} policies: ${s.mandatory} mandatory and ${s.advisory} advisory violations` +
            (s.mandatory === 0 ? " — pass" : " — FAIL"),
    );
    return lines.join("\n");
}

/** JSON shape written by `audit --out`. */
export function reportJson(report: AuditReport): { violations: Violation[]; summary: AuditReport["summary"] } {
    return { violations: report.violations, summary: report.summary };
}
