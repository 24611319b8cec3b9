import * as fs from "fs";
import * as path from "path";
import { Control, controls, SECTIONS } from "../../policy-pack/catalog";
import { AuditReport } from "./audit";
import { AccessMatrixEvidence, accessMatrixEvidence, renderAccessMatrix } from "./evidence-access-matrix";
import { SECRET_SIG, SIG_KEY } from "./program";
import { StateResource } from "./state";

export type ControlStatus = "pass" | "fail" | "not-applicable";

export interface EvidenceResourceEntry {
    urn: string;
    type: string;
    id?: string;
    arn?: string;
    /** Key configuration values as planned / deployed (top-level scalar and small inputs; secrets redacted). */
    configuration?: Record<string, unknown>;
}

export interface ControlEvidence {
    id: string;
    section: string;
    guidePath: string;
    requirement: string;
    iso27001: string[];
    soc2: string[];
    how: Control["how"];
    substitution?: string;
    status: ControlStatus;
    resources: EvidenceResourceEntry[];
    policies: {
        name: string;
        enforcementLevel: string;
        result: "pass" | "fail" | "advisory";
        violations: { urn: string; message: string }[];
    }[];
    tests: string[];
}

export interface EvidenceDocument {
    stack: string;
    source: string;
    generatedAt: string;
    coverage: {
        leafControls: number;
        infrastructure: number;
        implemented: number;
        enforced: number;
        tested: number;
        evidenced: number;
        notAutomated: { id: string; how: string; reason: string }[];
        gaps: { id: string; missing: string[] }[];
    };
    summary: Record<string, { pass: number; fail: number; notApplicable: number }>;
    controls: ControlEvidence[];
    /** access_control simulated by the pack's IAM model (evidence-access-matrix.ts). */
    accessMatrix?: AccessMatrixEvidence;
}

/** auditEvidence as the stack exports it: control ID → { resources: [{urn, type, id?, arn?}] , ...}. */
export type AuditEvidenceOutput = Record<
    string,
    { resources?: { urn: string; type?: string; id?: string; arn?: string }[] }
>;

const MAX_VALUE_CHARS = 400;

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

/** The configuration values worth showing an auditor: every input small enough to read, secrets redacted. */
export function keyConfiguration(r: StateResource): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.inputs)) {
        if (k.startsWith("__")) {
            continue;
        }
        const clean = redact(v);
        const text = JSON.stringify(clean);
        if (text !== undefined && text.length <= MAX_VALUE_CHARS) {
            out[k] = clean;
        }
    }
    return out;
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

