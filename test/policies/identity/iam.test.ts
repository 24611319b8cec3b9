// policy-pack/policies/identity/iam.ts (identity-access-matrix: test/lib/iam/matrix.test.ts)

import * as p from "../../../policy-pack/policies/identity";
import { validateResource, validateStack } from "../../harness/policy";
import { ACCT, BOUNDARY, doc, POLICY, ROLE } from "./fixtures";

describe("identity-iam-no-full-admin (IAM-BOUNDARY, RBAC-ADMIN-PERMS, RBAC-AGENT-PERMS, RBAC-OPERATOR-NO-SECURITY)", () => {
    // Simulated from effective policies (policy-pack/lib/iam); the broader cases are in test/lib/iam.
    const role = (name: string, rbac: string) => ({
        type: ROLE,
        name,
        props: { name, arn: `arn:aws:iam::${ACCT}:role/${name}`, tags: { "rbac-role": rbac } },
    });
    const attach = (r: string, policyArn: string) => ({
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: `${r}-${policyArn}`,
        props: { role: r, policyArn },
    });
    const inline = (r: string, policy: string) => ({
        type: "aws:iam/rolePolicy:RolePolicy",
        name: `${r}-inline`,
        props: { role: r, policy },
    });
    const key = {
        type: "aws:kms/key:Key",
        name: "key",
        props: {
            arn: `arn:aws:kms:eu-west-1:${ACCT}:key/k`,
            policy: doc({
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
                Action: "kms:*",
                Resource: "*",
            }),
        },
    };
    const run = (...rs: { type: string; name: string; props: Record<string, unknown> }[]) =>
        validateStack(p.noFullAdmin, [key, ...rs]).map((v) => v.message);
    it("passes scoped policies and a Deny of * on *", () => {
        expect(
            run(
                role("agent-a", "agent"),
                inline(
                    "agent-a",
                    doc(
                        { Effect: "Allow", Action: "kms:Decrypt", Resource: "*" },
                        { Effect: "Deny", Action: "*", Resource: "*" },
                    ),
                ),
            ),
        ).toEqual([]);
    });
    it("fails an agent role with the AWS-managed AdministratorAccess (no boundary)", () => {
        expect(run(role("agent-a", "agent"), attach("agent-a", "arn:aws:iam::aws:policy/AdministratorAccess"))).toEqual(
            [
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can iam:AttachRolePolicy /),
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can iam:PutRolePolicy /),
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can iam:CreateUser /),
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can kms:ScheduleKeyDeletion /),
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can kms:PutKeyPolicy /),
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can sts:AssumeRole /),
                expect.stringMatching(
                    /^\[RBAC-AGENT-PERMS\] agent agent-a can iam:PassRole .* on arn:aws:iam::123456789012:role\/probe /,
                ),
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can kms:CreateGrant /),
                expect.stringMatching(/^\[RBAC-AGENT-PERMS\] agent agent-a can dynamodb:DeleteTable /),
            ],
        );
    });
    it("fails *:* in an inline role policy of the operator", () => {
        expect(
            run(role("op", "operator"), inline("op", doc({ Effect: "Allow", Action: ["*:*"], Resource: ["*"] }))),
        ).toHaveLength(9);
    });
    it("lets system_admin manage key policies but not delete keys", () => {
        const admin = doc({ Effect: "Allow", Action: ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], Resource: "*" });
        expect(run(role("admin", "system_admin"), inline("admin", admin))).toEqual([
            expect.stringMatching(/^\[RBAC-ADMIN-PERMS\] system_admin admin can kms:ScheduleKeyDeletion /),
        ]);
    });
});

describe("identity-role-permissions-boundary (IAM-BOUNDARY)", () => {
    it("passes a role with the boundary", () =>
        expect(
            validateResource(p.rolePermissionsBoundary, { type: ROLE, props: { permissionsBoundary: BOUNDARY } }),
        ).toEqual([]));
    it("fails a role without one", () =>
        expect(validateResource(p.rolePermissionsBoundary, { type: ROLE, props: {} })).toEqual([
            "role has no permissionsBoundary; attach the stack's permissions boundary (identity.permissionsBoundaryArn)",
        ]));
});

