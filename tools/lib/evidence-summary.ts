// summary.md: the statement of applicability an auditor reads first (at most 600 lines); evidence.md and
// evidence.json hold the full record, whose hashes it states.
import { controlsByIso, controlsBySoc2, CoverageRow, leavesBySection } from "./evidence-coverage";
import { EVIDENCE_SECTIONS, EvidenceDocument, STATUS_LABEL, STATUSES } from "./evidence-report";

export const SUMMARY_MAX_LINES = 600;

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const pct = (n: number, of: number) => `${Math.round((100 * n) / Math.max(1, of))} %`;
/** Long reasons are cut in the summary (evidence.md has them in full). */
const short = (s: string, n = 260) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function coverageTable(title: string, what: string, rows: CoverageRow[]): string[] {
    return [
        `### ${title}`,
        "",
        `| ${what} | ${STATUSES.map((s) => STATUS_LABEL[s]).join(" | ")} | Pass share |`,
        `|---|${STATUSES.map(() => "---:").join("|")}|---:|`,
        ...rows.map(
            (r) => `| ${r.key} | ${STATUSES.map((s) => r.counts[s]).join(" | ")} | ${pct(r.counts.pass, r.total)} |`,
        ),
        "",
    ];
}

export interface RecordHashes {
    "evidence.json": string;
    "evidence.md": string;
}

