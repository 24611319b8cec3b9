// Bucket policy statements of the log buckets: CloudTrail, AWS Config, log delivery and ELB access logs.
import * as pulumi from "@pulumi/pulumi";
import { AwsEnv, Statement } from "./common";

/**
 * ELB account per Region for Regions opened before August 2022; later Regions use the service principal
 * logdelivery.elasticloadbalancing.amazonaws.com (granted everywhere). Written out because
 * aws.elb.getServiceAccount is an extra invoke.
 */
export const ELB_ACCOUNTS: Record<string, string> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-south-1": "718504428378",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-south-1": "635631232127",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
};

/** CloudTrail's bucket ACL check and writes, bound to this stack's trail (aws:SourceArn). */
export function cloudTrailStatements(
    bucketArn: pulumi.Output<string>,
    trailArn: pulumi.Output<string>,
    env: AwsEnv,
): pulumi.Output<Statement[]> {
    return pulumi.all([bucketArn, trailArn, env.accountId]).apply(([b, trail, acct]): Statement[] => [
        {
            Sid: "AWSCloudTrailAclCheck",
            Effect: "Allow" as const,
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: b,
            Condition: { StringEquals: { "aws:SourceArn": trail } },
        },
        {
            Sid: "AWSCloudTrailWrite",
            Effect: "Allow" as const,
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${b}/AWSLogs/${acct}/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail } },
        },
    ]);
}

/** Tag `purpose` of AWS Config's delivery bucket. */
export const CONFIG_BUCKET_PURPOSE = "config-history";
/** Key prefix of the Config delivery channel in its bucket. */
export const CONFIG_KEY_PREFIX = "config";

/**
 * AWS Config delivery (AWS Config developer guide, "Permissions for the Amazon S3 bucket"): ACL and existence
 * checks and writes under `<prefix>/AWSLogs/<account>/Config/`, from this account only; configuration history
 * is evidence, so no one deletes object versions (the lifecycle still expires them).
 */
export function configDeliveryStatements(bucketArn: pulumi.Output<string>, env: AwsEnv): pulumi.Output<Statement[]> {
    return pulumi.all([bucketArn, env.accountId]).apply(([b, acct]): Statement[] => {
        const account = { StringEquals: { "aws:SourceAccount": acct } };
        return [
            {
                Sid: "AWSConfigBucketPermissionsCheck",
                Effect: "Allow",
                Principal: { Service: "config.amazonaws.com" },
                Action: "s3:GetBucketAcl",
                Resource: b,
                Condition: account,
            },
            {
                Sid: "AWSConfigBucketExistenceCheck",
                Effect: "Allow",
                Principal: { Service: "config.amazonaws.com" },
                Action: "s3:ListBucket",
                Resource: b,
                Condition: account,
            },
            {
                Sid: "AWSConfigBucketDelivery",
                Effect: "Allow",
                Principal: { Service: "config.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${b}/${CONFIG_KEY_PREFIX}/AWSLogs/${acct}/Config/*`,
                Condition: {
                    StringEquals: { "aws:SourceAccount": acct, "s3:x-amz-acl": "bucket-owner-full-control" },
                },
            },
            {
                Sid: "DenyHistoryDeletion",
                Effect: "Deny",
                Principal: "*",
                Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                Resource: `${b}/*`,
            },
        ];
    });
}

/** Log delivery (VPC flow logs, WAF, Network Firewall to S3) from this account only. */
export function logDeliveryStatements(bucketArn: pulumi.Output<string>, env: AwsEnv): pulumi.Output<Statement[]> {
    return pulumi
        .all([bucketArn, env.partition, env.region, env.accountId])
        .apply(([b, p, region, acct]): Statement[] => {
            const condition = {
                StringEquals: { "aws:SourceAccount": acct },
                ArnLike: { "aws:SourceArn": `arn:${p}:logs:${region}:${acct}:*` },
            };
            return [
                {
                    Sid: "AWSLogDeliveryAclCheck",
                    Effect: "Allow" as const,
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                    Resource: b,
                    Condition: condition,
                },
                {
                    Sid: "AWSLogDeliveryWrite",
                    Effect: "Allow" as const,
                    Principal: { Service: "delivery.logs.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: awsLogsKeys(b, acct),
                    Condition: {
                        ...condition,
                        StringEquals: { ...condition.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
                    },
                },
            ];
        });
}

/**
 * Keys AWS log delivery writes: `[<prefix>/]AWSLogs/<account>/...`. The prefix is the log source's setting
 * (the ALB logs under `alb/`), so both forms are admitted; ELB checks the grant when access logs are enabled.
 */
function awsLogsKeys(bucketArn: string, account: string): string[] {
    return [`${bucketArn}/AWSLogs/${account}/*`, `${bucketArn}/*/AWSLogs/${account}/*`];
}

/** ELB access-log delivery: the service principal, plus the Region's ELB account where one exists. */
export function elbStatements(bucketArn: pulumi.Output<string>, env: AwsEnv): pulumi.Output<Statement[]> {
    return pulumi.all([bucketArn, env.partition, env.region, env.accountId]).apply(([b, p, region, acct]) => {
        const list: Statement[] = [
            {
                Sid: "ElbLogDelivery",
                Effect: "Allow",
                Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: awsLogsKeys(b, acct),
            },
        ];
        const elbAccount = ELB_ACCOUNTS[region];
        if (elbAccount) {
            list.push({
                Sid: "ElbRegionalAccount",
                Effect: "Allow",
                Principal: { AWS: `arn:${p}:iam::${elbAccount}:root` },
                Action: "s3:PutObject",
                Resource: awsLogsKeys(b, acct),
            });
        }
        return list;
    });
}
