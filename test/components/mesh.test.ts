import { PeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import { EnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter";
import { Gateway } from "@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway";
import { Secret } from "kubernetes-models/v1/Secret";
import { Namespace } from "kubernetes-models/v1/Namespace";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { isSecretValue, named, ofType, plain, runIsolated, stackConfig } from "../harness/program";

const CR = (apiVersion: string, kind: string) => `kubernetes:${apiVersion}:${kind}`;
const PA = CR("security.istio.io/v1", "PeerAuthentication");
const AP = CR("security.istio.io/v1", "AuthorizationPolicy");
const EF = CR("networking.istio.io/v1alpha3", "EnvoyFilter");
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NS = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const LSC = "tls:index/locallySignedCert:LocallySignedCert";
const SSC = "tls:index/selfSignedCert:SelfSignedCert";
const KEY = "tls:index/privateKey:PrivateKey";

type Obj = Record<string, unknown>;

/** Runs the mesh component alone under mocks, with the cluster section's outputs faked as strings. */
function runMesh(stack: "dev" | "prod", overrides: Obj = {}, extra: Obj = {}): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack, overrides), stack, () => {
        const k8s = require("@pulumi/kubernetes") as typeof import("@pulumi/kubernetes");
        const { loadConfig, agentNamespace } = require("../../components/config");
        const { EvidenceRegistry } = require("../../components/evidence");
        const { Mesh } = require("../../components/mesh");
        const cfg = loadConfig();
        const evidence = new EvidenceRegistry();
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const agentNamespaces = Object.fromEntries((cfg.agents as string[]).map((a: string) => [a, agentNamespace(a)]));
        const mesh = new Mesh("mas", {
            config: cfg,
            evidence,
            provider,
            agentNamespaces,
            clusterName: "mas-dev-eks",
            ...extra,
        });
        return {
            evidence: evidence.output(),
            root: mesh.rootCertificatePem,
            issuing: mesh.issuingCertificatePem,
            ingressNamespace: mesh.ingressNamespace,
        };
    });
}

const spec = (r: RecordedResource) => plain<Obj>(r.inputs.spec);
const meta = (r: RecordedResource) => plain<Obj>(r.inputs.metadata);
const values = (r: RecordedResource) => plain<Obj>(r.inputs.values);
const evidenceOf = (run: ProgramRun, id: string) =>
    ((run.stackOutputs.evidence as Record<string, { resources: { type: string }[] }>)[id]?.resources ?? []).map(
        (r) => r.type,
    );

/** An Istio string match: exact, prefix `abc*`, suffix `*abc`, never a `*` in the middle. */
function istioMatch(s: string): boolean {
    return !s.slice(1, -1).includes("*");
}

