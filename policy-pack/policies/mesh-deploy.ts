import { PolicyResource } from "@pulumi/policy";
import { MESH } from "../catalog/mesh";
import { platformFacts } from "../lib/agent-platform";
import { contains, isCidr, overlaps } from "../lib/cidr";
import { candidatesBy } from "../lib/lookup";
import { bytes, milliCpu, podsThatFit, PodResources } from "../lib/quantity";
import { asArray, asObject as obj, resourcePolicy, stackEnvironmentOf, stackPolicy } from "./lib";

// What a real deploy of the mesh needs from the rest of the plan: reachable image registries and chart
// repositories, sidecars that fit the agent quotas and pass Pod Security, a rotating plug-in CA, an istiod that
// survives a node drain, cert-manager's DNS-01 self-check through the VPC resolver, and agent egress to the
// Kubernetes API and the AWS interface endpoints.

type Obj = Record<string, unknown>;

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const RULE_GROUP = "aws:networkfirewall/ruleGroup:RuleGroup";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";
const RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota";
const LIMIT_RANGE = "kubernetes:core/v1:LimitRange";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const SUBNET = "aws:ec2/subnet:Subnet";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const ISSUERS = ["kubernetes:cert-manager.io/v1:Issuer", "kubernetes:cert-manager.io/v1:ClusterIssuer"];
/** Workload kinds whose pod templates name images directly. */
const WORKLOADS = [
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
    "kubernetes:core/v1:Pod",
];
/** Charts built from istio/istio's manifests: their images come from `hub` (or `global.hub`). */
const ISTIO_CHARTS = ["base", "istiod", "cni", "gateway", "ztunnel"];
/** The hub Istio 1.30 release charts default to (istio/release-builder release-1.30 release/build.sh). */
const ISTIO_CHART_DEFAULT_HUB = "registry.istio.io/release";
/** cert-manager chart defaults (values.yaml imageRegistry). */
const CERT_MANAGER_DEFAULT_REGISTRY = "quay.io";
/**
 * Docker Hub's hosts for an anonymous pull (nodes pull without credentials): registry, token service and the blob
 * storage pulls are redirected to (docker/docs content/manuals/desktop/setup/allow-list.md lists both CDNs for
 * pulls, and the R2 bucket for "Personal plan / Anonymous" pulls).
 */
const DOCKER_HUB_HOSTS = [
    "registry-1.docker.io",
    "auth.docker.io",
    "production.cloudflare.docker.com",
    "production.cloudfront.docker.com",
    "docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com",
];
/**
 * The hosts a pull from a registry touches besides the registry itself: Docker Hub's token service and blob
 * storage, Quay's blob CDN. Other registries (ECR, mirrors) are taken as one host.
 */
const REGISTRY_HOSTS: Record<string, string[]> = {
    "docker.io": DOCKER_HUB_HOSTS,
    "registry-1.docker.io": DOCKER_HUB_HOSTS,
    "quay.io": ["quay.io", "cdn01.quay.io"],
};
/** Interface endpoints agents call, next to the Kubernetes API (AWS SDK credentials, keys, secrets, logs). */
const AGENT_ENDPOINT_SERVICES = ["sts", "kms", "secretsmanager", "logs"];
/** Istio's chart defaults for the injected sidecar (values.yaml global.proxy.resources). */
const ISTIO_DEFAULT_SIDECAR = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "2000m", memory: "1024Mi" },
};

function parsed(v: unknown): Obj {
    if (typeof v === "string") {
        try {
            return obj(JSON.parse(v));
        } catch {
            return {};
        }
    }
    return obj(v);
}

function meta(props: Obj): { name: string; namespace: string; labels: Obj } {
    const m = obj(props.metadata);
    return { name: String(m.name ?? "?"), namespace: String(m.namespace ?? ""), labels: obj(m.labels) };
}

// --- Image registries and chart repositories vs the egress allow-list -------------------------------------

