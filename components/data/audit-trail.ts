import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EvidenceRegistry } from "../evidence";
import { arn, awsEnv, classified, DataConfig, dataNames, policyDocument, serviceTrust } from "./common";

export interface AuditTrailArgs {
    config: Pick<DataConfig, "stack">;
    evidence: EvidenceRegistry;
    /** Audit bucket (Object Lock) name and its policy, which must exist before CloudTrail checks it. */
    auditBucketName: pulumi.Input<string>;
    auditBucketPolicy: pulumi.Resource;
    auditKeyArn: pulumi.Input<string>;
    /** CloudWatch log group for the trail (its ARN, without the `:*` suffix). */
    logGroupArn: pulumi.Input<string>;
    /** Buckets whose object-level reads and writes are recorded as data events. */
    dataEventBucketArns: pulumi.Input<string>[];
    /** identity section: the permissions boundary every role of the stack carries. */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * The audit trail (security_monitoring.log_collection.sources[audit_logs]): one multi-region CloudTrail
 * trail with log-file validation, KMS-encrypted, into the Object Lock audit bucket and a log group, with
 * management events (read and write) and S3 data events of the log and data buckets.
 */
export class AuditTrail extends pulumi.ComponentResource {
    readonly trail: aws.cloudtrail.Trail;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:AuditTrail", name, {}, opts);
        const cfg = args.config;
        const names = dataNames(cfg);
        const env = awsEnv(this);
        const trailArn = arn(env, "cloudtrail", `trail/${names.trail}`);

        const role = new aws.iam.Role(
            `${name}-cloudtrail-logs`,
            {
                description: "CloudTrail delivery into its CloudWatch log group",
                assumeRolePolicy: serviceTrust(
                    "cloudtrail.amazonaws.com",
                    trailArn.apply((t) => ({ StringEquals: { "aws:SourceArn": t } })),
                ),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: classified("critical"),
            },
            { parent: this },
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-cloudtrail-logs`,
            {
                role: role.id,
                policy: policyDocument([
                    pulumi.output(args.logGroupArn).apply((g) => ({
                        Sid: "DeliverToLogGroup",
                        Effect: "Allow" as const,
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: `${g}:log-stream:*`,
                    })),
                ]),
            },
            { parent: this },
        );

        const objectArns = pulumi.all(args.dataEventBucketArns).apply((arns) => arns.map((a) => `${a}/`));
        this.trail = new aws.cloudtrail.Trail(
            `${name}-trail`,
            {
                name: names.trail,
                s3BucketName: args.auditBucketName,
                kmsKeyId: args.auditKeyArn,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                // CloudTrail wants the log group ARN with the log-stream wildcard.
                cloudWatchLogsGroupArn: pulumi.interpolate`${args.logGroupArn}:*`,
                cloudWatchLogsRoleArn: role.arn,
                advancedEventSelectors: [
                    {
                        name: "Management events (read and write)",
                        fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }],
                    },
                    {
                        // Not the audit bucket itself: logging CloudTrail's own deliveries would loop.
                        name: "S3 object events of the log and data buckets",
                        fieldSelectors: [
                            { field: "eventCategory", equals: ["Data"] },
                            { field: "resources.type", equals: ["AWS::S3::Object"] },
                            { field: "resources.ARN", startsWiths: objectArns },
                        ],
                    },
                ],
                tags: classified("critical"),
            },
            { parent: this, dependsOn: [args.auditBucketPolicy, rolePolicy] },
        );

        args.evidence.record("LOG-AUDIT-TRAIL", this.trail, role);
        args.evidence.record("LOG-AGG-CENTRAL", this.trail);
        args.evidence.record("ACC-DATA-AGENT-WRITE", this.trail);

        this.registerOutputs({ trailArn: this.trail.arn });
    }
}
