import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { guide } from "../../policy-pack/catalog";
import { POD_IDENTITY_PRINCIPAL, POD_IDENTITY_TAGS } from "../../policy-pack/catalog/identity";
import { MESH } from "../../policy-pack/catalog/mesh";
import { networkDesign } from "../../policy-pack/catalog/network";
import { SEGMENT_NODE_LABEL } from "../cluster";
import { namePrefix, StackConfig } from "../config";
import { EvidenceRegistry } from "../evidence";
import { MeshCa } from "./ca";
import { agentsOfType, agentTypeOf, istioPrincipals } from "./principals";

export { issuingKeyGeneration, MeshCa, ROOT_VALIDITY_HOURS } from "./ca";
export { agentsOfType, agentTypeOf, istioPrincipals } from "./principals";

export interface MeshArgs {
    config: StackConfig;
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

const ISTIO_NS = MESH.rootNamespace;
const INGRESS_NS = "istio-ingress";
const INGRESS_NAME = "istio-ingressgateway";
/** Pod label of the ingress gateway (the gateway chart's `labels`). */
const INGRESS_SELECTOR = { istio: "ingressgateway" };
/** The gateway's readiness port (`/healthz/ready`), served by its istio-proxy. */
const GATEWAY_STATUS_PORT = 15021;
const CERT_MANAGER_NS = "cert-manager";
const CERT_MANAGER_SA = "cert-manager";
const INGRESS_TLS_SECRET = "ingress-tls";
const LETSENCRYPT_ISSUER = "letsencrypt";
const ISSUING_CA_SECRET = "mesh-issuing-ca";

/** Envoy's fractional percent for 100%: `filter_enabled` / `filter_enforced` default to 0%. */
const ALWAYS = { numerator: 100, denominator: "HUNDRED" };

/** An Envoy HTTP local rate limit (one token bucket per Envoy process) inserted before the router. */
function localRateLimitPatch(context: "SIDECAR_INBOUND" | "GATEWAY", rps: number, statPrefix: string) {
    return {
        applyTo: "HTTP_FILTER",
        match: {
            context,
            listener: {
                filterChain: {
                    filter: {
                        name: "envoy.filters.network.http_connection_manager",
                        subFilter: { name: "envoy.filters.http.router" },
                    },
                },
            },
        },
        patch: {
            operation: "INSERT_BEFORE",
            value: {
                name: MESH.localRateLimitFilter,
                typed_config: {
                    "@type": MESH.localRateLimitType,
                    stat_prefix: statPrefix,
                    token_bucket: { max_tokens: rps, tokens_per_fill: rps, fill_interval: "1s" },
                    filter_enabled: { runtime_key: `${statPrefix}_enabled`, default_value: ALWAYS },
                    filter_enforced: { runtime_key: `${statPrefix}_enforced`, default_value: ALWAYS },
                },
            },
        },
    };
}

/**
 * Istio service mesh (guide: service_mesh) and certificate automation (message_security...certificate_management):
 * internal CA plugged into istiod, strict mTLS, deny-by-default authorization with the guide's one rule,
 * per-agent and global rate limits, cert-manager with a Let's Encrypt issuer for the ingress gateway.
 *
 * Sidecar injection: the cluster section labels agent namespaces `istio-injection: enabled` (and
 * `mas/agent: <agent>`); this component does not label namespaces it does not own.
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
        const cr = (
            id: string,
            apiVersion: string,
            kind: string,
            metadata: Record<string, unknown>,
            spec: Record<string, unknown>,
            dependsOn: pulumi.Resource[],
        ) => new k8s.apiextensions.CustomResource(id, { apiVersion, kind, metadata, spec }, { ...k8sOpts, dependsOn });

        // --- Internal CA: offline root → issuing CA (Pulumi) → rotating intermediate (cert-manager) → istiod ---
        this.ca = new MeshCa(
            `${name}-ca`,
            { organization: namePrefix(cfg), protectRoot: cfg.deletionProtection },
            { parent: this },
        );
        this.rootCertificatePem = this.ca.rootCertPem;
        this.issuingCertificatePem = this.ca.issuingCertPem;

        const istioNs = new k8s.core.v1.Namespace(`${name}-istio-system`, { metadata: { name: ISTIO_NS } }, k8sOpts);
        // --- cert-manager and the Let's Encrypt issuer ----------------------------------------------------
        const cmNs = new k8s.core.v1.Namespace(
            `${name}-cert-manager`,
            { metadata: { name: CERT_MANAGER_NS } },
            k8sOpts,
        );
        // DNS-01 in the stack's hosted zone (config `hostedZoneId`, required with `domainName`). The Pod Identity
        // association must exist before the cert-manager pods start: EKS injects the credentials only at pod creation.
        const dns01 = cfg.domainName !== "" && cfg.hostedZoneId !== "";
        let association: aws.eks.PodIdentityAssociation | undefined;
        if (dns01) {
            const partition = aws.getPartitionOutput({}, { parent: this }).partition;
            const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
            this.certManagerRole = new aws.iam.Role(
                `${name}-cert-manager`,
                {
                    name: `${namePrefix(cfg)}-cert-manager`,
                    description: "cert-manager DNS-01 challenges in the stack's Route 53 zone (EKS Pod Identity).",
                    // Only cert-manager's service account in this stack's cluster may assume it (session tags).
                    assumeRolePolicy: pulumi.all([account, args.clusterName]).apply(([acct, cluster]) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Principal: { Service: POD_IDENTITY_PRINCIPAL },
                                    Action: ["sts:AssumeRole", "sts:TagSession"],
                                    Condition: {
                                        StringEquals: {
                                            "aws:SourceAccount": acct,
                                            [POD_IDENTITY_TAGS.cluster]: cluster,
                                            [POD_IDENTITY_TAGS.namespace]: CERT_MANAGER_NS,
                                            [POD_IDENTITY_TAGS.serviceAccount]: CERT_MANAGER_SA,
                                        },
                                    },
                                },
                            ],
                        }),
                    ),
                    permissionsBoundary: args.permissionsBoundaryArn,
                },
                { parent: this },
            );
            new aws.iam.RolePolicy(
                `${name}-cert-manager-route53`,
                {
                    role: this.certManagerRole.name,
                    policy: pulumi
                        .all([partition, cfg.hostedZoneId])
                        .apply(([p, zone]) => JSON.stringify(route53Policy(p, zone, cfg.domainName))),
                },
                { parent: this },
            );
            association = new aws.eks.PodIdentityAssociation(
                `${name}-cert-manager`,
                {
                    clusterName: args.clusterName,
                    namespace: CERT_MANAGER_NS,
                    serviceAccount: CERT_MANAGER_SA,
                    roleArn: this.certManagerRole.arn,
                },
                { parent: this },
            );
        }

        this.certManager = new k8s.helm.v3.Release(
            `${name}-cert-manager`,
            {
                name: "cert-manager",
                chart: "cert-manager",
                version: cfg.certManagerChartVersion,
                repositoryOpts: { repo: MESH.certManagerRepo },
                namespace: cmNs.metadata.name,
                values: certManagerValues(cfg.vpcCidr),
            },
            { ...k8sOpts, dependsOn: association ? [association] : [] },
        );
        ev.record("CERT-MANAGER", this.certManager);
        ev.record("CERT-LETSENCRYPT", this.certManager);
        const certManager = this.certManager;

        // The issuing CA as cert-manager's CA Issuer reads it (tls.crt, tls.key, ca.crt = the root). Only cert-manager
        // reads it, when it signs: replacing it (once a year, see MeshCa) delays at most a renewal retry; istiod's
        // own `cacerts` is never touched by Pulumi.
        this.issuingCaSecret = new k8s.core.v1.Secret(
            `${name}-issuing-ca`,
            {
                metadata: { name: ISSUING_CA_SECRET, namespace: istioNs.metadata.name },
                type: "kubernetes.io/tls",
                stringData: {
                    "tls.crt": this.ca.issuingCertPem,
                    "tls.key": pulumi.secret(this.ca.issuingKeyPem),
                    "ca.crt": this.ca.rootCertPem,
                },
            },
            k8sOpts,
        );
        // Namespaced, not a ClusterIssuer: only who may create Certificates in istio-system can mint mesh CAs.
        const caIssuer = cr(
            `${name}-mesh-ca-issuer`,
            "cert-manager.io/v1",
            "Issuer",
            { name: MESH.caIssuerName, namespace: istioNs.metadata.name },
            { ca: { secretName: this.issuingCaSecret.metadata.name } },
            [certManager],
        );
        // cert-manager re-issues the intermediate with a new key before it expires and updates `cacerts` in
        // place; istiod (1.30) reads the kubernetes.io/tls format and reloads the mounted files without a restart.
        this.caCertificate = cr(
            `${name}-istio-ca`,
            "cert-manager.io/v1",
            "Certificate",
            {
                name: MESH.caCertificateName,
                namespace: istioNs.metadata.name,
                // Pulumi waits until the Secret is issued: istiod must find the complete bundle when it starts.
                annotations: { "pulumi.com/waitFor": "condition=Ready" },
            },
            intermediateCertificateSpec(namePrefix(cfg)),
            [caIssuer],
        );
        ev.record("MESH-MTLS-CA", this.ca.rootCert, this.ca.issuingCert, this.issuingCaSecret, caIssuer);
        ev.record("MESH-MTLS-CA", this.caCertificate);

        // --- Istio: base (CRDs) → istiod → ingress gateway -----------------------------------------------
        const repositoryOpts = { repo: cfg.istioChartRepo };
        this.istioBase = new k8s.helm.v3.Release(
            `${name}-istio-base`,
            {
                name: "istio-base",
                chart: "base",
                version: cfg.istioChartVersion,
                repositoryOpts,
                namespace: istioNs.metadata.name,
                values: { defaultRevision: "default" },
            },
            k8sOpts,
        );
        // The Istio CNI node agent sets up traffic redirection instead of the istio-init container, which needs
        // NET_ADMIN / NET_RAW: the agent namespaces enforce Pod Security "restricted" and would reject it.
        this.istioCni = new k8s.helm.v3.Release(
            `${name}-istio-cni`,
            {
                name: "istio-cni",
                chart: "cni",
                version: cfg.istioChartVersion,
                repositoryOpts,
                namespace: istioNs.metadata.name,
                values: { global: istioImages(cfg) },
            },
            { ...k8sOpts, dependsOn: [this.istioBase] },
        );
        this.istiod = new k8s.helm.v3.Release(
            `${name}-istiod`,
            {
                name: "istiod",
                chart: "istiod",
                version: cfg.istioChartVersion,
                repositoryOpts,
                namespace: istioNs.metadata.name,
                values: istiodValues(cfg),
            },
            // The complete cacerts bundle must exist when istiod starts, or it self-signs (aws-istio-facts §8): the
            // Certificate is awaited until Ready, i.e. until cert-manager has written the Secret.
            { ...k8sOpts, dependsOn: [this.istioBase, this.istioCni, this.caCertificate] },
        );
        ev.record("MESH-MTLS-ROTATION", this.caCertificate, this.istiod);
        ev.record("MESH-MTLS-CIPHERS", this.istiod);
        // Agents' certificate-based identity (identity_management.authentication.methods.primary) is the mesh's.
        ev.record("AUTH-CERT", this.caCertificate, this.istiod);

        const ingressNs = new k8s.core.v1.Namespace(
            `${name}-istio-ingress`,
            { metadata: { name: INGRESS_NS } },
            k8sOpts,
        );
        this.ingressNamespace = ingressNs.metadata.name;
        this.ingressServiceName = INGRESS_NAME;
        const replicas = cfg.ingressGatewayReplicas;
        this.ingressGateway = new k8s.helm.v3.Release(
            `${name}-ingress-gateway`,
            {
                name: INGRESS_NAME,
                chart: "gateway",
                version: cfg.istioChartVersion,
                repositoryOpts,
                namespace: ingressNs.metadata.name,
                values: {
                    labels: INGRESS_SELECTOR,
                    // Behind the ALB: a NodePort Service on fixed node ports, which the Perimeter's target group
                    // (target type instance, the service node group's Auto Scaling group) sends traffic and
                    // health checks to. No Service of type LoadBalancer and no load balancer controller. The
                    // chart replaces its whole port list with this one: HTTPS and the readiness port only.
                    service: {
                        type: "NodePort",
                        ports: [
                            {
                                name: "status-port",
                                port: GATEWAY_STATUS_PORT,
                                targetPort: GATEWAY_STATUS_PORT,
                                nodePort: networkDesign.ports.ingressGatewayHealthNodePort,
                                protocol: "TCP",
                            },
                            {
                                name: "https",
                                port: networkDesign.ports.https,
                                targetPort: networkDesign.ports.https,
                                nodePort: networkDesign.ports.ingressGatewayNodePort,
                                protocol: "TCP",
                            },
                        ],
                    },
                    // On the service nodes, the target group's targets (agent nodes are tainted anyway).
                    nodeSelector: { [SEGMENT_NODE_LABEL]: "service" },
                    // A fixed replica count, so the per-pod share of the global rate limit adds up exactly.
                    autoscaling: { enabled: false },
                    replicaCount: replicas,
                },
            },
            { ...k8sOpts, dependsOn: [this.istiod] },
        );
        const perPodGlobal = Math.floor(MESH.globalRps / replicas);
        const gatewayLimit = cr(
            `${name}-ingress-ratelimit`,
            "networking.istio.io/v1alpha3",
            "EnvoyFilter",
            { name: "global-rate-limit", namespace: ingressNs.metadata.name },
            {
                workloadSelector: { labels: INGRESS_SELECTOR },
                configPatches: [localRateLimitPatch("GATEWAY", perPodGlobal, "mesh_global_rate_limit")],
            },
            [this.istiod, this.ingressGateway],
        );
        ev.record("MESH-RATE-GLOBAL", gatewayLimit, this.ingressGateway);

        // --- Mesh-wide strict mTLS ---------------------------------------------------------------------
        const mtls = cr(
            `${name}-peer-authentication`,
            "security.istio.io/v1",
            "PeerAuthentication",
            { name: "default", namespace: istioNs.metadata.name },
            { mtls: { mode: "STRICT" } },
            [this.istiod],
        );
        ev.record("MESH-MTLS-STRICT", mtls, this.istiod);

        // --- Authorization: deny by default in every agent namespace, then the guide's one rule -----------
        const agents = Object.keys(args.agentNamespaces).sort();
        const denyAll = agents.map((agent) =>
            cr(
                `${name}-${agent}-deny-all`,
                "security.istio.io/v1",
                "AuthorizationPolicy",
                { name: "deny-all", namespace: args.agentNamespaces[agent] },
                {},
                [this.istiod],
            ),
        );
        ev.record("MESH-AUTHZ-STRICT", ...denyAll);

        const rule = guide.serviceMesh.authorization;
        const sources = pulumi
            .all(args.agentNamespaces)
            .apply((ns) => istioPrincipals(rule.sourcePrincipal, agents, cfg.meshTrustDomain, (a) => ns[a]));
        const coordinators = agentsOfType(agentTypeOf(rule.destinationPrincipal), agents);
        const allowRules = agentsOfType(agentTypeOf(rule.sourcePrincipal), agents).length
            ? coordinators.map((coordinator) =>
                  cr(
                      `${name}-${coordinator}-allow-tasks`,
                      "security.istio.io/v1",
                      "AuthorizationPolicy",
                      { name: "allow-task-executors", namespace: args.agentNamespaces[coordinator] },
                      {
                          // No workload selector: the namespace belongs to this one agent, and a label selector
                          // would rely on labels its deployer may not set (an ALLOW that selects no pod leaves
                          // the deny-all in force and the guide's rule unusable).
                          action: "ALLOW",
                          rules: [
                              {
                                  from: [{ source: { principals: sources } }],
                                  to: [{ operation: { paths: [...rule.paths], methods: [...rule.methods] } }],
                              },
                          ],
                      },
                      [this.istiod],
                  ),
              )
            : [];
        if (allowRules.length) {
            ev.record("MESH-AUTHZ-TASKS", ...allowRules);
        }

        // --- Per-agent rate limit on every agent's inbound sidecar ----------------------------------------
        const agentLimits = agents.map((agent) =>
            cr(
                `${name}-${agent}-ratelimit`,
                "networking.istio.io/v1alpha3",
                "EnvoyFilter",
                { name: "agent-rate-limit", namespace: args.agentNamespaces[agent] },
                { configPatches: [localRateLimitPatch("SIDECAR_INBOUND", MESH.perAgentRps, "agent_rate_limit")] },
                [this.istiod],
            ),
        );
        ev.record("MESH-RATE-AGENT", ...agentLimits);

        // The gateway's HTTPS server for the ALB → gateway hop: the ALB re-encrypts to its targets.
        const ingressServer = (dependsOn: pulumi.Resource[]) =>
            cr(
                `${name}-ingress-gateway-tls`,
                "networking.istio.io/v1",
                "Gateway",
                { name: "public", namespace: ingressNs.metadata.name },
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
                [this.ingressGateway, ...dependsOn],
            );

        if (association && this.certManagerRole) {
            // A ClusterIssuer uses ambient credentials (cert-manager's default), i.e. the Pod Identity role.
            const issuer = cr(
                `${name}-letsencrypt`,
                "cert-manager.io/v1",
                "ClusterIssuer",
                { name: LETSENCRYPT_ISSUER },
                {
                    acme: {
                        server: MESH.letsEncryptServer,
                        email: cfg.alertEmails[0],
                        privateKeySecretRef: { name: `${LETSENCRYPT_ISSUER}-account-key` },
                        solvers: [
                            {
                                selector: { dnsZones: [cfg.domainName] },
                                dns01: { route53: { region: cfg.region, hostedZoneID: cfg.hostedZoneId } },
                            },
                        ],
                    },
                },
                [this.certManager, association],
            );
            const certificate = cr(
                `${name}-ingress-certificate`,
                "cert-manager.io/v1",
                "Certificate",
                { name: INGRESS_TLS_SECRET, namespace: ingressNs.metadata.name },
                {
                    secretName: INGRESS_TLS_SECRET,
                    dnsNames: [cfg.domainName],
                    issuerRef: { name: LETSENCRYPT_ISSUER, kind: "ClusterIssuer", group: "cert-manager.io" },
                    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                },
                [issuer],
            );
            const gateway = ingressServer([certificate]);
            ev.record("CERT-LETSENCRYPT", issuer, certificate, gateway);
            ev.record("CERT-MANAGER", this.certManagerRole, association);
        } else {
            // No public domain (dev): the hop still runs TLS 1.3, with a self-signed origin certificate (the ALB
            // does not verify target certificates), rotated like every certificate the stack issues.
            const rotationHours = guide.identityManagement.certificateRotationDays * 24;
            const originKey = new tls.PrivateKey(
                `${name}-ingress-origin`,
                { algorithm: "ECDSA", ecdsaCurve: "P256" },
                { parent: this },
            );
            const originCert = new tls.SelfSignedCert(
                `${name}-ingress-origin`,
                {
                    privateKeyPem: originKey.privateKeyPem,
                    subject: { commonName: `${namePrefix(cfg)}-ingress`, organization: cfg.project },
                    validityPeriodHours: rotationHours,
                    earlyRenewalHours: Math.floor(rotationHours / 3),
                    allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
                },
                { parent: this },
            );
            const originSecret = new k8s.core.v1.Secret(
                `${name}-ingress-origin-tls`,
                {
                    metadata: { name: INGRESS_TLS_SECRET, namespace: ingressNs.metadata.name },
                    type: "kubernetes.io/tls",
                    stringData: { "tls.crt": originCert.certPem, "tls.key": pulumi.secret(originKey.privateKeyPem) },
                },
                k8sOpts,
            );
            const gateway = ingressServer([originSecret]);
            ev.record("AUTH-CERT", originCert);
            ev.record("MESH-MTLS-CIPHERS", gateway);
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

/** Image source of every Istio chart, explicit (the 1.30 charts default to registry.istio.io, see MESH.istioHub). */
export function istioImages(cfg: Pick<StackConfig, "istioChartVersion">) {
    return { hub: MESH.istioHub, tag: cfg.istioChartVersion };
}

/**
 * istiod chart values (1.30 layout: `env`, `cni`, `replicaCount` are top-level; `pilot.*` is only what the
 * chart hands its injection templates, so setting it in the values does nothing).
 */
export function istiodValues(cfg: StackConfig) {
    const ttl = `${cfg.workloadCertTtlHours}h`;
    const replicas = cfg.environment === "prod" ? MESH.istiodProdReplicas : 1;
    return {
        meshConfig: {
            trustDomain: cfg.meshTrustDomain,
            meshMTLS: { minProtocolVersion: MESH.minTlsVersion },
            // istio-agent asks for this lifetime; istiod's env below is the default and the cap.
            defaultConfig: { proxyMetadata: { SECRET_TTL: ttl } },
        },
        env: { DEFAULT_WORKLOAD_CERT_TTL: ttl, MAX_WORKLOAD_CERT_TTL: ttl },
        // Injected pods rely on the CNI agent, not on a privileged istio-init container.
        cni: { enabled: true },
        // The chart creates istiod's PodDisruptionBudget only with more than one replica (autoscaleMin with HPA).
        replicaCount: replicas,
        autoscaleMin: replicas,
        pdb: { minAvailable: 1 },
        global: {
            ...istioImages(cfg),
            defaultPodDisruptionBudget: { enabled: true },
            proxy: {
                // The injected istio-proxy (and istio-validation) container: sized so that the namespace quota's
                // pod count is reachable (the chart's default limit is 2 CPU / 1 GiB per pod).
                resources: sidecarResources(cfg),
                // Pod Security "restricted" wants a seccomp profile on every container when the pod sets none.
                seccompProfile: { ...MESH.sidecarSeccompProfile },
            },
        },
    };
}

/** Requests and limits of the injected sidecar, from stack config. */
export function sidecarResources(
    cfg: Pick<StackConfig, "sidecarCpuRequest" | "sidecarCpuLimit" | "sidecarMemoryRequest" | "sidecarMemoryLimit">,
) {
    return {
        requests: { cpu: cfg.sidecarCpuRequest, memory: cfg.sidecarMemoryRequest },
        limits: { cpu: cfg.sidecarCpuLimit, memory: cfg.sidecarMemoryLimit },
    };
}

/**
 * The Amazon-provided DNS server of a VPC: the VPC range's base plus two (AWS VPC docs, "Amazon DNS server").
 * Pods reach it the way CoreDNS does; the firewall drops DNS to the internet.
 */
export function vpcResolver(vpcCidr: string): string {
    const [ip] = vpcCidr.split("/");
    const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0) + 2;
    return `${[24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join(".")}:53`;
}

