import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { named, ofType, plain, runIsolated, stackConfig } from "../../harness/program";

const ACCT = "123456789012";
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";

interface Stmt {
    Sid?: string;
    Effect: string;
    Principal?: Record<string, string>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string>>;
}
const statements = (doc: unknown): Stmt[] => (JSON.parse(plain<string>(doc)) as { Statement: Stmt[] }).Statement;
const sid = (doc: unknown, id: string) => {
    const s = statements(doc).find((x) => x.Sid === id);
    if (!s) throw new Error(`no statement ${id}`);
    return s;
};

function runIdentity(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack, overrides), stack, () => {
        const { loadConfig } = require("../../../components/config");
        const { EvidenceRegistry } = require("../../../components/evidence");
        const { Identity } = require("../../../components/identity");
        const evidence = new EvidenceRegistry();
        const id = new Identity("mas", { config: loadConfig(), evidence });
        return {
            evidence: evidence.output(),
            boundaryArn: id.permissionsBoundaryArn,
            serviceClientSecretIsSecret: require("@pulumi/pulumi").output(id.serviceClientSecret.isSecret),
            humanClientSecretIsSecret: require("@pulumi/pulumi").output(id.humanClientSecret.isSecret),
            privileged: id.privilegedRoleArns,
            agentRoleNames: Object.fromEntries(
                Object.entries(id.agentRoles).map(([a, r]) => [a, (r as { name: unknown }).name]),
            ),
        };
    });
}

