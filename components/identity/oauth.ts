// The identity section's OAuth2 provider (the guide's secondary, token-based authentication): a Cognito user
// pool with MFA, its managed-login domain, the agents' API as a resource server, and the two app clients.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";

/** The OAuth2 scopes of the agents' API (resource server) the service client may request. */
export const AGENT_API_SCOPES = ["tasks.read", "tasks.write", "status.read"] as const;

export interface UserPoolArgs {
    prefix: string;
    accountId: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** Protects the user pool. */
    deletionProtection: boolean;
}

/** The user pool (MFA on, Plus tier threat protection), its managed-login domain and the agents' API. */
export function userPool(parent: pulumi.Resource, name: string, args: UserPoolArgs) {
    const { prefix } = args;
    const pool = new aws.cognito.UserPool(
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
                relyingPartyId: pulumi.interpolate`${prefix}-auth-${args.accountId}.auth.${args.region}.amazoncognito.com`,
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
            deletionProtection: args.deletionProtection ? "ACTIVE" : "INACTIVE",
        },
        { parent, protect: args.deletionProtection },
    );
    const domain = new aws.cognito.UserPoolDomain(
        `${name}-auth-domain`,
        {
            domain: pulumi.interpolate`${prefix}-auth-${args.accountId}`,
            userPoolId: pool.id,
            managedLoginVersion: 2,
        },
        { parent },
    );
    const apiIdentifier = `https://${prefix}.agents.internal`;
    const resourceServer = new aws.cognito.ResourceServer(
        `${name}-agent-api`,
        {
            identifier: apiIdentifier,
            name: `${prefix}-agent-api`,
            userPoolId: pool.id,
            scopes: AGENT_API_SCOPES.map((s) => ({ scopeName: s, scopeDescription: `Agent API: ${s}` })),
        },
        { parent },
    );
    return { userPool: pool, domain, resourceServer, apiIdentifier };
}

export interface OAuthClientsArgs {
    prefix: string;
    userPoolId: pulumi.Input<string>;
    /** The agents' API: the service client's scopes are its, and the client waits for it. */
    resourceServer: aws.cognito.ResourceServer;
    apiIdentifier: string;
    /** The managed-login domain the human client's branding waits for. */
    userPoolDomain: aws.cognito.UserPoolDomain;
    /** OAuth2 callbacks of the human client (authorization code flow). */
    callbackUrls: string[];
}

/** The human (authorization code) and service (client credentials) clients and the human client's branding. */
export function oauthClients(parent: pulumi.Resource, name: string, args: OAuthClientsArgs) {
    const { prefix } = args;
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
    const humanClient = new aws.cognito.UserPoolClient(
        `${name}-human-client`,
        {
            name: `${prefix}-console`,
            userPoolId: args.userPoolId,
            ...validity,
            allowedOauthFlows: ["code"],
            allowedOauthScopes: ["openid", "email", "profile"],
            callbackUrls: args.callbackUrls,
            explicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        },
        { parent },
    );
    const serviceClient = new aws.cognito.UserPoolClient(
        `${name}-service-client`,
        {
            name: `${prefix}-service`,
            userPoolId: args.userPoolId,
            ...validity,
            allowedOauthFlows: ["client_credentials"],
            allowedOauthScopes: AGENT_API_SCOPES.map((s) => `${args.apiIdentifier}/${s}`),
            explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        },
        { parent, dependsOn: [args.resourceServer] },
    );
    // Managed login (v2) serves an app client's sign-in pages only once the client has a branding style;
    // without one the domain shows "login pages unavailable". Cognito's default style is enough.
    const humanClientBranding = new aws.cognito.ManagedLoginBranding(
        `${name}-human-client-branding`,
        { userPoolId: args.userPoolId, clientId: humanClient.id, useCognitoProvidedValues: true },
        { parent, dependsOn: [args.userPoolDomain] },
    );
    return { humanClient, serviceClient, humanClientBranding };
}
