import { platformDesign } from "../../policy-pack/catalog/platform";

/**
 * Nitro Enclaves support, decided from the instance type's name alone (no API call, so plans stay offline).
 * The rule (AWS Nitro Enclaves user guide, "Requirements"): a Nitro-based Intel or AMD type with at least
 * 4 vCPUs, or a Graviton type with at least 2; never T3/T3a/T4g, A1 or mac. Older families (generation < 5)
 * are not Nitro-based. Sizes map to vCPUs as large = 2, xlarge = 4, Nxlarge = 4·N; metal is always enough.
 */
const EXCLUDED_FAMILY = /^(t\d|a1|mac)/;

export function vcpusOf(instanceType: string): number | undefined {
    const size = instanceType.split(".")[1] ?? "";
    if (size === "metal" || size.startsWith("metal-")) {
        return Number.MAX_SAFE_INTEGER;
    }
    const m = /^(\d*)xlarge$/.exec(size);
    if (m) {
        return 4 * (m[1] ? Number(m[1]) : 1);
    }
    return { nano: 2, micro: 2, small: 2, medium: 1, large: 2 }[size];
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
    return /^[a-z]+\d+g/.test(instanceType.split(".")[0] ?? "") ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
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

/**
 * Launch-template user data that makes Nitro Enclaves usable on an EKS managed node (Amazon Linux 2023): install
 * the Nitro Enclaves CLI (its allocator service), size the allocation, and start the allocator, which reserves
 * the CPUs and the memory as hugepages before kubelet starts and reports them. MIME multipart, as EKS merges
 * its own bootstrap part into it; base64, as EC2 expects.
 */
export function enclaveUserData(alloc: { cpuCount: number; memoryMib: number } = ENCLAVE_ALLOCATION): string {
    const script = [
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
    const mime = [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
        "",
        `--${MIME_BOUNDARY}`,
        'Content-Type: text/x-shellscript; charset="us-ascii"',
        "",
        script,
        "",
        `--${MIME_BOUNDARY}--`,
        "",
    ].join("\n");
    return Buffer.from(mime, "utf8").toString("base64");
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
