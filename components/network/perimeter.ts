import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { guide } from "../../policy-pack/catalog";
import { networkDesign } from "../../policy-pack/catalog/network";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { logDeliveryPolicy } from "./log-delivery";
import { visibility, wafRules } from "./waf-rules";

/** The stack config the perimeter reads (keys as validated in components/config). */
export interface PerimeterConfig {
    /** Stack name: physical names derive from it. */
    stack: string;
    /** Organisation of the self-signed listener certificate. */
    project: string;
    /** The service segment: the ALB reaches the ingress gateway there. */
    serviceSegmentCidr: string;
    /** Public domain (ACM certificate, alias record in hostedZoneId); empty means a self-signed certificate. */
    domainName: string;
    hostedZoneId: string;
    /** The header the WAF's per-agent rate limit keys on. */
    agentIdHeader: string;
    shieldAdvanced: boolean;
    deletionProtection: boolean;
}

export interface PerimeterArgs {
    config: PerimeterConfig;
    evidence: EvidenceRegistry;
    vpcId: pulumi.Input<string>;
    /** Network: the public subnets (one per AZ). */
    publicSubnetIds: pulumi.Input<string>[];
    /** Network: the service segment's security group (the ingress gateway's nodes); gets the ALB → gateway rule. */
    serviceSecurityGroupId: pulumi.Input<string>;
    /**
     * Cluster: name of the service node group's Auto Scaling group
     * (`nodeGroups.service.resources[0].autoscalingGroups[0].name`). Its instances are the target group's
     * targets, on the ingress gateway's node ports.
     */
    ingressAutoScalingGroupName: pulumi.Input<string>;
    /** Data section: `albAccessLogBucket` name (SSE-S3, ELB log-delivery bucket policy). */
    albAccessLogBucketName: pulumi.Input<string>;
    /**
     * Data section: that bucket's policy. Enabling access logs makes ELB write a test object at once; created
     * before the policy grants it, the ALB fails with "Access Denied for bucket". index.ts always passes it.
     */
    albAccessLogBucketPolicy?: pulumi.Resource;
    /** Data section: ARN of the `waf` log group (its name starts with aws-waf-logs-). */
    wafLogGroupArn: pulumi.Input<string>;
}

const ports = networkDesign.ports;
const ANYWHERE = "0.0.0.0/0";

/**
 * The application perimeter of the guide's FW → WAF → LB path: an internet-facing ALB in the public subnets
 * (TLS 1.3 only, HTTP redirected), a WAF web ACL (managed rule groups, the guide's global and per-agent rate
 * limits, an incident-response block list, logging) and, in prod, Shield Advanced.
 *
 * The target group points at the Istio ingress gateway without any in-cluster controller: the gateway's
 * Service is a NodePort on fixed ports (networkDesign.ports), and the service node group's Auto Scaling group
 * is attached to the target group (target type `instance`), so every service node is a target and EC2 Auto
 * Scaling keeps the registrations current as nodes come and go.
 */
export class Perimeter extends pulumi.ComponentResource {
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly alb: aws.lb.LoadBalancer;
    readonly targetGroup: aws.lb.TargetGroup;
    readonly targetGroupAttachment: aws.autoscaling.Attachment;
    readonly httpsListener: aws.lb.Listener;
    readonly httpListener: aws.lb.Listener;
    readonly certificateArn: pulumi.Output<string>;
    readonly webAcl: aws.wafv2.WebAcl;
    /** Incident response adds addresses here; Pulumi ignores changes to them. */
    readonly wafBlockIpSet: aws.wafv2.IpSet;
    readonly shieldProtection?: aws.shield.Protection;

