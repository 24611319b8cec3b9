import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { networkPolicies } from "../../policy-pack/policies/network";
import { validateResource, validateStack } from "../harness/policy";
import { isSecretValue, named, ofType, plain, runIsolated, stackConfig } from "../harness/program";

/** policy-pack/config/<stack>.json: the policy config `npm run audit` hands the pack for that stack. */
function packConfig(stack: string): Record<string, unknown> {
    return require(`../../policy-pack/config/${stack}.json`) as Record<string, unknown>;
}

const FLOW_LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/mas/dev/vpc-flow";
const WAF_LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-mas-dev";
const SERVICE_ASG = "eks-mas-dev-service-4ac6e0b2-1d3f-8e2a-5b7c-0123456789ab";

function program(overrides: Record<string, unknown>, stack: "dev" | "prod"): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack, overrides), stack, () => {
        const { loadConfig } = require("../../components/config");
        const { EvidenceRegistry } = require("../../components/evidence");
        const { Network, Perimeter } = require("../../components/network");
        const evidence = new EvidenceRegistry();
        const config = loadConfig();
        const network = new Network("mas", {
            config,
            evidence,
            flowLogGroupArn: FLOW_LOG_GROUP,
            firewallLogGroupName: "/mas/dev/network-firewall",
        });
        const perimeter = new Perimeter("mas", {
            config,
            evidence,
            vpcId: network.vpc.id,
            publicSubnetIds: network.publicSubnets.map((s: { id: unknown }) => s.id),
            serviceSecurityGroupId: network.securityGroups.service.id,
            ingressAutoScalingGroupName: SERVICE_ASG,
            albAccessLogBucketName: "mas-dev-alb-access-logs",
            wafLogGroupArn: WAF_LOG_GROUP,
        });
        return { evidence: evidence.output(), wafBlockIpSetArn: perimeter.wafBlockIpSet.arn };
    });
}

type Rec = Record<string, unknown>;
const cidrs = (run: ProgramRun, tag: string, value: string) =>
    ofType(run, "aws:ec2/subnet:Subnet")
        .filter((s) => (s.inputs.tags as Rec)[tag] === value)
        .map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]);
const idOf = (r: RecordedResource) => (r.outputs.id ?? r.id) as string;

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program({}, "dev");
    prod = await program({}, "prod");
}, 60_000);

describe("Network segments (NET-SEG-AGENT, NET-SEG-SERVICE, NET-SEG-MGMT)", () => {
    it("splits each /24 per AZ: dev (2 AZs)", () => {
        expect(cidrs(dev, "segment", "agent")).toEqual([
            ["10.0.1.0/25", "eu-west-1a"],
            ["10.0.1.128/25", "eu-west-1b"],
        ]);
        expect(cidrs(dev, "segment", "service")).toEqual([
            ["10.0.2.0/25", "eu-west-1a"],
            ["10.0.2.128/25", "eu-west-1b"],
        ]);
        expect(cidrs(dev, "segment", "management")).toEqual([
            ["10.0.3.0/25", "eu-west-1a"],
            ["10.0.3.128/25", "eu-west-1b"],
        ]);
    });

    it("splits each /24 per AZ: prod (3 AZs, /26 each, the 4th quarter unused)", () => {
        expect(cidrs(prod, "segment", "agent")).toEqual([
            ["10.0.1.0/26", "eu-west-1a"],
            ["10.0.1.64/26", "eu-west-1b"],
            ["10.0.1.128/26", "eu-west-1c"],
        ]);
        expect(cidrs(prod, "segment", "management").map(([c]) => c)).toEqual([
            "10.0.3.0/26",
            "10.0.3.64/26",
            "10.0.3.128/26",
        ]);
    });

    it("carves public and firewall subnets from the top of the VPC, outside the segments", () => {
        expect(cidrs(dev, "tier", "public")).toEqual([
            ["10.0.255.0/26", "eu-west-1a"],
            ["10.0.255.64/26", "eu-west-1b"],
        ]);
        expect(cidrs(prod, "tier", "firewall")).toEqual([
            ["10.0.254.0/28", "eu-west-1a"],
            ["10.0.254.16/28", "eu-west-1b"],
            ["10.0.254.32/28", "eu-west-1c"],
        ]);
        for (const s of ofType(dev, "aws:ec2/subnet:Subnet")) {
            expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
        }
    });

    it("locks the default security group down (no rules)", () => {
        const sg = named(dev, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "mas-default-sg");
        expect(sg.inputs.ingress).toEqual([]);
        expect(sg.inputs.egress).toEqual([]);
    });
});

