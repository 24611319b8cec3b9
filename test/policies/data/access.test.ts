// policy-pack/policies/data/access.ts

import { dataAccessPolicies } from "../../../policy-pack/policies/data";
import { validateStack } from "../../harness/policy";
import { fixture as iamFixture, Fixture, resources as iamResources } from "../../lib/iam/fixture";
import { messages } from "./fixtures";

describe("data-access-bucket-policies (ACC-DATA-AGENT-READ, ACC-DATA-AGENT-WRITE, ACC-DATA-METRICS-READ, ACC-DATA-METRICS-WRITE)", () => {
    // Simulated requests over the stack's documents (test/lib/iam/fixture.ts); more breaks in test/lib/iam.
    const run = (f: Fixture) => messages(validateStack(dataAccessPolicies, iamResources(f)));
    it("passes the stack's roles, bucket and key policies", () => {
        expect(run(iamFixture())).toEqual([]);
    });
    it("fails a missing data store", () => {
        const rs = iamResources(iamFixture()).filter(
            (r) => !(r.type === "aws:s3/bucket:Bucket" && r.name?.includes("metrics-data")),
        );
        expect(messages(validateStack(dataAccessPolicies, rs))).toEqual([
            "[ACC-DATA-METRICS-READ] no bucket is tagged data-store=metrics_data",
        ]);
    });
    it("fails agent_data reads open to other principals (the read deny removed)", () => {
        const f = iamFixture();
        f.bucketPolicies.agent.Statement = f.bucketPolicies.agent.Statement.filter((s) => s.Sid !== "AgentDataRead");
        expect(run(f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-AGENT-READ\] any other role of the account \(administrator, no boundary\): read agent_data is allowed, the guide says deny/,
            ),
        ]);
    });
    it("fails metrics_data writes without SigV4 (the SigV4 deny removed)", () => {
        const f = iamFixture();
        f.bucketPolicies.metrics.Statement = f.bucketPolicies.metrics.Statement.filter(
            (s) => s.Sid !== "MetricsDataWriteRequiresSigV4",
        );
        expect(run(f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-METRICS-WRITE\] monitoring_agent mas-dev-monitoring-agent: write metrics_data is allowed, the guide says allow \(requires aws:SecureTransport\) \(.*not required: signature_verified\)$/,
            ),
        ]);
    });
});
