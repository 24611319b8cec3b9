import { SegmentName } from "../../policy-pack/catalog";
import { networkDesign } from "../../policy-pack/catalog/network";
import { segmentCidrs } from "../config";
import { PerimeterPlan } from "./cidrs";

const ports = networkDesign.ports;
const ANYWHERE = "0.0.0.0/0";

/** One security group rule, as data (the component turns it into aws.vpc.SecurityGroup{In,E}gressRule). */
export interface SgRule {
    group: SegmentName | "endpoints";
    direction: "ingress" | "egress";
    /** "tcp", "udp" or "-1" (all). */
    protocol: string;
    fromPort: number;
    toPort: number;
    peer: { kind: "cidr"; cidr: string } | { kind: "group"; group: SegmentName | "endpoints" };
    description: string;
    /** Unique within group + direction; part of the logical name. */
    key: string;
}

/** The stack config the access-level rules read. */
export interface AccessRulesConfig {
    agentSegmentCidr: string;
    serviceSegmentCidr: string;
    managementSegmentCidr: string;
    /** Administrators' CIDRs: the only sources the management segment admits besides itself. */
    adminCidrs: string[];
    /** Non-empty when the deploy runner (management segment egress) exists. */
    deployRunnerRepository: string;
}

function slug(cidr: string): string {
    return cidr.replace(/[./]/g, "-");
}

/**
 * Security group rules of the access levels. Segments are addressed by CIDR (the segmentation is by CIDR,
 * and CIDR peers avoid cycles between groups). The ALB → service rule is added by the Perimeter.
 * The EKS control plane's ENIs belong in the service subnets (they reach kubelets on 10250).
 */
export function segmentSecurityRules(cfg: Omit<AccessRulesConfig, "deployRunnerRepository">): SgRule[] {
    const seg = segmentCidrs(cfg);
    const rules: SgRule[] = [];
    const add = (
        group: SgRule["group"],
        direction: SgRule["direction"],
        protocol: string,
        port: number | [number, number] | "all",
        cidr: string,
        description: string,
        peerName: string,
    ) => {
        const [fromPort, toPort] = port === "all" ? [0, 0] : typeof port === "number" ? [port, port] : port;
        const portKey = port === "all" ? "all" : fromPort === toPort ? `${fromPort}` : `${fromPort}-${toPort}`;
        rules.push({
            group,
            direction,
            protocol,
            fromPort,
            toPort,
            peer: { kind: "cidr", cidr },
            description,
            key: `${peerName}-${protocol === "-1" ? "any" : protocol}-${portKey}`,
        });
    };

    // agent (restricted): mesh/service ports to the service segment and to other agents, DNS to CoreDNS,
    // HTTPS/HTTP out (NAT, then the firewall's allow-list). Nothing to management.
    for (const p of ports.agentToService) {
        add("agent", "ingress", "tcp", p, seg.agent, `mesh ${p} from agents`, "agent");
        add("agent", "egress", "tcp", p, seg.agent, `mesh ${p} to agents`, "agent");
        add("agent", "egress", "tcp", p, seg.service, `mesh/service ${p} to the service segment`, "service");
    }
    add("agent", "ingress", "tcp", 10250, seg.service, "kubelet from the EKS control plane ENIs", "service");
    add("agent", "egress", "udp", ports.dns, seg.service, "DNS to CoreDNS", "service");
    add("agent", "egress", "tcp", ports.dns, seg.service, "DNS (TCP) to CoreDNS", "service");
    add("agent", "egress", "tcp", ports.https, ANYWHERE, "HTTPS out through NAT and the firewall", "internet");
    add("agent", "egress", "tcp", ports.http, ANYWHERE, "HTTP out through NAT and the firewall", "internet");

    // service (internal): from agents on the service ports, from management and itself on anything.
    for (const p of ports.agentToService) {
        add("service", "ingress", "tcp", p, seg.agent, `mesh/service ${p} from agents`, "agent");
    }
    add("service", "ingress", "udp", ports.dns, seg.agent, "DNS from agents", "agent");
    add("service", "ingress", "tcp", ports.dns, seg.agent, "DNS (TCP) from agents", "agent");
    add("service", "ingress", "-1", "all", seg.management, "administration from the management segment", "mgmt");
    add("service", "ingress", "-1", "all", seg.service, "within the service segment", "service");
    add("service", "egress", "-1", "all", seg.service, "within the service segment", "service");
    add("service", "egress", "-1", "all", seg.agent, "to agents (kubelet, mesh)", "agent");
    add("service", "egress", "tcp", ports.https, ANYWHERE, "HTTPS out through NAT and the firewall", "internet");
    add("service", "egress", "tcp", ports.http, ANYWHERE, "HTTP out through NAT and the firewall", "internet");

    // management (admin_only): the admin CIDRs on the admin ports; no agent rule at all.
    for (const cidr of cfg.adminCidrs) {
        for (const p of networkDesign.adminPorts) {
            add("management", "ingress", "tcp", p, cidr, `admin ${p} from ${cidr}`, `admin-${slug(cidr)}`);
        }
    }
    add("management", "ingress", "-1", "all", seg.management, "within the management segment", "mgmt");
    add("management", "egress", "-1", "all", seg.management, "within the management segment", "mgmt");
    add("management", "egress", "-1", "all", seg.service, "to services, the EKS API and VPC endpoints", "service");

    // VPC interface endpoints: HTTPS from every segment, no egress.
    for (const [segment, cidr] of Object.entries(seg)) {
        add("endpoints", "ingress", "tcp", ports.https, cidr, `HTTPS from the ${segment} segment`, segment);
    }
    return rules;
}

