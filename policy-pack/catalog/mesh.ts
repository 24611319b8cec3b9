import { guide } from "./guide";
import { Control } from "./types";

const sm = guide.serviceMesh;
const authz = sm.authorization;

/** cert-manager renews the intermediate CA (with a new key) this many days before it expires: a third of its life. */
const RENEWAL_WINDOW_DAYS = Math.floor(sm.mtlsRotationDays / 3);
/** The in-cluster issuing CA between the offline root and the rotating intermediate: 2 years, renewed by any
 * `pulumi up` in its second year. */
const ISSUING_CA_DAYS = 2 * 365;

/**
 * Values the mesh component and the mesh policies share, all derived from the guide (nothing new is
 * invented here except Istio's own constants).
 */
export const MESH = {
    /** Istio's root namespace: mesh-wide policies live here, istiod reads its plug-in CA (`cacerts`) here. */
    rootNamespace: "istio-system",
    /**
     * The plug-in CA Secret istiod mounts at start-up, in either format istiod 1.30 reads
     * (pilot/pkg/bootstrap/istio_ca.go detectSigningCABundleAndCRL): its own four files, or a kubernetes.io/tls
     * Secret (tls.crt, tls.key, ca.crt) as cert-manager writes it.
     */
    caSecretName: "cacerts",
    caSecretKeys: ["ca-cert.pem", "ca-key.pem", "root-cert.pem", "cert-chain.pem"],
    caTlsSecretKeys: ["tls.crt", "tls.key", "ca.crt"],
    /** cert-manager Certificate that writes `cacerts`, and the namespaced CA Issuer that signs it. */
    caCertificateName: "istio-ca",
    caIssuerName: "mesh-ca",
    /** The cluster intermediate CA lives exactly one rotation period... */
    intermediateValidityHours: sm.mtlsRotationDays * 24,
    /** ...and cert-manager replaces it (new key, rotationPolicy Always) this long before it expires. */
    renewalWindowHours: RENEWAL_WINDOW_DAYS * 24,
    /** The issuing CA (Pulumi-managed, signed by the offline root) and its early-renewal window. */
    issuingCaValidityHours: ISSUING_CA_DAYS * 24,
    issuingCaRenewalHours: (ISSUING_CA_DAYS / 2) * 24,
    /** Mesh mTLS minimum (Istio meshConfig.meshMTLS.minProtocolVersion). */
    minTlsVersion: "TLSV1_3",
    /** TLS 1.3 suites Envoy (BoringSSL) always offers; not configurable. */
    tls13Suites: ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"],
    /** Label the cluster section puts on every agent namespace (`mas/agent: <agent>`). */
    agentNamespaceLabel: "mas/agent",
    perAgentRps: sm.rateLimiting.perAgentRps,
    globalRps: sm.rateLimiting.globalRps,
    localRateLimitFilter: "envoy.filters.http.local_ratelimit",
    localRateLimitType: "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
    letsEncryptServer: "https://acme-v02.api.letsencrypt.org/directory",
    certManagerRepo: "https://charts.jetstack.io",
    /**
     * Image sources, set explicitly: Istio 1.30's release charts default `hub` to registry.istio.io/release
     * (istio/release-builder release-1.30 release/build.sh), while its publish step pushes the images to
     * docker.io/istio (release/publish.sh). cert-manager's chart defaults to quay.io/jetstack.
     */
    istioHub: "docker.io/istio",
    certManagerImageRegistry: "quay.io",
    certManagerImageNamespace: "jetstack",
    /** Pod Security `restricted` needs a seccomp profile on every container (or the pod). */
    sidecarSeccompProfile: { type: "RuntimeDefault" },
    /** istiod replicas in prod: with a PodDisruptionBudget (chart: only when more than one replica) a drain
     * never takes the last one. */
    istiodProdReplicas: 2,
    /**
     * Priority of the mesh control plane (istiod, the ingress gateway, cert-manager): Kubernetes' built-in
     * system-cluster-critical (2,000,000,000), above every class a user may create (at most 1,000,000,000),
     * so the agents' preempting classes (mas-critical, mas-elevated) never evict it ("Pod Priority and
     * Preemption"; cert-manager's best-practice values use the same class). The CNI agent already runs at
     * system-node-critical (the istio-cni chart's DaemonSet).
     */
    controlPlanePriorityClass: "system-cluster-critical",
    /** Highest value a PriorityClass a user creates may have (scheduling.k8s.io validation). */
    userPriorityMax: 1_000_000_000,
} as const;

