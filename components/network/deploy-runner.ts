import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LOG_SOURCE_TAG } from "../../policy-pack/catalog/data";
import { networkDesign } from "../../policy-pack/catalog/network";
import { platformDesign } from "../../policy-pack/catalog/platform";
import { deployRunnerProjectName, isRealUpdate, namePrefix } from "../config";
import { connectionAccountMismatch } from "../config/preconditions";
import { EvidenceRegistry } from "../evidence";

/** The stack config the deploy runner reads (keys as validated in components/config). */
export interface DeployRunnerConfig {
    /** Stack name: physical names derive from it. */
    stack: string;
    /** The GitHub repository (owner/name) whose workflow jobs the runner takes. */
    deployRunnerRepository: string;
    /** The CodeConnections connection the runner registers through. */
    deployRunnerConnectionArn: string;
    /** The runner's log group keeps security logs' retention. */
    securityLogRetentionDays: pulumi.Input<number>;
    deletionProtection: boolean;
}

export interface DeployRunnerArgs {
    config: DeployRunnerConfig;
    evidence: EvidenceRegistry;
    vpcId: pulumi.Input<string>;
    /** Network: the management segment's subnets (one per AZ); their default route is the deploy NAT gateway. */
    subnetIds: pulumi.Input<string>[];
    /** Cluster: the EKS control plane's security group; the runner's group is admitted on 443. */
    clusterSecurityGroupId: pulumi.Input<string>;
    /** Data section: the logs key (the runner's CloudWatch log group is encrypted with it). */
    logsKeyArn: pulumi.Input<string>;
    /** Data section: the security log stream (Firehose → security log bucket) the runner's log group feeds. */
    securityLogStream: { destinationArn: pulumi.Input<string>; roleArn: pulumi.Input<string> };
    /** Identity section: the permissions boundary every role of the stack carries. */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * The deploy path into a private EKS API: a CodeBuild-hosted GitHub Actions runner in the management segment
 * (admin_only: the runner is an administrative actor, it applies the reviewed main branch with the deployer
 * role, and the management segment is the only one the EKS API admits). A workflow job with
 * `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}` makes GitHub send a
 * `workflow_job` event; the webhook's WORKFLOW_JOB_QUEUED filter starts a build, which registers an ephemeral
 * runner for that one job.
 *
 * The build's network interface sits in the management subnets behind its own security group: HTTPS out
 * only, admitted by the EKS control plane's group on 443. Internet egress goes through the deploy NAT gateway
 * and the firewall's deploy allow-list (Network); AWS APIs with a VPC endpoint stay inside the VPC. The
 * service role only runs the build (network interfaces, logs, the GitHub connection): the job itself assumes
 * the deploy role through GitHub OIDC, and that role is the cluster's deployer access entry.
 */
export class DeployRunner extends pulumi.ComponentResource {
    readonly project: aws.codebuild.Project;
    readonly webhook: aws.codebuild.Webhook;
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    /** The runs-on label prefix: `codebuild-<project name>`. */
    readonly runsOnPrefix: pulumi.Output<string>;

    constructor(name: string, args: DeployRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:network:DeployRunner", name, {}, opts);
        const cfg = args.config;
        const prefix = namePrefix(cfg);
        const projectName = deployRunnerProjectName(cfg);
        const parent = { parent: this };
        const runner = platformDesign.deployRunner;
        const tags = { role: "deploy-runner" };

        this.securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                name: `${prefix}-deploy-runner`,
                description: "Deploy runner (CodeBuild): HTTPS out only; admitted by the EKS API",
                vpcId: args.vpcId,
                tags: { Name: `${prefix}-deploy-runner`, ...tags },
            },
            parent,
        );
        const egress = new aws.vpc.SecurityGroupEgressRule(
            `${name}-out-https`,
            {
                securityGroupId: this.securityGroup.id,
                ipProtocol: "tcp",
                fromPort: networkDesign.ports.https,
                toPort: networkDesign.ports.https,
                cidrIpv4: "0.0.0.0/0",
                description:
                    "HTTPS: EKS API and VPC endpoints in the VPC; GitHub, npm, Pulumi via NAT and the firewall",
                tags,
            },
            parent,
        );
        const apiIngress = new aws.vpc.SecurityGroupIngressRule(
            `${name}-eks-api`,
            {
                securityGroupId: args.clusterSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: networkDesign.ports.https,
                toPort: networkDesign.ports.https,
                referencedSecurityGroupId: this.securityGroup.id,
                description: "Kubernetes API from the deploy runner",
            },
            parent,
        );

        const region = aws.getRegionOutput({}, parent).region;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;

