import {
    agentEgressToApis,
    certManagerRecursiveDns,
    domainAllowed,
    durationHours,
    imageSourcesReachable,
    intermediateCaRotation,
    istiodDisruptionBudget,
    registryOf,
    sidecarFitsQuota,
    sidecarSeccomp,
} from "../../policy-pack/policies/mesh-deploy";
import { podsThatFit } from "../../policy-pack/lib/quantity";
import { StackResourceCase, validateResource, validateStack } from "../harness/policy";

type Obj = Record<string, unknown>;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const RULE_GROUP = "aws:networkfirewall/ruleGroup:RuleGroup";
const NS = "kubernetes:core/v1:Namespace";
const messages = (r: { message: string }[]) => r.map((v) => v.message);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function edit(stack: StackResourceCase[], name: string, change: (props: Obj) => void): StackResourceCase[] {
    const copy = clone(stack);
    change(copy.find((r) => r.name === name)!.props);
    return copy;
}

const ALLOW = [
    ".amazonaws.com",
    "registry-1.docker.io",
    "auth.docker.io",
    "production.cloudflare.docker.com",
    "production.cloudfront.docker.com",
    "docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com",
    "quay.io",
    "cdn01.quay.io",
    "istio-release.storage.googleapis.com",
    "charts.jetstack.io",
];

function supplyStack(): StackResourceCase[] {
    const istioRepo = { repo: "https://istio-release.storage.googleapis.com/charts" };
    const hub = { global: { hub: "docker.io/istio", tag: "1.30.3" } };
    return [
        {
            type: RULE_GROUP,
            name: "allow",
            props: {
                ruleGroup: {
                    rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targets: ALLOW } },
                },
            },
        },
        { type: RELEASE, name: "base", props: { name: "istio-base", chart: "base", repositoryOpts: istioRepo } },
        {
            type: RELEASE,
            name: "cni",
            props: { name: "istio-cni", chart: "cni", repositoryOpts: istioRepo, values: hub },
        },
        {
            type: RELEASE,
            name: "istiod",
            props: { name: "istiod", chart: "istiod", repositoryOpts: istioRepo, values: hub },
        },
        { type: RELEASE, name: "gw", props: { name: "gw", chart: "gateway", repositoryOpts: istioRepo, values: {} } },
        {
            type: RELEASE,
            name: "cm",
            props: {
                name: "cert-manager",
                chart: "cert-manager",
                repositoryOpts: { repo: "https://charts.jetstack.io" },
                values: { imageRegistry: "quay.io" },
            },
        },
    ];
}

describe("MESH-MTLS-STRICT / CERT-MANAGER mesh-image-sources-reachable", () => {
    it("passes when every chart repository and registry host is allowed", () => {
        expect(validateStack(imageSourcesReachable, supplyStack())).toEqual([]);
    });
    it("fails Istio charts left on their 1.30 default hub (registry.istio.io)", () => {
        const s = edit(supplyStack(), "cni", (p) => delete p.values);
        expect(messages(validateStack(imageSourcesReachable, s))).toEqual([
            "images of release istio-cni from registry.istio.io needs registry.istio.io, which the egress allow-list drops",
        ]);
    });
    it("fails a chart repository the deploy runner cannot reach", () => {
        const s = edit(supplyStack(), "allow", (p) => {
            const list = (((p.ruleGroup as Obj).rulesSource as Obj).rulesSourceList as Obj).targets as string[];
            list.splice(list.indexOf("charts.jetstack.io"), 1);
        });
        expect(messages(validateStack(imageSourcesReachable, s))).toEqual([
            "chart repository https://charts.jetstack.io of release cert-manager needs charts.jetstack.io, which the egress allow-list drops",
        ]);
    });
    it("fails a Docker Hub pull without its token service, and a workload image from an unlisted registry", () => {
        const s = edit(supplyStack(), "allow", (p) => {
            const list = (((p.ruleGroup as Obj).rulesSource as Obj).rulesSourceList as Obj).targets as string[];
            list.splice(list.indexOf("auth.docker.io"), 1);
        });
        s.push({
            type: "kubernetes:apps/v1:Deployment",
            name: "app",
            props: {
                metadata: { name: "app" },
                spec: { template: { spec: { containers: [{ image: "ghcr.io/acme/agent:1" }] } } },
            },
        });
        expect(messages(validateStack(imageSourcesReachable, s))).toEqual([
            "images of release istio-cni from docker.io needs auth.docker.io, which the egress allow-list drops",
            "images of release istiod from docker.io needs auth.docker.io, which the egress allow-list drops",
            "image ghcr.io/acme/agent:1 of app needs ghcr.io, which the egress allow-list drops",
        ]);
    });
    it("fails Docker Hub images when the blob storage of anonymous pulls (Cloudflare R2) is not allowed", () => {
        const s = edit(supplyStack(), "allow", (p) => {
            const list = (((p.ruleGroup as Obj).rulesSource as Obj).rulesSourceList as Obj).targets as string[];
            list.splice(
                list.indexOf("docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com"),
                1,
            );
        });
        expect(messages(validateStack(imageSourcesReachable, s))).toEqual([
            "images of release istio-cni from docker.io needs docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com, which the egress allow-list drops",
            "images of release istiod from docker.io needs docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com, which the egress allow-list drops",
        ]);
    });
    it("accepts images mirrored to ECR (OCI charts too) under the .amazonaws.com entry", () => {
        const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        const s = edit(supplyStack(), "istiod", (p) => {
            p.values = { global: { hub: `${ecr}/istio` } };
            p.repositoryOpts = { repo: `oci://${ecr}/charts` };
        });
        expect(validateStack(imageSourcesReachable, s)).toEqual([]);
    });
    it("reads registries and domains the way Docker and Network Firewall do", () => {
        expect(registryOf("istio/proxyv2:1.30.3")).toBe("docker.io");
        expect(registryOf("quay.io/jetstack/cert-manager-controller:v1.20.2")).toBe("quay.io");
        expect(registryOf("localhost:5000/x")).toBe("localhost");
        expect(domainAllowed("api.ecr.eu-west-1.amazonaws.com", [".amazonaws.com"])).toBe(true);
        expect(domainAllowed("evilamazonaws.com", [".amazonaws.com"])).toBe(false);
        expect(domainAllowed("cdn02.quay.io", ["quay.io"])).toBe(false);
    });
});

