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
