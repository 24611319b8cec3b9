import { PolicyConfigSchema, PolicyResource } from "@pulumi/policy";
import { guide, SEGMENTS, SegmentName } from "../catalog";
import { networkDesign } from "../catalog/network";
import { segmentIntent } from "../catalog/flows";
import { contains, isCidr, overlaps } from "../lib/cidr";
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
} from "../lib/reachability";
import {
    asArray,
    asObject,
    asString,
    effectiveTags,
    environmentOf,
    environmentSchema,
    resourcePolicy,
    stackEnvironmentOf,
    stackPolicy,
} from "./lib";

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

type Props = Record<string, unknown>;
type Rec = Record<string, unknown>;

const PUBLIC_V4 = "0.0.0.0/0";
const PUBLIC_V6 = "::/0";
const rec = asObject;
const str = asString;
const num = (v: unknown): number | undefined =>
    typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;

/** Tags as a stack policy sees them (outputs carry tagsAll with the provider's default tags). */
function outputTags(props: Props): Record<string, string> {
    return { ...(rec(props.tags) as Record<string, string>), ...(rec(props.tagsAll) as Record<string, string>) };
}

// ---------------------------------------------------------------------------------------------------
// Security groups: nothing open to the internet but the ALB's group on 443 / 80.

const SG_TYPES = {
    group: "aws:ec2/securityGroup:SecurityGroup",
    defaultGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    legacyRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
};

interface Opening {
    protocol: string;
    from: number;
    to: number;
    cidr: string;
}

function describeOpening(o: Opening): string {
    const proto = o.protocol === "-1" || o.protocol === "all" ? "all protocols" : o.protocol;
    const ports = o.protocol === "-1" || o.protocol === "all" ? "all ports" : `ports ${o.from}-${o.to}`;
    return `${proto} ${ports} from ${o.cidr}`;
}

/** The ALB exception: TCP 443 or 80 exactly, on something tagged role=alb. */
function albException(o: Opening, role: string | undefined): boolean {
    const tcp = o.protocol === "tcp" || o.protocol === "6";
    const port = o.from === o.to && [networkDesign.ports.https, networkDesign.ports.http].includes(o.from as 443 | 80);
    return role === "alb" && tcp && port;
}

function publicCidrs(v4: unknown, v6: unknown): string[] {
    return [
        ...asArray(v4 as string | string[]).filter((c) => c === PUBLIC_V4),
        ...asArray(v6 as string | string[]).filter((c) => c === PUBLIC_V6),
    ];
}

