import { emptyEvidence } from "../harness/evidence";
// The deviation register binds an acceptance to the deviation text it accepted (sha256): when the evidence's text
// changes, the acceptance is stale and accepts nothing.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EvidenceDocument } from "../../tools/lib/evidence-report";
import { Acceptance, applyRegister, deviationHash, readAcceptances } from "../../tools/lib/evidence-register";

function doc(): EvidenceDocument {
    const d = emptyEvidence("prod");
    d.generatedAt = "2026-12-01T00:00:00.000Z";
    Object.assign(
        d.controls.find((c) => c.id === "CERT-LETSENCRYPT")!,
        {
            status: "not-configured",
            reason: "no domain in the stack config",
            gap: "no public domain: no ACME issuer",
        },
    );
    return d;
}

const GAP = "no public domain: no ACME issuer";
const accepted = (sha: string): Acceptance => ({
    control: "CERT-LETSENCRYPT",
    kind: "not-configured",
    risk: "internal-only endpoints until the domain is delegated",
    compensatingControls: ["ACM private CA"],
    expires: "2027-01-31",
    acceptedBy: "ciso@example.org",
    approvalRef: "https://github.com/example-org/multi-agent-security/pull/41",
    deviationSha256: sha,
});

describe("deviation register acceptances", () => {
    it("an acceptance of this deviation text holds; the register shows the text's sha256", () => {
        const d = doc();
        const { stale, changed } = applyRegister(d, [accepted(deviationHash(GAP))], "prod");
        expect([stale, changed]).toEqual([[], []]);
        expect(deviationHash(GAP)).toBe(createHash("sha256").update(GAP).digest("hex"));
        expect(d.deviations!.find((x) => x.control === "CERT-LETSENCRYPT")).toEqual({
            control: "CERT-LETSENCRYPT",
            kind: "not-configured",
            deviation: GAP,
            risk: "internal-only endpoints until the domain is delegated",
            compensatingControls: ["ACM private CA"],
            owner: expect.any(String),
            expires: "2027-01-31",
            accepted: true,
            sha256: deviationHash(GAP),
        });
        const c = d.controls.find((x) => x.id === "CERT-LETSENCRYPT")!;
        expect(c.status).toBe("not-configured");
        expect(c.reason).toMatch(/^not built for this stack's config; accepted deviation until 2027-01-31/);
    });

    it("once the deviation text changes the acceptance is stale and the prod control fails again", () => {
        const d = doc();
        const c = d.controls.find((x) => x.id === "CERT-LETSENCRYPT")!;
        c.gap = "no public domain: no ACME issuer, and the private CA is off";
        const a = accepted(deviationHash(GAP));
        const { stale, changed } = applyRegister(d, [a], "prod");
        expect([stale, changed]).toEqual([[], [a]]);
        expect(d.deviations!.find((x) => x.control === "CERT-LETSENCRYPT")).toMatchObject({
            accepted: false,
            expires: `stale: accepted (https://github.com/example-org/multi-agent-security/pull/41) for another deviation text (sha256 ${deviationHash(GAP).slice(0, 12)}…), not accepted`,
            sha256: deviationHash(c.gap),
        });
        expect([c.status, c.reason]).toEqual([
            "fail",
            expect.stringMatching(
                /^the guide requires it in a prod-profile stack and its acceptance is stale: the deviation text changed since the risk owner accepted it/,
            ),
        ]);
    });

    it("an accepted entry must record the sha256 of the text it accepts (exit 2)", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "issue-23b-register-")), "deviations.yaml");
        const entry =
            "accepted:\n  - {control: CERT-LETSENCRYPT, kind: not-configured, risk: r, compensatingControls: [x], expires: 2027-01-31, acceptedBy: ciso@example.org, approvalRef: PR-41";
        fs.writeFileSync(file, `${entry}}\n`);
        expect(() => readAcceptances(file)).toThrow("accepted[0].deviationSha256 must be a non-empty string");
        fs.writeFileSync(file, `${entry}, deviationSha256: abc}\n`);
        expect(() => readAcceptances(file)).toThrow(
            "accepted[0].deviationSha256 must be the sha256 (64 hex digits) of the deviation text it accepts (evidence.json deviations[].sha256)",
        );
        fs.writeFileSync(file, `${entry}, deviationSha256: ${deviationHash(GAP)}}\n`);
        expect(readAcceptances(file)[0].deviationSha256).toBe(deviationHash(GAP));
    });

    it("an accepted entry is accepted by a person, and expires on a date that exists (exit 2 naming the entry)", () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "issue-23c-register-")), "deviations.yaml");
        const entry = (by: string, expires: string) =>
            `accepted:\n  - {control: CERT-LETSENCRYPT, kind: not-configured, risk: r, compensatingControls: [x], expires: '${expires}', acceptedBy: '${by}', approvalRef: PR-41, deviationSha256: ${deviationHash(GAP)}}\n`;
        fs.writeFileSync(file, entry("@example-org/security-team", "2027-01-31"));
        expect(() => readAcceptances(file)).toThrow(
            `${file}: accepted[0] (CERT-LETSENCRYPT).acceptedBy '@example-org/security-team' is not a person (@user or an e-mail address; a team handle accepts no risk)`,
        );
        fs.writeFileSync(file, entry("@jdoe", "2027-02-30"));
        expect(() => readAcceptances(file)).toThrow(
            `${file}: accepted[0] (CERT-LETSENCRYPT).expires '2027-02-30' is not an ISO date (YYYY-MM-DD)`,
        );
        fs.writeFileSync(file, entry("@jdoe", "next year"));
        expect(() => readAcceptances(file)).toThrow(
            "accepted[0] (CERT-LETSENCRYPT).expires 'next year' is not an ISO date",
        );
        fs.writeFileSync(file, entry("@jdoe", "2027-01-31"));
        expect(readAcceptances(file)[0].acceptedBy).toBe("@jdoe");
    });
});

