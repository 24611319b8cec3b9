import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import { DATA_STORE_TAG } from "../../policy-pack/catalog/data";
import { PLATFORM_STACK_TAG, RBAC_ROLE_TAG } from "../../policy-pack/catalog/identity";
import { dataStoreBucketName } from "../config";
import { EvidenceRegistry } from "../evidence";
import { secureBucket, SecureBucket } from "./bucket";
import { awsEnv, classified, DataConfig, dataNames, roleArn, Statement } from "./common";

export type DataStoreName = "agentData" | "metricsData";

/** Roles of access_control.data_access, from the identity section. */
export interface DataRoleArns {
    systemAdmin: pulumi.Input<string>;
    operator: pulumi.Input<string>;
    monitoringAgent: pulumi.Input<string>;
}

export interface DataStoresArgs {
    /** accountServices adopt: Macie is the landing zone's; the stack runs only its own classification job. */
    config: DataConfig & { accountServices: "create" | "adopt" };
    evidence: EvidenceRegistry;
    roleArns: DataRoleArns;
    criticalKeyArn: pulumi.Input<string>;
    sensitiveKeyArn: pulumi.Input<string>;
    /** AWS Backup's role: backs up and restores the buckets, so the access denies exempt it. */
    backupRoleArn: pulumi.Input<string>;
}

const READ = ["s3:GetObject", "s3:GetObjectVersion"];
const WRITE = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"];

/**
 * The data stores of access_control.data_access: agent_data (critical) and metrics_data (sensitive), each
 * with a bucket policy that denies everyone outside the guide's roles and conditions, and Amazon Macie
 * scanning both on a schedule.
 */
export class DataStores extends pulumi.ComponentResource {
    readonly dataBuckets: Record<DataStoreName, aws.s3.Bucket>;
    readonly bucketPolicies: Record<DataStoreName, aws.s3.BucketPolicy>;
    readonly macieJob: aws.macie2.ClassificationJob;