export const noPublicIngress = resourcePolicy({
    name: "network-sg-no-public-ingress",
    description:
        "No security group admits 0.0.0.0/0 or ::/0, except the ALB's group (tag role=alb) on TCP 443 and 80 (redirect).",
    controls: ["PER-FW-INGRESS", "NET-SEG-AGENT", "NET-SEG-SERVICE", "NET-SEG-MGMT"],
    severity: "critical",
    types: Object.values(SG_TYPES),
    validate: (args, report) => {
        const props = args.props as Props;
        const role = effectiveTags(args)["role"];
        const openings: Opening[] = [];
        if (args.type === SG_TYPES.group || args.type === SG_TYPES.defaultGroup) {
            for (const entry of asArray(props.ingress as Rec[])) {
                const e = rec(entry);
                for (const cidr of publicCidrs(e.cidrBlocks, e.ipv6CidrBlocks)) {
                    openings.push({
                        protocol: String(e.protocol ?? "-1"),
                        from: num(e.fromPort) ?? 0,
                        to: num(e.toPort) ?? 65535,
                        cidr,
                    });
                }
            }
        } else if (args.type === SG_TYPES.ingressRule) {
            for (const cidr of publicCidrs(props.cidrIpv4, props.cidrIpv6)) {
                openings.push({
                    protocol: String(props.ipProtocol ?? "-1"),
                    from: num(props.fromPort) ?? 0,
                    to: num(props.toPort) ?? 65535,
                    cidr,
                });
            }
        } else if (props.type === "ingress") {
            for (const cidr of publicCidrs(props.cidrBlocks, props.ipv6CidrBlocks)) {
                const o = {
                    protocol: String(props.protocol ?? "-1"),
                    from: num(props.fromPort) ?? 0,
                    to: num(props.toPort) ?? 65535,
                    cidr,
                };
                // aws.ec2.SecurityGroupRule has no tags, so it can never be the ALB exception.
                report(
                    `[PER-FW-INGRESS] security group rule opens ${describeOpening(o)}; a SecurityGroupRule cannot carry the role=alb tag, use a tagged aws.vpc.SecurityGroupIngressRule for the ALB`,
                );
            }
            return;
        }
        for (const o of openings) {
            if (!albException(o, role)) {
                report(
                    `[PER-FW-INGRESS] security group ingress opens ${describeOpening(o)}; only the ALB's group (tag role=alb) may be open to the internet, on TCP 443 or 80`,
                );
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------
// Routing: segments never route to an internet gateway; management has no route out at all.

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

// ---------------------------------------------------------------------------------------------------
// Flow logs on every VPC.

export const vpcFlowLogs = stackPolicy({
    name: "network-vpc-flow-logs",
    description: "Every VPC has a flow log of ALL traffic.",
    controls: ["NET-FLOW-LOGS"],
    severity: "high",
    validate: (args, report) => {
        const logged = new Set(
            args.resources
                .filter((r) => r.type === "aws:ec2/flowLog:FlowLog" && r.props.trafficType === "ALL")
                .map((r) => str(r.props.vpcId)),
        );
        for (const vpc of args.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc")) {
            const id = str(vpc.props.id);
            // An id unknown during preview cannot be matched yet; the update's own check sees it.
            if (id && !logged.has(id)) {
                report(`VPC ${vpc.name} (${id}) has no flow log with trafficType ALL`, vpc.urn);
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------
// Load balancer listeners: TLS 1.3 only, HTTP only redirects.

export const listenerTls = resourcePolicy({
    name: "network-alb-listener-tls13",
    description:
        "HTTPS / TLS listeners use a TLS 1.3-only security policy (forward secrecy by construction); HTTP listeners only redirect to HTTPS with a 301.",
    controls: ["TLS-TRANSPORT", "TLS-IN-TRANSIT", "TLS-PFS"],
    severity: "high",
    types: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    validate: (args, report) => {
        const props = args.props as Props;
        // An ALB listener without `protocol` is HTTP (the provider's default); only Gateway Load Balancer
        // listeners have neither protocol nor port.
        const protocol = String(props.protocol ?? (props.port !== undefined ? "HTTP" : "")).toUpperCase();
        const port = props.port ?? "?";
        if (protocol === "HTTPS" || protocol === "TLS") {
            const policy = str(props.sslPolicy);
            if (!policy?.startsWith(networkDesign.tls13OnlyPolicyPrefix)) {
                const why = `${protocol} listener on port ${port} uses ${policy ?? "the API default ELBSecurityPolicy-2016-08"}; use a TLS 1.3-only policy (${networkDesign.tls13OnlyPolicyPrefix}*), e.g. ${networkDesign.albSslPolicy}`;
                // Below TLS 1.3 the listener breaks both the transport and the in-transit requirement; forward
                // secrecy holds only for the FS policies (ECDHE suites only), so any other policy breaks it too.
                report(`[TLS-TRANSPORT] ${why}`);
                report(`[TLS-IN-TRANSIT] ${why}`);
                if (!policy?.includes("-FS-")) {
                    report(`[TLS-PFS] ${why} (it may negotiate a key exchange without forward secrecy)`);
                }
            }
        } else if (protocol === "HTTP") {
            const actions = asArray(props.defaultActions as Rec[]).map(rec);
            const redirects =
                actions.length === 1 &&
                actions[0].type === "redirect" &&
                rec(actions[0].redirect).protocol === "HTTPS" &&
                rec(actions[0].redirect).statusCode === "HTTP_301";
            if (!redirects) {
                report(`[TLS-TRANSPORT] HTTP listener on port ${port} must only redirect to HTTPS (HTTP_301)`);
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------
// ALB hardening.

const LB_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const isApplication = (props: Props) => (str(props.loadBalancerType) ?? "application") === "application";
const isInternetFacingAlb = (r: PolicyResource) =>
    LB_TYPES.includes(r.type) && isApplication(r.props) && r.props.internal !== true;

export const albHardening = resourcePolicy({
    name: "network-alb-hardening",
    description:
        "Application load balancers drop invalid header fields, write access logs and, in prod, have deletion protection.",
    controls: ["PER-LB"],
    severity: "high",
    types: LB_TYPES,
    configSchema: environmentSchema,
    validate: (args, report) => {
        const props = args.props as Props;
        if (!isApplication(props)) {
            return;
        }
        if (props.dropInvalidHeaderFields !== true) {
            report("ALB does not drop invalid header fields (dropInvalidHeaderFields must be true)");
        }
        const logs = rec(props.accessLogs);
        if (logs.enabled !== true || !str(logs.bucket)) {
            report("ALB access logs are off (accessLogs needs a bucket and enabled: true)");
        }
        if (environmentOf(args) === "prod" && props.enableDeletionProtection !== true) {
            report("ALB has no deletion protection (enableDeletionProtection must be true in prod)");
        }
    },
});

// ---------------------------------------------------------------------------------------------------
// WAF on every internet-facing ALB, with the managed groups and the guide's rate limits; WAF logging.

const rate = guide.serviceMesh.rateLimiting;
const DEFAULT_WINDOW = 300;

function rateRules(acl: Props): Rec[] {
    return asArray(acl.rules as Rec[])
        .map(rec)
        .filter((r) => "block" in rec(r.action))
        .map((r) => rec(rec(r.statement).rateBasedStatement))
        .filter((s) => Object.keys(s).length > 0);
}

const perSecond = (s: Rec) => (num(s.limit) ?? 0) / (num(s.evaluationWindowSec) ?? DEFAULT_WINDOW);

export const albWaf = stackPolicy({
    name: "network-alb-waf",
    description: `Every internet-facing ALB is associated with a WAF web ACL holding the AWS managed groups (${networkDesign.wafManagedGroups.join(", ")}, none in count mode), a blocking global rate rule of ${rate.globalRps} rps (CONSTANT) and a per-agent one of ${rate.perAgentRps} rps (CUSTOM_KEYS on a header).`,
    controls: ["PER-WAF-RULES", "PER-DDOS"],
    severity: "critical",
    validate: (args, report) => {
        const aclArnOf = new Map<string, string>();
        for (const a of args.resources.filter((r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation")) {
            const lb = str(a.props.resourceArn);
            const acl = str(a.props.webAclArn);
            if (lb && acl) {
                aclArnOf.set(lb, acl);
            }
        }
        const acls = new Map(
            args.resources
                .filter((r) => r.type === "aws:wafv2/webAcl:WebAcl" && str(r.props.arn))
                .map((r) => [str(r.props.arn) as string, r]),
        );
        for (const lb of args.resources.filter(isInternetFacingAlb)) {
            const lbArn = str(lb.props.arn);
            if (!lbArn) {
                continue;
            }
            const aclArn = aclArnOf.get(lbArn);
            const acl = aclArn ? acls.get(aclArn) : undefined;
            if (!acl) {
                report(`[PER-WAF-RULES] internet-facing ALB ${lb.name} has no WAF web ACL association`, lb.urn);
                continue;
            }
            const groups = new Map<string, Rec>();
            for (const r of asArray(acl.props.rules as Rec[]).map(rec)) {
                const m = rec(rec(r.statement).managedRuleGroupStatement);
                if (m.vendorName === "AWS" && str(m.name)) {
                    groups.set(str(m.name) as string, r);
                }
            }
            const missing = networkDesign.wafManagedGroups.filter((g) => !groups.has(g));
            const ddosMissing = missing.filter((g) => g === "AWSManagedRulesAntiDDoSRuleSet");
            const wafMissing = missing.filter((g) => g !== "AWSManagedRulesAntiDDoSRuleSet");
            if (wafMissing.length > 0) {
                report(
                    `[PER-WAF-RULES] web ACL ${acl.name} lacks the managed rule groups ${wafMissing.join(", ")}`,
                    acl.urn,
                );
            }
            if (ddosMissing.length > 0) {
                report(
                    `[PER-DDOS] web ACL ${acl.name} lacks the managed rule group ${ddosMissing.join(", ")}`,
                    acl.urn,
                );
            }
            const counting = [...groups.entries()].filter(([, r]) => "count" in rec(r.overrideAction)).map(([g]) => g);
            if (counting.length > 0) {
                report(
                    `[PER-WAF-RULES] web ACL ${acl.name} runs managed groups in count mode: ${counting.join(", ")}`,
                    acl.urn,
                );
            }
            const rates = rateRules(acl.props);
            const global = rates.some((s) => s.aggregateKeyType === "CONSTANT" && perSecond(s) === rate.globalRps);
            if (!global) {
                report(
                    `[PER-DDOS] web ACL ${acl.name} has no blocking CONSTANT rate rule of ${rate.globalRps} rps (limit = rps × evaluationWindowSec)`,
                    acl.urn,
                );
            }
            const perAgent = rates.some(
                (s) =>
                    s.aggregateKeyType === "CUSTOM_KEYS" &&
                    asArray(s.customKeys as Rec[]).some((k) => str(rec(rec(k).header).name)) &&
                    perSecond(s) === rate.perAgentRps,
            );
            if (!perAgent) {
                report(
                    `[PER-DDOS] web ACL ${acl.name} has no blocking per-agent rate rule (CUSTOM_KEYS on a header) of ${rate.perAgentRps} rps`,
                    acl.urn,
                );
            }
        }
    },
});

export const wafLogging = stackPolicy({
    name: "network-waf-logging",
    description: "Every WAF web ACL has a logging configuration.",
    controls: ["PER-WAF-RULES"],
    severity: "high",
    validate: (args, report) => {
        const logged = new Set(
            args.resources
                .filter((r) => r.type === "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
                .map((r) => str(r.props.resourceArn)),
        );
        for (const acl of args.resources.filter((r) => r.type === "aws:wafv2/webAcl:WebAcl")) {
            const arn = str(acl.props.arn);
            if (arn && !logged.has(arn)) {
                report(`web ACL ${acl.name} has no logging configuration`, acl.urn);
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------
// Network Firewall: strict order, managed threat signatures, drop.

const DROP_DEFAULTS = ["aws:drop_strict", "aws:drop_established", "aws:drop_established_app_layer"];

export const firewallPolicy = resourcePolicy({
    name: "network-firewall-policy",
    description: `Network Firewall policies evaluate in STRICT_ORDER, forward all stateless traffic to the stateful engine, drop by default and reference the AWS-managed threat-signature groups ${networkDesign.firewallManagedGroups.join(", ")} (auto-updated); prod keeps their drop actions (no DROP_TO_ALERT).`,
    controls: ["IDS-SIGNATURE", "IDS-AUTO-UPDATE", "IPS-PREVENT", "PER-FW-EGRESS"],
    severity: "critical",
    types: ["aws:networkfirewall/firewallPolicy:FirewallPolicy"],
    configSchema: environmentSchema,
    validate: (args, report) => {
        const fp = rec((args.props as Props).firewallPolicy);
        const order = str(rec(fp.statefulEngineOptions).ruleOrder) ?? "DEFAULT_ACTION_ORDER";
        if (order !== "STRICT_ORDER") {
            report(`[IDS-SIGNATURE] firewall policy rule order is ${order}; use STRICT_ORDER`);
        }
        const stateless = asArray(fp.statelessDefaultActions as string[]);
        if (!stateless.includes("aws:forward_to_sfe")) {
            report(
                `[PER-FW-EGRESS] stateless default actions (${stateless.join(", ") || "none"}) do not forward to the stateful engine (aws:forward_to_sfe)`,
            );
        }
        const defaults = asArray(fp.statefulDefaultActions as string[]);
        if (!defaults.some((a) => DROP_DEFAULTS.includes(a))) {
            report(`[IPS-PREVENT] stateful default actions (${defaults.join(", ") || "none"}) do not drop`);
        }
        const refs = asArray(fp.statefulRuleGroupReferences as Rec[]).map(rec);
        const managedName = (r: Rec) => str(r.resourceArn)?.match(/:aws-managed:stateful-rulegroup\/(.+)$/)?.[1];
        const present = new Set(refs.map(managedName).filter((n): n is string => !!n));
        const missing = networkDesign.firewallManagedGroups.filter((g) => !present.has(g));
        if (missing.length > 0) {
            report(
                `[IDS-AUTO-UPDATE] firewall policy lacks the AWS-managed threat-signature groups ${missing.join(", ")}`,
            );
        }
        if (environmentOf(args) === "prod") {
            const alerting = refs
                .filter((r) => rec(r.override).action === "DROP_TO_ALERT")
                .map((r) => managedName(r) ?? str(r.resourceArn) ?? "?");
            if (alerting.length > 0) {
                report(`[IPS-PREVENT] managed groups overridden to DROP_TO_ALERT in prod: ${alerting.join(", ")}`);
            }
        }
    },
});

export const firewallLogging = stackPolicy({
    name: "network-firewall-logging",
    description: "Every Network Firewall logs ALERT and FLOW records.",
    controls: ["IDS-SIGNATURE"],
    severity: "high",
    validate: (args, report) => {
        const types = new Map<string, Set<string>>();
        for (const l of args.resources.filter(
            (r) => r.type === "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
        )) {
            const arn = str(l.props.firewallArn);
            const configs = asArray(rec(l.props.loggingConfiguration).logDestinationConfigs as Rec[]).map(rec);
            if (arn) {
                types.set(arn, new Set(configs.map((c) => String(c.logType))));
            }
        }
        for (const fw of args.resources.filter((r) => r.type === "aws:networkfirewall/firewall:Firewall")) {
            const arn = str(fw.props.arn);
            if (!arn) {
                continue;
            }
            const missing = ["ALERT", "FLOW"].filter((t) => !types.get(arn)?.has(t));
            if (missing.length > 0) {
                report(`network firewall ${fw.name} does not log ${missing.join(" and ")}`, fw.urn);
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------
// GuardDuty (behavioral detection) and Shield Advanced (prod).

export const guardDuty = stackPolicy({
    name: "network-guardduty",
    description:
        "The stack has an enabled GuardDuty detector with EKS_AUDIT_LOGS and RUNTIME_MONITORING (EKS_ADDON_MANAGEMENT) enabled.",
    controls: ["IPS-BEHAVIORAL"],
    severity: "high",
    validate: (args, report) => {
        const detectors = args.resources.filter(
            (r) => r.type === "aws:guardduty/detector:Detector" && r.props.enable !== false,
        );
        if (detectors.length === 0) {
            report("the stack has no enabled GuardDuty detector");
            return;
        }
        const features = args.resources.filter(
            (r) => r.type === "aws:guardduty/detectorFeature:DetectorFeature" && r.props.status === "ENABLED",
        );
        for (const d of detectors) {
            const id = str(d.props.id);
            if (!id) {
                continue;
            }
            const mine = features.filter((f) => f.props.detectorId === id);
            if (!mine.some((f) => f.props.name === "EKS_AUDIT_LOGS")) {
                report(`GuardDuty detector ${id} does not enable EKS_AUDIT_LOGS`, d.urn);
            }
            const runtime = mine.find((f) => f.props.name === "RUNTIME_MONITORING");
            const addon = asArray(runtime?.props.additionalConfigurations as Rec[])
                .map(rec)
                .some((c) => c.name === "EKS_ADDON_MANAGEMENT" && c.status === "ENABLED");
            if (!addon) {
                report(`GuardDuty detector ${id} does not enable RUNTIME_MONITORING with EKS_ADDON_MANAGEMENT`, d.urn);
            }
        }
    },
});

export const shieldAlb = stackPolicy({
    name: "network-shield-alb",
    description: "In prod, every internet-facing ALB is protected by Shield Advanced.",
    controls: ["PER-DDOS"],
    severity: "high",
    configSchema: environmentSchema,
    validate: (args, report) => {
        if (stackEnvironmentOf(args) !== "prod") {
            return;
        }
        const protectedArns = new Set(
            args.resources
                .filter((r) => r.type === "aws:shield/protection:Protection")
                .map((r) => str(r.props.resourceArn)),
        );
        for (const lb of args.resources.filter(isInternetFacingAlb)) {
            const arn = str(lb.props.arn);
            if (arn && !protectedArns.has(arn)) {
                report(`internet-facing ALB ${lb.name} has no Shield Advanced protection (required in prod)`, lb.urn);
            }
        }
    },
});

// ---------------------------------------------------------------------------------------------------
// Effective reachability (lib/reachability.ts): security groups ∩ network ACLs ∩ routes ∩ the firewall.

const reachabilitySchema: PolicyConfigSchema = {
    properties: {
        ...segmentSchema.properties,
        // No default: unset means "the stack's own adminCidrs" (stackAdminCidrs).
        adminCidrs: { type: "array", items: { type: "string" } },
    },
};

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

/**
 * The stack's declared admin CIDRs (its `adminCidrs` config key), as the Pulumi nodejs host hands a policy pack
 * the stack's config: PULUMI_CONFIG, a JSON map of `<project>:<key>` to string. [] when absent or unreadable.
 */
function stackAdminCidrs(): string[] {
    try {
        const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, unknown>;
        const entry = Object.entries(config).find(([k]) => k.endsWith(":adminCidrs"))?.[1];
        const value: unknown = typeof entry === "string" ? JSON.parse(entry) : entry;
        return Array.isArray(value) ? value.filter((c): c is string => typeof c === "string") : [];
    } catch {
        return [];
    }
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
    configSchema: reachabilitySchema,
    validate: (args, report) => {
        const net = buildNetwork(args.resources);
        if (net.vpcCidrs.length === 0) {
            return;
        }
        const segments = segmentsOf(args);
        const admin = addrs(args.getConfig<{ adminCidrs?: string[] }>().adminCidrs ?? stackAdminCidrs());
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

export const networkPolicies = [
    subnetsInSegment,
    noPublicIngress,
    segmentRoutes,
    vpcFlowLogs,
    listenerTls,
    albHardening,
    albWaf,
    wafLogging,
    firewallPolicy,
    firewallLogging,
    guardDuty,
    shieldAlb,
    segmentReachability,
];
