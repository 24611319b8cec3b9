import { PeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import { Namespace } from "kubernetes-models/v1/Namespace";
import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType, plain } from "../../harness/program";
import { PA, AP, EF, RELEASE, NS, LSC, SSC, KEY, Obj, runMesh, spec, meta, values } from "./fixture";

describe("Mesh component (dev: coordinator + task-executor)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh("dev");
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
                // Drains keep one replica; spread over nodes (cordoned ones left out) and zones; no surge pod.
                podDisruptionBudget: { maxUnavailable: 1 },
                topologySpreadConstraints: [
                    {
                        maxSkew: 1,
                        topologyKey: "kubernetes.io/hostname",
                        whenUnsatisfiable: "DoNotSchedule",
                        nodeTaintsPolicy: "Honor",
                        labelSelector: { matchLabels: { istio: "ingressgateway" } },
                    },
                    {
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: "ScheduleAnyway",
                        nodeTaintsPolicy: "Honor",
                        labelSelector: { matchLabels: { istio: "ingressgateway" } },
                    },
                ],
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
                priorityClassName: "system-cluster-critical",
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
                global: { priorityClassName: "system-cluster-critical" },
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

    it("runs them in every environment of the prod profile, e.g. staging, not only in one named prod", async () => {
        const staging = await runMesh("prod", { environment: "staging" });
        expect(values(named(staging, RELEASE, "mas-istiod"))).toMatchObject({ replicaCount: 2, autoscaleMin: 2 });
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