describe("Mesh component (dev: coordinator + task-executor)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh("dev");
    });

    describe("MESH-MTLS-CA internal CA", () => {
        it("has an ECDSA P256 root, self-signed CA, 10 years, never early-renewed", () => {
            const keys = ofType(run, KEY);
            // The CA's two keys, plus the ingress origin certificate's key (dev has no public domain).
            expect(keys.map((k) => k.name).sort()).toEqual([
                "mas-ca-issuing-key",
                "mas-ca-root-key",
                "mas-ingress-origin",
            ]);
            for (const k of keys) {
                expect(k.inputs).toMatchObject({ algorithm: "ECDSA", ecdsaCurve: "P256" });
            }
            const root = named(run, SSC, "mas-ca-root");
            expect(root.inputs).toMatchObject({
                isCaCertificate: true,
                validityPeriodHours: 87600,
                earlyRenewalHours: 0,
                allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
            });
        });

        it("signs the issuing CA with the root; it may sign one level of CAs (the rotating intermediate)", () => {
            const issuing = named(run, LSC, "mas-ca-issuing");
            const rootKey = named(run, KEY, "mas-ca-root-key");
            expect(issuing.inputs).toMatchObject({
                isCaCertificate: true,
                maxPathLength: 1,
                validityPeriodHours: 2 * 365 * 24,
                earlyRenewalHours: 365 * 24,
            });
            expect(plain(issuing.inputs.caPrivateKeyPem)).toBe(plain(rootKey.outputs.privateKeyPem));
            expect(plain(issuing.inputs.caCertPem)).toBe(named(run, SSC, "mas-ca-root").outputs.certPem);
        });

        it("gives cert-manager the issuing CA (tls.crt, tls.key, ca.crt = root, as a secret) behind a namespaced CA Issuer", () => {
            const secret = named(run, SECRET, "mas-issuing-ca");
            expect(meta(secret)).toEqual({ name: "mesh-issuing-ca", namespace: "istio-system" });
            expect(secret.inputs.type).toBe("kubernetes.io/tls");
            expect(isSecretValue(secret.inputs.stringData)).toBe(true);
            const data = plain<Record<string, string>>(secret.inputs.stringData);
            expect(data["tls.crt"]).toBe(named(run, LSC, "mas-ca-issuing").outputs.certPem);
            expect(data["ca.crt"]).toBe(named(run, SSC, "mas-ca-root").outputs.certPem);
            expect(data["tls.key"]).toBe(plain(named(run, KEY, "mas-ca-issuing-key").outputs.privateKeyPem));
            expect(() => new Secret(plain(secret.inputs)).validate()).not.toThrow();
            const issuer = named(run, CR("cert-manager.io/v1", "Issuer"), "mas-mesh-ca-issuer");
            expect(meta(issuer)).toEqual({ name: "mesh-ca", namespace: "istio-system" });
            expect(spec(issuer)).toEqual({ ca: { secretName: "mesh-issuing-ca" } });
            expect(issuer.dependencies).toContain(named(run, RELEASE, "mas-cert-manager").urn);
        });

        it("no root key and no cacerts Secret in Pulumi's Kubernetes objects: cert-manager writes cacerts", () => {
            const secrets = ofType(run, SECRET).map((r) => meta(r).name);
            expect(secrets).not.toContain("cacerts");
            const all = JSON.stringify(ofType(run, SECRET).map((r) => plain(r.inputs)));
            expect(all).not.toContain(plain<string>(named(run, KEY, "mas-ca-root-key").outputs.privateKeyPem));
        });

        it("exports only the certificates in plain form", () => {
            expect(run.stackOutputs.root).toMatch(/^-----BEGIN CERTIFICATE-----/);
            expect(run.stackOutputs.issuing).toMatch(/^-----BEGIN CERTIFICATE-----/);
            expect(isSecretValue(run.stackOutputs.root)).toBe(false);
            const ca = run.resources.find((r) => r.type === "mas:mesh:MeshCa");
            expect(JSON.stringify(ca?.outputs ?? {})).not.toContain("PRIVATE KEY");
        });

        it("istiod starts only after cert-manager has issued cacerts (Certificate awaited until Ready) and the CRDs exist", () => {
            const istiod = named(run, RELEASE, "mas-istiod");
            const cert = named(run, CR("cert-manager.io/v1", "Certificate"), "mas-istio-ca");
            expect((meta(cert).annotations as Obj)["pulumi.com/waitFor"]).toBe("condition=Ready");
            expect(istiod.dependencies).toEqual(
                expect.arrayContaining([cert.urn, named(run, RELEASE, "mas-istio-base").urn]),
            );
        });

        it("records its evidence", () => {
            expect(evidenceOf(run, "MESH-MTLS-CA")).toEqual([
                SSC,
                LSC,
                SECRET,
                CR("cert-manager.io/v1", "Issuer"),
                CR("cert-manager.io/v1", "Certificate"),
            ]);
        });
    });

    describe("MESH-MTLS-ROTATION", () => {
        it("cert-manager re-issues the intermediate: 720 h life, renewed 240 h before expiry, a new ECDSA key each time", () => {
            const cert = named(run, CR("cert-manager.io/v1", "Certificate"), "mas-istio-ca");
            expect(meta(cert)).toMatchObject({ name: "istio-ca", namespace: "istio-system" });
            expect(spec(cert)).toEqual({
                secretName: "cacerts",
                isCA: true,
                commonName: "mas-dev mesh intermediate CA",
                subject: { organizations: ["mas-dev"] },
                duration: "720h",
                renewBefore: "240h",
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                usages: ["cert sign", "crl sign", "digital signature"],
                issuerRef: { name: "mesh-ca", kind: "Issuer", group: "cert-manager.io" },
            });
            // Rotation period vs the guide's 30 days: a new intermediate (and key) every 720 - 240 = 480 h (20 days),
            // and none lives past 30 days even if one renewal attempt fails for up to 10 days.
            expect(720 - 240).toBeLessThanOrEqual(30 * 24);
        });

        it("the issuing CA's key changes once per renewal window (a new key with every replaced certificate)", () => {
            const { issuingKeyGeneration } = require("../../components/mesh") as typeof import("../../components/mesh");
            const year = 365 * 24 * 3_600_000;
            expect(issuingKeyGeneration(0)).toBe(0);
            expect(issuingKeyGeneration(year - 1)).toBe(0);
            expect(issuingKeyGeneration(year)).toBe(1);
        });

        it("workload certificates live 24 h by default, capped by istiod (top-level env: the 1.30 chart ignores pilot.env)", () => {
            const v = values(named(run, RELEASE, "mas-istiod"));
            expect(v.env).toEqual({ DEFAULT_WORKLOAD_CERT_TTL: "24h", MAX_WORKLOAD_CERT_TTL: "24h" });
            expect(v.cni).toEqual({ enabled: true });
            expect(v.pilot).toBeUndefined();
            expect((v.meshConfig as Obj).defaultConfig).toEqual({ proxyMetadata: { SECRET_TTL: "24h" } });
        });

        it("takes the workload certificate TTL from config", async () => {
            const other = await runMesh("dev", { workloadCertTtlHours: 12 });
            const v = values(named(other, RELEASE, "mas-istiod"));
            expect(v.env).toEqual({ DEFAULT_WORKLOAD_CERT_TTL: "12h", MAX_WORKLOAD_CERT_TTL: "12h" });
        });

        it("dev runs one istiod replica (the chart then creates no PodDisruptionBudget)", () => {
            const v = values(named(run, RELEASE, "mas-istiod"));
            expect([v.replicaCount, v.autoscaleMin]).toEqual([1, 1]);
        });
    });

    describe("Istio install (MESH-MTLS-CIPHERS)", () => {
        it("installs base, istiod and the gateway from the pinned Istio chart repository", () => {
            const releases = ofType(run, RELEASE).filter((r) => r.inputs.chart !== "cert-manager");
            expect(releases.map((r) => [r.inputs.name, r.inputs.chart, r.inputs.namespace, r.inputs.version])).toEqual([
                ["istio-base", "base", "istio-system", "1.30.3"],
                ["istio-cni", "cni", "istio-system", "1.30.3"],
                ["istiod", "istiod", "istio-system", "1.30.3"],
                ["istio-ingressgateway", "gateway", "istio-ingress", "1.30.3"],
            ]);
            for (const r of releases) {
                expect(r.inputs.repositoryOpts).toEqual({
                    repo: "https://istio-release.storage.googleapis.com/charts",
                });
            }
        });

        it("K8S-PSA: redirects traffic with the Istio CNI agent, so injected pods need no NET_ADMIN under PSA restricted", () => {
            const istiod = named(run, RELEASE, "mas-istiod");
            const cni = named(run, RELEASE, "mas-istio-cni");
            expect(values(istiod).cni).toEqual({ enabled: true });
            // istiod (and so sidecar injection) comes up only after the CNI agent is installed.
            expect(istiod.dependencies).toContain(cni.urn);
        });

        it("pulls every Istio image from docker.io/istio at the chart version (the 1.30 charts default to registry.istio.io)", () => {
            for (const name of ["mas-istiod", "mas-istio-cni"]) {
                expect(values(named(run, RELEASE, name)).global as Obj).toMatchObject({
                    hub: "docker.io/istio",
                    tag: "1.30.3",
                });
            }
        });

        it("K8S-PSA / ACC-RES-QUOTA: injected sidecars get RuntimeDefault seccomp and 100m/128Mi requests, 250m/256Mi limits", () => {
            const proxy = ((values(named(run, RELEASE, "mas-istiod")).global as Obj).proxy ?? {}) as Obj;
            expect(proxy).toEqual({
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
                seccompProfile: { type: "RuntimeDefault" },
            });
        });

        it("sets the mesh minimum TLS version to 1.3 and the trust domain from config", () => {
            const mc = values(named(run, RELEASE, "mas-istiod")).meshConfig as Obj;
            expect(mc.meshMTLS).toEqual({ minProtocolVersion: "TLSV1_3" });
            expect(mc.trustDomain).toBe("cluster.local");
        });

        it("PER-LB: runs the ingress gateway as a fixed-size NodePort service (30443 HTTPS, 31021 readiness) on the service nodes", () => {
            const gw = named(run, RELEASE, "mas-ingress-gateway");
            expect(values(gw)).toEqual({
                labels: { istio: "ingressgateway" },
                service: {
                    type: "NodePort",
                    ports: [
                        { name: "status-port", port: 15021, targetPort: 15021, nodePort: 31021, protocol: "TCP" },
                        { name: "https", port: 443, targetPort: 443, nodePort: 30443, protocol: "TCP" },
                    ],
                },
                nodeSelector: { "mas/segment": "service" },
                autoscaling: { enabled: false },
                replicaCount: 2,
            });
            expect(gw.dependencies).toContain(named(run, RELEASE, "mas-istiod").urn);
            expect(run.stackOutputs.ingressNamespace).toBe("istio-ingress");
        });

        it("creates the namespaces it owns with fixed names (no auto-naming)", () => {
            expect(ofType(run, NS).map((n) => meta(n).name)).toEqual(["istio-system", "cert-manager", "istio-ingress"]);
            for (const n of ofType(run, NS)) {
                expect(() => new Namespace(plain(n.inputs)).validate()).not.toThrow();
            }
        });

        it("uses the explicit Kubernetes provider for every Kubernetes object", () => {
            const k8sObjects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
            expect(k8sObjects.length).toBeGreaterThan(10);
            expect(k8sObjects.every((r) => r.provider?.includes("pulumi:providers:kubernetes::k8s"))).toBe(true);
        });
    });

    describe("MESH-MTLS-STRICT", () => {
        it("has one mesh-wide PeerAuthentication default in istio-system, no selector, STRICT", () => {
            const pas = ofType(run, PA);
            expect(pas).toHaveLength(1);
            expect(meta(pas[0])).toEqual({ name: "default", namespace: "istio-system" });
            expect(spec(pas[0])).toEqual({ mtls: { mode: "STRICT" } });
            // The Istio 1.18 models only know v1beta1; the spec shape is the same.
            expect(() =>
                new PeerAuthentication({ metadata: meta(pas[0]), spec: spec(pas[0]) } as never).validate(),
            ).not.toThrow();
            expect(pas[0].dependencies).toContain(named(run, RELEASE, "mas-istiod").urn);
        });
    });

    describe("MESH-AUTHZ-STRICT / MESH-AUTHZ-TASKS", () => {
        it("denies by default in every agent namespace (ALLOW policy with empty spec)", () => {
            const deny = ofType(run, AP).filter((r) => meta(r).name === "deny-all");
            expect(deny.map((r) => meta(r).namespace)).toEqual(["agent-coordinator", "agent-task-executor"]);
            for (const r of deny) {
                expect(spec(r)).toEqual({});
                expect(() =>
                    new AuthorizationPolicy({ metadata: meta(r), spec: spec(r) } as never).validate(),
                ).not.toThrow();
            }
        });

        it("allows only task-executor → coordinator on /api/v1/tasks/* with POST and GET", () => {
            const allow = named(run, AP, "mas-coordinator-allow-tasks");
            expect(meta(allow)).toEqual({ name: "allow-task-executors", namespace: "agent-coordinator" });
            // Namespace-wide in the coordinator's own namespace: no selector that could select no pod.
            expect(spec(allow)).toEqual({
                action: "ALLOW",
                rules: [
                    {
                        from: [
                            {
                                source: {
                                    principals: [
                                        "cluster.local/ns/agent-task-executor/sa/task-executor",
                                        "cluster.local/ns/agent-task-executor/sa/task-executor-*",
                                    ],
                                },
                            },
                        ],
                        to: [{ operation: { paths: ["/api/v1/tasks/*"], methods: ["POST", "GET"] } }],
                    },
                ],
            });
            expect(() =>
                new AuthorizationPolicy({ metadata: meta(allow), spec: spec(allow) } as never).validate(),
            ).not.toThrow();
        });

        it("writes principals and methods the way Istio matches them", () => {
            const rules = (spec(named(run, AP, "mas-coordinator-allow-tasks")).rules as Obj[])[0] as {
                from: { source: { principals: string[] } }[];
                to: { operation: { methods: string[]; paths: string[] } }[];
            };
            for (const p of rules.from[0].source.principals) {
                expect(p).toMatch(/^[a-z0-9.-]+\/ns\/[a-z0-9-]+\/sa\/[a-z0-9-]+\*?$/);
                expect(p.startsWith("spiffe://")).toBe(false);
                expect(istioMatch(p)).toBe(true);
            }
            for (const m of rules.to[0].operation.methods) {
                expect(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]).toContain(m);
            }
            expect(rules.to[0].operation.paths.every(istioMatch)).toBe(true);
        });

        it("records deny-all and the allow rule as evidence", () => {
            expect(evidenceOf(run, "MESH-AUTHZ-STRICT")).toEqual([AP, AP]);
            expect(evidenceOf(run, "MESH-AUTHZ-TASKS")).toEqual([AP]);
        });
    });

    describe("MESH-RATE-AGENT / MESH-RATE-GLOBAL", () => {
        const bucket = (r: RecordedResource) => {
            const patches = spec(r).configPatches as Obj[];
            expect(patches).toHaveLength(1);
            return patches[0] as {
                applyTo: string;
                match: {
                    context: string;
                    listener: { filterChain: { filter: { name: string; subFilter: { name: string } } } };
                };
                patch: { operation: string; value: { name: string; typed_config: Obj } };
            };
        };

        it("puts a 100 rps local rate limit, enabled and enforced at 100%, on every agent namespace's inbound sidecars", () => {
            const filters = ofType(run, EF).filter((r) => meta(r).name === "agent-rate-limit");
            expect(filters.map((r) => meta(r).namespace)).toEqual(["agent-coordinator", "agent-task-executor"]);
            for (const f of filters) {
                const p = bucket(f);
                expect(spec(f).workloadSelector).toBeUndefined();
                expect(p.applyTo).toBe("HTTP_FILTER");
                expect(p.match.context).toBe("SIDECAR_INBOUND");
                expect(p.match.listener.filterChain.filter).toEqual({
                    name: "envoy.filters.network.http_connection_manager",
                    subFilter: { name: "envoy.filters.http.router" },
                });
                expect(p.patch.operation).toBe("INSERT_BEFORE");
                expect(p.patch.value.name).toBe("envoy.filters.http.local_ratelimit");
                expect(p.patch.value.typed_config).toEqual({
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                    stat_prefix: "agent_rate_limit",
                    token_bucket: { max_tokens: 100, tokens_per_fill: 100, fill_interval: "1s" },
                    filter_enabled: {
                        runtime_key: "agent_rate_limit_enabled",
                        default_value: { numerator: 100, denominator: "HUNDRED" },
                    },
                    filter_enforced: {
                        runtime_key: "agent_rate_limit_enforced",
                        default_value: { numerator: 100, denominator: "HUNDRED" },
                    },
                });
                expect(() => new EnvoyFilter({ metadata: meta(f), spec: spec(f) } as never).validate()).not.toThrow();
            }
        });

        it("splits the 10000 rps global limit over the 2 gateway replicas (5000 each)", () => {
            const f = named(run, EF, "mas-ingress-ratelimit");
            expect(meta(f)).toEqual({ name: "global-rate-limit", namespace: "istio-ingress" });
            expect(spec(f).workloadSelector).toEqual({ labels: { istio: "ingressgateway" } });
            const p = bucket(f);
            expect(p.match.context).toBe("GATEWAY");
            expect(p.patch.value.typed_config.token_bucket).toEqual({
                max_tokens: 5000,
                tokens_per_fill: 5000,
                fill_interval: "1s",
            });
            expect((p.patch.value.typed_config.filter_enforced as Obj).default_value).toEqual({
                numerator: 100,
                denominator: "HUNDRED",
            });
            expect(() => new EnvoyFilter({ metadata: meta(f), spec: spec(f) } as never).validate()).not.toThrow();
        });

        it("keeps the global total at or below 10000 rps for 3 replicas (3333 each)", async () => {
            const other = await runMesh("dev", { ingressGatewayReplicas: 3 });
            const p = (spec(named(other, EF, "mas-ingress-ratelimit")).configPatches as Obj[])[0] as {
                patch: { value: { typed_config: { token_bucket: Obj } } };
            };
            expect(p.patch.value.typed_config.token_bucket.tokens_per_fill).toBe(3333);
            expect(values(named(other, RELEASE, "mas-ingress-gateway")).replicaCount).toBe(3);
        });
    });

    describe("CERT-MANAGER without a domain", () => {
        it("installs cert-manager from jetstack, pinned, with its CRDs", () => {
            const cm = named(run, RELEASE, "mas-cert-manager");
            expect(cm.inputs).toMatchObject({
                name: "cert-manager",
                chart: "cert-manager",
                version: "v1.20.2",
                namespace: "cert-manager",
                repositoryOpts: { repo: "https://charts.jetstack.io" },
            });
            expect(values(cm)).toEqual({
                crds: { enabled: true },
                serviceAccount: { name: "cert-manager" },
                imageRegistry: "quay.io",
                imageNamespace: "jetstack",
                // DNS-01 self-check through the VPC resolver (10.0.0.0/16 → 10.0.0.2), never the internet's port 53.
                dns01RecursiveNameservers: "10.0.0.2:53",
                dns01RecursiveNameserversOnly: true,
            });
        });

        it("creates no ACME issuer or IAM role without a domain, and never a TargetGroupBinding (no load balancer controller)", () => {
            expect(run.resources.filter((r) => r.type.includes("cert-manager.io")).map((r) => r.name)).toEqual([
                "mas-mesh-ca-issuer",
                "mas-istio-ca",
            ]);
            expect(ofType(run, "aws:iam/role:Role")).toEqual([]);
            expect(run.resources.filter((r) => r.type.includes("TargetGroupBinding"))).toEqual([]);
        });
    });
});

