import { MockContext, MockOutputs } from "./types";

/** A PEM block with a recognisable, deterministic body (not a real key or certificate). */
function pem(label: string, ctx: MockContext): string {
    const body = Buffer.from(`mock ${label} ${ctx.logicalName} ${ctx.id}`).toString("base64");
    return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

function validity(ctx: MockContext): Record<string, unknown> {
    const hours = Number(ctx.inputs.validityPeriodHours ?? 0);
    const start = new Date("2026-01-01T00:00:00Z");
    return {
        validityStartTime: start.toISOString(),
        validityEndTime: new Date(start.getTime() + hours * 3600_000).toISOString(),
        readyForRenewal: false,
    };
}

/** Computed outputs the real provider returns for this area's resource types (beyond id / arn / auto-name). */
export const meshOutputs: MockOutputs = {
    "tls:index/privateKey:PrivateKey": (ctx) => ({
        privateKeyPem: pem(ctx.inputs.algorithm === "RSA" ? "RSA PRIVATE KEY" : "EC PRIVATE KEY", ctx),
        privateKeyPemPkcs8: pem("PRIVATE KEY", ctx),
        publicKeyPem: pem("PUBLIC KEY", ctx),
    }),
    "tls:index/certRequest:CertRequest": (ctx) => ({ certRequestPem: pem("CERTIFICATE REQUEST", ctx) }),
    "tls:index/selfSignedCert:SelfSignedCert": (ctx) => ({ certPem: pem("CERTIFICATE", ctx), ...validity(ctx) }),
    "tls:index/locallySignedCert:LocallySignedCert": (ctx) => ({
        certPem: pem("CERTIFICATE", ctx),
        ...validity(ctx),
    }),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": (ctx) => ({
        associationId: `a-${ctx.id.replace(/-/g, "").slice(0, 17)}`,
        associationArn: `arn:aws:eks:${ctx.region}:${ctx.account}:podidentityassociation/${String(ctx.inputs.clusterName)}/a-${ctx.id.replace(/-/g, "").slice(0, 17)}`,
    }),
};
