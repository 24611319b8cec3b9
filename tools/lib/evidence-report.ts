import * as fs from "fs";
import {
    adoptedAssessment,
    adoptedServices,
    configDeviations,
    Deviation,
    renderDeviations,
    StackKeys,
} from "./evidence-adoption";
import * as path from "path";
import { assessments, Control, controls, GUIDE_VERSION, requirements, SECTIONS } from "../../policy-pack/catalog";
import { AuditReport } from "./audit";
import { AccessMatrixEvidence, accessMatrixEvidence, renderAccessMatrix } from "./evidence-access-matrix";
import { SECRET_SIG, SIG_KEY } from "./program";
import { SelfTestResult } from "./self-test";
import { StateResource } from "./state";

/**
 * - pass: resources of its own in this stack, every enforcing policy free of mandatory violations, and a
 *   mutation self-test proves the policy reports a break of it.
 * - partial: as pass, but the guide's requirement is only partly met (the gap is stated), or the break is not
 *   proven.
 * - fail: a mandatory violation, or no resource / no enforcing policy although the stack should build it.
 * - not-configured: the stack does not build it for this stack's config (the reason is stated).
 * - not-assessed: met by application code or an organisational procedure, outside this stack's checks; the
 *   primitive or procedure the stack provides is stated.
 */
/** `adopted`: carried by a landing zone's service (accountServices adopt), verified only from the account. */
export type ControlStatus = "pass" | "partial" | "adopted" | "fail" | "not-configured" | "not-assessed";
export const STATUSES: readonly ControlStatus[] = [
    "pass",
    "partial",
    "adopted",
    "fail",
    "not-configured",
    "not-assessed",
];

export interface EvidenceResourceEntry {
    urn: string;
    type: string;
    id?: string;
    arn?: string;
    /** Every input as planned / deployed, in full (secrets redacted). */
    configuration?: Record<string, unknown>;
}

export interface ControlEvidence {
    id: string;
    section: string;
    /** The guide leaf the control cites; `guideLeaves` lists every leaf it serves. */
    guidePath: string;
    guideLeaves: string[];
    requirement: string;
    iso27001: string[];
    soc2: string[];
    how: Control["how"];
    substitution?: string;
    status: ControlStatus;
    /** Why the control has its status, in words. */
    reason: string;
    /** What of the guide's requirement is not met (partial / not configured / fail). */
    gap?: string;
    resources: EvidenceResourceEntry[];
    policies: {
        name: string;
        enforcementLevel: string;
        result: "pass" | "fail" | "advisory";
        violations: { urn: string; message: string }[];
    }[];
    /** Test files that name the control (documentation, not proof: the self-test is the proof). */
    tests: string[];
    /** Infrastructure controls: the one-change break and whether the audit reported it under this control. */
    selfTest?: { mutation: string; caught: boolean; reportedBy: string[]; error?: string };
}

export interface GuideRequirementEvidence {
    path: string;
    value: string;
    controls: string[];
    status: ControlStatus;
    gaps: string[];
}

export interface Provenance {
    /** Commit of the repository the pack and the catalog were read from; `dirty` when it had changes. */
    gitCommit: string;
    gitDirty: boolean;
    pack: { name: string; version: string };
    guideVersion: string;
    /** What was audited: an offline plan (mock ids and ARNs are placeholders), an export, or a preview. */
    sourceKind: "offline-plan" | "stack-export" | "preview";
    placeholderIds: boolean;
    /** manifest.time of the stack export / plan, when the file has one. */
    stateTime?: string;
    policyConfig: string;
}

export interface EvidenceDocument {
    stack: string;
    source: string;
    generatedAt: string;
    provenance: Provenance;
    guide: {
        version: string;
        leaves: number;
        coverage: Record<ControlStatus, number>;
        requirements: GuideRequirementEvidence[];
    };
    coverage: {
        controls: number;
        byStatus: Record<ControlStatus, number>;
        infrastructure: number;
        selfTested: number;
    };
    summary: Record<string, Record<ControlStatus, number>>;
    controls: ControlEvidence[];
    /** Sections other tools add (e.g. the access matrix), keyed by title. */
    sections: Record<string, unknown>;
    /** access_control simulated by the pack's IAM model (evidence-access-matrix.ts). */
    accessMatrix?: AccessMatrixEvidence;
    /** Where the stack's config departs from the guide's literal values (evidence-adoption.ts). */
    deviations: Deviation[];
}

