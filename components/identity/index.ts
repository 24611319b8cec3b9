import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import { BOUNDARY_TAG, PAM_MAX_SESSION_HOURS, RBAC_ROLE_TAG, RbacRole } from "../../policy-pack/catalog/identity";
import { agentNamespace, clusterName, namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import * as docs from "./documents";

export * from "./documents";

/** The stack config the identity section reads (keys as validated in components/config). */
export interface IdentityConfig {
    /** Stack name: role, pool and cluster names derive from it. */
    stack: string;
    /** One namespace-bound workload role per agent. */
    agents: string[];
    /** OAuth2 callbacks of the human client; empty means https://<domainName or localhost>/oauth2/callback. */
    authCallbackUrls: string[];
    domainName: string;
    /** Protects the user pool. */
    deletionProtection: boolean;
}

export interface IdentityArgs {
    config: IdentityConfig;
    evidence: EvidenceRegistry;
}

/** Where the metrics collector runs; the cluster section creates its Pod Identity association. */
export const MONITORING_SERVICE_ACCOUNT = { namespace: "monitoring", name: "monitoring-agent" } as const;

/** IAM role names are limited to 64 characters. */
const IAM_ROLE_NAME_MAX = 64;
const HOUR = 3600;

/** The OAuth2 scopes of the agents' API (resource server) the service client may request. */
export const AGENT_API_SCOPES = ["tasks.read", "tasks.write", "status.read"] as const;

export interface IdentityRoles {
    systemAdmin: aws.iam.Role;
    operator: aws.iam.Role;
    monitoringAgent: aws.iam.Role;
    resourceManager: aws.iam.Role;
}

/**
 * The guide's identity_management section: the RBAC roles as IAM roles (humans through the account with MFA,
 * workloads through EKS Pod Identity), the permissions boundary every role of the stack carries, and the
 * OAuth2 provider (Cognito) with MFA (TOTP, WebAuthn) and 12-hour tokens.
 */
export class Identity extends pulumi.ComponentResource {
    readonly roles: IdentityRoles;
    /** One workload role per configured agent, named `${namePrefix}-agent-<agent>`. */
    readonly agentRoles: Record<string, aws.iam.Role>;
    /** Attach to EVERY role of the stack (other sections' roles too): `permissionsBoundary: permissionsBoundaryArn`. */
    readonly permissionsBoundary: aws.iam.Policy;
    readonly permissionsBoundaryArn: pulumi.Output<string>;
    /** Role ARNs whose every assumption the operations section alarms on (CloudTrail AssumeRole events). */
    readonly privilegedRoleArns: pulumi.Output<string[]>;
    readonly userPool: aws.cognito.UserPool;
    readonly userPoolDomain: aws.cognito.UserPoolDomain;
    readonly resourceServer: aws.cognito.ResourceServer;
    readonly humanClient: aws.cognito.UserPoolClient;
    readonly serviceClient: aws.cognito.UserPoolClient;
    /** The human client's managed login style (the service client uses client_credentials, no pages). */
    readonly humanClientBranding: aws.cognito.ManagedLoginBranding;
    /** Client secrets, as secrets. */
    readonly humanClientSecret: pulumi.Output<string>;
    readonly serviceClientSecret: pulumi.Output<string>;

    constructor(name: string, args: IdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:identity:Identity", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const prefix = namePrefix(cfg);
        const parent = { parent: this };

        const caller = aws.getCallerIdentityOutput({}, parent);
        const region = aws.getRegionOutput({}, parent);
        const partition = aws.getPartitionOutput({}, parent);
        const ctx: pulumi.Output<docs.IamContext> = pulumi
            .all([caller.accountId, region.region, partition.partition])
            .apply(([account, reg, part]) => ({
                account,
                region: reg,
                partition: part,
                prefix,
                clusterName: clusterName(cfg),
                stack: cfg.stack,
            }));
        const json = (build: (c: docs.IamContext) => docs.PolicyDocument) => ctx.apply((c) => JSON.stringify(build(c)));

        this.permissionsBoundary = new aws.iam.Policy(
            `${name}-permissions-boundary`,
            {
                name: `${prefix}-permissions-boundary`,
                description: "Permissions boundary of every IAM role of the stack (least privilege ceiling, PAM).",
                policy: json(docs.permissionsBoundary),
                tags: { [BOUNDARY_TAG]: "true" },
            },
            parent,
        );
        this.permissionsBoundaryArn = this.permissionsBoundary.arn;

        const role = (
            key: string,
            rbac: RbacRole,
            trust: pulumi.Input<string>,
            maxSessionDuration: number,
            description: string,
        ) => {
            const roleName = `${prefix}-${key}`;
            if (roleName.length > IAM_ROLE_NAME_MAX) {
                throw new Error(`IAM role name ${roleName} is longer than ${IAM_ROLE_NAME_MAX} characters`);
            }
            return new aws.iam.Role(
                `${name}-${key}`,
                {
                    name: roleName,
                    description,
                    assumeRolePolicy: trust,
                    maxSessionDuration,
                    permissionsBoundary: this.permissionsBoundary.arn,
                    tags: { [RBAC_ROLE_TAG]: rbac },
                },
                parent,
            );
        };
        const policy = (key: string, rbac: RbacRole, document: pulumi.Input<string>, roles: aws.iam.Role[]) => {
            const p = new aws.iam.Policy(
                `${name}-${key}`,
                { name: `${prefix}-${key}`, policy: document, tags: { [RBAC_ROLE_TAG]: rbac } },
                parent,
            );
            roles.forEach(
                (r, i) =>
                    new aws.iam.RolePolicyAttachment(
                        `${name}-${key}-${roles.length === 1 ? "attachment" : i}`,
                        { role: r.name, policyArn: p.arn },
                        parent,
                    ),
            );
            return p;
        };

        // Human roles: assumed from the account with MFA. Privileged sessions last at most PAM_MAX_SESSION_HOURS;
        // the others as long as the guide's token expiry.
        const humanTrust = json(docs.humanTrust);
        const tokenSeconds = guide.identityManagement.tokenExpiryHours * HOUR;
        const systemAdmin = role(
            "system-admin",
            "system_admin",
            humanTrust,
            PAM_MAX_SESSION_HOURS * HOUR,
            "system_admin: manage agents, resources and security (MFA, 1 h sessions, every assumption alarmed).",
        );
        const operator = role(
            "operator",
            "operator",
            humanTrust,
            tokenSeconds,
            "operator: view status, restart agents, view logs; no configuration or security changes.",
        );
        const resourceManager = role(
            "resource-manager",
            "resource_manager",
            humanTrust,
            tokenSeconds,
            "resource_manager: allocate compute (node group capacity, quotas, priority classes).",
        );
        const monitoringAgent = role(
            "monitoring-agent",
            "monitoring_agent",
            json((c) =>
                docs.podIdentityTrust(c, MONITORING_SERVICE_ACCOUNT.namespace, MONITORING_SERVICE_ACCOUNT.name),
            ),
            HOUR,
            "monitoring_agent: writes metrics (EKS Pod Identity, monitoring/monitoring-agent).",
        );
        this.roles = { systemAdmin, operator, monitoringAgent, resourceManager };

        const adminPolicy = policy("system-admin", "system_admin", json(docs.systemAdminPolicy), [systemAdmin]);
        const operatorPolicy = policy("operator", "operator", json(docs.operatorPolicy), [operator]);
        const rmPolicy = policy("resource-manager", "resource_manager", json(docs.resourceManagerPolicy), [
            resourceManager,
        ]);
        policy("monitoring-agent", "monitoring_agent", json(docs.monitoringAgentPolicy), [monitoringAgent]);

        // Agent workload roles: trusted only by EKS Pod Identity for the agent's own namespace / service account.
        // Per agent: one role and one attachment of the shared ABAC policy (constant count, so 1,000 agents scale).
        this.agentRoles = Object.fromEntries(
            cfg.agents.map((agent) => [
                agent,
                role(
                    `agent-${agent}`,
                    "agent",
                    json((c) => docs.podIdentityTrust(c, agentNamespace(agent), agent)),
                    HOUR,
                    `agent ${agent}: namespace-bound workload role (EKS Pod Identity, ${agentNamespace(agent)}/${agent}).`,
                ),
            ]),
        );
        const agentRoleList = Object.values(this.agentRoles);
        const agentPolicy = new aws.iam.Policy(
            `${name}-agent`,
            {
                name: `${prefix}-agent`,
                policy: json(docs.agentPolicy),
                tags: { [RBAC_ROLE_TAG]: "agent" },
            },
            parent,
        );
        for (const agent of cfg.agents) {
            new aws.iam.RolePolicyAttachment(
                `${name}-agent-${agent}`,
                { role: this.agentRoles[agent].name, policyArn: agentPolicy.arn },
                parent,
            );
        }
        this.privilegedRoleArns = pulumi.all([systemAdmin.arn]);

        // OAuth2 provider (the guide's secondary, token-based authentication).
        this.userPool = new aws.cognito.UserPool(
            `${name}-users`,
            {
                name: `${prefix}-users`,
                usernameAttributes: ["email"],
                autoVerifiedAttributes: ["email"],
                adminCreateUserConfig: { allowAdminCreateUserOnly: true },
                accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
                mfaConfiguration: "ON",
                softwareTokenMfaConfiguration: { enabled: true },
                // Passkeys (FIDO2 keys) with user verification. With MFA ON, Cognito rejects WEB_AUTHN as a first
                // factor unless webAuthnConfiguration.factorConfiguration is MULTI_FACTOR_WITH_USER_VERIFICATION,
                // which @pulumi/aws 7.48 cannot set (terraform-provider-aws#50110): PASSWORD only until it can.
                // Hardware tokens meanwhile are IAM MFA devices (FIDO2 / hardware TOTP) on the human roles.
                webAuthnConfiguration: {
                    relyingPartyId: pulumi.interpolate`${prefix}-auth-${caller.accountId}.auth.${region.region}.amazoncognito.com`,
                    userVerification: "required",
                },
                signInPolicy: { allowedFirstAuthFactors: ["PASSWORD"] },
                passwordPolicy: {
                    minimumLength: 14,
                    requireLowercase: true,
                    requireUppercase: true,
                    requireNumbers: true,
                    requireSymbols: true,
                    passwordHistorySize: 24,
                    temporaryPasswordValidityDays: 1,
                },
                // Threat protection (compromised credentials, adaptive authentication) needs the Plus tier.
                userPoolTier: "PLUS",
                userPoolAddOns: { advancedSecurityMode: "ENFORCED" },
                deletionProtection: cfg.deletionProtection ? "ACTIVE" : "INACTIVE",
            },
            { parent: this, protect: cfg.deletionProtection },
        );
        this.userPoolDomain = new aws.cognito.UserPoolDomain(
            `${name}-auth-domain`,
            {
                domain: pulumi.interpolate`${prefix}-auth-${caller.accountId}`,
                userPoolId: this.userPool.id,
                managedLoginVersion: 2,
            },
            parent,
        );
        const apiIdentifier = `https://${prefix}.agents.internal`;
        this.resourceServer = new aws.cognito.ResourceServer(
            `${name}-agent-api`,
            {
                identifier: apiIdentifier,
                name: `${prefix}-agent-api`,
                userPoolId: this.userPool.id,
                scopes: AGENT_API_SCOPES.map((s) => ({ scopeName: s, scopeDescription: `Agent API: ${s}` })),
            },
            parent,
        );

        const hours = guide.identityManagement.tokenExpiryHours;
        // Access, ID and refresh tokens all end after the guide's expiry: a session never outlives it.
        const validity = {
            accessTokenValidity: hours,
            idTokenValidity: hours,
            refreshTokenValidity: hours,
            tokenValidityUnits: { accessToken: "hours", idToken: "hours", refreshToken: "hours" },
            enableTokenRevocation: true,
            preventUserExistenceErrors: "ENABLED",
            supportedIdentityProviders: ["COGNITO"],
            allowedOauthFlowsUserPoolClient: true,
            generateSecret: true,
        };
        const callbackUrls =
            cfg.authCallbackUrls.length > 0
                ? cfg.authCallbackUrls
                : [`https://${cfg.domainName || "localhost"}/oauth2/callback`];
        this.humanClient = new aws.cognito.UserPoolClient(
            `${name}-human-client`,
            {
                name: `${prefix}-console`,
                userPoolId: this.userPool.id,
                ...validity,
                allowedOauthFlows: ["code"],
                allowedOauthScopes: ["openid", "email", "profile"],
                callbackUrls,
                explicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            },
            parent,
        );
        this.serviceClient = new aws.cognito.UserPoolClient(
            `${name}-service-client`,
            {
                name: `${prefix}-service`,
                userPoolId: this.userPool.id,
                ...validity,
                allowedOauthFlows: ["client_credentials"],
                allowedOauthScopes: AGENT_API_SCOPES.map((s) => `${apiIdentifier}/${s}`),
                explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
            },
            { parent: this, dependsOn: [this.resourceServer] },
        );
        // Managed login (v2) serves an app client's sign-in pages only once the client has a branding style;
        // without one the domain shows "login pages unavailable". Cognito's default style is enough.
        this.humanClientBranding = new aws.cognito.ManagedLoginBranding(
            `${name}-human-client-branding`,
            { userPoolId: this.userPool.id, clientId: this.humanClient.id, useCognitoProvidedValues: true },
            { parent: this, dependsOn: [this.userPoolDomain] },
        );
        this.humanClientSecret = pulumi.secret(this.humanClient.clientSecret);
        this.serviceClientSecret = pulumi.secret(this.serviceClient.clientSecret);

        ev.record(
            "AUTH-TOKEN",
            this.userPool,
            this.resourceServer,
            this.humanClient,
            this.serviceClient,
            this.humanClientBranding,
        );
        ev.record("AUTH-MFA", this.userPool, systemAdmin, operator, resourceManager);
        ev.record("AUTH-MFA-TOTP", this.userPool);
        ev.record("AUTH-MFA-HARDWARE", this.userPool, systemAdmin, operator, resourceManager);
        ev.record("RBAC-ADMIN-PERMS", systemAdmin, adminPolicy);
        ev.record("RBAC-ADMIN-MFA", systemAdmin);
        ev.record("RBAC-ADMIN-AUDIT", systemAdmin, this.permissionsBoundary);
        ev.record("RBAC-OPERATOR-PERMS", operator, operatorPolicy);
        ev.record("RBAC-OPERATOR-NO-CONFIG", operatorPolicy);
        ev.record("RBAC-OPERATOR-NO-SECURITY", operatorPolicy);
        ev.record("RBAC-AGENT-PERMS", agentPolicy, ...agentRoleList);
        ev.record("RBAC-AGENT-NS", ...agentRoleList);
        ev.record("ACC-RES-ALLOCATE", resourceManager, rmPolicy);
        ev.record("ACC-RES-MONITOR", systemAdmin, operator);
        ev.record("IAM-PAM", systemAdmin, this.permissionsBoundary);
        ev.record(
            "IAM-BOUNDARY",
            this.permissionsBoundary,
            systemAdmin,
            operator,
            resourceManager,
            monitoringAgent,
            ...agentRoleList,
        );

        this.registerOutputs({
            roleArns: {
                systemAdmin: systemAdmin.arn,
                operator: operator.arn,
                monitoringAgent: monitoringAgent.arn,
                resourceManager: resourceManager.arn,
            },
            permissionsBoundaryArn: this.permissionsBoundaryArn,
            userPoolId: this.userPool.id,
            humanClientId: this.humanClient.id,
            serviceClientId: this.serviceClient.id,
            serviceClientSecret: this.serviceClientSecret,
        });
    }
}
