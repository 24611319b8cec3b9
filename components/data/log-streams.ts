import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogSource } from "../../policy-pack/catalog";
import { LOG_SOURCE_CLASSIFICATION, LOG_SOURCE_TAG } from "../../policy-pack/catalog/data";
import { SecureBucket } from "./bucket";
import { AwsEnv, classified, policyDocument, serviceTrust, Statement } from "./common";
import { LOG_GROUP_SOURCE, LogGroupName, STREAMED_SOURCES, StreamedSource } from "./log-sources";

export interface LogStreamsArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    env: AwsEnv;
    /** The buckets the streamed sources' log groups are copied into. */
    buckets: Record<StreamedSource, SecureBucket>;
    /** KMS key of the buckets' objects. */
    logsKeyArn: pulumi.Input<string>;
    /** Every log group; those of a streamed source get a subscription filter. */
    logGroups: Record<LogGroupName, aws.cloudwatch.LogGroup>;
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * Central storage: every system / security log group is copied, as it arrives, into its source's bucket
 * (CloudWatch Logs subscription → Firehose → S3, SSE-KMS with the logs key). The groups keep the searchable
 * copy, the buckets the retained one.
 */
export function logStreams(parent: pulumi.Resource, name: string, args: LogStreamsArgs) {
    const streamRole = new aws.iam.Role(
        `${name}-firehose`,
        {
            name: `${args.prefix}-log-firehose`,
            description: "Firehose delivery of subscribed log groups into the system / security log buckets",
            assumeRolePolicy: serviceTrust(
                "firehose.amazonaws.com",
                args.env.accountId.apply((acct) => ({ StringEquals: { "aws:SourceAccount": acct } })),
            ),
            permissionsBoundary: args.permissionsBoundaryArn,
            tags: classified("sensitive"),
        },
        { parent },
    );
    const streamRolePolicy = new aws.iam.RolePolicy(
        `${name}-firehose`,
        {
            role: streamRole.id,
            policy: policyDocument(
                pulumi
                    .all([
                        args.buckets.system.bucket.arn,
                        args.buckets.security.bucket.arn,
                        args.logsKeyArn,
                        args.env.region,
                    ])
                    .apply(([system, security, key, region]): Statement[] => [
                        {
                            Sid: "WriteLogBuckets",
                            Effect: "Allow",
                            Action: [
                                "s3:AbortMultipartUpload",
                                "s3:GetBucketLocation",
                                "s3:GetObject",
                                "s3:ListBucket",
                                "s3:ListBucketMultipartUploads",
                                "s3:PutObject",
                            ],
                            Resource: [system, `${system}/*`, security, `${security}/*`],
                        },
                        {
                            Sid: "EncryptWithLogsKey",
                            Effect: "Allow",
                            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                            Resource: key,
                            Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
                        },
                    ]),
            ),
        },
        { parent },
    );
    const streams = Object.fromEntries(
        STREAMED_SOURCES.map((source) => [
            source,
            new aws.kinesis.FirehoseDeliveryStream(
                `${name}-${source}-stream`,
                {
                    name: `${args.prefix}-${source}-logs`,
                    destination: "extended_s3",
                    serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
                    extendedS3Configuration: {
                        roleArn: streamRole.arn,
                        bucketArn: args.buckets[source].bucket.arn,
                        // Subscription records arrive gzip-compressed already.
                        compressionFormat: "UNCOMPRESSED",
                        prefix: "cloudwatch/!{timestamp:yyyy/MM/dd}/",
                        errorOutputPrefix: "cloudwatch-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                        bufferingInterval: 300,
                        bufferingSize: 5,
                        kmsKeyArn: args.logsKeyArn,
                    },
                    tags: classified(LOG_SOURCE_CLASSIFICATION[source], { [LOG_SOURCE_TAG]: source }),
                },
                { parent, dependsOn: [streamRolePolicy, args.buckets[source].policy] },
            ),
        ]),
    ) as Record<StreamedSource, aws.kinesis.FirehoseDeliveryStream>;
    const subscriptionRole = new aws.iam.Role(
        `${name}-subscription`,
        {
            name: `${args.prefix}-log-subscription`,
            description: "CloudWatch Logs subscription filters: put records into the log Firehose streams",
            assumeRolePolicy: args.env.region.apply((region) =>
                serviceTrust(
                    `logs.${region}.amazonaws.com`,
                    pulumi.all([args.env.partition, args.env.accountId]).apply(([p, acct]) => ({
                        ArnLike: { "aws:SourceArn": `arn:${p}:logs:${region}:${acct}:*` },
                    })),
                ),
            ),
            permissionsBoundary: args.permissionsBoundaryArn,
            tags: classified("sensitive"),
        },
        { parent },
    );
    const subscriptionPolicy = new aws.iam.RolePolicy(
        `${name}-subscription`,
        {
            role: subscriptionRole.id,
            policy: policyDocument(
                pulumi.all(STREAMED_SOURCES.map((s) => streams[s].arn)).apply((arns): Statement[] => [
                    {
                        Sid: "PutIntoLogStreams",
                        Effect: "Allow",
                        Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
                        Resource: arns,
                    },
                ]),
            ),
        },
        { parent },
    );
    const subscriptionRoleArn = pulumi.all([subscriptionRole.arn, subscriptionPolicy.id]).apply(([arn]) => arn);
    const streamed = (g: LogGroupName) => (STREAMED_SOURCES as readonly LogSource[]).includes(LOG_GROUP_SOURCE[g]);
    const subscriptions = (Object.keys(args.logGroups) as LogGroupName[]).filter(streamed).map(
        (g) =>
            new aws.cloudwatch.LogSubscriptionFilter(
                `${name}-${g}-to-s3`,
                {
                    name: `${args.prefix}-${g}-to-s3`,
                    logGroup: args.logGroups[g].name,
                    // Empty pattern: every event.
                    filterPattern: "",
                    destinationArn: streams[LOG_GROUP_SOURCE[g] as StreamedSource].arn,
                    roleArn: subscriptionRole.arn,
                },
                { parent, dependsOn: [subscriptionPolicy] },
            ),
    );
    return { logStreams: streams, subscriptionRoleArn, subscriptions };
}
