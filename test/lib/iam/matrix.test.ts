import { computeAccessMatrix, MatrixRow } from "../../../policy-pack/lib/iam";
import { dataAccessPolicies } from "../../../policy-pack/policies/data";
import { accessMatrix, noFullAdmin } from "../../../policy-pack/policies/identity";
import { validateStack } from "../../harness/policy";
import { ACCT, AUDIT_BUCKET, fixture, Fixture, resources, roleArn } from "./fixture";

const matrixOf = (f: Fixture) =>
    computeAccessMatrix(
        resources(f).map((r) => ({ ...r, name: r.name ?? "", urn: `urn:pulumi:test::test::${r.type}::${r.name}` })),
    );
/** "data action principal-id" → allowed, for the rows of real roles and the synthetic principals. */
const cells = (rows: MatrixRow[]) =>
    Object.fromEntries(rows.map((r) => [`${r.data} ${r.action} ${r.principal.split(" ")[0]}`, r.allowed]));
const messages = (policy: Parameters<typeof validateStack>[0], f: Fixture) =>
    validateStack(policy, resources(f)).map((v) => v.message);

describe("the access matrix of the stack's documents", () => {
    const m = matrixOf(fixture());
    it("allows exactly the guide's roles, with the guide's conditions required", () => {
        const c = cells(m.rows);
        expect(c).toMatchObject({
            "agent_data read system_admin": "yes",
            "agent_data read operator": "yes",
            "agent_data read agent": "no",
            "agent_data read monitoring_agent": "no",
            "agent_data read resource_manager": "no",
            "agent_data write system_admin": "yes",
            "agent_data write operator": "no",
            "metrics_data read agent": "yes",
            "metrics_data read monitoring_agent": "no",
            "metrics_data write monitoring_agent": "yes",
            "metrics_data write system_admin": "no",
            "metrics_data write agent": "no",
            "compute_resources allocate resource_manager": "yes",
            "compute_resources allocate operator": "no",
            "compute_resources allocate agent": "no",
            "compute_resources monitor operator": "yes",
            "compute_resources monitor resource_manager": "no",
            "compute_resources monitor agent": "no",
            "agent_data read any": "no",
            "agent_data read a": "no",
            "agent_data read anonymous": "no",
        });
        const write = m.rows.find(
            (r) => r.data === "agent_data" && r.action === "write" && r.principal.startsWith("system_admin"),
        );
        expect(write?.requiredConditions).toEqual(["aws:MultiFactorAuthPresent", "aws:SecureTransport"]);
        const metrics = m.rows.find((r) => r.data === "metrics_data" && r.action === "write" && r.allowed === "yes");
        expect(metrics?.requiredConditions).toEqual(["aws:SecureTransport", "s3:signatureversion"]);
        expect(m.rows.filter((r) => !r.ok)).toEqual([]);
        expect(m.privileged).toEqual([]);
        expect(m.external).toEqual([]);
    });
    it("evaluates the two agent roles once, as one group", () => {
        expect(m.rows.filter((r) => r.principal === "agent (2 roles)")).toHaveLength(9);
    });
    it("lets an agent report status only into its own metric namespace", () => {
        expect(
            m.rows.filter((r) => r.data === "agent_status").map((r) => [r.action, r.allowed, r.expected, r.ok]),
        ).toEqual([
            ["report status (own namespace)", "yes", "allow", true],
            ["report status (another agent's namespace)", "no", "deny", true],
            ["report status (outside the agents' namespaces)", "no", "deny", true],
        ]);
    });
    it("passes the data and identity policies", () => {
        expect(messages(dataAccessPolicies, fixture())).toEqual([]);
        expect(messages(accessMatrix, fixture())).toEqual([]);
        expect(messages(noFullAdmin, fixture())).toEqual([]);
    });
});

