import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogSource } from "../../policy-pack/catalog";
import {
    LOG_SOURCE_CLASSIFICATION,
    LOG_SOURCE_TAG,
    SSE_EXEMPTION_ALB,
    SSE_EXEMPTION_TAG,
} from "../../policy-pack/catalog/data";
import { clusterName } from "../config";
import { EvidenceRegistry } from "../evidence";
import { secureBucket, SecureBucket } from "./bucket";
import {
    arn,
    awsEnv,
    AwsEnv,
    classified,
    DataConfig,
    dataNames,
    policyDocument,
    serviceTrust,
    Statement,
} from "./common";

export type LogGroupName = "vpcFlow" | "waf" | "firewall" | "eks" | "cloudtrail" | "system";

/** The log source (and so the retention) of each log group. */
export const LOG_GROUP_SOURCE: Record<LogGroupName, LogSource> = {
    vpcFlow: "security",
    waf: "security",
    firewall: "security",
    eks: "security",
    cloudtrail: "audit",
    system: "system",
};

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

/** The stack config the central log storage reads (keys as validated in components/config). */
export interface LoggingConfig extends DataConfig {
    /** Retention per log class, in days (at least the guide's). */
    systemLogRetentionDays: number;
    securityLogRetentionDays: number;
    auditLogRetentionDays: number;
}

export interface LoggingArgs {
    config: LoggingConfig;
    evidence: EvidenceRegistry;
    /** KMS key for log groups and the system / security buckets. */
    logsKeyArn: pulumi.Input<string>;
    /** KMS key for the audit bucket (CloudTrail). */
    auditKeyArn: pulumi.Input<string>;
    /** identity section: the permissions boundary every role of the stack carries. */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/** Log sources whose log groups are copied into their bucket (audit: CloudTrail writes its bucket itself). */
export const STREAMED_SOURCES = ["system", "security"] as const;
type StreamedSource = (typeof STREAMED_SOURCES)[number];

/**
 * Central log storage (security_monitoring.log_collection): one bucket and the log groups per source, each
 * expiring at its source's retention, KMS-encrypted; the audit bucket under Object Lock COMPLIANCE.
 */
export class Logging extends pulumi.ComponentResource {
    readonly logBuckets: Record<LogSource, aws.s3.Bucket>;
    /** SSE-S3 bucket for ALB access logs (ELB cannot write to SSE-KMS buckets). */
    readonly albAccessLogBucket: aws.s3.Bucket;
    readonly logGroups: Record<LogGroupName, aws.cloudwatch.LogGroup>;
    /** Firehose streams copying the system / security log groups into their buckets. */
    readonly logStreams: Record<StreamedSource, aws.kinesis.FirehoseDeliveryStream>;
    /**
     * The role CloudWatch Logs subscription filters use to put records into the log streams; it resolves once
     * the role's policy exists (CloudWatch Logs test-delivers when a filter is created).
     */
    readonly subscriptionRoleArn: pulumi.Output<string>;
    /**
     * AWS Config's delivery bucket: AWS Config does not support a delivery channel to a bucket with Object Lock
     * (AWS::Config::DeliveryChannel, PutDeliveryChannel), so configuration history cannot go to the audit
     * bucket. Same key, same retention as the audit logs, deletes denied by policy.
     */
    readonly configBucket: aws.s3.Bucket;
    /** The bucket policies (CloudTrail must wait for the audit bucket's, Config for its own). */
    readonly bucketPolicies: Record<LogSource | "alb" | "config", aws.s3.BucketPolicy>;

    constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:Logging", name, {}, opts);
        const cfg = args.config;
        const names = dataNames(cfg);
        const env = awsEnv(this);
        const retention: Record<LogSource, number> = {
            system: cfg.systemLogRetentionDays,
            security: cfg.securityLogRetentionDays,
            audit: cfg.auditLogRetentionDays,
        };
        // Colder classes as logs age; each step before expiry and past the class's minimum days.
        const transitions: Record<LogSource, { days: number; storageClass: string }[]> = {
            system: [{ days: 30, storageClass: "STANDARD_IA" }],
            security: [
                { days: 30, storageClass: "STANDARD_IA" },
                { days: 90, storageClass: "GLACIER_IR" },
            ],
            audit: [
                { days: 30, storageClass: "STANDARD_IA" },
                { days: 90, storageClass: "GLACIER_IR" },
                { days: 365, storageClass: "DEEP_ARCHIVE" },
            ],
        };
        const trailArn = arn(env, "cloudtrail", `trail/${names.trail}`);

        const make = (source: LogSource): SecureBucket =>
            secureBucket(
                `${name}-${source}`,
                {
                    classification: LOG_SOURCE_CLASSIFICATION[source],
                    tags: { [LOG_SOURCE_TAG]: source },
                    kmsKeyArn: source === "audit" ? args.auditKeyArn : args.logsKeyArn,
                    ...(source === "audit" ? { objectLockDays: retention.audit } : {}),
                    lifecycle: {
                        expireDays: retention[source],
                        transitions: transitions[source].filter((t) => t.days < retention[source]),
                        noncurrentDays: 30,
                    },
                    statements:
                        source === "audit"
                            ? (bucketArn) => cloudTrailStatements(bucketArn, trailArn, env)
                            : (bucketArn) => logDeliveryStatements(bucketArn, env),
                    protect: cfg.deletionProtection,
                },
                this,
            );
        const buckets = { system: make("system"), security: make("security"), audit: make("audit") };
        this.logBuckets = {
            system: buckets.system.bucket,
            security: buckets.security.bucket,
            audit: buckets.audit.bucket,
        };

        const alb = secureBucket(
            `${name}-alb-access`,
            {
                classification: LOG_SOURCE_CLASSIFICATION.security,
                tags: { [LOG_SOURCE_TAG]: "security", [SSE_EXEMPTION_TAG]: SSE_EXEMPTION_ALB },
                lifecycle: {
                    expireDays: retention.security,
                    transitions: transitions.security.filter((t) => t.days < retention.security),
                    noncurrentDays: 30,
                },
                statements: (bucketArn) => elbStatements(bucketArn, env),
                protect: cfg.deletionProtection,
            },
            this,
        );
        this.albAccessLogBucket = alb.bucket;

        const config = secureBucket(
            `${name}-config`,
            {
                classification: LOG_SOURCE_CLASSIFICATION.audit,
                tags: { purpose: CONFIG_BUCKET_PURPOSE },
                kmsKeyArn: args.auditKeyArn,
                lifecycle: {
                    expireDays: retention.audit,
                    transitions: transitions.audit.filter((t) => t.days < retention.audit),
                    noncurrentDays: 30,
                },
                statements: (bucketArn) => configDeliveryStatements(bucketArn, env),
                protect: cfg.deletionProtection,
            },
            this,
        );
        this.configBucket = config.bucket;
        this.bucketPolicies = {
            system: buckets.system.policy,
            security: buckets.security.policy,
            audit: buckets.audit.policy,
            alb: alb.policy,
            config: config.policy,
        };

        const groupNames: Record<LogGroupName, string> = {
            vpcFlow: `/${names.prefix}/vpc-flow-logs`,
            // WAF only logs to groups whose name starts with aws-waf-logs-.
            waf: `aws-waf-logs-${names.prefix}`,
            firewall: `/${names.prefix}/network-firewall`,
            // EKS writes control-plane logs here; creating it first sets retention and KMS.
            eks: `/aws/eks/${clusterName(cfg)}/cluster`,
            cloudtrail: `/${names.prefix}/cloudtrail`,
            system: `/${names.prefix}/system`,
        };
        this.logGroups = Object.fromEntries(
            (Object.keys(groupNames) as LogGroupName[]).map((g) => {
                const source = LOG_GROUP_SOURCE[g];
                return [
                    g,
                    new aws.cloudwatch.LogGroup(
                        `${name}-${g}`,
                        {
                            name: groupNames[g],
                            retentionInDays: retention[source],
                            kmsKeyId: args.logsKeyArn,
                            deletionProtectionEnabled: cfg.deletionProtection,
                            tags: classified(LOG_SOURCE_CLASSIFICATION[source], { [LOG_SOURCE_TAG]: source }),
                        },
                        { parent: this, protect: cfg.deletionProtection },
                    ),
                ];
            }),
        ) as Record<LogGroupName, aws.cloudwatch.LogGroup>;