    constructor(name: string, args: PerimeterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:network:Perimeter", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const prefix = namePrefix(cfg);

        // ALB security group: the only group open to the internet, on 443 and 80 (redirect) only; it may
        // talk to the ingress gateway in the service segment and nothing else. Tagged role=alb: the policy
        // network-sg-no-public-ingress admits public ingress only on rules so tagged.
        const albTags = { role: "alb" };
        this.securityGroup = new aws.ec2.SecurityGroup(
            `${name}-alb-sg`,
            {
                name: `${prefix}-alb`,
                description: "Internet-facing ALB: HTTPS (and HTTP to redirect) in, ingress gateway out",
                vpcId: args.vpcId,
                tags: { Name: `${prefix}-alb`, ...albTags },
            },
            { parent: this },
        );
        const sgRules: pulumi.Resource[] = [];
        for (const port of [ports.https, ports.http]) {
            sgRules.push(
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-alb-in-${port}`,
                    {
                        securityGroupId: this.securityGroup.id,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        cidrIpv4: ANYWHERE,
                        description: port === ports.https ? "HTTPS from the internet" : "HTTP, redirected to HTTPS",
                        tags: albTags,
                    },
                    { parent: this },
                ),
            );
        }
        for (const port of [ports.ingressGatewayNodePort, ports.ingressGatewayHealthNodePort]) {
            sgRules.push(
                new aws.vpc.SecurityGroupEgressRule(
                    `${name}-alb-out-${port}`,
                    {
                        securityGroupId: this.securityGroup.id,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        cidrIpv4: cfg.serviceSegmentCidr,
                        description: "to the Istio ingress gateway's node ports in the service segment",
                        tags: albTags,
                    },
                    { parent: this },
                ),
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-service-from-alb-${port}`,
                    {
                        securityGroupId: args.serviceSecurityGroupId,
                        ipProtocol: "tcp",
                        fromPort: port,
                        toPort: port,
                        referencedSecurityGroupId: this.securityGroup.id,
                        description: "from the ALB to the Istio ingress gateway's node ports",
                    },
                    { parent: this },
                ),
            );
        }

