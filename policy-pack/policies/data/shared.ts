// What the data policies share: resource types, policy statements, buckets and their configuration resources.

import { PolicyResource } from "@pulumi/policy";
import { CLASSIFICATION_LEVELS, ClassificationLevel } from "../../catalog";
import { CLASSIFICATION_TAG } from "../../catalog/data";
import { asArray, parsePolicyDocument } from "../lib";

export const T = {
    key: "aws:kms/key:Key",
    bucket: "aws:s3/bucket:Bucket",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    trail: "aws:cloudtrail/trail:Trail",
    plan: "aws:backup/plan:Plan",
    selection: "aws:backup/selection:Selection",
    vault: "aws:backup/vault:Vault",
    vaultLock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    restorePlan: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
    restoreSelection: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
    secret: "aws:secretsmanager/secret:Secret",
    rotation: "aws:secretsmanager/secretRotation:SecretRotation",
    macieAccount: "aws:macie2/account:Account",
    macieJob: "aws:macie2/classificationJob:ClassificationJob",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
} as const;

export type Props = Record<string, unknown>;
export type Stmt = {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
};

export function statements(doc: unknown): Stmt[] {
    return asArray(parsePolicyDocument(doc)?.Statement as Stmt | Stmt[] | undefined).filter(
        (s) => s && typeof s === "object",
    );
}

export function actionsOf(s: Stmt): string[] {
    return asArray(s.Action).filter((a): a is string => typeof a === "string");
}

/** True when one of the statement's actions covers `action` (exact, `s3:*`, `*` or a `prefix*` wildcard). */
export function covers(s: Stmt, action: string): boolean {
    return actionsOf(s).some(
        (a) => a === "*" || a === action || (a.endsWith("*") && action.startsWith(a.slice(0, -1))),
    );
}

export function condition(s: Stmt, operator: string, key: string): unknown {
    return s.Condition?.[operator]?.[key];
}

export function isEveryone(principal: unknown): boolean {
    return (
        principal === "*" || (typeof principal === "object" && principal !== null && (principal as Props).AWS === "*")
    );
}

interface Bucket {
    resource: PolicyResource;
    name: string;
    tags: Record<string, string>;
}

/** A resource's tags as a stack policy sees them: own tags merged with the provider's (tagsAll). */
export function stackTags(r: PolicyResource): Record<string, string> {
    return {
        ...((r.props.tagsAll as Record<string, string>) ?? {}),
        ...((r.props.tags as Record<string, string>) ?? {}),
    };
}

export function bucketsOf(resources: PolicyResource[]): Bucket[] {
    return resources
        .filter((r) => r.type === T.bucket)
        .map((r) => ({
            resource: r,
            name: String(r.props.bucket ?? r.props.id ?? r.name),
            tags: stackTags(r),
        }));
}

/** Configuration resources of a bucket: linked through their `bucket` input (dependency, or name). */
export function configsOf(resources: PolicyResource[], type: string, bucket: Bucket): PolicyResource[] {
    return resources.filter(
        (r) =>
            r.type === type &&
            ((r.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.resource.urn) ||
                (r.props.bucket !== undefined &&
                    (r.props.bucket === bucket.resource.props.bucket || r.props.bucket === bucket.resource.props.id))),
    );
}

export function levelOf(tags: Record<string, string>): ClassificationLevel | undefined {
    const v = tags[CLASSIFICATION_TAG];
    return (CLASSIFICATION_LEVELS as string[]).includes(v) ? (v as ClassificationLevel) : undefined;
}