describe("Mesh ingress without a domain (dev: AUTH-CERT, MESH-MTLS-CIPHERS)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh("dev");
    });

    it("serves the ALB → gateway hop over TLS 1.3 with a self-signed origin certificate in a kubernetes.io/tls Secret", () => {
        const gw = named(run, CR("networking.istio.io/v1", "Gateway"), "mas-ingress-gateway-tls");
        expect(spec(gw).servers).toEqual([
            {
                port: { number: 443, name: "https", protocol: "HTTPS" },
                hosts: ["*"],
                tls: { mode: "SIMPLE", credentialName: "ingress-tls", minProtocolVersion: "TLSV1_3" },
            },
        ]);
        const secret = named(run, "kubernetes:core/v1:Secret", "mas-ingress-origin-tls");
        expect(secret.inputs.type).toBe("kubernetes.io/tls");
        expect(meta(secret)).toEqual(expect.objectContaining({ name: "ingress-tls", namespace: "istio-ingress" }));
        expect(isSecretValue(secret.inputs.stringData)).toBe(true);
        expect(Object.keys(plain<Obj>(secret.inputs.stringData)).sort()).toEqual(["tls.crt", "tls.key"]);
        const cert = named(run, "tls:index/selfSignedCert:SelfSignedCert", "mas-ingress-origin");
        // 90 days (the guide's certificate rotation), renewed by any `pulumi up` in the last 30.
        expect(cert.inputs.validityPeriodHours).toBe(2160);
        expect(cert.inputs.earlyRenewalHours).toBe(720);
        expect(cert.inputs.isCaCertificate).toBeFalsy();
        // No ingress Certificate: the only one is the mesh CA's.
        expect(
            run.resources.filter((r) => r.type === CR("cert-manager.io/v1", "Certificate")).map((r) => r.name),
        ).toEqual(["mas-istio-ca"]);
    });
});

