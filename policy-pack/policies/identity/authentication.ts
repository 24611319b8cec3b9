// identity_management.authentication: MFA for people, Cognito sign-in and tokens, certificate lifetimes.

import { guide } from "../../catalog";
import { HUMAN_ROLES, PAM_MAX_SESSION_HOURS, RBAC_ROLE_TAG } from "../../catalog/identity";
import { asObject as obj, asStrings as strings, resourcePolicy } from "../lib";
import { condition, rbacRoleOf, ROLE, statementsOf } from "./shared";

const USER_POOL = "aws:cognito/userPool:UserPool";
const USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient";

const MAX_MFA_AGE_SECONDS = PAM_MAX_SESSION_HOURS * 3600;

export const humanRoleMfa = resourcePolicy({
    name: "identity-human-role-mfa",
    description: `Roles people assume (tag ${RBAC_ROLE_TAG}: ${HUMAN_ROLES.join(" / ")}) require MFA no older than ${PAM_MAX_SESSION_HOURS} h; system_admin sessions last at most ${PAM_MAX_SESSION_HOURS} h.`,
    controls: ["RBAC-ADMIN-MFA", "AUTH-MFA", "IAM-PAM"],
    severity: "critical",
    types: [ROLE],
    validate: (args, report) => {
        const rbac = rbacRoleOf(args);
        if (!rbac || !HUMAN_ROLES.includes(rbac as (typeof HUMAN_ROLES)[number])) {
            return;
        }
        const statements = statementsOf(args.props.assumeRolePolicy);
        if (!statements) {
            report(`[AUTH-MFA] ${rbac} role has no readable trust policy`);
            return;
        }
        for (const [i, s] of statements.entries()) {
            if (s.Effect !== "Allow") {
                continue;
            }
            const mfa = condition(s, "Bool", "aws:MultiFactorAuthPresent");
            if (!mfa.includes("true")) {
                // system_admin's MFA is its own guide restriction (rbac.roles.system_admin.restrictions.require_mfa).
                report(
                    `[${rbac === "system_admin" ? "RBAC-ADMIN-MFA" : "AUTH-MFA"}] ${rbac} trust statement ${s.Sid ?? i} does not require aws:MultiFactorAuthPresent = true`,
                );
            }
            const age = [
                ...condition(s, "NumericLessThan", "aws:MultiFactorAuthAge"),
                ...condition(s, "NumericLessThanEquals", "aws:MultiFactorAuthAge"),
            ].map(Number);
            if (age.length === 0 || age.some((a) => !(a <= MAX_MFA_AGE_SECONDS))) {
                report(
                    `[IAM-PAM] ${rbac} trust statement ${s.Sid ?? i} must limit aws:MultiFactorAuthAge to at most ${MAX_MFA_AGE_SECONDS} seconds`,
                );
            }
        }
        if (rbac === "system_admin") {
            const max = args.props.maxSessionDuration;
            if (typeof max !== "number" || max > MAX_MFA_AGE_SECONDS) {
                report(
                    `[RBAC-ADMIN-MFA] system_admin maxSessionDuration is ${String(max ?? "unset (3600 default)")}; set it explicitly to at most ${MAX_MFA_AGE_SECONDS} seconds`,
                );
            }
        }
    },
});

export const cognitoMfa = resourcePolicy({
    name: "identity-cognito-mfa",
    description:
        "Cognito user pools require MFA (ON) with TOTP; WebAuthn (hardware keys) requires user verification, and is a first factor under required MFA only as MFA (factorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION), which Cognito enforces.",
    controls: ["AUTH-MFA", "AUTH-MFA-TOTP", "AUTH-MFA-HARDWARE"],
    severity: "high",
    types: [USER_POOL],
    validate: (args, report) => {
        const p = args.props;
        if (p.mfaConfiguration !== "ON") {
            report(`[AUTH-MFA] mfaConfiguration is ${String(p.mfaConfiguration ?? "OFF (default)")}; it must be ON`);
        }
        if (obj(p.softwareTokenMfaConfiguration).enabled !== true) {
            report("[AUTH-MFA-TOTP] softwareTokenMfaConfiguration.enabled must be true (TOTP)");
        }
        const webAuthn = obj(p.webAuthnConfiguration);
        if (p.webAuthnConfiguration !== undefined && webAuthn.userVerification !== "required") {
            report("[AUTH-MFA-HARDWARE] webAuthnConfiguration.userVerification must be required");
        }
        // CreateUserPool / SetUserPoolMfaConfig reject this combination ("WEB_AUTHN cannot be used as an auth
        // factor when MFA is enabled if not configured for MFA").
        if (
            p.mfaConfiguration === "ON" &&
            strings(obj(p.signInPolicy).allowedFirstAuthFactors).includes("WEB_AUTHN") &&
            webAuthn.factorConfiguration !== "MULTI_FACTOR_WITH_USER_VERIFICATION"
        ) {
            report(
                "[AUTH-MFA-HARDWARE] WEB_AUTHN is a first factor while MFA is ON without webAuthnConfiguration.factorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION: Cognito rejects it",
            );
        }
    },
});

