import * as fs from "fs";
import { adoptedAssessment, adoptedServices, StackKeys } from "./evidence-adoption";
import * as path from "path";
import { assessments, Control, controls, GUIDE_VERSION, requirements, SECTIONS } from "../../policy-pack/catalog";
import { AuditReport } from "./audit";
import { AccessMatrixEvidence, accessMatrixEvidence } from "./evidence-access-matrix";
import type { Change } from "./evidence-changes";
import type { OperatingEvidence, OperatingSummary } from "./evidence-collect/types";
import type { Deviation } from "./evidence-register";
import { DESIGN_IN_PLAN, notAssessedReason, SCHEDULED_PROCEDURES, WOULD_EVIDENCE } from "./evidence-wording";
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
 * - not-assessed: application code or an organisational procedure would meet it; nothing in this repository or
 *   the audited plan / state evidences it. What would evidence it is stated.
 * In a prod-profile stack a not-configured control fails unless the deviation register accepts it (unexpired).
 * With `--collect`, a control whose operation failed or never ran in the period does not pass (evidence-collect).
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
    /** Who answers for the control (controls/owners.yaml). */
    owner: string;
    /** Application / organisational controls: what would evidence them (nothing here does). */
    evidencedBy?: string;
    /** `--collect`: what the account shows of the control operating in the period. */
    operating?: OperatingEvidence;
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
    /** HEAD's git tree id, and the sha256 of the status-computing code as on disk (evidence-provenance codeHash). */
    gitTree?: string;
    code?: { dirs: string[]; sha256: string; files: number };
    pack: { name: string; version: string };
    guideVersion: string;
    /** What was audited: an offline plan (mock ids and ARNs are placeholders), an export, or a preview. */
    sourceKind: "offline-plan" | "stack-export" | "preview";
    placeholderIds: boolean;
    /** False for an offline plan (also one passed as --state): nothing audited here is deployed. */
    deployed: boolean;
    /** manifest.time of the stack export / plan, when the file has one. */
    stateTime?: string;
    policyConfig: string;
    /** Every file the evidence was computed from, with its sha256 (evidence-provenance). */
    inputs?: { path: string; sha256: string; bytes: number }[];
    /** Versions of the runtime, the SDK, the pack and the providers. */
    tools?: Record<string, string>;
}

/** What the evidence covers: the stack, its account and Region, its profile. */
export interface EvidenceScope {
    stack: string;
    project: string;
    region: string;
    /** The account of the collected evidence, or of the state's ARNs; "not known" for an offline plan. */
    account: string;
    profile: "prod" | "dev";
}

