import { platformDesign } from "../catalog/platform";
import { parseCidr } from "./cidr";

/** EC2 network-interface limits of an instance type: interfaces, and private IPv4 addresses per interface. */
export interface EniLimits {
    enis: number;
    ipsPerEni: number;
}

/**
 * Limits by size for the Nitro general-purpose / compute / memory families (EC2 user guide, "Maximum IP
 * addresses per network interface": e.g. m6i.large 3 × 10, m6i.xlarge and 2xlarge 4 × 15, 4xlarge to 12xlarge
 * 8 × 30, 16xlarge and up 15 × 50) and for T3.
 */
const NITRO_SIZES: Record<string, EniLimits> = {
    large: { enis: 3, ipsPerEni: 10 },
    xlarge: { enis: 4, ipsPerEni: 15 },
    "2xlarge": { enis: 4, ipsPerEni: 15 },
    "4xlarge": { enis: 8, ipsPerEni: 30 },
    "8xlarge": { enis: 8, ipsPerEni: 30 },
    "12xlarge": { enis: 8, ipsPerEni: 30 },
    "16xlarge": { enis: 15, ipsPerEni: 50 },
    "24xlarge": { enis: 15, ipsPerEni: 50 },
    "32xlarge": { enis: 15, ipsPerEni: 50 },
};
const NITRO_FAMILY = /^(m5|m5a|m6i|m6a|m6g|m7i|m7a|m7g|c5|c6i|c6a|c6g|c7i|c7g|r5|r6i|r6a|r6g|r7i|r7g)$/;
const T3_SIZES: Record<string, EniLimits> = {
    medium: { enis: 3, ipsPerEni: 6 },
    large: { enis: 3, ipsPerEni: 12 },
    xlarge: { enis: 4, ipsPerEni: 15 },
    "2xlarge": { enis: 4, ipsPerEni: 15 },
};

/** The instance type's ENI limits, or undefined when the table does not know it (capacity then unprovable). */
export function eniLimits(instanceType: string): EniLimits | undefined {
    const [family = "", size = ""] = instanceType.split(".");
    if (NITRO_FAMILY.test(family)) {
        return NITRO_SIZES[size];
    }
    if (family === "t3" || family === "t3a") {
        return T3_SIZES[size];
    }
    return undefined;
}

