import * as p from "../../policy-pack/policies/identity";
import { validateResource, validateStack } from "../harness/policy";

const ACCT = "123456789012";
const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const BOUNDARY = `arn:aws:iam::${ACCT}:policy/mas-dev-permissions-boundary`;
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("identity-human-role-mfa (RBAC-ADMIN-MFA, AUTH-MFA, IAM-PAM)", () => {
    const trust = (condition: object) =>
        doc({
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
            Action: "sts:AssumeRole",
            Condition: condition,
        });
    const mfa = {
        Bool: { "aws:MultiFactorAuthPresent": "true" },
        NumericLessThanEquals: { "aws:MultiFactorAuthAge": "3600" },
    };
    const admin = (props: Record<string, unknown> = {}) =>
        validateResource(p.humanRoleMfa, {
            type: ROLE,
            props: {
                assumeRolePolicy: trust(mfa),
                maxSessionDuration: 3600,
                tags: { "rbac-role": "system_admin" },
                ...props,
            },
        });

    it("passes system_admin with MFA, MFA age 3600 s and 1 h sessions", () => expect(admin()).toEqual([]));
    it("fails a trust without aws:MultiFactorAuthPresent", () =>
        expect(admin({ assumeRolePolicy: trust({ NumericLessThanEquals: mfa.NumericLessThanEquals }) })).toEqual([
            "[RBAC-ADMIN-MFA] system_admin trust statement 0 does not require aws:MultiFactorAuthPresent = true",
        ]));
    it("fails an operator trust without MFA under AUTH-MFA (the guide's mfa.required for every human)", () =>
        expect(
            validateResource(p.humanRoleMfa, {
                type: ROLE,
                props: {
                    assumeRolePolicy: trust({ NumericLessThanEquals: mfa.NumericLessThanEquals }),
                    maxSessionDuration: 43200,
                    tags: { "rbac-role": "operator" },
                },
            }),
        ).toEqual(["[AUTH-MFA] operator trust statement 0 does not require aws:MultiFactorAuthPresent = true"]));
    it("fails an MFA age above one hour", () =>
        expect(
            admin({
                assumeRolePolicy: trust({ Bool: mfa.Bool, NumericLessThan: { "aws:MultiFactorAuthAge": "43200" } }),
            }),
        ).toEqual([
            "[IAM-PAM] system_admin trust statement 0 must limit aws:MultiFactorAuthAge to at most 3600 seconds",
        ]));
    it("fails system_admin sessions longer than one hour", () =>
        expect(admin({ maxSessionDuration: 43200 })).toEqual([
            "[RBAC-ADMIN-MFA] system_admin maxSessionDuration is 43200; set it explicitly to at most 3600 seconds",
        ]));
    it("checks operator MFA too, and ignores untagged roles", () => {
        expect(
            validateResource(p.humanRoleMfa, {
                type: ROLE,
                props: { assumeRolePolicy: trust({}), maxSessionDuration: 43200, tags: { "rbac-role": "operator" } },
            }),
        ).toHaveLength(2);
        expect(validateResource(p.humanRoleMfa, { type: ROLE, props: { assumeRolePolicy: trust({}) } })).toEqual([]);
    });
});

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
        require("../../policy-pack/catalog/identity") as typeof import("../../policy-pack/catalog/identity");
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

describe("identity-cognito-mfa (AUTH-MFA, AUTH-MFA-TOTP, AUTH-MFA-HARDWARE)", () => {
    const pool = (over: Record<string, unknown> = {}) =>
        validateResource(p.cognitoMfa, {
            type: "aws:cognito/userPool:UserPool",
            props: {
                mfaConfiguration: "ON",
                softwareTokenMfaConfiguration: { enabled: true },
                webAuthnConfiguration: { userVerification: "required", relyingPartyId: "auth.example.com" },
                signInPolicy: { allowedFirstAuthFactors: ["PASSWORD"] },
                ...over,
            },
        });
    it("passes MFA ON with TOTP and a WebAuthn relying party", () => expect(pool()).toEqual([]));
    it("passes WEB_AUTHN as a first factor under MFA ON when passkeys count as MFA", () =>
        expect(
            pool({
                webAuthnConfiguration: {
                    userVerification: "required",
                    factorConfiguration: "MULTI_FACTOR_WITH_USER_VERIFICATION",
                },
                signInPolicy: { allowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] },
            }),
        ).toEqual([]));
    it("fails WEB_AUTHN as a first factor under MFA ON without factorConfiguration (rejected by Cognito)", () =>
        expect(pool({ signInPolicy: { allowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } })).toEqual([
            "[AUTH-MFA-HARDWARE] WEB_AUTHN is a first factor while MFA is ON without webAuthnConfiguration.factorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION: Cognito rejects it",
        ]));
    it("fails optional MFA", () =>
        expect(pool({ mfaConfiguration: "OPTIONAL" })).toEqual([
            "[AUTH-MFA] mfaConfiguration is OPTIONAL; it must be ON",
        ]));
    it("fails without TOTP", () =>
        expect(pool({ softwareTokenMfaConfiguration: undefined })).toEqual([
            "[AUTH-MFA-TOTP] softwareTokenMfaConfiguration.enabled must be true (TOTP)",
        ]));
    it("fails WebAuthn without user verification", () =>
        expect(pool({ webAuthnConfiguration: { userVerification: "preferred" } })).toEqual([
            "[AUTH-MFA-HARDWARE] webAuthnConfiguration.userVerification must be required",
        ]));
});

