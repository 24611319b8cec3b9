import {
    albHardening,
    albWaf,
    firewallLogging,
    firewallPolicy,
    guardDuty,
    listenerTls,
    noPublicIngress,
    segmentRoutes,
    shieldAlb,
    vpcFlowLogs,
    wafLogging,
} from "../../policy-pack/policies/network";
import { StackResourceCase, validateResource, validateStack } from "../harness/policy";

type Rec = Record<string, unknown>;
const prodProvider = {
    type: "pulumi:providers:aws",
    props: { defaultTags: JSON.stringify({ tags: { environment: "prod" } }) },
};
const devProvider = {
    type: "pulumi:providers:aws",
    props: { defaultTags: JSON.stringify({ tags: { environment: "dev" } }) },
};
const stackProvider = (env: string): StackResourceCase => ({
    type: "pulumi:providers:aws",
    name: "aws",
    props: { defaultTags: JSON.stringify({ tags: { environment: env } }) },
});

describe("network-sg-no-public-ingress (PER-FW-INGRESS, NET-SEG-AGENT, NET-SEG-SERVICE, NET-SEG-MGMT)", () => {
    const SG = "aws:ec2/securityGroup:SecurityGroup";
    const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const LEGACY = "aws:ec2/securityGroupRule:SecurityGroupRule";
    const albRule = (over: Rec = {}) => ({
        securityGroupId: "sg-1",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        tags: { role: "alb" },
        ...over,
    });

    it("passes the ALB's tagged 443 and 80 rules and private CIDRs anywhere", () => {
        expect(validateResource(noPublicIngress, { type: RULE, props: albRule() })).toEqual([]);
        expect(validateResource(noPublicIngress, { type: RULE, props: albRule({ fromPort: 80, toPort: 80 }) })).toEqual(
            [],
        );
        expect(
            validateResource(noPublicIngress, {
                type: RULE,
                props: albRule({ tags: {}, cidrIpv4: "10.0.1.0/24", fromPort: 22, toPort: 22 }),
            }),
        ).toEqual([]);
        expect(
            validateResource(noPublicIngress, {
                type: SG,
                props: {
                    tags: { role: "alb" },
                    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
                },
            }),
        ).toEqual([]);
    });

    it("fails a public rule on an untagged group", () => {
        expect(validateResource(noPublicIngress, { type: RULE, props: albRule({ tags: { role: "agent" } }) })).toEqual([
            "[PER-FW-INGRESS] security group ingress opens tcp ports 443-443 from 0.0.0.0/0; only the ALB's group (tag role=alb) may be open to the internet, on TCP 443 or 80",
        ]);
    });

    it("fails the ALB on another port, and IPv6 ::/0", () => {
        expect(validateResource(noPublicIngress, { type: RULE, props: albRule({ fromPort: 22, toPort: 22 }) })).toEqual(
            [
                "[PER-FW-INGRESS] security group ingress opens tcp ports 22-22 from 0.0.0.0/0; only the ALB's group (tag role=alb) may be open to the internet, on TCP 443 or 80",
            ],
        );
        expect(
            validateResource(noPublicIngress, {
                type: RULE,
                props: albRule({
                    cidrIpv4: undefined,
                    cidrIpv6: "::/0",
                    ipProtocol: "-1",
                    fromPort: undefined,
                    toPort: undefined,
                }),
            }),
        ).toEqual([
            "[PER-FW-INGRESS] security group ingress opens all protocols all ports from ::/0; only the ALB's group (tag role=alb) may be open to the internet, on TCP 443 or 80",
        ]);
    });

    it("fails inline ingress on a security group", () => {
        expect(
            validateResource(noPublicIngress, {
                type: SG,
                props: {
                    tags: { segment: "management" },
                    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.9.0.0/16", "0.0.0.0/0"] }],
                },
            }),
        ).toEqual([
            "[PER-FW-INGRESS] security group ingress opens tcp ports 22-22 from 0.0.0.0/0; only the ALB's group (tag role=alb) may be open to the internet, on TCP 443 or 80",
        ]);
    });

    it("fails a public aws.ec2.SecurityGroupRule (it cannot carry the ALB tag); egress rules pass", () => {
        const legacy = {
            type: "ingress",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
            securityGroupId: "sg-1",
        };
        expect(validateResource(noPublicIngress, { type: LEGACY, props: legacy })).toEqual([
            "[PER-FW-INGRESS] security group rule opens tcp ports 443-443 from 0.0.0.0/0; a SecurityGroupRule cannot carry the role=alb tag, use a tagged aws.vpc.SecurityGroupIngressRule for the ALB",
        ]);
        expect(validateResource(noPublicIngress, { type: LEGACY, props: { ...legacy, type: "egress" } })).toEqual([]);
    });
});