/** vCPUs of an instance type from its size (large = 2, xlarge = 4, Nxlarge = 4·N; metal: unbounded). */
export function instanceVcpus(instanceType: string): number | undefined {
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

/** The VPC CNI settings that bound a node's addresses (add-on configurationValues `env`). */
export interface CniSettings {
    maxEni?: number;
    prefixDelegation?: boolean;
}

/** Reads CniSettings from the vpc-cni add-on's configurationValues (a JSON string). */
export function cniSettings(configurationValues: unknown): CniSettings {
    let parsed: unknown = configurationValues;
    if (typeof parsed === "string") {
        try {
            parsed = JSON.parse(parsed);
        } catch {
            return {};
        }
    }
    const env = ((parsed as { env?: Record<string, unknown> } | undefined)?.env ?? {}) as Record<string, unknown>;
    const maxEni = Number(env.MAX_ENI);
    return {
        ...(Number.isInteger(maxEni) && maxEni > 0 ? { maxEni } : {}),
        ...(String(env.ENABLE_PREFIX_DELEGATION) === "true" ? { prefixDelegation: true } : {}),
    };
}

/**
 * Most subnet addresses one node can hold: every interface the CNI may attach (MAX_ENI, else all the
 * instance allows), each with all its addresses; with prefix delegation every secondary slot is a /28.
 */
export function addressesPerNode(limits: EniLimits, cni: CniSettings): number {
    const enis = Math.min(cni.maxEni ?? limits.enis, limits.enis);
    const perEni = cni.prefixDelegation ? 1 + (limits.ipsPerEni - 1) * 16 : limits.ipsPerEni;
    return enis * perEni;
}

/**
 * Pods a node can run that all get an address: the secondary addresses of every interface the CNI may attach
 * (an interface's primary address is the node's), plus the two host-network pods (aws-node, kube-proxy) that
 * need none. The EKS formula `ENIs × (IPv4 per ENI − 1) + 2` (amazon-vpc-cni-k8s misc/eni-max-pods.txt,
 * max-pods-calculator.sh), with the ENIs bounded by MAX_ENI. Kubelet's maxPods above this schedules pods the
 * CNI cannot address (they stay ContainerCreating: "failed to assign an IP address to container").
 */
export function maxPodsFor(limits: EniLimits, cni: CniSettings): number {
    const enis = Math.min(cni.maxEni ?? limits.enis, limits.enis);
    const perEni = cni.prefixDelegation ? (limits.ipsPerEni - 1) * 16 : limits.ipsPerEni - 1;
    return enis * perEni + 2;
}

/** Nodes one AZ's subnet may hold at once: the group's maximum spread over its AZs, plus the update surge. */
export function peakNodesPerAz(maxSize: number, azCount: number): number {
    return Math.ceil(maxSize / azCount) + platformDesign.updateSurgePerAz;
}

/** Addresses of a subnet that instances can use. */
export function usableAddresses(cidr: string): number {
    return 2 ** (32 - parseCidr(cidr).prefix) - platformDesign.reservedPerSubnet;
}

export interface NodeGroupDemand {
    name: string;
    instanceType: string;
    maxSize: number;
    /** The group's subnets, one per AZ. */
    subnetCidrs: string[];
}

/** Addresses something other than a node group takes (or must find free) in one subnet. */
export interface FixedDemand {
    subnetCidr: string;
    /** What takes them, for the message (e.g. "16 interface endpoints"). */
    what: string;
    addresses: number;
}

/** Addresses EKS needs in each subnet the cluster's control plane uses (vpcConfig.subnetIds). */
export function eksControlPlaneDemand(): number {
    return platformDesign.eks.controlPlaneEnis + platformDesign.eks.freePerClusterSubnet;
}

/**
 * The fixed demand of a segment layout: per cluster subnet EKS's ENIs and the free addresses it needs, per
 * subnet of the interface endpoints one ENI per endpoint.
 */
export function fixedDemands(layout: {
    clusterSubnetCidrs: string[];
    endpointSubnetCidrs: string[];
    interfaceEndpoints: number;
}): FixedDemand[] {
    return [
        ...layout.clusterSubnetCidrs.map((subnetCidr) => ({
            subnetCidr,
            what: `EKS control plane (${platformDesign.eks.controlPlaneEnis} ENIs + ${platformDesign.eks.freePerClusterSubnet} free)`,
            addresses: eksControlPlaneDemand(),
        })),
        ...layout.endpointSubnetCidrs.map((subnetCidr) => ({
            subnetCidr,
            what: `${layout.interfaceEndpoints} interface endpoints`,
            addresses: layout.interfaceEndpoints,
        })),
    ];
}

/**
 * Every way the subnets can run out: per subnet, the peak nodes of each group using it times the addresses one
 * node can take, plus every other ENI placed there (interface endpoints, EKS control plane with the addresses
 * it must find free), against the usable addresses. Returns one message per problem.
 */
export function capacityProblems(groups: NodeGroupDemand[], cni: CniSettings, fixed: FixedDemand[] = []): string[] {
    const problems: string[] = [];
    const demand = new Map<string, { need: number; parts: string[] }>();
    const add = (cidr: string, need: number, part: string) => {
        const d = demand.get(cidr) ?? { need: 0, parts: [] };
        d.need += need;
        d.parts.push(part);
        demand.set(cidr, d);
    };
    for (const g of groups) {
        const limits = eniLimits(g.instanceType);
        if (!limits) {
            problems.push(
                `node group ${g.name}: instance type ${g.instanceType} has no known ENI limits, so its pod addresses cannot be checked against the subnets`,
            );
            continue;
        }
        if (g.subnetCidrs.length === 0) {
            continue;
        }
        const nodes = peakNodesPerAz(g.maxSize, g.subnetCidrs.length);
        const perNode = addressesPerNode(limits, cni);
        for (const cidr of g.subnetCidrs) {
            add(cidr, nodes * perNode, `${g.name}: ${nodes} nodes × ${perNode} addresses (${g.instanceType})`);
        }
    }
    for (const f of fixed) {
        add(f.subnetCidr, f.addresses, `${f.what}: ${f.addresses}`);
    }
    for (const [cidr, d] of demand) {
        const usable = usableAddresses(cidr);
        if (d.need > usable) {
            problems.push(
                `subnet ${cidr} has ${usable} usable addresses but needs ${d.need} with its node groups at their maximum plus a rolling update (${d.parts.join("; ")})`,
            );
        }
    }
    return problems;
}

/** Content type of a nodeadm NodeConfig part in AL2023 MIME multipart user data. */
export const NODECONFIG_CONTENT_TYPE = "application/node.eks.aws";

/** What the NodeConfig parts of launch-template user data set (nodeadm merges the parts, later ones winning). */
export interface UserDataNodeConfig {
    maxPods?: number;
    /** The cluster section's fields nodeadm requires (api/validation.go), where set. */
    cluster: Partial<Record<"name" | "apiServerEndpoint" | "certificateAuthority" | "cidr", string>>;
}

/** The fields of `spec.cluster` nodeadm refuses to start without. */
export const NODECONFIG_CLUSTER_FIELDS = ["name", "apiServerEndpoint", "certificateAuthority", "cidr"] as const;

/** Reads the NodeConfig parts of MIME multipart user data (base64 as EC2 takes it, or plain text). */
export function userDataNodeConfig(userData: string | undefined): UserDataNodeConfig {
    const out: UserDataNodeConfig = { cluster: {} };
    if (!userData) {
        return out;
    }
    const text = /^[A-Za-z0-9+/=\s]+$/.test(userData) ? Buffer.from(userData, "base64").toString("utf8") : userData;
    const boundary = /boundary="?([^";\r\n]+)"?/i.exec(text)?.[1];
    if (!boundary) {
        return out;
    }
    const typeRe = new RegExp(`content-type:\\s*${NODECONFIG_CONTENT_TYPE.replace(/\./g, "\\.")}`, "i");
    for (const part of text.split(`--${boundary}`)) {
        const split = part.search(/\r?\n\r?\n/);
        const headers = split < 0 ? part : part.slice(0, split);
        if (!typeRe.test(headers)) {
            continue;
        }
        const body = part.slice(split);
        const m = /["']?maxPods["']?\s*:\s*(\d+)/.exec(body);
        if (m) {
            out.maxPods = Number(m[1]);
        }
        for (const field of NODECONFIG_CLUSTER_FIELDS) {
            const f = new RegExp(`^\\s+["']?${field}["']?\\s*:\\s*["']?([^"'\\s]+)`, "m").exec(body);
            if (f) {
                out.cluster[field] = f[1];
            }
        }
    }
    return out;
}

/**
 * The kubelet maxPods that launch-template user data sets through a nodeadm NodeConfig part (the last one
 * wins), or undefined when no NodeConfig part sets it.
 */
export function userDataMaxPods(userData: string | undefined): number | undefined {
    return userDataNodeConfig(userData).maxPods;
}

/**
 * The maxPods EKS's own NodeConfig sets on a managed node without a custom AMI, which wins over the launch
 * template's (EKS user guide, "How maxPods is determined"): the ENI formula over every ENI of the instance,
 * capped at 110 (under 30 vCPUs) or 250.
 */
export function eksManagedMaxPods(limits: EniLimits, vcpus: number, cni: CniSettings): number {
    return Math.min(maxPodsFor(limits, { prefixDelegation: cni.prefixDelegation }), vcpus < 30 ? 110 : 250);
}
