// The perimeter's load balancer: the ALB's security group (and the service segment's rule admitting it), the
// internet-facing ALB, the ingress gateway's target group, the listener certificate and the listeners.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { guide } from "../../policy-pack/catalog";
import { networkDesign } from "../../policy-pack/catalog/network";

const ports = networkDesign.ports;
const ANYWHERE = "0.0.0.0/0";

export interface AlbSecurityGroupArgs {
    prefix: string;
    vpcId: pulumi.Input<string>;
    /** The service segment: the ALB reaches the ingress gateway's node ports there. */
    serviceSegmentCidr: string;
    /** The service segment's security group: gets the ALB → gateway rule. */
    serviceSecurityGroupId: pulumi.Input<string>;
}

/**
 * ALB security group: the only group open to the internet, on 443 and 80 (redirect) only; it may talk to the
 * ingress gateway in the service segment and nothing else. Tagged role=alb: the policy
 * network-sg-no-public-ingress admits public ingress only on rules so tagged.
 */
export function albSecurityGroup(parent: pulumi.Resource, name: string, args: AlbSecurityGroupArgs) {
    const { prefix } = args;
    const albTags = { role: "alb" };
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-alb-sg`,
        {
            name: `${prefix}-alb`,
            description: "Internet-facing ALB: HTTPS (and HTTP to redirect) in, ingress gateway out",
            vpcId: args.vpcId,
            tags: { Name: `${prefix}-alb`, ...albTags },
        },
        { parent },
    );
    const rules: pulumi.Resource[] = [];
    for (const port of [ports.https, ports.http]) {
        rules.push(
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-alb-in-${port}`,
                {
                    securityGroupId: securityGroup.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: ANYWHERE,
                    description: port === ports.https ? "HTTPS from the internet" : "HTTP, redirected to HTTPS",
                    tags: albTags,
                },
                { parent },
            ),
        );
    }
    for (const port of [ports.ingressGatewayNodePort, ports.ingressGatewayHealthNodePort]) {
        rules.push(
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-alb-out-${port}`,
                {
                    securityGroupId: securityGroup.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: args.serviceSegmentCidr,
                    description: "to the Istio ingress gateway's node ports in the service segment",
                    tags: albTags,
                },
                { parent },
            ),
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-service-from-alb-${port}`,
                {
                    securityGroupId: args.serviceSecurityGroupId,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    referencedSecurityGroupId: securityGroup.id,
                    description: "from the ALB to the Istio ingress gateway's node ports",
                },
                { parent },
            ),
        );
    }
    return { securityGroup, rules };
}

export interface LoadBalancerArgs {
    prefix: string;
    publicSubnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    /** The access log bucket, and its policy the ALB waits for (ELB's test write at creation). */
    accessLogBucketName: pulumi.Input<string>;
    accessLogBucketPolicy?: pulumi.Resource;
    deletionProtection: boolean;
}

/** The internet-facing ALB in the public subnets, with access logs. */
export function loadBalancer(parent: pulumi.Resource, name: string, args: LoadBalancerArgs): aws.lb.LoadBalancer {
    return new aws.lb.LoadBalancer(
        `${name}-alb`,
        {
            name: `${args.prefix}-alb`,
            loadBalancerType: "application",
            internal: false,
            ipAddressType: "ipv4",
            subnets: args.publicSubnetIds,
            securityGroups: [args.securityGroupId],
            dropInvalidHeaderFields: true,
            desyncMitigationMode: "defensive",
            enableTlsVersionAndCipherSuiteHeaders: true,
            enableDeletionProtection: args.deletionProtection,
            // `enabled` defaults to false even with a bucket. No prefix: the bucket (dedicated to these
            // logs) lets ELB write only under AWSLogs/<account>/, and ELB's test write at creation fails
            // with Access Denied for any other path.
            accessLogs: { bucket: args.accessLogBucketName, enabled: true },
            tags: { Name: `${args.prefix}-alb`, role: "alb" },
        },
        {
            parent,
            protect: args.deletionProtection,
            dependsOn: args.accessLogBucketPolicy ? [args.accessLogBucketPolicy] : [],
        },
    );
}

/**
 * The ingress gateway's target group: the service nodes, on the gateway Service's node port (kube-proxy
 * forwards to a gateway pod). EC2 Auto Scaling registers (and deregisters) the service nodes as they launch
 * and terminate.
 */