/** auditEvidence as the stack exports it: control ID → { resources: [{urn, type, id?, arn?}] , ...}. */
export type AuditEvidenceOutput = Record<
    string,
    { resources?: { urn: string; type?: string; id?: string; arn?: string }[] }
>;

/**
 * A section another part of the project adds to the evidence (e.g. the access matrix): `build` returns the JSON
 * kept under `sections[title]` (undefined leaves it out), `render` the markdown lines shown under `## title`.
 */
export interface EvidenceSection {
    title: string;
    build(input: { stack: string; resources: StateResource[] }): unknown;
    render(json: unknown): string[];
}
export const EVIDENCE_SECTIONS: EvidenceSection[] = [];

function redact(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(redact);
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return "[secret]";
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redact(v)]));
    }
    return value;
}

/** Every input of a resource, in full, secrets redacted: nothing an auditor needs is cut. */
export function keyConfiguration(r: StateResource): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(r.inputs)
            .filter(([k]) => !k.startsWith("__"))
            .map(([k, v]) => [k, redact(v)]),
    );
}

/** Test files that mention each control ID. */
export function testsByControl(testDir: string): Map<string, string[]> {
    const found = new Map<string, string[]>();
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.name.endsWith(".test.ts") && entry.name !== "traceability.test.ts") {
                const text = fs.readFileSync(full, "utf8");
                for (const c of controls) {
                    if (new RegExp(`\\b${c.id}\\b`).test(text)) {
                        found.set(c.id, [...(found.get(c.id) ?? []), path.relative(path.dirname(testDir), full)]);
                    }
                }
            }
        }
    };
    if (fs.existsSync(testDir)) {
        walk(testDir);
    }
    return found;
}

function emptyCounts(): Record<ControlStatus, number> {
    return { pass: 0, partial: 0, adopted: 0, fail: 0, "not-configured": 0, "not-assessed": 0 };
}

/**
 * A leaf's status from its controls' statuses: any fail fails it; all pass passes it; all pass or adopted is
 * adopted (verified in the account); some met is partial.
 */
export function leafStatus(statuses: ControlStatus[]): ControlStatus {
    if (statuses.includes("fail")) {
        return "fail";
    }
    if (statuses.length > 0 && statuses.every((s) => s === "pass")) {
        return "pass";
    }
    if (statuses.length > 0 && statuses.every((s) => s === "pass" || s === "adopted")) {
        return "adopted";
    }
    if (statuses.some((s) => s === "pass" || s === "partial" || s === "adopted")) {
        return "partial";
    }
    return statuses.includes("not-configured") ? "not-configured" : "not-assessed";
}

