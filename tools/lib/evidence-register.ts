// Accountability in the evidence: who owns each control (controls/owners.yaml) and the deviation register
// (substitutions and gaps the evidence finds, with the risk acceptance the organisation records in
// controls/deviations.yaml). Both files are the organisation's: the evidence reads and validates them.
import { createHash } from "crypto";
import * as fs from "fs";
import { addressPlanDeviations } from "./evidence-adoption";
import * as YAML from "yaml";
import { controls, SECTIONS } from "../../policy-pack/catalog";
import { UsageError } from "./errors";
import { aggregate, EvidenceDocument, restate } from "./evidence-report";

/** A GitHub user or team (@org/team), or an e-mail address. */
const OWNER = /^(@[A-Za-z0-9][\w.-]*(\/[\w.-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/**
 * Who accepted a risk: one person, a GitHub user (@user) or an e-mail address. A team handle (@org/team) is not a
 * person who can be held to the decision.
 */
const PERSON = /^(@[A-Za-z0-9][\w.-]*|[^@\s/]+@[^@\s]+\.[^@\s]+)$/;

/** An ISO calendar date that exists (2027-02-30 does not). */
function isoDate(text: string): boolean {
    return DATE.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString().slice(0, 10) === text;
}

export interface Deviation {
    control: string;
    /** substitution: another product than the guide's; gap: part of the requirement unmet; not-configured:
     *  the stack does not build it for this config; other kinds come from sources other code adds. */
    kind: string;
    deviation: string;
    risk: string;
    compensatingControls: string[];
    owner: string;
    /** ISO date until which the acceptance holds; "not accepted" when the register has no entry. */
    expires: string;
    accepted: boolean;
    /** sha256 of `deviation` (hex): an acceptance names it, so it accepts this text and no later one. */
    sha256: string;
}

/** The hash an acceptance records for the deviation text it accepts (evidence.json deviations[].sha256). */
export function deviationHash(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A deviation as found, before the organisation's acceptance is joined to it. */
export type FoundDeviation = Pick<Deviation, "control" | "kind" | "deviation">;

/** Where deviations come from: each source reads the evidence (other code pushes its own, e.g. address plans). */
export interface DeviationSource {
    name: string;
    find(doc: EvidenceDocument): FoundDeviation[];
}

export const DEVIATION_SOURCES: DeviationSource[] = [
    {
        // The stack's address plan off the guide's literal segments (its config; accept in controls/deviations.yaml).
        name: "address plan",
        find: (doc) => addressPlanDeviations(doc.stackKeys ?? {}),
    },
    {
        name: "substitutions",
        find: (doc) =>
            doc.controls
                // Kept when the control fails: the register lists the substitution whatever the status.
                .filter((c) => c.substitution)
                .map((c) => ({ control: c.id, kind: "substitution", deviation: c.substitution! })),
    },
    {
        name: "gaps",
        find: (doc) =>
            doc.controls
                // A design-only partial is not a deviation: operating evidence (--collect) settles it.
                .filter((c) => c.gap && (c.status === "partial" || c.status === "not-configured"))
                .filter((c) => !c.reason.startsWith("design evidence only"))
                .map((c) => ({
                    control: c.id,
                    kind: c.status === "not-configured" ? "not-configured" : "gap",
                    deviation: c.gap!,
                })),
    },
];

export interface Acceptance {
    control: string;
    kind: string;
    stacks?: string[];
    risk: string;
    compensatingControls: string[];
    expires: string;
    owner?: string;
    /** A write-up nobody has accepted yet: it accepts nothing. */
    proposed?: boolean;
    acceptedBy?: string;
    approvalRef?: string;
    /** sha256 of the deviation text the risk owner accepted (required when accepted). */
    deviationSha256?: string;
}

function fail(file: string, message: string): never {
    throw new UsageError(`${file}: ${message}`);
}

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
        return YAML.parse(text);
    } catch (e) {
        return fail(file, `not YAML (${(e as Error).message})`);
    }
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const known = new Set(controls.map((c) => c.id));

/** controls/owners.yaml: `sections:` gives every guide section an owner; `controls:` overrides per control ID. */
export function readOwners(file: string): Map<string, string> {
    const doc = readYaml(file);
    if (!isRecord(doc) || !isRecord(doc.sections)) {
        return fail(file, "expected a mapping with `sections:` (guide section → owner) and optional `controls:`");
    }
    const extra = Object.keys(doc).filter((k) => k !== "sections" && k !== "controls");
    if (extra.length) {
        fail(file, `unknown key(s) ${extra.join(", ")} (expected sections, controls)`);
    }
    const owner = (where: string, v: unknown): string => {
        if (typeof v !== "string" || !OWNER.test(v)) {
            fail(file, `${where}: '${String(v)}' is not an owner (@org/team, @user or an e-mail address)`);
        }
        return v;
    };
    const sections = doc.sections;
    for (const s of Object.keys(sections)) {
        if (!(SECTIONS as readonly string[]).includes(s)) {
            fail(file, `sections.${s} is not a guide section (${SECTIONS.join(", ")})`);
        }
    }
    const missing = SECTIONS.filter((s) => !(s in sections));
    if (missing.length) {
        fail(file, `sections: no owner for ${missing.join(", ")}`);
    }
    const perControl = doc.controls === undefined ? {} : doc.controls;
    if (!isRecord(perControl)) {
        fail(file, "controls: expected a mapping of control ID → owner");
    }
    for (const id of Object.keys(perControl)) {
        if (!known.has(id)) {
            fail(file, `controls.${id} is not a control of the catalog`);
        }
    }
    return new Map(
        controls.map((c) => [
            c.id,
            c.id in perControl
                ? owner(`controls.${c.id}`, perControl[c.id])
                : owner(`sections.${c.section}`, sections[c.section]),
        ]),
    );
}

/**
 * controls/deviations.yaml: `proposed:` (risk write-ups nobody has accepted yet) and `accepted:` lists of
 * {control, kind, stacks?, risk, compensatingControls, expires, owner?}; an accepted entry also names who accepted
 * it (`acceptedBy`, the risk owner) and the approval record (`approvalRef`, e.g. the pull request or ticket).
 * Only accepted entries accept a deviation.
 */
export function readAcceptances(file: string): Acceptance[] {
    if (!fs.existsSync(file)) {
        return [];
    }
    const doc = readYaml(file);
    if (
        !isRecord(doc) ||
        (doc.accepted !== undefined && !Array.isArray(doc.accepted)) ||
        (doc.proposed !== undefined && !Array.isArray(doc.proposed)) ||
        (doc.accepted === undefined && doc.proposed === undefined)
    ) {
        return fail(file, "expected a mapping with `accepted:` and / or `proposed:` (lists of deviations)");
    }
    const entries = [
        ...((doc.proposed ?? []) as unknown[]).map((raw, i) => ({ raw, at: `proposed[${i}]`, proposed: true })),
        ...((doc.accepted ?? []) as unknown[]).map((raw, i) => ({ raw, at: `accepted[${i}]`, proposed: false })),
    ];
    return entries.map(({ raw, at, proposed }): Acceptance => {
        if (!isRecord(raw)) {
            return fail(file, `${at} is not a mapping`);
        }
        const str = (k: string): string => {
            const v = raw[k];
            if (typeof v !== "string" || v.trim() === "") {
                fail(file, `${at}.${k} must be a non-empty string`);
            }
            return v;
        };
        const control = str("control");
        if (!known.has(control)) {
            fail(file, `${at}.control ${control} is not a control of the catalog`);
        }
        const expires = raw.expires instanceof Date ? raw.expires.toISOString().slice(0, 10) : str("expires");
        if (!isoDate(expires)) {
            fail(file, `${at} (${control}).expires '${expires}' is not an ISO date (YYYY-MM-DD)`);
        }
        const comp = raw.compensatingControls;
        if (!Array.isArray(comp) || comp.length === 0 || comp.some((c) => typeof c !== "string" || !c.trim())) {
            fail(file, `${at}.compensatingControls must be a non-empty list of strings`);
        }
        const stacks = raw.stacks;
        if (stacks !== undefined && (!Array.isArray(stacks) || stacks.some((s) => typeof s !== "string"))) {
            fail(file, `${at}.stacks must be a list of stack names`);
        }
        const owner = raw.owner;
        if (owner !== undefined && (typeof owner !== "string" || !OWNER.test(owner))) {
            fail(file, `${at}.owner '${String(owner)}' is not an owner (@org/team, @user or an e-mail address)`);
        }
        if (!proposed) {
            const by = str("acceptedBy");
            if (!PERSON.test(by)) {
                fail(
                    file,
                    `${at} (${control}).acceptedBy '${by}' is not a person (@user or an e-mail address; a team handle accepts no risk)`,
                );
            }
            str("approvalRef");
            if (!/^[0-9a-f]{64}$/.test(str("deviationSha256"))) {
                fail(
                    file,
                    `${at}.deviationSha256 must be the sha256 (64 hex digits) of the deviation text it accepts (evidence.json deviations[].sha256)`,
                );
            }
        }
        return {
            control,
            kind: str("kind"),
            ...(stacks ? { stacks: stacks as string[] } : {}),
            risk: str("risk"),
            compensatingControls: comp as string[],
            expires,
            ...(owner ? { owner: owner as string } : {}),
            ...(proposed
                ? { proposed: true }
                : {
                      acceptedBy: raw.acceptedBy as string,
                      approvalRef: raw.approvalRef as string,
                      deviationSha256: raw.deviationSha256 as string,
                  }),
        };
    });
}

/**
 * The deviation register: every deviation the sources find, joined with its acceptance for this stack. In a
 * prod-profile stack a not-configured control without an unexpired acceptance fails (the guide requires it).
 * An accepted entry accepts the deviation text whose sha256 it records: when the evidence's text differs (the gap
 * changed), the acceptance no longer applies. Returns acceptances that match nothing (stale entries) and those whose
 * text changed, for warnings.
 */
export function applyRegister(
    doc: EvidenceDocument,
    acceptances: Acceptance[],
    profile: "prod" | "dev",
): { stale: Acceptance[]; changed: Acceptance[] } {
    const today = doc.generatedAt.slice(0, 10);
    const found = DEVIATION_SOURCES.flatMap((s) => s.find(doc));
    const forStack = acceptances.filter((a) => !a.stacks || a.stacks.includes(doc.stack));
    const used = new Set<Acceptance>();
    const changed = new Set<Acceptance>();
    const ownerOf = new Map(doc.controls.map((c) => [c.id, c.owner]));
    doc.deviations = found.map((d) => {
        const sha256 = deviationHash(d.deviation);
        const matching = forStack.filter((x) => x.control === d.control && x.kind === d.kind);
        // The acceptance of this very text first; else a proposal; else an acceptance of an earlier text.
        const a =
            matching.find((x) => !x.proposed && x.deviationSha256 === sha256) ??
            matching.find((x) => x.proposed) ??
            matching[0];
        matching.forEach((x) => used.add(x));
        const stale = !!a && !a.proposed && a.deviationSha256 !== sha256;
        if (stale) {
            changed.add(a);
        }
        const valid = !!a && !a.proposed && !stale && a.expires >= today;
        return {
            ...d,
            risk: a?.risk ?? "not assessed: the register (controls/deviations.yaml) has no acceptance for it",
            compensatingControls: a?.compensatingControls ?? [],
            owner: a?.owner ?? ownerOf.get(d.control) ?? "unassigned",
            expires: !a
                ? "not accepted"
                : a.proposed
                  ? `proposed (until ${a.expires}), not accepted`
                  : stale
                    ? `stale: accepted (${a.approvalRef}) for another deviation text (sha256 ${a.deviationSha256?.slice(0, 12)}…), not accepted`
                    : a.expires,
            accepted: valid,
            sha256,
        };
    });
    // A control that passes by way of a substitution nobody accepted is partial: partial is not a failure (the
    // exit code counts only failing controls), but the pass would claim the risk owner's decision.
    for (const c of doc.controls.filter((x) => x.status === "pass")) {
        const d = doc.deviations.find((x) => x.control === c.id && x.kind === "substitution" && !x.accepted);
        if (d) {
            restate(
                c,
                "partial",
                `relies on a substitution the deviation register does not accept (${d.expires}): ${d.deviation}`,
            );
            c.gap = `the substitution is not accepted by its risk owner: ${d.deviation}`;
        }
    }
    aggregate(doc);
    if (profile === "prod") {
        for (const c of doc.controls.filter((x) => x.status === "not-configured")) {
            const dev = doc.deviations.find((d) => d.control === c.id && d.kind === "not-configured");
            if (!dev?.accepted) {
                restate(
                    c,
                    "fail",
                    dev && /^\d{4}-/.test(dev.expires)
                        ? `the guide requires it and its acceptance expired on ${dev.expires}`
                        : dev?.expires.startsWith("stale:")
                          ? "the guide requires it in a prod-profile stack and its acceptance is stale: the deviation text changed since the risk owner accepted it"
                          : "the guide requires it in a prod-profile stack and the deviation register does not accept its absence",
                );
            } else {
                c.reason = `not built for this stack's config; accepted deviation until ${dev.expires} (owner ${dev.owner}): ${c.reason}`;
            }
        }
        aggregate(doc);
    }
    return { stale: forStack.filter((a) => !used.has(a)), changed: [...changed] };
}