/** The registry host of an image reference (Docker's rules: no dot/colon/localhost in the first part = Docker Hub). */
export function registryOf(image: string): string {
    const first = image.split("/")[0];
    const hasHost = image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
    return hasHost ? first.replace(/:\d+$/, "") : "docker.io";
}

/** Hosts that must be reachable to pull from a registry. */
export function pullHosts(registry: string): string[] {
    return REGISTRY_HOSTS[registry] ?? [registry];
}

/** Network Firewall domain matching: `.example.com` matches its subdomains (and itself), else exact. */
export function domainAllowed(host: string, targets: string[]): boolean {
    return targets.some((t) => (t.startsWith(".") ? host === t.slice(1) || host.endsWith(t) : host === t));
}

/** Image registries a Helm release's values make its pods pull from. */
export function releaseRegistries(props: Obj): string[] {
    const values = parsed(props.values);
    const chart = String(props.chart ?? "");
    if (ISTIO_CHARTS.includes(chart) && chart !== "base" && chart !== "gateway") {
        // base has no image; gateway's image is injected by istiod ("auto") from istiod's hub.
        const hub = values.hub ?? obj(values.global).hub ?? ISTIO_CHART_DEFAULT_HUB;
        return typeof hub === "string" && hub !== "" ? [registryOf(`${hub}/x`)] : [];
    }
    if (chart === "cert-manager") {
        const registry = values.imageRegistry ?? CERT_MANAGER_DEFAULT_REGISTRY;
        const overrides = [
            values.image,
            ...["webhook", "cainjector", "acmesolver", "startupapicheck"].map((c) => obj(values[c]).image),
        ]
            .map((i) => obj(i).repository)
            .filter((r): r is string => typeof r === "string" && r !== "");
        return [...new Set([String(registry), ...overrides.map(registryOf)])];
    }
    return [];
}

/** Container images named by a workload's pod template. */
function workloadImages(type: string, props: Obj): string[] {
    const spec = obj(props.spec);
    const podSpec =
        type === "kubernetes:core/v1:Pod"
            ? spec
            : type === "kubernetes:batch/v1:CronJob"
              ? obj(obj(obj(obj(spec.jobTemplate).spec).template).spec)
              : obj(obj(spec.template).spec);
    return [...asArray(podSpec.containers as Obj[]), ...asArray(podSpec.initContainers as Obj[])]
        .map((c) => obj(c).image)
        .filter((i): i is string => typeof i === "string");
}

/** The host of a chart repository URL (https:// or oci://). */
function repoHost(repo: string): string | undefined {
    try {
        return new URL(repo).hostname;
    } catch {
        return undefined;
    }
}

export const imageSourcesReachable = stackPolicy({
    name: "mesh-image-sources-reachable",
    description:
        "Every image registry (Helm release values, workload images) and chart repository the stack pulls from is on the network firewall's egress allow-list.",
    controls: ["MESH-MTLS-STRICT", "CERT-MANAGER"],
    severity: "high",
    validate: (args, report) => {
        const allowLists = args.resources
            .filter((r) => r.type === RULE_GROUP)
            .map((r) => obj(obj(obj(r.props.ruleGroup).rulesSource).rulesSourceList))
            .filter((l) => l.generatedRulesType === "ALLOWLIST");
        if (allowLists.length === 0) {
            return; // no domain allow-list in this plan: nothing filters egress by name
        }
        const targets = allowLists.flatMap((l) => asArray(l.targets as string[])).filter((t) => typeof t === "string");
        const check = (what: string, hosts: string[], urn: string) => {
            const blocked = hosts.filter((h) => !domainAllowed(h, targets));
            if (blocked.length) {
                report(`${what} needs ${blocked.join(", ")}, which the egress allow-list drops`, urn);
            }
        };
        for (const r of args.resources) {
            if (r.type === HELM_RELEASE) {
                const repo = obj(r.props.repositoryOpts).repo;
                const host = typeof repo === "string" ? repoHost(repo) : undefined;
                if (host) {
                    check(`chart repository ${String(repo)} of release ${String(r.props.name)}`, [host], r.urn);
                }
                for (const registry of releaseRegistries(r.props)) {
                    check(`images of release ${String(r.props.name)} from ${registry}`, pullHosts(registry), r.urn);
                }
            } else if (WORKLOADS.includes(r.type)) {
                for (const image of workloadImages(r.type, r.props)) {
                    check(`image ${image} of ${meta(r.props).name}`, pullHosts(registryOf(image)), r.urn);
                }
            }
        }
    },
});