describe("Identity (dev)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runIdentity("dev");
    });
    const role = (n: string): RecordedResource => named(run, ROLE, n);

    it("IAM-BOUNDARY: every role carries the permissions boundary policy", () => {
        const roles = ofType(run, ROLE);
        expect(roles.map((r) => r.name).sort()).toEqual([
            "mas-agent-coordinator",
            "mas-agent-task-executor",
            "mas-monitoring-agent",
            "mas-operator",
            "mas-resource-manager",
            "mas-system-admin",
        ]);
        for (const r of roles) {
            expect(r.inputs.permissionsBoundary).toBe(`arn:aws:iam::${ACCT}:policy/mas-dev-permissions-boundary`);
        }
        expect(run.stackOutputs.boundaryArn).toBe(`arn:aws:iam::${ACCT}:policy/mas-dev-permissions-boundary`);
    });

    it("IAM-BOUNDARY: the boundary caps services, denies audit tampering and roles without the boundary", () => {
        const doc = named(run, POLICY, "mas-permissions-boundary").inputs.policy;
        const services = sid(doc, "StackServices");
        expect(services.Effect).toBe("Allow");
        expect(services.Action).toContain("eks:*");
        expect(services.Action).not.toContain("*");
        // AWS Config's recorder (under this boundary) must describe the stack's own resource types.
        expect(services.Action).toEqual(expect.arrayContaining(["config:*", "ec2:*", "eks:*", "s3:*", "kms:*"]));
        expect(sid(doc, "ConfigRecorderRead")).toEqual({
            Sid: "ConfigRecorderRead",
            Effect: "Allow",
            Action: [
                "scheduler:GetSchedule",
                "scheduler:GetScheduleGroup",
                "scheduler:ListSchedules",
                "scheduler:ListScheduleGroups",
                "scheduler:ListTagsForResource",
            ],
            Resource: "*",
        });
        expect(sid(doc, "DenyAuditAndIdentityTampering")).toMatchObject({
            Effect: "Deny",
            Action: expect.arrayContaining(["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "iam:CreateAccessKey"]),
        });
        expect(sid(doc, "DenyRolesWithoutBoundary")).toEqual({
            Sid: "DenyRolesWithoutBoundary",
            Effect: "Deny",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            Resource: "*",
            Condition: {
                StringNotEquals: {
                    "iam:PermissionsBoundary": `arn:aws:iam::${ACCT}:policy/mas-dev-permissions-boundary`,
                },
            },
        });
        expect(sid(doc, "DenyBoundaryChanges").Resource).toBe(
            `arn:aws:iam::${ACCT}:policy/mas-dev-permissions-boundary`,
        );
    });

    it("RBAC-ADMIN-MFA / IAM-PAM: system_admin is assumed from the account with MFA no older than 1 h, 1 h sessions", () => {
        const admin = role("mas-system-admin");
        expect(admin.inputs.name).toBe("mas-dev-system-admin");
        expect(admin.inputs.maxSessionDuration).toBe(3600);
        expect(admin.inputs.tags).toEqual({ "rbac-role": "system_admin" });
        expect(statements(admin.inputs.assumeRolePolicy)).toEqual([
            {
                Sid: "AccountPrincipalsWithMfa",
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
                Action: "sts:AssumeRole",
                Condition: {
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    NumericLessThanEquals: { "aws:MultiFactorAuthAge": "3600" },
                },
            },
        ]);
        expect(run.stackOutputs.privileged).toEqual([`arn:aws:iam::${ACCT}:role/mas-dev-system-admin`]);
    });

    it("AUTH-MFA: operator and resource manager also need MFA; their sessions last the 12 h token expiry", () => {
        for (const n of ["mas-operator", "mas-resource-manager"]) {
            const r = role(n);
            expect(r.inputs.maxSessionDuration).toBe(43200);
            expect(statements(r.inputs.assumeRolePolicy)[0].Condition?.Bool).toEqual({
                "aws:MultiFactorAuthPresent": "true",
            });
        }
    });

    it("RBAC-ADMIN-PERMS: system_admin's policy is scoped to the stack's cluster, node groups, roles and keys", () => {
        const doc = named(run, POLICY, "mas-system-admin").inputs.policy;
        expect(sid(doc, "ManageCluster").Resource).toEqual([
            `arn:aws:eks:eu-west-1:${ACCT}:cluster/mas-dev-eks`,
            `arn:aws:eks:eu-west-1:${ACCT}:nodegroup/mas-dev-eks/*`,
            `arn:aws:eks:eu-west-1:${ACCT}:addon/mas-dev-eks/*`,
            `arn:aws:eks:eu-west-1:${ACCT}:podidentityassociation/mas-dev-eks/*`,
            `arn:aws:eks:eu-west-1:${ACCT}:access-entry/mas-dev-eks/*`,
            `arn:aws:eks:eu-west-1:${ACCT}:identityproviderconfig/mas-dev-eks/*`,
        ]);
        expect(sid(doc, "ManageNodeCapacity").Condition).toEqual({
            StringEquals: { "aws:ResourceTag/eks:cluster-name": "mas-dev-eks" },
        });
        expect(sid(doc, "ManageStackIdentities").Resource).toEqual([
            `arn:aws:iam::${ACCT}:role/mas-dev-*`,
            `arn:aws:iam::${ACCT}:policy/mas-dev-*`,
        ]);
        // The agent stacks' roles, policies and signing keys (their own prefix) by tag: agents of this platform.
        const agentTags = { "aws:ResourceTag/rbac-role": "agent", "aws:ResourceTag/platform-stack": "dev" };
        expect(sid(doc, "ManagePlatformAgentIdentities")).toEqual({
            Sid: "ManagePlatformAgentIdentities",
            Effect: "Allow",
            Action: "iam:*",
            Resource: [`arn:aws:iam::${ACCT}:role/*`, `arn:aws:iam::${ACCT}:policy/*`],
            Condition: { StringEquals: agentTags },
        });
        expect(sid(doc, "ManagePlatformAgentKeys").Condition).toEqual({
            StringEquals: { "aws:ResourceTag/purpose": "agent-signing", "aws:ResourceTag/platform-stack": "dev" },
        });
        expect(sid(doc, "ManagePlatformAgentKeys").Action).toEqual(sid(doc, "ManageStackKeys").Action);
        // The boundary lets it: the same tagged roles and policies.
        const boundary = named(run, POLICY, "mas-permissions-boundary").inputs.policy;
        expect(sid(boundary, "IamPlatformAgentRoles")).toMatchObject({
            Resource: [`arn:aws:iam::${ACCT}:role/*`, `arn:aws:iam::${ACCT}:policy/*`],
            Condition: { StringEquals: agentTags },
        });
        for (const s of statements(doc)) {
            expect(s.Action === "*" && s.Resource === "*").toBe(false);
        }
    });

    it("ACC-DATA-AGENT-READ / ACC-DATA-AGENT-WRITE / ACC-DATA-METRICS-READ / ACC-DATA-METRICS-WRITE: the roles' data-store grants", () => {
        const agentData = "arn:aws:s3:::mas-dev-agent-data-123456789012-eu-west-1";
        const metricsData = "arn:aws:s3:::mas-dev-metrics-data-123456789012-eu-west-1";
        const read = {
            Sid: "ReadDataStores",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: [`${agentData}/*`, `${metricsData}/*`],
        };
        const list = {
            Sid: "ListDataStores",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: [agentData, metricsData],
        };
        for (const p of ["mas-system-admin", "mas-operator"]) {
            const doc = named(run, POLICY, p).inputs.policy;
            expect(sid(doc, "ReadDataStores")).toEqual(read);
            expect(sid(doc, "ListDataStores")).toEqual(list);
        }
        expect(sid(named(run, POLICY, "mas-system-admin").inputs.policy, "WriteAgentData")).toEqual({
            Sid: "WriteAgentData",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            Resource: `${agentData}/*`,
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        });
        expect(statements(named(run, POLICY, "mas-operator").inputs.policy).map((x) => x.Sid)).not.toContain(
            "WriteAgentData",
        );
        expect(sid(named(run, POLICY, "mas-monitoring-agent").inputs.policy, "WriteMetricsData")).toEqual({
            Sid: "WriteMetricsData",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            Resource: `${metricsData}/*`,
        });
        // The operator no longer denies all of KMS (it must decrypt agent_data), only key management.
        const deny = sid(named(run, POLICY, "mas-operator").inputs.policy, "DenyConfigAndSecurityChanges");
        expect(deny.Action).not.toContain("kms:*");
        expect(deny.Action).not.toContain("kms:Decrypt");
    });

    it("RBAC-OPERATOR-NO-CONFIG / RBAC-OPERATOR-NO-SECURITY: the operator policy explicitly denies config and security changes", () => {
        const doc = named(run, POLICY, "mas-operator").inputs.policy;
        const deny = sid(doc, "DenyConfigAndSecurityChanges");
        expect(deny.Effect).toBe("Deny");
        expect(deny.Resource).toBe("*");
        expect(deny.Action).toEqual(
            expect.arrayContaining([
                "iam:*",
                "kms:Put*",
                "kms:Schedule*",
                "kms:Disable*",
                "kms:Create*",
                "eks:Update*",
                "s3:PutBucketPolicy",
                "ec2:AuthorizeSecurityGroupIngress",
            ]),
        );
        // RBAC-OPERATOR-PERMS: view only
        expect(sid(doc, "ViewCluster").Action).toEqual([
            "eks:DescribeCluster",
            "eks:ListNodegroups",
            "eks:DescribeNodegroup",
            "eks:ListAddons",
            "eks:DescribeAddon",
            "eks:AccessKubernetesApi",
        ]);
        const attach = named(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mas-operator-attachment");
        expect(attach.inputs.role).toBe("mas-dev-operator");
    });

    it("ACC-RES-ALLOCATE: resource_manager scales only node groups tagged with this cluster", () => {
        const doc = named(run, POLICY, "mas-resource-manager").inputs.policy;
        expect(sid(doc, "SetNodeCapacity")).toEqual({
            Sid: "SetNodeCapacity",
            Effect: "Allow",
            Action: ["autoscaling:SetDesiredCapacity", "autoscaling:UpdateAutoScalingGroup"],
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceTag/eks:cluster-name": "mas-dev-eks" } },
        });
        expect(sid(doc, "ScaleNodeGroups").Action).toContain("eks:UpdateNodegroupConfig");
    });

    it("RBAC-AGENT-NS: each agent role is trusted only by EKS Pod Identity for its namespace and service account", () => {
        const r = role("mas-agent-task-executor");
        expect(r.inputs.name).toBe("mas-dev-agent-task-executor");
        // platform-stack: the data and key policies admit agents of this platform by tag, not by name.
        expect(r.inputs.tags).toEqual({ "rbac-role": "agent", "platform-stack": "dev", "agent-stack": "dev" });
        expect(statements(r.inputs.assumeRolePolicy)).toEqual([
            {
                Sid: "EksPodIdentity",
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: {
                        "aws:SourceAccount": ACCT,
                        "aws:RequestTag/eks-cluster-name": "mas-dev-eks",
                        "aws:RequestTag/kubernetes-namespace": "agent-task-executor",
                        "aws:RequestTag/kubernetes-service-account": "task-executor",
                    },
                },
            },
        ]);
        expect(run.stackOutputs.agentRoleNames).toEqual({
            coordinator: "mas-dev-agent-coordinator",
            "task-executor": "mas-dev-agent-task-executor",
        });
    });

    it("RBAC-AGENT-PERMS / ACC-DATA-METRICS-READ: agents share one ABAC policy: metrics only in their own namespace, metrics_data read", () => {
        const doc = named(run, POLICY, "mas-agent").inputs.policy;
        expect(statements(doc)).toEqual([
            {
                Sid: "ReportOwnStatus",
                Effect: "Allow",
                Action: "cloudwatch:PutMetricData",
                Resource: "*",
                Condition: {
                    StringEquals: { "cloudwatch:namespace": "MAS/Agents/${aws:PrincipalTag/kubernetes-namespace}" },
                },
            },
            {
                Sid: "ReadMetricsData",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:GetObjectVersion"],
                Resource: "arn:aws:s3:::mas-dev-metrics-data-123456789012-eu-west-1/*",
            },
        ]);
        const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
            a.name.startsWith("mas-agent-"),
        );
        expect(attachments.map((a) => a.inputs.role).sort()).toEqual([
            "mas-dev-agent-coordinator",
            "mas-dev-agent-task-executor",
        ]);
    });

    it("monitoring_agent writes metrics only under the MAS/ namespace, via Pod Identity", () => {
        const doc = named(run, POLICY, "mas-monitoring-agent").inputs.policy;
        expect(statements(doc)[0].Condition).toEqual({ StringLike: { "cloudwatch:namespace": "MAS/*" } });
        const trust = statements(role("mas-monitoring-agent").inputs.assumeRolePolicy)[0];
        expect(trust.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
        expect(trust.Condition?.StringEquals["aws:RequestTag/kubernetes-namespace"]).toBe("monitoring");
    });

    it("no IAM policy of the component allows * on *", () => {
        for (const p of ofType(run, POLICY)) {
            for (const s of statements(p.inputs.policy)) {
                const actions = ([] as string[]).concat(s.Action);
                expect(actions).not.toContain("*");
                expect(actions).not.toContain("*:*");
            }
        }
    });

    it("AUTH-MFA / AUTH-MFA-TOTP / AUTH-MFA-HARDWARE: the user pool requires MFA with TOTP, WebAuthn verifies users", () => {
        const pool = named(run, "aws:cognito/userPool:UserPool", "mas-users");
        expect(pool.inputs.mfaConfiguration).toBe("ON");
        expect(pool.inputs.softwareTokenMfaConfiguration).toEqual({ enabled: true });
        expect(pool.inputs.webAuthnConfiguration).toEqual({
            relyingPartyId: `mas-dev-auth-${ACCT}.auth.eu-west-1.amazoncognito.com`,
            userVerification: "required",
        });
        // WEB_AUTHN as a first factor under MFA ON needs factorConfiguration, which @pulumi/aws cannot set.
        expect(pool.inputs.signInPolicy).toEqual({ allowedFirstAuthFactors: ["PASSWORD"] });
        expect(pool.inputs.userPoolTier).toBe("PLUS");
        expect(pool.inputs.userPoolAddOns).toEqual({ advancedSecurityMode: "ENFORCED" });
        expect(pool.inputs.deletionProtection).toBe("INACTIVE");
        expect(pool.protect).toBe(false);
        expect(named(run, "aws:cognito/userPoolDomain:UserPoolDomain", "mas-auth-domain").inputs.domain).toBe(
            `mas-dev-auth-${ACCT}`,
        );
    });

    it("AUTH-TOKEN: both clients' tokens expire after 12 hours, in explicit units", () => {
        for (const n of ["mas-human-client", "mas-service-client"]) {
            const c = named(run, "aws:cognito/userPoolClient:UserPoolClient", n);
            expect(c.inputs.accessTokenValidity).toBe(12);
            expect(c.inputs.idTokenValidity).toBe(12);
            expect(c.inputs.refreshTokenValidity).toBe(12);
            expect(c.inputs.tokenValidityUnits).toEqual({
                accessToken: "hours",
                idToken: "hours",
                refreshToken: "hours",
            });
            expect(c.inputs.generateSecret).toBe(true);
        }
        const human = named(run, "aws:cognito/userPoolClient:UserPoolClient", "mas-human-client");
        expect(human.inputs.allowedOauthFlows).toEqual(["code"]);
        expect(human.inputs.callbackUrls).toEqual(["https://localhost/oauth2/callback"]);
        const service = named(run, "aws:cognito/userPoolClient:UserPoolClient", "mas-service-client");
        expect(service.inputs.allowedOauthFlows).toEqual(["client_credentials"]);
        expect(service.inputs.allowedOauthScopes).toEqual([
            "https://mas-dev.agents.internal/tasks.read",
            "https://mas-dev.agents.internal/tasks.write",
            "https://mas-dev.agents.internal/status.read",
        ]);
        expect(run.stackOutputs.serviceClientSecretIsSecret).toBe(true);
        expect(run.stackOutputs.humanClientSecretIsSecret).toBe(true);
    });

    it("records evidence for the identity controls", () => {
        const evidence = run.stackOutputs.evidence as Record<string, { resources: unknown[] }>;
        for (const id of [
            "AUTH-TOKEN",
            "AUTH-MFA",
            "IAM-PAM",
            "IAM-BOUNDARY",
            "RBAC-AGENT-PERMS",
            "ACC-RES-ALLOCATE",
        ]) {
            expect(evidence[id].resources.length).toBeGreaterThan(0);
        }
        expect(evidence["IAM-BOUNDARY"].resources).toHaveLength(7);
    });
});

describe("Identity (prod)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runIdentity("prod");
    });

    it("protects the user pool and turns on Cognito deletion protection", () => {
        const pool = named(run, "aws:cognito/userPool:UserPool", "mas-users");
        expect(pool.inputs.deletionProtection).toBe("ACTIVE");
        expect(pool.protect).toBe(true);
    });

    it("creates one Pod Identity role per prod agent", () => {
        expect(
            ofType(run, ROLE)
                .filter((r) => (r.inputs.tags as Record<string, string>)["rbac-role"] === "agent")
                .map((r) => r.inputs.name),
        ).toEqual(["mas-prod-agent-coordinator", "mas-prod-agent-task-executor", "mas-prod-agent-planner"]);
    });

    it("rejects an agent whose role name would exceed 64 characters, as a config error", async () => {
        await expect(runIdentity("prod", { agents: ["a".repeat(50), "b".repeat(57)] })).rejects.toThrow(
            /agents: agent a{50} makes the IAM role name mas-prod-agent-a{50} 65 characters long; IAM allows 64/,
        );
    });
});
