// policy-pack/policies/identity/authentication.ts

import * as p from "../../../policy-pack/policies/identity";
import { validateResource } from "../../harness/policy";
import { ACCT, doc, ROLE } from "./fixtures";

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
                refreshTokenValidity: 12,
                tokenValidityUnits: { accessToken: "hours", idToken: "hours", refreshToken: "hours" },
                ...over,
            },
        });
    it("passes 12 hours, and 720 minutes", () => {
        expect(client()).toEqual([]);
        expect(
            client({
                accessTokenValidity: 720,
                tokenValidityUnits: { accessToken: "minutes", idToken: "hours", refreshToken: "hours" },
            }),
        ).toEqual([]);
    });
    it("fails 13 hour access tokens", () =>
        expect(client({ accessTokenValidity: 13 })).toEqual([
            "accessTokenValidity is 13 hours (13 h); the guide allows at most 12 h",
        ]));
    it("fails 1 day ID tokens (units respected)", () =>
        expect(
            client({ tokenValidityUnits: { accessToken: "hours", idToken: "days", refreshToken: "hours" } }),
        ).toEqual(["idTokenValidity is 12 days (288 h); the guide allows at most 12 h"]));
    it("defaults the unit to hours and fails an unset validity", () =>
        expect(client({ tokenValidityUnits: undefined, idTokenValidity: undefined, refreshTokenValidity: 1 })).toEqual([
            "idTokenValidity is unset (Cognito's default is 1 h, but it must be set explicitly to at most 12 h)",
            "refreshTokenValidity is 1 days (24 h); the guide allows at most 12 h",
        ]));
    it("passes stricter tokens: 1 h access, 30 min ID, 4 h refresh", () =>
        expect(
            client({
                accessTokenValidity: 1,
                idTokenValidity: 30,
                refreshTokenValidity: 4,
                tokenValidityUnits: { accessToken: "hours", idToken: "minutes", refreshToken: "hours" },
            }),
        ).toEqual([]));
    it("fails a 30-day refresh token beside 12 h access tokens", () =>
        expect(
            client({
                refreshTokenValidity: 30,
                tokenValidityUnits: { accessToken: "hours", idToken: "hours", refreshToken: "days" },
            }),
        ).toEqual(["refreshTokenValidity is 30 days (720 h); the guide allows at most 12 h"]));
    it("fails an unset refresh token validity (Cognito's 30 days)", () =>
        expect(client({ refreshTokenValidity: undefined })).toEqual([
            "refreshTokenValidity is unset (Cognito's default is 30 days, but it must be set explicitly to at most 12 h)",
        ]));
});

describe("identity-certificate-rotation (AUTH-CERT)", () => {
    const { certificateRotation } =
        require("../../../policy-pack/policies/identity") as typeof import("../../../policy-pack/policies/identity");
    const { validateResource } = require("../../harness/policy") as typeof import("../../harness/policy");
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