    constructor(name: string, args: DataStoresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:DataStores", name, {}, opts);
        const cfg = args.config;
        const names = dataNames(cfg);
        const env = awsEnv(this);
        const cls = guide.dataProtection.classification;
        const macieRole = roleArn(env, "aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie");
        // Service roles that must read (Macie, Backup) or restore (Backup) whatever the data policy says.
        const services = [args.backupRoleArn, macieRole];
        // Fixed names: the identity section's role policies grant access to exactly these buckets.
        const bucketName = (store: "agent-data" | "metrics-data") =>
            pulumi
                .all([env.accountId, env.region])
                .apply(([acct, region]) => dataStoreBucketName(cfg, store, acct, region));

        const agent = secureBucket(
            `${name}-agent-data`,
            {
                bucketName: bucketName("agent-data"),
                classification: "critical",
                tags: { [DATA_STORE_TAG]: "agent_data" },
                kmsKeyArn: args.criticalKeyArn,
                // Data is kept, not expired; superseded versions are kept for the level's retention.
                lifecycle: { noncurrentDays: cls.critical.retentionDays },
                statements: (bucketArn) =>
                    pulumi
                        .all([bucketArn, args.roleArns.systemAdmin, args.roleArns.operator, ...services])
                        .apply(([b, admin, operator, ...svc]) => [
                            denyUnless("AgentDataReadOnlyAdminOperator", READ, b, [admin, operator, ...svc]),
                            denyUnless("AgentDataWriteOnlyAdmin", WRITE, b, [admin, svc[0]]),
                            {
                                Sid: "AgentDataWriteRequiresMfa",
                                Effect: "Deny" as const,
                                Principal: "*" as const,
                                Action: WRITE,
                                Resource: `${b}/*`,
                                Condition: {
                                    BoolIfExists: { "aws:MultiFactorAuthPresent": "false" },
                                    ArnNotEquals: { "aws:PrincipalArn": svc[0] },
                                },
                            },
                        ]),
                protect: cfg.deletionProtection,
            },
            this,
        );
        const metrics = secureBucket(
            `${name}-metrics-data`,
            {
                bucketName: bucketName("metrics-data"),
                classification: "sensitive",
                tags: { [DATA_STORE_TAG]: "metrics_data" },
                kmsKeyArn: args.sensitiveKeyArn,
                lifecycle: { noncurrentDays: cls.sensitive.retentionDays },
                statements: (bucketArn) =>
                    pulumi
                        .all([
                            bucketArn,
                            args.roleArns.systemAdmin,
                            args.roleArns.operator,
                            args.roleArns.monitoringAgent,
                            ...services,
                        ])
                        .apply(([b, admin, operator, monitoring, ...svc]) => [
                            // Agents by tag (rbac-role agent of this platform), so agent stacks' roles, named
                            // with their own prefix, read too: two denies, as a deny's conditions only AND.
                            denyUnless("MetricsDataReadOnlyAdminOperatorAgents", READ, b, [admin, operator, ...svc], {
                                StringNotEquals: { [`aws:PrincipalTag/${RBAC_ROLE_TAG}`]: "agent" },
                            }),
                            denyUnless("MetricsDataReadOnlyAgentsOfThisPlatform", READ, b, [admin, operator, ...svc], {
                                StringNotEquals: { [`aws:PrincipalTag/${PLATFORM_STACK_TAG}`]: cfg.stack },
                            }),
                            denyUnless("MetricsDataWriteOnlyMonitoringAgent", WRITE, b, [monitoring, svc[0]]),
                            {
                                Sid: "MetricsDataWriteRequiresSigV4",
                                Effect: "Deny" as const,
                                Principal: "*" as const,
                                Action: WRITE,
                                Resource: `${b}/*`,
                                Condition: { StringNotEquals: { "s3:signatureversion": "AWS4-HMAC-SHA256" } },
                            },
                        ]),
                protect: cfg.deletionProtection,
            },
            this,
        );
        const stores: Record<DataStoreName, SecureBucket> = { agentData: agent, metricsData: metrics };
        this.dataBuckets = { agentData: agent.bucket, metricsData: metrics.bucket };
        this.bucketPolicies = { agentData: agent.policy, metricsData: metrics.policy };

        // Macie is account-wide: enabled here only when this stack owns the account's services. A member account of
        // a Macie administrator still creates and runs jobs over its own buckets.
        const macie =
            cfg.accountServices === "create"
                ? new aws.macie2.Account(
                      `${name}-macie`,
                      { status: "ENABLED", findingPublishingFrequency: "FIFTEEN_MINUTES" },
                      { parent: this },
                  )
                : undefined;
        this.macieJob = new aws.macie2.ClassificationJob(
            `${name}-macie-data`,
            {
                name: `${names.prefix}-data-stores`,
                description: "Sensitive-data discovery over agent_data and metrics_data",
                jobType: "SCHEDULED",
                scheduleFrequency: { dailySchedule: true },
                initialRun: true,
                samplingPercentage: 100,
                s3JobDefinition: {
                    bucketDefinitions: [
                        { accountId: env.accountId, buckets: [agent.bucket.bucket, metrics.bucket.bucket] },
                    ],
                },
                tags: classified("internal"),
            },
            { parent: this, dependsOn: macie ? [macie] : [] },
        );

        args.evidence.record("DATA-CLS-DISCOVERY", ...(macie ? [macie] : []), this.macieJob);
        args.evidence.record("DATA-CLS-CRITICAL", agent.bucket, agent.encryption);
        args.evidence.record("DATA-CLS-SENSITIVE", metrics.bucket, metrics.encryption);
        args.evidence.record("DATA-CLS-TAG", agent.bucket, metrics.bucket);
        args.evidence.record("KMS-AT-REST", agent.encryption, metrics.encryption);
        args.evidence.record("ACC-DATA-AGENT-READ", agent.policy, agent.encryption);
        args.evidence.record("ACC-DATA-AGENT-WRITE", agent.policy);
        args.evidence.record("ACC-DATA-METRICS-READ", metrics.policy);
        args.evidence.record("ACC-DATA-METRICS-WRITE", metrics.policy);

        this.registerOutputs({
            dataBucketNames: Object.fromEntries(
                (Object.keys(stores) as DataStoreName[]).map((k) => [k, stores[k].bucket.bucket]),
            ),
        });
    }
}

/**
 * Denies `actions` on the bucket's objects to every principal whose ARN is not listed (anonymous callers
 * included: a missing aws:PrincipalArn matches ArnNotLike).
 */
function denyUnless(
    sid: string,
    actions: string[],
    bucketArn: string,
    allowed: string[],
    /** Further conditions, all of which must also hold for the deny (e.g. not an agent of this platform). */
    and: Record<string, Record<string, string>> = {},
): Statement {
    return {
        Sid: sid,
        Effect: "Deny",
        Principal: "*",
        Action: actions,
        Resource: `${bucketArn}/*`,
        Condition: { ArnNotLike: { "aws:PrincipalArn": allowed }, ...and },
    };
}
