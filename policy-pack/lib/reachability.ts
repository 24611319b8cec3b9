import { parseCidr } from "./cidr";

/**
 * Network reachability of a VPC from the plan's objects (AWS VPC user guide: security groups are stateful
 * and allow-only, the union of all rules of all groups on an interface; network ACLs are stateless, rules
 * evaluated in ascending number, first match wins, so replies need their own ephemeral-port rule; a subnet
 * without an ACL uses the VPC's default ACL, which allows everything; a subnet routes by its associated route
 * table, longest prefix first). Only IPv4 is modelled; an IPv6 rule or route is read as its IPv4 twin.
 */

type Obj = Record<string, unknown>;
export type Proto = "tcp" | "udp" | "icmp";
export const PROTOS: Proto[] = ["tcp", "udp", "icmp"];
/** Port ranges per protocol (icmp: a single [0, 65535] when allowed). */
export type Ports = Record<Proto, [number, number][]>;
type Range = [number, number];

export interface SgRule {
    protocols: Proto[];
    from: number;
    to: number;
    cidrs: string[];
    /** Referenced security group id (or "self"). */
    group?: string;
    urn: string;
}
export interface SecurityGroup {
    id: string;
    name: string;
    urn: string;
    tags: Record<string, string>;
    ingress: SgRule[];
    egress: SgRule[];
}
export interface AclRule {
    ruleNo: number;
    allow: boolean;
    protocols: Proto[];
    from: number;
    to: number;
    cidr: string;
}
export interface Acl {
    id: string;
    urn: string;
    ingress: AclRule[];
    egress: AclRule[];
}
export interface RouteEntry {
    cidr: string;
    target: { kind: "igw" | "nat" | "vpce" | "local" | "other"; id: string };
    urn: string;
}
export interface Subnet {
    id: string;
    name: string;
    urn: string;
    cidr: string;
    tags: Record<string, string>;
    publicIp: boolean;
}
export interface Network {
    vpcCidrs: string[];
    subnets: Subnet[];
    routeTableOf: Map<string, string>;
    routes: Map<string, RouteEntry[]>;
    aclOf: Map<string, Acl>;
    groups: Map<string, SecurityGroup>;
    natSubnet: Map<string, string>;
    firewallEndpoints: Set<string>;
}

interface Res {
    type: string;
    urn: string;
    name: string;
    props: Obj;
}

const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const strs = (v: unknown): string[] =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((s): s is string => typeof s === "string");
const num = (v: unknown, d: number): number =>
    typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : d;
const tagsOf = (p: Obj): Record<string, string> => ({
    ...(obj(p.tagsAll) as Record<string, string>),
    ...(obj(p.tags) as Record<string, string>),
});

/** AWS protocol strings and numbers; -1 / all is every protocol (and every port). */
export function protocols(p: unknown): Proto[] {
    const s = String(p ?? "-1").toLowerCase();
    if (s === "-1" || s === "all") {
        return [...PROTOS];
    }
    return s === "tcp" || s === "6"
        ? ["tcp"]
        : s === "udp" || s === "17"
          ? ["udp"]
          : s === "icmp" || s === "1"
            ? ["icmp"]
            : [];
}

function portsOf(protocol: unknown, from: unknown, to: unknown): Range {
    const all = protocols(protocol).length === PROTOS.length || protocols(protocol)[0] === "icmp";
    return all ? [0, 65535] : [num(from, 0), num(to, 65535)];
}

function sgRule(p: Obj, urn: string, cidrs: string[], group?: string): SgRule {
    const protocol = p.ipProtocol ?? p.protocol;
    const [from, to] = portsOf(protocol, p.fromPort, p.toPort);
    return { protocols: protocols(protocol), from, to, cidrs, group, urn };
}

function inlineSgRules(entries: unknown, urn: string, selfId: string, prefixLists: Map<string, string[]>): SgRule[] {
    return objs(entries).map((e) => {
        const groups = strs(e.securityGroups);
        return sgRule(
            e,
            urn,
            [
                ...strs(e.cidrBlocks),
                ...strs(e.ipv6CidrBlocks).map(() => "0.0.0.0/0"),
                ...strs(e.prefixListIds).flatMap((id) => prefixLists.get(id) ?? ["0.0.0.0/0"]),
            ],
            e.self === true ? selfId : groups[0],
        );
    });
}

