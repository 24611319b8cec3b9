import { accessLevel } from "../../policy-pack/lib/iam";
import { computeSurface } from "../../policy-pack/lib/iam/surface";
import { EVIDENCE_SECTIONS } from "./evidence-report";
import { StateResource } from "./state";

/**
 * The IAM allow-list evaluation (identity-iam-write-allow-list) as evidence: for each principal of the plan and
 * outside it, how many Write / Permissions management / Tagging actions it can make on each resource of the stack
 * (granted by the guide's matrix or not), and every finding (an allowed action the allow-list does not grant).
 * Rendering only: the evaluation is the pack's (policy-pack/lib/iam/surface.ts), so it shows what the audit judged.
 */
export const IAM_SECTION_TITLE = "IAM allow-list evaluation";

type Level = "write" | "permissions" | "tagging";

export interface IamAllowListRow {
    principal: string;
    resource: string;
    write: number;
    permissions: number;
    tagging: number;
    /** Of those, how many the allow-list does not grant (findings). */
    notGranted: number;
}

export interface IamAllowListFinding {
    control: string;
    principal: string;
    resource: string;
    actions: string[];
    escalation: boolean;
    why: string[];
}

export interface IamAllowListEvidence {
    principals: number;
    resources: number;
    rows: IamAllowListRow[];
    findings: IamAllowListFinding[];
}

/** The access level an action counts under (the catalog joins some, e.g. "Tagging, Write": the most powerful). */
function levelOf(action: string): Level {
    const l = accessLevel(action) ?? "Write";
    return /Permissions management/.test(l) ? "permissions" : /Write/.test(l) ? "write" : "tagging";
}

export function iamAllowListEvidence(resources: StateResource[]): IamAllowListEvidence {
    const plan = resources
        .filter((r) => r.custom)
        .map((r) => ({
            type: r.type,
            urn: r.urn,
            name: r.urn.split("::").pop() ?? r.urn,
            // Stack policies read outputs; a plan's outputs include its inputs.
            props: { ...r.inputs, ...r.outputs },
            propertyDependencies: Object.fromEntries(
                Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map((urn) => ({ urn }))]),
            ),
        }));
    const rows = new Map<string, IamAllowListRow & { seen: Set<string> }>();
    const findings = computeSurface(plan, undefined, (principal, resource, action, granted) => {
        const key = `${principal}\u0000${resource}`;
        const row = rows.get(key) ?? {
            principal,
            resource,
            write: 0,
            permissions: 0,
            tagging: 0,
            notGranted: 0,
            seen: new Set<string>(),
        };
        // One count per action on a resource (a target's ARNs can repeat an action).
        if (!row.seen.has(action)) {
            row.seen.add(action);
            row[levelOf(action)] += 1;
            row.notGranted += granted ? 0 : 1;
        }
        rows.set(key, row);
    });
    const list = [...rows.values()]
        .map(({ seen: _seen, ...r }) => r)
        .sort((a, b) => a.principal.localeCompare(b.principal) || a.resource.localeCompare(b.resource));
    return {
        principals: new Set(list.map((r) => r.principal)).size,
        resources: new Set(list.map((r) => r.resource)).size,
        rows: list,
        findings: findings.map((f) => ({
            control: f.control,
            principal: f.principal,
            resource: f.target,
            actions: [...f.actions].sort(),
            escalation: f.escalation,
            why: f.why,
        })),
    };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const list = (xs: string[], n: number) =>
    xs.length > n ? `${xs.slice(0, n).join(", ")}, … (${xs.length})` : xs.join(", ");

/** evidence.md: the full table (a row per principal and resource) and every finding. */
export function renderIamAllowList(json: unknown): string[] {
    const e = json as IamAllowListEvidence;
    return [
        `Every Write, Permissions management and Tagging action of the action catalog, evaluated for ${e.principals} principals ` +
            `(the plan's roles, any other role of the account, other accounts the policies name, anonymous) on ${e.resources} ` +
            "resources of the stack. Counts are actions the principal can possibly make (conditions it can meet count); " +
            "not granted: allowed although the guide's access matrix and role permissions (catalog/iam-allow.ts) do not grant it. " +
            "A principal that can change nothing has no row.",
        "",
        "| principal | resource | write | permissions management | tagging | not granted |",
        "|---|---|---:|---:|---:|---:|",
        ...e.rows.map(
            (r) =>
                `| ${cell(r.principal)} | ${cell(r.resource)} | ${r.write} | ${r.permissions} | ${r.tagging} | ${r.notGranted ? `**${r.notGranted}**` : 0} |`,
        ),
        "",
        `Findings: ${e.findings.length === 0 ? "none." : ""}`,
        ...(e.findings.length
            ? [
                  "",
                  "| control | principal | action | resource | why |",
                  "|---|---|---|---|---|",
                  ...e.findings.map(
                      (f) =>
                          `| ${f.control} | ${cell(f.principal)} | ${cell(f.actions.join(", "))}${f.escalation ? " (escalation)" : ""} | ${cell(f.resource)} | ${cell(f.why.join("; ") || "—")} |`,
                  ),
              ]
            : []),
    ];
}

/** summary.md: one line per principal (totals over resources) and at most ten findings; the rest is in evidence.md. */
export function summariseIamAllowList(json: unknown): string[] {
    const e = json as IamAllowListEvidence;
    const byPrincipal = new Map<string, { resources: number; actions: number; notGranted: number }>();
    for (const r of e.rows) {
        const p = byPrincipal.get(r.principal) ?? { resources: 0, actions: 0, notGranted: 0 };
        p.resources += 1;
        p.actions += r.write + r.permissions + r.tagging;
        p.notGranted += r.notGranted;
        byPrincipal.set(r.principal, p);
    }
    const shown = e.findings.slice(0, 10);
    return [
        `## ${IAM_SECTION_TITLE}`,
        "",
        `Every changing action of the catalog evaluated: ${e.principals} principals can change ${e.resources} resources of the stack; ${e.findings.length} finding(s). ` +
            "A principal evaluated (anonymous, other accounts, any other role of the account) that can change nothing has no row. " +
            "Per resource counts and every finding: evidence.md / evidence.json.",
        "",
        "| principal | resources it can change | changing actions (sum over resources) | not granted |",
        "|---|---:|---:|---:|",
        ...[...byPrincipal.entries()]
            .slice(0, 40)
            .map(([p, v]) => `| ${cell(p)} | ${v.resources} | ${v.actions} | ${v.notGranted} |`),
        ...(byPrincipal.size > 40 ? [`| … ${byPrincipal.size - 40} more | | | |`] : []),
        "",
        ...shown.map(
            (f) =>
                `- [${f.control}] ${f.principal}: ${list(f.actions, 4)} on ${f.resource} — ${f.why.slice(0, 2).join("; ") || "no grant"}`,
        ),
        ...(e.findings.length > shown.length ? [`- … ${e.findings.length - shown.length} more in evidence.md`] : []),
        ...(shown.length ? [""] : []),
    ];
}

EVIDENCE_SECTIONS.push({
    title: IAM_SECTION_TITLE,
    build: ({ resources }) => iamAllowListEvidence(resources),
    render: renderIamAllowList,
    summary: summariseIamAllowList,
});