describe("Routing: egress only through NAT and the firewall (PER-FW-EGRESS, PER-FW-INGRESS)", () => {
    const route = (run: ProgramRun, name: string) => named(run, "aws:ec2/route:Route", name).inputs;
    const nat = (run: ProgramRun, i: number) => idOf(named(run, "aws:ec2/natGateway:NatGateway", `mas-nat-${i}`));
    const endpoints = (run: ProgramRun) => {
        const fw = named(run, "aws:networkfirewall/firewall:Firewall", "mas-firewall-fw");
        const states = ((fw.outputs.firewallStatuses as Rec[])[0].syncStates as Rec[]).map((s) => [
            s.availabilityZone,
            ((s.attachments as Rec[])[0] as Rec).endpointId,
        ]);
        return Object.fromEntries(states) as Record<string, string>;
    };

    it("dev: one NAT gateway shared by every AZ; prod: one per AZ", () => {
        // Besides the deploy runner's own NAT gateway (tested below).
        const workloadNats = (run: ProgramRun) =>
            ofType(run, "aws:ec2/natGateway:NatGateway").filter((n) => !n.name.startsWith("mas-deploy-nat"));
        expect(workloadNats(dev)).toHaveLength(1);
        expect(route(dev, "mas-agent-default-1").natGatewayId).toBe(nat(dev, 0));
        expect(workloadNats(prod)).toHaveLength(3);
        expect(route(prod, "mas-service-default-2").natGatewayId).toBe(nat(prod, 2));
        expect(route(prod, "mas-agent-default-1")).toMatchObject({
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: nat(prod, 1),
        });
    });

    it("public subnets (the ALB's) are created after the internet gateway", () => {
        const igw = named(prod, "aws:ec2/internetGateway:InternetGateway", "mas-igw");
        for (const i of [0, 1, 2]) {
            expect(named(prod, "aws:ec2/subnet:Subnet", `mas-public-${i}`).dependencies).toContain(igw.urn);
        }
    });

    it("management leaves only through the deploy runner's NAT gateway, at a fixed address", () => {
        const deployNat = named(prod, "aws:ec2/natGateway:NatGateway", "mas-deploy-nat");
        expect(deployNat.inputs).toMatchObject({
            privateIp: "10.0.255.10",
            subnetId: idOf(named(prod, "aws:ec2/subnet:Subnet", "mas-public-0")),
            tags: { role: "deploy-runner" },
        });
        for (const i of [0, 1, 2]) {
            expect(route(prod, `mas-management-default-${i}`)).toEqual({
                routeTableId: idOf(named(prod, "aws:ec2/routeTable:RouteTable", `mas-management-rt-${i}`)),
                destinationCidrBlock: "0.0.0.0/0",
                natGatewayId: idOf(deployNat),
            });
        }
    });

    it("without a deploy runner management has no route out and no deploy NAT", async () => {
        const run = await program({ deployRunnerRepository: "", deployRunnerConnectionArn: "" }, "dev");
        expect(ofType(run, "aws:ec2/route:Route").filter((r) => r.name.startsWith("mas-management"))).toEqual([]);
        expect(ofType(run, "aws:ec2/natGateway:NatGateway").map((n) => n.name)).toEqual(["mas-nat-0"]);
        expect(ofType(run, "aws:networkfirewall/ruleGroup:RuleGroup").map((r) => r.name)).not.toContain(
            "mas-firewall-deploy-domains",
        );
        const mgmtAcl = named(run, "aws:ec2/networkAcl:NetworkAcl", "mas-management-acl").inputs;
        expect((mgmtAcl.ingress as Rec[]).some((e) => e.cidrBlock === "0.0.0.0/0")).toBe(false);
    });

    it("public subnets leave through the same-AZ firewall endpoint; the firewall subnets through the IGW", () => {
        const ep = endpoints(prod);
        expect(route(prod, "mas-public-default-0").vpcEndpointId).toBe(ep["eu-west-1a"]);
        expect(route(prod, "mas-public-default-2").vpcEndpointId).toBe(ep["eu-west-1c"]);
        const igw = idOf(named(prod, "aws:ec2/internetGateway:InternetGateway", "mas-igw"));
        expect(route(prod, "mas-firewall-default")).toMatchObject({
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: igw,
        });
    });

    it("the IGW edge route table sends traffic for each public subnet to its AZ's firewall endpoint", () => {
        const ep = endpoints(dev);
        const igw = idOf(named(dev, "aws:ec2/internetGateway:InternetGateway", "mas-igw"));
        const edge = named(dev, "aws:ec2/routeTable:RouteTable", "mas-igw-edge-rt");
        expect(named(dev, "aws:ec2/routeTableAssociation:RouteTableAssociation", "mas-igw-edge-rt").inputs).toEqual({
            routeTableId: idOf(edge),
            gatewayId: igw,
        });
        expect(route(dev, "mas-igw-edge-0")).toMatchObject({
            destinationCidrBlock: "10.0.255.0/26",
            vpcEndpointId: ep["eu-west-1a"],
        });
        expect(route(dev, "mas-igw-edge-1")).toMatchObject({
            destinationCidrBlock: "10.0.255.64/26",
            vpcEndpointId: ep["eu-west-1b"],
        });
    });

    it("no segment route table has a route to an internet gateway", () => {
        const segmentTables = new Set(
            ofType(prod, "aws:ec2/routeTable:RouteTable")
                .filter((t) => (t.inputs.tags as Rec).segment)
                .map(idOf),
        );
        expect(segmentTables.size).toBe(9);
        for (const r of ofType(prod, "aws:ec2/route:Route").filter((x) =>
            segmentTables.has(x.inputs.routeTableId as string),
        )) {
            expect(r.inputs.gatewayId).toBeUndefined();
        }
    });
});