export function renderSummary(doc: EvidenceDocument, hashes: RecordHashes): string {
    const g = doc.guide;
    const p = doc.provenance;
    const scope = doc.scope;
    const failing = doc.controls.filter((c) => c.status === "fail");
    const lines: string[] = [
        `# Statement of applicability — stack \`${doc.stack}\``,
        "",
        "## Scope",
        "",
        `- Stack: \`${doc.stack}\`${scope ? ` of project \`${scope.project}\` (${scope.profile} profile)` : ""}`,
        `- Account and Region: ${scope ? `${scope.account}, ${scope.region}` : "not recorded"}`,
        `- Source: ${doc.source}`,
        `- What it shows: ${p.deployed ? "a deployed stack's state" : "an offline plan: design evidence of what `pulumi up` would build, not deployed state; identifiers are placeholders"}` +
            (doc.operating
                ? `; operating evidence read from account ${doc.operating.account} over ${doc.operating.period.days} days (${doc.operating.period.from.slice(0, 10)} to ${doc.operating.period.to.slice(0, 10)})`
                : "; no operating evidence from the account (run with --collect)"),
        `- Guide version ${g.version}; policy pack ${p.pack.name} ${p.pack.version}; commit \`${p.gitCommit}\`${p.gitDirty ? " (uncommitted changes)" : ""}`,
        ...(p.code
            ? [
                  `- Code that computed the statuses: git tree \`${p.gitTree ?? "unknown"}\`; sha256 of ${p.code.dirs.map((d) => `${d}/`).join(", ")} as on disk (${p.code.files} files) \`${p.code.sha256}\``,
              ]
            : []),
        `- Generated: ${doc.generatedAt}`,
        "",
        failing.length
            ? `**Result: ${failing.length} control(s) FAIL** — ${failing.map((c) => c.id).join(", ")}.`
            : "**Result: no control fails.**",
        "",
        `**${g.coverage.pass} of ${g.leaves} guide leaves (${pct(g.coverage.pass, g.leaves)}) pass**; ` +
            STATUSES.filter((s) => s !== "pass")
                .map((s) => `${g.coverage[s]} ${STATUS_LABEL[s].toLowerCase()}`)
                .join(", ") +
            `. ${doc.coverage.controls} controls: ${STATUSES.map((s) => `${doc.coverage.byStatus[s]} ${STATUS_LABEL[s].toLowerCase()}`).join(", ")}.`,
        "",
        "A leaf passes only when every control serving it passes; a control passes only with resources of its own, " +
            "every enforcing policy free of mandatory violations and a mutation self-test that proves the policy " +
            "reports a break of it" +
            (doc.operating ? ", and no failed or missing operation in the period." : ".") +
            " NOT ASSESSED means nothing in this repository or the audited plan / state evidences the item; each " +
            "says what would.",
        "",
        "## Coverage",
        "",
        ...coverageTable("By guide section (leaves)", "Section", leavesBySection(doc)),
        ...coverageTable("By ISO/IEC 27001:2022 Annex A control (controls)", "Annex A", controlsByIso(doc)),
        ...coverageTable("By SOC 2 Trust Services Criterion (controls)", "Criterion", controlsBySoc2(doc)),
        "## Leaves not passing",
        "",
        "| Leaf | Status | Reason |",
        "|---|---|---|",
    ];
    const byId = new Map(doc.controls.map((c) => [c.id, c]));
    for (const r of g.requirements.filter((x) => x.status !== "pass")) {
        const why = r.controls
            .map((id) => byId.get(id)!)
            .filter((c) => c.status !== "pass")
            .map((c) => `${c.id} (${STATUS_LABEL[c.status].toLowerCase()}, owner ${c.owner}): ${c.gap ?? c.reason}`)
            .join("; ");
        lines.push(`| \`${cell(r.path)}\` | ${STATUS_LABEL[r.status]} | ${cell(short(why, 400))} |`);
    }
    const devs = doc.deviations ?? [];
    lines.push(
        "",
        "## Deviation register",
        "",
        `${devs.length} deviation(s): ${devs.filter((d) => d.accepted).length} accepted and unexpired; ` +
            `${devs.filter((d) => !d.accepted).length} not accepted (controls/deviations.yaml has no current acceptance of this text; ${devs.filter((d) => d.expires.startsWith("stale:")).length} stale).`,
        "",
        "| Control | Kind | Deviation | Risk | Compensating controls | Owner | Expires |",
        "|---|---|---|---|---|---|---|",
        ...devs.map(
            (d) =>
                `| ${d.control} | ${d.kind} | ${cell(short(d.deviation))} | ${cell(short(d.risk, 200))} | ${cell(d.compensatingControls.join("; ") || "—")} | ${d.owner} | ${d.accepted ? d.expires : `**${d.expires}**`} |`,
        ),
        "",
        "## Changes since the last evidence",
        "",
    );
    if (!doc.since) {
        lines.push("No previous evidence was given (`evidence --since <previous evidence.json>`).", "");
    } else if ((doc.changes ?? []).length === 0) {
        lines.push(`No control changed status since ${doc.since.file} (${doc.since.generatedAt}).`, "");
    } else {
        lines.push(
            `Against ${doc.since.file} (generated ${doc.since.generatedAt}, sha256 \`${doc.since.sha256}\`):`,
            "",
            "| Control | From | To | Why |",
            "|---|---|---|---|",
            ...(doc.changes ?? []).map((c) => `| ${c.control} | ${c.from} | ${c.to} | ${cell(short(c.why, 300))} |`),
            "",
        );
    }
    if (doc.operating) {
        const o = doc.operating;
        const checks = o.checks.filter((c) => c.result !== "ok");
        lines.push(
            "## Operating evidence",
            "",
            `Read ${o.collectedAt} from account ${o.account} in ${o.region}: ${o.automation.length} Automation document(s), ${o.alarms.length} alarm(s), ${o.restoreTests.length} restore-testing plan(s), ${o.conformance.length} conformance pack(s).`,
            "",
            `- Security Hub active findings by severity: ${
                Object.entries(o.securityHubFindings)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(", ") || "none"
            }`,
            ...o.accountServices.map((s) => `- ${s.service}: ${s.ok ? "on" : "**not as required**"} — ${s.state}`),
            ...(o.deploys
                ? [
                      `- Deploys through environment ${o.deploys.environment} (after a reviewer's approval): ${o.deploys.approved}; by GitHub subjects of no environment: ${o.deploys.unapproved.join(", ") || "none"}`,
                  ]
                : []),
            ...o.conformance.map(
                (c) =>
                    `- Conformance pack ${c.pack}: ${c.compliance} (${c.nonCompliantRules.length} non-compliant rule(s))`,
            ),
            // The cadence windows without a successful run, by name (the auditor's sample of missed operations).
            ...o.automation
                .filter((a) => a.missing?.length || a.unevidenced?.length)
                .map(
                    (a) =>
                        `- ${a.document} (${a.cadence}): no successful run in ${a.missing!.length} of ${a.due} window(s)${a.missing!.length ? `: ${a.missing!.slice(0, 12).join(", ")}${a.missing!.length > 12 ? ", …" : ""}` : ""}${a.unevidenced?.length ? `; ${a.unevidenced.length} older than the execution history, not evidenced` : ""}`,
                ),
            ...(o.classificationJobs ?? []).map(
                (j) => `- Macie classification job ${j.job}: ${j.status}, last run ${j.lastRunTime ?? "never"}`,
            ),
            "",
            checks.length
                ? "| Control | Result | Source | Detail |"
                : "Every operation checked ran and succeeded in the period.",
            ...(checks.length ? ["|---|---|---|---|"] : []),
            ...checks.map((c) => `| ${c.control} | ${c.result} | ${c.source} | ${cell(short(c.detail))} |`),
            "",
        );
    }
    for (const extra of EVIDENCE_SECTIONS) {
        if (extra.summary && doc.sections[extra.title] !== undefined) {
            lines.push(...extra.summary(doc.sections[extra.title]));
        }
    }
    lines.push(
        "## Integrity",
        "",
        "| File | sha256 |",
        "|---|---|",
        ...Object.entries(hashes).map(([f, h]) => `| ${f} (full record) | \`${h}\` |`),
        ...(p.inputs ?? []).map((i) => `| input: ${i.path} (${i.bytes} bytes) | \`${i.sha256}\` |`),
        "",
        `Tools: ${Object.entries(p.tools ?? {})
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}.`,
        "",
        "## Sign-off",
        "",
        "| Section | Owner | Name | Date | Signature |",
        "|---|---|---|---|---|",
    );
    const owners = new Map<string, Set<string>>();
    for (const c of doc.controls) {
        owners.set(c.section, (owners.get(c.section) ?? new Set()).add(c.owner));
    }
    for (const [section, o] of owners) {
        lines.push(`| ${section} | ${[...o].join(", ")} | | | |`);
    }
    lines.push("");
    return lines.join("\n");
}