describe("identity-cognito-token-validity (AUTH-TOKEN)", () => {
    const client = (over: Record<string, unknown> = {}) =>
        validateResource(p.cognitoTokenValidity, {
            type: "aws:cognito/userPoolClient:UserPoolClient",
            props: {
                accessTokenValidity: 12,
                idTokenValidity: 12,
                tokenValidityUnits: { accessToken: "hours", idToken: "hours" },
                ...over,
            },
        });
    it("passes 12 hours, and 720 minutes", () => {
        expect(client()).toEqual([]);
        expect(
            client({ accessTokenValidity: 720, tokenValidityUnits: { accessToken: "minutes", idToken: "hours" } }),
        ).toEqual([]);
    });
    it("fails 13 hour access tokens", () =>
        expect(client({ accessTokenValidity: 13 })).toEqual([
            "accessTokenValidity is 13 hours (13 h); the guide allows at most 12 h",
        ]));
    it("fails 1 day ID tokens (units respected)", () =>
        expect(client({ tokenValidityUnits: { accessToken: "hours", idToken: "days" } })).toEqual([
            "idTokenValidity is 12 days (288 h); the guide allows at most 12 h",
        ]));
    it("defaults the unit to hours and fails an unset validity", () =>
        expect(client({ tokenValidityUnits: undefined, idTokenValidity: undefined })).toEqual([
            "idTokenValidity is unset (Cognito's default is 1 h, but it must be set explicitly to at most 12 h)",
        ]));
});

describe("identity-eks-cluster (EKS-ENDPOINT, EKS-SECRETS, EKS-LOGS, EKS-AUTH-API)", () => {
    const base = () => ({
        vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["subnet-1"] },
        encryptionConfig: { provider: { keyArn: `arn:aws:kms:eu-west-1:${ACCT}:key/abc` }, resources: ["secrets"] },
        enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    });
    const check = (props: Record<string, unknown>, environment: "dev" | "prod" = "prod") =>
        validateResource(p.eksCluster, { type: "aws:eks/cluster:Cluster", props, config: { environment } });
    it("passes a private, encrypted, fully logged, API-authenticated cluster", () => expect(check(base())).toEqual([]));
    it("passes a dev public endpoint restricted to listed CIDRs", () =>
        expect(
            check(
                {
                    ...base(),
                    vpcConfig: {
                        endpointPrivateAccess: true,
                        endpointPublicAccess: true,
                        publicAccessCidrs: ["203.0.113.0/24"],
                    },
                },
                "dev",
            ),
        ).toEqual([]));
    it("fails a public endpoint in prod", () =>
        expect(
            check({
                ...base(),
                vpcConfig: {
                    endpointPrivateAccess: true,
                    endpointPublicAccess: true,
                    publicAccessCidrs: ["203.0.113.0/24"],
                },
            }),
        ).toEqual([
            "[EKS-ENDPOINT] the public API endpoint must be off in prod (vpcConfig.endpointPublicAccess false)",
        ]));
    it("fails a dev public endpoint open to 0.0.0.0/0 (also the API default when unset)", () => {
        const msg = "[EKS-ENDPOINT] a public API endpoint must be restricted by publicAccessCidrs (never 0.0.0.0/0)";
        expect(
            check(
                {
                    ...base(),
                    vpcConfig: {
                        endpointPrivateAccess: true,
                        endpointPublicAccess: true,
                        publicAccessCidrs: ["0.0.0.0/0"],
                    },
                },
                "dev",
            ),
        ).toEqual([msg]);
        expect(check({ ...base(), vpcConfig: { endpointPrivateAccess: true } }, "dev")).toEqual([msg]);
    });
    it("fails without the private endpoint", () =>
        expect(check({ ...base(), vpcConfig: { endpointPublicAccess: false } })).toEqual([
            "[EKS-ENDPOINT] vpcConfig.endpointPrivateAccess must be true",
        ]));
    it("fails without secrets encryption", () =>
        expect(check({ ...base(), encryptionConfig: undefined })).toEqual([
            "[EKS-SECRETS] encryptionConfig must encrypt resources [secrets] with a customer-managed KMS key ARN",
        ]));
    it("fails a missing log type", () =>
        expect(check({ ...base(), enabledClusterLogTypes: ["api", "audit", "authenticator"] })).toEqual([
            "[EKS-LOGS] enabledClusterLogTypes lacks controllerManager, scheduler",
        ]));
    it("fails the aws-auth ConfigMap mode", () =>
        expect(
            check({
                ...base(),
                accessConfig: {
                    authenticationMode: "API_AND_CONFIG_MAP",
                    bootstrapClusterCreatorAdminPermissions: false,
                },
            }),
        ).toEqual([
            "[EKS-AUTH-API] accessConfig.authenticationMode is API_AND_CONFIG_MAP; it must be API",
            "[ACC-RES-MONITOR] accessConfig.authenticationMode is API_AND_CONFIG_MAP: cluster access can bypass the access entries",
        ]));
    it("fails implicit creator admin", () =>
        expect(check({ ...base(), accessConfig: { authenticationMode: "API" } })).toEqual([
            "[EKS-AUTH-API] accessConfig.bootstrapClusterCreatorAdminPermissions must be false (no implicit admin)",
        ]));
});

