import { iamWriteAllowList } from "../../../policy-pack/policies/identity";
import { StackResourceCase, validateStack } from "../../harness/policy";
import { ACCT, AGENT_BUCKET, AUDIT_BUCKET, fixture, Fixture, REGION, resources, roleArn } from "./fixture";

const KEY = (id: string) => `arn:aws:kms:${REGION}:${ACCT}:key/${id}`;
const run = (rs: StackResourceCase[]) => validateStack(iamWriteAllowList, rs).map((v) => v.message);
const withPolicy = (f: Fixture, name: string, ...statements: Record<string, unknown>[]) => {
    f.policies[name].Statement.push(...statements);
    return f;
};
const role = (name: string, props: Record<string, unknown>): StackResourceCase => ({
    type: "aws:iam/role:Role",
    name,
    props: { name: `mas-dev-${name}`, arn: roleArn(name), ...props },
});
const trust = (statement: Record<string, unknown>) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", ...statement }] });
/** The one message about a principal and a target (the test fails if there is none or several). */
const about = (out: string[], principal: string, target: string) => {
    const hits = out.filter((m) => m.includes(` ${principal}`) && m.includes(` on ${target}`));
    expect(hits).toHaveLength(1);
    return hits[0];
};

describe("identity-iam-write-allow-list: compliant plans pass", () => {
    it("the stack's own documents", () => {
        expect(run(resources(fixture()))).toEqual([]);
    });
    it("stricter: the operator denies all of S3 on top of its own denies", () => {
        const f = withPolicy(fixture(), "operator", { Effect: "Deny", Action: "s3:*", Resource: "*" });
        expect(run(resources(f))).toEqual([]);
    });
    it("one more agent built like the others", () => {
        const f = fixture();
        f.attachments.push({ role: "agent-c", policyArn: `arn:aws:iam::${ACCT}:policy/mas-dev-agent` });
        const rs = resources(f);
        rs.push(role("agent-c", { tags: { "rbac-role": "agent" }, permissionsBoundary: rs[0].props.arn }));
        expect(run(rs)).toEqual([]);
    });
    it("an extra deny statement in a key policy and extra tags on roles and keys", () => {
        const f = fixture();
        f.keyPolicies.critical.Statement.push({
            Sid: "DenyOutsideTheOrganization",
            Effect: "Deny",
            Principal: "*",
            Action: "kms:*",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-abc123" } },
        });
        const rs = resources(f).map((r) =>
            r.type === "aws:iam/role:Role" || r.type === "aws:kms/key:Key"
                ? { ...r, props: { ...r.props, tags: { ...((r.props.tags as object) ?? {}), "cost-center": "mas" } } }
                : r,
        );
        expect(run(rs)).toEqual([]);
    });
    it("a role another account may assume only with its ExternalId, or only with MFA", () => {
        const rs = resources(fixture());
        rs.push(
            role("partner-a", {
                assumeRolePolicy: trust({
                    Principal: { AWS: "arn:aws:iam::111122223333:root" },
                    Condition: { StringEquals: { "sts:ExternalId": "mas-partner-7f3a" } },
                }),
            }),
            role("partner-b", {
                assumeRolePolicy: trust({
                    Principal: { AWS: "arn:aws:iam::111122223333:root" },
                    Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
                }),
            }),
        );
        expect(run(rs)).toEqual([]);
    });
});

