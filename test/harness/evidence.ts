// The evidence of an empty state (no resources, no policies, no self-test): the base the evidence tests mark
// controls on.
import { buildEvidence, EvidenceDocument, Provenance } from "../../tools/lib/evidence-report";

export const TEST_PROVENANCE: Provenance = {
    gitCommit: "0".repeat(40),
    gitDirty: false,
    pack: { name: "multi-agent-security-policies", version: "0.1.0" },
    guideVersion: "1.0.0",
    sourceKind: "stack-export",
    placeholderIds: false,
    deployed: true,
    policyConfig: "policy-pack/config/prod.json",
};

/** The evidence of an empty state for `stack`, with the config keys and file given. */
export function emptyEvidence(
    stack = "prod",
    opts: Pick<Parameters<typeof buildEvidence>[0], "generatedAt" | "stackKeys" | "stackFile"> = {},
): EvidenceDocument {
    return buildEvidence({
        stack,
        source: "empty state",
        provenance: TEST_PROVENANCE,
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
        ...opts,
    });
}
