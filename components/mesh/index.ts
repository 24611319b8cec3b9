import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MESH } from "../../policy-pack/catalog/mesh";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { MeshCa } from "./ca";
import { meshCaIssuer } from "./ca-issuer";
import { certManager } from "./cert-manager";
import { customResources } from "./custom-resource";
import { letsEncryptIngress, selfSignedIngress } from "./ingress-tls";
import { INGRESS_NAME, istio, IstiodConfig } from "./istio";
import { agentAuthorization, agentRateLimits, gatewayRateLimit, strictMtls } from "./traffic";

export { issuingKeyGeneration, MeshCa, ROOT_VALIDITY_HOURS } from "./ca";
export { intermediateCertificateSpec } from "./ca-issuer";
export { certManagerValues, route53Policy, vpcResolver } from "./cert-manager";
export { istiodValues, istioImages, sidecarResources } from "./istio";
export type { IstiodConfig } from "./istio";
export { agentsOfType, agentTypeOf, istioPrincipals } from "./principals";

/** The stack config the mesh reads (keys as validated in components/config). */
export interface MeshConfig extends IstiodConfig {
    /** Stack name: physical names and the CA's organisation derive from it. */
    stack: string;
    /** Organisation of the self-signed ingress origin certificate. */
    project: string;
    region: pulumi.Input<string>;
    /** Protect the CA's root key and certificate. */
    deletionProtection: boolean;
    /** With both set, cert-manager solves DNS-01 for a Let's Encrypt ingress certificate. */
    domainName: string;
    hostedZoneId: string;
    /** The first address is the ACME account contact. */
    alertEmails: string[];
    certManagerChartVersion: pulumi.Input<string>;
    /** The VPC range (cert-manager's DNS-01 self-check uses the VPC resolver). */
    vpcCidr: string;
    istioChartRepo: pulumi.Input<string>;
    ingressGatewayReplicas: number;
}