function quotaStack(sidecar?: Obj, pods = "8"): StackResourceCase[] {
    const ns = "agent-coordinator";
    return [
        { type: NS, name: "ns", props: { metadata: { name: ns, labels: { "mas/agent": "coordinator" } } } },
        {
            type: "kubernetes:core/v1:ResourceQuota",
            name: "quota",
            props: {
                metadata: { name: "agent-quota", namespace: ns },
                spec: {
                    hard: {
                        "requests.cpu": "4",
                        "limits.cpu": "4",
                        "requests.memory": "8Gi",
                        "limits.memory": "8Gi",
                        pods,
                    },
                },
            },
        },
        {
            type: "kubernetes:core/v1:LimitRange",
            name: "limits",
            props: {
                metadata: { name: "agent-limits", namespace: ns },
                spec: {
                    limits: [
                        {
                            type: "Container",
                            default: { cpu: "250m", memory: "256Mi" },
                            defaultRequest: { cpu: "250m", memory: "256Mi" },
                        },
                    ],
                },
            },
        },
        {
            type: RELEASE,
            name: "istiod",
            props: { chart: "istiod", values: { global: { proxy: sidecar ? { resources: sidecar } : {} } } },
        },
    ];
}

describe("ACC-RES-QUOTA mesh-sidecar-fits-agent-quota", () => {
    const sized = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } };
    it("passes 8 pods of 250m + 250m CPU in a 4-CPU quota", () => {
        expect(validateStack(sidecarFitsQuota, quotaStack(sized))).toEqual([]);
    });
    it("fails Istio's default sidecar (2 CPU / 1 GiB limits): one meshed pod fits the agent quota", () => {
        expect(messages(validateStack(sidecarFitsQuota, quotaStack(undefined)))).toEqual([
            "agent namespace agent-coordinator: its quota allows 8 pods but only 1 meshed pods with default settings fit (each 2250m CPU / 1280Mi limits with the sidecar)",
        ]);
    });
    it("fails a pods quota above what CPU and memory allow", () => {
        expect(messages(validateStack(sidecarFitsQuota, quotaStack(sized, "9")))).toEqual([
            "agent namespace agent-coordinator: its quota allows 9 pods but only 8 meshed pods with default settings fit (each 500m CPU / 512Mi limits with the sidecar)",
        ]);
    });
    it("counts the binding resource", () => {
        const perPod = { requestsCpu: 350, limitsCpu: 500, requestsMemory: 384 * 2 ** 20, limitsMemory: 512 * 2 ** 20 };
        expect(podsThatFit({ limitsCpu: 4000, limitsMemory: 8 * 2 ** 30, pods: 20 }, perPod)).toBe(8);
        expect(podsThatFit({ limitsCpu: 40000, limitsMemory: 2 * 2 ** 30, pods: 20 }, perPod)).toBe(4);
        expect(podsThatFit({ pods: 3 }, perPod)).toBe(3);
    });
});