function assess(
    c: Control,
    resources: StateResource[],
    policies: ControlEvidence["policies"],
    selfTest: SelfTestResult | undefined,
): { status: ControlStatus; reason: string; gap?: string } {
    const a = assessments[c.id] ?? {};
    if (c.how.kind !== "infrastructure") {
        const by = c.how.kind === "application" ? "application code" : "an organisational procedure";
        if (a.gap) {
            return {
                status: "partial",
                reason: `met by ${by}; the primitive the stack provides is incomplete`,
                gap: a.gap,
            };
        }
        return {
            status: "not-assessed",
            reason: `not assessed by this stack: met by ${by} with ${c.how.primitive}`,
        };
    }
    const failing = policies
        .filter((p) => p.result === "fail")
        .map((p) => `policy \`${p.name}\` has mandatory violations`);
    if (failing.length > 0) {
        return { status: "fail", reason: failing.join("; ") };
    }
    // Not configured explains missing resources; a missing part of a built control is a gap, checked after.
    const unmet = (a.requires ?? []).filter((rule) => !resources.some((r) => rule.anyOfTypes.includes(r.type)));
    const notConfigured = unmet.find((rule) => rule.otherwise === "not-configured");
    if (notConfigured) {
        return {
            status: "not-configured",
            reason: "not configured: the stack does not build it for this stack's config",
            gap: notConfigured.gap,
        };
    }
    if (resources.length === 0) {
        return { status: "fail", reason: "no resource of this stack implements it" };
    }
    const missingPart = unmet.find((rule) => rule.otherwise === "partial");
    if (missingPart) {
        return { status: "partial", reason: "partly built for this stack's config", gap: missingPart.gap };
    }
    if (policies.length === 0) {
        return { status: "fail", reason: "no enabled policy enforces it" };
    }
    const found = a.check?.(resources.map((r) => ({ type: r.type, inputs: r.inputs })));
    const gap = found ?? a.gap;
    const proven = selfTest?.caught === true;
    const base = `${resources.length} resource(s) of its own; ${policies.length} enforcing policy(ies) without mandatory violations`;
    if (gap) {
        return { status: "partial", reason: `${base}; the guide's requirement is only partly met`, gap };
    }
    if (!proven) {
        return {
            status: "partial",
            reason: `${base}; not proven: ${selfTest ? (selfTest.error ?? "the mutation self-test's break was not reported under this control") : "no mutation self-test"}`,
        };
    }
    return { status: "pass", reason: `${base}; the mutation self-test's break is reported under it` };
}