function aclRules(entries: unknown): AclRule[] {
    return objs(entries).map((e) => {
        const [from, to] = portsOf(e.protocol, e.fromPort, e.toPort);
        return {
            ruleNo: num(e.ruleNo ?? e.ruleNumber, 32766),
            allow: String(e.action ?? e.ruleAction).toLowerCase() === "allow",
            protocols: protocols(e.protocol),
            from,
            to,
            cidr: str(e.cidrBlock) ?? (str(e.ipv6CidrBlock) ? "0.0.0.0/0" : "0.0.0.0/0"),
        };
    });
}

function routeTarget(r: Obj): RouteEntry["target"] {
    const gw = str(r.gatewayId);
    if (gw === "local") {
        return { kind: "local", id: "local" };
    }
    if (gw?.startsWith("igw-") || str(r.egressOnlyGatewayId)) {
        return { kind: "igw", id: gw ?? String(r.egressOnlyGatewayId) };
    }
    if (str(r.natGatewayId)) {
        return { kind: "nat", id: String(r.natGatewayId) };
    }
    if (str(r.vpcEndpointId)) {
        return { kind: "vpce", id: String(r.vpcEndpointId) };
    }
    const other =
        gw ??
        str(r.transitGatewayId) ??
        str(r.vpcPeeringConnectionId) ??
        str(r.networkInterfaceId) ??
        str(r.carrierGatewayId) ??
        str(r.coreNetworkArn) ??
        str(r.localGatewayId) ??
        "?";
    return { kind: "other", id: other };
}

