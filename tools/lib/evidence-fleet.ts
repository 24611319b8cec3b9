// evidence --stack <platform> --fleet <agent stacks> --states <stack>=<file>,...: one report for a platform stack
// and its agent stacks. Each stack's evidence is written as before (into <out-dir>/<stack>/); the fleet's
// evidence.json / evidence.md / summary.md combine them: a control is attributed to the stacks that implement it
// (the platform implements every control; an agent stack those it holds resources of, or breaks), and its fleet
// status combines theirs as a guide leaf combines its controls (any fail fails; pass only when all pass).
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./errors";
import { parseJson, readText } from "./files";
import { writeText } from "./deployment";
import {
    aggregate,
    ControlEvidence,
    ControlStatus,
    EvidenceDocument,
    leafStatus,
    restate,
    STATUS_LABEL,
    STATUSES,
} from "./evidence-report";
import { renderMarkdown } from "./evidence-markdown";
import { renderSummary } from "./evidence-summary";
import { sha256 } from "./evidence-provenance";
import { readState, StateResource } from "./state";
import { parseStackName } from "../../policy-pack/lib/agent-platform";
import { readProjectName } from "./stack-config";
import { REPO_ROOT } from "./audit";

/** Flags that describe one stack's evidence and have no meaning for a fleet. */
const NOT_WITH_FLEET = ["state", "outputs", "since", "collect", "period", "publish", "html"];

export interface FleetStack {
    stack: string;
    role: "platform" | "agents";
    /** Its own evidence directory (relative to the fleet's). */
    dir: string;
    source: string;
    /** Controls it implements, by status. */
    implemented: number;
    byStatus: Record<ControlStatus, number>;
    failing: string[];
}

export interface FleetEvidence {
    platform: string;
    stacks: FleetStack[];
    /** Per control: the stacks that implement it, with their status there. */
    attribution: Record<string, { stack: string; status: ControlStatus; resources: number }[]>;
}

/** `a=x,b=y` → {a: x, b: y}; exit 2 on anything else. */
export function parseStates(flag: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of flag.split(",").filter((p) => p.trim() !== "")) {
        const m = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(part.trim());
        if (!m) {
            throw new UsageError(`--states: '${part}' is not <stack>=<file> (a plan or a \`pulumi stack export\`)`);
        }
        if (out[m[1]] !== undefined) {
            throw new UsageError(`--states names stack ${m[1]} twice`);
        }
        out[m[1]] = m[2];
    }
    return out;
}

/**
 * Agents that two stacks of the fleet run (each agent stack's namespaces, the platform's own agents as its
 * contract lists them): an agent's namespace, service account and role have one owner (RBAC-AGENT-NS).
 */
export function sharedAgents(agentsByStack: Record<string, string[]>): string[] {
    const owners = new Map<string, string[]>();
    for (const [stack, agents] of Object.entries(agentsByStack)) {
        for (const a of new Set(agents)) {
            owners.set(a, [...(owners.get(a) ?? []), stack]);
        }
    }
    return [...owners]
        .filter(([, stacks]) => stacks.length > 1)
        .map(([a, stacks]) => `agent ${a} (namespace agent-${a}) runs in stacks ${stacks.join(" and ")}`)
        .sort();
}

/** Fails RBAC-AGENT-NS over the fleet when agents are shared between its stacks. */
export function applySharedAgents(doc: EvidenceDocument, shared: string[]): void {
    const c = doc.controls.find((x) => x.id === "RBAC-AGENT-NS");
    if (!c || shared.length === 0) {
        return;
    }
    restate(c, "fail", `fleet: ${shared.join("; ")}: a namespace has one owner`);
    aggregate(doc);
}

