import { aggregate, EvidenceDocument, restate } from "../evidence-report";
import { OperatingCheck, OperatingSummary } from "./types";

const RANK: Record<OperatingCheck["result"], number> = { ok: 0, partial: 1, "never-ran": 2, failed: 3 };

/**
 * Operating evidence on the controls: one whose operation failed in the period fails; one whose scheduled
 * operation never ran is at most partial; a control with design evidence only (an organisational control whose
 * design is in the plan, a scheduled procedure), or an account service the stack adopts, passes only when every
 * check of it is ok.
 */
export function applyOperating(doc: EvidenceDocument, summary: OperatingSummary): void {
    doc.operating = summary;
    const period = `in the ${summary.period.days} days to ${summary.period.to.slice(0, 10)}`;
    for (const c of doc.controls) {
        const checks = summary.checks.filter((x) => x.control === c.id);
        if (checks.length === 0) {
            continue;
        }
        const worst = checks.reduce((a, b) => (RANK[b.result] > RANK[a.result] ? b : a)).result;
        c.operating = {
            result: worst,
            checks: checks.map(({ result, source, detail }) => ({ result, source, detail })),
        };
        const why = checks
            .filter((x) => x.result === worst)
            .map((x) => x.detail)
            .join("; ");
        if (worst === "failed" && c.status !== "fail") {
            restate(c, "fail", `operation failed ${period}: ${why}`);
        } else if (worst === "never-ran" && c.status === "pass") {
            restate(c, "partial", `built, but its scheduled operation never ran ${period}: ${why}`);
        } else if (worst === "partial" && (c.status === "pass" || (c.status as string) === "adopted")) {
            restate(c, "partial", `operating with a gap ${period}: ${why}`);
        } else if (
            worst === "ok" &&
            ((c.status as string) === "adopted" ||
                (c.status === "partial" && c.reason.startsWith("design evidence only")))
        ) {
            restate(c, "pass", `operating ${period}: ${why}`);
            delete c.gap;
        }
    }
    aggregate(doc);
}
