import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { oauthClients, userPool } from "./oauth";
import { agentRoles, iamContext, IdentityRoles, permissionsBoundary, rbacRoles } from "./roles";

export * from "./documents";
export { AGENT_API_SCOPES } from "./oauth";
export { agentRoles, iamContext, MONITORING_SERVICE_ACCOUNT } from "./roles";
export type { IdentityRoles } from "./roles";

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

/**
 * The guide's identity_management section: the RBAC roles as IAM roles (humans through the account with MFA,
 * workloads through EKS Pod Identity), the permissions boundary every role of the stack carries, and the
 * OAuth2 provider (Cognito) with MFA (TOTP, WebAuthn) and 12-hour tokens.
 */
export class Identity extends pulumi.ComponentResource {
    readonly roles: IdentityRoles;
    /** One workload role per configured agent, named `${namePrefix}-agent-<agent>`. */
    readonly agentRoles: Record<string, aws.iam.Role>;
    /** The shared ABAC policy attached to every agent role (agent stacks attach it to theirs: the contract). */
    readonly agentPolicy: aws.iam.Policy;
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
        const prefix = namePrefix(cfg);
        const { accountId, region, json } = iamContext(this, cfg, prefix);

        this.permissionsBoundary = permissionsBoundary(this, name, { prefix, json });
        this.permissionsBoundaryArn = this.permissionsBoundary.arn;
        const roleArgs = { prefix, json, permissionsBoundaryArn: this.permissionsBoundary.arn };
        const rbac = rbacRoles(this, name, roleArgs);
        this.roles = rbac.roles;
        const agents = agentRoles(this, name, {
            ...roleArgs,
            agents: cfg.agents,
            platformStack: cfg.stack,
            stack: cfg.stack,
        });
        this.agentRoles = agents.roles;
        this.agentPolicy = agents.policy as aws.iam.Policy;
        this.privilegedRoleArns = pulumi.all([this.roles.systemAdmin.arn]);

        const pool = userPool(this, name, { prefix, accountId, region, deletionProtection: cfg.deletionProtection });
        this.userPool = pool.userPool;
        this.userPoolDomain = pool.domain;
        this.resourceServer = pool.resourceServer;
        const clients = oauthClients(this, name, {
            prefix,
            userPoolId: this.userPool.id,
            resourceServer: pool.resourceServer,
            apiIdentifier: pool.apiIdentifier,
            userPoolDomain: pool.domain,
            callbackUrls: callbackUrls(cfg),
        });
        this.humanClient = clients.humanClient;
        this.serviceClient = clients.serviceClient;
        this.humanClientBranding = clients.humanClientBranding;
        this.humanClientSecret = pulumi.secret(this.humanClient.clientSecret);
        this.serviceClientSecret = pulumi.secret(this.serviceClient.clientSecret);

        recordEvidence(args.evidence, this, rbac.policies, agents.policy);

        const roles = this.roles;
        this.registerOutputs({
            roleArns: {
                systemAdmin: roles.systemAdmin.arn,
                operator: roles.operator.arn,
                monitoringAgent: roles.monitoringAgent.arn,
                resourceManager: roles.resourceManager.arn,
            },
            permissionsBoundaryArn: this.permissionsBoundaryArn,
            userPoolId: this.userPool.id,
            humanClientId: this.humanClient.id,
            serviceClientId: this.serviceClient.id,
            serviceClientSecret: this.serviceClientSecret,
        });
    }
}

/** The human client's OAuth2 callbacks; empty config means https://<domainName or localhost>/oauth2/callback. */
function callbackUrls(cfg: IdentityConfig): string[] {
    return cfg.authCallbackUrls.length > 0
        ? cfg.authCallbackUrls
        : [`https://${cfg.domainName || "localhost"}/oauth2/callback`];
}

/** The section's controls and the resources that meet them. */
function recordEvidence(
    ev: EvidenceRegistry,
    id: Identity,
    policies: { systemAdmin: aws.iam.Policy; operator: aws.iam.Policy; resourceManager: aws.iam.Policy },
    agentPolicy: aws.iam.Policy | undefined,
): void {
    const { systemAdmin, operator, resourceManager, monitoringAgent } = id.roles;
    const agentRoleList = Object.values(id.agentRoles);
    ev.record("AUTH-TOKEN", id.userPool, id.resourceServer, id.humanClient, id.serviceClient, id.humanClientBranding);
    ev.record("AUTH-MFA", id.userPool, systemAdmin, operator, resourceManager);
    ev.record("AUTH-MFA-TOTP", id.userPool);
    ev.record("AUTH-MFA-HARDWARE", id.userPool, systemAdmin, operator, resourceManager);
    ev.record("RBAC-ADMIN-PERMS", systemAdmin, policies.systemAdmin);
    ev.record("RBAC-ADMIN-MFA", systemAdmin);
    ev.record("RBAC-ADMIN-AUDIT", systemAdmin, id.permissionsBoundary);
    ev.record("RBAC-OPERATOR-PERMS", operator, policies.operator);
    ev.record("RBAC-OPERATOR-NO-CONFIG", policies.operator);
    ev.record("RBAC-OPERATOR-NO-SECURITY", policies.operator);
    ev.record("RBAC-AGENT-PERMS", ...(agentPolicy ? [agentPolicy] : []), ...agentRoleList);
    ev.record("RBAC-AGENT-NS", ...agentRoleList);
    ev.record("ACC-RES-ALLOCATE", resourceManager, policies.resourceManager);
    ev.record("ACC-RES-MONITOR", systemAdmin, operator);
    ev.record("IAM-PAM", systemAdmin, id.permissionsBoundary);
    ev.record(
        "IAM-BOUNDARY",
        id.permissionsBoundary,
        systemAdmin,
        operator,
        resourceManager,
        monitoringAgent,
        ...agentRoleList,
    );
}
