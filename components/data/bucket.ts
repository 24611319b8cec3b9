import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClassificationLevel } from "../../policy-pack/catalog";
import { classified, policyDocument, Statement } from "./common";

export interface SecureBucketArgs {
    /** A fixed bucket name (other sections grant access to it); undefined: auto-named. */
    bucketName?: pulumi.Input<string>;
    classification: ClassificationLevel;
    tags?: Record<string, string>;
    /** SSE-KMS with this key; undefined means SSE-S3 (only for ELB access logs, which cannot use SSE-KMS). */
    kmsKeyArn?: pulumi.Input<string>;
    /** Object Lock COMPLIANCE retention in days (audit logs). */
    objectLockDays?: number;
    lifecycle: {
        /** Current versions expire after this many days (the log source's retention); undefined: never. */
        expireDays?: number;
        /** Storage-class transitions of current versions, in days after creation. */
        transitions?: { days: number; storageClass: string }[];
        /** Noncurrent versions expire after this many days. */
        noncurrentDays: number;
    };
    /** Statements besides the TLS-only / encryption denies, given the bucket ARN. */
    statements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<pulumi.Input<Statement>[]>;
    protect: boolean;
}

/** The hardened bucket and its configuration resources. */
export interface SecureBucket {
    bucket: aws.s3.Bucket;
    policy: aws.s3.BucketPolicy;
    encryption: aws.s3.BucketServerSideEncryptionConfiguration;
    lifecycle: aws.s3.BucketLifecycleConfiguration;
    publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    objectLock?: aws.s3.BucketObjectLockConfiguration;
}

/**
 * A private, versioned, encrypted bucket with a TLS-only policy and a lifecycle, built from the current
 * `aws.s3.Bucket*` resources (the inline bucket arguments are deprecated in @pulumi/aws v7).
 */
export function secureBucket(name: string, args: SecureBucketArgs, parent: pulumi.Resource): SecureBucket {
    const child = { parent };
    const bucket = new aws.s3.Bucket(
        name,
        {
            ...(args.bucketName !== undefined ? { bucket: args.bucketName } : {}),
            objectLockEnabled: args.objectLockDays !== undefined ? true : undefined,
            forceDestroy: false,
            tags: classified(args.classification, args.tags),
        },
        { parent, protect: args.protect, retainOnDelete: true },
    );
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        name,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        child,
    );
    const ownership = new aws.s3.BucketOwnershipControls(
        name,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        child,
    );
    const versioning = new aws.s3.BucketVersioning(
        name,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        child,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        {
            bucket: bucket.id,
            rules: [
                args.kmsKeyArn
                    ? {
                          applyServerSideEncryptionByDefault: {
                              sseAlgorithm: "aws:kms",
                              kmsMasterKeyId: args.kmsKeyArn,
                          },
                          // One data key per bucket instead of one KMS call per object.
                          bucketKeyEnabled: true,
                          // Customer-provided keys (SSE-C) carry no SSE header the bucket policy could deny.
                          blockedEncryptionTypes: ["SSE-C"],
                      }
                    : {
                          applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
                          blockedEncryptionTypes: ["SSE-C"],
                      },
            ],
        },
        child,
    );
    const objectLock =
        args.objectLockDays !== undefined
            ? new aws.s3.BucketObjectLockConfiguration(
                  name,
                  {
                      bucket: bucket.id,
                      objectLockEnabled: "Enabled",
                      rule: { defaultRetention: { mode: "COMPLIANCE", days: args.objectLockDays } },
                  },
                  { parent, dependsOn: [versioning] },
              )
            : undefined;
    const lc = args.lifecycle;
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
        name,
        {
            bucket: bucket.id,
            // The default (all_storage_classes_128K) never transitions objects under 128 KB: most log files.
            transitionDefaultMinimumObjectSize: "varies_by_storage_class",
            rules: [
                {
                    id: "retention",
                    status: "Enabled",
                    filter: {},
                    ...(lc.transitions?.length ? { transitions: lc.transitions } : {}),
                    ...(lc.expireDays !== undefined ? { expiration: { days: lc.expireDays } } : {}),
                    noncurrentVersionExpiration: { noncurrentDays: lc.noncurrentDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ],
        },
        // A lifecycle rule on a versioned bucket needs versioning in place first.
        { parent, dependsOn: [versioning] },
    );
    const base = pulumi.all([bucket.arn, args.kmsKeyArn]).apply(([bucketArn, keyArn]) => {
        const list: Statement[] = [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ];
        if (keyArn) {
            // Only requests that ask for an encryption are checked: a put without SSE headers gets the bucket's
            // default (this key). Log delivery (delivery.logs.amazonaws.com) and most SDK clients send none, so
            // denying a missing header would block them. aws:kms without a key id would use aws/s3: denied.
            const explicit = { Null: { "s3:x-amz-server-side-encryption": "false" } };
            list.push(
                {
                    Sid: "DenyNonKmsEncryption",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucketArn}/*`,
                    Condition: { ...explicit, StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
                },
                {
                    Sid: "DenyOtherKmsKey",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: `${bucketArn}/*`,
                    Condition: {
                        ...explicit,
                        StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
                    },
                },
            );
        }
        return list;
    });
    const extra = args.statements ? pulumi.output(args.statements(bucket.arn)) : pulumi.output([] as Statement[]);
    const policy = new aws.s3.BucketPolicy(
        name,
        {
            bucket: bucket.id,
            policy: pulumi.all([base, extra]).apply(([b, e]) => policyDocument([...b, ...(e as Statement[])])),
        },
        // S3 rejects a policy put while the public access block is being changed.
        { parent, dependsOn: [publicAccessBlock, ownership] },
    );
    return { bucket, policy, encryption, lifecycle, publicAccessBlock, ...(objectLock ? { objectLock } : {}) };
}
