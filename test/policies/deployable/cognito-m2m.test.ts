// policy-pack/policies/deployable/cognito-m2m.ts: a client_credentials client handed to workloads needs the domain.
import { m2mClientReachable } from "../../../policy-pack/policies/deployable/cognito-m2m";
import { StackResourceCase, validateStack } from "../../harness/policy";

const CLIENT_ID = "4k1l2m3n4o5p6q7r8s9t0u1v2w";
const base = (targets: string[]): StackResourceCase[] => [
    { type: "pulumi:providers:aws", name: "default", props: { region: "eu-west-1" } },
    { type: "aws:cognito/userPoolDomain:UserPoolDomain", name: "d", props: { domain: "mas-prod-auth-210987654321" } },
    {
        type: "aws:cognito/userPoolClient:UserPoolClient",
        name: "service",
        props: { id: CLIENT_ID, allowedOauthFlows: ["client_credentials"] },
    },
    {
        type: "aws:cognito/userPoolClient:UserPoolClient",
        name: "human",
        props: { id: "human", allowedOauthFlows: ["code"] },
    },
    {
        type: "aws:networkfirewall/ruleGroup:RuleGroup",
        name: "egress",
        props: { ruleGroup: { rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targets } } } },
    },
    {
        type: "aws:networkfirewall/ruleGroup:RuleGroup",
        name: "deploy",
        props: {
            tags: { role: "deploy-runner" },
            ruleGroup: { rulesSource: { rulesSourceList: { targets: [".amazoncognito.com"] } } },
        },
    },
];
const handed = (encoded: boolean): StackResourceCase => ({
    type: "kubernetes:core/v1:Secret",
    name: "creds",
    props: {
        metadata: { name: "m2m", namespace: "agent-planner" },
        data: { clientId: encoded ? Buffer.from(CLIENT_ID).toString("base64") : CLIENT_ID },
    },
});
const run = (rs: StackResourceCase[]) => validateStack(m2mClientReachable, rs).map((v) => v.message);
const FAIL =
    "[AUTH-TOKEN] client_credentials client service is handed to workloads in the cluster (agent-planner/m2m) but the firewall's workload allow-list does not admit the user pool's domain (mas-prod-auth-210987654321.auth.eu-west-1.amazoncognito.com): Cognito serves tokens only there, not through PrivateLink, so every token request is dropped";

describe("auth-m2m-client-reachable (AUTH-TOKEN)", () => {
    it("passes the stack: the client is for outside callers (no workload is handed it)", () => {
        expect(run(base(["quay.io"]))).toEqual([]);
    });
    it("fails a workload handed the client (base64 Secret data) without the pool's domain on the workload allow-list", () => {
        // The deploy runner's allow-list does not count: workloads' flows are not its flows.
        expect(run([...base(["quay.io"]), handed(true)])).toEqual([FAIL]);
        expect(run([...base(["quay.io"]), handed(false)])).toEqual([FAIL]);
    });
    it("passes a workload handed the client when the pool's domain is allowed (exactly or by suffix)", () => {
        expect(run([...base(["mas-prod-auth-210987654321.auth.eu-west-1.amazoncognito.com"]), handed(true)])).toEqual(
            [],
        );
        expect(run([...base([".auth.eu-west-1.amazoncognito.com"]), handed(true)])).toEqual([]);
    });
});
