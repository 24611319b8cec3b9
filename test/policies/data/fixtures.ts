// What the data policy tests share: provider tags, baselines to change, a compliant bucket with its configuration.

import { StackResourceCase } from "../../harness/policy";

export type Props = Record<string, unknown>;
export const ROOT = "arn:aws:iam::123456789012:root";
export const provider = (tags: Record<string, string>) => ({
    type: "pulumi:providers:aws",
    props: { defaultTags: JSON.stringify({ tags }) },
});
export const messages = (v: { message: string }[]) => v.map((x) => x.message);
/** Replaces the resources of `type` named `name` in a baseline with `props` (undefined: removes it). */
export function change(list: StackResourceCase[], name: string, props: Props | undefined): StackResourceCase[] {
    return list.flatMap((r) => (r.name === name ? (props === undefined ? [] : [{ ...r, props }]) : [r]));
}
export function propsOf(list: StackResourceCase[], name: string): Props {
    return list.find((r) => r.name === name)?.props as Props;
}

/** A compliant bucket with its configuration resources, as a stack policy sees them. */
export function bucketSet(name: string, tags: Record<string, string>, over: Record<string, Props | undefined> = {}) {
    const arn = `arn:aws:s3:::${name}`;
    const base: Record<string, StackResourceCase> = {
        bucket: { type: "aws:s3/bucket:Bucket", name: `${name}`, props: { bucket: name, arn, tags } },
        sse: {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: `${name}-sse`,
            props: {
                bucket: name,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" } }],
            },
        },
        pab: {
            type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            name: `${name}-pab`,
            props: {
                bucket: name,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        },
        versioning: {
            type: "aws:s3/bucketVersioning:BucketVersioning",
            name: `${name}-versioning`,
            props: { bucket: name, versioningConfiguration: { status: "Enabled" } },
        },
        policy: {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: `${name}-policy`,
            props: {
                bucket: name,
                policy: JSON.stringify({
                    Statement: [
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [arn, `${arn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                }),
            },
        },
    };
    return Object.entries(base).flatMap(([k, r]) =>
        k in over ? (over[k] === undefined ? [] : [{ ...r, props: { ...r.props, ...over[k] } }]) : [r],
    );
}
