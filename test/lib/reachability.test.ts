import {
    Acl,
    aclPorts,
    addrs,
    buildNetwork,
    describePorts,
    effectivePorts,
    internetPaths,
    minus,
    Zone,
} from "../../policy-pack/lib/reachability";

const rule = (ruleNo: number, allow: boolean, cidr: string, protocol: "tcp" | "-1", from = 0, to = 65535) => ({
    ruleNo,
    action: allow ? "allow" : "deny",
    cidrBlock: cidr,
    protocol,
    fromPort: from,
    toPort: to,
});

function res(type: string, name: string, props: Record<string, unknown>) {
    return { type, name, urn: `urn:${name}`, props };
}

/** Two subnets, a NAT in a public subnet, a firewall endpoint; the test varies SGs and ACLs. */
function network(
    extra: ReturnType<typeof res>[] = [],
    publicTarget: Record<string, string> = { vpcEndpointId: "vpce-fw" },
) {
    return buildNetwork([
        res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }),
        res("aws:ec2/subnet:Subnet", "a", { id: "subnet-a", cidrBlock: "10.0.1.0/24", tags: { segment: "agent" } }),
        res("aws:ec2/subnet:Subnet", "m", {
            id: "subnet-m",
            cidrBlock: "10.0.3.0/24",
            tags: { segment: "management" },
        }),
        res("aws:ec2/subnet:Subnet", "pub", { id: "subnet-p", cidrBlock: "10.0.255.0/26" }),
        res("aws:ec2/routeTable:RouteTable", "rt-a", { id: "rtb-a" }),
        res("aws:ec2/routeTable:RouteTable", "rt-p", {
            id: "rtb-p",
            routes: [{ cidrBlock: "0.0.0.0/0", ...publicTarget }],
        }),
        res("aws:ec2/routeTableAssociation:RouteTableAssociation", "as-a", {
            subnetId: "subnet-a",
            routeTableId: "rtb-a",
        }),
        res("aws:ec2/routeTableAssociation:RouteTableAssociation", "as-p", {
            subnetId: "subnet-p",
            routeTableId: "rtb-p",
        }),
        res("aws:ec2/route:Route", "default-a", {
            routeTableId: "rtb-a",
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: "nat-1",
        }),
        res("aws:ec2/natGateway:NatGateway", "nat", { id: "nat-1", subnetId: "subnet-p" }),
        res("aws:networkfirewall/firewall:Firewall", "fw", {
            firewallStatuses: [{ syncStates: [{ attachments: [{ endpointId: "vpce-fw" }] }] }],
        }),
        res("aws:ec2/securityGroup:SecurityGroup", "sg-a", { id: "sg-a", tags: { segment: "agent" } }),
        res("aws:ec2/securityGroup:SecurityGroup", "sg-m", { id: "sg-m", tags: { segment: "management" } }),
        ...extra,
    ]);
}

const zone = (net: ReturnType<typeof network>, name: string, subnet: string, sg: string, cidr: string): Zone => ({
    name,
    addrs: addrs([cidr]),
    subnets: net.subnets.filter((s) => s.id === subnet),
    groups: [net.groups.get(sg)!],
});

describe("network ACLs (stateless, first match)", () => {
    const acl: Acl = {
        id: "acl",
        urn: "u",
        ingress: [
            { ruleNo: 100, allow: false, protocols: ["tcp", "udp", "icmp"], from: 0, to: 65535, cidr: "10.0.1.0/24" },
            { ruleNo: 110, allow: true, protocols: ["tcp"], from: 22, to: 22, cidr: "10.0.0.0/16" },
        ],
        egress: [],
    };

    it("a lower-numbered deny covering the peer wins over a later allow", () => {
        expect(describePorts(aclPorts(acl, "ingress", addrs(["10.0.1.0/24"])))).toBe("");
        expect(describePorts(aclPorts(acl, "ingress", addrs(["10.0.2.0/24"])))).toBe("tcp 22");
    });

    it("a deny covering only part of the peer does not stop it", () => {
        expect(describePorts(aclPorts(acl, "ingress", addrs(["10.0.0.0/22"])))).toBe("tcp 22");
    });

    it("a subnet without an ACL uses the default one, which allows everything", () => {
        expect(describePorts(aclPorts(undefined, "egress", addrs(["8.8.8.8/32"])))).toBe("tcp all; udp all; icmp");
    });
});