describe("substitutions in the register", () => {
    const KMS = "KMS-KEY-MGMT";
    const passing = () => {
        const d = doc();
        Object.assign(
            d.controls.find((c) => c.id === KMS)!,
            { status: "pass", reason: "proven" },
        );
        return d;
    };

    it("a control that passes by a substitution only proposed (not accepted) is partial, not a failure", () => {
        const d = passing();
        applyRegister(
            d,
            [
                {
                    control: KMS,
                    kind: "substitution",
                    risk: "AWS KMS in place of Vault",
                    compensatingControls: ["deletion window"],
                    expires: "2027-06-30",
                    proposed: true,
                },
            ],
            "prod",
        );
        const c = d.controls.find((x) => x.id === KMS)!;
        expect([c.status, c.reason]).toEqual([
            "partial",
            `relies on a substitution the deviation register does not accept (proposed (until 2027-06-30), not accepted): ${c.substitution} (before: pass — proven)`,
        ]);
    });

    it("an accepted substitution keeps the pass", () => {
        const d = passing();
        const text = d.controls.find((x) => x.id === KMS)!.substitution!;
        applyRegister(
            d,
            [
                {
                    control: KMS,
                    kind: "substitution",
                    risk: "AWS KMS in place of Vault",
                    compensatingControls: ["deletion window"],
                    expires: "2027-06-30",
                    acceptedBy: "ciso@example.org",
                    approvalRef: "PR-7",
                    deviationSha256: deviationHash(text),
                },
            ],
            "prod",
        );
        expect(d.controls.find((x) => x.id === KMS)!.status).toBe("pass");
    });

    it("keeps the substitution's entry when its control fails", () => {
        const d = doc();
        Object.assign(
            d.controls.find((c) => c.id === KMS)!,
            { status: "fail", reason: "violation" },
        );
        applyRegister(d, [], "prod");
        expect(d.deviations!.filter((x) => x.control === KMS).map((x) => x.kind)).toEqual(["substitution"]);
    });
});
