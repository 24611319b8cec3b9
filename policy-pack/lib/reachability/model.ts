// The network model (security groups, network ACLs, route tables, subnets), read from the plan's objects.

type Obj = Record<string, unknown>;
export type Proto = "tcp" | "udp" | "icmp";
export const PROTOS: Proto[] = ["tcp", "udp", "icmp"];
/** Port ranges per protocol (icmp: a single [0, 65535] when allowed). */
export type Ports = Record<Proto, [number, number][]>;
export type Range = [number, number];

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