// --- Sidecar resources vs the agent namespace quotas -------------------------------------------------------

function istiodValues(resources: PolicyResource[]): Obj | undefined {
    const istiod = resources.find((r) => r.type === HELM_RELEASE && r.props.chart === "istiod");
    return istiod ? parsed(istiod.props.values) : undefined;
}

export const sidecarFitsQuota = stackPolicy({
    name: "mesh-sidecar-fits-agent-quota",
    description:
        "Each agent namespace's ResourceQuota holds its `pods` count of meshed pods with default settings (LimitRange container defaults plus istiod's injected sidecar resources).",
    controls: ["ACC-RES-QUOTA"],
    severity: "high",
    validate: (args, report) => {
        const values = istiodValues(args.resources);
        if (!values) {
            return;
        }
        const sidecar = obj(obj(obj(values.global).proxy).resources);
        const req = { ...ISTIO_DEFAULT_SIDECAR.requests, ...obj(sidecar.requests) };
        const lim = { ...ISTIO_DEFAULT_SIDECAR.limits, ...obj(sidecar.limits) };
        const agentNs = new Set(
            args.resources
                .filter((r) => r.type === NAMESPACE && meta(r.props).labels[MESH.agentNamespaceLabel] !== undefined)
                .map((r) => meta(r.props).name),
        );
        const limitRangesIn = candidatesBy(
            args.resources.filter((r) => r.type === LIMIT_RANGE),
            (r) => meta(r.props).namespace,
        );
        for (const quota of args.resources.filter((r) => r.type === RESOURCE_QUOTA)) {
            const ns = meta(quota.props).namespace;
            if (!agentNs.has(ns)) {
                continue;
            }
            const hard = obj(obj(quota.props.spec).hard);
            const pods = Number(hard.pods);
            const limitRange = limitRangesIn(ns).find((r) => meta(r.props).namespace === ns);
            const container = asArray(obj(limitRange?.props.spec).limits as Obj[])
                .map(obj)
                .find((l) => l.type === "Container");
            const dflt = obj(container?.default);
            const dfltReq = { ...dflt, ...obj(container?.defaultRequest) };
            const perPod: PodResources = {
                requestsCpu: (milliCpu(dfltReq.cpu) ?? 0) + (milliCpu(req.cpu) ?? 0),
                limitsCpu: (milliCpu(dflt.cpu) ?? 0) + (milliCpu(lim.cpu) ?? 0),
                requestsMemory: (bytes(dfltReq.memory) ?? 0) + (bytes(req.memory) ?? 0),
                limitsMemory: (bytes(dflt.memory) ?? 0) + (bytes(lim.memory) ?? 0),
            };
            const fit = podsThatFit(
                {
                    requestsCpu: milliCpu(hard["requests.cpu"] ?? hard.cpu),
                    limitsCpu: milliCpu(hard["limits.cpu"]),
                    requestsMemory: bytes(hard["requests.memory"] ?? hard.memory),
                    limitsMemory: bytes(hard["limits.memory"]),
                },
                perPod,
            );
            if (Number.isFinite(pods) && fit < pods) {
                report(
                    `agent namespace ${ns}: its quota allows ${pods} pods but only ${fit} meshed pods with default settings fit (each ${perPod.limitsCpu}m CPU / ${Math.round(perPod.limitsMemory / 2 ** 20)}Mi limits with the sidecar)`,
                    quota.urn,
                );
            }
        }
    },
});

