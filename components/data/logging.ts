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
import {
    CONFIG_BUCKET_PURPOSE,
    cloudTrailStatements,
    configDeliveryStatements,
    elbStatements,
    logDeliveryStatements,
} from "./log-bucket-policies";
import { LOG_GROUP_SOURCE, LogGroupName, StreamedSource } from "./log-sources";
import { logStreams } from "./log-streams";
import { secureBucket, SecureBucket } from "./bucket";
import { arn, awsEnv, classified, DataConfig, dataNames } from "./common";

export { CONFIG_BUCKET_PURPOSE, CONFIG_KEY_PREFIX, ELB_ACCOUNTS } from "./log-bucket-policies";
export { LOG_GROUP_SOURCE, STREAMED_SOURCES } from "./log-sources";
export type { LogGroupName, StreamedSource } from "./log-sources";

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

/**
 * Central log storage (security_monitoring.log_collection): one bucket and the log groups per source, each
 * expiring at its source's retention, KMS-encrypted; the audit bucket under Object Lock COMPLIANCE. The
 * buckets' policies are in log-bucket-policies.ts, the log groups' copy into the buckets in log-streams.ts.
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
        // (log-streams.ts).
        const streams = logStreams(this, name, {
            prefix: names.prefix,
            env,
            buckets: { system: buckets.system, security: buckets.security },
            logsKeyArn: args.logsKeyArn,
            logGroups: this.logGroups,
            permissionsBoundaryArn: args.permissionsBoundaryArn,
        });
        this.logStreams = streams.logStreams;
        this.subscriptionRoleArn = streams.subscriptionRoleArn;
        const subscriptions = streams.subscriptions;

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
