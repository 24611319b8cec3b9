// TLS of the ALB → ingress gateway hop: a Let's Encrypt certificate (DNS-01) with a public domain, else a
// self-signed origin certificate; either way the gateway's HTTPS server with TLS 1.3.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { guide } from "../../policy-pack/catalog";
import { MESH } from "../../policy-pack/catalog/mesh";
import { CustomResourceFactory } from "./custom-resource";
import { INGRESS_SELECTOR } from "./istio";

const INGRESS_TLS_SECRET = "ingress-tls";
const LETSENCRYPT_ISSUER = "letsencrypt";

export interface IngressServerArgs {
    ingressNamespace: k8s.core.v1.Namespace;
    /** The gateway release. */
    gateway: pulumi.Resource;
}

/** The gateway's HTTPS server for the ALB → gateway hop: the ALB re-encrypts to its targets. */
function ingressServer(name: string, args: IngressServerArgs, dependsOn: pulumi.Resource[], cr: CustomResourceFactory) {
    return cr(
        `${name}-ingress-gateway-tls`,
        "networking.istio.io/v1",
        "Gateway",
        { name: "public", namespace: args.ingressNamespace.metadata.name },
        {
            selector: INGRESS_SELECTOR,
            servers: [
                {
                    port: { number: 443, name: "https", protocol: "HTTPS" },
                    // "*", not the domain: a host list makes Envoy match on SNI, and the ALB re-encrypts
                    // to its targets without SNI, so every connection would fail (filter_chain_not_found).
                    // The ALB listener's certificate already restricts the names clients reach.
                    hosts: ["*"],
                    tls: {
                        mode: "SIMPLE",
                        credentialName: INGRESS_TLS_SECRET,
                        minProtocolVersion: MESH.minTlsVersion,
                    },
                },
            ],
        },
        [args.gateway, ...dependsOn],
    );
}

export interface LetsEncryptIngressArgs extends IngressServerArgs {
    domainName: string;
    hostedZoneId: pulumi.Input<string>;
    /** Region of the Route 53 API calls. */
    region: pulumi.Input<string>;
    /** The ACME account contact. */
    email: pulumi.Input<string>;
    /** cert-manager's release and its Pod Identity association (the solver's credentials). */
    certManager: pulumi.Resource;
    association: pulumi.Resource;
}

/** A Let's Encrypt ClusterIssuer solving DNS-01 in the hosted zone, and the gateway's certificate from it. */
export function letsEncryptIngress(name: string, args: LetsEncryptIngressArgs, cr: CustomResourceFactory) {
    // A ClusterIssuer uses ambient credentials (cert-manager's default), i.e. the Pod Identity role.
    const issuer = cr(
        `${name}-letsencrypt`,
        "cert-manager.io/v1",
        "ClusterIssuer",
        { name: LETSENCRYPT_ISSUER },
        {
            acme: {
                server: MESH.letsEncryptServer,
                email: args.email,
                privateKeySecretRef: { name: `${LETSENCRYPT_ISSUER}-account-key` },
                solvers: [
                    {
                        selector: { dnsZones: [args.domainName] },
                        dns01: { route53: { region: args.region, hostedZoneID: args.hostedZoneId } },
                    },
                ],
            },
        },
        [args.certManager, args.association],
    );
    const certificate = cr(
        `${name}-ingress-certificate`,
        "cert-manager.io/v1",
        "Certificate",
        { name: INGRESS_TLS_SECRET, namespace: args.ingressNamespace.metadata.name },
        {
            secretName: INGRESS_TLS_SECRET,
            dnsNames: [args.domainName],
            issuerRef: { name: LETSENCRYPT_ISSUER, kind: "ClusterIssuer", group: "cert-manager.io" },
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        },
        [issuer],
    );
    const gateway = ingressServer(name, args, [certificate], cr);
    return { issuer, certificate, gateway };
}

export interface SelfSignedIngressArgs extends IngressServerArgs {
    /** Subject of the origin certificate. */
    commonName: string;
    organization: string;
}

/**
 * No public domain (dev): the hop still runs TLS 1.3, with a self-signed origin certificate (the ALB does not
 * verify target certificates), rotated like every certificate the stack issues.
 */
export function selfSignedIngress(
    parent: pulumi.Resource,
    name: string,
    args: SelfSignedIngressArgs,
    cr: CustomResourceFactory,
    k8sOpts: pulumi.CustomResourceOptions,
) {
    const rotationHours = guide.identityManagement.certificateRotationDays * 24;
    const originKey = new tls.PrivateKey(
        `${name}-ingress-origin`,
        { algorithm: "ECDSA", ecdsaCurve: "P256" },
        { parent },
    );
    const originCert = new tls.SelfSignedCert(
        `${name}-ingress-origin`,
        {
            privateKeyPem: originKey.privateKeyPem,
            subject: { commonName: args.commonName, organization: args.organization },
            validityPeriodHours: rotationHours,
            earlyRenewalHours: Math.floor(rotationHours / 3),
            allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        },
        { parent },
    );
    const originSecret = new k8s.core.v1.Secret(
        `${name}-ingress-origin-tls`,
        {
            metadata: { name: INGRESS_TLS_SECRET, namespace: args.ingressNamespace.metadata.name },
            type: "kubernetes.io/tls",
            stringData: { "tls.crt": originCert.certPem, "tls.key": pulumi.secret(originKey.privateKeyPem) },
        },
        k8sOpts,
    );
    const gateway = ingressServer(name, args, [originSecret], cr);
    return { originCert, gateway };
}