/** Builds the network model from stack-policy resources (outputs: ids are known). */
export function buildNetwork(resources: Res[]): Network {
    const of = (t: string) => resources.filter((r) => r.type === t);
    // A security group rule naming a prefix list admits its entries: the plan's own lists by their entries;
    // any other (AWS-managed, or defined elsewhere) may hold any address, so it reads as 0.0.0.0/0.
    const prefixLists = new Map<string, string[]>();
    for (const pl of of("aws:ec2/managedPrefixList:ManagedPrefixList")) {
        const entries = objs(pl.props.entries)
            .map((e) => str(e.cidr))
            .filter((c): c is string => c !== undefined)
            .map((c) => (c.includes(":") ? "0.0.0.0/0" : c));
        for (const id of [str(pl.props.id), str(pl.props.arn)]) {
            if (id) {
                prefixLists.set(id, entries);
            }
        }
    }
    const net: Network = {
        vpcCidrs: of("aws:ec2/vpc:Vpc").flatMap((v) => strs(v.props.cidrBlock)),
        subnets: of("aws:ec2/subnet:Subnet")
            .filter((s) => str(s.props.id) && str(s.props.cidrBlock))
            .map((s) => ({
                id: String(s.props.id),
                name: s.name,
                urn: s.urn,
                cidr: String(s.props.cidrBlock),
                tags: tagsOf(s.props),
                publicIp: s.props.mapPublicIpOnLaunch === true,
            })),
        routeTableOf: new Map(),
        routes: new Map(),
        aclOf: new Map(),
        groups: new Map(),
        natSubnet: new Map(),
        firewallEndpoints: new Set(),
    };
    const addRoute = (table: string | undefined, r: Obj, urn: string) => {
        const cidr =
            str(r.destinationCidrBlock) ??
            str(r.cidrBlock) ??
            ((str(r.destinationIpv6CidrBlock) ?? str(r.ipv6CidrBlock)) ? "0.0.0.0/0" : undefined);
        if (table && cidr) {
            net.routes.set(table, [...(net.routes.get(table) ?? []), { cidr, target: routeTarget(r), urn }]);
        }
    };
    for (const t of [...of("aws:ec2/routeTable:RouteTable"), ...of("aws:ec2/defaultRouteTable:DefaultRouteTable")]) {
        const id = str(t.props.id);
        objs(t.props.routes).forEach((r) => addRoute(id, r, t.urn));
    }
    of("aws:ec2/route:Route").forEach((r) => addRoute(str(r.props.routeTableId), r.props, r.urn));
    for (const a of of("aws:ec2/routeTableAssociation:RouteTableAssociation")) {
        const subnet = str(a.props.subnetId);
        if (subnet && str(a.props.routeTableId)) {
            net.routeTableOf.set(subnet, String(a.props.routeTableId));
        }
    }
    // Subnets without an explicit association use the VPC's main route table.
    const main =
        of("aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation")[0]?.props.routeTableId ??
        of("aws:ec2/defaultRouteTable:DefaultRouteTable")[0]?.props.id;
    for (const s of net.subnets) {
        if (!net.routeTableOf.has(s.id) && str(main)) {
            net.routeTableOf.set(s.id, String(main));
        }
    }
    const acls = new Map<string, Acl>();
    for (const a of [...of("aws:ec2/networkAcl:NetworkAcl"), ...of("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl")]) {
        const id = str(a.props.id);
        if (!id) {
            continue;
        }
        const acl: Acl = { id, urn: a.urn, ingress: aclRules(a.props.ingress), egress: aclRules(a.props.egress) };
        acls.set(id, acl);
        strs(a.props.subnetIds).forEach((s) => net.aclOf.set(s, acl));
    }
    for (const r of of("aws:ec2/networkAclRule:NetworkAclRule")) {
        const acl = acls.get(String(r.props.networkAclId));
        if (acl) {
            (r.props.egress === true ? acl.egress : acl.ingress).push(...aclRules([r.props]));
        }
    }
    for (const a of of("aws:ec2/networkAclAssociation:NetworkAclAssociation")) {
        const acl = acls.get(String(a.props.networkAclId));
        if (acl && str(a.props.subnetId)) {
            net.aclOf.set(String(a.props.subnetId), acl);
        }
    }
    for (const acl of acls.values()) {
        acl.ingress.sort((x, y) => x.ruleNo - y.ruleNo);
        acl.egress.sort((x, y) => x.ruleNo - y.ruleNo);
    }
    for (const g of [
        ...of("aws:ec2/securityGroup:SecurityGroup"),
        ...of("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"),
    ]) {
        const id = str(g.props.id);
        if (id) {
            net.groups.set(id, {
                id,
                name: g.name,
                urn: g.urn,
                tags: tagsOf(g.props),
                ingress: inlineSgRules(g.props.ingress, g.urn, id, prefixLists),
                egress: inlineSgRules(g.props.egress, g.urn, id, prefixLists),
            });
        }
    }
    const ruleTypes: [string, "ingress" | "egress" | undefined][] = [
        ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "ingress"],
        ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "egress"],
        ["aws:ec2/securityGroupRule:SecurityGroupRule", undefined],
    ];
    for (const [type, fixed] of ruleTypes) {
        for (const r of of(type)) {
            const g = net.groups.get(String(r.props.securityGroupId));
            const dir = fixed ?? (r.props.type === "egress" ? "egress" : "ingress");
            if (!g) {
                continue;
            }
            const cidrs = [
                ...strs(r.props.cidrIpv4),
                ...strs(r.props.cidrBlocks),
                ...[...strs(r.props.cidrIpv6), ...strs(r.props.ipv6CidrBlocks)].map(() => "0.0.0.0/0"),
                ...[...strs(r.props.prefixListId), ...strs(r.props.prefixListIds)].flatMap(
                    (id) => prefixLists.get(id) ?? ["0.0.0.0/0"],
                ),
            ];
            const group =
                r.props.self === true
                    ? g.id
                    : (str(r.props.referencedSecurityGroupId) ?? str(r.props.sourceSecurityGroupId));
            g[dir].push(sgRule(r.props, r.urn, cidrs, group));
        }
    }
    for (const n of of("aws:ec2/natGateway:NatGateway")) {
        if (str(n.props.id) && str(n.props.subnetId) && n.props.connectivityType !== "private") {
            net.natSubnet.set(String(n.props.id), String(n.props.subnetId));
        }
    }
    for (const f of of("aws:networkfirewall/firewall:Firewall")) {
        for (const st of objs(f.props.firewallStatuses)) {
            for (const sync of objs(st.syncStates)) {
                objs(sync.attachments).forEach(
                    (a) => str(a.endpointId) && net.firewallEndpoints.add(String(a.endpointId)),
                );
            }
        }
    }
    return net;
}