describe("K8S-PSA mesh-sidecar-seccomp", () => {
    const istiod = (proxy: Obj) =>
        validateResource(sidecarSeccomp, { type: RELEASE, props: { chart: "istiod", values: { global: { proxy } } } });
    it("passes RuntimeDefault", () => {
        expect(istiod({ seccompProfile: { type: "RuntimeDefault" } })).toEqual([]);
    });
    it("fails the chart default (no profile) and Unconfined", () => {
        expect(istiod({})).toEqual([
            "istiod release sets global.proxy.seccompProfile {}; a pod without a pod-level profile is rejected by Pod Security restricted",
        ]);
        expect(istiod({ seccompProfile: { type: "Unconfined" } })).toHaveLength(1);
    });
});

describe("MESH-MTLS-ROTATION mesh-istiod-disruption-budget", () => {
    const stack = (values: Obj, env: string) => [
        {
            type: "pulumi:providers:aws",
            name: "aws",
            props: { defaultTags: JSON.stringify({ tags: { environment: env } }) },
        },
        { type: RELEASE, name: "istiod", props: { chart: "istiod", values } },
    ];
    it("passes two replicas in prod, and one in dev", () => {
        expect(validateStack(istiodDisruptionBudget, stack({ autoscaleMin: 2, replicaCount: 2 }, "prod"))).toEqual([]);
        expect(validateStack(istiodDisruptionBudget, stack({}, "dev"))).toEqual([]);
    });
    it("fails the chart default (one replica, so no PodDisruptionBudget) and a disabled budget in prod", () => {
        expect(messages(validateStack(istiodDisruptionBudget, stack({}, "prod")))).toEqual([
            "istiod runs 1 replica(s) in prod; with fewer than 2 the chart creates no PodDisruptionBudget and one eviction stops certificate issuance and config",
        ]);
        const off = { autoscaleMin: 2, global: { defaultPodDisruptionBudget: { enabled: false } } };
        expect(messages(validateStack(istiodDisruptionBudget, stack(off, "prod")))).toEqual([
            "istiod release disables global.defaultPodDisruptionBudget",
        ]);
        const noHpa = { autoscaleEnabled: false, autoscaleMin: 3, replicaCount: 1 };
        expect(validateStack(istiodDisruptionBudget, stack(noHpa, "prod"))).toHaveLength(1);
    });
});

describe("CERT-LETSENCRYPT mesh-cert-manager-recursive-dns", () => {
    const cm = (values: Obj) =>
        validateResource(certManagerRecursiveDns, { type: RELEASE, props: { chart: "cert-manager", values } });
    it("passes the VPC resolver only", () => {
        expect(cm({ dns01RecursiveNameservers: "10.0.0.2:53", dns01RecursiveNameserversOnly: true })).toEqual([]);
        expect(cm({ dns01RecursiveNameservers: "169.254.169.253:53", dns01RecursiveNameserversOnly: true })).toEqual(
            [],
        );
    });
    it("fails the chart default (authoritative servers on port 53) and a public resolver", () => {
        expect(cm({})).toEqual([
            "cert-manager release does not set dns01RecursiveNameserversOnly: true; its DNS-01 self-check would query authoritative name servers on port 53",
            'cert-manager release sets dns01RecursiveNameservers ""; expected the VPC resolver (private address, port 53)',
        ]);
        expect(cm({ dns01RecursiveNameservers: "8.8.8.8:53", dns01RecursiveNameserversOnly: true })).toHaveLength(1);
    });
});

function caStack(): StackResourceCase[] {
    return [
        {
            type: "kubernetes:cert-manager.io/v1:Certificate",
            name: "cert",
            props: {
                metadata: { name: "istio-ca", namespace: "istio-system" },
                spec: {
                    secretName: "cacerts",
                    isCA: true,
                    duration: "720h",
                    renewBefore: "240h",
                    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                    issuerRef: { name: "mesh-ca", kind: "Issuer" },
                },
            },
        },
    ];
}

