import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogSource } from "../../policy-pack/catalog";
import { EvidenceRegistry } from "../evidence";
import { AuditTrail } from "./audit-trail";
import { Backup, BackupConfig } from "./backup";
import { DataRoleArns, DataStoreName, DataStores } from "./data-stores";
import { KeyPurpose, Keys } from "./keys";
import { LogGroupName, Logging, LoggingConfig } from "./logging";
import { PayloadKey } from "./payload-key";

export { classified } from "./common";
export type { DataConfig } from "./common";
export { KEY_PURPOSES, Keys } from "./keys";
export type { KeyPurpose } from "./keys";
export { Logging, LOG_GROUP_SOURCE, CONFIG_BUCKET_PURPOSE, CONFIG_KEY_PREFIX } from "./logging";
export type { LogGroupName, LoggingConfig } from "./logging";
export { AuditTrail } from "./audit-trail";
export { Backup } from "./backup";
export type { BackupConfig } from "./backup";
export { DataStores } from "./data-stores";
export type { DataRoleArns, DataStoreName } from "./data-stores";
export { PayloadKey } from "./payload-key";

/** The stack config the data area reads: what its parts read (keys as validated in components/config). */
export interface DataProtectionConfig extends LoggingConfig, BackupConfig {
    /** `adopt`: the landing zone owns Macie (see policy-pack/catalog/account-services.ts). */
    accountServices: "create" | "adopt";
}

export interface DataProtectionArgs {
    config: DataProtectionConfig;
    evidence: EvidenceRegistry;
    /** identity section: roles.systemAdmin.arn, roles.operator.arn, roles.monitoringAgent.arn. */
    roleArns: DataRoleArns;
    /** identity section: the permissions boundary every role of the stack carries. */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * The data area: keys, central log storage and the audit trail, backup per classification, the data stores
 * of access_control.data_access, and the rotated message-payload key.
 */
export class DataProtection extends pulumi.ComponentResource {
    readonly keys: Record<KeyPurpose, aws.kms.Key>;
    readonly signingKey: aws.kms.Key;
    readonly logBuckets: Record<LogSource, aws.s3.Bucket>;
    readonly albAccessLogBucket: aws.s3.Bucket;
    /** AWS Config's delivery bucket (no Object Lock: Config cannot deliver to one). */
    readonly configBucket: aws.s3.Bucket;
    /** The ALB log bucket's policy: ELB writes a test object when access logging is enabled, so the ALB waits for it. */
    readonly albAccessLogBucketPolicy: aws.s3.BucketPolicy;
    readonly logGroups: Record<LogGroupName, aws.cloudwatch.LogGroup>;
    /** Where a log group of another component streams to reach the central S3 store (subscription filter). */
    readonly securityLogStream: { destinationArn: pulumi.Output<string>; roleArn: pulumi.Output<string> };
    readonly dataBuckets: Record<DataStoreName, aws.s3.Bucket>;
    readonly backupVault: aws.backup.Vault;
    readonly trail: aws.cloudtrail.Trail;
    readonly payloadKeySecret: aws.secretsmanager.Secret;

    constructor(name: string, args: DataProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:DataProtection", name, {}, opts);
        const { config, evidence } = args;
        const child = { parent: this };

        const keys = new Keys(`${name}-keys`, { config, evidence, roleArns: args.roleArns }, child);
        const logging = new Logging(
            `${name}-logging`,
            {
                config,
                evidence,
                logsKeyArn: keys.keys.logs.arn,
                auditKeyArn: keys.keys.audit.arn,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
            },
            child,
        );
        const backup = new Backup(
            `${name}-backup`,
            {
                config,
                evidence,
                backupKeyArn: keys.keys.backup.arn,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
            },
            child,
        );
        const stores = new DataStores(
            `${name}-stores`,
            {
                config,
                evidence,
                roleArns: args.roleArns,
                criticalKeyArn: keys.keys.critical.arn,
                sensitiveKeyArn: keys.keys.sensitive.arn,
                backupRoleArn: backup.role.arn,
            },
            child,
        );
        const trail = new AuditTrail(
            `${name}-audit`,
            {
                config,
                evidence,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
                auditBucketName: logging.logBuckets.audit.bucket,
                auditBucketPolicy: logging.bucketPolicies.audit,
                auditKeyArn: keys.keys.audit.arn,
                logGroupArn: logging.logGroups.cloudtrail.arn,
                dataEventBucketArns: [
                    logging.logBuckets.system.arn,
                    logging.logBuckets.security.arn,
                    stores.dataBuckets.agentData.arn,
                    stores.dataBuckets.metricsData.arn,
                ],
            },
            child,
        );
        const payload = new PayloadKey(
            `${name}-payload`,
            {
                config,
                evidence,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
                payloadKeyArn: keys.keys.payload.arn,
                logGroupName: logging.logGroups.system.name,
                logGroupArn: logging.logGroups.system.arn,
            },
            child,
        );

        this.keys = keys.keys;
        this.signingKey = keys.signingKey;
        this.logBuckets = logging.logBuckets;
        this.albAccessLogBucket = logging.albAccessLogBucket;
        this.configBucket = logging.configBucket;
        this.albAccessLogBucketPolicy = logging.bucketPolicies.alb;
        this.logGroups = logging.logGroups;
        this.securityLogStream = {
            destinationArn: logging.logStreams.security.arn,
            roleArn: logging.subscriptionRoleArn,
        };
        this.dataBuckets = stores.dataBuckets;
        this.backupVault = backup.vault;
        this.trail = trail.trail;
        this.payloadKeySecret = payload.secret;

        this.registerOutputs({
            trailArn: this.trail.arn,
            backupVaultArn: this.backupVault.arn,
            dataBucketNames: {
                agentData: this.dataBuckets.agentData.bucket,
                metricsData: this.dataBuckets.metricsData.bucket,
            },
        });
    }
}