export const meshControls: Control[] = [
    {
        id: "MESH-MTLS-STRICT",
        section: "service_mesh",
        guidePath: "service_mesh.mtls.enabled",
        requirement:
            "Mutual TLS between all meshed workloads: a mesh-wide Istio PeerAuthentication in istio-system with mode STRICT, and no PeerAuthentication anywhere (or on any port) relaxes it to PERMISSIVE or DISABLE. The mesh can be installed: its chart repository and image registry (hub set explicitly) are on the egress allow-list.",
        iso27001: ["A.8.20", "A.8.24", "A.5.14"],
        soc2: ["CC6.1", "CC6.7"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MESH-MTLS-CA",
        section: "service_mesh",
        guidePath: "service_mesh.mtls.certificate_authority",
        requirement:
            "Workload certificates come from an internal CA: an offline root (its key only in the encrypted Pulumi state) signs an in-cluster issuing CA (a cert-manager CA Issuer in istio-system), which signs the rotating intermediate istiod uses as its plug-in CA (Secret cacerts in istio-system, written by cert-manager and ready before istiod starts).",
        iso27001: ["A.8.24", "A.5.17"],
        soc2: ["CC6.1", "CC6.7"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MESH-MTLS-ROTATION",
        section: "service_mesh",
        guidePath: "service_mesh.mtls.rotation_period",
        requirement: `The mesh intermediate CA is valid ${sm.mtlsRotationDays} days (${sm.mtlsRotationDays * 24} h) and cert-manager re-issues it with a new private key (rotationPolicy Always) ${RENEWAL_WINDOW_DAYS} days before it expires, updating the cacerts Secret in place (istiod reloads it, no restart, no window without the Secret); no Pulumi-managed cacerts Secret. istiod runs at least two replicas with a PodDisruptionBudget in prod; workload certificates live at most ${sm.mtlsRotationDays * 24} h (default 24 h) and istio-agent rotates them automatically.`,
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "CC6.7"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MESH-MTLS-CIPHERS",
        section: "service_mesh",
        guidePath: "service_mesh.mtls.cipher_suites[TLS_AES_256_GCM_SHA384]",
        requirement: `Mesh mTLS uses the cipher suites ${sm.cipherSuites.join(" and ")}: the mesh minimum protocol is TLS 1.3 (meshConfig.meshMTLS.minProtocolVersion ${MESH.minTlsVersion}), whose suites include both.`,
        iso27001: ["A.8.24"],
        soc2: ["CC6.7"],
        how: { kind: "infrastructure" },
        substitution: `Envoy (BoringSSL) does not let TLS 1.3 suites be configured; with TLS 1.3 as the minimum every handshake uses one of ${MESH.tls13Suites.join(", ")}. The guide's two suites are therefore offered and used; TLS_AES_128_GCM_SHA256 stays enabled as well (a stated deviation: it cannot be removed, and it is an AEAD suite with forward secrecy like the other two).`,
    },
    {
        id: "MESH-AUTHZ-STRICT",
        section: "service_mesh",
        guidePath: "service_mesh.policies.authorization.mode",
        requirement: `Authorization mode ${authz.mode}: every agent namespace has a deny-by-default Istio AuthorizationPolicy (empty spec), so only explicit ALLOW rules admit traffic, and no ALLOW rule admits any principal, namespace or path by wildcard.`,
        iso27001: ["A.5.15", "A.8.3", "A.8.22"],
        soc2: ["CC6.1", "CC6.3"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MESH-AUTHZ-TASKS",
        section: "service_mesh",
        guidePath: "service_mesh.policies.authorization.rules[0].source.principals[agent.task-executor.*]",
        requirement: `Only ${authz.sourcePrincipal} may call ${authz.destinationPrincipal}, and only ${authz.methods.join("/")} on ${authz.paths.join(", ")}: an ALLOW AuthorizationPolicy on the coordinator workloads whose source principals are the task-executor service accounts (<trustDomain>/ns/agent-<task-executor>/sa/<task-executor>[-*]).`,
        iso27001: ["A.5.15", "A.8.3"],
        soc2: ["CC6.1", "CC6.3"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MESH-RATE-GLOBAL",
        section: "service_mesh",
        guidePath: "service_mesh.policies.rate_limiting.global.requests_per_second",
        requirement: `At most ${sm.rateLimiting.globalRps} requests per second enter the system: the ingress gateway runs a fixed number of replicas, each with a local token bucket of ${sm.rateLimiting.globalRps} / replicas rps (never more than ${sm.rateLimiting.globalRps} in total); the network section's WAF rate rule caps the same at the ALB.`,
        iso27001: ["A.8.6", "A.8.20"],
        soc2: ["A1.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "MESH-RATE-AGENT",
        section: "service_mesh",
        guidePath: "service_mesh.policies.rate_limiting.per_agent.requests_per_second",
        requirement: `Each agent accepts at most ${sm.rateLimiting.perAgentRps} requests per second per pod: an Envoy local rate limit (token bucket ${sm.rateLimiting.perAgentRps} tokens / 1 s, enabled and enforced at 100%) on the inbound sidecar of every agent namespace. The bucket is per Envoy process, so an agent with N replicas accepts up to N × ${sm.rateLimiting.perAgentRps} rps in total.`,
        iso27001: ["A.8.6"],
        soc2: ["A1.1"],
        how: { kind: "infrastructure" },
    },
    {
        id: "CERT-LETSENCRYPT",
        section: "message_security",
        guidePath: "message_security.encryption.transport.certificate_management.issuer",
        requirement:
            "Public TLS certificates for the ingress gateway come from Let's Encrypt (ACME production directory, DNS-01 through the configured Route 53 zone) when a domain is configured; cert-manager's DNS-01 self-check uses only the VPC resolver, and the ACME contact is an address Let's Encrypt accepts (not example.com/.net/.org).",
        iso27001: ["A.8.24"],
        soc2: ["CC6.7"],
        how: { kind: "infrastructure" },
    },
    {
        id: "CERT-MANAGER",
        section: "message_security",
        guidePath: "message_security.encryption.transport.certificate_management.automation",
        requirement:
            "cert-manager (jetstack chart, pinned version, CRDs managed by the chart, images from a stated registry; chart repository and registry on the egress allow-list) issues and renews certificates automatically; its Route 53 access is an EKS Pod Identity role limited to the configured hosted zone.",
        iso27001: ["A.8.24", "A.8.32"],
        soc2: ["CC6.7", "CC8.1"],
        how: { kind: "infrastructure" },
    },
];
