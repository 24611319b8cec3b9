// Coverage tables shared by summary.md and evidence.html: leaves by guide section, controls by ISO 27001
// Annex A control and by SOC 2 criterion.
import { SECTIONS } from "../../policy-pack/catalog";
import { ControlStatus, EvidenceDocument, STATUSES } from "./evidence-report";

export interface CoverageRow {
    key: string;
    counts: Record<ControlStatus, number>;
    total: number;
}

const empty = (): Record<ControlStatus, number> => ({
    pass: 0,
    partial: 0,
    adopted: 0,
    fail: 0,
    "not-configured": 0,
    "not-assessed": 0,
});

function rows(keys: string[], items: { keys: string[]; status: ControlStatus }[]): CoverageRow[] {
    return keys.map((key) => {
        const counts = empty();
        for (const i of items.filter((x) => x.keys.includes(key))) {
            counts[i.status]++;
        }
        return { key, counts, total: STATUSES.reduce((a, s) => a + counts[s], 0) };
    });
}

/** Guide leaves by their top-level section. */
export function leavesBySection(doc: EvidenceDocument): CoverageRow[] {
    const items = doc.guide.requirements.map((r) => ({ keys: [r.path.split(".")[0]], status: r.status }));
    return rows(
        SECTIONS.filter((s) => items.some((i) => i.keys[0] === s)),
        items,
    );
}

const annexOrder = (a: string, b: string) => {
    const n = (x: string) => x.replace(/^A\./, "").split(".").map(Number);
    const [x, y] = [n(a), n(b)];
    return x[0] - y[0] || (x[1] ?? 0) - (y[1] ?? 0);
};

/** Controls by ISO/IEC 27001:2022 Annex A control they map to. */
export function controlsByIso(doc: EvidenceDocument): CoverageRow[] {
    const keys = [...new Set(doc.controls.flatMap((c) => c.iso27001))].sort(annexOrder);
    return rows(
        keys,
        doc.controls.map((c) => ({ keys: c.iso27001, status: c.status })),
    );
}

/** Controls by SOC 2 Trust Services Criterion. */
export function controlsBySoc2(doc: EvidenceDocument): CoverageRow[] {
    const keys = [...new Set(doc.controls.flatMap((c) => c.soc2))].sort((a, b) =>
        a.localeCompare(b, "en", { numeric: true }),
    );
    return rows(
        keys,
        doc.controls.map((c) => ({ keys: c.soc2, status: c.status })),
    );
}