describe("network-segment-no-igw-route (PER-FW-EGRESS, NET-SEG-MGMT)", () => {
    const tables = (): StackResourceCase[] => [
        {
            type: "aws:ec2/routeTable:RouteTable",
            name: "agent-rt",
            props: { id: "rtb-agent", tagsAll: { segment: "agent" } },
        },
        {
            type: "aws:ec2/routeTable:RouteTable",
            name: "mgmt-rt",
            props: { id: "rtb-mgmt", tags: { segment: "management" } },
        },
        { type: "aws:ec2/routeTable:RouteTable", name: "fw-rt", props: { id: "rtb-fw", tags: { tier: "firewall" } } },
        {
            type: "aws:ec2/route:Route",
            name: "agent-default",
            props: { routeTableId: "rtb-agent", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
        },
        {
            type: "aws:ec2/route:Route",
            name: "fw-default",
            props: { routeTableId: "rtb-fw", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" },
        },
    ];
    const messages = (extra: StackResourceCase[]) =>
        validateStack(segmentRoutes, [...tables(), ...extra]).map((v) => v.message);

    it("passes NAT routes for segments and an IGW route for the firewall subnets", () => {
        expect(messages([])).toEqual([]);
    });

    it("fails a segment route to an internet gateway (Route resource)", () => {
        expect(
            messages([
                {
                    type: "aws:ec2/route:Route",
                    props: { routeTableId: "rtb-agent", destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-1" },
                },
            ]),
        ).toEqual([
            "[PER-FW-EGRESS] route table rtb-agent of the agent segment routes 0.0.0.0/0 to internet gateway igw-1; segments reach the internet only through NAT and the network firewall",
        ]);
    });

    it("fails an inline route to an internet gateway", () => {
        const inline: StackResourceCase = {
            type: "aws:ec2/routeTable:RouteTable",
            props: {
                id: "rtb-svc",
                tags: { segment: "service" },
                routes: [{ cidrBlock: "203.0.113.0/24", gatewayId: "igw-1" }],
            },
        };
        expect(messages([inline])).toEqual([
            "[PER-FW-EGRESS] route table rtb-svc of the service segment routes 203.0.113.0/24 to internet gateway igw-1; segments reach the internet only through NAT and the network firewall",
        ]);
    });

    it("fails a default route out of the management segment", () => {
        expect(
            messages([
                {
                    type: "aws:ec2/route:Route",
                    props: { routeTableId: "rtb-mgmt", destinationCidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" },
                },
            ]),
        ).toEqual([
            "[NET-SEG-MGMT] route table rtb-mgmt of the management segment has a default route to nat-1; management has no route out (SSM and AWS APIs through VPC endpoints)",
        ]);
    });
});

describe("network-vpc-flow-logs (NET-FLOW-LOGS)", () => {
    const vpc: StackResourceCase = { type: "aws:ec2/vpc:Vpc", name: "mas-vpc", props: { id: "vpc-1" } };
    it("passes a VPC with an ALL flow log", () => {
        expect(
            validateStack(vpcFlowLogs, [
                vpc,
                { type: "aws:ec2/flowLog:FlowLog", props: { vpcId: "vpc-1", trafficType: "ALL" } },
            ]),
        ).toEqual([]);
    });
    it("fails a VPC whose flow log records only REJECT", () => {
        expect(
            validateStack(vpcFlowLogs, [
                vpc,
                { type: "aws:ec2/flowLog:FlowLog", props: { vpcId: "vpc-1", trafficType: "REJECT" } },
            ]).map((v) => v.message),
        ).toEqual(["VPC mas-vpc (vpc-1) has no flow log with trafficType ALL"]);
    });
});

describe("network-alb-listener-tls13 (TLS-TRANSPORT, TLS-IN-TRANSIT, TLS-PFS)", () => {
    const L = "aws:lb/listener:Listener";
    const https = (over: Rec = {}) => ({
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
        ...over,
    });
    const http = (actions: unknown) => ({ port: 80, protocol: "HTTP", defaultActions: actions });
    const redirect = { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } };

    it("passes a TLS 1.3-only HTTPS listener and a 301 redirect", () => {
        expect(validateResource(listenerTls, { type: L, props: https() })).toEqual([]);
        expect(
            validateResource(listenerTls, {
                type: L,
                props: https({ sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }),
            }),
        ).toEqual([]);
        expect(validateResource(listenerTls, { type: L, props: http([redirect]) })).toEqual([]);
        expect(validateResource(listenerTls, { type: L, props: { protocol: "TCP", port: 5432 } })).toEqual([]);
    });

    it("fails a TLS 1.2 policy and a missing one", () => {
        expect(
            validateResource(listenerTls, {
                type: L,
                props: https({ sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" }),
            }),
        ).toEqual([
            "[TLS-TRANSPORT] HTTPS listener on port 443 uses ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09; use a TLS 1.3-only policy (ELBSecurityPolicy-TLS13-1-3-*), e.g. ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
            "[TLS-IN-TRANSIT] HTTPS listener on port 443 uses ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09; use a TLS 1.3-only policy (ELBSecurityPolicy-TLS13-1-3-*), e.g. ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
            "[TLS-PFS] HTTPS listener on port 443 uses ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09; use a TLS 1.3-only policy (ELBSecurityPolicy-TLS13-1-3-*), e.g. ELBSecurityPolicy-TLS13-1-3-PQ-2025-09 (it may negotiate a key exchange without forward secrecy)",
        ]);
        expect(validateResource(listenerTls, { type: L, props: https({ sslPolicy: undefined }) })).toEqual([
            "[TLS-TRANSPORT] HTTPS listener on port 443 uses the API default ELBSecurityPolicy-2016-08; use a TLS 1.3-only policy (ELBSecurityPolicy-TLS13-1-3-*), e.g. ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
            "[TLS-IN-TRANSIT] HTTPS listener on port 443 uses the API default ELBSecurityPolicy-2016-08; use a TLS 1.3-only policy (ELBSecurityPolicy-TLS13-1-3-*), e.g. ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
            "[TLS-PFS] HTTPS listener on port 443 uses the API default ELBSecurityPolicy-2016-08; use a TLS 1.3-only policy (ELBSecurityPolicy-TLS13-1-3-*), e.g. ELBSecurityPolicy-TLS13-1-3-PQ-2025-09 (it may negotiate a key exchange without forward secrecy)",
        ]);
    });

    it("fails an HTTP listener that forwards, or redirects with 302", () => {
        const msg = "[TLS-TRANSPORT] HTTP listener on port 80 must only redirect to HTTPS (HTTP_301)";
        expect(
            validateResource(listenerTls, { type: L, props: http([{ type: "forward", targetGroupArn: "arn:tg" }]) }),
        ).toEqual([msg]);
        expect(
            validateResource(listenerTls, {
                type: L,
                props: http([{ ...redirect, redirect: { ...redirect.redirect, statusCode: "HTTP_302" } }]),
            }),
        ).toEqual([msg]);
    });

    it("treats a listener without protocol as HTTP (the ALB default); a GWLB listener (no port) is skipped", () => {
        const forward = [{ type: "forward", targetGroupArn: "arn:tg" }];
        expect(validateResource(listenerTls, { type: L, props: { port: 8080, defaultActions: forward } })).toEqual([
            "[TLS-TRANSPORT] HTTP listener on port 8080 must only redirect to HTTPS (HTTP_301)",
        ]);
        expect(validateResource(listenerTls, { type: L, props: { port: 80, defaultActions: [redirect] } })).toEqual([]);
        expect(validateResource(listenerTls, { type: L, props: { defaultActions: forward } })).toEqual([]);
    });
});

describe("network-alb-hardening (PER-LB)", () => {
    const LB = "aws:lb/loadBalancer:LoadBalancer";
    const alb = (over: Rec = {}) => ({
        loadBalancerType: "application",
        internal: false,
        dropInvalidHeaderFields: true,
        enableDeletionProtection: true,
        accessLogs: { bucket: "mas-prod-alb-logs", enabled: true },
        ...over,
    });
    const check = (props: Rec, provider = prodProvider) =>
        validateResource(albHardening, { type: LB, props, provider });

    it("passes a hardened ALB; dev may skip deletion protection; NLBs are ignored", () => {
        expect(check(alb())).toEqual([]);
        expect(check(alb({ enableDeletionProtection: false }), devProvider)).toEqual([]);
        expect(check({ loadBalancerType: "network" })).toEqual([]);
    });
    it("fails without dropInvalidHeaderFields", () => {
        expect(check(alb({ dropInvalidHeaderFields: false }))).toEqual([
            "ALB does not drop invalid header fields (dropInvalidHeaderFields must be true)",
        ]);
    });
    it("fails access logs with a bucket but not enabled", () => {
        expect(check(alb({ accessLogs: { bucket: "b" } }))).toEqual([
            "ALB access logs are off (accessLogs needs a bucket and enabled: true)",
        ]);
    });
    it("fails without deletion protection in prod", () => {
        expect(check(alb({ enableDeletionProtection: false }))).toEqual([
            "ALB has no deletion protection (enableDeletionProtection must be true in prod)",
        ]);
    });
});

describe("network-alb-waf (PER-WAF-RULES, PER-DDOS) and network-waf-logging", () => {
    const managed = (name: string, override: Rec = { none: {} }) => ({
        name,
        overrideAction: override,
        statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
    });
    const rules = (): Rec[] => [
        managed("AWSManagedRulesAntiDDoSRuleSet"),
        managed("AWSManagedRulesAmazonIpReputationList"),
        managed("AWSManagedRulesCommonRuleSet"),
        managed("AWSManagedRulesKnownBadInputsRuleSet"),
        managed("AWSManagedRulesSQLiRuleSet"),
        {
            name: "global",
            action: { block: {} },
            statement: { rateBasedStatement: { aggregateKeyType: "CONSTANT", evaluationWindowSec: 60, limit: 600000 } },
        },
        {
            name: "per-agent",
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    aggregateKeyType: "CUSTOM_KEYS",
                    limit: 30000,
                    customKeys: [{ header: { name: "x-agent-id" } }],
                },
            },
        },
    ];
    const stack = (ruleList: Rec[] = rules(), associate = true): StackResourceCase[] => [
        {
            type: "aws:lb/loadBalancer:LoadBalancer",
            name: "alb",
            props: { arn: "arn:alb", loadBalancerType: "application", internal: false },
        },
        {
            type: "aws:lb/loadBalancer:LoadBalancer",
            name: "internal",
            props: { arn: "arn:int", loadBalancerType: "application", internal: true },
        },
        { type: "aws:wafv2/webAcl:WebAcl", name: "waf", props: { arn: "arn:acl", rules: ruleList } },
        ...(associate
            ? [
                  {
                      type: "aws:wafv2/webAclAssociation:WebAclAssociation",
                      props: { resourceArn: "arn:alb", webAclArn: "arn:acl" },
                  },
              ]
            : []),
    ];
    const messages = (resources: StackResourceCase[]) => validateStack(albWaf, resources).map((v) => v.message);

    it("passes (per-agent 100 rps as 30000 per default 300 s window); internal ALBs need no ACL", () => {
        expect(messages(stack())).toEqual([]);
    });
    it("fails an internet-facing ALB without association", () => {
        expect(messages(stack(rules(), false))).toEqual([
            "[PER-WAF-RULES] internet-facing ALB alb has no WAF web ACL association",
        ]);
    });
    it("fails missing common/SQLi groups", () => {
        expect(
            messages(
                stack(
                    rules().filter(
                        (r) =>
                            !["AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"].includes(r.name as string),
                    ),
                ),
            ),
        ).toEqual([
            "[PER-WAF-RULES] web ACL waf lacks the managed rule groups AWSManagedRulesCommonRuleSet, AWSManagedRulesSQLiRuleSet",
        ]);
    });
    it("fails a missing anti-DDoS group", () => {
        expect(messages(stack(rules().filter((r) => r.name !== "AWSManagedRulesAntiDDoSRuleSet")))).toEqual([
            "[PER-DDOS] web ACL waf lacks the managed rule group AWSManagedRulesAntiDDoSRuleSet",
        ]);
    });
    it("fails a managed group in count mode", () => {
        const list = rules().map((r) =>
            r.name === "AWSManagedRulesSQLiRuleSet" ? managed("AWSManagedRulesSQLiRuleSet", { count: {} }) : r,
        );
        expect(messages(stack(list))).toEqual([
            "[PER-WAF-RULES] web ACL waf runs managed groups in count mode: AWSManagedRulesSQLiRuleSet",
        ]);
    });
    const globalLimit = (limit: number) =>
        rules().map((r) =>
            r.name === "global"
                ? {
                      ...r,
                      statement: {
                          rateBasedStatement: { aggregateKeyType: "CONSTANT", evaluationWindowSec: 60, limit },
                      },
                  }
                : r,
        );
    it("passes a stricter global limit (10000 per 60 s is 166 rps, below the guide's 10000 rps)", () => {
        expect(messages(stack(globalLimit(10000)))).toEqual([]);
    });
    it("fails a global rate rule above the guide (1,200,000 per 60 s is 20000 rps), or of zero", () => {
        for (const limit of [1_200_000, 0]) {
            expect(messages(stack(globalLimit(limit)))).toEqual([
                "[PER-DDOS] web ACL waf has no blocking CONSTANT rate rule of at most 10000 rps (limit = rps × evaluationWindowSec)",
            ]);
        }
    });
    it("fails a per-agent rule keyed on IP instead of a header", () => {
        const list = rules().map((r) =>
            r.name === "per-agent"
                ? { ...r, statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: 30000 } } }
                : r,
        );
        expect(messages(stack(list))).toEqual([
            "[PER-DDOS] web ACL waf has no blocking per-agent rate rule (CUSTOM_KEYS on a header) of at most 100 rps",
        ]);
    });

    it("network-waf-logging: passes a logged ACL, fails an unlogged one", () => {
        const acl: StackResourceCase = { type: "aws:wafv2/webAcl:WebAcl", name: "waf", props: { arn: "arn:acl" } };
        const logging: StackResourceCase = {
            type: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
            props: { resourceArn: "arn:acl", logDestinationConfigs: ["arn:logs"] },
        };
        expect(validateStack(wafLogging, [acl, logging])).toEqual([]);
        expect(validateStack(wafLogging, [acl]).map((v) => v.message)).toEqual([
            "web ACL waf has no logging configuration",
        ]);
    });
});

describe("network-firewall-policy (IDS-SIGNATURE, IDS-AUTO-UPDATE, IPS-PREVENT, PER-FW-EGRESS)", () => {
    const FP = "aws:networkfirewall/firewallPolicy:FirewallPolicy";
    const managedArn = (g: string) => `arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/${g}`;
    const groups = [
        "ThreatSignaturesBotnetStrictOrder",
        "ThreatSignaturesMalwareStrictOrder",
        "ThreatSignaturesEmergingEventsStrictOrder",
        "AbusedLegitMalwareDomainsStrictOrder",
    ];
    const policy = (over: Rec = {}, refOverride?: Rec) => ({
        firewallPolicy: {
            statelessDefaultActions: ["aws:forward_to_sfe"],
            statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
            statefulEngineOptions: { ruleOrder: "STRICT_ORDER" },
            statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
            statefulRuleGroupReferences: groups.map((g, i) => ({
                resourceArn: managedArn(g),
                priority: 10 + i,
                ...(refOverride ? { override: refOverride } : {}),
            })),
            ...over,
        },
    });
    const check = (props: Rec, provider = prodProvider) =>
        validateResource(firewallPolicy, { type: FP, props, provider });

    it("passes the baseline; dev may downgrade managed groups to alert", () => {
        expect(check(policy())).toEqual([]);
        expect(check(policy({}, { action: "DROP_TO_ALERT" }), devProvider)).toEqual([]);
    });
    it("fails action order", () => {
        expect(check(policy({ statefulEngineOptions: { ruleOrder: "DEFAULT_ACTION_ORDER" } }))).toEqual([
            "[IDS-SIGNATURE] firewall policy rule order is DEFAULT_ACTION_ORDER; use STRICT_ORDER",
        ]);
    });
    it("fails stateless pass-through", () => {
        expect(check(policy({ statelessDefaultActions: ["aws:pass"] }))).toEqual([
            "[PER-FW-EGRESS] stateless default actions (aws:pass) do not forward to the stateful engine (aws:forward_to_sfe)",
        ]);
    });
    it("fails an alert-only stateful default", () => {
        expect(check(policy({ statefulDefaultActions: ["aws:alert_strict"] }))).toEqual([
            "[IPS-PREVENT] stateful default actions (aws:alert_strict) do not drop",
        ]);
    });
    it("fails a missing managed threat-signature group", () => {
        const refs = groups.slice(1).map((g, i) => ({ resourceArn: managedArn(g), priority: i }));
        expect(check(policy({ statefulRuleGroupReferences: refs }))).toEqual([
            "[IDS-AUTO-UPDATE] firewall policy lacks the AWS-managed threat-signature groups ThreatSignaturesBotnetStrictOrder",
        ]);
    });
    it("fails DROP_TO_ALERT in prod", () => {
        expect(check(policy({}, { action: "DROP_TO_ALERT" }))).toEqual([
            `[IPS-PREVENT] managed groups overridden to DROP_TO_ALERT in prod: ${groups.join(", ")}`,
        ]);
    });
});

describe("network-firewall-logging (IDS-SIGNATURE)", () => {
    const fw: StackResourceCase = {
        type: "aws:networkfirewall/firewall:Firewall",
        name: "fw",
        props: { arn: "arn:fw" },
    };
    const logging = (types: string[]): StackResourceCase => ({
        type: "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
        props: {
            firewallArn: "arn:fw",
            loggingConfiguration: { logDestinationConfigs: types.map((logType) => ({ logType })) },
        },
    });
    it("passes ALERT and FLOW", () => {
        expect(validateStack(firewallLogging, [fw, logging(["ALERT", "FLOW"])])).toEqual([]);
    });
    it("fails a firewall that logs only FLOW", () => {
        expect(validateStack(firewallLogging, [fw, logging(["FLOW"])]).map((v) => v.message)).toEqual([
            "network firewall fw does not log ALERT",
        ]);
    });
});

describe("network-guardduty (IPS-BEHAVIORAL)", () => {
    const detector: StackResourceCase = { type: "aws:guardduty/detector:Detector", props: { id: "d1", enable: true } };
    const audit: StackResourceCase = {
        type: "aws:guardduty/detectorFeature:DetectorFeature",
        props: { detectorId: "d1", name: "EKS_AUDIT_LOGS", status: "ENABLED" },
    };
    const runtime = (addon = "ENABLED"): StackResourceCase => ({
        type: "aws:guardduty/detectorFeature:DetectorFeature",
        props: {
            detectorId: "d1",
            name: "RUNTIME_MONITORING",
            status: "ENABLED",
            additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: addon }],
        },
    });
    const messages = (r: StackResourceCase[]) => validateStack(guardDuty, r).map((v) => v.message);

    it("passes a detector with both features", () => {
        expect(messages([detector, audit, runtime()])).toEqual([]);
    });
    it("fails a stack without an enabled detector", () => {
        expect(messages([{ ...detector, props: { id: "d1", enable: false } }])).toEqual([
            "the stack has no enabled GuardDuty detector",
        ]);
    });
    it("fails missing EKS audit logs", () => {
        expect(messages([detector, runtime()])).toEqual(["GuardDuty detector d1 does not enable EKS_AUDIT_LOGS"]);
    });
    it("fails runtime monitoring without the EKS add-on", () => {
        expect(messages([detector, audit, runtime("DISABLED")])).toEqual([
            "GuardDuty detector d1 does not enable RUNTIME_MONITORING with EKS_ADDON_MANAGEMENT",
        ]);
    });
});

describe("network-shield-alb (PER-DDOS)", () => {
    const alb: StackResourceCase = {
        type: "aws:lb/loadBalancer:LoadBalancer",
        name: "alb",
        props: { arn: "arn:alb", loadBalancerType: "application", internal: false },
    };
    const protection: StackResourceCase = {
        type: "aws:shield/protection:Protection",
        props: { resourceArn: "arn:alb" },
    };
    it("passes a protected ALB in prod and an unprotected one in dev", () => {
        expect(validateStack(shieldAlb, [stackProvider("prod"), alb, protection])).toEqual([]);
        expect(validateStack(shieldAlb, [stackProvider("dev"), alb])).toEqual([]);
    });
    it("fails an unprotected internet-facing ALB in prod", () => {
        expect(validateStack(shieldAlb, [stackProvider("prod"), alb]).map((v) => v.message)).toEqual([
            "internet-facing ALB alb has no Shield Advanced protection (required in prod)",
        ]);
    });
});