describe("Network ACLs and security groups (access levels)", () => {
    const acl = (run: ProgramRun, segment: string) =>
        named(run, "aws:ec2/networkAcl:NetworkAcl", `mas-${segment}-acl`).inputs as { ingress: Rec[]; egress: Rec[] };
    const sgRules = (run: ProgramRun, type: string, prefix: string) =>
        ofType(run, type)
            .filter((r) => r.name.startsWith(prefix))
            .map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.cidrIpv4]);

    it("NET-SEG-MGMT: the management ACL denies the agent segment first and admits admin CIDRs on 22/443", () => {
        const { ingress } = acl(dev, "management");
        expect(ingress[0]).toEqual({
            ruleNo: 100,
            action: "deny",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlock: "10.0.1.0/24",
        });
        expect(ingress.filter((e) => e.cidrBlock === "203.0.113.0/24").map((e) => [e.protocol, e.fromPort])).toEqual([
            ["tcp", 22],
            ["tcp", 443],
        ]);
        // From anywhere only replies (ephemeral ports) to the deploy runner's HTTPS; its egress: 443 only.
        expect(ingress.filter((e) => e.cidrBlock === "0.0.0.0/0")).toEqual([
            expect.objectContaining({ action: "allow", protocol: "tcp", fromPort: 1024, toPort: 65535 }),
        ]);
        expect(acl(dev, "management").egress.filter((e) => e.cidrBlock === "0.0.0.0/0")).toEqual([
            expect.objectContaining({ action: "allow", protocol: "tcp", fromPort: 443, toPort: 443 }),
        ]);
    });

    it("NET-SEG-AGENT: agents may send only mesh/service ports and DNS to the service segment, 443/80 out", () => {
        const { egress } = acl(dev, "agent");
        expect(
            egress
                .filter((e) => e.cidrBlock === "10.0.2.0/24" && e.fromPort === e.toPort)
                .map((e) => [e.protocol, e.fromPort]),
        ).toEqual([
            ["tcp", 443],
            ["tcp", 8443],
            ["tcp", 15008],
            ["tcp", 15012],
            ["tcp", 53],
            ["udp", 53],
        ]);
        expect(egress.find((e) => e.cidrBlock === "10.0.3.0/24")).toMatchObject({ action: "deny", protocol: "-1" });
        expect(egress.filter((e) => e.cidrBlock === "0.0.0.0/0").map((e) => e.fromPort)).toEqual([443, 80]);
        expect(
            sgRules(dev, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "mas-agent-out-internet"),
        ).toEqual([
            ["tcp", 443, "0.0.0.0/0"],
            ["tcp", 80, "0.0.0.0/0"],
        ]);
    });

    it("NET-SEG-SERVICE: the service segment admits agents on the mesh ports and the ALB on the gateway ports", () => {
        expect(
            sgRules(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "mas-service-in-agent"),
        ).toEqual([
            ["tcp", 443, "10.0.1.0/24"],
            ["tcp", 8443, "10.0.1.0/24"],
            ["tcp", 15008, "10.0.1.0/24"],
            ["tcp", 15012, "10.0.1.0/24"],
            ["udp", 53, "10.0.1.0/24"],
            ["tcp", 53, "10.0.1.0/24"],
        ]);
        // The ALB reaches the gateway's NodePorts (HTTPS 30443, readiness 31021) on the service nodes.
        const albSg = idOf(named(dev, "aws:ec2/securityGroup:SecurityGroup", "mas-alb-sg"));
        const serviceSg = idOf(named(dev, "aws:ec2/securityGroup:SecurityGroup", "mas-service-sg"));
        for (const port of [30443, 31021]) {
            expect(
                named(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `mas-service-from-alb-${port}`)
                    .inputs,
            ).toMatchObject({
                securityGroupId: serviceSg,
                referencedSecurityGroupId: albSg,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
            });
            expect(
                named(dev, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", `mas-alb-out-${port}`).inputs,
            ).toMatchObject({ securityGroupId: albSg, cidrIpv4: "10.0.2.0/24", fromPort: port, toPort: port });
        }
        expect(
            acl(dev, "service")
                .ingress.filter((e) => e.cidrBlock === "10.0.255.0/24")
                .map((e) => e.fromPort),
        ).toEqual([30443, 31021]);
    });

    it("no security group rule except the ALB's is open to the internet", () => {
        const open = ofType(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.cidrIpv4 === "0.0.0.0/0",
        );
        expect(open.map((r) => [r.name, r.inputs.fromPort, (r.inputs.tags as Rec).role])).toEqual([
            ["mas-alb-in-443", 443, "alb"],
            ["mas-alb-in-80", 80, "alb"],
        ]);
    });

    it("VPC endpoints: S3 gateway on every segment route table, interface endpoints in the service subnets", () => {
        const s3 = named(dev, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-s3").inputs;
        expect(s3.serviceName).toBe("com.amazonaws.eu-west-1.s3");
        expect((s3.routeTableIds as string[]).length).toBe(6);
        const ssm = named(dev, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-ssmmessages").inputs;
        const serviceSubnets = ofType(dev, "aws:ec2/subnet:Subnet")
            .filter((s) => (s.inputs.tags as Rec).segment === "service")
            .map(idOf);
        expect(ssm).toMatchObject({
            serviceName: "com.amazonaws.eu-west-1.ssmmessages",
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: serviceSubnets,
        });
        expect(
            ofType(dev, "aws:ec2/vpcEndpoint:VpcEndpoint")
                .map((e) => String(e.inputs.serviceName).replace("com.amazonaws.eu-west-1.", ""))
                .sort(),
        ).toEqual(
            [
                "s3",
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
                "monitoring",
                "sns",
                "secretsmanager",
                "elasticloadbalancing",
                "autoscaling",
                "ec2",
            ].sort(),
        );
    });
});

describe("NET-FLOW-LOGS", () => {
    it("records ALL traffic of the VPC into the vpcFlow log group with a delivery role", () => {
        const fl = named(dev, "aws:ec2/flowLog:FlowLog", "mas-flow-logs").inputs;
        const role = named(dev, "aws:iam/role:Role", "mas-flow-logs");
        expect(fl).toMatchObject({
            vpcId: idOf(named(dev, "aws:ec2/vpc:Vpc", "mas-vpc")),
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: FLOW_LOG_GROUP,
            iamRoleArn: role.outputs.arn,
        });
        const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
        expect(trust.Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
        expect(trust.Statement[0].Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
        const policy = JSON.parse(named(dev, "aws:iam/rolePolicy:RolePolicy", "mas-flow-logs").inputs.policy as string);
        expect(policy.Statement[0].Resource).toEqual([FLOW_LOG_GROUP, `${FLOW_LOG_GROUP}:*`]);
    });
});

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

describe("Network Firewall (IDS-SIGNATURE, IDS-AUTO-UPDATE, IPS-PREVENT, PER-FW-EGRESS, PER-FW-INGRESS)", () => {
    const policy = (run: ProgramRun) =>
        named(run, "aws:networkfirewall/firewallPolicy:FirewallPolicy", "mas-firewall-policy").inputs
            .firewallPolicy as Rec;

    it("strict order, forward to the stateful engine, drop by default", () => {
        expect(policy(dev)).toMatchObject({
            statelessDefaultActions: ["aws:forward_to_sfe"],
            statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
            statefulEngineOptions: { ruleOrder: "STRICT_ORDER", streamExceptionPolicy: "DROP" },
            statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
        });
    });

    it("references the managed threat-signature groups first, then our groups", () => {
        const rule = (n: string) => String(named(prod, "aws:networkfirewall/ruleGroup:RuleGroup", n).outputs.arn);
        expect(policy(prod).statefulRuleGroupReferences).toEqual([
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesBotnetStrictOrder",
                priority: 10,
            },
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareStrictOrder",
                priority: 11,
            },
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesEmergingEventsStrictOrder",
                priority: 12,
            },
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/AbusedLegitMalwareDomainsStrictOrder",
                priority: 13,
            },
            { resourceArn: rule("mas-firewall-ingress"), priority: 100 },
            { resourceArn: rule("mas-firewall-egress-hygiene"), priority: 200 },
            { resourceArn: rule("mas-firewall-deploy-domains"), priority: 250 },
            { resourceArn: rule("mas-firewall-egress-domains"), priority: 300 },
        ]);
    });

    it("ipsMode alert (dev only) downgrades the managed groups with DROP_TO_ALERT", async () => {
        const run = await program({ ipsMode: "alert" }, "dev");
        const refs = policy(run).statefulRuleGroupReferences as Rec[];
        expect(refs.slice(0, 4).map((r) => r.override)).toEqual(Array(4).fill({ action: "DROP_TO_ALERT" }));
        expect(refs.slice(4).every((r) => r.override === undefined)).toBe(true);
    });

    it("NET-DEPLOY-PATH: the deploy allow-list admits only the deploy NAT gateway's address", () => {
        const rg = named(prod, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-deploy-domains").inputs;
        expect(rg).toMatchObject({
            type: "STATEFUL",
            ruleGroup: {
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.255.10/32"] } }] },
                rulesSource: {
                    rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI", "HTTP_HOST"] },
                },
                statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
            },
        });
        const targets = ((rg.ruleGroup as Rec).rulesSource as { rulesSourceList: Rec }).rulesSourceList
            .targets as string[];
        expect(targets).toEqual(
            expect.arrayContaining([
                "github.com",
                "api.github.com",
                ".actions.githubusercontent.com",
                "get.pulumi.com",
            ]),
        );
    });

    it("PER-FW-EGRESS: the S3 gateway endpoint admits the stack's account and named AWS-owned buckets only", () => {
        const policy = JSON.parse(named(dev, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-s3").inputs.policy as string);
        expect(policy.Statement[0]).toEqual({
            Sid: "StackAccountBuckets",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } },
        });
        expect(policy.Statement[1].Action).toBe("s3:GetObject");
        expect(policy.Statement[1].Resource).toContain("arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*");
        expect(policy.Statement).toHaveLength(2);
    });

    it("PER-FW-EGRESS: the default egress allow-list is the pinned charts' registries, the ACME endpoint and Route 53 (no .amazonaws.com)", () => {
        const rg = named(dev, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-egress-domains").inputs;
        expect(((rg.ruleGroup as Rec).rulesSource as { rulesSourceList: Rec }).rulesSourceList.targets).toEqual([
            "route53.amazonaws.com",
            "registry-1.docker.io",
            "auth.docker.io",
            "production.cloudflare.docker.com",
            "production.cloudfront.docker.com",
            "docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com",
            "quay.io",
            "cdn.quay.io",
            "cdn01.quay.io",
            "cdn02.quay.io",
            "cdn03.quay.io",
            "public.ecr.aws",
            "d2glxqk2uabbnd.cloudfront.net",
            "d5l0dvt14r5h8.cloudfront.net",
            "acme-v02.api.letsencrypt.org",
            // Helm chart repositories, fetched by the deploy runner behind the firewall (mesh lane, issue 12).
            "istio-release.storage.googleapis.com",
            "charts.jetstack.io",
        ]);
    });

    it("egress allow-list from egressAllowedDomains on TLS SNI and HTTP Host, strict order", () => {
        const rg = named(dev, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-egress-domains").inputs;
        expect(rg).toMatchObject({
            type: "STATEFUL",
            ruleGroup: {
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI", "HTTP_HOST"],
                    },
                },
                statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.0.0/16"] } }] },
            },
        });
    });

    it("ingress rules admit only TCP 443/80 to the public subnets and drop the rest", () => {
        const rg = named(dev, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-ingress").inputs
            .ruleGroup as Rec;
        const lines = String((rg.rulesSource as Rec).rulesString).split("\n");
        expect(lines.map((l) => l.split(" (")[0])).toEqual([
            "pass tcp $EXTERNAL_NET any -> $PUBLIC_NET 443",
            "pass tcp $EXTERNAL_NET any -> $PUBLIC_NET 80",
            "drop tcp $EXTERNAL_NET any -> $HOME_NET any",
            "drop udp $EXTERNAL_NET any -> $HOME_NET any",
            "drop icmp $EXTERNAL_NET any -> $HOME_NET any",
        ]);
        expect((rg.ruleVariables as Rec).ipSets).toContainEqual({
            key: "PUBLIC_NET",
            ipSet: { definitions: ["10.0.255.0/26", "10.0.255.64/26"] },
        });
    });

    it("sits in the firewall subnets and logs ALERT and FLOW to the firewall log group", () => {
        const fw = named(prod, "aws:networkfirewall/firewall:Firewall", "mas-firewall-fw");
        const fwSubnets = ofType(prod, "aws:ec2/subnet:Subnet")
            .filter((s) => (s.inputs.tags as Rec).tier === "firewall")
            .map((s) => ({ subnetId: idOf(s) }));
        expect(fw.inputs.subnetMappings).toEqual(fwSubnets);
        expect(fw.inputs.deleteProtection).toBe(true);
        const logging = named(
            dev,
            "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
            "mas-firewall-logging",
        );
        expect(logging.inputs.loggingConfiguration).toEqual({
            logDestinationConfigs: ["ALERT", "FLOW"].map((logType) => ({
                logType,
                logDestinationType: "CloudWatchLogs",
                logDestination: { logGroup: "/mas/dev/network-firewall" },
            })),
        });
    });
});

describe("IPS-BEHAVIORAL: GuardDuty", () => {
    it("enables the detector with EKS audit logs and runtime monitoring (EKS add-on managed)", () => {
        const detector = named(dev, "aws:guardduty/detector:Detector", "mas-firewall-guardduty");
        expect(detector.inputs.enable).toBe(true);
        const features = ofType(dev, "aws:guardduty/detectorFeature:DetectorFeature").map((f) => f.inputs);
        expect(features).toEqual([
            { detectorId: idOf(detector), name: "EKS_AUDIT_LOGS", status: "ENABLED" },
            {
                detectorId: idOf(detector),
                name: "RUNTIME_MONITORING",
                status: "ENABLED",
                additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
            },
        ]);
    });
});

describe("evidence and the network policies on the component's own resources", () => {
    it("records every network control", () => {
        const ids = Object.keys(dev.stackOutputs.evidence as Rec).sort();
        expect(ids).toEqual(
            [
                "IDS-AUTO-UPDATE",
                "IDS-SIGNATURE",
                "IPS-BEHAVIORAL",
                "IPS-PREVENT",
                "NET-DEPLOY-PATH",
                "NET-FLOW-LOGS",
                "NET-POD-CAPACITY",
                "NET-SEG-AGENT",
                "NET-SEG-MGMT",
                "NET-SEG-SERVICE",
                "PER-DDOS",
                "PER-FW-EGRESS",
                "PER-FW-INGRESS",
                "PER-LB",
                "PER-WAF-RULES",
                "TLS-IN-TRANSIT",
                "TLS-PFS",
                "TLS-TRANSPORT",
            ].sort(),
        );
        const ddos = (prod.stackOutputs.evidence as Record<string, { resources: { type: string }[] }>)["PER-DDOS"];
        expect(ddos.resources.map((r) => r.type)).toContain("aws:shield/protection:Protection");
    });

    const provider = (env: string) => ({
        type: "pulumi:providers:aws",
        props: { defaultTags: JSON.stringify({ tags: { environment: env } }) },
    });

    it.each([
        ["dev", () => dev],
        ["prod", () => prod],
    ])("%s: every network policy passes", (env, get) => {
        const run = get();
        const violations: string[] = [];
        for (const policy of networkPolicies) {
            if ("validateStack" in policy) {
                const resources = [
                    { type: "pulumi:providers:aws", props: provider(env).props, name: "aws" },
                    ...run.resources.map((r) => ({
                        type: r.type,
                        props: plain<Rec>(r.outputs),
                        name: r.name,
                        urn: r.urn,
                    })),
                ];
                // The stack's policy config, as the audit passes it (e.g. the declared admin CIDRs).
                const entry = packConfig(env)[policy.name];
                const config = entry && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
                violations.push(
                    ...validateStack(policy as StackValidationPolicy, resources, config).map(
                        (v) => `${policy.name}: ${v.message}`,
                    ),
                );
            } else {
                for (const r of run.resources) {
                    violations.push(
                        ...validateResource(policy as ResourceValidationPolicy, {
                            type: r.type,
                            props: plain<Rec>(r.inputs),
                            provider: provider(env),
                        }).map((m) => `${policy.name}: ${r.name}: ${m}`),
                    );
                }
            }
        }
        expect(violations).toEqual([]);
    });
});

describe("log delivery into CloudWatch (IDS-SIGNATURE, PER-WAF-RULES)", () => {
    it.each([
        [
            "mas-firewall-log-delivery",
            "mas-dev-firewall-log-delivery",
            "arn:aws:logs:eu-west-1:123456789012:log-group:/mas/dev/network-firewall:*",
        ],
        ["mas-waf-logs", "mas-dev-waf-log-delivery", `${WAF_LOG_GROUP}:*`],
    ])("%s lets only delivery.logs of this account write into its own log group", (name, policyName, resource) => {
        const r = named(dev, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", name);
        expect(r.inputs.policyName).toBe(policyName);
        expect(JSON.parse(r.inputs.policyDocument as string).Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: resource,
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: { "aws:SourceArn": "arn:aws:logs:eu-west-1:123456789012:*" },
                },
            },
        ]);
    });
});
