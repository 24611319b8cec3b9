import { guide } from "./guide";
import { Control } from "./types";

const seg = guide.infrastructureSecurity.segmentation;
const mon = guide.infrastructureSecurity.monitoring;
const rate = guide.serviceMesh.rateLimiting;

/**
 * Network design values the components build and the policies check, written once. They are not guide
 * numbers (those live in guide.ts) but choices made to implement the guide on AWS.
 */
export const networkDesign = {
    /** The VPC around the guide's three segments (10.0.1-3.0/24): the stack's vpcCidr default. */
    vpcCidr: "10.0.0.0/16",
    ports: {
        https: 443,
        http: 80,
        ssh: 22,
        dns: 53,
        /**
         * The port agents serve each other on inside the mesh (the sidecars' mTLS rides on it): the only port
         * the coordinator admits from other agent namespaces, and the only one agents open to it.
         */
        agentMesh: 8443,
        /** TCP ports agents may open to the service segment and to each other: HTTPS (EKS API, VPC
         * endpoints), the mesh's TLS application port, HBONE and istiod (xDS + CA). */
        agentToService: [443, 8443, 15008, 15012],
        /**
         * The Istio ingress gateway's Service is a NodePort with these fixed node ports (Kubernetes' default
         * range 30000-32767): HTTPS (Service port 443) and the readiness port 15021. The ALB's target group
         * registers the service nodes (target type instance) on them; no in-cluster controller is needed.
         */
        ingressGatewayNodePort: 30443,
        ingressGatewayHealthNodePort: 31021,
        /** Return traffic of stateless network ACLs. */
        ephemeral: { from: 1024, to: 65535 },
    },
    /** The widest admin CIDR a stack may declare (a /16): wider is no longer "the administrators' networks". */
    adminCidrWidestPrefix: 16,
    /** Ports administrators reach the management segment on from cfg.adminCidrs. */
    adminPorts: [22, 443],
    /** Subnet sizes carved outside the three segment /24s (see components/network/cidrs.ts). */
    publicSubnetPrefix: 26,
    firewallSubnetPrefix: 28,
    /** TLS 1.3 only, hybrid post-quantum key exchange; TLS 1.3 has only (EC)DHE key exchange, so PFS. */
    albSslPolicy: "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    /** Listener policies that negotiate TLS 1.3 only. */
    tls13OnlyPolicyPrefix: "ELBSecurityPolicy-TLS13-1-3-",
    wafManagedGroups: [
        "AWSManagedRulesAntiDDoSRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
    ],
    /**
     * WAF rate rules count requests per evaluation window; the guide gives requests per second. The limit is
     * rps × window (60 s, the shortest window, so a burst is cut within a minute).
     */
    wafRateWindowSec: 60,
    /** Paths exempt from the WAF's agent-identifier requirement: the OAuth2 sign-in flow of human users. */
    wafAgentIdExemptPathPrefix: "/oauth2/",
    /** AWS-managed Network Firewall threat-signature groups (Suricata; AWS updates them automatically). */
    firewallManagedGroups: [
        "ThreatSignaturesBotnetStrictOrder",
        "ThreatSignaturesMalwareStrictOrder",
        "ThreatSignaturesEmergingEventsStrictOrder",
        "AbusedLegitMalwareDomainsStrictOrder",
    ],
    /**
     * VPC interface endpoints, so nodes, SSM and pods reach AWS APIs without the internet (the workload allow-list
     * holds no .amazonaws.com; network-workload-apis-reachable checks pod roles' services against this list).
     */
    interfaceEndpoints: [
        "sts",
        "ecr.api",
        "ecr.dkr",
        "logs",
        "kms",
        "ssm",
        "ssmmessages",
        "ec2messages",
        "eks",
        "eks-auth",
        // CloudWatch metrics (PutMetricData by the agents and the monitoring agent).
        "monitoring",
        "sns",
        "secretsmanager",
        "elasticloadbalancing",
        "autoscaling",
        "ec2",
    ],
} as const;

/** WAF rate-based limit for a requests-per-second figure. */
export function wafRateLimit(rps: number, windowSec: number = networkDesign.wafRateWindowSec): number {
    return rps * windowSec;
}