export function ingressTargets(
    parent: pulumi.Resource,
    name: string,
    args: { prefix: string; vpcId: pulumi.Input<string>; autoScalingGroupName: pulumi.Input<string> },
) {
    const targetGroup = new aws.lb.TargetGroup(
        `${name}-ingress-gateway`,
        {
            name: `${args.prefix}-ingress-gw`,
            vpcId: args.vpcId,
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
            tags: { Name: `${args.prefix}-ingress-gw` },
        },
        { parent },
    );
    const attachment = new aws.autoscaling.Attachment(
        `${name}-ingress-gateway`,
        { autoscalingGroupName: args.autoScalingGroupName, lbTargetGroupArn: targetGroup.arn },
        { parent },
    );
    return { targetGroup, attachment };
}

export interface CertificateArgs {
    prefix: string;
    /** Organisation of the self-signed certificate. */
    project: string;
    /** Public domain (ACM, alias record in hostedZoneId); empty means a self-signed certificate. */
    domainName: string;
    hostedZoneId: string;
    albDnsName: pulumi.Input<string>;
    albZoneId: pulumi.Input<string>;
}

/**
 * The listener certificate: ACM with DNS validation in the hosted zone when domainName is set, else a
 * self-signed ECDSA P-256 certificate imported into ACM (its key a secret), renewed on the guide's
 * certificate rotation period.
 */
export function listenerCertificate(
    parent: pulumi.Resource,
    name: string,
    args: CertificateArgs,
): pulumi.Output<string> {
    if (args.domainName !== "") {
        const cert = new aws.acm.Certificate(
            `${name}-cert`,
            { domainName: args.domainName, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1" },
            { parent },
        );
        const option = cert.domainValidationOptions.apply((o) => o[0]);
        const record = new aws.route53.Record(
            `${name}-cert-validation`,
            {
                zoneId: args.hostedZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
                allowOverwrite: true,
            },
            { parent },
        );
        new aws.route53.Record(
            `${name}-alb-alias`,
            {
                zoneId: args.hostedZoneId,
                name: args.domainName,
                type: "A",
                aliases: [{ name: args.albDnsName, zoneId: args.albZoneId, evaluateTargetHealth: true }],
            },
            { parent },
        );
        const validation = new aws.acm.CertificateValidation(
            `${name}-cert`,
            { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] },
            { parent },
        );
        return validation.certificateArn;
    }
    const rotationHours = guide.identityManagement.certificateRotationDays * 24;
    const key = new tls.PrivateKey(`${name}-cert`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
    const selfSigned = new tls.SelfSignedCert(
        `${name}-cert`,
        {
            privateKeyPem: key.privateKeyPem,
            subject: { commonName: `${args.prefix}-alb`, organization: args.project },
            dnsNames: [args.albDnsName],
            validityPeriodHours: rotationHours,
            // Replaced on the first `pulumi up` in the last third of its life.
            earlyRenewalHours: Math.floor(rotationHours / 3),
            allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
        },
        { parent },
    );
    const imported = new aws.acm.Certificate(
        `${name}-cert`,
        { privateKey: pulumi.secret(key.privateKeyPem), certificateBody: selfSigned.certPem },
        { parent },
    );
    return imported.arn;
}

/** HTTPS (TLS 1.3 only) forwarding to the ingress gateway, and HTTP redirected to HTTPS. */
export function listeners(
    parent: pulumi.Resource,
    name: string,
    args: { albArn: pulumi.Input<string>; certificateArn: pulumi.Input<string>; targetGroupArn: pulumi.Input<string> },
) {
    const https = new aws.lb.Listener(
        `${name}-https`,
        {
            loadBalancerArn: args.albArn,
            port: ports.https,
            protocol: "HTTPS",
            sslPolicy: networkDesign.albSslPolicy,
            certificateArn: args.certificateArn,
            defaultActions: [{ type: "forward", targetGroupArn: args.targetGroupArn }],
        },
        { parent },
    );
    const http = new aws.lb.Listener(
        `${name}-http`,
        {
            loadBalancerArn: args.albArn,
            port: ports.http,
            protocol: "HTTP",
            defaultActions: [
                {
                    type: "redirect",
                    redirect: { protocol: "HTTPS", port: `${ports.https}`, statusCode: "HTTP_301" },
                },
            ],
        },
        { parent },
    );
    return { https, http };
}