export function buildEvidence(opts: {
    stack: string;
    source: string;
    provenance: Provenance;
    resources: StateResource[];
    auditEvidence: AuditEvidenceOutput;
    report: AuditReport;
    tests: Map<string, string[]>;
    /** "skipped": `evidence --self-test skip`; each infrastructure control then says so and is not proven. */
    selfTest: SelfTestResult[] | "skipped";
    /** The stack's config keys (accountServices, the address plan) and the file they come from. */
    stackKeys?: StackKeys;
    stackFile?: string;
    generatedAt?: string;
}): EvidenceDocument {
    const byUrn = new Map(opts.resources.map((r) => [r.urn, r]));
    const skipped = opts.selfTest === "skipped";
    const selfTests = new Map((skipped ? [] : (opts.selfTest as SelfTestResult[])).map((s) => [s.control, s]));
    const leavesOf = new Map<string, string[]>();
    for (const req of requirements) {
        for (const id of req.controls) {
            leavesOf.set(id, [...(leavesOf.get(id) ?? []), req.path]);
        }
    }
    const entries: ControlEvidence[] = controls.map((c) => {
        const recorded = opts.auditEvidence[c.id]?.resources ?? [];
        // Only what this state holds counts as the control's own resources.
        const own = recorded.map((r) => byUrn.get(r.urn)).filter((r): r is StateResource => !!r);
        const resources: EvidenceResourceEntry[] = recorded.map((r) => {
            const state = byUrn.get(r.urn);
            return {
                urn: r.urn,
                type: r.type ?? state?.type ?? "",
                ...((r.id ?? state?.id) ? { id: r.id ?? state?.id } : {}),
                ...(r.arn ? { arn: r.arn } : {}),
                ...(state ? { configuration: keyConfiguration(state) } : {}),
            };
        });
        const policies = opts.report.policies
            .filter((p) => p.controls.includes(c.id) && p.enforcementLevel !== "disabled")
            .map((p) => {
                const violations = opts.report.violations
                    .filter((v) => v.policy === p.name && v.control.split(",").includes(c.id))
                    .map((v) => ({ urn: v.urn, message: v.message, level: v.enforcementLevel }));
                const mandatory = violations.some((v) => v.level === "mandatory");
                return {
                    name: p.name,
                    enforcementLevel: p.enforcementLevel,
                    result: (mandatory ? "fail" : violations.length ? "advisory" : "pass") as
                        "pass" | "fail" | "advisory",
                    violations: violations.map(({ urn, message }) => ({ urn, message })),
                };
            });
        const st: SelfTestResult | undefined = skipped
            ? {
                  control: c.id,
                  mutation: "not run (evidence --self-test skip)",
                  caught: false,
                  reportedBy: [],
                  error: "the mutation self-test was not run",
              }
            : selfTests.get(c.id);
        const assessed = assess(c, own, policies, st);
        const adopted = adoptedServices(opts.stackKeys ?? {}, c.id);
        // A landing zone's service cannot be seen in this stack's plan or state: never a pass from them alone.
        const { status, reason, gap } =
            adopted.length > 0 && !policies.some((p) => p.result === "fail")
                ? { status: "adopted" as const, ...adoptedAssessment(adopted) }
                : assessed;
        return {
            id: c.id,
            section: c.section,
            guidePath: c.guidePath,
            guideLeaves: leavesOf.get(c.id) ?? [],
            requirement: c.requirement,
            iso27001: c.iso27001,
            soc2: c.soc2,
            how: c.how,
            ...(c.substitution ? { substitution: c.substitution } : {}),
            status,
            reason,
            ...(gap ? { gap } : {}),
            resources,
            policies,
            tests: opts.tests.get(c.id) ?? [],
            ...(c.how.kind === "infrastructure"
                ? {
                      selfTest: st
                          ? {
                                mutation: st.mutation,
                                caught: st.caught,
                                reportedBy: st.reportedBy,
                                ...(st.error ? { error: st.error } : {}),
                            }
                          : { mutation: "none registered", caught: false, reportedBy: [] },
                  }
                : {}),
        };
    });
    const byId = new Map(entries.map((e) => [e.id, e]));
    const reqs: GuideRequirementEvidence[] = requirements.map((r) => {
        const cs = r.controls.map((id) => byId.get(id)).filter((e): e is ControlEvidence => !!e);
        return {
            path: r.path,
            value: r.value,
            controls: r.controls,
            status: leafStatus(cs.map((e) => e.status)),
            gaps: cs
                .filter((e) => e.status !== "pass")
                .map((e) => `${e.id} (${STATUS_LABEL[e.status].toLowerCase()}): ${e.gap ?? e.reason}`),
        };
    });
    const guideCoverage = emptyCounts();
    for (const r of reqs) {
        guideCoverage[r.status]++;
    }
    const byStatus = emptyCounts();
    for (const e of entries) {
        byStatus[e.status]++;
    }
    const summary: EvidenceDocument["summary"] = {};
    for (const s of SECTIONS) {
        summary[s] = emptyCounts();
        for (const e of entries.filter((x) => x.section === s)) {
            summary[s][e.status]++;
        }
    }
    const sections: Record<string, unknown> = {};
    for (const extra of EVIDENCE_SECTIONS) {
        const built = extra.build({ stack: opts.stack, resources: opts.resources });
        if (built !== undefined) {
            sections[extra.title] = built;
        }
    }
    const infra = entries.filter((e) => e.how.kind === "infrastructure");
    return {
        stack: opts.stack,
        source: opts.source,
        generatedAt: opts.generatedAt ?? new Date().toISOString(),
        provenance: opts.provenance,
        guide: { version: GUIDE_VERSION, leaves: reqs.length, coverage: guideCoverage, requirements: reqs },
        coverage: {
            controls: entries.length,
            byStatus,
            infrastructure: infra.length,
            selfTested: infra.filter((e) => e.selfTest?.caught).length,
        },
        summary,
        controls: entries,
        sections,
        accessMatrix: accessMatrixEvidence(opts.resources),
        deviations: configDeviations(opts.stackKeys ?? {}, opts.stackFile ?? `Pulumi.${opts.stack}.yaml`),
    };
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export const STATUS_LABEL: Record<ControlStatus, string> = {
    pass: "PASS",
    partial: "PARTIAL",
    adopted: "ADOPTED (VERIFY IN THE ACCOUNT)",
    fail: "FAIL",
    "not-configured": "NOT CONFIGURED",
    "not-assessed": "NOT ASSESSED BY THIS STACK",
};
/** Values longer than this are shown in full inside a collapsed block. */
const INLINE_CHARS = 200;

/** One configuration value for a reader, in full: JSON documents held as strings are parsed and shown as JSON. */
function shown(value: unknown): string {
    let v = value;
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
        try {
            v = JSON.parse(v);
        } catch {
            // not JSON: show the string as it is
        }
    }
    return typeof v === "string" ? v : JSON.stringify(v);
}

