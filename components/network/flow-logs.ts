import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface FlowLogsArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    vpcId: pulumi.Input<string>;
    /** The stack's account (the delivery role trusts only its flow logs). */
    account: pulumi.Output<aws.GetCallerIdentityResult>;
    /** Data section: ARN of the `vpcFlow` log group. */
    flowLogGroupArn: pulumi.Input<string>;
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/** Flow logs of ALL traffic to the data section's log group, with their delivery role. */
export function flowLogs(parent: pulumi.Resource, name: string, args: FlowLogsArgs) {
    const flowRole = new aws.iam.Role(
        `${name}-flow-logs`,
        {
            name: `${args.prefix}-vpc-flow-logs`,
            description: "VPC Flow Logs delivery to CloudWatch Logs",
            permissionsBoundary: args.permissionsBoundaryArn,
            assumeRolePolicy: args.account.accountId.apply((accountId) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                        },
                    ],
                }),
            ),
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-flow-logs`,
        {
            role: flowRole.id,
            policy: pulumi.output(args.flowLogGroupArn).apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: [
                                "logs:CreateLogStream",
                                "logs:PutLogEvents",
                                "logs:DescribeLogGroups",
                                "logs:DescribeLogStreams",
                            ],
                            Resource: [arn, `${arn}:*`],
                        },
                    ],
                }),
            ),
        },
        { parent },
    );
    const flowLog = new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        {
            vpcId: args.vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: args.flowLogGroupArn,
            iamRoleArn: flowRole.arn,
            maxAggregationInterval: 60,
            tags: { Name: `${name}-flow-logs` },
        },
        { parent },
    );
    return { flowRole, flowLog };
}