const np = "infrastructure_security.network_protection";
const firewalls = `${np}.perimeter.firewalls`;

export const networkControls: Control[] = [
    {
        id: "NET-SEG-AGENT",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.segmentation.networks[agent_network].cidr",
        requirement: `Agent workloads live in ${seg.agent.cidr} with ${seg.agent.access} access: only mesh / service ports to the service segment, egress only through the firewall.`,
        iso27001: ["A.8.20", "A.8.22"],
        soc2: ["CC6.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "NET-SEG-SERVICE",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.segmentation.networks[service_network].cidr",
        requirement: `Shared services live in ${seg.service.cidr} with ${seg.service.access} access: reachable from the agent and management segments only.`,
        iso27001: ["A.8.20", "A.8.22"],
        soc2: ["CC6.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "NET-SEG-MGMT",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.segmentation.networks[management_network].cidr",
        requirement: `Administration lives in ${seg.management.cidr} with ${seg.management.access} access: only from the configured admin CIDRs / SSM, never from agents.`,
        iso27001: ["A.8.20", "A.8.22", "A.8.2"],
        soc2: ["CC6.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "NET-FLOW-LOGS",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.monitoring.ips.type",
        requirement:
            "Every VPC records flow logs of ALL traffic (accepted and rejected) to the security log group, the raw material of network monitoring.",
        iso27001: ["A.8.15", "A.8.16"],
        soc2: ["CC7.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "PER-FW-INGRESS",
        section: "infrastructure_security",
        guidePath: `${firewalls}[network].rules[ingress_rules]`,
        requirement:
            "Inbound internet traffic passes the network firewall, which admits only HTTPS/HTTP to the load balancer; no security group is open to the internet except the ALB's on 443 (and 80 to redirect).",
        iso27001: ["A.8.20", "A.8.21"],
        soc2: ["CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "PER-FW-EGRESS",
        section: "infrastructure_security",
        guidePath: `${firewalls}[network].rules[egress_rules]`,
        requirement:
            "Outbound internet traffic leaves only through NAT and the network firewall, whose domain allow-list (TLS SNI / HTTP Host) drops everything else; no segment routes to the internet gateway.",
        iso27001: ["A.8.20", "A.8.21", "A.8.23"],
        soc2: ["CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "PER-LB",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.perimeter.firewalls[network].rules[ingress_rules]",
        requirement:
            "The perimeter load balancer (FW → WAF → LB) drops invalid headers, writes access logs and, in prod, is protected from deletion.",
        iso27001: ["A.8.20", "A.8.15"],
        soc2: ["CC6.6", "A1.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "PER-WAF-RULES",
        section: "infrastructure_security",
        guidePath: `${firewalls}[application].rules[waf_rules]`,
        requirement: `Every internet-facing ALB has a WAF web ACL with the AWS common, known-bad-inputs, SQLi and IP-reputation groups, an incident-response IP block list, and logging.`,
        iso27001: ["A.8.20", "A.8.26"],
        soc2: ["CC6.6", "CC7.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "PER-DDOS",
        section: "infrastructure_security",
        guidePath: `${firewalls}[application].rules[ddos_protection]`,
        requirement: `Layer-7 DDoS protection: the WAF anti-DDoS group, a global rate limit of ${rate.globalRps} rps, ${rate.perAgentRps} rps per source address, and ${rate.perAgentRps} rps per value of the agent-id header (unauthenticated: any client sets it, so it is per header value, not per agent; the authenticated per-agent limit is in the mesh, on the mTLS identity); Shield Advanced protects the ALB in prod.`,
        iso27001: ["A.8.20", "A.5.30"],
        soc2: ["CC6.6", "A1.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "IDS-SIGNATURE",
        section: "infrastructure_security",
        guidePath: `${np}.monitoring.ids.type`,
        requirement: `IDS is ${mon.ids.type}: the network firewall runs AWS-managed Suricata threat-signature groups in strict order, alerts logged to the firewall log group.`,
        iso27001: ["A.8.16", "A.8.7"],
        soc2: ["CC7.1", "CC7.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "IDS-AUTO-UPDATE",
        section: "infrastructure_security",
        guidePath: `${np}.monitoring.ids.updates`,
        requirement: `Signature updates are ${mon.ids.updates}: only AWS-managed groups (updated by AWS) are referenced, never a pinned copy.`,
        iso27001: ["A.8.16", "A.8.8"],
        soc2: ["CC7.1"],
        how: { kind: "infrastructure" },
    },
    {
        id: "IPS-BEHAVIORAL",
        section: "infrastructure_security",
        guidePath: `${np}.monitoring.ips.type`,
        requirement: `IPS is ${mon.ips.type}: GuardDuty (ML / anomaly detection over flow logs, DNS, EKS audit logs and runtime) is enabled with EKS audit-log and runtime monitoring.`,
        iso27001: ["A.8.16"],
        soc2: ["CC7.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "IPS-PREVENT",
        section: "infrastructure_security",
        guidePath: `${np}.monitoring.ips.mode`,
        requirement: `IPS mode is ${mon.ips.mode}: the firewall's stateful default action drops and managed signature groups keep their drop actions (no DROP_TO_ALERT override in prod).`,
        iso27001: ["A.8.20", "A.8.16"],
        soc2: ["CC6.6", "CC7.2"],
        how: { kind: "infrastructure" },
    },
    {
        id: "TLS-TRANSPORT",
        section: "message_security",
        guidePath: "message_security.encryption.transport.protocol",
        requirement: `Transport protocol ${guide.messageSecurity.transportProtocol}: every HTTPS listener uses a TLS 1.3-only policy; plain HTTP only redirects (301) to HTTPS.`,
        iso27001: ["A.8.24", "A.5.14"],
        soc2: ["CC6.7"],
        how: { kind: "infrastructure" },
    },
    {
        id: "TLS-IN-TRANSIT",
        section: "data_protection",
        guidePath: "data_protection.encryption.in_transit.method",
        requirement: `Data in transit is encrypted with ${guide.dataProtection.inTransit.method} wherever the stack controls the protocol: the ALB listener (${networkDesign.albSslPolicy}), the ALB → ingress gateway hop (gateway minProtocolVersion TLSV1_3; the ALB's back-end policy for TLS 1.3 listeners, ELBSecurityPolicy-TLS13-1-0-2021-06, then negotiates 1.3) and the mesh (minimum TLS 1.3, MESH-MTLS-CIPHERS). AWS API endpoints set their own TLS versions.`,
        iso27001: ["A.8.24"],
        soc2: ["CC6.7"],
        how: { kind: "infrastructure" },
    },
    {
        id: "TLS-PFS",
        section: "data_protection",
        guidePath: "data_protection.encryption.in_transit.perfect_forward_secrecy",
        requirement:
            "Perfect forward secrecy: TLS 1.3-only listener policies admit only ephemeral (EC)DHE / ML-KEM key exchange, never static RSA.",
        iso27001: ["A.8.24"],
        soc2: ["CC6.7"],
        how: { kind: "infrastructure" },
    },
    {
        id: "NET-DEPLOY-PATH",
        section: "infrastructure_security",
        guidePath: `${np}.segmentation.networks[management_network].access`,
        requirement:
            "A private (or CIDR-restricted) EKS API is deployed from inside the VPC: a CI runner in the admin_only management segment, admitted by the cluster's security group on 443, with internet egress only through the firewall's deploy allow-list.",
        iso27001: ["A.8.20", "A.8.32"],
        soc2: ["CC8.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "NET-POD-CAPACITY",
        section: "infrastructure_security",
        // The node groups live in the agent and service segments: their /24s must hold the pods.
        guidePath: `${np}.segmentation.networks[agent_network].cidr`,
        requirement:
            "Each segment subnet holds the addresses its node groups can take at their maximum plus a rolling update (instance ENI limits × the VPC CNI's per-node bound), so scaling and updates stay inside the guide's segments; kubelet's maxPods on every node group stays within the pod addresses the CNI can give one node.",
        iso27001: ["A.8.6", "A.8.20"],
        soc2: ["A1.1"],
        how: { kind: "infrastructure" },
    },
];
