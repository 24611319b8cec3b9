// Data protection judged by what the plan's objects effectively do: where log subscriptions send data, which
// classified resources the backup selections really cover, and whether a KMS bucket's policy really refuses
// uploads under another encryption.

import { PolicyResource } from "@pulumi/policy";
import { CLASSIFICATION_LEVELS, ClassificationLevel } from "../../catalog";
import { CLASSIFICATION_TAG, SSE_EXEMPTION_ALB, SSE_EXEMPTION_TAG } from "../../catalog/data";
import { LogSample } from "../../catalog/operations/samples";
import { compileFilterPattern } from "../../lib/detection/filter-pattern";
import {
    actionMatches,
    ANY,
    arnMatches,
    buildModel,
    evaluate,
    evaluateConditions,
    parseDocument,
    RequestContext,
} from "../../lib/iam";
import type { IamModel } from "../../lib/iam";
import { LOG_SHAPES } from "./log-shapes";
import { asArray, asObject, asString, stackPolicy } from "../lib";

type Rec = Record<string, unknown>;
const tags = (r: PolicyResource): Record<string, string> =>
    ({ ...asObject(r.props.tagsAll), ...asObject(r.props.tags) }) as Record<string, string>;
const nameOf = (r: PolicyResource) => asString(r.props.name) ?? asString(r.props.bucket) ?? r.name;
const accountOf = (arn: string | undefined) => (arn ? arn.split(":")[4] : undefined);