export const sidecarSeccomp = resourcePolicy({
    name: "mesh-sidecar-seccomp",
    description:
        "The istiod release gives injected containers (istio-proxy, istio-validation) a seccomp profile (RuntimeDefault or Localhost), so pods pass Pod Security restricted with per-container settings.",
    controls: ["K8S-PSA"],
    severity: "high",
    types: [HELM_RELEASE],
    validate: (args, report) => {
        if (args.props.chart !== "istiod") {
            return;
        }
        const profile = obj(obj(obj(parsed(args.props.values).global).proxy).seccompProfile);
        if (profile.type !== "RuntimeDefault" && profile.type !== "Localhost") {
            report(
                `istiod release sets global.proxy.seccompProfile ${JSON.stringify(profile)}; a pod without a pod-level profile is rejected by Pod Security restricted`,
            );
        }
    },
});

export const istiodDisruptionBudget = stackPolicy({
    name: "mesh-istiod-disruption-budget",
    description: `In prod istiod runs at least ${MESH.istiodProdReplicas} replicas (autoscaleMin with the chart's HPA) and the chart's PodDisruptionBudget stays enabled.`,
    controls: ["MESH-MTLS-ROTATION"],
    severity: "high",
    validate: (args, report) => {
        // A Helm release carries no environment tag: the stack's AWS provider says which environment this is.
        if (stackEnvironmentOf(args) !== "prod") {
            return;
        }
        for (const istiod of args.resources.filter((r) => r.type === HELM_RELEASE && r.props.chart === "istiod")) {
            const v = parsed(istiod.props.values);
            const replicas = v.autoscaleEnabled === false ? v.replicaCount : v.autoscaleMin;
            const n = typeof replicas === "number" ? replicas : 1;
            if (n < MESH.istiodProdReplicas) {
                report(
                    `istiod runs ${n} replica(s) in prod; with fewer than ${MESH.istiodProdReplicas} the chart creates no PodDisruptionBudget and one eviction stops certificate issuance and config`,
                    istiod.urn,
                );
            }
            if (obj(obj(v.global).defaultPodDisruptionBudget).enabled === false) {
                report(`istiod release disables global.defaultPodDisruptionBudget`, istiod.urn);
            }
        }
    },
});

// --- cert-manager DNS-01 self-check -----------------------------------------------------------------------

export const certManagerRecursiveDns = resourcePolicy({
    name: "mesh-cert-manager-recursive-dns",
    description:
        "cert-manager checks DNS-01 records through recursive resolvers inside the VPC only (dns01RecursiveNameserversOnly with private nameservers), not the zone's authoritative servers on port 53, which egress drops.",
    controls: ["CERT-LETSENCRYPT"],
    severity: "high",
    types: [HELM_RELEASE],
    validate: (args, report) => {
        if (args.props.chart !== "cert-manager") {
            return;
        }
        const v = parsed(args.props.values);
        if (v.dns01RecursiveNameserversOnly !== true) {
            report(
                "cert-manager release does not set dns01RecursiveNameserversOnly: true; its DNS-01 self-check would query authoritative name servers on port 53",
            );
        }
        const servers = String(v.dns01RecursiveNameservers ?? "")
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean);
        const privateServer = (s: string) => {
            const m = /^(\d+\.\d+\.\d+\.\d+):53$/.exec(s);
            return (
                !!m &&
                ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.169.253/32"].some((c) =>
                    contains(c, `${m[1]}/32`),
                )
            );
        };
        if (servers.length === 0 || !servers.every(privateServer)) {
            report(
                `cert-manager release sets dns01RecursiveNameservers ${JSON.stringify(v.dns01RecursiveNameservers ?? "")}; expected the VPC resolver (private address, port 53)`,
            );
        }
    },
});

// --- The plug-in CA rotates by itself -----------------------------------------------------------------------

/** Hours of a Go duration string such as 720h, 720h0m0s, 90m. */
export function durationHours(value: unknown): number | undefined {
    if (typeof value !== "string") {
        return undefined;
    }
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
    if (!m || value === "") {
        return undefined;
    }
    return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}