describe("identity-node-launch-template (EKS-NODE-IMDS, EKS-NODE-EBS, DATA-ENC-IN-MEMORY)", () => {
    const base = () => ({
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
        blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: `arn:aws:kms:eu-west-1:${ACCT}:key/ebs` } },
        ],
        enclaveOptions: { enabled: true },
        tags: { segment: "agent" },
    });
    const lt = (props: Record<string, unknown>) =>
        validateResource(p.nodeLaunchTemplate, { type: "aws:ec2/launchTemplate:LaunchTemplate", props });
    it("passes IMDSv2, hop 1, encrypted volumes, enclaves on agent nodes", () => expect(lt(base())).toEqual([]));
    it("fails optional IMDS tokens", () =>
        expect(lt({ ...base(), metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } })).toEqual([
            "[EKS-NODE-IMDS] metadataOptions.httpTokens must be required (IMDSv2)",
        ]));
    it("fails hop limit 2", () =>
        expect(lt({ ...base(), metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })).toEqual([
            "[EKS-NODE-IMDS] metadataOptions.httpPutResponseHopLimit is 2; it must be 1",
        ]));
    it("fails an unencrypted volume", () =>
        expect(
            lt({ ...base(), blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }),
        ).toEqual(['[EKS-NODE-EBS] volume /dev/xvda must be encrypted with a KMS key (encrypted "true", kmsKeyId)']));
    it("fails without block device mappings", () =>
        expect(lt({ ...base(), blockDeviceMappings: undefined })).toEqual([
            "[EKS-NODE-EBS] no blockDeviceMappings: the root volume must be declared encrypted with the stack's key",
        ]));
    it("fails an SSH key pair", () =>
        expect(lt({ ...base(), keyName: "ops" })).toEqual([
            "[EKS-NODE-EBS] nodes must not have an SSH key pair (keyName); use SSM Session Manager",
        ]));
    it("fails agent nodes without Nitro Enclaves", () =>
        expect(lt({ ...base(), enclaveOptions: undefined })).toEqual([
            "[DATA-ENC-IN-MEMORY] agent node launch template must enable Nitro Enclaves (enclaveOptions.enabled)",
        ]));
});

const NS = "kubernetes:core/v1:Namespace";
const agentLabels = () => ({
    "mas/agent": "coordinator",
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
    "istio-injection": "enabled",
});

