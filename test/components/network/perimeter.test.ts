import type { ProgramRun } from "../../../tools/lib/program";
import { isSecretValue, named, ofType, plain } from "../../harness/program";
import { WAF_LOG_GROUP, SERVICE_ASG, program, Rec, idOf } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program({}, "dev");
    prod = await program({}, "prod");
}, 60_000);

describe("Perimeter ALB (PER-LB, TLS-TRANSPORT, TLS-IN-TRANSIT, TLS-PFS)", () => {
    it("is internet-facing in the public subnets, drops invalid headers, logs, and is protected in prod only", () => {
        const alb = named(dev, "aws:lb/loadBalancer:LoadBalancer", "mas-alb");
        expect(alb.inputs).toMatchObject({
            loadBalancerType: "application",
            internal: false,
            dropInvalidHeaderFields: true,
            enableDeletionProtection: false,
            accessLogs: { bucket: "mas-dev-alb-access-logs", enabled: true },
        });
        // The data section's bucket policy admits ELB only under AWSLogs/<account>/ at the bucket root.
        expect((alb.inputs.accessLogs as Rec).prefix).toBeUndefined();
        expect(alb.inputs.subnets).toEqual(
            ofType(dev, "aws:ec2/subnet:Subnet")
                .filter((s) => (s.inputs.tags as Rec).tier === "public")
                .map(idOf),
        );
        const prodAlb = named(prod, "aws:lb/loadBalancer:LoadBalancer", "mas-alb");
        expect(prodAlb.inputs.enableDeletionProtection).toBe(true);
        expect(prodAlb.protect).toBe(true);
    });

    it("HTTPS listener: TLS 1.3-only PQ policy, forwards to the ingress gateway target group", () => {
        const https = named(dev, "aws:lb/listener:Listener", "mas-https").inputs;
        const tg = named(dev, "aws:lb/targetGroup:TargetGroup", "mas-ingress-gateway");
        expect(https).toMatchObject({
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
            certificateArn: named(dev, "aws:acm/certificate:Certificate", "mas-cert").outputs.arn,
            defaultActions: [{ type: "forward", targetGroupArn: tg.outputs.arn }],
        });
        expect(tg.inputs).toMatchObject({
            targetType: "instance",
            protocol: "HTTPS",
            port: 30443,
            healthCheck: { protocol: "HTTP", port: "31021", path: "/healthz/ready" },
        });
    });

    it("PER-LB: the service node group's Auto Scaling group is attached to the target group (no in-cluster controller)", () => {
        const tg = named(dev, "aws:lb/targetGroup:TargetGroup", "mas-ingress-gateway");
        const attachment = named(dev, "aws:autoscaling/attachment:Attachment", "mas-ingress-gateway");
        expect(attachment.inputs).toEqual({ autoscalingGroupName: SERVICE_ASG, lbTargetGroupArn: tg.outputs.arn });
        expect(ofType(dev, "aws:autoscaling/attachment:Attachment")).toHaveLength(1);
    });

    it("HTTP listener only redirects to HTTPS with a 301", () => {
        expect(named(dev, "aws:lb/listener:Listener", "mas-http").inputs.defaultActions).toEqual([
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ]);
    });

    it("dev imports a self-signed ECDSA certificate; its private key is a secret", () => {
        const cert = named(dev, "aws:acm/certificate:Certificate", "mas-cert");
        expect(isSecretValue(cert.inputs.privateKey)).toBe(true);
        expect(plain<string>(cert.inputs.privateKey)).toContain("BEGIN EC PRIVATE KEY");
        expect(named(dev, "tls:index/privateKey:PrivateKey", "mas-cert").inputs).toMatchObject({
            algorithm: "ECDSA",
            ecdsaCurve: "P256",
        });
        expect(named(dev, "tls:index/selfSignedCert:SelfSignedCert", "mas-cert").inputs).toMatchObject({
            validityPeriodHours: 2160,
            earlyRenewalHours: 720,
        });
    });

    it("with domainName, requests a DNS-validated ACM certificate in the hosted zone", async () => {
        // A real ACME contact: with a domain, Let's Encrypt refuses example.com addresses (config validation).
        const run = await program(
            {
                domainName: "agents.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                alertEmails: ["security@mas-agents.io"],
            },
            "dev",
        );
        expect(ofType(run, "tls:index/privateKey:PrivateKey")).toHaveLength(0);
        expect(named(run, "aws:acm/certificate:Certificate", "mas-cert").inputs).toMatchObject({
            domainName: "agents.example.com",
            validationMethod: "DNS",
        });
        const record = named(run, "aws:route53/record:Record", "mas-cert-validation").inputs;
        expect(record).toMatchObject({ zoneId: "Z0123456789ABCDEFGHIJ", type: "CNAME" });
        const validation = named(run, "aws:acm/certificateValidation:CertificateValidation", "mas-cert");
        expect(named(run, "aws:lb/listener:Listener", "mas-https").inputs.certificateArn).toBe(
            validation.outputs.certificateArn,
        );
    });
});

