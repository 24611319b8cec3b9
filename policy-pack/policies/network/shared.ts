// What the network policies share: the segments' CIDRs and controls, reading props and tags, application load
// balancers.

import { PolicyResource } from "@pulumi/policy";
import { SegmentName } from "../../catalog";
import { SEGMENT_CONFIG_KEY, stackAddressPlan, stackConfigFile } from "../../lib/stack-config";
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
export function segmentsOf(): Record<SegmentName, string> {
    return stackAddressPlan().segments;
}

/** Where segmentsOf's CIDRs came from, for messages. */
export function segmentSource(segment: SegmentName): string {
    const plan = stackAddressPlan();
    return plan.received
        ? `the stack's ${SEGMENT_CONFIG_KEY[segment]} (${stackConfigFile()})`
        : "the guide's default (no stack config reached the pack)";
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
