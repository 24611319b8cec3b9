// What the network policies share: the segments' CIDRs and controls, reading props and tags, application load
// balancers.

import { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import { SegmentName } from "../../catalog";
import { SEGMENT_CONFIG_KEY, sourceWords, stackAddressPlan } from "../../lib/stack-config";
import { asObject, asString } from "../lib";

export const SEGMENT_CONTROL: Record<SegmentName, string> = {
    agent: "NET-SEG-AGENT",
    service: "NET-SEG-SERVICE",
    management: "NET-SEG-MGMT",
};

/**
 * The segment CIDRs of the stack's own config (its agentSegmentCidr, serviceSegmentCidr, managementSegmentCidr
 * keys, handed to the pack as PULUMI_CONFIG), the guide's where it sets none. The policy config can only pin
 * them (network-address-plan), never replace them: the stack file is the one source of truth.
 */
export function segmentsOf(resources?: readonly PolicyResource[]): Record<SegmentName, string> {
    return stackAddressPlan(resources).segments;
}

/**
 * Settings earlier versions of the pack read from a policy's own config, now the stack's (pinned in
 * network-address-plan). Declared so that a policy config still setting them fails instead of being ignored.
 */
export const movedSettingsSchema: PolicyConfigSchema = {
    properties: {
        segments: { type: "object" },
        adminCidrs: { type: "array", items: { type: "string" } },
    },
};

/** Reports a moved setting the policy config still gives this policy. */
export function reportMovedSettings(
    policy: string,
    config: Record<string, unknown>,
    report: (message: string) => void,
): void {
    for (const key of ["segments", "adminCidrs"].filter((k) => config[k] !== undefined)) {
        report(
            `[NET-SEG-MGMT] the policy config sets ${policy}.${key}, which no longer decides anything: the pack takes ${key === "segments" ? "the segments" : "the admin CIDRs"} from the stack's config (${key === "segments" ? "agentSegmentCidr, serviceSegmentCidr, managementSegmentCidr" : "adminCidrs"}); to pin them, move the value to network-address-plan.${key}`,
        );
    }
}

/** Where segmentsOf's CIDRs came from, for messages. */
export function segmentSource(segment: SegmentName, resources?: readonly PolicyResource[]): string {
    return sourceWords(stackAddressPlan(resources).source, SEGMENT_CONFIG_KEY[segment]);
}

export type Props = Record<string, unknown>;
export type Rec = Record<string, unknown>;

export const PUBLIC_V4 = "0.0.0.0/0";
export const PUBLIC_V6 = "::/0";
export const rec = asObject;
export const str = asString;
export const num = (v: unknown): number | undefined =>
    typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;

/** Tags as a stack policy sees them (outputs carry tagsAll with the provider's default tags). */
export function outputTags(props: Props): Record<string, string> {
    return { ...(rec(props.tags) as Record<string, string>), ...(rec(props.tagsAll) as Record<string, string>) };
}

export const LB_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
export const isApplication = (props: Props) => (str(props.loadBalancerType) ?? "application") === "application";
export const isInternetFacingAlb = (r: PolicyResource) =>
    LB_TYPES.includes(r.type) && isApplication(r.props) && r.props.internal !== true;
