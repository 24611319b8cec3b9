import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { MESH } from "../../policy-pack/catalog/mesh";

/** Ten years: the root only signs intermediates and is rotated by hand (a new trust root is a mesh migration). */
export const ROOT_VALIDITY_HOURS = 10 * 365 * 24;

export interface MeshCaArgs {
    /** Organisation in the certificates' subject. */
    organization: string;
    /** Protect the root key and certificate (a lost root means re-trusting every workload). */
    protectRoot: boolean;
}

/**
 * The mesh's internal CA: an offline root and the cluster intermediate istiod signs workload certificates with.
 *
 * "Offline": the root's private key exists only in the (encrypted) Pulumi state; it never reaches the cluster.
 * The intermediate lives one rotation period; `earlyRenewalHours` makes any `pulumi up` inside the renewal
 * window replace it, and istiod reloads the updated `cacerts` Secret without a restart.
 */
export class MeshCa extends pulumi.ComponentResource {
    /** Root certificate (public). */
    readonly rootCertPem: pulumi.Output<string>;
    /** Intermediate certificate (public). */
    readonly intermediateCertPem: pulumi.Output<string>;
    /** Intermediate private key (secret). */
    readonly intermediateKeyPem: pulumi.Output<string>;
    /** intermediate + root, as istiod's `cert-chain.pem` wants it. */
    readonly certChainPem: pulumi.Output<string>;
    readonly rootKey: tls.PrivateKey;
    readonly rootCert: tls.SelfSignedCert;
    readonly intermediateKey: tls.PrivateKey;
    readonly intermediateCert: tls.LocallySignedCert;

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

        this.intermediateKey = new tls.PrivateKey(
            `${name}-intermediate-key`,
            { algorithm: "ECDSA", ecdsaCurve: "P256" },
            { parent: this },
        );
        const csr = new tls.CertRequest(
            `${name}-intermediate-csr`,
            {
                privateKeyPem: this.intermediateKey.privateKeyPem,
                subject: { commonName: `${args.organization} mesh intermediate CA`, organization: args.organization },
                dnsNames: [`istiod.${MESH.rootNamespace}.svc`],
            },
            { parent: this },
        );
        this.intermediateCert = new tls.LocallySignedCert(
            `${name}-intermediate`,
            {
                certRequestPem: csr.certRequestPem,
                caPrivateKeyPem: this.rootKey.privateKeyPem,
                caCertPem: this.rootCert.certPem,
                isCaCertificate: true,
                // Signs workload (leaf) certificates only.
                maxPathLength: 0,
                validityPeriodHours: MESH.intermediateValidityHours,
                earlyRenewalHours: MESH.renewalWindowHours,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            },
            { parent: this },
        );

        this.rootCertPem = this.rootCert.certPem;
        this.intermediateCertPem = this.intermediateCert.certPem;
        this.intermediateKeyPem = pulumi.secret(this.intermediateKey.privateKeyPem);
        this.certChainPem = pulumi.interpolate`${this.intermediateCert.certPem}${this.rootCert.certPem}`;

        this.registerOutputs({
            rootCertPem: this.rootCertPem,
            intermediateCertPem: this.intermediateCertPem,
        });
    }
}