const HOURS_PER_UNIT: Record<string, number> = { seconds: 1 / 3600, minutes: 1 / 60, hours: 1, days: 24 };

export const cognitoTokenValidity = resourcePolicy({
    name: "identity-cognito-token-validity",
    description: `Cognito app clients' access, ID and refresh tokens expire after at most ${guide.identityManagement.tokenExpiryHours} h (in the client's tokenValidityUnits).`,
    controls: ["AUTH-TOKEN"],
    severity: "high",
    types: [USER_POOL_CLIENT],
    validate: (args, report) => {
        const max = guide.identityManagement.tokenExpiryHours;
        const units = obj(args.props.tokenValidityUnits);
        for (const [prop, unitKey] of [
            ["accessTokenValidity", "accessToken"],
            ["idTokenValidity", "idToken"],
            // A refresh token renews the session without signing in: it bounds how long a session lives.
            ["refreshTokenValidity", "refreshToken"],
        ] as const) {
            const value = args.props[prop];
            // Cognito's unit defaults: hours for access / ID tokens, days for refresh tokens.
            const fallback = unitKey === "refreshToken" ? "days" : "hours";
            const unit = typeof units[unitKey] === "string" ? (units[unitKey] as string) : fallback;
            if (typeof value !== "number") {
                report(
                    `${prop} is unset (Cognito's default is ${unitKey === "refreshToken" ? "30 days" : "1 h"}, but it must be set explicitly to at most ${max} h)`,
                );
                continue;
            }
            const perUnit = HOURS_PER_UNIT[unit];
            if (perUnit === undefined) {
                report(`${prop} has unknown unit ${unit}`);
            } else if (value * perUnit > max) {
                report(`${prop} is ${value} ${unit} (${value * perUnit} h); the guide allows at most ${max} h`);
            }
        }
    },
});

const CERT_TYPES = ["tls:index/selfSignedCert:SelfSignedCert", "tls:index/locallySignedCert:LocallySignedCert"];
const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** Parses a Go duration in hours ("720h", "24h0m0s"); undefined when it isn't one. */
function durationHours(value: unknown): number | undefined {
    const m = typeof value === "string" ? /^(\d+)h(?:0m(?:0s)?)?$/.exec(value) : undefined;
    return m ? Number(m[1]) : undefined;
}

export const certificateRotation = resourcePolicy({
    name: "identity-certificate-rotation",
    description: `Certificates the stack issues (leaf certificates and the mesh's workload certificates) live at most the guide's ${guide.identityManagement.certificateRotationDays}-day rotation period.`,
    controls: ["AUTH-CERT"],
    severity: "high",
    types: [...CERT_TYPES, HELM_RELEASE_TYPE],
    validate: (args, report) => {
        const maxHours = guide.identityManagement.certificateRotationDays * 24;
        if (args.type === HELM_RELEASE_TYPE) {
            if (args.props.chart !== "istiod") {
                return;
            }
            // The istiod chart (1.30) reads istiod's env from the top-level `env` value; `pilot.env` is ignored.
            const env = (args.props.values as { env?: Record<string, unknown> } | undefined)?.env ?? {};
            const ttl = durationHours(env.MAX_WORKLOAD_CERT_TTL);
            if (ttl === undefined || ttl > maxHours) {
                report(
                    `istiod's MAX_WORKLOAD_CERT_TTL is ${String(env.MAX_WORKLOAD_CERT_TTL)}; workload certificates must expire within ${maxHours}h`,
                );
            }
            return;
        }
        if (args.props.isCaCertificate === true) {
            return; // CA lifetimes are governed by the mesh's own rotation policy
        }
        const hours = args.props.validityPeriodHours;
        if (typeof hours !== "number" || hours <= 0 || hours > maxHours) {
            report(
                `certificate validity is ${String(hours)}h; it must be at most ${maxHours}h (rotation every ${guide.identityManagement.certificateRotationDays} days)`,
            );
        }
    },
});
