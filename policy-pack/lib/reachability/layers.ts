// The layers a packet passes (security groups, ACLs and their replies, routes) and the ports they let through
// together.

import { parseCidr } from "../cidr";
import { Acl, Network, Ports, PROTOS, RouteEntry, SecurityGroup, Subnet } from "./model";
import {
    addPorts,
    Addrs,
    addrs,
    emptyPorts,
    intersectPorts,
    intersects,
    minus,
    portsFrom,
    unionPorts,
    within,
} from "./sets";

/** Ports a set of security groups allows in one direction to / from an address class or a group. */
export function sgPorts(
    groups: SecurityGroup[],
    dir: "ingress" | "egress",
    peer: { addrs: Addrs; groups: Set<string> },
): Ports {
    const p = emptyPorts();
    for (const g of groups) {
        for (const r of g[dir]) {
            const hit = r.group ? peer.groups.has(r.group) : intersects(addrs(r.cidrs), peer.addrs);
            if (hit) {
                addPorts(p, r.protocols, r.from, r.to);
            }
        }
    }
    return p;
}

/**
 * Ports a stateless ACL lets through in one direction for some address of `peer`: first match wins per
 * (protocol, port); an allow that overlaps the class admits, a deny only stops what it fully covers.
 */
export function aclPorts(acl: Acl | undefined, dir: "ingress" | "egress", peer: Addrs): Ports {
    if (!acl) {
        return portsFrom(PROTOS.map((protocol) => ({ protocol, from: 0, to: 65535 })));
    }
    const out = emptyPorts();
    for (const x of PROTOS) {
        // Ports where the decision is constant: split at every rule boundary.
        const cuts = new Set<number>([0, 65536]);
        acl[dir].filter((r) => r.protocols.includes(x)).forEach((r) => (cuts.add(r.from), cuts.add(r.to + 1)));
        const points = [...cuts].sort((a, b) => a - b);
        for (let i = 0; i + 1 < points.length; i++) {
            const port = points[i];
            for (const r of acl[dir]) {
                if (!r.protocols.includes(x) || port < r.from || port > r.to) {
                    continue;
                }
                const ra = addrs([r.cidr]);
                if (r.allow && intersects(ra, peer)) {
                    addPorts(out, [x], port, points[i + 1] - 1);
                    break;
                }
                if (!r.allow && within(peer, ra)) {
                    break;
                }
            }
        }
    }
    return out;
}

/** Replies of a stateless ACL: some ephemeral port open back to the peer (any port for a whole-protocol rule). */
function repliesAllowed(acl: Acl | undefined, dir: "ingress" | "egress", peer: Addrs): Ports {
    const back = aclPorts(acl, dir, peer);
    const out = emptyPorts();
    for (const x of PROTOS) {
        const ephemeral = x === "icmp" ? back[x].length > 0 : back[x].some(([, l]) => l >= 1024);
        if (ephemeral) {
            out[x] = [[0, 65535]];
        }
    }
    return out;
}

/** Where a subnet's traffic to `dest` leaves, by longest-prefix match of its route table. */
export function routeFor(net: Network, subnetId: string, dest: string): RouteEntry | undefined {
    const table = net.routeTableOf.get(subnetId);
    const d = addrs([dest]);
    const vpc = addrs(net.vpcCidrs);
    if (within(d, vpc)) {
        return { cidr: net.vpcCidrs[0] ?? dest, target: { kind: "local", id: "local" }, urn: "" };
    }
    const candidates = (table ? (net.routes.get(table) ?? []) : []).filter((r) => within(d, addrs([r.cidr])));
    return candidates.sort((a, b) => parseCidr(b.cidr).prefix - parseCidr(a.cidr).prefix)[0];
}

