// The stack's own config, as the pack learns it: PULUMI_CONFIG, the JSON map of `<project>:<key>` to string
// (lists as JSON) that the Pulumi nodejs host hands a pack under `pulumi preview / up --policy-pack`; else the
// program's `stackSettings` output on the root stack resource, which every AnalyzeStack sees (`pulumi policy
// analyze` starts the pack without the stack's config). The pack reads the address plan and the account-services
// mode from here, so the stack file is their one source of truth; a policy config may only pin them.

import type { PolicyResource } from "@pulumi/policy";
import { guide, SEGMENTS, SegmentName } from "../catalog";
import { platformFacts } from "./agent-platform";
import { networkDesign } from "../catalog/network";

/** The stack config key of each segment's CIDR. */
export const SEGMENT_CONFIG_KEY: Record<SegmentName, string> = {
    agent: "agentSegmentCidr",
    service: "serviceSegmentCidr",
    management: "managementSegmentCidr",
};

/** `create`: the stack owns the account-wide services; `adopt`: a landing zone does (see accountServices). */
export type AccountServices = "create" | "adopt";

/** The program's `stackSettings` output: what the pack needs of the stack's config, as plain values. */
export interface StackSettings {
    environment: string;
    accountServices: AccountServices;
    vpcCidr: string;
    segments: Record<SegmentName, string>;
    adminCidrs: string[];
}

/** Where the pack learnt the stack's settings ("platform": an agent stack's platform contract). */
export type SettingsSource = "config" | "output" | "platform" | "none";

export interface StackAddressPlan {
    /** Each segment's CIDR: the stack's key, else the guide's (the stack's default). */
    segments: Record<SegmentName, string>;
    /** The stack's adminCidrs ([] when unset or unknown). */
    adminCidrs: string[];
    /** The stack's vpcCidr, else its default. */
    vpcCidr: string;
    source: SettingsSource;
}

let cache: { raw: string; values: Map<string, string> } | undefined;

/** The stack's config keys of this project (`<project>:` stripped); empty when none reached the pack. */
function configValues(): Map<string, string> {
    const raw = process.env.PULUMI_CONFIG ?? "";
    if (cache?.raw === raw) {
        return cache.values;
    }
    const out = new Map<string, string>();
    let parsed: unknown = {};
    try {
        parsed = raw ? JSON.parse(raw) : {};
    } catch {
        parsed = {};
    }
    const project = process.env.PULUMI_NODEJS_PROJECT;
    for (const [k, v] of Object.entries((parsed ?? {}) as Record<string, unknown>)) {
        const i = k.indexOf(":");
        if (i > 0 && typeof v === "string" && (!project || k.slice(0, i) === project)) {
            out.set(k.slice(i + 1), v);
        }
    }
    cache = { raw, values: out };
    return out;
}

function list(text: string | undefined): string[] {
    if (text === undefined) {
        return [];
    }
    try {
        const value: unknown = JSON.parse(text);
        return Array.isArray(value) ? value.filter((c): c is string => typeof c === "string") : [];
    } catch {
        return [];
    }
}

/** The root stack resource's `stackSettings` output, when the resources hold it. */
function outputSettings(resources: readonly PolicyResource[] | undefined): Partial<StackSettings> | undefined {
    const root = resources?.find((r) => r.type === "pulumi:pulumi:Stack");
    const settings = root?.props?.stackSettings;
    return settings && typeof settings === "object" ? (settings as Partial<StackSettings>) : undefined;
}

/** A key of the stack's config as the pack got it (strings plain, lists JSON); undefined when unset. */
export function configValue(key: string): string | undefined {
    return configValues().get(key);
}

/** A list key of the stack's config (e.g. egressAllowedDomains); undefined when no config set it. */
export function stackConfigList(key: string): string[] | undefined {
    const v = configValues();
    return v.has(key) ? list(v.get(key)) : undefined;
}

/** The file a user edits to change a stack key, for messages. */
export function stackConfigFile(): string {
    return `Pulumi.${process.env.PULUMI_NODEJS_STACK ?? "<stack>"}.yaml`;
}

/** The stack's policy config file by this project's convention (given with --policy-pack-config), for messages. */
export function policyConfigFile(): string {
    return `policy-pack/config/${process.env.PULUMI_NODEJS_STACK ?? "<stack>"}.json`;
}

/** Words for where a setting came from, for messages. */
export function sourceWords(source: SettingsSource, key: string): string {
    return source === "config"
        ? `the stack's ${key} (${stackConfigFile()})`
        : source === "output"
          ? `the stack's ${key} (its stackSettings output)`
          : "the guide's default: neither the stack's config nor its stackSettings output reached the pack";
}

/**
 * The address plan of the stack's config (the guide's segments where the stack sets none). `resources` (a stack
 * policy's) let the pack read the stackSettings output when no config reached it.
 */
export function stackAddressPlan(resources?: readonly PolicyResource[]): StackAddressPlan {
    // An agent stack's namespaces live in its platform's VPC: the platform's plan is the one that holds.
    const platform = platformFacts(resources);
    if (platform) {
        return {
            segments: { ...platform.network.segments },
            adminCidrs: [],
            vpcCidr: platform.network.vpcCidr,
            source: "platform",
        };
    }
    const v = configValues();
    const guideSegments = Object.fromEntries(
        SEGMENTS.map((s) => [s, guide.infrastructureSecurity.segmentation[s].cidr]),
    ) as Record<SegmentName, string>;
    if (v.size > 0) {
        return {
            segments: Object.fromEntries(
                SEGMENTS.map((s) => [s, v.get(SEGMENT_CONFIG_KEY[s]) ?? guideSegments[s]]),
            ) as Record<SegmentName, string>,
            adminCidrs: list(v.get("adminCidrs")),
            vpcCidr: v.get("vpcCidr") ?? networkDesign.vpcCidr,
            source: "config",
        };
    }
    const out = outputSettings(resources);
    if (out) {
        return {
            segments: { ...guideSegments, ...(out.segments ?? {}) },
            adminCidrs: Array.isArray(out.adminCidrs) ? out.adminCidrs.filter((c) => typeof c === "string") : [],
            vpcCidr: typeof out.vpcCidr === "string" ? out.vpcCidr : networkDesign.vpcCidr,
            source: "output",
        };
    }
    return { segments: guideSegments, adminCidrs: [], vpcCidr: networkDesign.vpcCidr, source: "none" };
}

/** The stack's accountServices: `create` unless its config (or its stackSettings output) says `adopt`. */
export function accountServices(resources?: readonly PolicyResource[]): AccountServices {
    const v = configValues();
    const value = v.size > 0 ? v.get("accountServices") : outputSettings(resources)?.accountServices;
    return value === "adopt" ? "adopt" : "create";
}
