import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { MESH } from "../../policy-pack/catalog/mesh";

/** Ten years: the root only signs issuing CAs and is rotated by hand (a new trust root is a mesh migration). */
export const ROOT_VALIDITY_HOURS = 10 * 365 * 24;

/** The issuing CA's key generation at a time: one per renewal window, counted from the Unix epoch. */
export function issuingKeyGeneration(nowMs: number): number {
    return Math.floor(nowMs / (MESH.issuingCaRenewalHours * 3_600_000));
}

export interface MeshCaArgs {
    /** Organisation in the certificates' subject. */
    organization: string;
    /** Protect the root key and certificate (a lost root means re-trusting every workload). */
    protectRoot: boolean;
}

/**
 * The Pulumi-held part of the mesh CA: an offline root and the issuing CA it signs for the cluster.
 *
 * "Offline": the root's private key exists only in the (encrypted) Pulumi state; it never reaches the cluster.
 * The issuing CA goes into the cluster as a cert-manager CA Issuer, which signs the intermediate istiod uses and
 * re-issues it with a new key every rotation period, without `pulumi up` (see Mesh). The issuing CA may only sign
 * that one level of CAs (path length 1); any `pulumi up` in its second year replaces it (a new key as well).
 */
export class MeshCa extends pulumi.ComponentResource {
    /** Root certificate (public). */
    readonly rootCertPem: pulumi.Output<string>;
    /** Issuing CA certificate (public) and private key (secret). */
    readonly issuingCertPem: pulumi.Output<string>;
    readonly issuingKeyPem: pulumi.Output<string>;
    readonly rootKey: tls.PrivateKey;
    readonly rootCert: tls.SelfSignedCert;
    readonly issuingKey: tls.PrivateKey;
    readonly issuingCert: tls.LocallySignedCert;

    constructor(name: string, args: MeshCaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:mesh:MeshCa", name, {}, opts);
        const keep = { parent: this, protect: args.protectRoot };

        this.rootKey = new tls.PrivateKey(`${name}-root-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, keep);
        this.rootCert = new tls.SelfSignedCert(
            `${name}-root`,
            {
                privateKeyPem: this.rootKey.privateKeyPem,
                subject: { commonName: `${args.organization} mesh root CA`, organization: args.organization },
                isCaCertificate: true,
                validityPeriodHours: ROOT_VALIDITY_HOURS,
                // No early renewal: replacing the root silently would split the mesh's trust.
                earlyRenewalHours: 0,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            },
            keep,
        );

        // A new key (and so a new CSR and certificate) once per renewal window: the trigger changes when the
        // clock enters the next window, so the first `pulumi up` after that replaces key and certificate.
        this.issuingKey = new tls.PrivateKey(
            `${name}-issuing-key`,
            { algorithm: "ECDSA", ecdsaCurve: "P256" },
            { parent: this, replacementTrigger: issuingKeyGeneration(Date.now()) },
        );
        const csr = new tls.CertRequest(
            `${name}-issuing-csr`,
            {
                privateKeyPem: this.issuingKey.privateKeyPem,
                subject: { commonName: `${args.organization} mesh issuing CA`, organization: args.organization },
            },
            { parent: this },
        );
        this.issuingCert = new tls.LocallySignedCert(
            `${name}-issuing`,
            {
                certRequestPem: csr.certRequestPem,
                caPrivateKeyPem: this.rootKey.privateKeyPem,
                caCertPem: this.rootCert.certPem,
                isCaCertificate: true,
                // Signs the rotating intermediate only; that one signs workload (leaf) certificates only.
                maxPathLength: 1,
                validityPeriodHours: MESH.issuingCaValidityHours,
                earlyRenewalHours: MESH.issuingCaRenewalHours,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            },
            { parent: this },
        );

        this.rootCertPem = this.rootCert.certPem;
        this.issuingCertPem = this.issuingCert.certPem;
        this.issuingKeyPem = pulumi.secret(this.issuingKey.privateKeyPem);

        this.registerOutputs({ rootCertPem: this.rootCertPem, issuingCertPem: this.issuingCertPem });
    }
}
