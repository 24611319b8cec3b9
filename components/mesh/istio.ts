// Istio from its pinned Helm charts: base (CRDs) → CNI agent → istiod → the ingress gateway.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MESH } from "../../policy-pack/catalog/mesh";
import { networkDesign } from "../../policy-pack/catalog/network";
import { SEGMENT_NODE_LABEL } from "../cluster/node-groups";
import type { Profile } from "../config";

const INGRESS_NS = "istio-ingress";
export const INGRESS_NAME = "istio-ingressgateway";
/** Pod label of the ingress gateway (the gateway chart's `labels`). */
export const INGRESS_SELECTOR = { istio: "ingressgateway" };
/** The gateway's readiness port (`/healthz/ready`), served by its istio-proxy. */
const GATEWAY_STATUS_PORT = 15021;

/** The stack config istiod's chart values read. */
export interface IstiodConfig {
    /** The prod profile (every environment but `dev`) runs istiod highly available. */
    profile: Profile;
    meshTrustDomain: string;
    workloadCertTtlHours: number;
    istioChartVersion: string;
    sidecarCpuRequest: string;
    sidecarCpuLimit: string;
    sidecarMemoryRequest: string;
    sidecarMemoryLimit: string;
}

export interface IstioArgs {
    /** Helm repository and version of the Istio charts. */
    chartRepo: pulumi.Input<string>;
    /** istiod's values (the chart version is the images' tag too). */
    istiod: IstiodConfig;
    /** istio-system. */
    namespace: k8s.core.v1.Namespace;
    /** The intermediate CA Certificate: istiod starts only once `cacerts` is issued. */
    caCertificate: pulumi.Resource;
    ingressGatewayReplicas: number;
}

/** Istio base, CNI agent, istiod, the ingress namespace and the gateway (a NodePort service behind the ALB). */
export function istio(name: string, args: IstioArgs, k8sOpts: pulumi.CustomResourceOptions) {
    const istioNs = args.namespace;
    const version = args.istiod.istioChartVersion;
    const repositoryOpts = { repo: args.chartRepo };
    const base = new k8s.helm.v3.Release(
        `${name}-istio-base`,
        {
            name: "istio-base",
            chart: "base",
            version,
            repositoryOpts,
            namespace: istioNs.metadata.name,
            values: { defaultRevision: "default" },
        },
        k8sOpts,
    );
    // The Istio CNI node agent sets up traffic redirection instead of the istio-init container, which needs
    // NET_ADMIN / NET_RAW: the agent namespaces enforce Pod Security "restricted" and would reject it.
    const cni = new k8s.helm.v3.Release(
        `${name}-istio-cni`,
        {
            name: "istio-cni",
            chart: "cni",
            version,
            repositoryOpts,
            namespace: istioNs.metadata.name,
            values: { global: istioImages(args.istiod) },
        },
        { ...k8sOpts, dependsOn: [base] },
    );
    const istiod = new k8s.helm.v3.Release(
        `${name}-istiod`,
        {
            name: "istiod",
            chart: "istiod",
            version,
            repositoryOpts,
            namespace: istioNs.metadata.name,
            values: istiodValues(args.istiod),
        },
        // The complete cacerts bundle must exist when istiod starts, or it self-signs (aws-istio-facts §8): the
        // Certificate is awaited until Ready, i.e. until cert-manager has written the Secret.
        { ...k8sOpts, dependsOn: [base, cni, args.caCertificate] },
    );

    const ingressNamespace = new k8s.core.v1.Namespace(
        `${name}-istio-ingress`,
        { metadata: { name: INGRESS_NS } },
        k8sOpts,
    );
    const ingressNamespaceName = ingressNamespace.metadata.name;
    const gateway = new k8s.helm.v3.Release(
        `${name}-ingress-gateway`,
        {
            name: INGRESS_NAME,
            chart: "gateway",
            version,
            repositoryOpts,
            namespace: ingressNamespace.metadata.name,
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
                replicaCount: args.ingressGatewayReplicas,
                ...gatewayAvailability(args.ingressGatewayReplicas),
            },
        },
        { ...k8sOpts, dependsOn: [istiod] },
    );
    return { base, cni, istiod, ingressNamespace, ingressNamespaceName, gateway };
}

/**
 * The gateway's availability values (chart 1.30 `podDisruptionBudget`, `topologySpreadConstraints`,
 * `strategy`, `priorityClassName`): a drain keeps all but one replica (the chart creates the budget only with
 * more than one), replicas spread over nodes and zones (cordoned nodes left out), a rolling update replaces
 * pods one at a time without a surge pod (each pod holds 1/replicas of the global rate limit, so an extra one
 * would lift the total above it), and the mesh control plane's priority.
 */
export function gatewayAvailability(replicas: number) {
    const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable,
        nodeTaintsPolicy: "Honor",
        labelSelector: { matchLabels: INGRESS_SELECTOR },
    });
    return {
        ...(replicas > 1 ? { podDisruptionBudget: { maxUnavailable: 1 } } : {}),
        topologySpreadConstraints: [
            spread("kubernetes.io/hostname", "DoNotSchedule"),
            spread("topology.kubernetes.io/zone", "ScheduleAnyway"),
        ],
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        priorityClassName: MESH.controlPlanePriorityClass,
    };
}

/** Image source of every Istio chart, explicit (the 1.30 charts default to registry.istio.io, see MESH.istioHub). */
export function istioImages(cfg: Pick<IstiodConfig, "istioChartVersion">) {
    return { hub: MESH.istioHub, tag: cfg.istioChartVersion };
}

/**
 * istiod chart values (1.30 layout: `env`, `cni`, `replicaCount` are top-level; `pilot.*` is only what the
 * chart hands its injection templates, so setting it in the values does nothing).
 */
export function istiodValues(cfg: IstiodConfig) {
    const ttl = `${cfg.workloadCertTtlHours}h`;
    const replicas = cfg.profile === "prod" ? MESH.istiodProdReplicas : 1;
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
            // Above the agents' preempting priority classes (MESH.controlPlanePriorityClass).
            priorityClassName: MESH.controlPlanePriorityClass,
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
    cfg: Pick<IstiodConfig, "sidecarCpuRequest" | "sidecarCpuLimit" | "sidecarMemoryRequest" | "sidecarMemoryLimit">,
) {
    return {
        requests: { cpu: cfg.sidecarCpuRequest, memory: cfg.sidecarMemoryRequest },
        limits: { cpu: cfg.sidecarCpuLimit, memory: cfg.sidecarMemoryLimit },
    };
}