describe("effective reachability", () => {
    const open = [
        res("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "a-out", {
            securityGroupId: "sg-a",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
        }),
        res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "m-in", {
            securityGroupId: "sg-m",
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            referencedSecurityGroupId: "sg-a",
        }),
    ];

    it("needs both security groups (an SG reference counts as its members)", () => {
        const net = network(open);
        const ports = effectivePorts(
            net,
            zone(net, "agent", "subnet-a", "sg-a", "10.0.1.0/24"),
            zone(net, "management", "subnet-m", "sg-m", "10.0.3.0/24"),
        );
        expect(describePorts(ports)).toBe("tcp 22");
        const closed = network(open.slice(1));
        expect(
            describePorts(
                effectivePorts(
                    closed,
                    zone(closed, "agent", "subnet-a", "sg-a", "10.0.1.0/24"),
                    zone(closed, "management", "subnet-m", "sg-m", "10.0.3.0/24"),
                ),
            ),
        ).toBe("");
    });

    it("a prefix list admits its entries: the plan's own by content, any other as every address", () => {
        const viaList = (id: string) => [
            open[0],
            res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "m-in-pl", {
                securityGroupId: "sg-m",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                prefixListId: id,
            }),
            res("aws:ec2/managedPrefixList:ManagedPrefixList", "own", {
                id: "pl-own",
                entries: [{ cidr: "10.0.2.0/24" }],
            }),
        ];
        const reach = (id: string) => {
            const net = network(viaList(id));
            return describePorts(
                effectivePorts(
                    net,
                    zone(net, "agent", "subnet-a", "sg-a", "10.0.1.0/24"),
                    zone(net, "management", "subnet-m", "sg-m", "10.0.3.0/24"),
                ),
            );
        };
        // An AWS-managed (or foreign) list: its contents are unknown to the plan.
        expect(reach("pl-6da54004")).toBe("tcp 443");
        // The plan's own list holds only the service segment: agents are not in it.
        expect(reach("pl-own")).toBe("");
    });

    it("is cut when the destination's ACL lets requests in but not replies out", () => {
        const net = network([
            ...open,
            res("aws:ec2/networkAcl:NetworkAcl", "acl-m", {
                id: "acl-m",
                subnetIds: ["subnet-m"],
                ingress: [rule(100, true, "10.0.0.0/16", "tcp", 22, 22)],
                egress: [rule(100, true, "10.0.0.0/16", "tcp", 443, 443)],
            }),
        ]);
        const ports = effectivePorts(
            net,
            zone(net, "agent", "subnet-a", "sg-a", "10.0.1.0/24"),
            zone(net, "management", "subnet-m", "sg-m", "10.0.3.0/24"),
        );
        expect(describePorts(ports)).toBe("");
    });
});

describe("paths to the internet", () => {
    it("through a NAT whose subnet routes to a firewall endpoint", () => {
        expect(internetPaths(network(), "subnet-a")).toEqual([
            { through: "firewall", detail: "0.0.0.0/0 → nat-1 → firewall endpoint vpce-fw", urn: "urn:default-a" },
        ]);
    });

    it("around the firewall when the NAT's subnet routes to the internet gateway", () => {
        const net = network([], { gatewayId: "igw-1" });
        expect(internetPaths(net, "subnet-a")).toEqual([
            {
                through: "bypass",
                detail: "0.0.0.0/0 → nat-1, whose subnet routes 0.0.0.0/0 to igw igw-1, not to a firewall endpoint",
                urn: "urn:default-a",
            },
        ]);
    });

    it("none when the subnet has no route out of the VPC", () => {
        expect(internetPaths(network(), "subnet-m")).toEqual([{ through: "none", detail: "no route to the internet" }]);
    });
});

it("address arithmetic subtracts ranges", () => {
    expect(minus(addrs(["10.0.0.0/16"]), addrs(["10.0.0.0/17"]))).toEqual(addrs(["10.0.128.0/17"]));
});