/** How traffic from a subnet to internet addresses leaves: through the firewall, or around it. */
export function internetPaths(
    net: Network,
    subnetId: string,
): { through: "firewall" | "none" | "bypass"; detail: string; urn?: string }[] {
    const table = net.routeTableOf.get(subnetId);
    const vpc = addrs(net.vpcCidrs);
    const routes = (table ? (net.routes.get(table) ?? []) : []).filter((r) => minus(addrs([r.cidr]), vpc).length > 0);
    if (routes.length === 0) {
        return [{ through: "none", detail: "no route to the internet" }];
    }
    return routes.map((r) => {
        const t = r.target;
        if (t.kind === "vpce" && net.firewallEndpoints.has(t.id)) {
            return { through: "firewall", detail: `${r.cidr} → firewall endpoint ${t.id}`, urn: r.urn };
        }
        if (t.kind === "nat") {
            const natSubnet = net.natSubnet.get(t.id);
            const next = natSubnet ? routeFor(net, natSubnet, r.cidr) : undefined;
            if (next?.target.kind === "vpce" && net.firewallEndpoints.has(next.target.id)) {
                return {
                    through: "firewall",
                    detail: `${r.cidr} → ${t.id} → firewall endpoint ${next.target.id}`,
                    urn: r.urn,
                };
            }
            return {
                through: "bypass",
                detail: `${r.cidr} → ${t.id}, whose subnet routes ${r.cidr} to ${next ? `${next.target.kind} ${next.target.id}` : "nowhere known"}, not to a firewall endpoint`,
                urn: r.urn,
            };
        }
        return { through: "bypass", detail: `${r.cidr} → ${t.kind} ${t.id}, not a firewall endpoint`, urn: r.urn };
    });
}

export interface Zone {
    name: string;
    addrs: Addrs;
    subnets: Subnet[];
    groups: SecurityGroup[];
}

/**
 * Effective ports from zone `src` (or an outside address class) into zone `dst`: source SG egress and ACL
 * egress, destination ACL ingress and SG ingress, and replies through both ACLs. A zone without security
 * groups contributes no SG limit on its side (outside addresses).
 */
export function effectivePorts(net: Network, src: Zone | { name: string; addrs: Addrs }, dst: Zone): Ports {
    const srcZone = "subnets" in src ? src : undefined;
    const srcGroups = new Set(srcZone?.groups.map((g) => g.id) ?? []);
    let result = emptyPorts();
    for (const d of dst.subnets) {
        const dAddrs = addrs([d.cidr]);
        const dAcl = net.aclOf.get(d.id);
        let p = sgPorts(dst.groups, "ingress", { addrs: src.addrs, groups: srcGroups });
        p = intersectPorts(p, aclPorts(dAcl, "ingress", src.addrs));
        p = intersectPorts(p, repliesAllowed(dAcl, "egress", src.addrs));
        if (srcZone) {
            let fromSrc = emptyPorts();
            for (const s of srcZone.subnets) {
                const sAcl = net.aclOf.get(s.id);
                let q = sgPorts(srcZone.groups, "egress", {
                    addrs: dAddrs,
                    groups: new Set(dst.groups.map((g) => g.id)),
                });
                q = intersectPorts(q, aclPorts(sAcl, "egress", dAddrs));
                q = intersectPorts(q, repliesAllowed(sAcl, "ingress", dAddrs));
                fromSrc = unionPorts(fromSrc, q);
            }
            p = intersectPorts(p, fromSrc);
        }
        result = unionPorts(result, p);
    }
    return result;
}

/** Effective ports from a zone out to an outside address class (SG egress, ACL egress, ACL replies). */
export function outboundPorts(net: Network, src: Zone, to: Addrs): Ports {
    let result = emptyPorts();
    for (const s of src.subnets) {
        const acl = net.aclOf.get(s.id);
        let p = sgPorts(src.groups, "egress", { addrs: to, groups: new Set() });
        p = intersectPorts(p, aclPorts(acl, "egress", to));
        p = intersectPorts(p, repliesAllowed(acl, "ingress", to));
        result = unionPorts(result, p);
    }
    return result;
}