/** The stack's own account, read from the ARNs of the resources it creates (the most frequent account). */
function ownAccount(rs: PolicyResource[]): string | undefined {
    const count = new Map<string, number>();
    for (const r of rs) {
        const a = accountOf(asString(r.props.arn));
        if (a && /^\d{12}$/.test(a)) {
            count.set(a, (count.get(a) ?? 0) + 1);
        }
    }
    return [...count.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
}

const DESTINATION_TYPES = [
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    "aws:kinesis/stream:Stream",
    "aws:lambda/function:Function",
    "aws:cloudwatch/logDestination:LogDestination",
];
const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

const SAMPLE_CONTEXT = {
    systemAdminRoleArn: "arn:aws:iam::123456789012:role/system-admin",
    otherRoleArn: "arn:aws:iam::123456789012:role/operator",
};

export const logSubscriptionsStayHome = stackPolicy({
    name: "data-log-subscriptions-stay-home",
    description:
        "Every log subscription (subscription filters and account-level subscription policies) sends to a destination the stack owns in its own account, and a Firehose stream it feeds delivers to a bucket of the stack: logs never leave for another account or an unknown receiver. A subscription filter's pattern is evaluated against every shape of log event the stack writes (CloudTrail records, EKS authenticator lines, flow-log records, WAF / firewall JSON, plain text): one it drops never reaches the central store.",
    controls: ["LOG-AGG-STORAGE", "LOG-AGG-CENTRAL"],
    severity: "critical",
    validate: (args, report) => {
        const rs = args.resources;
        const own = ownAccount(rs);
        const destinations = new Map(
            rs.filter((r) => DESTINATION_TYPES.includes(r.type)).map((r) => [asString(r.props.arn) ?? "", r] as const),
        );
        const buckets = new Set(rs.filter((r) => BUCKET_TYPES.includes(r.type)).map((r) => asString(r.props.arn)));
        const check = (what: string, arn: string | undefined, urn: string) => {
            const account = accountOf(arn);
            const dest = arn ? destinations.get(arn) : undefined;
            if (!arn || (own && account !== own)) {
                report(
                    `[LOG-AGG-STORAGE] ${what} sends logs to ${arn ?? "nothing known"}, in account ${account ?? "?"}, not the stack's account ${own ?? "?"}`,
                    urn,
                );
            } else if (!dest) {
                report(`[LOG-AGG-STORAGE] ${what} sends logs to ${arn}, which the stack does not define`, urn);
            } else if (dest.type === "aws:cloudwatch/logDestination:LogDestination") {
                check(`log destination ${nameOf(dest)}`, asString(dest.props.targetArn), dest.urn);
            } else if (dest.type === DESTINATION_TYPES[0]) {
                const bucket = asString(asObject(dest.props.extendedS3Configuration).bucketArn);
                if (!bucket || !buckets.has(bucket)) {
                    report(
                        `[LOG-AGG-STORAGE] ${what} feeds Firehose stream ${nameOf(dest)}, which delivers to ${bucket ?? "no S3 bucket"}, not a bucket of the stack`,
                        urn,
                    );
                }
            }
        };
        for (const f of rs.filter((r) => r.type === "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter")) {
            const what = `subscription filter ${nameOf(f)} of ${String(f.props.logGroup)}`;
            check(what, asString(f.props.destinationArn), f.urn);
            // The central store gets every event: the pattern must match each shape of log event the stack writes.
            const pattern = asString(f.props.filterPattern) ?? "";
            let dropped: LogSample[];
            try {
                const match = compileFilterPattern(pattern);
                dropped = LOG_SHAPES.filter((s) => !match(s.event(SAMPLE_CONTEXT)));
            } catch {
                dropped = LOG_SHAPES;
            }
            if (dropped.length > 0) {
                report(
                    `[LOG-AGG-CENTRAL] ${what} forwards only what its pattern ${JSON.stringify(pattern)} matches: it drops ${dropped
                        .slice(0, 3)
                        .map((s) => s.what)
                        .join(
                            "; ",
                        )}${dropped.length > 3 ? `; and ${dropped.length - 3} more` : ""} (the central store must receive every event)`,
                    f.urn,
                );
            }
        }
        for (const p of rs.filter(
            (r) =>
                r.type === "aws:cloudwatch/logAccountPolicy:LogAccountPolicy" &&
                r.props.policyType === "SUBSCRIPTION_FILTER_POLICY",
        )) {
            let doc: Rec = {};
            try {
                doc = asObject(JSON.parse(String(p.props.policyDocument)));
            } catch {
                // unreadable: the destination is unknown
            }
            check(`account subscription policy ${nameOf(p)}`, asString(doc.DestinationArn), p.urn);
        }
    },
});

// --- backup selections, evaluated -----------------------------------------------------------------------

const BACKED_TYPES = [
    ...BUCKET_TYPES,
    "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:ebs/volume:Volume",
];

const globMatch = (pattern: string, value: string) =>
    new RegExp(
        `^${pattern
            .split("*")
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    ).test(value);

/** Does an AWS Backup selection assign the resource? (resources OR tags, AND conditions, minus notResources) */
export function selectionCovers(sel: Rec, arn: string, resourceTags: Record<string, string>): boolean {
    const resources = asArray(sel.resources as string[]).filter((x) => typeof x === "string");
    const listOfTags = asArray(sel.selectionTags as Rec[]).map(asObject);
    const conditions = asArray(sel.conditions as Rec[]).map(asObject);
    const tagOf = (key: unknown) => resourceTags[String(key).replace(/^aws:ResourceTag\//, "")];
    const byResource = resources.some((p) => globMatch(p, arn));
    const byTag = listOfTags.some((t) => t.type === "STRINGEQUALS" && tagOf(t.key) === t.value);
    const hasConditions = conditions.some((c) => Object.values(c).some((v) => asArray(v as Rec[]).length > 0));
    const candidate = byResource || byTag || (resources.length === 0 && listOfTags.length === 0 && hasConditions);
    const each = (c: Rec, k: string) => asArray(c[k] as Rec[]).map(asObject);
    const conditionsHold = conditions.every(
        (c) =>
            each(c, "stringEquals").every((e) => tagOf(e.key) === e.value) &&
            each(c, "stringLikes").every(
                (e) => tagOf(e.key) !== undefined && globMatch(String(e.value), tagOf(e.key)),
            ) &&
            each(c, "stringNotEquals").every((e) => tagOf(e.key) !== e.value) &&
            each(c, "stringNotLikes").every(
                (e) => tagOf(e.key) === undefined || !globMatch(String(e.value), tagOf(e.key)),
            ),
    );
    const excluded = asArray(sel.notResources as string[]).some((p) => typeof p === "string" && globMatch(p, arn));
    return candidate && conditionsHold && !excluded;
}

/**
 * What a backup job does with the selection's role, per resource type (AWS Backup developer guide: S3 backups
 * list versions, keep an inventory configuration and, for continuous backup, an event notification; the
 * AWS-managed AWSBackupServiceRolePolicyForS3Backup grants exactly these). A restore-only policy is not enough.
 */
const BACKUP_READS: Record<string, (arn: string) => [string, string][]> = {
    "aws:s3/bucket:Bucket": (arn) => [
        ...[
            "s3:ListBucketVersions",
            "s3:GetBucketVersioning",
            "s3:GetInventoryConfiguration",
            "s3:PutInventoryConfiguration",
            "s3:GetBucketNotification",
            "s3:PutBucketNotification",
        ].map((a): [string, string] => [a, arn]),
        ...["s3:GetObjectVersion", "s3:GetObjectVersionTagging"].map((a): [string, string] => [a, `${arn}/probe.json`]),
    ],
    "aws:dynamodb/table:Table": (arn) => [
        ["dynamodb:CreateBackup", arn],
        ["dynamodb:StartAwsBackupJob", arn],
    ],
    "aws:efs/fileSystem:FileSystem": (arn) => [["elasticfilesystem:Backup", arn]],
    "aws:rds/instance:Instance": (arn) => [["rds:CreateDBSnapshot", arn]],
    "aws:rds/cluster:Cluster": (arn) => [["rds:CreateDBClusterSnapshot", arn]],
    "aws:ebs/volume:Volume": (arn) => [["ec2:CreateSnapshot", arn]],
};
BACKUP_READS["aws:s3/bucketV2:BucketV2"] = BACKUP_READS["aws:s3/bucket:Bucket"];

/**
 * The backup reads of a resource the selection's role cannot make (evaluated with its identity policies, the
 * bucket's policy and, for an SSE-KMS bucket, kms:Decrypt under the key policy). Undefined: the role is not
 * one of the stack's, so its permissions are not known.
 */
function backupGaps(model: IamModel, roleArn: string, type: string, arn: string): string[] | undefined {
    const role = model.roles.find((r) => r.arn === roleArn);
    if (!role) {
        return undefined;
    }
    const context: RequestContext = {
        "aws:securetransport": ["true"],
        "aws:viaawsservice": ANY,
        "aws:sourceip": ANY,
        "aws:currenttime": ANY,
        "kms:viaservice": [`s3.${model.region}.amazonaws.com`],
        "kms:encryptioncontext:aws:s3:arn": ANY,
    };
    const bucket = model.buckets.find((b) => b.arn === arn);
    const requests = (BACKUP_READS[type]?.(arn) ?? []).map(([action, resource]) => ({
        action,
        resource,
        resourcePolicy: bucket?.policy,
        isKmsKey: false,
    }));
    const keyArn = model.bucketKeys.get(arn);
    const key = keyArn ? model.keys.find((k) => k.arn === keyArn) : undefined;
    if (keyArn) {
        requests.push({ action: "kms:Decrypt", resource: keyArn, resourcePolicy: key?.policy, isKmsKey: true });
    }
    return requests
        .filter(
            (q) =>
                !evaluate(role.principal, {
                    ...q,
                    resourceAccount: model.account,
                    context,
                }).possible,
        )
        .map((q) => `${q.action} on ${q.resource}`);
}

/** The plan without the roles no selection uses (and their policies): the model stays small in a big plan. */
function backupModelInput(rs: PolicyResource[], selections: PolicyResource[]): PolicyResource[] {
    const used = new Set(selections.map((s) => asString(s.props.iamRoleArn)));
    const roles = rs.filter((r) => r.type === "aws:iam/role:Role" && used.has(asString(r.props.arn)));
    const keys = new Set(roles.flatMap((r) => [asString(r.props.name), asString(r.props.arn), r.urn]));
    return rs.filter((r) =>
        r.type === "aws:iam/role:Role"
            ? roles.includes(r)
            : r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" ||
                r.type === "aws:iam/rolePolicy:RolePolicy"
              ? keys.has(asString(r.props.role)) ||
                (r.propertyDependencies?.role ?? []).some((d) => keys.has((d as { urn: string }).urn))
              : true,
    );
}

export const backupSelectsClassified = stackPolicy({
    name: "data-backup-selects-classified",
    description: `Every classified resource AWS Backup can protect (buckets, tables, file systems, databases, volumes tagged ${CLASSIFICATION_TAG}) is assigned by a selection of a backup plan of its own level, evaluating the selection as AWS Backup does: resources or tags, AND its conditions, minus notResources; and the selection's role can make the backup's reads (bucket listing and objects under the bucket policy, kms:Decrypt under the key policy of an SSE-KMS bucket; table, file system, database and volume backups).`,
    controls: CLASSIFICATION_LEVELS.map((l) => `BAK-${l.toUpperCase()}`),
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const plans = rs.filter((r) => r.type === "aws:backup/plan:Plan");
        const selections = rs.filter((r) => r.type === "aws:backup/selection:Selection");
        let model: IamModel | undefined;
        const levelOfPlan = (planId: unknown) =>
            tags(plans.find((p) => p.props.id === planId) ?? ({ props: {} } as PolicyResource))[CLASSIFICATION_TAG];
        for (const r of rs.filter((x) => BACKED_TYPES.includes(x.type))) {
            const level = tags(r)[CLASSIFICATION_TAG] as ClassificationLevel | undefined;
            if (!level || !CLASSIFICATION_LEVELS.includes(level)) {
                continue; // data-classification-tag reports untagged resources
            }
            const arn =
                asString(r.props.arn) ?? (asString(r.props.bucket) ? `arn:aws:s3:::${String(r.props.bucket)}` : "");
            const covering = selections.filter(
                (s) => levelOfPlan(s.props.planId) === level && selectionCovers(s.props, arn, tags(r)),
            );
            if (covering.length === 0) {
                report(
                    `[BAK-${level.toUpperCase()}] ${nameOf(r)} (${CLASSIFICATION_TAG}=${level}) is assigned by no selection of a ${level} backup plan (its resources / tags, conditions and notResources leave it out)`,
                    r.urn,
                );
                continue;
            }
            // Assigned is not backed up: the selection's role must be able to read it (one able selection suffices).
            model ??= buildModel(backupModelInput(rs, selections));
            const gaps = covering.map((s) => ({
                s,
                gaps: backupGaps(model as IamModel, asString(s.props.iamRoleArn) ?? "", r.type, arn),
            }));
            if (!gaps.some((g) => g.gaps === undefined || g.gaps.length === 0)) {
                const g = gaps[0];
                report(
                    `[BAK-${level.toUpperCase()}] ${nameOf(r)} (${CLASSIFICATION_TAG}=${level}) is assigned by selection ${nameOf(g.s)}, whose role ${String(g.s.props.iamRoleArn)} cannot back it up: ${(g.gaps ?? []).join(", ")} is not allowed`,
                    r.urn,
                );
            }
        }
    },
});

// --- KMS-only uploads, evaluated --------------------------------------------------------------------------

export const bucketRefusesOtherEncryption = stackPolicy({
    name: "data-bucket-refuses-other-encryption",
    description: `Every SSE-KMS bucket (all but the one tagged ${SSE_EXEMPTION_TAG}=${SSE_EXEMPTION_ALB}) has a bucket policy that denies, for anyone, an upload asking for SSE-S3 (AES256) and an upload asking for SSE-KMS with another key, and refuses an upload with a customer-provided key (SSE-C: a Deny, or the encryption configuration's blockedEncryptionTypes): the policy's Deny statements are evaluated against each request.`,
    controls: ["KMS-AT-REST"],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const configs = rs.filter(
            (r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        );
        const policies = rs.filter((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy");
        for (const b of rs.filter((r) => BUCKET_TYPES.includes(r.type))) {
            if (tags(b)[SSE_EXEMPTION_TAG] === SSE_EXEMPTION_ALB) {
                continue;
            }
            const id = asString(b.props.bucket) ?? asString(b.props.id);
            const rules = configs
                .filter((c) => c.props.bucket === id)
                .flatMap((c) => asArray(c.props.rules as Rec[]).map(asObject));
            const rule = rules
                .map((x) => asObject(x.applyServerSideEncryptionByDefault))
                .find((d) => d.sseAlgorithm === "aws:kms");
            const blocksSseC = rules.some((x) => asArray(x.blockedEncryptionTypes as string[]).includes("SSE-C"));
            const key = asString(rule?.kmsMasterKeyId);
            if (!rule || !key) {
                continue; // data-s3-bucket-baseline reports a bucket without SSE-KMS
            }
            const arn = asString(b.props.arn) ?? `arn:aws:s3:::${String(id)}`;
            const statements = policies
                .filter((p) => p.props.bucket === id)
                .flatMap((p) => parseDocument(p.props.policy)?.statements ?? []);
            // Whoever asks: every key but the encryption headers and TLS is unknown (a deny must hold for all).
            const denied = (context: RequestContext) =>
                statements.some(
                    (s) =>
                        s.effect === "Deny" &&
                        (s.principal === "*" || (s.principal?.AWS ?? []).includes("*")) &&
                        (s.actions ?? []).some((a) => actionMatches(a, "s3:PutObject")) &&
                        (s.resources ?? []).some((r) => arnMatches(r, `${arn}/probe.json`)) &&
                        evaluateConditions(s.conditions, context) === "yes",
                );
            const probes: [string, Record<string, string[]>][] = [
                [
                    "an upload asking for SSE-S3 (AES256)",
                    {
                        "s3:x-amz-server-side-encryption": ["AES256"],
                        "s3:x-amz-server-side-encryption-aws-kms-key-id": [],
                    },
                ],
                [
                    "an upload asking for SSE-KMS with another key",
                    {
                        "s3:x-amz-server-side-encryption": ["aws:kms"],
                        "s3:x-amz-server-side-encryption-aws-kms-key-id": [
                            "arn:aws:kms:eu-west-1:999999999999:key/other",
                        ],
                    },
                ],
                [
                    "an upload with a customer-provided key (SSE-C)",
                    {
                        "s3:x-amz-server-side-encryption": [],
                        "s3:x-amz-server-side-encryption-aws-kms-key-id": [],
                        "s3:x-amz-server-side-encryption-customer-algorithm": ["AES256"],
                    },
                ],
            ];
            // SSE-C is also refused by the encryption configuration's blockedEncryptionTypes.
            for (const [what] of probes.filter(
                ([w, c]) =>
                    !(blocksSseC && w.includes("SSE-C")) &&
                    !denied({ "*": ANY, "aws:securetransport": ["true"], ...lower(c) }),
            )) {
                report(
                    `[KMS-AT-REST] bucket ${nameOf(b)}'s policy does not deny ${what}: objects may be stored under another key`,
                    b.urn,
                );
            }
        }
    },
});

const lower = (c: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(c).map(([k, v]) => [k.toLowerCase(), v]));

export const effectiveDataPolicies = [logSubscriptionsStayHome, backupSelectsClassified, bucketRefusesOtherEncryption];