        this.alb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                name: `${prefix}-alb`,
                loadBalancerType: "application",
                internal: false,
                ipAddressType: "ipv4",
                subnets: args.publicSubnetIds,
                securityGroups: [this.securityGroup.id],
                dropInvalidHeaderFields: true,
                desyncMitigationMode: "defensive",
                enableTlsVersionAndCipherSuiteHeaders: true,
                enableDeletionProtection: cfg.deletionProtection,
                // `enabled` defaults to false even with a bucket. No prefix: the bucket (dedicated to these
                // logs) lets ELB write only under AWSLogs/<account>/, and ELB's test write at creation fails
                // with Access Denied for any other path.
                accessLogs: { bucket: args.albAccessLogBucketName, enabled: true },
                tags: { Name: `${prefix}-alb`, ...albTags },
            },
            {
                parent: this,
                protect: cfg.deletionProtection,
                dependsOn: args.albAccessLogBucketPolicy ? [args.albAccessLogBucketPolicy] : [],
            },
        );

        this.targetGroup = new aws.lb.TargetGroup(
            `${name}-ingress-gateway`,
            {
                name: `${prefix}-ingress-gw`,
                vpcId: args.vpcId,
                // The service nodes, on the gateway Service's node port (kube-proxy forwards to a gateway pod).
                targetType: "instance",
                protocol: "HTTPS",
                port: ports.ingressGatewayNodePort,
                healthCheck: {
                    enabled: true,
                    protocol: "HTTP",
                    port: `${ports.ingressGatewayHealthNodePort}`,
                    path: "/healthz/ready",
                    matcher: "200",
                },
                tags: { Name: `${prefix}-ingress-gw` },
            },
            { parent: this },
        );

        // EC2 Auto Scaling registers (and deregisters) the service nodes as they launch and terminate.
        this.targetGroupAttachment = new aws.autoscaling.Attachment(
            `${name}-ingress-gateway`,
            { autoscalingGroupName: args.ingressAutoScalingGroupName, lbTargetGroupArn: this.targetGroup.arn },
            { parent: this },
        );

        this.certificateArn = this.certificate(name, cfg);

        this.httpsListener = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: this.alb.arn,
                port: ports.https,
                protocol: "HTTPS",
                sslPolicy: networkDesign.albSslPolicy,
                certificateArn: this.certificateArn,
                defaultActions: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
            },
            { parent: this },
        );
        this.httpListener = new aws.lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: this.alb.arn,
                port: ports.http,
                protocol: "HTTP",
                defaultActions: [
                    {
                        type: "redirect",
                        redirect: { protocol: "HTTPS", port: `${ports.https}`, statusCode: "HTTP_301" },
                    },
                ],
            },
            { parent: this },
        );

        this.wafBlockIpSet = new aws.wafv2.IpSet(
            `${name}-waf-block`,
            {
                name: `${prefix}-blocked`,
                description: "Addresses blocked by incident response",
                scope: "REGIONAL",
                ipAddressVersion: "IPV4",
                addresses: [],
            },
            { parent: this, ignoreChanges: ["addresses"] },
        );

        this.webAcl = new aws.wafv2.WebAcl(
            `${name}-waf`,
            {
                name: `${prefix}-waf`,
                description: "Perimeter web ACL of the internet-facing ALB",
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: wafRules(this.wafBlockIpSet.arn, cfg.agentIdHeader),
                visibilityConfig: visibility(`${prefix}-waf`),
            },
            { parent: this },
        );
        const association = new aws.wafv2.WebAclAssociation(
            `${name}-waf`,
            { resourceArn: this.alb.arn, webAclArn: this.webAcl.arn },
            { parent: this },
        );

        const deliveryPolicy = logDeliveryPolicy(
            `${name}-waf-logs`,
            { policyName: `${prefix}-waf-log-delivery`, logGroupArn: args.wafLogGroupArn },
            this,
        );
        const wafLogging = new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-waf-logging`,
            {
                resourceArn: this.webAcl.arn,
                logDestinationConfigs: [args.wafLogGroupArn],
                // Credentials never reach the logs.
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
            },
            { parent: this, dependsOn: [deliveryPolicy] },
        );

        // Shield Advanced: a 1-year commitment that destroy cannot end (skipDestroy), so the subscription is
        // also protected from deletion.
        const ddosResources: pulumi.Resource[] = [this.webAcl, association];
        if (cfg.shieldAdvanced) {
            const subscription = new aws.shield.Subscription(
                `${name}-shield`,
                { autoRenew: "ENABLED", skipDestroy: true },
                { parent: this, protect: true },
            );
            this.shieldProtection = new aws.shield.Protection(
                `${name}-shield-alb`,
                { name: `${prefix}-alb`, resourceArn: this.alb.arn },
                { parent: this, dependsOn: [subscription] },
            );
            ddosResources.push(subscription, this.shieldProtection);
        }

        ev.record("PER-LB", this.alb, this.targetGroup, this.targetGroupAttachment);
        ev.record("PER-FW-INGRESS", this.securityGroup, ...sgRules);
        ev.record("PER-WAF-RULES", this.webAcl, association, this.wafBlockIpSet, wafLogging);
        ev.record("PER-DDOS", ...ddosResources);
        ev.record("TLS-TRANSPORT", this.httpsListener, this.httpListener);
        ev.record("TLS-IN-TRANSIT", this.httpsListener);
        ev.record("TLS-PFS", this.httpsListener);

        this.registerOutputs({
            albArn: this.alb.arn,
            albDnsName: this.alb.dnsName,
            webAclArn: this.webAcl.arn,
            wafBlockIpSetArn: this.wafBlockIpSet.arn,
        });
    }

    /**
     * The listener certificate: ACM with DNS validation in the hosted zone when domainName is set, else a
     * self-signed ECDSA P-256 certificate imported into ACM (its key a secret), renewed on the guide's
     * certificate rotation period.
     */
    private certificate(name: string, cfg: PerimeterConfig): pulumi.Output<string> {
        if (cfg.domainName !== "") {
            const cert = new aws.acm.Certificate(
                `${name}-cert`,
                { domainName: cfg.domainName, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1" },
                { parent: this },
            );
            const option = cert.domainValidationOptions.apply((o) => o[0]);
            const record = new aws.route53.Record(
                `${name}-cert-validation`,
                {
                    zoneId: cfg.hostedZoneId,
                    name: option.resourceRecordName,
                    type: option.resourceRecordType,
                    records: [option.resourceRecordValue],
                    ttl: 300,
                    allowOverwrite: true,
                },
                { parent: this },
            );
            new aws.route53.Record(
                `${name}-alb-alias`,
                {
                    zoneId: cfg.hostedZoneId,
                    name: cfg.domainName,
                    type: "A",
                    aliases: [{ name: this.alb.dnsName, zoneId: this.alb.zoneId, evaluateTargetHealth: true }],
                },
                { parent: this },
            );
            const validation = new aws.acm.CertificateValidation(
                `${name}-cert`,
                { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] },
                { parent: this },
            );
            return validation.certificateArn;
        }
        const rotationHours = guide.identityManagement.certificateRotationDays * 24;
        const key = new tls.PrivateKey(`${name}-cert`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
        const selfSigned = new tls.SelfSignedCert(
            `${name}-cert`,
            {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName: `${namePrefix(cfg)}-alb`, organization: cfg.project },
                dnsNames: [this.alb.dnsName],
                validityPeriodHours: rotationHours,
                // Replaced on the first `pulumi up` in the last third of its life.
                earlyRenewalHours: Math.floor(rotationHours / 3),
                allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
            },
            { parent: this },
        );
        const imported = new aws.acm.Certificate(
            `${name}-cert`,
            { privateKey: pulumi.secret(key.privateKeyPem), certificateBody: selfSigned.certPem },
            { parent: this },
        );
        return imported.arn;
    }
}
