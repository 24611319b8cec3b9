import { controls } from "../../policy-pack/catalog";
import { buildEvidence, EVIDENCE_SECTIONS, leafStatus, Provenance } from "../../tools/lib/evidence-report";
import { renderMarkdown } from "../../tools/lib/evidence-markdown";

const provenance: Provenance = {
    gitCommit: "0".repeat(40),
    gitDirty: false,
    pack: { name: "multi-agent-security-policies", version: "0.1.0" },
    guideVersion: "1.0.0",
    sourceKind: "stack-export",
    placeholderIds: false,
    deployed: true,
    policyConfig: "policy-pack/config/prod.json",
};

describe("evidence statuses", () => {
    it("give a leaf the status of its controls", () => {
        expect(leafStatus(["pass", "pass"])).toBe("pass");
        expect(leafStatus(["pass", "fail"])).toBe("fail");
        expect(leafStatus(["pass", "not-assessed"])).toBe("partial");
        expect(leafStatus(["partial"])).toBe("partial");
        expect(leafStatus(["not-configured", "not-assessed"])).toBe("not-configured");
        expect(leafStatus(["not-assessed"])).toBe("not-assessed");
    });

    it("never pass a control without resources of its own, and fill sections other tools add", () => {
        EVIDENCE_SECTIONS.push({
            title: "Access matrix",
            build: ({ stack }) => ({ stack, rows: 1 }),
            render: (json) => [`rows: ${(json as { rows: number }).rows}`],
        });
        try {
            const doc = buildEvidence({
                stack: "prod",
                source: "empty state",
                provenance,
                resources: [],
                auditEvidence: {},
                report: {
                    violations: [],
                    summary: { resources: 0, policies: 0, mandatory: 0, advisory: 0 },
                    policies: [],
                    diagnostics: { each: [], stack: [] },
                    pack: { name: "pack", version: "0.0.0" },
                },
                tests: new Map(),
                selfTest: [],
                generatedAt: "2026-11-30T00:00:00.000Z",
            });
            const infra = doc.controls.filter((c) => c.how.kind === "infrastructure");
            // CERT-LETSENCRYPT is not configured without its issuer; every other infrastructure control fails.
            expect(infra.filter((c) => c.status !== "fail").map((c) => [c.id, c.status])).toEqual([
                ["CERT-LETSENCRYPT", "not-configured"],
            ]);
            expect(infra.find((c) => c.id === "NET-SEG-AGENT")).toMatchObject({
                status: "fail",
                reason: "no resource of this stack implements it",
                selfTest: { mutation: "none registered", caught: false, reportedBy: [] },
            });
            expect(doc.guide.coverage.pass).toBe(0);
            expect(doc.coverage.byStatus["not-assessed"]).toBe(
                controls.filter((c) => c.how.kind !== "infrastructure").length -
                    doc.controls.filter((c) => c.how.kind !== "infrastructure" && c.status === "partial").length,
            );
            expect(doc.sections).toEqual({ "Access matrix": { stack: "prod", rows: 1 } });
            const md = renderMarkdown(doc);
            expect(md).toContain("## Access matrix\n\nrows: 1\n");
            expect(md).toContain("**0 of 171 leaves (0 %) pass** in this stack.");
            expect(md).toContain(`- Repository commit: \`${"0".repeat(40)}\`\n`);
        } finally {
            EVIDENCE_SECTIONS.pop();
        }
    });
});