describe("identity-iam-write-allow-list: escalation as a class", () => {
    it("the operator may rewrite another role's trust policy", () => {
        const f = withPolicy(fixture(), "operator", {
            Effect: "Allow",
            Action: "iam:UpdateAssumeRolePolicy",
            Resource: `arn:aws:iam::${ACCT}:role/*`,
        });
        // The operator's own policy denies iam:*: the break is only a break without it.
        f.policies.operator.Statement = f.policies.operator.Statement.filter((s) => s.Effect !== "Deny");
        const out = run(resources(f));
        expect(about(out, "operator mas-dev-operator", roleArn("system-admin"))).toMatch(
            /^\[RBAC-OPERATOR-NO-SECURITY\] operator mas-dev-operator can iam:UpdateAssumeRolePolicy on arn:aws:iam::123456789012:role\/mas-dev-system-admin \(privilege escalation\)/,
        );
        // The boundary keeps IAM changes to the stack's own roles: roles outside it are safe.
        expect(out.filter((m) => m.includes("any other role of the account"))).toEqual([]);
    });
    it("an agent may send commands to the cluster's nodes", () => {
        const f = withPolicy(fixture(), "agent", { Effect: "Allow", Action: "ssm:SendCommand", Resource: "*" });
        expect(about(run(resources(f)), "agent (2 roles)", "the nodes of cluster mas-dev-eks")).toMatch(
            /^\[RBAC-AGENT-PERMS\] agent \(2 roles\) can ssm:SendCommand on the nodes of cluster mas-dev-eks \(privilege escalation\)/,
        );
    });
    it("the resource manager may pass any role of the account to a service", () => {
        const f = withPolicy(fixture(), "resource-manager", { Effect: "Allow", Action: "iam:PassRole", Resource: "*" });
        expect(about(run(resources(f)), "resource_manager mas-dev-resource-manager", "any other role")).toContain(
            "[ACC-RES-ALLOCATE] resource_manager mas-dev-resource-manager can iam:PassRole on any other role of the account (privilege escalation)",
        );
    });
    it("the monitoring agent may add an EKS access entry and associate an access policy", () => {
        const f = withPolicy(fixture(), "monitoring-agent", {
            Effect: "Allow",
            Action: "eks:CreateAccessEntry",
            Resource: `arn:aws:eks:${REGION}:${ACCT}:cluster/mas-dev-eks`,
        });
        const m = about(run(resources(f)), "monitoring_agent", `arn:aws:eks:${REGION}:${ACCT}:cluster/mas-dev-eks`);
        expect(m).toContain("can eks:CreateAccessEntry on");
        expect(m).toContain("(privilege escalation)");
    });
    it("an agent may schedule its signing keys' deletion (key policy delegates to the account)", () => {
        const f = withPolicy(fixture(), "agent", { Effect: "Allow", Action: "kms:ScheduleKeyDeletion", Resource: "*" });
        const out = run(resources(f));
        expect(about(out, "agent (2 roles)", KEY("critical"))).toContain("can kms:ScheduleKeyDeletion on");
        expect(about(out, "agent (2 roles)", KEY("sensitive"))).toContain("can kms:ScheduleKeyDeletion on");
    });
    it("the system admin may replace the audit bucket's policy (the data stores' denies stop its object writes)", () => {
        const f = withPolicy(fixture(), "system-admin", {
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:PutBucketPolicy"],
            Resource: ["arn:aws:s3:::mas-dev-metrics-data-*/*", `arn:aws:s3:::${AUDIT_BUCKET}`],
        });
        expect(run(resources(f))).toEqual([
            expect.stringMatching(
                /^\[RBAC-ADMIN-PERMS\] system_admin mas-dev-system-admin can s3:PutBucketPolicy on arn:aws:s3:::mas-logging-audit-1 \(privilege escalation\), which the guide does not grant it/,
            ),
        ]);
    });
});

describe("identity-iam-write-allow-list: service roles", () => {
    /** A Firehose delivery role writing one bucket, and a system-log bucket beside the fixture's. */
    const firehose = (bucket: string) => [
        ...resources(fixture()),
        {
            type: "aws:s3/bucket:Bucket",
            name: "system-logs",
            props: {
                bucket: "mas-logging-system-1",
                arn: "arn:aws:s3:::mas-logging-system-1",
                tags: { "log-source": "system" },
            },
        },
        role("log-firehose", { assumeRolePolicy: trust({ Principal: { Service: "firehose.amazonaws.com" } }) }),
        {
            type: "aws:iam/rolePolicy:RolePolicy",
            name: "log-firehose-write",
            props: {
                role: "mas-dev-log-firehose",
                policy: JSON.stringify({
                    Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }],
                }),
            },
        },
    ];
    it("a delivery role writing the system-log bucket it delivers to passes", () => {
        expect(run(firehose("mas-logging-system-1"))).toEqual([]);
    });
    it("the same role writing the audit bucket fails (not a bucket its job writes)", () => {
        expect(run(firehose(AUDIT_BUCKET))).toEqual([
            expect.stringMatching(
                /^\[IAM-BOUNDARY\] service role mas-dev-log-firehose can s3:PutObject on arn:aws:s3:::mas-logging-audit-1, which the guide does not grant it \(allowed by log-firehose-write:#0\)$/,
            ),
        ]);
    });
});

