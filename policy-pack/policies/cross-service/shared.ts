// What the cross-service policies share: resource types, policy statements, buckets, keys.

import { PolicyResource } from "@pulumi/policy";
import { asArray, asObject, asString, asStrings, parsePolicyDocument } from "../lib";

export const T = {
    bucket: "aws:s3/bucket:Bucket",
    objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    delivery: "aws:cfg/deliveryChannel:DeliveryChannel",
    trail: "aws:cloudtrail/trail:Trail",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    document: "aws:ssm/document:Document",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    domain: "aws:cognito/userPoolDomain:UserPoolDomain",
    client: "aws:cognito/userPoolClient:UserPoolClient",
    branding: "aws:cognito/managedLoginBranding:ManagedLoginBranding",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    windowTarget: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
    windowTask: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    subscription: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
    stream: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
} as const;

export type Props = Record<string, unknown>;
export interface Stmt {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

export function ofType(resources: PolicyResource[], type: string): PolicyResource[] {
    return resources.filter((r) => r.type === type);
}

export function statements(doc: unknown): Stmt[] {
    return asArray(parsePolicyDocument(doc)?.Statement as Stmt | Stmt[] | undefined).filter(
        (s) => s && typeof s === "object",
    );
}

/** True when one of the statement's actions covers `action` (exact, `kms:*`, `*` or a `prefix*` wildcard). */
export function covers(s: Stmt, action: string): boolean {
    return asStrings(s.Action).some(
        (a) => a === "*" || a === action || (a.endsWith("*") && action.startsWith(a.slice(0, -1))),
    );
}

export function servicePrincipals(s: Stmt): string[] {
    return asStrings(asObject(s.Principal).Service);
}

/** Condition keys of a statement, lower-cased (IAM condition keys are case-insensitive). */
export function conditionKeys(s: Stmt): string[] {
    return Object.values(s.Condition ?? {}).flatMap((block) =>
        Object.keys(asObject(block)).map((k) => k.toLowerCase()),
    );
}

/** Every value a statement's conditions give a key, whatever the operator. */
export function conditionValues(s: Stmt, key: string): string[] {
    return Object.values(s.Condition ?? {}).flatMap((block) =>
        Object.entries(asObject(block))
            .filter(([k]) => k.toLowerCase() === key.toLowerCase())
            .flatMap(([, v]) => asStrings(v)),
    );
}

/** The bucket a name refers to (its `bucket` or id). */
export function bucketNamed(resources: PolicyResource[], name: string): PolicyResource | undefined {
    return ofType(resources, T.bucket).find((b) => b.props.bucket === name || b.props.id === name);
}

/** Configuration resources of a bucket: linked through their `bucket` input (dependency, or name). */
export function configsOf(resources: PolicyResource[], type: string, bucket: PolicyResource): PolicyResource[] {
    return ofType(resources, type).filter(
        (r) =>
            (r.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn) ||
            (r.props.bucket !== undefined &&
                (r.props.bucket === bucket.props.bucket || r.props.bucket === bucket.props.id)),
    );
}

/** The KMS key a reference names: key ARN or id, or an alias name / ARN resolved through its target. */
export function keyOf(resources: PolicyResource[], ref: string | undefined, depth = 0): PolicyResource | undefined {
    if (!ref || depth > 2) {
        return undefined;
    }
    const key = ofType(resources, T.key).find(
        (k) => k.props.arn === ref || k.props.keyId === ref || k.props.id === ref,
    );
    if (key) {
        return key;
    }
    const alias = ofType(resources, T.alias).find((a) => a.props.name === ref || a.props.arn === ref);
    return alias ? keyOf(resources, asString(alias.props.targetKeyId), depth + 1) : undefined;
}

export function nameOf(r: PolicyResource): string {
    return asString(r.props.name) ?? r.name;
}