        // Central storage: every system / security log group is copied, as it arrives, into its source's bucket
        // (CloudWatch Logs subscription → Firehose → S3, SSE-KMS with the logs key). The groups keep the
        // searchable copy, the buckets the retained one.
        const streamRole = new aws.iam.Role(
            `${name}-firehose`,
            {
                name: `${names.prefix}-log-firehose`,
                description: "Firehose delivery of subscribed log groups into the system / security log buckets",
                assumeRolePolicy: serviceTrust(
                    "firehose.amazonaws.com",
                    env.accountId.apply((acct) => ({ StringEquals: { "aws:SourceAccount": acct } })),
                ),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: classified("sensitive"),
            },
            { parent: this },
        );
        const streamRolePolicy = new aws.iam.RolePolicy(
            `${name}-firehose`,
            {
                role: streamRole.id,
                policy: policyDocument(
                    pulumi
                        .all([buckets.system.bucket.arn, buckets.security.bucket.arn, args.logsKeyArn, env.region])
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
            { parent: this },
        );
        this.logStreams = Object.fromEntries(
            STREAMED_SOURCES.map((source) => [
                source,
                new aws.kinesis.FirehoseDeliveryStream(
                    `${name}-${source}-stream`,
                    {
                        name: `${names.prefix}-${source}-logs`,
                        destination: "extended_s3",
                        serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
                        extendedS3Configuration: {
                            roleArn: streamRole.arn,
                            bucketArn: buckets[source].bucket.arn,
                            // Subscription records arrive gzip-compressed already.
                            compressionFormat: "UNCOMPRESSED",
                            prefix: "cloudwatch/!{timestamp:yyyy/MM/dd}/",
                            errorOutputPrefix:
                                "cloudwatch-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                            bufferingInterval: 300,
                            bufferingSize: 5,
                            kmsKeyArn: args.logsKeyArn,
                        },
                        tags: classified(LOG_SOURCE_CLASSIFICATION[source], { [LOG_SOURCE_TAG]: source }),
                    },
                    { parent: this, dependsOn: [streamRolePolicy, buckets[source].policy] },
                ),
            ]),
        ) as Record<StreamedSource, aws.kinesis.FirehoseDeliveryStream>;
        const subscriptionRole = new aws.iam.Role(
            `${name}-subscription`,
            {
                name: `${names.prefix}-log-subscription`,
                description: "CloudWatch Logs subscription filters: put records into the log Firehose streams",
                assumeRolePolicy: env.region.apply((region) =>
                    serviceTrust(
                        `logs.${region}.amazonaws.com`,
                        pulumi.all([env.partition, env.accountId]).apply(([p, acct]) => ({
                            ArnLike: { "aws:SourceArn": `arn:${p}:logs:${region}:${acct}:*` },
                        })),
                    ),
                ),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: classified("sensitive"),
            },
            { parent: this },
        );
        const subscriptionPolicy = new aws.iam.RolePolicy(
            `${name}-subscription`,
            {
                role: subscriptionRole.id,
                policy: policyDocument(
                    pulumi.all(STREAMED_SOURCES.map((s) => this.logStreams[s].arn)).apply((arns): Statement[] => [
                        {
                            Sid: "PutIntoLogStreams",
                            Effect: "Allow",
                            Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
                            Resource: arns,
                        },
                    ]),
                ),
            },
            { parent: this },
        );
        this.subscriptionRoleArn = pulumi.all([subscriptionRole.arn, subscriptionPolicy.id]).apply(([arn]) => arn);
        const streamed = (g: LogGroupName) => (STREAMED_SOURCES as readonly LogSource[]).includes(LOG_GROUP_SOURCE[g]);
        const subscriptions = (Object.keys(this.logGroups) as LogGroupName[]).filter(streamed).map(
            (g) =>
                new aws.cloudwatch.LogSubscriptionFilter(
                    `${name}-${g}-to-s3`,
                    {
                        name: `${names.prefix}-${g}-to-s3`,
                        logGroup: this.logGroups[g].name,
                        // Empty pattern: every event.
                        filterPattern: "",
                        destinationArn: this.logStreams[LOG_GROUP_SOURCE[g] as StreamedSource].arn,
                        roleArn: subscriptionRole.arn,
                    },
                    { parent: this, dependsOn: [subscriptionPolicy] },
                ),
        );

        const all = [buckets.system, buckets.security, buckets.audit, alb, config];
        const groupsOf = (s: LogSource) =>
            (Object.keys(this.logGroups) as LogGroupName[])
                .filter((g) => LOG_GROUP_SOURCE[g] === s)
                .map((g) => this.logGroups[g]);
        for (const source of ["system", "security", "audit"] as LogSource[]) {
            const upper = source.toUpperCase();
            const extra = source === "security" ? [alb.bucket, alb.lifecycle] : [];
            args.evidence.record(
                `LOG-${upper}-RETENTION`,
                buckets[source].bucket,
                buckets[source].lifecycle,
                ...extra,
                ...groupsOf(source),
            );
        }
        args.evidence.record("LOG-AUDIT-RETENTION", buckets.audit.objectLock as aws.s3.BucketObjectLockConfiguration);
        args.evidence.record(
            "LOG-AGG-CENTRAL",
            ...all.map((b) => b.bucket),
            ...Object.values(this.logGroups),
            ...Object.values(this.logStreams),
            ...subscriptions,
        );
        args.evidence.record(
            "LOG-AGG-STORAGE",
            ...all.flatMap((b) => [b.bucket, b.publicAccessBlock, b.policy]),
            buckets.audit.objectLock as aws.s3.BucketObjectLockConfiguration,
        );
        args.evidence.record("LOG-AGG-ENCRYPTION", ...all.map((b) => b.encryption), ...Object.values(this.logGroups));
        args.evidence.record(
            "KMS-AT-REST",
            buckets.system.encryption,
            buckets.security.encryption,
            buckets.audit.encryption,
            config.encryption,
        );
        args.evidence.record("DATA-CLS-CRITICAL", buckets.audit.bucket, config.bucket);
        args.evidence.record("DATA-CLS-SENSITIVE", buckets.security.bucket, alb.bucket);
        args.evidence.record("DATA-CLS-INTERNAL", buckets.system.bucket);

        this.registerOutputs({
            logBucketNames: {
                system: this.logBuckets.system.bucket,
                security: this.logBuckets.security.bucket,
                audit: this.logBuckets.audit.bucket,
            },
            albAccessLogBucketName: this.albAccessLogBucket.bucket,
            configBucketName: this.configBucket.bucket,
            logGroupNames: Object.fromEntries(Object.entries(this.logGroups).map(([k, g]) => [k, g.name])),
        });
    }
}

/** CloudTrail's bucket ACL check and writes, bound to this stack's trail (aws:SourceArn). */
function cloudTrailStatements(
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
function configDeliveryStatements(bucketArn: pulumi.Output<string>, env: AwsEnv): pulumi.Output<Statement[]> {
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
function logDeliveryStatements(bucketArn: pulumi.Output<string>, env: AwsEnv): pulumi.Output<Statement[]> {
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
function elbStatements(bucketArn: pulumi.Output<string>, env: AwsEnv): pulumi.Output<Statement[]> {
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