/**
 * cert-manager chart values: CRDs, the service account Pod Identity names, images from the stated registry,
 * and the DNS-01 self-check through the VPC resolver only (by default cert-manager asks the zone's
 * authoritative servers on port 53, which the egress firewall drops; values.yaml dns01RecursiveNameservers*).
 */
export function certManagerValues(vpcCidr: string) {
    return {
        crds: { enabled: true },
        serviceAccount: { name: CERT_MANAGER_SA },
        imageRegistry: MESH.certManagerImageRegistry,
        imageNamespace: MESH.certManagerImageNamespace,
        dns01RecursiveNameservers: vpcResolver(vpcCidr),
        dns01RecursiveNameserversOnly: true,
    };
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

/**
 * Route 53 rights for DNS-01, per cert-manager's docs, narrowed to TXT `_acme-challenge` records of the
 * domain in the one hosted zone. No route53:ListHostedZonesByName: the solver names its hostedZoneID, so
 * cert-manager never looks the zone up (its docs say the statement can then be dropped).
 */
export function route53Policy(partition: string, hostedZoneId: string, domainName: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ChallengeRecords",
                Effect: "Allow",
                Action: "route53:ChangeResourceRecordSets",
                Resource: `arn:${partition}:route53:::hostedzone/${hostedZoneId}`,
                Condition: {
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
                    "ForAllValues:StringLike": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${domainName}`],
                    },
                },
            },
            {
                // cert-manager reads an existing challenge record set before it upserts or deletes its value.
                Sid: "ReadChallengeRecords",
                Effect: "Allow",
                Action: "route53:ListResourceRecordSets",
                Resource: `arn:${partition}:route53:::hostedzone/${hostedZoneId}`,
            },
            {
                Sid: "ChangeStatus",
                Effect: "Allow",
                Action: "route53:GetChange",
                Resource: `arn:${partition}:route53:::change/*`,
            },
        ],
    };
}