        // Deployment logs are change records: security retention, the logs key, kept like the other groups.
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: `/aws/codebuild/${projectName}`,
                retentionInDays: cfg.securityLogRetentionDays,
                kmsKeyId: args.logsKeyArn,
                deletionProtectionEnabled: cfg.deletionProtection,
                tags: { ...tags, [LOG_SOURCE_TAG]: "security" },
            },
            { parent: this, protect: cfg.deletionProtection },
        );

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: `${prefix}-deploy-runner`,
                description:
                    "CodeBuild service role of the deploy runner (network interfaces, logs, GitHub connection)",
                permissionsBoundary: args.permissionsBoundaryArn,
                assumeRolePolicy: pulumi.all([account, region, partition]).apply(([acct, r, p]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "codebuild.amazonaws.com" },
                                Action: "sts:AssumeRole",
                                Condition: {
                                    StringEquals: { "aws:SourceAccount": acct },
                                    ArnLike: {
                                        "aws:SourceArn": `arn:${p}:codebuild:${r}:${acct}:project/${projectName}`,
                                    },
                                },
                            },
                        ],
                    }),
                ),
                tags,
            },
            parent,
        );
        const subnetArns = pulumi
            .all([pulumi.all(args.subnetIds), account, region, partition])
            .apply(([ids, acct, r, p]) => ids.map((id) => `arn:${p}:ec2:${r}:${acct}:subnet/${id}`));
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-role`,
            {
                role: this.role.id,
                policy: pulumi
                    .all([this.logGroup.arn, subnetArns, account, region, partition])
                    .apply(([logArn, subnets, acct, r, p]) =>
                        JSON.stringify(
                            deployRunnerPolicy({
                                logGroupArn: logArn,
                                subnetArns: subnets,
                                connectionArn: cfg.deployRunnerConnectionArn,
                                networkInterfaceArn: `arn:${p}:ec2:${r}:${acct}:network-interface/*`,
                            }),
                        ),
                    ),
            },
            parent,
        );

        this.project = new aws.codebuild.Project(
            `${name}`,
            {
                name: projectName,
                description: `GitHub Actions runner for ${cfg.deployRunnerRepository} inside the VPC (deploys to the private EKS API)`,
                serviceRole: this.role.arn,
                artifacts: { type: "NO_ARTIFACTS" },
                environment: {
                    type: "LINUX_CONTAINER",
                    computeType: runner.computeType,
                    image: runner.image,
                    imagePullCredentialsType: "CODEBUILD",
                },
                source: {
                    type: "GITHUB",
                    location: `https://github.com/${cfg.deployRunnerRepository}.git`,
                    // A connection is per account: one from another account is refused by a real update (a
                    // warning in a preview), before CodeBuild fails on it.
                    auth: {
                        type: "CODECONNECTIONS",
                        resource: account.apply((acct) => {
                            const mismatch = connectionAccountMismatch(cfg.deployRunnerConnectionArn, acct);
                            if (mismatch && isRealUpdate()) {
                                throw new Error(mismatch);
                            }
                            if (mismatch) {
                                pulumi.log.warn(mismatch, this);
                            }
                            return cfg.deployRunnerConnectionArn;
                        }),
                    },
                },
                vpcConfig: { vpcId: args.vpcId, subnets: args.subnetIds, securityGroupIds: [this.securityGroup.id] },
                logsConfig: { cloudwatchLogs: { status: "ENABLED", groupName: this.logGroup.name } },
                buildTimeout: 90,
                queuedTimeout: 60,
                tags,
            },
            { parent: this, dependsOn: [rolePolicy, egress] },
        );
        this.webhook = new aws.codebuild.Webhook(
            `${name}`,
            {
                projectName: this.project.name,
                buildType: "BUILD",
                filterGroups: [{ filters: [{ type: "EVENT", pattern: runner.webhookEvent }] }],
            },
            parent,
        );
        this.runsOnPrefix = pulumi.interpolate`codebuild-${this.project.name}`;

        // Deployment records belong in the central security store too, like every security log group.
        const toS3 = new aws.cloudwatch.LogSubscriptionFilter(
            `${name}-logs-to-s3`,
            {
                name: `${projectName}-to-s3`,
                logGroup: this.logGroup.name,
                filterPattern: "",
                destinationArn: args.securityLogStream.destinationArn,
                roleArn: args.securityLogStream.roleArn,
            },
            parent,
        );

        args.evidence.record(
            "NET-DEPLOY-PATH",
            this.project,
            this.webhook,
            this.securityGroup,
            egress,
            apiIngress,
            this.role,
            rolePolicy,
            this.logGroup,
            toS3,
        );

        this.registerOutputs({
            projectName: this.project.name,
            runsOnPrefix: this.runsOnPrefix,
            securityGroupId: this.securityGroup.id,
        });
    }
}

/** The runner's service role policy (CodeBuild's documented VPC, logs and CodeConnections permissions). */
export function deployRunnerPolicy(a: {
    logGroupArn: string;
    subnetArns: string[];
    connectionArn: string;
    networkInterfaceArn: string;
}) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Logs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [a.logGroupArn, `${a.logGroupArn}:*`],
            },
            {
                // CodeBuild's VPC support describes the network and manages the build's interface; these
                // EC2 actions support no resource-level scoping.
                Sid: "VpcDescribe",
                Effect: "Allow",
                Action: [
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeVpcs",
                ],
                Resource: "*",
            },
            {
                Sid: "VpcInterfacePermission",
                Effect: "Allow",
                Action: "ec2:CreateNetworkInterfacePermission",
                Resource: a.networkInterfaceArn,
                Condition: {
                    StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
                    ArnEquals: { "ec2:Subnet": a.subnetArns },
                },
            },
            {
                Sid: "GitHubConnection",
                Effect: "Allow",
                Action: [
                    "codeconnections:GetConnectionToken",
                    "codeconnections:GetConnection",
                    "codestar-connections:GetConnectionToken",
                    "codestar-connections:GetConnection",
                ],
                Resource: a.connectionArn,
            },
        ],
    };
}
