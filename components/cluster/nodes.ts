import { platformDesign } from "../../policy-pack/catalog/platform";
import { eniLimits, instanceVcpus, maxPodsFor, NODECONFIG_CONTENT_TYPE } from "../../policy-pack/lib/capacity";

/**
 * Nitro Enclaves support, decided from the instance type's name alone (no API call, so plans stay offline).
 * The rule (AWS Nitro Enclaves user guide, "Requirements"): a Nitro-based Intel or AMD type with at least
 * 4 vCPUs, or a Graviton type with at least 2; never T3/T3a/T4g, A1 or mac. Older families (generation < 5)
 * are not Nitro-based. Sizes map to vCPUs as large = 2, xlarge = 4, Nxlarge = 4·N; metal is always enough.
 */
const EXCLUDED_FAMILY = /^(t\d|a1|mac)/;

export function vcpusOf(instanceType: string): number | undefined {
    return instanceVcpus(instanceType);
}

export function nitroEnclaveCapable(instanceType: string): boolean {
    const family = instanceType.split(".")[0] ?? "";
    if (EXCLUDED_FAMILY.test(family)) {
        return false;
    }
    const generation = /^[a-z]+(\d+)/.exec(family);
    if (!generation || Number(generation[1]) < 5) {
        return false;
    }
    // Graviton families carry a "g" right after the generation (m6g, c7gn, r8g).
    const graviton = /^[a-z]+\d+g/.test(family);
    const vcpus = vcpusOf(instanceType) ?? 0;
    return vcpus >= (graviton ? 2 : 4);
}

