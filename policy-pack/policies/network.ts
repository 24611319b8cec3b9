import { PolicyConfigSchema } from "@pulumi/policy";
import { guide, SEGMENTS, SegmentName } from "../catalog";
import { contains, isCidr, overlaps } from "../lib/cidr";
import { effectiveTags, resourcePolicy } from "./lib";

const SEGMENT_CONTROL: Record<SegmentName, string> = {
    agent: "NET-SEG-AGENT",
    service: "NET-SEG-SERVICE",
    management: "NET-SEG-MGMT",
};

/** The segment CIDRs a stack uses; the guide's by default, a stack may override them in policy config. */
const segmentSchema: PolicyConfigSchema = {
    properties: {
        segments: {
            type: "object",
            properties: Object.fromEntries(SEGMENTS.map((s) => [s, { type: "string" }])),
            default: Object.fromEntries(SEGMENTS.map((s) => [s, guide.infrastructureSecurity.segmentation[s].cidr])),
        },
    },
};

function segmentsOf(args: { getConfig<T extends object>(): T }): Record<SegmentName, string> {
    const configured = args.getConfig<{ segments?: Partial<Record<SegmentName, string>> }>().segments ?? {};
    return Object.fromEntries(
        SEGMENTS.map((s) => [s, configured[s] ?? guide.infrastructureSecurity.segmentation[s].cidr]),
    ) as Record<SegmentName, string>;
}

export const subnetsInSegment = resourcePolicy({
    name: "network-subnet-in-segment",
    description:
        "Each segment's subnets lie inside the segment's CIDR and carry its `segment` tag; no other subnet overlaps a segment.",
    controls: Object.values(SEGMENT_CONTROL),
    severity: "high",
    types: ["aws:ec2/subnet:Subnet"],
    configSchema: segmentSchema,
    validate: (args, report) => {
        const cidr = args.props.cidrBlock as string | undefined;
        if (typeof cidr !== "string" || !isCidr(cidr)) {
            report(`subnet has no IPv4 cidrBlock; every subnet must declare one so its segment can be checked`);
            return;
        }
        const segments = segmentsOf(args);
        const tag = effectiveTags(args)["segment"];
        if (tag !== undefined && (SEGMENTS as string[]).includes(tag)) {
            const segment = tag as SegmentName;
            if (!contains(segments[segment], cidr)) {
                report(
                    `[${SEGMENT_CONTROL[segment]}] subnet ${cidr} is tagged segment=${segment} but lies outside that segment's ${segments[segment]}`,
                );
            }
            return;
        }
        for (const s of SEGMENTS) {
            if (overlaps(segments[s], cidr)) {
                report(
                    `[${SEGMENT_CONTROL[s]}] subnet ${cidr} overlaps the ${s} segment ${segments[s]} but is not tagged segment=${s}`,
                );
            }
        }
    },
});

export const networkPolicies = [subnetsInSegment];
