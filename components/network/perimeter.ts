import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { albSecurityGroup, ingressTargets, listenerCertificate, listeners, loadBalancer } from "./perimeter-alb";
import { shieldAdvanced, webAcl } from "./perimeter-waf";

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
    /** `adopt`: the account's Shield Advanced subscription is the landing zone's; the stack protects its ALB. */
    accountServices: "create" | "adopt";
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
        const prefix = namePrefix(cfg);

        const sg = albSecurityGroup(this, name, {
            prefix,
            vpcId: args.vpcId,
            serviceSegmentCidr: cfg.serviceSegmentCidr,
            serviceSecurityGroupId: args.serviceSecurityGroupId,
        });
        this.securityGroup = sg.securityGroup;
        this.alb = loadBalancer(this, name, {
            prefix,
            publicSubnetIds: args.publicSubnetIds,
            securityGroupId: this.securityGroup.id,
            accessLogBucketName: args.albAccessLogBucketName,
            accessLogBucketPolicy: args.albAccessLogBucketPolicy,
            deletionProtection: cfg.deletionProtection,
        });
        const targets = ingressTargets(this, name, {
            prefix,
            vpcId: args.vpcId,
            autoScalingGroupName: args.ingressAutoScalingGroupName,
        });
        this.targetGroup = targets.targetGroup;
        this.targetGroupAttachment = targets.attachment;
        this.certificateArn = listenerCertificate(this, name, {
            prefix,
            project: cfg.project,
            domainName: cfg.domainName,
            hostedZoneId: cfg.hostedZoneId,
            albDnsName: this.alb.dnsName,
            albZoneId: this.alb.zoneId,
        });
        const listener = listeners(this, name, {
            albArn: this.alb.arn,
            certificateArn: this.certificateArn,
            targetGroupArn: this.targetGroup.arn,
        });
        this.httpsListener = listener.https;
        this.httpListener = listener.http;

        const waf = webAcl(this, name, {
            prefix,
            agentIdHeader: cfg.agentIdHeader,
            albArn: this.alb.arn,
            wafLogGroupArn: args.wafLogGroupArn,
        });
        this.wafBlockIpSet = waf.blockIpSet;
        this.webAcl = waf.webAcl;
        const ddosResources: pulumi.Resource[] = [this.webAcl, waf.association];
        if (cfg.shieldAdvanced) {
            const shield = shieldAdvanced(this, name, {
                prefix,
                albArn: this.alb.arn,
                subscribe: cfg.accountServices === "create",
            });
            this.shieldProtection = shield.protection;
            ddosResources.push(...(shield.subscription ? [shield.subscription] : []), shield.protection);
        }

        const ev = args.evidence;
        ev.record("PER-LB", this.alb, this.targetGroup, this.targetGroupAttachment);
        ev.record("PER-FW-INGRESS", this.securityGroup, ...sg.rules);
        ev.record("PER-WAF-RULES", this.webAcl, waf.association, this.wafBlockIpSet, waf.logging);
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
}
