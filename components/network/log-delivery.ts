import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A CloudWatch Logs resource policy letting `delivery.logs.amazonaws.com` (WAF, Network Firewall) write into
 * one log group of this account — our own, instead of the shared one the services would write (and can
 * overflow: an account has at most 10 resource policies).
 */
export function logDeliveryPolicy(
    name: string,
    args: { policyName: pulumi.Input<string>; logGroupArn: pulumi.Input<string> },
    parent: pulumi.Resource,
): aws.cloudwatch.LogResourcePolicy {
    const account = aws.getCallerIdentityOutput({}, { parent });
    const region = aws.getRegionOutput({}, { parent });
    const partition = aws.getPartitionOutput({}, { parent });
    return new aws.cloudwatch.LogResourcePolicy(
        name,
        {
            policyName: args.policyName,
            policyDocument: pulumi
                .all([args.logGroupArn, account.accountId, region.region, partition.partition])
                .apply(([arn, accountId, r, p]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "delivery.logs.amazonaws.com" },
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                                Resource: `${arn.replace(/:\*$/, "")}:*`,
                                Condition: {
                                    StringEquals: { "aws:SourceAccount": accountId },
                                    ArnLike: { "aws:SourceArn": `arn:${p}:logs:${r}:${accountId}:*` },
                                },
                            },
                        ],
                    }),
                ),
        },
        { parent },
    );
}