// --- Address classes ------------------------------------------------------------------------------------

/** A set of addresses as sorted disjoint integer intervals. */
export type Addrs = Range[];

const single = new Map<string, Addrs>();

export function addrs(cidrs: string[]): Addrs {
    if (cidrs.length === 1) {
        // Rules repeat the same few blocks: parse each once.
        const hit = single.get(cidrs[0]) ?? parseAll(cidrs);
        single.set(cidrs[0], hit);
        return hit.map((r) => [r[0], r[1]] as Range);
    }
    return parseAll(cidrs);
}

function parseAll(cidrs: string[]): Addrs {
    return normalise(
        cidrs.flatMap((c) => {
            try {
                const p = parseCidr(c);
                return [[p.first, p.last] as Range];
            } catch {
                return [];
            }
        }),
    );
}

function normalise(rs: Range[]): Range[] {
    const s = [...rs].sort((a, b) => a[0] - b[0]);
    const out: Range[] = [];
    for (const r of s) {
        const last = out[out.length - 1];
        if (last && r[0] <= last[1] + 1) {
            last[1] = Math.max(last[1], r[1]);
        } else {
            out.push([r[0], r[1]]);
        }
    }
    return out;
}

export function minus(a: Addrs, b: Addrs): Addrs {
    let out = a.map((r) => [r[0], r[1]] as Range);
    for (const [bf, bl] of b) {
        out = out.flatMap(([f, l]) => {
            if (bl < f || bf > l) {
                return [[f, l] as Range];
            }
            const parts: Range[] = [];
            if (bf > f) {
                parts.push([f, bf - 1]);
            }
            if (bl < l) {
                parts.push([bl + 1, l]);
            }
            return parts;
        });
    }
    return out;
}

export function intersects(a: Addrs, b: Addrs): boolean {
    return a.some(([f, l]) => b.some(([bf, bl]) => f <= bl && bf <= l));
}

function within(a: Addrs, b: Addrs): boolean {
    return minus(a, b).length === 0;
}

// --- Port sets ------------------------------------------------------------------------------------------

export function emptyPorts(): Ports {
    return { tcp: [], udp: [], icmp: [] };
}

export function isEmpty(p: Ports): boolean {
    return PROTOS.every((x) => p[x].length === 0);
}

function addPorts(p: Ports, protos: Proto[], from: number, to: number): void {
    for (const x of protos) {
        p[x] = normalise([...p[x], [from, to]]);
    }
}

export function intersectPorts(a: Ports, b: Ports): Ports {
    const out = emptyPorts();
    for (const x of PROTOS) {
        for (const [f, l] of a[x]) {
            for (const [bf, bl] of b[x]) {
                if (f <= bl && bf <= l) {
                    out[x].push([Math.max(f, bf), Math.min(l, bl)]);
                }
            }
        }
        out[x] = normalise(out[x]);
    }
    return out;
}

export function unionPorts(a: Ports, b: Ports): Ports {
    const out = emptyPorts();
    for (const x of PROTOS) {
        out[x] = normalise([...a[x], ...b[x]]);
    }
    return out;
}

export function minusPorts(a: Ports, b: Ports): Ports {
    const out = emptyPorts();
    for (const x of PROTOS) {
        out[x] = minus(a[x], b[x]);
    }
    return out;
}

export function portsFrom(list: { protocol: Proto; from: number; to?: number }[]): Ports {
    const p = emptyPorts();
    list.forEach((e) => addPorts(p, [e.protocol], e.from, e.to ?? e.from));
    return p;
}

export function describePorts(p: Ports): string {
    return PROTOS.filter((x) => p[x].length)
        .map((x) =>
            x === "icmp"
                ? "icmp"
                : `${x} ${p[x].map(([f, l]) => (f === l ? `${f}` : f === 0 && l === 65535 ? "all" : `${f}-${l}`)).join(",")}`,
        )
        .join("; ");
}

// --- Layers ---------------------------------------------------------------------------------------------

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