describe("documents unknown during a preview", () => {
    it("are neither passed nor failed: the cells they decide say they cannot be evaluated", () => {
        const rs = resources(fixture()).map((r) =>
            (r.type === "aws:iam/policy:Policy" && r.name === "operator") ||
            (r.type === "aws:kms/key:Key" && r.name === "sensitive")
                ? { ...r, props: { ...r.props, policy: undefined } }
                : r,
        );
        expect(validateStack(dataAccessPolicies, rs)).toEqual([]);
        expect(validateStack(noFullAdmin, rs)).toEqual([]);
        expect(validateStack(accessMatrix, rs)).toEqual([]);
        const m = computeAccessMatrix(rs.map((r) => ({ ...r, name: r.name ?? "", urn: `urn:${r.name}` })));
        const operatorRead = m.rows.find(
            (r) => r.data === "agent_data" && r.action === "read" && r.principal.startsWith("operator"),
        );
        expect(operatorRead).toMatchObject({
            expected: "either",
            ok: true,
            reason: expect.stringMatching(/^cannot evaluate: unknown or unreadable attachment/),
        });
        const metrics = m.rows.filter((r) => r.data === "metrics_data");
        expect(metrics.every((r) => r.reason === "cannot evaluate: unknown or unreadable policy of sensitive")).toBe(
            true,
        );
        expect(m.unevaluable.map((u) => u.role)).toEqual(["mas-dev-operator"]);
    });
});