/** A network ACL entry as aws.ec2.NetworkAcl's inline `ingress` / `egress` take it. */
export interface AclEntry {
    ruleNo: number;
    action: "allow" | "deny";
    protocol: string;
    fromPort: number;
    toPort: number;
    cidrBlock: string;
}

type Entry = Omit<AclEntry, "ruleNo">;

const all = (action: "allow" | "deny", cidrBlock: string): Entry => ({
    action,
    protocol: "-1",
    fromPort: 0,
    toPort: 0,
    cidrBlock,
});
const tcp = (cidrBlock: string, from: number, to = from): Entry => ({
    action: "allow",
    protocol: "tcp",
    fromPort: from,
    toPort: to,
    cidrBlock,
});
const udp = (cidrBlock: string, from: number, to = from): Entry => ({
    action: "allow",
    protocol: "udp",
    fromPort: from,
    toPort: to,
    cidrBlock,
});
const numbered = (entries: Entry[]): AclEntry[] => entries.map((e, i) => ({ ruleNo: 100 + i * 10, ...e }));

/**
 * Stateless subnet-edge rules per segment (in order; the implicit last rule denies). Return traffic needs
 * the ephemeral range explicitly. NACLs don't filter the VPC resolver (VPC+2), so DNS to it needs no rule.
 */
export function networkAcls(
    cfg: AccessRulesConfig,
    plan: PerimeterPlan,
): Record<SegmentName, { ingress: AclEntry[]; egress: AclEntry[] }> {
    const seg = segmentCidrs(cfg);
    const eph = [ports.ephemeral.from, ports.ephemeral.to] as const;
    const deployRunner = cfg.deployRunnerRepository !== "";
    return {
        agent: {
            ingress: numbered([
                all("allow", seg.agent),
                all("deny", seg.management),
                tcp(seg.service, ...eph),
                udp(seg.service, ...eph),
                tcp(ANYWHERE, ...eph),
            ]),
            egress: numbered([
                all("allow", seg.agent),
                all("deny", seg.management),
                ...ports.agentToService.map((p) => tcp(seg.service, p)),
                tcp(seg.service, ports.dns),
                udp(seg.service, ports.dns),
                tcp(seg.service, ...eph),
                tcp(ANYWHERE, ports.https),
                tcp(ANYWHERE, ports.http),
            ]),
        },
        service: {
            ingress: numbered([
                all("allow", seg.service),
                all("allow", seg.agent),
                all("allow", seg.management),
                tcp(plan.publicBlock, ports.ingressGatewayNodePort),
                tcp(plan.publicBlock, ports.ingressGatewayHealthNodePort),
                tcp(ANYWHERE, ...eph),
            ]),
            egress: numbered([
                all("allow", seg.service),
                all("allow", seg.agent),
                tcp(seg.management, ...eph),
                udp(seg.management, ...eph),
                tcp(plan.publicBlock, ...eph),
                tcp(ANYWHERE, ports.https),
                tcp(ANYWHERE, ports.http),
            ]),
        },
        management: {
            ingress: numbered([
                all("deny", seg.agent),
                all("allow", seg.management),
                ...cfg.adminCidrs.flatMap((cidr) => networkDesign.adminPorts.map((p) => tcp(cidr, p))),
                tcp(seg.service, ...eph),
                udp(seg.service, ...eph),
                // Replies to the deploy runner's HTTPS connections (security groups stay stateful and closed).
                ...(deployRunner ? [tcp(ANYWHERE, ...eph)] : []),
            ]),
            egress: numbered([
                all("deny", seg.agent),
                all("allow", seg.management),
                all("allow", seg.service),
                ...cfg.adminCidrs.map((cidr) => tcp(cidr, ...eph)),
                // The deploy runner: HTTPS out through its NAT gateway and the firewall's deploy allow-list.
                ...(deployRunner ? [tcp(ANYWHERE, ports.https)] : []),
            ]),
        },
    };
}
