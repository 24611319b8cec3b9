// The mesh CA inside the cluster: the issuing CA as cert-manager's CA Issuer, and the rotating intermediate
// (a cert-manager Certificate) that istiod reads as `cacerts`.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MESH } from "../../policy-pack/catalog/mesh";
import { MeshCa } from "./ca";
import { CustomResourceFactory } from "./custom-resource";

const ISSUING_CA_SECRET = "mesh-issuing-ca";

export interface MeshCaIssuerArgs {
    /** The Pulumi-held root and issuing CA. */
    ca: MeshCa;
    /** istio-system, where the issuer, the intermediate and `cacerts` live. */
    namespace: k8s.core.v1.Namespace;
    /** Organisation in the intermediate's subject. */
    organization: string;
    /** The cert-manager release (its CRDs and controller). */
    certManager: pulumi.Resource;
}

/** Issuing CA Secret → namespaced CA Issuer → intermediate Certificate, awaited until issued. */
export function meshCaIssuer(
    name: string,
    args: MeshCaIssuerArgs,
    cr: CustomResourceFactory,
    k8sOpts: pulumi.CustomResourceOptions,
) {
    // The issuing CA as cert-manager's CA Issuer reads it (tls.crt, tls.key, ca.crt = the root). Only cert-manager
    // reads it, when it signs: replacing it (once a year, see MeshCa) delays at most a renewal retry; istiod's
    // own `cacerts` is never touched by Pulumi.
    const issuingCaSecret = new k8s.core.v1.Secret(
        `${name}-issuing-ca`,
        {
            metadata: { name: ISSUING_CA_SECRET, namespace: args.namespace.metadata.name },
            type: "kubernetes.io/tls",
            stringData: {
                "tls.crt": args.ca.issuingCertPem,
                "tls.key": pulumi.secret(args.ca.issuingKeyPem),
                "ca.crt": args.ca.rootCertPem,
            },
        },
        k8sOpts,
    );
    // Namespaced, not a ClusterIssuer: only who may create Certificates in istio-system can mint mesh CAs.
    const caIssuer = cr(
        `${name}-mesh-ca-issuer`,
        "cert-manager.io/v1",
        "Issuer",
        { name: MESH.caIssuerName, namespace: args.namespace.metadata.name },
        { ca: { secretName: issuingCaSecret.metadata.name } },
        [args.certManager],
    );
    // cert-manager re-issues the intermediate with a new key before it expires and updates `cacerts` in
    // place; istiod (1.30) reads the kubernetes.io/tls format and reloads the mounted files without a restart.
    const caCertificate = cr(
        `${name}-istio-ca`,
        "cert-manager.io/v1",
        "Certificate",
        {
            name: MESH.caCertificateName,
            namespace: args.namespace.metadata.name,
            // Pulumi waits until the Secret is issued: istiod must find the complete bundle when it starts.
            annotations: { "pulumi.com/waitFor": "condition=Ready" },
        },
        intermediateCertificateSpec(args.organization),
        [caIssuer],
    );
    return { issuingCaSecret, caIssuer, caCertificate };
}

/**
 * The rotating mesh intermediate: a cert-manager Certificate whose Secret is istiod's `cacerts`. One rotation
 * period of life, re-issued a third of it before expiry, always with a new private key.
 */
export function intermediateCertificateSpec(organization: string) {
    return {
        secretName: MESH.caSecretName,
        isCA: true,
        commonName: `${organization} mesh intermediate CA`,
        subject: { organizations: [organization] },
        duration: `${MESH.intermediateValidityHours}h`,
        renewBefore: `${MESH.renewalWindowHours}h`,
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        usages: ["cert sign", "crl sign", "digital signature"],
        issuerRef: { name: MESH.caIssuerName, kind: "Issuer", group: "cert-manager.io" },
    };
}
