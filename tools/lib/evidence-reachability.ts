// The segment reachability the pack's network model computes from the plan or state (security groups, network
// ACLs with replies), for the evidence's diagram: which zone reaches which, on which ports. The verdicts are
// the policy's (network-segment-reachability); this only shows the graph.
import { guide, SEGMENTS } from "../../policy-pack/catalog";
import { contains } from "../../policy-pack/lib/cidr";
import {
    addrs,
    buildNetwork,
    describePorts,
    effectivePorts,
    isEmpty,
    minus,
    Zone,
} from "../../policy-pack/lib/reachability";
import { StateResource } from "./state";

export interface ReachabilityEvidence {
    zones: { name: string; cidrs: string[] }[];
    edges: { from: string; to: string; ports: string }[];
}

/** `adminCidrs`: the stack's administrators (config adminCidrs), shown apart from the rest of the internet. */
export function reachabilityEvidence(
    resources: StateResource[],
    adminCidrs: string[] = [],
): ReachabilityEvidence | undefined {
    const net = buildNetwork(
        resources
            .filter((r) => r.custom)
            .map((r) => ({
                type: r.type,
                urn: r.urn,
                name: r.urn.split("::").pop() ?? r.urn,
                props: { ...r.inputs, ...r.outputs },
            })),
    );
    if (net.vpcCidrs.length === 0) {
        return undefined;
    }
    const groups = [...net.groups.values()];
    const zones: Zone[] = SEGMENTS.map((s) => {
        const cidr = guide.infrastructureSecurity.segmentation[s].cidr;
        return {
            name: s,
            addrs: addrs([cidr]),
            subnets: net.subnets.filter((n) => n.tags.segment === s || contains(cidr, n.cidr)),
            groups: groups.filter((g) => g.tags.segment === s),
        };
    });
    const perimeter = net.subnets.filter((n) => n.tags.tier === "public");
    zones.push({
        name: "perimeter",
        addrs: addrs(perimeter.map((n) => n.cidr)),
        subnets: perimeter,
        groups: groups.filter((g) => g.tags.role === "alb"),
    });
    const admin = { name: "admin", addrs: addrs(adminCidrs) };
    const internet = { name: "internet", addrs: minus(minus(addrs(["0.0.0.0/0"]), addrs(net.vpcCidrs)), admin.addrs) };
    const outside = adminCidrs.length ? [internet, admin] : [internet];
    const edges: ReachabilityEvidence["edges"] = [];
    for (const dst of zones) {
        for (const src of [...zones, ...outside]) {
            if (src.name === dst.name) {
                continue;
            }
            const p = effectivePorts(net, src, dst);
            if (!isEmpty(p)) {
                edges.push({ from: src.name, to: dst.name, ports: describePorts(p) });
            }
        }
    }
    return {
        zones: [
            ...zones.map((z) => ({ name: z.name, cidrs: z.subnets.map((s) => s.cidr) })),
            { name: "internet", cidrs: ["0.0.0.0/0 less the VPC and the admin CIDRs"] },
            ...(adminCidrs.length ? [{ name: "admin", cidrs: adminCidrs }] : []),
        ],
        edges,
    };
}
