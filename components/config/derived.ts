import { createHash } from "crypto";
import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";
import { split } from "../../policy-pack/lib/cidr";
import { bytes, milliCpu, PodResources } from "../../policy-pack/lib/quantity";
import { StackConfig } from "./keys";

/** IAM's limit on a role name (the stack's role names are `<namePrefix>-<role>`). */
export const IAM_ROLE_NAME_MAX = 64;

/**
 * Prefix for physical names, so stacks can share an account: `mas-<stack>` for a platform stack; for an agent
 * stack (platformStack set) `mas<hash>-<stack>`, the hash (6 hex) of `<project>/<stack>`: never under a platform's
 * `mas-<stack>-` (whose IAM and key rights are scoped by that prefix), nor equal to an agent stack of the same
 * name in another project.
 */
export function namePrefix(
    cfg: Pick<StackConfig, "stack"> & Partial<Pick<StackConfig, "project" | "platformStack">>,
): string {
    if (!cfg.platformStack) {
        return `mas-${cfg.stack}`;
    }
    const hash = createHash("sha256")
        .update(`${cfg.project ?? ""}/${cfg.stack}`)
        .digest("hex")
        .slice(0, 6);
    return `mas${hash}-${cfg.stack}`;
}

/**
 * The platform stack a stack's agents belong to: itself for a platform stack, else the stack part of its
 * platformStack (`prod` of `org/project/prod`). The value of the platform-stack tag.
 */
export function platformStackName(cfg: Pick<StackConfig, "stack" | "platformStack">): string {
    return cfg.platformStack === "" ? cfg.stack : (cfg.platformStack.split("/").pop() ?? cfg.platformStack);
}

/**
 * The in-VPC deploy runner's CodeBuild project; CI's jobs for the stack run on
 * `codebuild-<this>-<run id>-<attempt>` (tools/ci-stacks.ts hands it to the workflow).
 */
export function deployRunnerProjectName(cfg: Pick<StackConfig, "stack">): string {
    return `${namePrefix(cfg)}-deploy-runner`;
}

/** The data stores of access_control.data_access, as bucket name parts. */
export type DataStoreBucket = "agent-data" | "metrics-data";

/**
 * Name of a data store's bucket: fixed (not auto-named), so the identity section can grant its roles access to
 * exactly this bucket before the data section creates it. Account and Region keep it globally unique.
 */
export function dataStoreBucketName(
    cfg: Pick<StackConfig, "stack">,
    store: DataStoreBucket,
    account: string,
    region: string,
): string {
    return `${namePrefix(cfg)}-${store}-${account}-${region}`;
}

/** The SSM patch group of the EKS nodes: the node launch templates tag instances `Patch Group = <this>`, and
 * the operations section's patch baseline and maintenance window target that tag. */
export function patchGroupName(cfg: Pick<StackConfig, "stack">): string {
    return `${namePrefix(cfg)}-nodes`;
}

/** The EKS cluster's name; known up front so its log group can be created (with retention and KMS) first. */
export function clusterName(cfg: Pick<StackConfig, "stack">): string {
    return `${namePrefix(cfg)}-eks`;
}

/** Kubernetes namespace of an agent workload. */
export function agentNamespace(agent: string): string {
    return `agent-${agent}`;
}

/** The keys that lay out the three segments: their CIDRs and the AZs each is split over. */
export type SegmentLayout = Pick<
    StackConfig,
    "agentSegmentCidr" | "serviceSegmentCidr" | "managementSegmentCidr" | "azCount"
>;

/** Segment CIDRs, keyed by segment. */
export function segmentCidrs(cfg: Omit<SegmentLayout, "azCount">): Record<SegmentName, string> {
    return { agent: cfg.agentSegmentCidr, service: cfg.serviceSegmentCidr, management: cfg.managementSegmentCidr };
}

/** Per-AZ subnets of each segment: the /24 split into azCount equal parts. */
export function segmentSubnets(cfg: SegmentLayout): Record<SegmentName, string[]> {
    const cidrs = segmentCidrs(cfg);
    return Object.fromEntries(SEGMENTS.map((s) => [s, split(cidrs[s], cfg.azCount)])) as Record<SegmentName, string[]>;
}

/** An agent namespace's ResourceQuota, as numbers (millicores, bytes). */
export function agentQuota(cfg: Pick<StackConfig, "agentQuotaCpu" | "agentQuotaMemory" | "agentQuotaPods">) {
    const cpu = milliCpu(cfg.agentQuotaCpu) ?? 0;
    const memory = bytes(cfg.agentQuotaMemory) ?? 0;
    return { requestsCpu: cpu, limitsCpu: cpu, requestsMemory: memory, limitsMemory: memory, pods: cfg.agentQuotaPods };
}

/**
 * What one meshed agent pod with default settings charges the quota: one container at the LimitRange defaults
 * plus the injected istio-proxy. (istio-validation, the CNI init container, has the proxy's resources and runs
 * before the others, so it never raises the pod's total above this.)
 */
export function meshedPodResources(cfg: StackConfig): PodResources {
    const sum = (a: string, b: string, f: (v: unknown) => number | undefined) => (f(a) ?? 0) + (f(b) ?? 0);
    return {
        requestsCpu: sum(cfg.agentContainerDefaultCpu, cfg.sidecarCpuRequest, milliCpu),
        limitsCpu: sum(cfg.agentContainerDefaultCpu, cfg.sidecarCpuLimit, milliCpu),
        requestsMemory: sum(cfg.agentContainerDefaultMemory, cfg.sidecarMemoryRequest, bytes),
        limitsMemory: sum(cfg.agentContainerDefaultMemory, cfg.sidecarMemoryLimit, bytes),
    };
}

/**
 * The named keys of the stack config and nothing else: index.ts hands each component only what its config type
 * names (the type check fails when a key the component reads is missing).
 */
export function pick<K extends keyof StackConfig>(cfg: StackConfig, ...keys: K[]): Pick<StackConfig, K> {
    return Object.fromEntries(keys.map((k) => [k, cfg[k]])) as Pick<StackConfig, K>;
}
