// Effective reachability between the segments, the internet and the admins (lib/reachability.ts): security
// groups ∩ network ACLs ∩ routes ∩ the firewall, against the flows the guide intends.

import { SEGMENTS, SegmentName } from "../../catalog";
import { networkDesign } from "../../catalog/network";
import { segmentIntent } from "../../catalog/flows";
import { contains } from "../../lib/cidr";
import {
    addrs,
    buildNetwork,
    describePorts,
    effectivePorts,
    emptyPorts,
    internetPaths,
    isEmpty,
    minus,
    minusPorts,
    outboundPorts,
    Ports,
    portsFrom,
    sgPorts,
    Zone,
} from "../../lib/reachability";
import { stackPolicy } from "../lib";
import { stackAddressPlan } from "../../lib/stack-config";
import { movedSettingsSchema, PUBLIC_V4, reportMovedSettings, SEGMENT_CONTROL } from "./shared";

/** Ports the guide intends from one zone into another; undefined: every port. */
function intendedInbound(dst: SegmentName, src: string): Ports | "all" | undefined {
    const intent = segmentIntent[dst];
    if (dst === "service" && src === "agent") {
        return portsFrom([
            ...networkDesign.ports.agentToService.map((port) => ({ protocol: "tcp" as const, from: port })),
            { protocol: "tcp", from: networkDesign.ports.dns },
            { protocol: "udp", from: networkDesign.ports.dns },
        ]);
    }
    if (dst === "service" && src === "perimeter") {
        return portsFrom(
            [networkDesign.ports.ingressGatewayNodePort, networkDesign.ports.ingressGatewayHealthNodePort].map(
                (port) => ({ protocol: "tcp" as const, from: port }),
            ),
        );
    }
    if (src === "admin" && intent.fromAdmin) {
        return portsFrom(networkDesign.adminPorts.map((port) => ({ protocol: "tcp" as const, from: port })));
    }
    return (intent.fromSegments as readonly string[]).includes(src) ? "all" : undefined;
}

const INTERNET_EGRESS_PORTS = portsFrom([
    { protocol: "tcp", from: networkDesign.ports.https },
    { protocol: "tcp", from: networkDesign.ports.http },
]);

export const segmentReachability = stackPolicy({
    name: "network-segment-reachability",
    description:
        "What each segment can reach and be reached from, computed from security groups (stateful), network ACLs (stateless, replies included), route tables, NAT and the network firewall, equals the guide: management only from itself and the admin CIDRs, agent only from agents and services, service only from the segments and the ALB's node ports, no segment from the internet, internet egress only HTTPS/HTTP and only through the firewall. Security groups alone must hold the same limits (they are the per-interface boundary).",
    controls: ["NET-SEG-AGENT", "NET-SEG-SERVICE", "NET-SEG-MGMT", "PER-FW-EGRESS", "PER-FW-INGRESS"],
    severity: "critical",
    configSchema: movedSettingsSchema,
    validate: (args, report) => {
        reportMovedSettings("network-segment-reachability", args.getConfig<Record<string, unknown>>(), report);
        const net = buildNetwork(args.resources);
        if (net.vpcCidrs.length === 0) {
            return;
        }
        // The stack's own address plan and admin CIDRs (its config keys): an admin path is declared, never
        // inferred from what happens to be open.
        const plan = stackAddressPlan(args.resources);
        const segments = plan.segments;
        const admin = addrs(plan.adminCidrs);
        const vpc = addrs(net.vpcCidrs);
        const internet = minus(minus(addrs([PUBLIC_V4]), vpc), admin);
        const zones: Zone[] = SEGMENTS.map((s) => ({
            name: s,
            addrs: addrs([segments[s]]),
            subnets: net.subnets.filter((n) => n.tags.segment === s || contains(segments[s], n.cidr)),
            groups: [...net.groups.values()].filter((g) => g.tags.segment === s),
        }));
        const perimeterSubnets = net.subnets.filter((n) => n.tags.tier === "public");
        zones.push({
            name: "perimeter",
            addrs: addrs(perimeterSubnets.map((n) => n.cidr)),
            subnets: perimeterSubnets,
            groups: [...net.groups.values()].filter((g) => g.tags.role === "alb"),
        });
        const outside = [
            { name: "internet", addrs: internet },
            { name: "admin", addrs: admin },
        ].filter((o) => o.addrs.length > 0);
        const excess = (got: Ports, want: Ports | "all" | undefined): Ports =>
            want === "all" ? emptyPorts() : want ? minusPorts(got, want) : got;
        for (const dst of zones.filter((z): z is Zone & { name: SegmentName } =>
            (SEGMENTS as string[]).includes(z.name),
        )) {
            const control = SEGMENT_CONTROL[dst.name];
            const sources = [...zones, ...outside];
            for (const src of sources) {
                const want = intendedInbound(dst.name, src.name);
                const effective = excess(effectivePorts(net, src, dst), want);
                if (!isEmpty(effective)) {
                    report(
                        `[${src.name === "internet" ? "PER-FW-INGRESS" : control}] the ${dst.name} segment is reachable from ${src.name} on ${describePorts(effective)} (security groups, network ACLs and replies all allow it); the guide allows ${want === undefined ? "nothing" : describePorts(want as Ports)} from ${src.name}`,
                    );
                    continue;
                }
                // The security groups alone, as the per-interface boundary.
                const sgOnly = excess(
                    sgPorts(dst.groups, "ingress", {
                        addrs: src.addrs,
                        groups: new Set("groups" in src ? (src as Zone).groups.map((g) => g.id) : []),
                    }),
                    want,
                );
                if (!isEmpty(sgOnly) && dst.groups.length > 0) {
                    report(
                        `[${control}] security groups of the ${dst.name} segment (${dst.groups.map((g) => g.name).join(", ")}) admit ${src.name} on ${describePorts(sgOnly)}; only network ACLs stop it`,
                    );
                }
            }
            // Internet egress: ports, then the path.
            const wantOut = dst.name === "management" ? emptyPorts() : INTERNET_EGRESS_PORTS;
            const out = minusPorts(outboundPorts(net, dst, internet), wantOut);
            const sgOut = minusPorts(sgPorts(dst.groups, "egress", { addrs: internet, groups: new Set() }), wantOut);
            if (!isEmpty(out)) {
                report(
                    `[${control}] the ${dst.name} segment can send to the internet on ${describePorts(out)}; the guide allows ${isEmpty(wantOut) ? "nothing" : describePorts(wantOut)}`,
                );
            } else if (!isEmpty(sgOut)) {
                report(
                    `[${control}] security groups of the ${dst.name} segment allow egress to the internet on ${describePorts(sgOut)}; the guide allows ${isEmpty(wantOut) ? "nothing" : describePorts(wantOut)}`,
                );
            }
            for (const subnet of dst.subnets) {
                for (const path of internetPaths(net, subnet.id).filter((x) => x.through === "bypass")) {
                    report(
                        `[PER-FW-EGRESS] subnet ${subnet.name} (${dst.name}) reaches the internet around the network firewall: ${path.detail}`,
                        path.urn || subnet.urn,
                    );
                }
            }
        }
    },
});
