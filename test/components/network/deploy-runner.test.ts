import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { hostAt } from "../../../components/network/cidrs";
import { deployRunnerPolicy } from "../../../components/network/deploy-runner";
import { named, ofType, plain, runStack } from "../../harness/program";

// NET-DEPLOY-PATH: the CodeBuild-hosted GitHub Actions runner of the prod plan, as CodeBuild's runner docs
// and the EKS API's reachability need it.
type Rec = Record<string, any>;
const idOf = (r: RecordedResource) => (r.outputs.id ?? r.id) as string;

let prod: ProgramRun;
beforeAll(async () => {
    prod = await runStack("prod");
}, 120_000);

describe("DeployRunner (NET-DEPLOY-PATH)", () => {
    it("is a CodeBuild project in the management subnets, sourced from the repository through CodeConnections", () => {
        const p = plain<Rec>(named(prod, "aws:codebuild/project:Project", "mas-deploy-runner").inputs);
        const mgmt = ["mas-management-0", "mas-management-1", "mas-management-2"].map((n) =>
            idOf(named(prod, "aws:ec2/subnet:Subnet", n)),
        );
        expect(p).toMatchObject({
            name: "mas-prod-deploy-runner",
            artifacts: { type: "NO_ARTIFACTS" },
            environment: {
                type: "LINUX_CONTAINER",
                computeType: "BUILD_GENERAL1_MEDIUM",
                image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
            },
            source: {
                type: "GITHUB",
                location: "https://github.com/example-org/multi-agent-security.git",
                auth: {
                    type: "CODECONNECTIONS",
                    resource:
                        "arn:aws:codeconnections:eu-west-1:111122223333:connection/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                },
            },
            logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: "/aws/codebuild/mas-prod-deploy-runner" } },
        });
        expect(p.vpcConfig.subnets).toEqual(mgmt);
        expect(p.vpcConfig.securityGroupIds).toEqual([
            idOf(named(prod, "aws:ec2/securityGroup:SecurityGroup", "mas-deploy-runner-sg")),
        ]);
    });

    it("starts on queued workflow jobs only", () => {
        expect(named(prod, "aws:codebuild/webhook:Webhook", "mas-deploy-runner").inputs).toEqual({
            projectName: "mas-prod-deploy-runner",
            buildType: "BUILD",
            filterGroups: [{ filters: [{ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" }] }],
        });
    });

    it("sends HTTPS only, and the EKS control plane's group admits it on 443", () => {
        const sg = idOf(named(prod, "aws:ec2/securityGroup:SecurityGroup", "mas-deploy-runner-sg"));
        const egress = ofType(prod, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(
            (r) => r.inputs.securityGroupId === sg,
        );
        expect(egress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])).toEqual(
            [["tcp", 443, 443, "0.0.0.0/0"]],
        );
        expect(
            ofType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
                (r) => r.inputs.securityGroupId === sg,
            ),
        ).toEqual([]);
        expect(
            named(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "mas-deploy-runner-eks-api")
                .inputs,
        ).toMatchObject({
            securityGroupId: idOf(named(prod, "aws:ec2/securityGroup:SecurityGroup", "mas-cluster-sg")),
            referencedSecurityGroupId: sg,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
        });
    });

    it("its service role is trusted by this CodeBuild project only and carries the boundary", () => {
        const role = named(prod, "aws:iam/role:Role", "mas-deploy-runner-role").inputs;
        expect(JSON.parse(role.assumeRolePolicy as string).Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "codebuild.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: {
                        "aws:SourceArn": "arn:aws:codebuild:eu-west-1:123456789012:project/mas-prod-deploy-runner",
                    },
                },
            },
        ]);
        expect(role.permissionsBoundary).toBe("arn:aws:iam::123456789012:policy/mas-prod-permissions-boundary");
    });

    it("the role may create interfaces only for CodeBuild in the named subnets", () => {
        const doc = deployRunnerPolicy({
            logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/codebuild/x",
            subnetArns: ["arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1"],
            connectionArn: "arn:aws:codeconnections:eu-west-1:123456789012:connection/abc",
            networkInterfaceArn: "arn:aws:ec2:eu-west-1:123456789012:network-interface/*",
        });
        const perm = doc.Statement.find((s) => s.Sid === "VpcInterfacePermission");
        expect(perm?.Condition).toEqual({
            StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
            ArnEquals: { "ec2:Subnet": ["arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-1"] },
        });
        expect(doc.Statement.find((s) => s.Sid === "GitHubConnection")?.Resource).toBe(
            "arn:aws:codeconnections:eu-west-1:123456789012:connection/abc",
        );
    });

    it("the fixed NAT address is a usable host of the first public subnet", () => {
        expect(hostAt("10.0.255.0/26", 10)).toBe("10.0.255.10");
        expect(() => hostAt("10.0.255.0/26", 3)).toThrow(/reserved/);
        expect(() => hostAt("10.0.255.0/26", 63)).toThrow(/reserved/);
    });
});