describe("MESH-MTLS-ROTATION mesh-intermediate-ca-rotation", () => {
    it("passes a 30-day intermediate re-issued 10 days early with a new key", () => {
        expect(validateStack(intermediateCaRotation, caStack())).toEqual([]);
    });
    it("fails a Pulumi-managed cacerts Secret (rotates only on pulumi up, delete-before-replace)", () => {
        const s: StackResourceCase[] = [
            {
                type: "kubernetes:core/v1:Secret",
                name: "cacerts",
                props: { metadata: { name: "cacerts", namespace: "istio-system" }, stringData: {} },
            },
        ];
        expect(messages(validateStack(intermediateCaRotation, s))).toEqual([
            "Secret istio-system/cacerts is managed by Pulumi: it changes only on `pulumi up`, and a named Secret is replaced delete-before-replace (istiod briefly without its CA)",
            "no cert-manager Certificate writes istio-system/cacerts: nothing rotates istiod's intermediate CA",
        ]);
    });
    it("fails a key kept across renewals, a life beyond 720 h, and a late renewal", () => {
        const s = edit(caStack(), "cert", (p) => {
            const spec = p.spec as Obj;
            spec.privateKey = { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" };
            spec.duration = "2160h";
            spec.renewBefore = "24h";
        });
        expect(messages(validateStack(intermediateCaRotation, s))).toEqual([
            "Certificate istio-system/istio-ca lives 2160h; the rotation period allows at most 720h",
            "Certificate istio-system/istio-ca has renewBefore 24h; expected at least 240h and less than its duration",
            "Certificate istio-system/istio-ca keeps its private key on renewal (privateKey.rotationPolicy is not Always)",
        ]);
    });
    it("fails cert-manager's 90-day default duration and a non-CA certificate", () => {
        const s = edit(caStack(), "cert", (p) => {
            const spec = p.spec as Obj;
            delete spec.duration;
            spec.isCA = false;
        });
        expect(messages(validateStack(intermediateCaRotation, s))).toEqual([
            "Certificate istio-system/istio-ca is not a CA (isCA): istiod cannot sign workload certificates with it",
            "Certificate istio-system/istio-ca lives 2160h (default); the rotation period allows at most 720h",
        ]);
    });
    it("reads Go durations", () => {
        expect(durationHours("720h0m0s")).toBe(720);
        expect(durationHours("90m")).toBe(1.5);
        expect(durationHours("30d")).toBeUndefined();
    });
});

function egressStack(extraEgress: Obj[] = []): StackResourceCase[] {
    const subnets = [
        { id: "subnet-s0", cidrBlock: "10.0.2.0/26" },
        { id: "subnet-s1", cidrBlock: "10.0.2.64/26" },
    ];
    return [
        ...subnets.map((s) => ({ type: "aws:ec2/subnet:Subnet", name: s.id, props: s })),
        ...["sts", "kms", "secretsmanager", "logs", "ssm"].map((svc) => ({
            type: "aws:ec2/vpcEndpoint:VpcEndpoint",
            name: `vpce-${svc}`,
            props: {
                serviceName: `com.amazonaws.eu-west-1.${svc}`,
                vpcEndpointType: "Interface",
                subnetIds: ["subnet-s0", "subnet-s1"],
            },
        })),
        {
            type: "aws:eks/cluster:Cluster",
            name: "eks",
            props: { vpcConfig: { subnetIds: ["subnet-s0", "subnet-s1"] } },
        },
        { type: NS, name: "ns", props: { metadata: { name: "agent-a", labels: { "mas/agent": "a" } } } },
        {
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            name: "allow",
            props: {
                metadata: { name: "allow-mesh", namespace: "agent-a" },
                spec: {
                    podSelector: {},
                    egress: [
                        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }], ports: [{ port: 443 }] },
                        ...extraEgress,
                    ],
                },
            },
        },
    ];
}

describe("K8S-NETPOL mesh-agent-egress-to-apis", () => {
    it("passes HTTPS to the service segment, where the API endpoint and the interface endpoints live", () => {
        const ok = { to: [{ ipBlock: { cidr: "10.0.2.0/24" } }], ports: [{ protocol: "TCP", port: 443 }] };
        expect(validateStack(agentEgressToApis, egressStack([ok]))).toEqual([]);
    });
    it("fails egress that excludes the whole VPC (sidecars cannot reach the API, STS, KMS, Secrets Manager, Logs)", () => {
        expect(messages(validateStack(agentEgressToApis, egressStack()))).toEqual([
            "agent namespace agent-a: no egress rule lets pods reach the sts endpoint (10.0.2.0/26, 10.0.2.64/26) on TCP 443",
            "agent namespace agent-a: no egress rule lets pods reach the kms endpoint (10.0.2.0/26, 10.0.2.64/26) on TCP 443",
            "agent namespace agent-a: no egress rule lets pods reach the secretsmanager endpoint (10.0.2.0/26, 10.0.2.64/26) on TCP 443",
            "agent namespace agent-a: no egress rule lets pods reach the logs endpoint (10.0.2.0/26, 10.0.2.64/26) on TCP 443",
            "agent namespace agent-a: no egress rule lets pods reach the Kubernetes API (10.0.2.0/26, 10.0.2.64/26) on TCP 443",
        ]);
    });
    it("fails a rule on the wrong port or covering only one subnet", () => {
        const wrongPort = { to: [{ ipBlock: { cidr: "10.0.2.0/24" } }], ports: [{ port: 8443 }] };
        expect(validateStack(agentEgressToApis, egressStack([wrongPort]))).toHaveLength(5);
        const half = { to: [{ ipBlock: { cidr: "10.0.2.0/26" } }], ports: [{ port: 443 }] };
        expect(messages(validateStack(agentEgressToApis, egressStack([half])))[0]).toBe(
            "agent namespace agent-a: no egress rule lets pods reach the sts endpoint (10.0.2.64/26) on TCP 443",
        );
    });
});