export function buildEvidence(opts: {
    stack: string;
    source: string;
    resources: StateResource[];
    auditEvidence: AuditEvidenceOutput;
    report: AuditReport;
    tests: Map<string, string[]>;
    generatedAt?: string;
}): EvidenceDocument {
    const byUrn = new Map(opts.resources.map((r) => [r.urn, r]));
    const entries: ControlEvidence[] = controls.map((c) => {
        const recorded = opts.auditEvidence[c.id]?.resources ?? [];
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
        const status: ControlStatus =
            c.how.kind !== "infrastructure"
                ? "not-applicable"
                : policies.some((p) => p.result === "fail") || resources.length === 0 || policies.length === 0
                  ? "fail"
                  : "pass";
        return {
            id: c.id,
            section: c.section,
            guidePath: c.guidePath,
            requirement: c.requirement,
            iso27001: c.iso27001,
            soc2: c.soc2,
            how: c.how,
            ...(c.substitution ? { substitution: c.substitution } : {}),
            status,
            resources,
            policies,
            tests: opts.tests.get(c.id) ?? [],
        };
    });
    const infra = entries.filter((e) => e.how.kind === "infrastructure");
    const summary: EvidenceDocument["summary"] = {};
    for (const s of SECTIONS) {
        const inSection = entries.filter((e) => e.section === s);
        summary[s] = {
            pass: inSection.filter((e) => e.status === "pass").length,
            fail: inSection.filter((e) => e.status === "fail").length,
            notApplicable: inSection.filter((e) => e.status === "not-applicable").length,
        };
    }
    return {
        stack: opts.stack,
        source: opts.source,
        generatedAt: opts.generatedAt ?? new Date().toISOString(),
        coverage: {
            leafControls: entries.length,
            infrastructure: infra.length,
            implemented: infra.filter((e) => e.resources.length > 0).length,
            enforced: infra.filter((e) => e.policies.length > 0).length,
            tested: entries.filter((e) => e.tests.length > 0).length,
            evidenced: entries.filter((e) => e.resources.length > 0).length,
            notAutomated: entries
                .filter((e) => e.how.kind !== "infrastructure")
                .map((e) => ({
                    id: e.id,
                    how: e.how.kind,
                    reason:
                        e.how.kind === "infrastructure"
                            ? ""
                            : `${e.how.justification} (stack provides: ${e.how.primitive})`,
                })),
            gaps: infra
                .map((e) => ({
                    id: e.id,
                    missing: [
                        ...(e.resources.length ? [] : ["resources"]),
                        ...(e.policies.length ? [] : ["policy"]),
                        ...(e.tests.length ? [] : ["test"]),
                        ...(e.policies.some((p) => p.result === "fail") ? ["passing policy"] : []),
                    ],
                }))
                .filter((g) => g.missing.length > 0),
        },
        summary,
        controls: entries,
        accessMatrix: accessMatrixEvidence(opts.resources),
    };
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

const STATUS_LABEL: Record<ControlStatus, string> = {
    pass: "PASS",
    fail: "FAIL",
    "not-applicable": "NOT APPLICABLE",
};
const MAX_SHOWN_CHARS = 160;
const MAX_SHOWN_RESOURCES = 25;

/** One configuration value for a reader: JSON documents held as strings are shown compact, long values cut. */
function shown(value: unknown): string {
    let v = value;
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
        try {
            v = JSON.parse(v);
        } catch {
            // not JSON: show the string as it is
        }
    }
    const text = (typeof v === "string" ? v : JSON.stringify(v)).replace(/\s*\n\s*/g, " ");
    return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}… (${text.length} chars)` : text;
}

/** Why a control has its status, in words. */
function statusReason(e: ControlEvidence): string {
    if (e.status === "not-applicable") {
        return `met by ${e.how.kind === "application" ? "application code" : "organisational process"}, outside this stack's automated checks`;
    }
    const reasons = [
        ...(e.resources.length ? [] : ["no resource implements it"]),
        ...(e.policies.length ? [] : ["no enabled policy enforces it"]),
        ...e.policies.filter((p) => p.result === "fail").map((p) => `policy \`${p.name}\` has mandatory violations`),
    ];
    if (e.status === "fail") {
        return reasons.join("; ");
    }
    const advisory = e.policies.filter((p) => p.result === "advisory").map((p) => `\`${p.name}\``);
    return (
        `${e.resources.length} resource(s), ${e.policies.length} policy(ies) without mandatory violations` +
        (advisory.length ? ` (advisory findings: ${advisory.join(", ")})` : "")
    );
}

