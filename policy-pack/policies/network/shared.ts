// What the network policies share: the segments' CIDRs and controls, reading props and tags, application load
// balancers.

import { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import { guide, SEGMENTS, SegmentName } from "../../catalog";
import { asObject, asString } from "../lib";

export const SEGMENT_CONTROL: Record<SegmentName, string> = {
    agent: "NET-SEG-AGENT",
    service: "NET-SEG-SERVICE",
    management: "NET-SEG-MGMT",
};

/** The segment CIDRs a stack uses; the guide's by default, a stack may override them in policy config. */
export const segmentSchema: PolicyConfigSchema = {
    properties: {
        segments: {
            type: "object",
            properties: Object.fromEntries(SEGMENTS.map((s) => [s, { type: "string" }])),
            default: Object.fromEntries(SEGMENTS.map((s) => [s, guide.infrastructureSecurity.segmentation[s].cidr])),
        },
    },
};

export function segmentsOf(args: { getConfig<T extends object>(): T }): Record<SegmentName, string> {
    const configured = args.getConfig<{ segments?: Partial<Record<SegmentName, string>> }>().segments ?? {};
    return Object.fromEntries(
        SEGMENTS.map((s) => [s, configured[s] ?? guide.infrastructureSecurity.segmentation[s].cidr]),
    ) as Record<SegmentName, string>;
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