describe("identity-agent-namespace-psa (K8S-PSA, RBAC-AGENT-NS)", () => {
    const ns = (labels: Record<string, string>) =>
        validateResource(p.agentNamespacePsa, { type: NS, props: { metadata: { name: "agent-coordinator", labels } } });
    it("passes restricted PSA with mesh injection", () => expect(ns(agentLabels())).toEqual([]));
    it("fails baseline enforcement", () =>
        expect(ns({ ...agentLabels(), "pod-security.kubernetes.io/enforce": "baseline" })).toEqual([
            "[K8S-PSA] agent namespace must set pod-security.kubernetes.io/{enforce} = restricted",
        ]));
    it("fails without mesh injection", () => {
        const rest: Record<string, string> = agentLabels();
        delete rest["istio-injection"];
        expect(ns(rest)).toEqual([
            "[RBAC-AGENT-NS] agent namespace must have istio-injection: enabled (mesh identity and authorization)",
        ]);
    });
    it("ignores namespaces that are not agents'", () => expect(ns({})).toEqual([]));
});

describe("identity-agent-namespace-guardrails (K8S-NETPOL, ACC-RES-QUOTA, RBAC-AGENT-RATE)", () => {
    const resources = () => [
        { type: NS, props: { metadata: { name: "agent-coordinator", labels: agentLabels() } } },
        {
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            props: {
                metadata: { name: "default-deny", namespace: "agent-coordinator" },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
        },
        {
            type: "kubernetes:core/v1:ResourceQuota",
            props: { metadata: { name: "q", namespace: "agent-coordinator" }, spec: { hard: { pods: "20" } } },
        },
        {
            type: "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema",
            props: {
                metadata: { name: "mas-agents" },
                spec: {
                    rules: [
                        {
                            subjects: [
                                {
                                    kind: "ServiceAccount",
                                    serviceAccount: { namespace: "agent-coordinator", name: "*" },
                                },
                            ],
                        },
                    ],
                },
            },
        },
    ];
    const messages = (rs: ReturnType<typeof resources>) =>
        validateStack(p.agentNamespaceGuardrails, rs).map((v) => v.message);
    it("passes a namespace with default deny, quota and FlowSchema", () => expect(messages(resources())).toEqual([]));
    it("fails an egress-only deny (not default deny for ingress)", () => {
        const rs = resources();
        rs[1].props.spec = { podSelector: {}, policyTypes: ["Egress"] };
        expect(messages(rs)).toEqual([
            "[K8S-NETPOL] agent namespace agent-coordinator has no default-deny NetworkPolicy (ingress and egress)",
        ]);
    });
    it("fails a deny policy that allows traffic", () => {
        const rs = resources();
        rs[1].props.spec = {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            egress: [{}],
        } as (typeof rs)[1]["props"]["spec"];
        expect(messages(rs)).toHaveLength(1);
    });
    it("fails a namespace without a ResourceQuota", () =>
        expect(messages(resources().filter((r) => r.type !== "kubernetes:core/v1:ResourceQuota"))).toEqual([
            "[ACC-RES-QUOTA] agent namespace agent-coordinator has no ResourceQuota",
        ]));
    it("fails a namespace outside every FlowSchema", () =>
        expect(messages(resources().filter((r) => !r.type.includes("FlowSchema")))).toEqual([
            "[RBAC-AGENT-RATE] agent namespace agent-coordinator's service accounts are not in a FlowSchema",
        ]));
});

describe("identity-priority-class-admission (ACC-RES-PRIORITY)", () => {
    const pc = {
        type: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
        props: { metadata: { name: "mas-critical" }, value: 100000 },
    };
    const vap = (expression: string) => ({
        type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
        props: { metadata: { name: "mas-priority-class-allocation" }, spec: { validations: [{ expression }] } },
    });
    const binding = (actions: string[]) => ({
        type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
        props: {
            metadata: { name: "b" },
            spec: { policyName: "mas-priority-class-allocation", validationActions: actions },
        },
    });
    const good = `!(variables.priorityClass in ["mas-critical"]) || request.userInfo.groups.exists(g, g == 'mas:resource-managers')`;
    const messages = (rs: object[]) => validateStack(p.priorityClassAdmission, rs as never).map((v) => v.message);
    const fail =
        "PriorityClass mas-critical is not restricted to mas:resource-managers by a bound (Deny) ValidatingAdmissionPolicy";
    it("passes a class named by a Deny-bound policy for the resource managers", () =>
        expect(messages([pc, vap(good), binding(["Deny"])])).toEqual([]));
    it("fails an audit-only binding", () => expect(messages([pc, vap(good), binding(["Audit"])])).toEqual([fail]));
    it("fails a policy that does not name the class", () =>
        expect(messages([pc, vap(good.replace("mas-critical", "other")), binding(["Deny"])])).toEqual([fail]));
});

describe("identity-no-privileged-binding (RBAC-OPERATOR-NO-SECURITY, RBAC-AGENT-NS)", () => {
    const binding = (
        roleName: string,
        subject: object,
        type = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    ) =>
        validateResource(p.noPrivilegedBinding, {
            type,
            props: { roleRef: { kind: "ClusterRole", name: roleName }, subjects: [subject] },
        });
    it("passes the operator group bound to its own ClusterRole", () =>
        expect(binding("mas:operator", { kind: "Group", name: "mas:operators" })).toEqual([]));
    it("fails cluster-admin for the operator group", () =>
        expect(binding("cluster-admin", { kind: "Group", name: "mas:operators" })).toEqual([
            "[RBAC-OPERATOR-NO-SECURITY] binding grants cluster-admin to the operator group mas:operators",
        ]));
    it("fails admin for an agent service account in a RoleBinding", () =>
        expect(
            binding(
                "admin",
                { kind: "ServiceAccount", name: "coordinator", namespace: "agent-coordinator" },
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            ),
        ).toEqual(["[RBAC-AGENT-NS] binding grants admin to agent ServiceAccount agent-coordinator"]));
    const agentBinding = (namespace: string, subject: object) =>
        validateResource(p.noPrivilegedBinding, {
            type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            props: {
                metadata: { name: "agent", namespace },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "mas:agent" },
                subjects: [subject],
            },
        });
    it("passes the agent role bound to the namespace's own service account", () =>
        expect(
            agentBinding("agent-planner", { kind: "ServiceAccount", name: "planner", namespace: "agent-planner" }),
        ).toEqual([]));
    it("fails the agent role bound to system:authenticated (every caller, every agent)", () =>
        expect(
            agentBinding("agent-planner", {
                kind: "Group",
                name: "system:authenticated",
                apiGroup: "rbac.authorization.k8s.io",
            }),
        ).toEqual([
            "[RBAC-AGENT-NS] binding grants ClusterRole mas:agent to Group system:authenticated: every agent (and more) gets it, whatever its namespace",
        ]));
    it("fails another agent's service account bound in an agent namespace", () =>
        expect(
            agentBinding("agent-planner", {
                kind: "ServiceAccount",
                name: "coordinator",
                namespace: "agent-coordinator",
            }),
        ).toEqual([
            "[RBAC-AGENT-NS] binding in agent-planner grants ClusterRole mas:agent to ServiceAccount agent-coordinator: an agent acting outside its own namespace",
        ]));
});

