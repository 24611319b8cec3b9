// The stack's own config, as the Pulumi nodejs host hands it to a policy pack: PULUMI_CONFIG, a JSON map of
// `<project>:<key>` to string (lists as JSON). The pack reads the address plan and the account-services mode
// from here, so the stack file is their one source of truth; a policy config may only pin them.

import { guide, SEGMENTS, SegmentName } from "../catalog";
import { networkDesign } from "../catalog/network";

/** The stack config key of each segment's CIDR. */
export const SEGMENT_CONFIG_KEY: Record<SegmentName, string> = {
    agent: "agentSegmentCidr",
    service: "serviceSegmentCidr",
    management: "managementSegmentCidr",
};

/** `create`: the stack owns the account-wide services; `adopt`: a landing zone does (see accountServices). */
export type AccountServices = "create" | "adopt";

export interface StackAddressPlan {
    /** Each segment's CIDR: the stack's key, else the guide's (the stack's default). */
    segments: Record<SegmentName, string>;
    /** The stack's adminCidrs ([] when unset). */
    adminCidrs: string[];
    /** The stack's vpcCidr, else its default. */
    vpcCidr: string;
    /** True when the pack received the stack's config at all. */
    received: boolean;
}

let cache: { raw: string; values: Map<string, string> } | undefined;

/** The stack's config keys of this project (`<project>:` stripped); empty when none reached the pack. */
function values(): Map<string, string> {
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

/** The file a user edits to change a stack key, for messages. */
export function stackConfigFile(): string {
    return `Pulumi.${process.env.PULUMI_NODEJS_STACK ?? "<stack>"}.yaml`;
}

/** The address plan of the stack's config (the guide's segments where the stack sets none). */
export function stackAddressPlan(): StackAddressPlan {
    const v = values();
    return {
        segments: Object.fromEntries(
            SEGMENTS.map((s) => [s, v.get(SEGMENT_CONFIG_KEY[s]) ?? guide.infrastructureSecurity.segmentation[s].cidr]),
        ) as Record<SegmentName, string>,
        adminCidrs: list(v.get("adminCidrs")),
        vpcCidr: v.get("vpcCidr") ?? networkDesign.vpcCidr,
        received: v.size > 0,
    };
}

/** The stack's accountServices key: `create` unless the stack says `adopt`. */
export function accountServices(): AccountServices {
    return values().get("accountServices") === "adopt" ? "adopt" : "create";
}