function settingLines(key: string, value: unknown): string[] {
    const text = shown(value);
    if (text.length <= INLINE_CHARS && !text.includes("\n")) {
        return [`    - ${key}: ${cell(text)}`];
    }
    let pretty = text;
    try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
        // not JSON: keep the text
    }
    return [
        `    - ${key}:`,
        "",
        `      <details><summary>${text.length} characters</summary>`,
        "",
        "      ```",
        ...pretty.split("\n").map((l) => `      ${l}`),
        "      ```",
        "",
        "      </details>",
        "",
    ];
}

const pct = (n: number, of: number) => `${Math.round((100 * n) / Math.max(1, of))} %`;

/** The auditor's report: coverage over the guide's leaves, provenance, per-section summary, then each control. */
export function renderMarkdown(doc: EvidenceDocument): string {
    const g = doc.guide;
    const p = doc.provenance;
    const failing = doc.controls.filter((e) => e.status === "fail");
    const lines: string[] = [
        `# Audit evidence — stack \`${doc.stack}\``,
        "",
        "## Coverage of the guide",
        "",
        `The guide (version ${g.version}) has **${g.leaves}** requirement leaves (every scalar of its YAML, see ` +
            "`policy-pack/catalog/requirements.ts` for how they are counted). Each leaf takes the status of the " +
            "controls that meet it (any failing control fails it; all passing passes it; otherwise partial). " +
            `**${g.coverage.pass} of ${g.leaves} leaves (${pct(g.coverage.pass, g.leaves)}) pass** in this stack.`,
        "",
        "| Leaves | Count | Share |",
        "|---|---:|---:|",
        ...STATUSES.map((s) => `| ${STATUS_LABEL[s]} | ${g.coverage[s]} | ${pct(g.coverage[s], g.leaves)} |`),
        `| **Total** | **${g.leaves}** | |`,
        "",
        "Statuses: **PASS** — resources of its own in this stack, every enforcing policy free of mandatory " +
            "violations, and a one-change break of the plan (mutation self-test) is reported under the control. " +
            "**PARTIAL** — built and enforced, but the guide's requirement is only partly met (the gap is stated) or " +
            "the break is not proven. **FAIL** — a mandatory violation, or nothing implements it. **NOT CONFIGURED** " +
            "— the stack does not build it for this stack's config (the reason is stated). **NOT ASSESSED BY THIS " +
            "STACK** — application code or an organisational procedure meets it; the primitive or procedure is stated.",
        "",
        failing.length
            ? `**Result: ${failing.length} control(s) FAIL** — ${failing.map((e) => e.id).join(", ")}.`
            : "**Result: no control fails.**",
        "",
        "## Provenance",
        "",
        `- Source: ${doc.source} (${p.sourceKind}${p.placeholderIds ? "; ids and ARNs are mock placeholders, not deployed resources" : ""})`,
        `- State time: ${p.stateTime ?? "not recorded in the source"}`,
        `- Repository commit: \`${p.gitCommit}\`${p.gitDirty ? " (with uncommitted changes)" : ""}`,
        `- Policy pack: ${p.pack.name} ${p.pack.version}; policy config ${p.policyConfig}`,
        `- Guide version: ${p.guideVersion}`,
        `- Generated: ${doc.generatedAt}`,
        "",
        "## Requirement leaves not passing",
        "",
        "| Leaf | Guide value | Status | Controls | Gap |",
        "|---|---|---|---|---|",
    ];
    for (const r of g.requirements.filter((x) => x.status !== "pass")) {
        lines.push(
            `| \`${cell(r.path)}\` | ${cell(r.value)} | ${STATUS_LABEL[r.status]} | ${r.controls.join(", ")} | ${cell(r.gaps.join("; ")) || "—"} |`,
        );
    }
    const c = doc.coverage;
    lines.push(
        "",
        "## Controls",
        "",
        `${c.controls} controls in the catalog: ${STATUSES.map((s) => `${c.byStatus[s]} ${STATUS_LABEL[s].toLowerCase()}`).join(", ")}. ` +
            `${c.selfTested} of ${c.infrastructure} infrastructure controls are proven by a mutation self-test.`,
        "",
        `| Section | ${STATUSES.map((k) => STATUS_LABEL[k]).join(" | ")} |`,
        `|---|${STATUSES.map(() => "---:").join("|")}|`,
    );
    const total = emptyCounts();
    for (const [section, s] of Object.entries(doc.summary)) {
        if (STATUSES.some((k) => s[k] > 0)) {
            lines.push(`| ${section} | ${STATUSES.map((k) => s[k]).join(" | ")} |`);
            for (const k of STATUSES) {
                total[k] += s[k];
            }
        }
    }
    lines.push(`| **Total** | ${STATUSES.map((k) => `**${total[k]}**`).join(" | ")} |`, "");
    lines.push(...renderDeviations(doc.deviations));
    for (const extra of EVIDENCE_SECTIONS) {
        if (doc.sections[extra.title] !== undefined) {
            lines.push(`## ${extra.title}`, "", ...extra.render(doc.sections[extra.title]), "");
        }
    }
    let section = "";
    for (const e of doc.controls) {
        if (e.section !== section) {
            section = e.section;
            lines.push(`## Controls — \`${section}\``, "");
        }
        lines.push(`### ${e.id} — ${STATUS_LABEL[e.status]}`, "");
        lines.push(`- Status: ${STATUS_LABEL[e.status]} — ${e.reason}`);
        if (e.gap) {
            lines.push(`- Gap: ${e.gap}`);
        }
        lines.push(`- Guide: ${e.guideLeaves.map((l) => `\`${l}\``).join(", ")}`);
        lines.push(`- Requirement: ${e.requirement}`);
        lines.push(`- ISO/IEC 27001:2022: ${e.iso27001.join(", ") || "—"}; SOC 2: ${e.soc2.join(", ") || "—"}`);
        if (e.how.kind === "infrastructure") {
            lines.push("- Met by: infrastructure of this stack");
        } else {
            lines.push(`- Met by: ${e.how.kind} — ${e.how.justification}`, `- The stack provides: ${e.how.primitive}`);
        }
        if (e.substitution) {
            lines.push(`- Substitution: ${e.substitution}`);
        }
        if (e.selfTest) {
            lines.push(
                `- Mutation self-test: ${e.selfTest.mutation} → ${e.selfTest.caught ? `reported (${e.selfTest.reportedBy.join(", ")})` : `NOT reported${e.selfTest.error ? ` (${e.selfTest.error})` : ""}`}`,
            );
        }
        if (e.policies.length) {
            lines.push("- Policies:");
            for (const pol of e.policies) {
                lines.push(`  - \`${pol.name}\` (${pol.enforcementLevel}): ${pol.result}`);
                for (const v of pol.violations) {
                    lines.push(`    - ${cell(v.message)} — \`${v.urn}\``);
                }
            }
        }
        if (e.resources.length) {
            lines.push(`- Resources (${e.resources.length}):`);
            for (const r of e.resources) {
                const name = r.urn.split("::").slice(3).join("::");
                const ident = r.arn ?? r.id;
                lines.push(`  - **${name}** \`${r.type}\`` + (ident ? ` — \`${ident}\`` : ""));
                const conf = Object.entries(r.configuration ?? {}).sort(([a], [b]) => a.localeCompare(b));
                for (const [k, v] of conf) {
                    lines.push(...settingLines(k, v));
                }
            }
        }
        if (e.tests.length) {
            lines.push(`- Tests naming it: ${e.tests.join(", ")}`);
        }
        lines.push("");
    }
    lines.push(renderAccessMatrix(doc.accessMatrix));
    return lines.join("\n");
}
