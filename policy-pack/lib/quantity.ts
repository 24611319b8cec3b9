/**
 * Kubernetes resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/)
 * as numbers: CPU in millicores, memory in bytes. Enough of the grammar for quotas and container resources.
 */

const SUFFIX: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
};

/** The quantity's value in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
    if (typeof value === "number") {
        return Number.isFinite(value) ? value : undefined;
    }
    if (typeof value !== "string") {
        return undefined;
    }
    const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value.trim());
    return m ? Number(m[1]) * SUFFIX[m[2] ?? ""] : undefined;
}

/** CPU quantity in millicores (rounded, as the API server does). */
export function milliCpu(value: unknown): number | undefined {
    const v = parseQuantity(value);
    return v === undefined ? undefined : Math.round(v * 1000);
}

/** Memory quantity in bytes. */
export function bytes(value: unknown): number | undefined {
    const v = parseQuantity(value);
    return v === undefined ? undefined : Math.round(v);
}

export interface PodResources {
    requestsCpu: number;
    limitsCpu: number;
    requestsMemory: number;
    limitsMemory: number;
}

/**
 * How many pods fit a namespace quota when each charges `perPod` (what the ResourceQuota admission adds up:
 * requests.* and limits.* of every container), capped by the quota's `pods`. Unset quota entries do not bind.
 */
export function podsThatFit(quota: Partial<PodResources> & { pods?: number }, perPod: PodResources): number {
    const bounds = (Object.keys(perPod) as (keyof PodResources)[])
        .filter((k) => quota[k] !== undefined && perPod[k] > 0)
        .map((k) => Math.floor((quota[k] as number) / perPod[k]));
    return Math.min(quota.pods ?? Infinity, ...bounds);
}