describe("Mesh component with a domain and hosted zone (CERT-LETSENCRYPT, CERT-MANAGER)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh(
            "dev",
            {
                domainName: "agents.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                alertEmails: ["security@mas-agents.io"],
            },
            { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/mas-dev-boundary" },
        );
    });

    it("creates a Let's Encrypt ClusterIssuer solving DNS-01 in the hosted zone", () => {
        const issuer = named(run, CR("cert-manager.io/v1", "ClusterIssuer"), "mas-letsencrypt");
        expect(meta(issuer)).toEqual({ name: "letsencrypt" });
        expect(spec(issuer)).toEqual({
            acme: {
                server: "https://acme-v02.api.letsencrypt.org/directory",
                email: "security@mas-agents.io",
                privateKeySecretRef: { name: "letsencrypt-account-key" },
                solvers: [
                    {
                        selector: { dnsZones: ["agents.example.com"] },
                        dns01: { route53: { region: "eu-west-1", hostedZoneID: "Z0123456789ABCDEFGHIJ" } },
                    },
                ],
            },
        });
        expect(issuer.dependencies).toContain(named(run, RELEASE, "mas-cert-manager").urn);
    });

    it("issues the ingress gateway's certificate into istio-ingress and serves it with TLS 1.3", () => {
        const cert = named(run, CR("cert-manager.io/v1", "Certificate"), "mas-ingress-certificate");
        expect(meta(cert)).toEqual({ name: "ingress-tls", namespace: "istio-ingress" });
        expect(spec(cert)).toEqual({
            secretName: "ingress-tls",
            dnsNames: ["agents.example.com"],
            issuerRef: { name: "letsencrypt", kind: "ClusterIssuer", group: "cert-manager.io" },
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        });
        const gw = named(run, CR("networking.istio.io/v1", "Gateway"), "mas-ingress-gateway-tls");
        expect(spec(gw)).toEqual({
            selector: { istio: "ingressgateway" },
            servers: [
                {
                    port: { number: 443, name: "https", protocol: "HTTPS" },
                    // The ALB sends no SNI: a named host would make Envoy reject every connection.
                    hosts: ["*"],
                    tls: { mode: "SIMPLE", credentialName: "ingress-tls", minProtocolVersion: "TLSV1_3" },
                },
            ],
        });
        expect(() => new Gateway({ metadata: meta(gw), spec: spec(gw) } as never).validate()).not.toThrow();
    });

    it("gives cert-manager a Pod Identity role trusted by pods.eks.amazonaws.com, with the boundary", () => {
        const role = named(run, "aws:iam/role:Role", "mas-cert-manager");
        expect(role.inputs.name).toBe("mas-dev-cert-manager");
        expect(role.inputs.permissionsBoundary).toBe("arn:aws:iam::123456789012:policy/mas-dev-boundary");
        expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "pods.eks.amazonaws.com" },
                    Action: ["sts:AssumeRole", "sts:TagSession"],
                    Condition: {
                        StringEquals: {
                            "aws:SourceAccount": "123456789012",
                            "aws:RequestTag/eks-cluster-name": "mas-dev-eks",
                            "aws:RequestTag/kubernetes-namespace": "cert-manager",
                            "aws:RequestTag/kubernetes-service-account": "cert-manager",
                        },
                    },
                },
            ],
        });
        const assoc = named(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "mas-cert-manager");
        expect(assoc.inputs).toMatchObject({
            clusterName: "mas-dev-eks",
            namespace: "cert-manager",
            serviceAccount: "cert-manager",
            roleArn: "arn:aws:iam::123456789012:role/mas-dev-cert-manager",
        });
        // EKS injects Pod Identity credentials only into pods created after the association exists.
        expect(named(run, RELEASE, "mas-cert-manager").dependencies).toContain(assoc.urn);
    });

    it("limits Route 53 changes to _acme-challenge TXT records in the one hosted zone", () => {
        const policy = JSON.parse(
            named(run, "aws:iam/rolePolicy:RolePolicy", "mas-cert-manager-route53").inputs.policy as string,
        );
        expect(policy.Statement).toEqual([
            {
                Sid: "ChallengeRecords",
                Effect: "Allow",
                Action: "route53:ChangeResourceRecordSets",
                Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
                Condition: {
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
                    "ForAllValues:StringLike": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.agents.example.com"],
                    },
                },
            },
            {
                Sid: "ReadChallengeRecords",
                Effect: "Allow",
                Action: "route53:ListResourceRecordSets",
                Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
            },
            {
                Sid: "ChangeStatus",
                Effect: "Allow",
                Action: "route53:GetChange",
                Resource: "arn:aws:route53:::change/*",
            },
        ]);
    });

    it("creates no TargetGroupBinding: the ALB reaches the gateway through its node ports", () => {
        expect(run.resources.filter((r) => r.type.includes("elbv2.k8s.aws"))).toEqual([]);
    });

    it("records issuer, certificate, gateway, role and association as evidence", () => {
        expect(evidenceOf(run, "CERT-LETSENCRYPT")).toEqual([
            RELEASE,
            CR("cert-manager.io/v1", "ClusterIssuer"),
            CR("cert-manager.io/v1", "Certificate"),
            CR("networking.istio.io/v1", "Gateway"),
        ]);
        expect(evidenceOf(run, "CERT-MANAGER")).toEqual([
            RELEASE,
            "aws:iam/role:Role",
            "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        ]);
    });
});

