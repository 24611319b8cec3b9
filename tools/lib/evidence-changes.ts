// `evidence --since <previous evidence.json>`: which controls changed status, and why.
import { createHash } from "crypto";
import { parseJson, readText } from "./files";
import { UsageError } from "./errors";
import { ControlStatus, EvidenceDocument, STATUSES } from "./evidence-report";

export interface Change {
    control: string;
    /** The previous status, or "absent" when the previous evidence did not list the control. */
    from: ControlStatus | "absent";
    to: ControlStatus | "absent";
    /** The reason now (and the gap), or why the control left the catalog. */
    why: string;
}

interface PreviousControl {
    id: string;
    status: ControlStatus;
    reason?: string;
}

/** Reads a previous evidence.json of `stack`: exit 2 with a message for anything else, or another stack's. */
export function readPrevious(
    file: string,
    stack?: string,
): {
    controls: PreviousControl[];
    generatedAt: string;
    sha256: string;
} {
    const text = readText(file);
    const doc = parseJson(text, file);
    const d = doc as { controls?: unknown; generatedAt?: unknown };
    if (
        !Array.isArray(d?.controls) ||
        typeof d.generatedAt !== "string" ||
        !d.controls.every(
            (c: unknown) =>
                !!c &&
                typeof (c as PreviousControl).id === "string" &&
                STATUSES.includes((c as PreviousControl).status),
        )
    ) {
        throw new UsageError(`${file} is not an evidence.json (expected generatedAt and controls with id and status)`);
    }
    const of = (doc as { stack?: unknown }).stack;
    if (stack !== undefined && typeof of === "string" && of !== stack) {
        throw new UsageError(
            `${file} is the evidence of stack ${of}, not ${stack}: --since compares a stack with itself`,
        );
    }
    return {
        controls: d.controls as PreviousControl[],
        generatedAt: d.generatedAt,
        sha256: createHash("sha256").update(text).digest("hex"),
    };
}

/** Status changes between the previous evidence and this one, in catalog order. */
export function diffEvidence(previous: PreviousControl[], doc: EvidenceDocument): Change[] {
    const before = new Map(previous.map((c) => [c.id, c]));
    const changes: Change[] = [];
    for (const c of doc.controls) {
        const p = before.get(c.id);
        if (!p || p.status !== c.status) {
            changes.push({
                control: c.id,
                from: p?.status ?? "absent",
                to: c.status,
                why: c.gap ? `${c.reason}; gap: ${c.gap}` : c.reason,
            });
        }
    }
    const now = new Set(doc.controls.map((c) => c.id));
    for (const p of previous.filter((x) => !now.has(x.id))) {
        changes.push({ control: p.id, from: p.status, to: "absent", why: "no longer in the control catalog" });
    }
    return changes;
}