export interface EvidenceDocument {
    stack: string;
    scope?: EvidenceScope;
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
    /** The stack's config keys the evidence reads (accountServices, the address plan) and their file. */
    stackKeys?: StackKeys;
    stackFile?: string;
    /** Substitutions and accepted gaps, with their owners and expiry (evidence-register.ts). */
    deviations?: Deviation[];
    /** `--since`: controls whose status changed from the previous evidence. */
    changes?: Change[];
    since?: { file: string; generatedAt: string; sha256: string };
    /** `--collect`: what was read from the account and over which period. */
    operating?: OperatingSummary;
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
    /** summary.md lines (a short form under its 600-line cap); none when left out. */
    summary?(json: unknown): string[];
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
        if (a.gap) {
            return {
                status: "partial",
                reason: `partly evidenced here (${c.how.primitive}); the rest would be evidenced by ${WOULD_EVIDENCE[c.id] ?? "records this repository does not hold"}`,
                gap: a.gap,
            };
        }
        return { status: "not-assessed", reason: notAssessedReason(c.id, c.how.kind) };
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
    generatedAt?: string;
    /** Control ID → owner (controls/owners.yaml); "unassigned" where none is given. */
    owners?: Map<string, string>;
    /** The stack's config keys (accountServices, the address plan) and the file they come from. */
    stackKeys?: StackKeys;
    stackFile?: string;
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
        // A landing zone's service cannot be seen in this stack's plan or state: never a pass from them alone
        // (evidence --collect passes it when the account shows the service on).
        // A design gap stays a gap (partial): the landing zone's service cannot close it, so account evidence must
        // not turn it into a pass either.
        const onAccount = adoptedAssessment(adopted);
        const { status, reason, gap } =
            adopted.length === 0 || policies.some((p) => p.result === "fail")
                ? assessed
                : assessed.status === "partial" && assessed.gap
                  ? {
                        status: "partial" as const,
                        reason: `${assessed.reason}; it also ${onAccount.reason}`,
                        gap: `${assessed.gap}; ${onAccount.gap}`,
                    }
                  : { status: "adopted" as const, ...onAccount };
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
            owner: opts.owners?.get(c.id) ?? "unassigned",
            ...(c.how.kind !== "infrastructure" && WOULD_EVIDENCE[c.id] ? { evidencedBy: WOULD_EVIDENCE[c.id] } : {}),
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
    for (const [id, d] of Object.entries(DESIGN_IN_PLAN)) {
        const e = byId.get(id);
        const under = byId.get(d.recordedUnder);
        if (e?.status === "not-assessed" && under && under.resources.length > 0 && under.status !== "fail") {
            e.status = "partial";
            e.reason = `design evidence only, in this ${opts.provenance.deployed ? "state" : "offline plan"} (recorded under ${d.recordedUnder}): ${d.design}`;
            e.gap = `nothing here shows it operating: that would be ${WOULD_EVIDENCE[id] ?? "records of it"}`;
        }
    }
    // A scheduled procedure whose plan passes holds its design (schedule, runbook), not its operation.
    for (const id of SCHEDULED_PROCEDURES) {
        const e = byId.get(id);
        if (e?.status === "pass") {
            e.status = "partial";
            e.reason = `design evidence only: designed, not operating-tested; its schedule and runbook pass in this ${opts.provenance.deployed ? "state" : "offline plan"} (${e.reason})`;
            e.gap =
                "nothing here shows a run: evidence --collect reads its Automation executions (a Success in each window of its cadence)";
        }
    }
    const sections: Record<string, unknown> = {};
    for (const extra of EVIDENCE_SECTIONS) {
        const built = extra.build({ stack: opts.stack, resources: opts.resources });
        if (built !== undefined) {
            sections[extra.title] = built;
        }
    }
    return aggregate({
        stack: opts.stack,
        source: opts.source,
        generatedAt: opts.generatedAt ?? new Date().toISOString(),
        provenance: opts.provenance,
        guide: { version: GUIDE_VERSION, leaves: 0, coverage: emptyCounts(), requirements: [] },
        coverage: { controls: 0, byStatus: emptyCounts(), infrastructure: 0, selfTested: 0 },
        summary: {},
        controls: entries,
        sections,
        accessMatrix: accessMatrixEvidence(opts.resources),
        stackKeys: opts.stackKeys ?? {},
        stackFile: opts.stackFile ?? `Pulumi.${opts.stack}.yaml`,
    });
}

/** Sets a control's status (the register, collected evidence), keeping the earlier reason after the new one. */
export function restate(e: ControlEvidence, status: ControlStatus, reason: string, gap?: string): void {
    e.reason = `${reason} (before: ${STATUS_LABEL[e.status].toLowerCase()} — ${e.reason})`;
    e.status = status;
    if (gap) {
        e.gap = gap;
    }
}

/** Leaves, coverage and per-section counts from the controls' statuses: rerun after any status changes. */
export function aggregate(doc: EvidenceDocument): EvidenceDocument {
    const entries = doc.controls;
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
    const infra = entries.filter((e) => e.how.kind === "infrastructure");
    doc.guide = { version: GUIDE_VERSION, leaves: reqs.length, coverage: guideCoverage, requirements: reqs };
    doc.coverage = {
        controls: entries.length,
        byStatus,
        infrastructure: infra.length,
        selfTested: infra.filter((e) => e.selfTest?.caught).length,
    };
    doc.summary = summary;
    return doc;
}

export const STATUS_LABEL: Record<ControlStatus, string> = {
    pass: "PASS",
    partial: "PARTIAL",
    adopted: "ADOPTED (VERIFY IN THE ACCOUNT)",
    fail: "FAIL",
    "not-configured": "NOT CONFIGURED",
    "not-assessed": "NOT ASSESSED BY THIS STACK",
};