export interface MeshArgs {
    config: MeshConfig;
    evidence: EvidenceRegistry;
    /** The EKS cluster's Kubernetes provider (cluster section: `k8sProvider`). */
    provider: k8s.Provider;
    /** Agent → its namespace name (cluster section: `agentNamespaces[a].metadata.name`). */
    agentNamespaces: Record<string, pulumi.Input<string>>;
    /** EKS cluster name, for cert-manager's Pod Identity association (cluster section: `cluster.name`). */
    clusterName: pulumi.Input<string>;
    /** Permissions boundary for the roles this component creates (identity section: `permissionsBoundary.arn`). */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * Istio service mesh (guide: service_mesh) and certificate automation (message_security...certificate_management):
 * internal CA plugged into istiod, strict mTLS, deny-by-default authorization with the guide's one rule,
 * per-agent and global rate limits, cert-manager with a Let's Encrypt issuer for the ingress gateway.
 *
 * Sidecar injection: the cluster section labels agent namespaces `istio-injection: enabled` (and
 * `mas/agent: <agent>`); this component does not label namespaces it does not own.
 *
 * The parts, in creation order: ca.ts (offline root → issuing CA), cert-manager.ts, ca-issuer.ts (rotating
 * intermediate → istiod's `cacerts`), istio.ts (charts, gateway), traffic.ts (mTLS, authorization, rate limits),
 * ingress-tls.ts (the ALB → gateway hop). Every resource's parent is this component.
 */
export class Mesh extends pulumi.ComponentResource {
    readonly ca: MeshCa;
    /** Root and issuing certificates of the mesh CA (public; keys stay secret in state). */
    readonly rootCertificatePem: pulumi.Output<string>;
    readonly issuingCertificatePem: pulumi.Output<string>;
    /** The issuing CA for cert-manager's CA Issuer, and the Certificate that keeps `cacerts` rotated. */
    readonly issuingCaSecret: k8s.core.v1.Secret;
    readonly caCertificate: k8s.apiextensions.CustomResource;
    readonly istioBase: k8s.helm.v3.Release;
    readonly istiod: k8s.helm.v3.Release;
    readonly ingressGateway: k8s.helm.v3.Release;
    /** Istio CNI node agent (traffic redirection without privileged init containers). */
    readonly istioCni: k8s.helm.v3.Release;
    readonly ingressNamespace: pulumi.Output<string>;
    readonly ingressServiceName: string;
    readonly certManager: k8s.helm.v3.Release;
    /** IAM role of cert-manager (Route 53 DNS-01); only with a domain and hosted zone. */
    readonly certManagerRole?: aws.iam.Role;

    constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:mesh:Mesh", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const k8sOpts = { parent: this, provider: args.provider };
        const cr = customResources(k8sOpts);

        // --- Internal CA: offline root → issuing CA (Pulumi) → rotating intermediate (cert-manager) → istiod ---
        this.ca = new MeshCa(
            `${name}-ca`,
            { organization: namePrefix(cfg), protectRoot: cfg.deletionProtection },
            { parent: this },
        );
        this.rootCertificatePem = this.ca.rootCertPem;
        this.issuingCertificatePem = this.ca.issuingCertPem;

        const istioNs = new k8s.core.v1.Namespace(
            `${name}-istio-system`,
            { metadata: { name: MESH.rootNamespace } },
            k8sOpts,
        );
        const cm = certManager(
            this,
            name,
            {
                prefix: namePrefix(cfg),
                domainName: cfg.domainName,
                hostedZoneId: cfg.hostedZoneId,
                chartVersion: cfg.certManagerChartVersion,
                vpcCidr: cfg.vpcCidr,
                clusterName: args.clusterName,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
            },
            k8sOpts,
        );
        this.certManager = cm.release;
        this.certManagerRole = cm.role;
        ev.record("CERT-MANAGER", this.certManager);
        ev.record("CERT-LETSENCRYPT", this.certManager);

        const issuer = meshCaIssuer(
            name,
            { ca: this.ca, namespace: istioNs, organization: namePrefix(cfg), certManager: this.certManager },
            cr,
            k8sOpts,
        );
        this.issuingCaSecret = issuer.issuingCaSecret;
        this.caCertificate = issuer.caCertificate;
        ev.record("MESH-MTLS-CA", this.ca.rootCert, this.ca.issuingCert, this.issuingCaSecret, issuer.caIssuer);
        ev.record("MESH-MTLS-CA", this.caCertificate);

        // --- Istio: base (CRDs) → istiod → ingress gateway -----------------------------------------------
        const mesh = istio(
            name,
            {
                chartRepo: cfg.istioChartRepo,
                istiod: cfg,
                namespace: istioNs,
                caCertificate: this.caCertificate,
                ingressGatewayReplicas: cfg.ingressGatewayReplicas,
            },
            k8sOpts,
        );
        this.istioBase = mesh.base;
        this.istioCni = mesh.cni;
        this.istiod = mesh.istiod;
        this.ingressNamespace = mesh.ingressNamespaceName;
        this.ingressServiceName = INGRESS_NAME;
        this.ingressGateway = mesh.gateway;
        ev.record("MESH-MTLS-ROTATION", this.caCertificate, this.istiod);
        ev.record("MESH-MTLS-CIPHERS", this.istiod);
        // Agents' certificate-based identity (identity_management.authentication.methods.primary) is the mesh's.
        ev.record("AUTH-CERT", this.caCertificate, this.istiod);

        // --- Traffic: global and per-agent rate limits, strict mTLS, deny-by-default authorization ------------
        const ingressNs = mesh.ingressNamespace;
        const gatewayLimit = gatewayRateLimit(
            name,
            {
                ingressNamespace: ingressNs,
                replicas: cfg.ingressGatewayReplicas,
                istiod: this.istiod,
                gateway: this.ingressGateway,
            },
            cr,
        );
        ev.record("MESH-RATE-GLOBAL", gatewayLimit, this.ingressGateway);

        const mtls = strictMtls(name, istioNs, this.istiod, cr);
        ev.record("MESH-MTLS-STRICT", mtls, this.istiod);

        const agents = Object.keys(args.agentNamespaces).sort();
        const authz = agentAuthorization(
            name,
            { agents, agentNamespaces: args.agentNamespaces, trustDomain: cfg.meshTrustDomain, istiod: this.istiod },
            cr,
        );
        ev.record("MESH-AUTHZ-STRICT", ...authz.denyAll);
        if (authz.allowRules.length) {
            ev.record("MESH-AUTHZ-TASKS", ...authz.allowRules);
        }

        const agentLimits = agentRateLimits(
            name,
            { agents, agentNamespaces: args.agentNamespaces, istiod: this.istiod },
            cr,
        );
        ev.record("MESH-RATE-AGENT", ...agentLimits);

        // --- The ALB → gateway hop ------------------------------------------------------------------------
        const server = { ingressNamespace: ingressNs, gateway: this.ingressGateway };
        if (cm.association && cm.role) {
            const tls = letsEncryptIngress(
                name,
                {
                    ...server,
                    domainName: cfg.domainName,
                    hostedZoneId: cfg.hostedZoneId,
                    region: cfg.region,
                    email: cfg.alertEmails[0],
                    certManager: this.certManager,
                    association: cm.association,
                },
                cr,
            );
            ev.record("CERT-LETSENCRYPT", tls.issuer, tls.certificate, tls.gateway);
            ev.record("CERT-MANAGER", cm.role, cm.association);
        } else {
            const tls = selfSignedIngress(
                this,
                name,
                { ...server, commonName: `${namePrefix(cfg)}-ingress`, organization: cfg.project },
                cr,
                k8sOpts,
            );
            ev.record("AUTH-CERT", tls.originCert);
            ev.record("MESH-MTLS-CIPHERS", tls.gateway);
        }

        this.registerOutputs({
            rootCertificatePem: this.rootCertificatePem,
            issuingCertificatePem: this.issuingCertificatePem,
            istiodRelease: this.istiod.name,
            ingressNamespace: this.ingressNamespace,
            ingressServiceName: this.ingressServiceName,
        });
    }
}
