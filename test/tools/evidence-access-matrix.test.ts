import { accessMatrixEvidence, renderAccessMatrix } from "../../tools/lib/evidence-access-matrix";
import { StateResource } from "../../tools/lib/state";
import { stateResource } from "../harness/state";
import { fixture, resources } from "../lib/iam/fixture";

// The evidence prints the access matrix the pack simulates (who may do what on which data).
const state = (f = fixture()): StateResource[] =>
    resources(f).map((r) => stateResource(`urn:pulumi:dev::mas::${r.type}::${r.name}`, { outputs: r.props }));

describe("evidence access matrix", () => {
    it("lists each data set's cells per principal with the simulated verdict and required conditions", () => {
        const m = accessMatrixEvidence(state());
        expect(
            m.rows.find(
                (r) => r.data === "agent_data" && r.action === "write" && r.principal.startsWith("system_admin"),
            ),
        ).toEqual({
            data: "agent_data",
            action: "write",
            principal: "system_admin mas-dev-system-admin",
            roles: 1,
            allowed: "yes",
            requiredConditions: ["aws:MultiFactorAuthPresent", "aws:SecureTransport"],
            expected: "allow",
            ok: true,
        });
        const md = renderAccessMatrix(m);
        expect(md).toContain("## Access matrix (simulated)");
        expect(md).toContain("### metrics_data");
        expect(md).toContain(
            "| write | monitoring_agent mas-dev-monitoring-agent | yes | aws:SecureTransport, s3:signatureversion | allow | ok |",
        );
        expect(md).toContain("| read | anonymous caller | no | — | deny | ok |");
        expect(md).toContain("Privileged requests a role can make beyond its guide permissions: none");
    });
    it("marks a violating cell", () => {
        const f = fixture();
        // The S3 grant alone is not enough: the key's use goes through the account-root delegation to IAM.
        f.policies.operator.Statement.push({
            Effect: "Allow",
            Action: ["s3:PutObject", "kms:GenerateDataKey"],
            Resource: "*",
        });
        f.bucketPolicies.agent.Statement = f.bucketPolicies.agent.Statement.filter((s) => s.Sid !== "AgentDataWrite");
        const md = renderAccessMatrix(accessMatrixEvidence(state(f)));
        expect(md).toContain(
            "| write | operator mas-dev-operator | yes | aws:MultiFactorAuthPresent, aws:SecureTransport | deny | **VIOLATION** |",
        );
    });
});