export const intermediateCaRotation = stackPolicy({
    name: "mesh-intermediate-ca-rotation",
    description: `istiod's cacerts comes from a cert-manager Certificate (isCA, at most ${MESH.intermediateValidityHours} h, renewed at least ${MESH.renewalWindowHours} h before expiry, a new private key each time), not from a Secret that only \`pulumi up\` replaces.`,
    controls: ["MESH-MTLS-ROTATION"],
    severity: "high",
    validate: (args, report) => {
        const inRoot = (r: PolicyResource) => meta(r.props).namespace === MESH.rootNamespace;
        const managedSecret = args.resources.find(
            (r) => r.type === SECRET && inRoot(r) && meta(r.props).name === MESH.caSecretName,
        );
        if (managedSecret) {
            report(
                `Secret ${MESH.rootNamespace}/${MESH.caSecretName} is managed by Pulumi: it changes only on \`pulumi up\`, and a named Secret is replaced delete-before-replace (istiod briefly without its CA)`,
                managedSecret.urn,
            );
        }
        const certs = args.resources.filter(
            (r) => r.type === CERTIFICATE && inRoot(r) && obj(r.props.spec).secretName === MESH.caSecretName,
        );
        if (certs.length === 0) {
            report(
                `no cert-manager Certificate writes ${MESH.rootNamespace}/${MESH.caSecretName}: nothing rotates istiod's intermediate CA`,
            );
        }
        for (const cert of certs) {
            const spec = obj(cert.props.spec);
            const name = `Certificate ${MESH.rootNamespace}/${meta(cert.props).name}`;
            const duration = durationHours(spec.duration ?? "2160h"); // cert-manager's default: 90 days
            const renewBefore = durationHours(spec.renewBefore ?? "");
            if (spec.isCA !== true) {
                report(`${name} is not a CA (isCA): istiod cannot sign workload certificates with it`, cert.urn);
            }
            if (duration === undefined || duration > MESH.intermediateValidityHours) {
                report(
                    `${name} lives ${String(spec.duration ?? "2160h (default)")}; the rotation period allows at most ${MESH.intermediateValidityHours}h`,
                    cert.urn,
                );
            }
            if (renewBefore === undefined || renewBefore < MESH.renewalWindowHours || renewBefore >= (duration ?? 0)) {
                report(
                    `${name} has renewBefore ${String(spec.renewBefore)}; expected at least ${MESH.renewalWindowHours}h and less than its duration`,
                    cert.urn,
                );
            }
            if (obj(spec.privateKey).rotationPolicy !== "Always") {
                report(`${name} keeps its private key on renewal (privateKey.rotationPolicy is not Always)`, cert.urn);
            }
        }
    },
});

/** The Issuer a Certificate names exists and is a CA issuer (its key signs the intermediate). */
export function caIssuerFor(cert: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
    const ref = obj(obj(cert.props.spec).issuerRef);
    const kind = ref.kind ?? "Issuer";
    return resources.find(
        (r) =>
            ISSUERS.includes(r.type) &&
            r.type.endsWith(`:${String(kind)}`) &&
            meta(r.props).name === ref.name &&
            (kind === "ClusterIssuer" || meta(r.props).namespace === meta(cert.props).namespace) &&
            Object.keys(obj(obj(r.props.spec).ca)).length > 0,
    );
}

// --- Agent egress to the Kubernetes API and the AWS interface endpoints -------------------------------------

/** Whether one NetworkPolicy egress rule lets TCP `port` reach every address of `cidr`. */
function egressAllows(rule: Obj, cidr: string, port: number): boolean {
    const ports = asArray(rule.ports as Obj[]).map(obj);
    const portOk =
        ports.length === 0 ||
        ports.some((p) => {
            const proto = p.protocol ?? "TCP";
            const from = Number(p.port);
            const to = p.endPort === undefined ? from : Number(p.endPort);
            return proto === "TCP" && (p.port === undefined || (from <= port && port <= to));
        });
    if (!portOk) {
        return false;
    }
    const peers = asArray(rule.to as Obj[]).map(obj);
    if (peers.length === 0) {
        return true;
    }
    return peers.some((peer) => {
        const block = obj(peer.ipBlock);
        const outer = block.cidr;
        if (typeof outer !== "string" || !isCidr(outer) || !contains(outer, cidr)) {
            return false;
        }
        return !asArray(block.except as string[]).some((e) => typeof e === "string" && isCidr(e) && overlaps(e, cidr));
    });
}