describe("breaks of the effective behaviour", () => {
    it("an AWS-managed administrator policy on an agent role (ReadOnlyAccess is not enough to fail)", () => {
        const f = fixture();
        f.attachments.push({ role: "agent-a", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
        expect(messages(noFullAdmin, f)).toEqual([]);
        f.attachments.push({ role: "agent-a", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        const out = messages(noFullAdmin, f);
        expect(out).toContain(
            `[RBAC-AGENT-PERMS] agent mas-dev-agent-a can iam:AttachRolePolicy (attaching a policy to a role escalates privileges (system_admin: manage_security)) on ${roleArn("system-admin")} (allowed by AdministratorAccess:#0, boundary mas-dev-permissions-boundary:IamOwnRoles)`,
        );
        expect(
            out.some((m) =>
                m.includes(`s3:DeleteObject (audit logs are immutable evidence) on arn:aws:s3:::${AUDIT_BUCKET}/probe`),
            ),
        ).toBe(true);
    });
    it("an agent policy whose namespace condition any agent satisfies", () => {
        const f = fixture();
        const report = f.policies.agent.Statement.find((s) => s.Sid === "ReportOwnStatus") as { Condition: unknown };
        report.Condition = { StringLike: { "cloudwatch:namespace": "MAS/Agents/*" } };
        expect(messages(accessMatrix, f)).toEqual([
            expect.stringMatching(
                /^\[RBAC-AGENT-PERMS\] agent \(2 roles\): report status \(another agent's namespace\) agent_status is allowed, the guide says deny/,
            ),
        ]);
    });
    it("a topic policy that lets anyone publish, unless restricted to the account", () => {
        const topic = (Condition?: object) => ({
            type: "aws:sns/topicPolicy:TopicPolicy",
            name: "alerts",
            props: {
                arn: `arn:aws:sns:eu-west-1:${ACCT}:alerts`,
                policy: JSON.stringify({
                    Statement: [
                        {
                            Sid: "Publish",
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sns:Publish",
                            Resource: "*",
                            ...(Condition ? { Condition } : {}),
                        },
                    ],
                }),
            },
        });
        const run = (t: ReturnType<typeof topic>) =>
            validateStack(noFullAdmin, [...resources(fixture()), t]).map((v) => v.message);
        expect(run(topic())).toEqual([
            `[IAM-BOUNDARY] topic policy lets a role of another account (administrator there) sns:Publish on arn:aws:sns:eu-west-1:${ACCT}:alerts (topic policy alerts:Publish)`,
            `[IAM-BOUNDARY] topic policy lets anonymous caller sns:Publish on arn:aws:sns:eu-west-1:${ACCT}:alerts (topic policy alerts:Publish)`,
        ]);
        expect(run(topic({ StringEquals: { "aws:SourceAccount": ACCT } }))).toEqual([]);
    });
    it("a topic policy naming a role of another account, or everyone with a condition every caller meets", () => {
        const topic = (Principal: unknown, Condition?: object) => ({
            type: "aws:sns/topicPolicy:TopicPolicy",
            name: "alerts",
            props: {
                arn: `arn:aws:sns:eu-west-1:${ACCT}:alerts`,
                policy: JSON.stringify({
                    Statement: [
                        {
                            Sid: "Subscribe",
                            Effect: "Allow",
                            Principal,
                            Action: "sns:Subscribe",
                            Resource: "*",
                            ...(Condition ? { Condition } : {}),
                        },
                    ],
                }),
            },
        });
        const run = (t: ReturnType<typeof topic>) =>
            validateStack(noFullAdmin, [...resources(fixture()), t]).map((v) => v.message);
        // The named role, not the generic outsider, is who gets in.
        expect(run(topic({ AWS: "arn:aws:iam::111122223333:role/partner" }))).toEqual([
            `[IAM-BOUNDARY] topic policy lets arn:aws:iam::111122223333:role/partner (another account) sns:Subscribe on arn:aws:sns:eu-west-1:${ACCT}:alerts (topic policy alerts:Subscribe)`,
        ]);
        expect(run(topic({ AWS: "111122223333" }))).toEqual([
            `[IAM-BOUNDARY] topic policy lets arn:aws:iam::111122223333:role/outsider (another account) sns:Subscribe on arn:aws:sns:eu-west-1:${ACCT}:alerts (topic policy alerts names the account 111122223333)`,
        ]);
        // Every request carries aws:CurrentTime and (authenticated) aws:userid: neither keeps anyone out.
        expect(run(topic({ AWS: "*" }, { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }))).toEqual([
            `[IAM-BOUNDARY] topic policy lets a role of another account (administrator there) sns:Subscribe on arn:aws:sns:eu-west-1:${ACCT}:alerts (topic policy alerts:Subscribe)`,
            `[IAM-BOUNDARY] topic policy lets anonymous caller sns:Subscribe on arn:aws:sns:eu-west-1:${ACCT}:alerts (topic policy alerts:Subscribe)`,
        ]);
        // The own account and its roles are not outsiders.
        expect(run(topic({ AWS: [`arn:aws:iam::${ACCT}:root`, roleArn("operator")] }))).toEqual([]);
    });
    it("escalation paths: assuming system_admin, passing any role, creating key grants", () => {
        const f = fixture();
        f.policies.operator.Statement.push({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" });
        f.policies["resource-manager"].Statement.push({
            Effect: "Allow",
            Action: ["iam:PassRole", "lambda:CreateFunction"],
            Resource: "*",
        });
        f.policies["monitoring-agent"].Statement.push({ Effect: "Allow", Action: "kms:CreateGrant", Resource: "*" });
        const got = messages(noFullAdmin, f);
        expect(got).toEqual(
            expect.arrayContaining([
                expect.stringMatching(
                    /^\[RBAC-OPERATOR-NO-SECURITY\] operator mas-dev-operator can sts:AssumeRole .* on arn:aws:iam::123456789012:role\/mas-dev-system-admin /,
                ),
                expect.stringMatching(
                    /^\[IAM-BOUNDARY\] resource_manager mas-dev-resource-manager can iam:PassRole .* on arn:aws:iam::123456789012:role\/probe /,
                ),
                expect.stringMatching(
                    /^\[IAM-BOUNDARY\] monitoring_agent mas-dev-monitoring-agent can kms:CreateGrant .* on arn:aws:kms:eu-west-1:123456789012:key\//,
                ),
            ]),
        );
        expect(messages(noFullAdmin, fixture())).toEqual([]);
    });
    it("an AWS-managed attachment the model cannot expand", () => {
        const f = fixture();
        f.attachments.push({
            role: "operator",
            policyArn: "arn:aws:iam::aws:policy/service-role/NotARealManagedPolicy",
        });
        expect(messages(noFullAdmin, f)).toEqual([
            "[IAM-BOUNDARY] role mas-dev-operator attaches arn:aws:iam::aws:policy/service-role/NotARealManagedPolicy, which the IAM model cannot expand and the catalog does not allow-list",
        ]);
    });
    it("a service wildcard (kms:*) on the monitoring agent", () => {
        const f = fixture();
        f.policies["monitoring-agent"].Statement.push({ Effect: "Allow", Action: "kms:*", Resource: "*" });
        expect(messages(noFullAdmin, f)).toEqual([
            expect.stringMatching(
                /^\[IAM-BOUNDARY\] monitoring_agent mas-dev-monitoring-agent can kms:ScheduleKeyDeletion .* on arn:aws:kms:eu-west-1:123456789012:key\/critical /,
            ),
            expect.stringMatching(
                /^\[IAM-BOUNDARY\] monitoring_agent mas-dev-monitoring-agent can kms:PutKeyPolicy .* on arn:aws:kms:eu-west-1:123456789012:key\/critical /,
            ),
            expect.stringMatching(
                /^\[IAM-BOUNDARY\] monitoring_agent mas-dev-monitoring-agent can kms:CreateGrant .* on arn:aws:kms:eu-west-1:123456789012:key\/critical /,
            ),
        ]);
    });
    it("a NotAction allow on the resource manager reaches the data stores' policies", () => {
        const f = fixture();
        f.policies["resource-manager"].Statement.push({
            Effect: "Allow",
            NotAction: ["iam:*", "kms:*"],
            Resource: "*",
        });
        const out = messages(noFullAdmin, f);
        expect(out.some((m) => m.includes("can s3:PutBucketPolicy"))).toBe(true);
        expect(messages(accessMatrix, f)).toEqual([
            expect.stringMatching(
                /^\[ACC-RES-MONITOR\] resource_manager mas-dev-resource-manager: monitor compute_resources is allowed, the guide says deny/,
            ),
        ]);
    });
    it("a boundary that allows every action no longer limits anything", () => {
        const f = fixture();
        f.boundary.Statement.push({ Effect: "Allow", Action: "*", Resource: "*" });
        expect(messages(noFullAdmin, f)).toEqual([
            expect.stringMatching(
                /^\[IAM-BOUNDARY\] the permissions boundary mas-dev-permissions-boundary lets dynamodb:DeleteTable through/,
            ),
        ]);
    });
    it("a deny whose exemption matches every principal (agent_data reads)", () => {
        const f = fixture();
        const read = f.bucketPolicies.agent.Statement.find((s) => s.Sid === "AgentDataRead") as {
            Condition: { ArnNotLike: Record<string, string[]> };
        };
        read.Condition.ArnNotLike["aws:PrincipalArn"].push(`arn:aws:iam::${ACCT}:role/*`);
        expect(messages(dataAccessPolicies, f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-AGENT-READ\] any other role of the account \(administrator, no boundary\): read agent_data is allowed, the guide says deny/,
            ),
        ]);
    });
    it("agent_data writes without the MFA requirement", () => {
        const f = fixture();
        f.bucketPolicies.agent.Statement = f.bucketPolicies.agent.Statement.filter(
            (s) => s.Sid !== "AgentDataWriteRequiresMfa",
        );
        // system_admin's own policy still asks MFA for its grant; a grant without it is the break.
        const admin = f.policies["system-admin"].Statement.find((s) => s.Sid === "WriteAgentData") as {
            Condition?: unknown;
        };
        delete admin.Condition;
        expect(messages(dataAccessPolicies, f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-AGENT-WRITE\] system_admin mas-dev-system-admin: write agent_data is allowed, the guide says allow \(requires aws:SecureTransport\) \(.*not required: mfa_verified\)$/,
            ),
        ]);
    });
    it("metrics_data writes by an agent through a widened exemption and identity grant", () => {
        const f = fixture();
        const write = f.bucketPolicies.metrics.Statement.find((s) => s.Sid === "MetricsDataWrite") as {
            Condition: { ArnNotLike: Record<string, string[]> };
        };
        write.Condition.ArnNotLike["aws:PrincipalArn"].push(roleArn("agent-*"));
        f.policies.agent.Statement.push({
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::mas-dev-metrics-data-*/*",
        });
        f.keyPolicies.sensitive.Statement.push({
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
            Action: "kms:GenerateDataKey",
            Resource: "*",
        });
        f.policies.agent.Statement.push({ Effect: "Allow", Action: "kms:GenerateDataKey", Resource: "*" });
        expect(messages(dataAccessPolicies, f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-METRICS-WRITE\] agent \(2 roles\): write metrics_data is allowed, the guide says deny/,
            ),
        ]);
    });
    it("the operator losing read access to agent_data through the key policy", () => {
        const f = fixture();
        const read = f.keyPolicies.critical.Statement.find((s) => s.Sid === "AgentDataReadViaS3") as {
            Condition: { ArnLike: Record<string, string[]> };
        };
        read.Condition.ArnLike["aws:PrincipalArn"] = [roleArn("system-admin")];
        expect(messages(dataAccessPolicies, f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-AGENT-READ\] operator mas-dev-operator: read agent_data is denied, the guide says allow/,
            ),
        ]);
    });
});