describe("identity-iam-write-allow-list: principals outside the plan", () => {
    it("an account named only in a condition (aws:PrincipalAccount)", () => {
        const f = fixture();
        f.bucketPolicies.agent.Statement.push({
            Sid: "PartnerUpload",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: `arn:aws:s3:::${AGENT_BUCKET}/*`,
            Condition: { StringEquals: { "aws:PrincipalAccount": "444455556666" } },
        });
        // The bucket's own denies (AgentDataWrite) stop everyone but the system admin.
        f.bucketPolicies.agent.Statement = f.bucketPolicies.agent.Statement.filter((s) => s.Effect === "Allow");
        expect(
            about(run(resources(f)), "arn:aws:iam::444455556666:role/outsider", `arn:aws:s3:::${AGENT_BUCKET}`),
        ).toMatch(/^\[IAM-BOUNDARY\] arn:aws:iam::444455556666:role\/outsider \(another account\) can s3:PutObject on/);
    });
    it("an account named by a wildcard pattern and by kms:CallerAccount", () => {
        const f = fixture();
        f.keyPolicies.sensitive.Statement.push(
            {
                Sid: "PartnerRoles",
                Effect: "Allow",
                Principal: "*",
                Action: "kms:Decrypt",
                Resource: "*",
                Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/partner-reader" } },
            },
            {
                Sid: "PartnerAccount",
                Effect: "Allow",
                Principal: "*",
                Action: "kms:Encrypt",
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": "777788889999" } },
            },
        );
        const out = run(resources(f));
        expect(about(out, "arn:aws:iam::888888888888:role/partner-reader", KEY("sensitive"))).toContain(
            "can kms:Decrypt on",
        );
        expect(about(out, "arn:aws:iam::777788889999:role/outsider", KEY("sensitive"))).toContain("can kms:Encrypt on");
    });
    it("a caller-supplied condition key is any value (kms:GranteePrincipal)", () => {
        const f = fixture();
        f.keyPolicies.critical.Statement.push({
            Sid: "GrantsToTheAdmin",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: {
                StringEquals: { "kms:CallerAccount": ACCT, "kms:GranteePrincipal": roleArn("system-admin") },
            },
        });
        expect(about(run(resources(f)), "any other role of the account", KEY("critical"))).toMatch(
            /^\[IAM-BOUNDARY\] any other role of the account can kms:CreateGrant on .* \(privilege escalation\)/,
        );
    });
    it("a trust policy letting another account assume a role without ExternalId or MFA", () => {
        const rs = resources(fixture());
        rs.push(role("partner", { assumeRolePolicy: trust({ Principal: { AWS: "111122223333" } }) }));
        expect(about(run(rs), "arn:aws:iam::111122223333:role/outsider", roleArn("partner"))).toContain(
            "can sts:AssumeRole on",
        );
    });
    it("a standalone KMS grant to another account's role", () => {
        const rs = resources(fixture());
        rs.push({
            type: "aws:kms/grant:Grant",
            name: "partner-grant",
            props: {
                keyId: KEY("critical"),
                granteePrincipal: "arn:aws:iam::222233334444:role/reader",
                operations: ["Decrypt", "GenerateDataKey"],
            },
        });
        expect(about(run(rs), "arn:aws:iam::222233334444:role/reader", KEY("critical"))).toContain(
            "can kms:Decrypt, kms:GenerateDataKey on",
        );
        // The same plan but the grant's grantee, a reader of agent_data: only the grant's properties differ.
        const grant = rs[rs.length - 1];
        grant.props = { ...grant.props, granteePrincipal: roleArn("system-admin"), operations: ["Decrypt"] };
        expect(run(rs)).toEqual([]);
    });
    it("grant-like resources: repository, log destination and secret policies naming another account", () => {
        const repo = `arn:aws:ecr:${REGION}:${ACCT}:repository/mas-dev/agent`;
        const dest = `arn:aws:logs:${REGION}:${ACCT}:destination:mas-dev-central`;
        const secret = `arn:aws:secretsmanager:${REGION}:${ACCT}:secret:mas-dev/api-abc123`;
        const partner = (Action: string, Resource: string) =>
            JSON.stringify({
                Statement: [{ Effect: "Allow", Principal: { AWS: "333344445555" }, Action, Resource }],
            });
        const rs = [
            ...resources(fixture()),
            { type: "aws:ecr/repository:Repository", name: "agent-repo", props: { arn: repo, name: "mas-dev/agent" } },
            {
                type: "aws:ecr/repositoryPolicy:RepositoryPolicy",
                name: "agent-repo-policy",
                props: { repository: "mas-dev/agent", policy: partner("ecr:PutImage", repo) },
            },
            {
                type: "aws:cloudwatch/logDestination:LogDestination",
                name: "central",
                props: { arn: dest, name: "mas-dev-central" },
            },
            {
                type: "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy",
                name: "central-policy",
                props: {
                    destinationName: "mas-dev-central",
                    accessPolicy: partner("logs:PutSubscriptionFilter", dest),
                },
            },
            {
                type: "aws:secretsmanager/secret:Secret",
                name: "api",
                props: { arn: secret, name: "mas-dev/api", policy: partner("secretsmanager:PutSecretValue", "*") },
            },
        ];
        const out = run(rs);
        const who = "arn:aws:iam::333344445555:role/outsider";
        expect(about(out, who, repo)).toContain("can ecr:PutImage on");
        expect(about(out, who, dest)).toContain("can logs:PutSubscriptionFilter on");
        expect(about(out, who, secret)).toContain("can secretsmanager:PutSecretValue on");
    });
    it("grant-like resources: a queue policy, a Lambda permission and an access point policy open to anyone", () => {
        const queue = `arn:aws:sqs:${REGION}:${ACCT}:mas-dev-tasks`;
        const fn = `arn:aws:lambda:${REGION}:${ACCT}:function:mas-dev-hook`;
        const ap = `arn:aws:s3:${REGION}:${ACCT}:accesspoint/mas-dev-share`;
        const open = (Action: string, Resource: string) =>
            JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action, Resource }] });
        const rs = [
            ...resources(fixture()),
            { type: "aws:sqs/queue:Queue", name: "tasks", props: { arn: queue, url: "https://sqs/mas-dev-tasks" } },
            {
                type: "aws:sqs/queuePolicy:QueuePolicy",
                name: "tasks-policy",
                props: { queueUrl: "https://sqs/mas-dev-tasks", policy: open("sqs:SendMessage", queue) },
            },
            { type: "aws:lambda/function:Function", name: "hook", props: { arn: fn, name: "mas-dev-hook" } },
            {
                type: "aws:lambda/permission:Permission",
                name: "hook-public",
                props: { function: "mas-dev-hook", principal: "*", action: "lambda:InvokeFunction" },
            },
            {
                type: "aws:s3/accessPoint:AccessPoint",
                name: "share",
                props: { arn: ap, name: "mas-dev-share", policy: open("s3:PutObject", `${ap}/object/*`) },
            },
        ];
        const out = run(rs);
        expect(about(out, "anonymous caller", queue)).toContain("can sqs:SendMessage on");
        expect(about(out, "anonymous caller", fn)).toContain("can lambda:InvokeFunction on");
        expect(about(out, "anonymous caller", ap)).toContain("can s3:PutObject on");
    });
});
