// network_protection.segmentation: each segment's subnets and routes (no internet gateway; management has no
// route out but the deploy runner's).

import { SEGMENTS, SegmentName } from "../../catalog";
import { contains, isCidr, overlaps } from "../../lib/cidr";
import { asArray, stackPolicy } from "../lib";
import {
    movedSettingsSchema,
    outputTags,
    PUBLIC_V4,
    PUBLIC_V6,
    Rec,
    rec,
    reportMovedSettings,
    SEGMENT_CONTROL,
    segmentsOf,
    segmentSource,
    str,
} from "./shared";

/**
 * A stack policy (not one per resource): a resource policy cannot see the root stack's stackSettings output, which
 * is the address plan when the engine starts the pack without the stack's config (`pulumi policy analyze`).
 */
export const subnetsInSegment = stackPolicy({
    name: "network-subnet-in-segment",
    description:
        "Each segment's subnets lie inside the segment's CIDR (the stack's own address plan) and carry its `segment` tag; no other subnet overlaps a segment.",
    controls: Object.values(SEGMENT_CONTROL),
    severity: "high",
    configSchema: movedSettingsSchema,
    validate: (args, report) => {
        reportMovedSettings("network-subnet-in-segment", args.getConfig<Record<string, unknown>>(), report);
        const segments = segmentsOf(args.resources);
        for (const subnet of args.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")) {
            const cidr = subnet.props.cidrBlock as string | undefined;
            if (typeof cidr !== "string" || !isCidr(cidr)) {
                report(
                    `subnet ${subnet.name} has no IPv4 cidrBlock; every subnet must declare one so its segment can be checked`,
                    subnet.urn,
                );
                continue;
            }
            const tag = outputTags(subnet.props)["segment"];
            if (tag !== undefined && (SEGMENTS as string[]).includes(tag)) {
                const segment = tag as SegmentName;
                if (!contains(segments[segment], cidr)) {
                    report(
                        `[${SEGMENT_CONTROL[segment]}] subnet ${cidr} is tagged segment=${segment} but lies outside that segment's ${segments[segment]} (${segmentSource(segment, args.resources)})`,
                        subnet.urn,
                    );
                }
                continue;
            }
            for (const s of SEGMENTS) {
                if (overlaps(segments[s], cidr)) {
                    report(
                        `[${SEGMENT_CONTROL[s]}] subnet ${cidr} overlaps the ${s} segment ${segments[s]} (${segmentSource(s, args.resources)}) but is not tagged segment=${s}`,
                        subnet.urn,
                    );
                }
            }
        }
    },
});

export const segmentRoutes = stackPolicy({
    name: "network-segment-no-igw-route",
    description:
        "Route tables tagged with a segment never route to an internet gateway (agents and services leave through NAT and the firewall); the management segment has no default route except to the deploy runner's NAT gateway, whose address only the firewall's deploy allow-list admits.",
    controls: ["PER-FW-EGRESS", "NET-SEG-AGENT", "NET-SEG-SERVICE", "NET-SEG-MGMT"],
    severity: "critical",
    validate: (args, report) => {
        const segmentOf = new Map<string, SegmentName>();
        const tables = args.resources.filter((r) => r.type === "aws:ec2/routeTable:RouteTable");
        for (const t of tables) {
            const segment = outputTags(t.props)["segment"];
            const id = str(t.props.id);
            if (id && (SEGMENTS as string[]).includes(segment)) {
                segmentOf.set(id, segment as SegmentName);
            }
        }
        // The one exception: the deploy runner's NAT gateway (tag role=deploy-runner) whose address is the
        // only source of a firewall allow-list (the runner's), so management egress stays scoped.
        const scopedSources = new Set(
            args.resources
                .filter((r) => r.type === "aws:networkfirewall/ruleGroup:RuleGroup")
                .flatMap((r) => {
                    const sets = asArray(rec(rec(r.props.ruleGroup).ruleVariables).ipSets as Rec[]).map(rec);
                    const home = sets.find((v) => v.key === "HOME_NET");
                    const defs = asArray(rec(home?.ipSet).definitions as string[]);
                    return defs.length === 1 && defs[0].endsWith("/32") ? [defs[0].slice(0, -3)] : [];
                }),
        );
        const deployNats = new Set(
            args.resources
                .filter(
                    (r) =>
                        r.type === "aws:ec2/natGateway:NatGateway" &&
                        outputTags(r.props)["role"] === "deploy-runner" &&
                        scopedSources.has(str(r.props.privateIp) ?? ""),
                )
                .map((r) => str(r.props.id) ?? ""),
        );
        const check = (tableId: string, route: Rec, urn: string) => {
            const segment = segmentOf.get(tableId);
            if (!segment) {
                return;
            }
            const dest =
                str(route.destinationCidrBlock) ??
                str(route.cidrBlock) ??
                str(route.destinationIpv6CidrBlock) ??
                str(route.ipv6CidrBlock) ??
                "?";
            const gateway = str(route.gatewayId);
            if (gateway?.startsWith("igw-")) {
                report(
                    `[PER-FW-EGRESS] route table ${tableId} of the ${segment} segment routes ${dest} to internet gateway ${gateway}; segments reach the internet only through NAT and the network firewall`,
                    urn,
                );
            } else if (
                segment === "management" &&
                (dest === PUBLIC_V4 || dest === PUBLIC_V6) &&
                !deployNats.has(str(route.natGatewayId) ?? "")
            ) {
                const target =
                    str(route.natGatewayId) ??
                    str(route.vpcEndpointId) ??
                    str(route.transitGatewayId) ??
                    gateway ??
                    "?";
                report(
                    `[NET-SEG-MGMT] route table ${tableId} of the management segment has a default route to ${target}; management has no route out (SSM and AWS APIs through VPC endpoints)`,
                    urn,
                );
            }
        };
        for (const t of tables) {
            const id = str(t.props.id);
            for (const route of asArray(t.props.routes as Rec[])) {
                if (id) {
                    check(id, rec(route), t.urn);
                }
            }
        }
        for (const r of args.resources.filter((x) => x.type === "aws:ec2/route:Route")) {
            const tableId = str(r.props.routeTableId);
            if (tableId) {
                check(tableId, r.props, r.urn);
            }
        }
    },
});
