// Data protection judged by what the plan's objects effectively do: where log subscriptions send data, which
// classified resources the backup selections really cover, and whether a KMS bucket's policy really refuses
// uploads under another encryption.

import { PolicyResource } from "@pulumi/policy";
import { CLASSIFICATION_LEVELS, ClassificationLevel } from "../../catalog";
import { CLASSIFICATION_TAG, SSE_EXEMPTION_ALB, SSE_EXEMPTION_TAG } from "../../catalog/data";
import { actionMatches, ANY, arnMatches, evaluateConditions, parseDocument, RequestContext } from "../../lib/iam";
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

export const logSubscriptionsStayHome = stackPolicy({
    name: "data-log-subscriptions-stay-home",
    description:
        "Every log subscription (subscription filters and account-level subscription policies) sends to a destination the stack owns in its own account, and a Firehose stream it feeds delivers to a bucket of the stack: logs never leave for another account or an unknown receiver.",
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
            check(
                `subscription filter ${nameOf(f)} of ${String(f.props.logGroup)}`,
                asString(f.props.destinationArn),
                f.urn,
            );
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

export const backupSelectsClassified = stackPolicy({
    name: "data-backup-selects-classified",
    description: `Every classified resource AWS Backup can protect (buckets, tables, file systems, databases, volumes tagged ${CLASSIFICATION_TAG}) is assigned by a selection of a backup plan of its own level, evaluating the selection as AWS Backup does: resources or tags, AND its conditions, minus notResources.`,
    controls: CLASSIFICATION_LEVELS.map((l) => `BAK-${l.toUpperCase()}`),
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const plans = rs.filter((r) => r.type === "aws:backup/plan:Plan");
        const selections = rs.filter((r) => r.type === "aws:backup/selection:Selection");
        const levelOfPlan = (planId: unknown) =>
            tags(plans.find((p) => p.props.id === planId) ?? ({ props: {} } as PolicyResource))[CLASSIFICATION_TAG];
        for (const r of rs.filter((x) => BACKED_TYPES.includes(x.type))) {
            const level = tags(r)[CLASSIFICATION_TAG] as ClassificationLevel | undefined;
            if (!level || !CLASSIFICATION_LEVELS.includes(level)) {
                continue; // data-classification-tag reports untagged resources
            }
            const arn =
                asString(r.props.arn) ?? (asString(r.props.bucket) ? `arn:aws:s3:::${String(r.props.bucket)}` : "");
            const covered = selections.some(
                (s) => levelOfPlan(s.props.planId) === level && selectionCovers(s.props, arn, tags(r)),
            );
            if (!covered) {
                report(
                    `[BAK-${level.toUpperCase()}] ${nameOf(r)} (${CLASSIFICATION_TAG}=${level}) is assigned by no selection of a ${level} backup plan (its resources / tags, conditions and notResources leave it out)`,
                    r.urn,
                );
            }
        }
    },
});

// --- KMS-only uploads, evaluated --------------------------------------------------------------------------

export const bucketRefusesOtherEncryption = stackPolicy({
    name: "data-bucket-refuses-other-encryption",
    description: `Every SSE-KMS bucket (all but the one tagged ${SSE_EXEMPTION_TAG}=${SSE_EXEMPTION_ALB}) has a bucket policy that denies, for anyone, an upload asking for SSE-S3 (AES256) and an upload asking for SSE-KMS with another key: the policy's Deny statements are evaluated against both requests.`,
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
            const rule = configs
                .filter((c) => c.props.bucket === id)
                .flatMap((c) => asArray(c.props.rules as Rec[]).map(asObject))
                .map((x) => asObject(x.applyServerSideEncryptionByDefault))
                .find((d) => d.sseAlgorithm === "aws:kms");
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
            ];
            for (const [what] of probes.filter(
                ([, c]) => !denied({ "*": ANY, "aws:securetransport": ["true"], ...lower(c) }),
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