export const agentEgressToApis = stackPolicy({
    name: "mesh-agent-egress-to-apis",
    description: `Each agent namespace's NetworkPolicies let its pods (and their sidecars) reach the Kubernetes API endpoint and the ${AGENT_ENDPOINT_SERVICES.join(", ")} interface endpoints on TCP 443.`,
    controls: ["K8S-NETPOL"],
    severity: "high",
    validate: (args, report) => {
        const subnetCidr = new Map<string, string>();
        for (const s of args.resources.filter((r) => r.type === SUBNET)) {
            if (typeof s.props.id === "string" && typeof s.props.cidrBlock === "string") {
                subnetCidr.set(s.props.id, s.props.cidrBlock);
            }
        }
        const targets: { what: string; cidrs: string[] }[] = [];
        for (const ep of args.resources.filter((r) => r.type === VPC_ENDPOINT)) {
            const service = String(ep.props.serviceName ?? "")
                .split(".")
                .pop();
            if (service && AGENT_ENDPOINT_SERVICES.includes(service) && ep.props.vpcEndpointType === "Interface") {
                const ids = asArray(ep.props.subnetIds as string[]);
                targets.push({ what: `the ${service} endpoint`, cidrs: ids.flatMap((id) => subnetCidr.get(id) ?? []) });
            }
        }
        for (const c of args.resources.filter((r) => r.type === EKS_CLUSTER)) {
            const ids = asArray(obj(c.props.vpcConfig).subnetIds as string[]);
            targets.push({ what: "the Kubernetes API", cidrs: ids.flatMap((id) => subnetCidr.get(id) ?? []) });
        }
        // An agent stack reaches its platform's API and endpoints, in the service subnets of its contract.
        const platform = platformFacts(args.resources);
        if (targets.length === 0 && platform) {
            targets.push({
                what: `the platform's Kubernetes API and interface endpoints (its service subnets)`,
                cidrs: platform.network.serviceSubnetCidrs,
            });
        }
        const agentNs = args.resources
            .filter((r) => r.type === NAMESPACE && meta(r.props).labels[MESH.agentNamespaceLabel] !== undefined)
            .map((r) => ({ name: meta(r.props).name, urn: r.urn }));
        const netpolsIn = candidatesBy(
            args.resources.filter((r) => r.type === NETWORK_POLICY),
            (r) => meta(r.props).namespace,
        );
        for (const ns of agentNs) {
            const rules = netpolsIn(ns.name)
                .filter((r) => meta(r.props).namespace === ns.name)
                .map((r) => obj(r.props.spec))
                .filter((spec) => Object.keys(obj(spec.podSelector)).length === 0)
                .flatMap((spec) => asArray(spec.egress as Obj[]).map(obj));
            // The endpoints share subnets: judge each rule once per block.
            const judged = new Map<Obj, Map<string, boolean>>();
            const allows = (rule: Obj, cidr: string) => {
                const byCidr = judged.get(rule) ?? new Map<string, boolean>();
                judged.set(rule, byCidr);
                let ok = byCidr.get(cidr);
                if (ok === undefined) {
                    ok = egressAllows(rule, cidr, 443);
                    byCidr.set(cidr, ok);
                }
                return ok;
            };
            for (const t of targets) {
                const blocked = t.cidrs.filter((cidr) => !rules.some((rule) => allows(rule, cidr)));
                if (blocked.length) {
                    report(
                        `agent namespace ${ns.name}: no egress rule lets pods reach ${t.what} (${blocked.join(", ")}) on TCP 443`,
                        ns.urn,
                    );
                }
            }
        }
    },
});

export const meshDeployPolicies = [
    imageSourcesReachable,
    sidecarFitsQuota,
    sidecarSeccomp,
    istiodDisruptionBudget,
    certManagerRecursiveDns,
    intermediateCaRotation,
    agentEgressToApis,
];