/** The fleet's stacks from the flags, checked before anything is read or planned. */
export function fleetPlan(flags: Record<string, string>): {
    platform: string;
    agents: string[];
    states: Record<string, string>;
    agentsByStack: Record<string, string[]>;
} {
    const given = NOT_WITH_FLEET.filter((f) => flags[f] !== undefined);
    if (given.length > 0) {
        throw new UsageError(
            `--fleet: ${given.map((f) => `--${f}`).join(", ")} describe one stack's evidence; give each stack's state with --states`,
        );
    }
    const platform = flags.stack;
    const agents = (flags.fleet ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    if (agents.length === 0) {
        throw new UsageError("--fleet <stack,...> names the platform's agent stacks (at least one)");
    }
    const dup = agents.find((a, i) => agents.indexOf(a) !== i || a === platform);
    if (dup) {
        throw new UsageError(`--fleet names ${dup} twice (or the platform stack --stack itself)`);
    }
    const states = parseStates(flags.states ?? "");
    const strangers = Object.keys(states).filter((s) => s !== platform && !agents.includes(s));
    if (strangers.length > 0) {
        throw new UsageError(
            `--states names ${strangers.join(", ")}, not in --stack ${platform} or --fleet ${agents.join(",")}`,
        );
    }
    const missing = agents.filter((a) => states[a] === undefined);
    if (missing.length > 0) {
        throw new UsageError(
            `--states needs the plan or stack export of every agent stack: missing ${missing.join(", ")} (plan them with \`npm run plan:all\`, or \`plan --stack <agent> --stack-ref ${platform}=<file>\`)`,
        );
    }
    // An agent stack's state must belong to this platform: its StackReference names it (in full: a look-alike
    // `<org>/<other project>/<platform>` is not it), and the contract it holds is that platform's.
    const agentsByStack: Record<string, string[]> = {};
    const projectOf = (rs: StateResource[]) =>
        rs.find((r) => r.type === "pulumi:pulumi:Stack")?.urn.split("::")[1] ?? undefined;
    // The platform's project: its state's URNs, else the project being evidenced (--project-dir's Pulumi.yaml).
    const platformProject =
        states[platform] !== undefined
            ? projectOf(readState(states[platform]).resources)
            : readProjectName(path.resolve(flags["project-dir"] ?? REPO_ROOT));
    for (const a of agents) {
        const state = readState(states[a]);
        agentsByStack[a] = state.resources
            .filter((r) => r.type === "kubernetes:core/v1:Namespace")
            .map(
                (r) => (r.outputs?.metadata as { labels?: Record<string, unknown> } | undefined)?.labels?.["mas/agent"],
            )
            .filter((x): x is string => typeof x === "string");
        const ref = state.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
        const named = String(ref?.outputs?.name ?? ref?.inputs?.name ?? "");
        const contract = (
            ref?.outputs?.outputs as
                { agentPlatform?: { agents?: unknown; project?: unknown; stack?: unknown } } | undefined
        )?.agentPlatform;
        const parts = parseStackName(named);
        const refProject = parts?.project ?? projectOf(state.resources);
        const ours =
            parts !== undefined &&
            parts.stack === platform &&
            (platformProject === undefined || refProject === platformProject) &&
            (contract === undefined ||
                (contract.stack === platform &&
                    (platformProject === undefined || contract.project === platformProject)));
        if (!ref || !ours) {
            throw new UsageError(
                `${states[a]}: agent stack ${a} ${ref ? `references platform stack '${named}'` : "has no StackReference to a platform stack"}, not --stack ${platform}${platformProject ? ` of project ${platformProject}` : ""}${contract ? ` (its contract is of project ${String(contract.project)} stack ${String(contract.stack)})` : ""}`,
            );
        }
        if (Array.isArray(contract?.agents)) {
            agentsByStack[platform] = contract.agents.filter((x): x is string => typeof x === "string");
        }
    }
    return { platform, agents, states, agentsByStack };
}

/** The platform stack an agent stack's state references (its StackReference, else its stackSettings), if any. */
export function platformOf(resources: StateResource[]): string | undefined {
    const ref = resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    const settings = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs?.stackSettings as
        { role?: unknown; platformStack?: unknown } | undefined;
    const named =
        ref?.outputs?.name ?? ref?.inputs?.name ?? (settings?.role === "agents" ? settings.platformStack : undefined);
    return typeof named === "string" && named !== "" ? named : undefined;
}

/**
 * An agent stack's own evidence: the controls it neither builds nor breaks are its platform's, not failures of
 * this stack (the platform's evidence, or the fleet's, holds them). Returns the controls it left to the platform.
 */
export function attributeToPlatform(doc: EvidenceDocument, resources: StateResource[]): Set<string> {
    const platform = platformOf(resources);
    const theirs = new Set<string>();
    if (!platform) {
        return theirs;
    }
    for (const c of doc.controls.filter((x) => !implementsControl("agents", x) && x.status !== "not-assessed")) {
        theirs.add(c.id);
        restate(
            c,
            "not-assessed",
            `implemented by the platform stack ${platform}: its evidence holds it (\`evidence --stack ${platform} --fleet ${doc.stack}\` combines them)`,
        );
    }
    aggregate(doc);
    return theirs;
}

function readDoc(file: string): EvidenceDocument {
    return parseJson(readText(file), file) as EvidenceDocument;
}

/** Does this stack implement the control: the platform all of them; an agent stack those it builds or breaks. */
function implementsControl(role: FleetStack["role"], c: ControlEvidence): boolean {
    return role === "platform" || c.resources.length > 0 || c.policies.some((p) => p.result === "fail");
}

/** Combines the stacks' evidence documents (the platform's first) into the fleet's document. */
export function combineFleet(
    members: { stack: string; role: FleetStack["role"]; dir: string; doc: EvidenceDocument }[],
): { doc: EvidenceDocument; fleet: FleetEvidence } {
    const [platform] = members;
    const doc = JSON.parse(JSON.stringify(platform.doc)) as EvidenceDocument;
    const attribution: FleetEvidence["attribution"] = {};
    const stacks: FleetStack[] = members.map((m) => {
        const mine = m.doc.controls.filter((c) => implementsControl(m.role, c));
        const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ControlStatus, number>;
        for (const c of mine) {
            byStatus[c.status]++;
        }
        return {
            stack: m.stack,
            role: m.role,
            dir: m.dir,
            source: m.doc.source,
            implemented: mine.length,
            byStatus,
            failing: mine.filter((c) => c.status === "fail").map((c) => c.id),
        };
    });
    for (const c of doc.controls) {
        const by = members.flatMap((m) => {
            const own = m.doc.controls.find((x) => x.id === c.id);
            return own && implementsControl(m.role, own) ? [{ m, own }] : [];
        });
        attribution[c.id] = by.map(({ m, own }) => ({
            stack: m.stack,
            status: own.status,
            resources: own.resources.length,
        }));
        if (by.length <= 1) {
            continue;
        }
        c.status = leafStatus(by.map(({ own }) => own.status));
        c.reason = `fleet: ${by.map(({ m, own }) => `${m.stack} ${STATUS_LABEL[own.status].toLowerCase()} (${own.reason})`).join("; ")}`;
        const gaps = by.filter(({ own }) => own.gap).map(({ m, own }) => `${m.stack}: ${own.gap}`);
        if (gaps.length > 0) {
            c.gap = gaps.join("; ");
        }
        c.resources = by.flatMap(({ own }) => own.resources);
        c.policies = c.policies.map((p) => {
            const all = by.map(({ own }) => own.policies.find((q) => q.name === p.name)).filter((q) => q !== undefined);
            const violations = all.flatMap((q) => q.violations);
            const result = all.some((q) => q.result === "fail")
                ? "fail"
                : all.some((q) => q.result === "advisory")
                  ? "advisory"
                  : "pass";
            return { ...p, result, violations };
        });
    }
    doc.stack = `${platform.stack} fleet`;
    doc.source = members.map((m) => `${m.stack}: ${m.doc.source}`).join("; ");
    aggregate(doc);
    return { doc, fleet: { platform: platform.stack, stacks, attribution } };
}

/** The fleet's coverage table: per stack, the controls it implements, by status. */
export function fleetMarkdown(fleet: FleetEvidence, doc: EvidenceDocument): string {
    const row = (name: string, role: string, n: number, counts: Record<ControlStatus, number>, dir: string) =>
        `| ${name} | ${role} | ${n} | ${STATUSES.map((s) => counts[s]).join(" | ")} | ${dir} |`;
    const agentControls = Object.entries(fleet.attribution)
        .filter(([, by]) => by.some((b) => b.stack !== fleet.platform))
        .map(
            ([id, by]) =>
                `| ${id} | ${by.map((b) => `${b.stack}: ${STATUS_LABEL[b.status].toLowerCase()} (${b.resources} resources)`).join("; ")} |`,
        );
    return [
        `# Fleet evidence — platform stack \`${fleet.platform}\` and ${fleet.stacks.length - 1} agent stack(s)`,
        "",
        "Each stack's own evidence is in its directory. A control is attributed to the stacks that implement it: the",
        "platform implements every control; an agent stack the controls it builds resources for (or breaks). The",
        "fleet's status of a control combines the statuses of the stacks that implement it (any fail fails).",
        "",
        "## Coverage per stack",
        "",
        `| Stack | Role | Controls it implements | ${STATUSES.map((s) => STATUS_LABEL[s]).join(" | ")} | Evidence |`,
        `|---|---|---:|${STATUSES.map(() => "---:").join("|")}|---|`,
        ...fleet.stacks.map((s) => row(`\`${s.stack}\``, s.role, s.implemented, s.byStatus, `${s.dir}/evidence.md`)),
        row("**fleet**", "all", doc.coverage.controls, doc.coverage.byStatus, "below"),
        "",
        `Guide leaves over the fleet: ${doc.guide.leaves}: ${STATUSES.map((s) => `${doc.guide.coverage[s]} ${STATUS_LABEL[s].toLowerCase()}`).join(", ")}.`,
        "",
        "## Controls the agent stacks implement",
        "",
        "| Control | Implemented by (status there) |",
        "|---|---|",
        ...agentControls,
        "",
    ].join("\n");
}

/** Writes the fleet's evidence.json, evidence.md and summary.md into `outDir`; returns the failing controls. */
export function writeFleet(outDir: string, doc: EvidenceDocument, fleet: FleetEvidence): string[] {
    const json = `${JSON.stringify({ ...doc, fleet }, null, 2)}\n`;
    const md = `${fleetMarkdown(fleet, doc)}\n${renderMarkdown(doc)}`;
    const table = fleetMarkdown(fleet, doc).split("\n## Controls the agent stacks implement")[0];
    const summary = `${table}\n${renderSummary(doc, { "evidence.json": sha256(json), "evidence.md": sha256(md) })}`;
    writeText(path.join(outDir, "evidence.json"), json);
    writeText(path.join(outDir, "evidence.md"), md);
    writeText(path.join(outDir, "summary.md"), summary);
    return doc.controls.filter((c) => c.status === "fail").map((c) => c.id);
}

/**
 * The fleet command: each stack's evidence through `single` (the per-stack evidence command) into
 * <out-dir>/<stack>/, then the fleet's report in <out-dir>. Exit 1 when a control fails over the fleet.
 */
export async function fleetEvidence(
    flags: Record<string, string>,
    outDir: string,
    single: (argv: string[]) => Promise<number>,
): Promise<number> {
    const plan = fleetPlan(flags);
    const common = [
        ...(flags["project-dir"] ? ["--project-dir", flags["project-dir"]] : []),
        ...(flags["self-test"] ? ["--self-test", flags["self-test"]] : []),
        ...(flags.owners ? ["--owners", flags.owners] : []),
        ...(flags.deviations ? ["--deviations", flags.deviations] : []),
        ...(flags["esc-env"] ? ["--esc-env", flags["esc-env"]] : []),
    ];
    const members: Parameters<typeof combineFleet>[0] = [];
    for (const [stack, role] of [
        [plan.platform, "platform"] as const,
        ...plan.agents.map((a) => [a, "agents"] as const),
    ]) {
        const dir = path.join(outDir, stack);
        const state = plan.states[stack];
        // A stack's own exit code (its failing controls) is not the fleet's: the fleet combines them below.
        await single(["--stack", stack, ...(state ? ["--state", state] : []), "--out-dir", dir, ...common]);
        const file = path.join(dir, "evidence.json");
        if (!fs.existsSync(file)) {
            throw new UsageError(`evidence of stack ${stack} was not written (${file})`);
        }
        members.push({ stack, role, dir: stack, doc: readDoc(file) });
    }
    const { doc, fleet } = combineFleet(members);
    applySharedAgents(doc, sharedAgents(plan.agentsByStack));
    const failing = writeFleet(outDir, doc, fleet);
    process.stdout.write(
        `evidence (fleet ${plan.platform} + ${plan.agents.length}): ${fleet.stacks.map((s) => `${s.stack} ${s.implemented} controls, ${s.failing.length} failing`).join("; ")}; over the fleet ${doc.guide.coverage.pass} of ${doc.guide.leaves} guide leaves pass, ${failing.length} control(s) failing → ${outDir}\n`,
    );
    for (const f of failing) {
        process.stdout.write(`  FAIL ${f}\n`);
    }
    return failing.length > 0 ? 1 : 0;
}
