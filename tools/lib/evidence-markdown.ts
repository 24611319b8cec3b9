import { EVIDENCE_SECTIONS, EvidenceDocument, STATUS_LABEL, STATUSES, ControlStatus } from "./evidence-report";
import { renderAccessMatrix } from "./evidence-access-matrix";

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function emptyCounts(): Record<ControlStatus, number> {
    return { pass: 0, partial: 0, adopted: 0, fail: 0, "not-configured": 0, "not-assessed": 0 };
}

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
            "— the stack does not build it for this stack's config (the reason is stated; in a prod-profile stack it fails " +
            "unless the deviation register accepts it). **NOT ASSESSED BY THIS STACK** — application code or an " +
            "organisational procedure would meet it, and nothing in this repository or the audited plan / state " +
            "evidences it; what would evidence it is stated.",
        "",
        failing.length
            ? `**Result: ${failing.length} control(s) FAIL** — ${failing.map((e) => e.id).join(", ")}.`
            : "**Result: no control fails.**",
        "",
        "## Provenance",
        "",
        `- Source: ${doc.source} (${p.sourceKind}${p.placeholderIds ? "; an offline plan, not deployed state: ids and ARNs are mock placeholders" : ""})`,
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
    if (doc.deviations) {
        lines.push(
            "## Deviation register",
            "",
            "| Control | Kind | Deviation | Risk | Compensating controls | Owner | Expires |",
            "|---|---|---|---|---|---|---|",
            ...doc.deviations.map(
                (d) =>
                    `| ${d.control} | ${d.kind} | ${cell(d.deviation)} | ${cell(d.risk)} | ${cell(d.compensatingControls.join("; ") || "—")} | ${d.owner} | ${d.expires}${d.accepted ? "" : " (not accepted)"} |`,
            ),
            "",
        );
    }
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
        lines.push(`- Status: ${STATUS_LABEL[e.status]} — ${e.reason}`, `- Owner: ${e.owner}`);
        if (e.gap) {
            lines.push(`- Gap: ${e.gap}`);
        }
        lines.push(`- Guide: ${e.guideLeaves.map((l) => `\`${l}\``).join(", ")}`);
        lines.push(`- Requirement: ${e.requirement}`);
        lines.push(`- ISO/IEC 27001:2022: ${e.iso27001.join(", ") || "—"}; SOC 2: ${e.soc2.join(", ") || "—"}`);
        if (e.how.kind === "infrastructure") {
            lines.push(
                e.status === "pass"
                    ? "- Met by: infrastructure of this stack (resources, enforcing policies and a proven break above)"
                    : "- Kind: infrastructure (not met by this stack as it stands: see the status and gap)",
            );
        } else {
            lines.push(`- Kind: ${e.how.kind} — ${e.how.justification}`, `- The stack provides: ${e.how.primitive}`);
            if (e.evidencedBy) {
                lines.push(`- Would be evidenced by: ${e.evidencedBy}`);
            }
        }
        if (e.substitution) {
            lines.push(`- Substitution: ${e.substitution}`);
        }
        if (e.operating) {
            lines.push(
                `- Operating evidence: ${e.operating.result}`,
                ...e.operating.checks.map((x) => `  - ${x.result} (${x.source}): ${cell(x.detail)}`),
            );
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
