import { emptyEvidence } from "../harness/evidence";
import { controls } from "../../policy-pack/catalog";
import { EVIDENCE_SECTIONS, leafStatus } from "../../tools/lib/evidence-report";
import { renderMarkdown } from "../../tools/lib/evidence-markdown";

/** The evidence of an empty state (no resources, no policies, no self-test) for `stack` with its config keys. */
const emptyEvidenceOf = (stack: string, stackKeys: Record<string, string> = {}) =>
    emptyEvidence(stack, { generatedAt: "2026-11-30T00:00:00.000Z", stackKeys, stackFile: `Pulumi.${stack}.yaml` });

describe("evidence statuses", () => {
    it("give a leaf the status of its controls", () => {
        expect(leafStatus(["pass", "pass"])).toBe("pass");
        expect(leafStatus(["pass", "fail"])).toBe("fail");
        expect(leafStatus(["pass", "not-assessed"])).toBe("partial");
        expect(leafStatus(["partial"])).toBe("partial");
        expect(leafStatus(["not-configured", "not-assessed"])).toBe("not-configured");
        expect(leafStatus(["not-assessed"])).toBe("not-assessed");
        // A landing zone's service: never a pass from this stack's plan or state.
        expect(leafStatus(["pass", "adopted"])).toBe("adopted");
        expect(leafStatus(["adopted", "partial"])).toBe("partial");
        expect(leafStatus(["adopted", "fail"])).toBe("fail");
    });

    it("never pass a control without resources of its own, and fill sections other tools add", () => {
        EVIDENCE_SECTIONS.push({
            title: "Access matrix",
            build: ({ stack }) => ({ stack, rows: 1 }),
            render: (json) => [`rows: ${(json as { rows: number }).rows}`],
        });
        try {
            const doc = emptyEvidenceOf("prod");
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

describe("a stack's own choices in the evidence", () => {
    const empty = (stackKeys: Record<string, string>) => emptyEvidenceOf("lz", stackKeys);

    it("reports the controls a landing zone's services carry as adopted, naming what the owner must provide", () => {
        const doc = empty({ accountServices: "adopt" });
        const adopted = doc.controls.filter((c) => c.status === "adopted").map((c) => c.id);
        expect(adopted.sort()).toEqual(
            [
                "CMP-ISO-ACCESS",
                "CMP-ISO-OPS",
                "CMP-SOC2-EVIDENCE",
                "CMP-SOC2-SECURITY",
                "DATA-CLS-DISCOVERY",
                "IPS-BEHAVIORAL",
                "PER-DDOS",
            ].sort(),
        );
        const gd = doc.controls.find((c) => c.id === "IPS-BEHAVIORAL")!;
        expect(gd.reason).toBe(
            "relies on Amazon GuardDuty, which the landing zone owns (accountServices adopt): this stack does not create the service itself (at most its own parts of it), so its plan or state cannot show the service is on; verified only by evidence collected from the account",
        );
        expect(gd.gap).toContain("EKS_AUDIT_LOGS and RUNTIME_MONITORING");
        expect(renderMarkdown(doc)).toContain("### IPS-BEHAVIORAL — ADOPTED (VERIFY IN THE ACCOUNT)");
        // The same stack creating them: nothing is adopted.
        expect(empty({}).controls.filter((c) => c.status === "adopted")).toEqual([]);
    });

    it("registers each segment off the guide's literal CIDR as a deviation, and none for the guide's", () => {
        const { applyRegister, deviationHash } =
            require("../../tools/lib/evidence-register") as typeof import("../../tools/lib/evidence-register");
        const text =
            "the agent segment is 10.20.1.0/24 (agentSegmentCidr), not the guide's literal 10.0.1.0/24; the pack checks every subnet, route, security group and network ACL against the stack's own plan, but not its overlap with the organisation's other networks";
        const doc = empty({ agentSegmentCidr: "10.20.1.0/24", serviceSegmentCidr: "10.0.2.0/24" });
        applyRegister(doc, [], "dev");
        expect(doc.deviations!.filter((d) => d.kind === "address-plan")).toEqual([
            {
                control: "NET-SEG-AGENT",
                kind: "address-plan",
                deviation: text,
                risk: "not assessed: the register (controls/deviations.yaml) has no acceptance for it",
                compensatingControls: [],
                owner: expect.any(String),
                expires: "not accepted",
                accepted: false,
                sha256: deviationHash(text),
            },
        ]);
        // Accepted in the organisation's register: its risk, compensating controls and expiry.
        const accepted = empty({ agentSegmentCidr: "10.20.1.0/24" });
        applyRegister(
            accepted,
            [
                {
                    control: "NET-SEG-AGENT",
                    kind: "address-plan",
                    risk: "none: 10.20.0.0/16 is reserved for this stack in the IPAM",
                    compensatingControls: ["network-subnet-in-segment"],
                    expires: "2099-12-31",
                    acceptedBy: "@example-org/network",
                    approvalRef: "NET-1234",
                    deviationSha256: deviationHash(text),
                },
            ],
            "dev",
        );
        expect(accepted.deviations!.find((d) => d.kind === "address-plan")).toMatchObject({
            accepted: true,
            expires: "2099-12-31",
        });
        const guide = empty({});
        applyRegister(guide, [], "dev");
        expect(guide.deviations!.filter((d) => d.kind === "address-plan")).toEqual([]);
    });
});