/** The auditor's report: coverage, a summary by guide section, then one entry per control, by section. */
export function renderMarkdown(doc: EvidenceDocument): string {
    const c = doc.coverage;
    const infra = doc.controls.filter((e) => e.how.kind === "infrastructure");
    const automated = infra.filter((e) => e.status === "pass" && e.tests.length > 0).length;
    const application = doc.controls.filter((e) => e.how.kind === "application").length;
    const organisational = doc.controls.filter((e) => e.how.kind === "organizational").length;
    const pct = (n: number) => `${Math.round((100 * n) / Math.max(1, c.leafControls))} %`;
    const failing = doc.controls.filter((e) => e.status === "fail");
    const lines: string[] = [
        `# Audit evidence — stack \`${doc.stack}\``,
        "",
        `Source: ${doc.source}. Generated ${doc.generatedAt}.`,
        "",
        failing.length
            ? `**Result: ${failing.length} control(s) FAIL** — ${failing.map((e) => e.id).join(", ")}.`
            : "**Result: no control fails.**",
        "",
        "## Coverage",
        "",
        `Of the guide's **${c.leafControls}** leaf controls, **${automated} (${pct(automated)})** are automated and ` +
            "passing: implemented by resources of this stack, enforced by a policy without mandatory violations, and " +
            `tested. The other controls are met by application code (${application}) or by organisational process ` +
            `(${organisational}); each is listed below with what the stack provides for it.`,
        "",
        "| | Controls |",
        "|---|---:|",
        `| Leaf controls in the guide | ${c.leafControls} |`,
        `| Met by infrastructure | ${c.infrastructure} |`,
        `| — implemented (resources recorded) | ${c.implemented} |`,
        `| — enforced by a policy | ${c.enforced} |`,
        `| — referenced by a test | ${infra.filter((e) => e.tests.length > 0).length} |`,
        `| — passing the audit | ${infra.filter((e) => e.status === "pass").length} |`,
        `| Met by application code | ${application} |`,
        `| Met by organisational process | ${organisational} |`,
        "",
    ];
    if (c.gaps.length) {
        lines.push("Infrastructure controls with gaps:", "");
        for (const g of c.gaps) {
            lines.push(`- **${g.id}**: missing ${g.missing.join(", ")}`);
        }
        lines.push("");
    }
    lines.push(`Controls met by application code or organisation (${c.notAutomated.length}), with the reason:`, "");
    for (const n of c.notAutomated) {
        lines.push(`- **${n.id}** (${n.how}): ${n.reason}`);
    }
    lines.push(
        "",
        "## Summary by guide section",
        "",
        "Pass: resources recorded and every enforcing policy free of mandatory violations. Fail: a mandatory " +
            "violation, or no resource / policy. Not applicable: met by application code or organisational process " +
            "(not checked by this stack).",
        "",
        "| Section | Pass | Fail | Not applicable |",
        "|---|---:|---:|---:|",
    );
    const total = { pass: 0, fail: 0, notApplicable: 0 };
    for (const [section, s] of Object.entries(doc.summary)) {
        if (s.pass + s.fail + s.notApplicable > 0) {
            lines.push(`| ${section} | ${s.pass} | ${s.fail} | ${s.notApplicable} |`);
            total.pass += s.pass;
            total.fail += s.fail;
            total.notApplicable += s.notApplicable;
        }
    }
    lines.push(`| **Total** | **${total.pass}** | **${total.fail}** | **${total.notApplicable}** |`);
    lines.push("");
    let section = "";
    for (const e of doc.controls) {
        if (e.section !== section) {
            section = e.section;
            lines.push(`## Controls — \`${section}\``, "");
        }
        lines.push(`### ${e.id} — ${STATUS_LABEL[e.status]}`, "");
        lines.push(`- Status: ${STATUS_LABEL[e.status]} — ${statusReason(e)}`);
        lines.push(`- Guide: \`${e.guidePath}\``);
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
        if (e.policies.length) {
            lines.push("- Policies:");
            for (const p of e.policies) {
                lines.push(`  - \`${p.name}\` (${p.enforcementLevel}): ${p.result}`);
                for (const v of p.violations) {
                    lines.push(`    - ${cell(v.message)} — \`${v.urn}\``);
                }
            }
        }
        if (e.resources.length) {
            lines.push(`- Resources (${e.resources.length}):`);
            for (const r of e.resources.slice(0, MAX_SHOWN_RESOURCES)) {
                const name = r.urn.split("::").slice(3).join("::");
                const ident = r.arn ?? r.id;
                lines.push(`  - **${name}** \`${r.type}\`` + (ident ? ` — \`${ident}\`` : ""));
                const conf = Object.entries(r.configuration ?? {}).sort(([a], [b]) => a.localeCompare(b));
                for (const [k, v] of conf) {
                    lines.push(`    - ${k}: ${cell(shown(v))}`);
                }
            }
            if (e.resources.length > MAX_SHOWN_RESOURCES) {
                lines.push(`  - … ${e.resources.length - MAX_SHOWN_RESOURCES} more in evidence.json`);
            }
        }
        if (e.tests.length) {
            lines.push(`- Tests: ${e.tests.join(", ")}`);
        }
        lines.push("");
    }
    lines.push(renderAccessMatrix(doc.accessMatrix));
    return lines.join("\n");
}