describe("identity-boundary-guardrails (IAM-BOUNDARY, RBAC-ADMIN-AUDIT)", () => {
    const actions = [
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "cloudtrail:UpdateTrail",
        "cloudtrail:PutEventSelectors",
        "iam:DeleteRolePermissionsBoundary",
        "iam:CreateUser",
        "iam:CreateAccessKey",
    ];
    const boundary = (denied: string[]) =>
        validateResource(p.boundaryGuardrails, {
            type: POLICY,
            props: {
                tags: { "mas/permissions-boundary": "true" },
                policy: doc(
                    { Effect: "Allow", Action: ["eks:*"], Resource: "*" },
                    { Effect: "Deny", Action: denied, Resource: "*" },
                ),
            },
        });
    it("passes a boundary denying the audit and identity tampering actions", () =>
        expect(boundary(actions)).toEqual([]));
    it("fails a deny that a condition can switch off, and counts a NotAction deny", () => {
        expect(
            validateResource(p.boundaryGuardrails, {
                type: POLICY,
                props: {
                    tags: { "mas/permissions-boundary": "true" },
                    policy: doc(
                        { Effect: "Allow", Action: "*", Resource: "*" },
                        {
                            Effect: "Deny",
                            Action: actions,
                            Resource: "*",
                            Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
                        },
                    ),
                },
            }),
        ).toEqual([`permissions boundary does not deny ${actions.join(", ")} on every resource`]);
        expect(
            validateResource(p.boundaryGuardrails, {
                type: POLICY,
                props: {
                    tags: { "mas/permissions-boundary": "true" },
                    policy: doc(
                        { Effect: "Allow", Action: "s3:*", Resource: "*" },
                        { Effect: "Deny", NotAction: ["s3:*"], Resource: "*" },
                    ),
                },
            }),
        ).toEqual([]);
    });
    it("accepts wildcards that cover them", () =>
        expect(boundary(["cloudtrail:*", "iam:DeleteRolePermissionsBoundary", "iam:Create*"])).toEqual([]));
    it("fails a boundary that lets roles stop the trail", () =>
        expect(boundary(actions.filter((a) => a !== "cloudtrail:StopLogging"))).toEqual([
            "permissions boundary does not deny cloudtrail:StopLogging on every resource",
        ]));
});

describe("identity-operator-explicit-deny (RBAC-OPERATOR-NO-CONFIG, RBAC-OPERATOR-NO-SECURITY)", () => {
    const { OPERATOR_DENIED_ACTIONS } =
        require("../../../policy-pack/catalog/identity") as typeof import("../../../policy-pack/catalog/identity");
    const view = { Sid: "View", Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: "*" };
    const operator = (...statements: object[]) =>
        validateResource(p.operatorExplicitDeny, {
            type: POLICY,
            props: { tags: { "rbac-role": "operator" }, policy: doc(...statements) },
        });
    const deny = (actions: readonly string[]) => ({ Effect: "Deny", Action: [...actions], Resource: "*" });
    it("passes the operator policy with its explicit Deny", () =>
        expect(operator(view, deny(OPERATOR_DENIED_ACTIONS))).toEqual([]));
    it("fails when the Deny misses iam:* and kms:PutKeyPolicy (kms:Put*)", () =>
        expect(operator(view, deny(OPERATOR_DENIED_ACTIONS.filter((a) => a !== "iam:*" && a !== "kms:Put*")))).toEqual([
            "[RBAC-OPERATOR-NO-SECURITY] operator policy lacks an unconditional Deny of iam:*, kms:Put*",
        ]));
    it("passes an operator that decrypts data-store objects (key use is not a security change)", () =>
        expect(
            operator(
                view,
                { Sid: "ReadData", Effect: "Allow", Action: ["kms:Decrypt", "s3:GetObject"], Resource: "*" },
                deny(OPERATOR_DENIED_ACTIONS),
            ),
        ).toEqual([]));
    it("fails a Deny that only holds without MFA, and an Allow with NotAction", () => {
        const conditional = {
            ...deny(OPERATOR_DENIED_ACTIONS),
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
        };
        expect(operator(view, conditional)[0]).toMatch(
            /^\[RBAC-OPERATOR-NO-SECURITY\] operator policy lacks an unconditional Deny of iam:\*, kms:Create\*/,
        );
        expect(
            operator({ Sid: "Most", Effect: "Allow", NotAction: "s3:*", Resource: "*" }, deny(OPERATOR_DENIED_ACTIONS)),
        ).toEqual(["[RBAC-OPERATOR-NO-CONFIG] operator statement Most allows a configuration or security change"]);
    });
    it("fails an Allow of key management (kms:ScheduleKeyDeletion)", () =>
        expect(
            operator(
                { Sid: "Keys", Effect: "Allow", Action: "kms:ScheduleKeyDeletion", Resource: "*" },
                deny(OPERATOR_DENIED_ACTIONS),
            ),
        ).toEqual(["[RBAC-OPERATOR-NO-CONFIG] operator statement Keys allows a configuration or security change"]));
    it("fails an Allow of a configuration change", () =>
        expect(
            operator(
                { Sid: "Scale", Effect: "Allow", Action: "eks:UpdateNodegroupConfig", Resource: "*" },
                deny(OPERATOR_DENIED_ACTIONS),
            ),
        ).toEqual(["[RBAC-OPERATOR-NO-CONFIG] operator statement Scale allows a configuration or security change"]));
});