describe("identity-operator-k8s-role (RBAC-OPERATOR-PERMS, RBAC-OPERATOR-NO-CONFIG)", () => {
    const rules = () => [
        { apiGroups: [""], resources: ["pods", "events"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
        { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
    ];
    const role = (r: object[]) =>
        validateResource(p.operatorK8sRole, {
            type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            props: { metadata: { name: "mas:operator", labels: { "mas/rbac-role": "operator" } }, rules: r },
        });
    it("passes reads, logs and pod restarts", () => expect(role(rules())).toEqual([]));
    it("fails reading secrets", () =>
        expect(role([...rules(), { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }])).toEqual([
            "[RBAC-OPERATOR-NO-CONFIG] operator ClusterRole grants access to secrets",
        ]));
    it("fails patching deployments", () =>
        expect(role([...rules(), { apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }])).toEqual([
            "[RBAC-OPERATOR-PERMS] operator ClusterRole allows patch on deployments; only reads and pod restarts (delete / evict) are allowed",
        ]));
});

describe("identity-certificate-rotation (AUTH-CERT)", () => {
    const { certificateRotation } =
        require("../../policy-pack/policies/identity") as typeof import("../../policy-pack/policies/identity");
    const { validateResource } = require("../harness/policy") as typeof import("../harness/policy");
    const LEAF = "tls:index/selfSignedCert:SelfSignedCert";
    const RELEASE = "kubernetes:helm.sh/v3:Release";
    const istiod = (ttl: unknown) => ({ chart: "istiod", values: { env: { MAX_WORKLOAD_CERT_TTL: ttl } } });

    it("passes a leaf certificate valid for exactly 90 days and istiod workload certificates of 24h", () => {
        expect(validateResource(certificateRotation, { type: LEAF, props: { validityPeriodHours: 2160 } })).toEqual([]);
        expect(validateResource(certificateRotation, { type: RELEASE, props: istiod("24h") })).toEqual([]);
    });

    it("reads istiod's env where the 1.30 chart takes it (top-level env), not from pilot.env, which the chart ignores", () => {
        const ignored = { chart: "istiod", values: { pilot: { env: { MAX_WORKLOAD_CERT_TTL: "24h" } } } };
        expect(validateResource(certificateRotation, { type: RELEASE, props: ignored })).toEqual([
            "istiod's MAX_WORKLOAD_CERT_TTL is undefined; workload certificates must expire within 2160h",
        ]);
    });

    it("ignores CA certificates and other Helm releases", () => {
        expect(
            validateResource(certificateRotation, {
                type: LEAF,
                props: { isCaCertificate: true, validityPeriodHours: 87600 },
            }),
        ).toEqual([]);
        expect(
            validateResource(certificateRotation, { type: RELEASE, props: { chart: "cert-manager", values: {} } }),
        ).toEqual([]);
    });

    it("fails a leaf certificate valid for longer than 90 days", () => {
        expect(
            validateResource(certificateRotation, {
                type: "tls:index/locallySignedCert:LocallySignedCert",
                props: { validityPeriodHours: 2161 },
            }),
        ).toEqual(["certificate validity is 2161h; it must be at most 2160h (rotation every 90 days)"]);
    });

    it("fails istiod workload certificates that may outlive 90 days, or an unreadable TTL", () => {
        expect(validateResource(certificateRotation, { type: RELEASE, props: istiod("2161h") })).toEqual([
            "istiod's MAX_WORKLOAD_CERT_TTL is 2161h; workload certificates must expire within 2160h",
        ]);
        expect(validateResource(certificateRotation, { type: RELEASE, props: istiod(undefined) })).toEqual([
            "istiod's MAX_WORKLOAD_CERT_TTL is undefined; workload certificates must expire within 2160h",
        ]);
    });
});

describe("identity-cluster-access-entries (RBAC-ADMIN-PERMS, RBAC-OPERATOR-PERMS, ACC-RES-ALLOCATE)", () => {
    const arn = (n: string) => `arn:aws:iam::${ACCT}:role/mas-prod-${n}`;
    const humanRole = (n: string, rbac: string) => ({
        type: ROLE,
        name: n,
        props: { arn: arn(n), tags: { "rbac-role": rbac } },
    });
    const entry = (n: string, groups: string[]) => ({
        type: "aws:eks/accessEntry:AccessEntry",
        name: `entry-${n}`,
        props: { clusterName: "mas-prod-eks", principalArn: arn(n), kubernetesGroups: groups, type: "STANDARD" },
    });
    const adminPolicy = {
        type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        name: "admin-assoc",
        props: {
            clusterName: "mas-prod-eks",
            principalArn: arn("system-admin"),
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
        },
    };
    const stack = () => [
        { type: "aws:eks/cluster:Cluster", name: "eks", props: { name: "mas-prod-eks" } },
        humanRole("system-admin", "system_admin"),
        humanRole("operator", "operator"),
        humanRole("resource-manager", "resource_manager"),
        entry("system-admin", ["mas:system-admins"]),
        entry("operator", ["mas:operators"]),
        entry("resource-manager", ["mas:resource-managers"]),
        adminPolicy,
    ];
    const run = (rs: object[]) => validateStack(p.clusterAccessEntries, rs as never).map((v) => v.message);
    it("passes each human role with its entry and group, system_admin with cluster admin", () =>
        expect(run(stack())).toEqual([]));
    it("fails a deleted operator entry", () =>
        expect(run(stack().filter((r) => r.name !== "entry-operator"))).toEqual([
            `[RBAC-OPERATOR-PERMS] operator role ${arn("operator")} has no EKS access entry: it cannot reach the cluster (authentication mode API)`,
        ]));
    it("fails the resource manager's entry mapped to the operators' group", () =>
        expect(
            run(
                stack().map((r) =>
                    r.name === "entry-resource-manager" ? entry("resource-manager", ["mas:operators"]) : r,
                ),
            ),
        ).toEqual([
            "[ACC-RES-ALLOCATE] the EKS access entry of resource_manager maps it to [mas:operators] (type STANDARD); expected a STANDARD entry with group mas:resource-managers",
        ]));
    it("fails system_admin without the cluster admin access policy", () =>
        expect(run(stack().filter((r) => r !== adminPolicy))).toEqual([
            `[RBAC-ADMIN-PERMS] system_admin role ${arn("system-admin")} has no AmazonEKSClusterAdminPolicy association at cluster scope: no full access to the cluster`,
        ]));
});