describe("Mesh component (prod: coordinator, task-executor, planner)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh("prod");
    });

    it("protects the root key and certificate; the issuing CA stays replaceable", () => {
        expect(named(run, KEY, "mas-ca-root-key").protect).toBe(true);
        expect(named(run, SSC, "mas-ca-root").protect).toBe(true);
        expect(named(run, LSC, "mas-ca-issuing").protect).toBe(false);
        expect(named(run, KEY, "mas-ca-issuing-key").protect).toBe(false);
    });

    it("runs two istiod replicas with the chart's PodDisruptionBudget (minAvailable 1)", () => {
        const v = values(named(run, RELEASE, "mas-istiod"));
        expect(v).toMatchObject({ replicaCount: 2, autoscaleMin: 2, pdb: { minAvailable: 1 } });
        expect((v.global as Obj).defaultPodDisruptionBudget).toEqual({ enabled: true });
    });

    it("denies by default and rate-limits in all three agent namespaces, allows only into the coordinator", () => {
        const ns = (name: string, type: string) =>
            ofType(run, type)
                .filter((r) => meta(r).name === name)
                .map((r) => meta(r).namespace);
        expect(ns("deny-all", AP)).toEqual(["agent-coordinator", "agent-planner", "agent-task-executor"]);
        expect(ns("agent-rate-limit", EF)).toEqual(["agent-coordinator", "agent-planner", "agent-task-executor"]);
        expect(ns("allow-task-executors", AP)).toEqual(["agent-coordinator"]);
    });
});