describe("identity-resource-manager-scope (ACC-RES-ALLOCATE)", () => {
    const stmt = (condition?: object) => ({
        Sid: "Scale",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity"],
        Resource: "*",
        ...(condition ? { Condition: condition } : {}),
    });
    const rm = (s: object) =>
        validateResource(p.resourceManagerScope, {
            type: POLICY,
            props: { tags: { "rbac-role": "resource_manager" }, policy: doc(s) },
        });
    it("passes scaling scoped by the cluster tag", () =>
        expect(rm(stmt({ StringEquals: { "aws:ResourceTag/eks:cluster-name": "mas-dev-eks" } }))).toEqual([]));
    it("fails a cluster condition any cluster satisfies (StringLike *), and NotAction scaling", () => {
        expect(rm(stmt({ StringLike: { "aws:ResourceTag/eks:cluster-name": "*" } }))).toHaveLength(1);
        expect(rm({ Sid: "Most", Effect: "Allow", NotAction: "iam:*", Resource: "*" })).toEqual([
            "statement Most allows scaling Auto Scaling groups of other clusters (no aws:ResourceTag/eks:cluster-name condition for this cluster)",
        ]);
    });
    it("fails account-wide scaling", () =>
        expect(rm(stmt())).toEqual([
            "statement Scale allows scaling Auto Scaling groups of other clusters (no aws:ResourceTag/eks:cluster-name condition for this cluster)",
        ]));
});

describe("identity-agent-role-trust (RBAC-AGENT-NS, RBAC-AGENT-PERMS)", () => {
    const conditions = {
        "aws:RequestTag/eks-cluster-name": "mas-dev-eks",
        "aws:RequestTag/kubernetes-namespace": "agent-coordinator",
        "aws:RequestTag/kubernetes-service-account": "coordinator",
    };
    const trust = (over: Record<string, unknown> = {}) => ({
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: conditions },
        ...over,
    });
    const agent = (s: object) =>
        validateResource(p.agentRoleTrust, {
            type: ROLE,
            props: { tags: { "rbac-role": "agent" }, assumeRolePolicy: doc(s) },
        });
    it("passes a Pod Identity trust bound to cluster, namespace and service account", () =>
        expect(agent(trust())).toEqual([]));
    it("fails another principal", () =>
        expect(agent(trust({ Principal: { AWS: `arn:aws:iam::${ACCT}:root` } }))).toEqual([
            "trust statement 0 must trust only pods.eks.amazonaws.com",
        ]));
    it("fails without sts:TagSession", () =>
        expect(agent(trust({ Action: "sts:AssumeRole" }))).toEqual([
            "trust statement 0 must allow exactly sts:AssumeRole and sts:TagSession",
        ]));
    it("fails without the namespace condition", () => {
        const rest: Record<string, string> = { ...conditions };
        delete rest["aws:RequestTag/kubernetes-namespace"];
        expect(agent(trust({ Condition: { StringEquals: rest } }))).toEqual([
            "trust statement 0 must bind aws:RequestTag/kubernetes-namespace to exactly one value (StringEquals)",
        ]);
    });
    it("fails a wildcard service account", () =>
        expect(
            agent(
                trust({
                    Condition: { StringEquals: { ...conditions, "aws:RequestTag/kubernetes-service-account": "*" } },
                }),
            ),
        ).toEqual([
            "trust statement 0 must bind aws:RequestTag/kubernetes-service-account to exactly one value (StringEquals)",
        ]));
});