describe("WAF (PER-WAF-RULES, PER-DDOS)", () => {
    const acl = () => named(dev, "aws:wafv2/webAcl:WebAcl", "mas-waf");
    const rule = (name: string) => (acl().inputs.rules as Rec[]).find((r) => r.name === name) as Rec;

    it("is REGIONAL, associated with the ALB and logs to the waf log group", () => {
        expect(acl().inputs.scope).toBe("REGIONAL");
        expect(named(dev, "aws:wafv2/webAclAssociation:WebAclAssociation", "mas-waf").inputs).toEqual({
            resourceArn: named(dev, "aws:lb/loadBalancer:LoadBalancer", "mas-alb").outputs.arn,
            webAclArn: acl().outputs.arn,
        });
        expect(
            named(dev, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", "mas-waf-logging").inputs,
        ).toMatchObject({ resourceArn: acl().outputs.arn, logDestinationConfigs: [WAF_LOG_GROUP] });
    });

    it("runs the five managed groups, none in count mode; AntiDDoS with its client-side action config", () => {
        const managed = (acl().inputs.rules as Rec[])
            .filter((r) => (r.statement as Rec).managedRuleGroupStatement)
            .map((r) => [r.name, r.overrideAction]);
        expect(managed).toEqual([
            ["AWSManagedRulesAntiDDoSRuleSet", { none: {} }],
            ["AWSManagedRulesAmazonIpReputationList", { none: {} }],
            ["AWSManagedRulesCommonRuleSet", { none: {} }],
            ["AWSManagedRulesKnownBadInputsRuleSet", { none: {} }],
            ["AWSManagedRulesSQLiRuleSet", { none: {} }],
        ]);
        const anti = (rule("AWSManagedRulesAntiDDoSRuleSet").statement as Rec).managedRuleGroupStatement as Rec;
        expect(anti.managedRuleGroupConfigs).toEqual([
            {
                awsManagedRulesAntiDdosRuleSet: {
                    clientSideActionConfig: { challenge: { usageOfAction: "DISABLED" } },
                    sensitivityToBlock: "LOW",
                },
            },
        ]);
    });

    it("global rate rule: 10000 rps = 600000 requests per 60 s window, CONSTANT with a scope-down", () => {
        expect(rule("global-rate-limit")).toMatchObject({
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    aggregateKeyType: "CONSTANT",
                    evaluationWindowSec: 60,
                    limit: 600_000,
                    scopeDownStatement: {
                        byteMatchStatement: { positionalConstraint: "STARTS_WITH", searchString: "/" },
                    },
                },
            },
        });
    });

    it("per-agent rate rule: 100 rps = 6000 per 60 s, keyed on the x-agent-id header", () => {
        expect(rule("per-agent-rate-limit")).toMatchObject({
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    aggregateKeyType: "CUSTOM_KEYS",
                    evaluationWindowSec: 60,
                    limit: 6000,
                    customKeys: [
                        { header: { name: "x-agent-id", textTransformations: [{ priority: 0, type: "NONE" }] } },
                    ],
                },
            },
        });
    });

    it("PER-DDOS: requests without x-agent-id are blocked before the per-agent rule (except /oauth2/), and one source address is capped at 100 rps", () => {
        const NONE = [{ priority: 0, type: "NONE" }];
        expect(rule("agent-id-required")).toEqual({
            name: "agent-id-required",
            priority: 4,
            action: { block: {} },
            statement: {
                andStatement: {
                    statements: [
                        {
                            notStatement: {
                                statement: {
                                    sizeConstraintStatement: {
                                        fieldToMatch: { singleHeader: { name: "x-agent-id" } },
                                        comparisonOperator: "GT",
                                        size: 0,
                                        textTransformations: NONE,
                                    },
                                },
                            },
                        },
                        {
                            notStatement: {
                                statement: {
                                    byteMatchStatement: {
                                        fieldToMatch: { uriPath: {} },
                                        positionalConstraint: "STARTS_WITH",
                                        searchString: "/oauth2/",
                                        textTransformations: NONE,
                                    },
                                },
                            },
                        },
                    ],
                },
            },
            visibilityConfig: {
                cloudwatchMetricsEnabled: true,
                metricName: "agent-id-required",
                sampledRequestsEnabled: true,
            },
        });
        expect(rule("per-source-rate-limit")).toMatchObject({
            priority: 5,
            action: { block: {} },
            statement: { rateBasedStatement: { aggregateKeyType: "IP", evaluationWindowSec: 60, limit: 6000 } },
        });
        expect(rule("per-agent-rate-limit").priority).toBe(6);
    });

    it("blocks the incident-response IP set first; the set ignores address changes", () => {
        const ipSet = named(dev, "aws:wafv2/ipSet:IpSet", "mas-waf-block");
        expect(rule("incident-response-block")).toMatchObject({
            priority: 0,
            action: { block: {} },
            statement: { ipSetReferenceStatement: { arn: ipSet.outputs.arn } },
        });
        expect(ipSet.ignoreChanges).toEqual(["addresses"]);
        expect(dev.stackOutputs.wafBlockIpSetArn).toBe(ipSet.outputs.arn);
    });

    it("Shield Advanced protects the ALB in prod only, the subscription protected and skipDestroy", () => {
        expect(ofType(dev, "aws:shield/protection:Protection")).toHaveLength(0);
        expect(ofType(dev, "aws:shield/subscription:Subscription")).toHaveLength(0);
        expect(named(prod, "aws:shield/protection:Protection", "mas-shield-alb").inputs.resourceArn).toBe(
            named(prod, "aws:lb/loadBalancer:LoadBalancer", "mas-alb").outputs.arn,
        );
        const sub = named(prod, "aws:shield/subscription:Subscription", "mas-shield");
        expect(sub.inputs).toMatchObject({ autoRenew: "ENABLED", skipDestroy: true });
        expect(sub.protect).toBe(true);
    });
});
