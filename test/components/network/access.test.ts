import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { FLOW_LOG_GROUP, program, Rec, idOf } from "./fixture";

let dev: ProgramRun;
beforeAll(async () => {
    dev = await program({}, "dev");
}, 60_000);

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

    it("every interface endpoint carries a policy for the stack's account's principals, on its own service", () => {
        const sts = JSON.parse(named(dev, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-sts").inputs.policy as string);
        expect(sts.Statement).toEqual([
            {
                Sid: "StackAccountPrincipals",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: ["sts:*"],
                Resource: "*",
                Condition: { StringEquals: { "aws:PrincipalAccount": "123456789012" } },
            },
            {
                Sid: "WebIdentityIntoStackRoles",
                Effect: "Allow",
                Principal: { Federated: "*" },
                Action: "sts:AssumeRoleWithWebIdentity",
                Resource: "arn:aws:iam::123456789012:role/*",
            },
        ]);
        const monitoring = named(dev, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-monitoring").inputs;
        expect(JSON.parse(monitoring.policy as string).Statement[0].Action).toEqual(["cloudwatch:*"]);
        const interfaces = ofType(dev, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
            (e) => e.inputs.vpcEndpointType === "Interface",
        );
        expect(interfaces).toHaveLength(16);
        expect(interfaces.filter((e) => typeof e.inputs.policy !== "string").map((e) => e.name)).toEqual([]);
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