/** AMI type of a managed node group for the instance type's architecture. */
export function amiTypeFor(instanceType: string): string {
    return isGraviton(instanceType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

function isGraviton(instanceType: string): boolean {
    return /^[a-z]+\d+g/.test(instanceType.split(".")[0] ?? "");
}

/**
 * The SSM public parameter holding the recommended EKS-optimized AL2023 AMI for a Kubernetes version and the
 * instance type's architecture (EKS user guide, "Retrieve recommended Amazon Linux AMI IDs"). The node groups
 * launch it as a custom AMI: only then is the launch template's NodeConfig the whole node configuration and
 * its kubelet maxPods the one kubelet uses (with EKS's AMI types EKS appends its own NodeConfig, whose maxPods
 * wins: EKS user guide, "How maxPods is determined").
 */
export function eksAmiParameter(kubernetesVersion: string, instanceType: string): string {
    const arch = isGraviton(instanceType) ? "arm64" : "x86_64";
    return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${arch}/standard/recommended/image_id`;
}

/**
 * What the agent nodes set aside for Nitro Enclaves at boot. CPUs go in whole cores (2 vCPUs with SMT) and the
 * parent keeps at least 2 vCPUs (Nitro Enclaves user guide); memory is reserved as hugepages by the allocator.
 */
export const ENCLAVE_ALLOCATION = { cpuCount: 2, memoryMib: 2048 } as const;

/**
 * The Nitro Enclaves Kubernetes device plugin (aws/aws-nitro-enclaves-k8s-device-plugin, v0.3 of its Helm
 * values): a kube-system DaemonSet on nodes labelled `aws-nitro-enclaves-k8s-dp=enabled`, advertising the
 * `aws.ec2.nitro/nitro_enclaves` resource that enclave pods request (with hugepages-2Mi).
 */
export const ENCLAVE_DEVICE_PLUGIN = {
    image: "public.ecr.aws/aws-nitro-enclaves/aws-nitro-enclaves-k8s-device-plugin:v0.3",
    nodeLabel: "aws-nitro-enclaves-k8s-dp",
    nodeLabelValue: "enabled",
    resource: "aws.ec2.nitro/nitro_enclaves",
    maxEnclavesPerNode: 4,
} as const;

/** Boundary of the MIME multipart user data (EKS managed node groups take launch-template user data only so). */
const MIME_BOUNDARY = "==MASBOUNDARY==";

/** The shell part that makes Nitro Enclaves usable: the CLI (its allocator service), the allocation, started. */
function enclaveScript(alloc: { cpuCount: number; memoryMib: number }): string {
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        "dnf install -y aws-nitro-enclaves-cli",
        "cat > /etc/nitro_enclaves/allocator.yaml <<'ALLOCATOR'",
        "---",
        `memory_mib: ${alloc.memoryMib}`,
        `cpu_count: ${alloc.cpuCount}`,
        "ALLOCATOR",
        "systemctl enable --now nitro-enclaves-allocator.service",
    ].join("\n");
}

/** What nodeadm needs to join the cluster (nodeadm api validation: name, endpoint, CA, service CIDR). */
export interface NodeClusterInfo {
    name: string;
    apiServerEndpoint: string;
    /** Base64 PEM of the cluster CA (the cluster's certificateAuthority.data). */
    certificateAuthority: string;
    /** The cluster's service CIDR (kubernetesNetworkConfig.serviceIpv4Cidr); nodeadm derives cluster DNS from it. */
    cidr: string;
}

export interface NodeUserDataOpts {
    cluster: NodeClusterInfo;
    maxPods: number;
    /** Labels and NoSchedule taints the node registers with (EKS adds neither to a custom-AMI node's kubelet). */
    labels: Record<string, string>;
    taints?: { key: string; value: string }[];
    enclave?: { cpuCount: number; memoryMib: number };
}

/**
 * The complete nodeadm NodeConfig of a custom-AMI node: the cluster section, kubelet's maxPods (what the CNI
 * can address under MAX_ENI), and the node's labels and taints from the first registration.
 */
function nodeConfig(opts: NodeUserDataOpts): string {
    const labels = Object.entries(opts.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    const taints = (opts.taints ?? []).map((t) => `${t.key}=${t.value}:NoSchedule`).join(",");
    const c = opts.cluster;
    return [
        "---",
        "apiVersion: node.eks.aws/v1alpha1",
        "kind: NodeConfig",
        "spec:",
        "  cluster:",
        `    name: ${c.name}`,
        `    apiServerEndpoint: ${c.apiServerEndpoint}`,
        `    certificateAuthority: ${c.certificateAuthority}`,
        `    cidr: ${c.cidr}`,
        "  kubelet:",
        "    config:",
        `      maxPods: ${opts.maxPods}`,
        "    flags:",
        `      - --node-labels=${labels}`,
        ...(taints ? [`      - --register-with-taints=${taints}`] : []),
    ].join("\n");
}

/**
 * Launch-template user data of a custom-AMI EKS managed node (Amazon Linux 2023), MIME multipart, base64 as
 * EC2 expects: the complete NodeConfig, and on agent nodes the Nitro Enclaves allocator, which reserves the
 * CPUs and the memory as hugepages before kubelet starts (nodeadm starts kubelet after cloud-init's scripts).
 */
export function nodeUserData(opts: NodeUserDataOpts): string {
    if (!Number.isInteger(opts.maxPods) || opts.maxPods < 1) {
        throw new Error(`node user data: maxPods must be a positive integer, got ${opts.maxPods}`);
    }
    const part = (contentType: string, body: string) => [
        `--${MIME_BOUNDARY}`,
        `Content-Type: ${contentType}`,
        "",
        body,
        "",
    ];
    const mime = [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
        "",
        ...part(NODECONFIG_CONTENT_TYPE, nodeConfig(opts)),
        ...(opts.enclave ? part('text/x-shellscript; charset="us-ascii"', enclaveScript(opts.enclave)) : []),
        `--${MIME_BOUNDARY}--`,
        "",
    ].join("\n");
    return Buffer.from(mime, "utf8").toString("base64");
}

/**
 * Kubelet's maxPods for a node group: what the VPC CNI can address with this stack's MAX_ENI (the EKS formula,
 * policy-pack/lib/capacity). Unknown instance types are refused (config validation names them first).
 */
export function nodeMaxPods(instanceType: string): number {
    const limits = eniLimits(instanceType);
    if (!limits) {
        throw new Error(`instance type ${instanceType} has no known ENI limits: kubelet maxPods cannot be set`);
    }
    return maxPodsFor(limits, { maxEni: platformDesign.vpcCni.maxEni });
}

/** Whether an instance type leaves its parent at least 2 vCPUs after the enclave allocation. */
export function enclaveFits(instanceType: string, alloc: { cpuCount: number } = ENCLAVE_ALLOCATION): boolean {
    return nitroEnclaveCapable(instanceType) && (vcpusOf(instanceType) ?? 0) - alloc.cpuCount >= 2;
}

/**
 * The vpc-cni add-on's configurationValues: NetworkPolicy enforcement, and IP allocation bounded for the
 * segment subnets (a few warm addresses instead of a whole warm ENI; at most MAX_ENI interfaces per node).
 * Keys and string values as in the add-on's configuration schema (`aws eks describe-addon-configuration`).
 */
export function vpcCniConfiguration(): { enableNetworkPolicy: string; env: Record<string, string> } {
    return {
        enableNetworkPolicy: "true",
        env: {
            WARM_IP_TARGET: String(platformDesign.vpcCni.warmIpTarget),
            MAX_ENI: String(platformDesign.vpcCni.maxEni),
        },
    };
}
