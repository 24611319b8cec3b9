import { PolicyConfigSchema, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { CLASSIFICATION_LEVELS, ClassificationLevel, guide, LOG_SOURCES, LogSource } from "../catalog";
import { RBAC_ROLE_TAG } from "../catalog/identity";
import {
    AGENT_SIGNING,
    backupRules,
    CLASSIFICATION_TAG,
    CLOUDWATCH_RETENTION_DAYS,
    DATA_KEY_PAYLOAD,
    DATA_KEY_TAG,
    DATA_STORE_TAG,
    KMS_DELETION_WINDOW_DAYS,
    KMS_ROTATION_DAYS,
    LOG_SOURCE_TAG,
    SIGNING_KEY_SPEC,
    SSE_EXEMPTION_ALB,
    SSE_EXEMPTION_TAG,
} from "../catalog/data";
import {
    asArray,
    asObject,
    effectiveTags,
    environmentOf,
    environmentSchema,
    parsePolicyDocument,
    resourcePolicy,
    stackEnvironmentOf,
    stackPolicy,
} from "./lib";
import { accessMatrixOf } from "./iam-model";
import { candidatesBy } from "../lib/lookup";
import { evaluate, OUTSIDER_PROBES, outsiderContext, outsiderLabel, outsidersOf, parseDocument } from "../lib/iam";

const T = {
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

type Props = Record<string, unknown>;
type Stmt = {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
};

function statements(doc: unknown): Stmt[] {
    return asArray(parsePolicyDocument(doc)?.Statement as Stmt | Stmt[] | undefined).filter(
        (s) => s && typeof s === "object",
    );
}

function actionsOf(s: Stmt): string[] {
    return asArray(s.Action).filter((a): a is string => typeof a === "string");
}

/** True when one of the statement's actions covers `action` (exact, `s3:*`, `*` or a `prefix*` wildcard). */
function covers(s: Stmt, action: string): boolean {
    return actionsOf(s).some(
        (a) => a === "*" || a === action || (a.endsWith("*") && action.startsWith(a.slice(0, -1))),
    );
}

function condition(s: Stmt, operator: string, key: string): unknown {
    return s.Condition?.[operator]?.[key];
}

function isEveryone(principal: unknown): boolean {
    return (
        principal === "*" || (typeof principal === "object" && principal !== null && (principal as Props).AWS === "*")
    );
}

// ---------------------------------------------------------------------------------------------- KMS keys

function isRootPrincipal(principal: unknown): boolean {
    const aws = typeof principal === "object" && principal !== null ? (principal as Props).AWS : undefined;
    const list = asArray(aws as string | string[]);
    return list.length > 0 && list.every((p) => typeof p === "string" && /^arn:[^:]+:iam::\d{12}:root$/.test(p));
}

export const kmsKeySettings = resourcePolicy({
    name: "data-kms-key-settings",
    description: `Customer-managed KMS keys: symmetric encryption keys (AES-256-GCM) rotate automatically every ${KMS_ROTATION_DAYS} days or less, every key has a ${KMS_DELETION_WINDOW_DAYS}-day deletion window and an explicit key policy in which only the account-root administration statement grants kms:*.`,
    controls: ["KMS-AT-REST", "KMS-KEY-MGMT"],
    severity: "high",
    types: [T.key],
    validate: (args, report) => {
        const p = args.props;
        const usage = (p.keyUsage as string | undefined) ?? "ENCRYPT_DECRYPT";
        const spec = (p.customerMasterKeySpec as string | undefined) ?? "SYMMETRIC_DEFAULT";
        if (usage === "ENCRYPT_DECRYPT") {
            if (spec !== "SYMMETRIC_DEFAULT") {
                report(
                    `[KMS-AT-REST] encryption key has spec ${spec}; data at rest needs SYMMETRIC_DEFAULT (AES-256-GCM)`,
                );
            }
            if (p.enableKeyRotation !== true) {
                report("[KMS-KEY-MGMT] automatic key rotation is off (enableKeyRotation must be true)");
            } else {
                // KMS rotates yearly when rotationPeriodInDays is left out.
                const period = typeof p.rotationPeriodInDays === "number" ? p.rotationPeriodInDays : 365;
                if (period > KMS_ROTATION_DAYS) {
                    report(
                        `[KMS-KEY-MGMT] key rotates every ${period} days; the catalog asks at most ${KMS_ROTATION_DAYS}`,
                    );
                }
            }
        }
        const window = p.deletionWindowInDays ?? 30;
        if (window !== KMS_DELETION_WINDOW_DAYS) {
            report(
                `[KMS-KEY-MGMT] deletion window is ${String(window)} days; the catalog asks ${KMS_DELETION_WINDOW_DAYS}`,
            );
        }
        if (p.policy === undefined) {
            report("[KMS-KEY-MGMT] key has no explicit key policy naming the services that may use it");
            return;
        }
        const doc = parseDocument(p.policy);
        if (!doc) {
            report("[KMS-KEY-MGMT] key policy is not a readable policy document; it cannot be evaluated");
            return;
        }
        // Simulated: a role of another account (administrator there) and an anonymous caller, with every
        // context key they could influence left open, must be unable to use or manage the key.
        const keyArn = typeof p.arn === "string" ? p.arn : "arn:aws:kms:region:000000000000:key/this";
        const ownAccount = /:(\d{12}):/.exec(typeof p.arn === "string" ? p.arn : "")?.[1];
        const account = ownAccount ?? "000000000000";
        for (const action of OUTSIDER_PROBES.key) {
            for (const who of outsidersOf(doc, ownAccount)) {
                const d = evaluate(who, {
                    action,
                    resource: keyArn,
                    resourceAccount: account,
                    isKmsKey: true,
                    resourcePolicy: { name: "key policy", document: doc },
                    context: outsiderContext(),
                });
                if (d.possible) {
                    report(
                        `[KMS-KEY-MGMT] ${who.kind === "anonymous" ? "an anonymous caller" : outsiderLabel(who, "a principal of another account")} can ${action} with this key (${d.allowedBy.filter((a) => a.startsWith("key policy:")).join(", ")})`,
                    );
                    break;
                }
            }
        }
        for (const s of statements(p.policy)) {
            if (
                s.Effect === "Allow" &&
                actionsOf(s).some((a) => a === "kms:*" || a === "*") &&
                !isRootPrincipal(s.Principal)
            ) {
                report(
                    `[KMS-KEY-MGMT] key policy statement ${s.Sid ?? "(no Sid)"} grants kms:* to a principal other than the account root`,
                );
            }
        }
    },
});

// ---------------------------------------------------------------------------------------- bucket helpers

interface Bucket {
    resource: PolicyResource;
    name: string;
    tags: Record<string, string>;
}

/** A resource's tags as a stack policy sees them: own tags merged with the provider's (tagsAll). */
function stackTags(r: PolicyResource): Record<string, string> {
    return {
        ...((r.props.tagsAll as Record<string, string>) ?? {}),
        ...((r.props.tags as Record<string, string>) ?? {}),
    };
}

function bucketsOf(resources: PolicyResource[]): Bucket[] {
    return resources
        .filter((r) => r.type === T.bucket)
        .map((r) => ({
            resource: r,
            name: String(r.props.bucket ?? r.props.id ?? r.name),
            tags: stackTags(r),
        }));
}

/** Configuration resources of a bucket: linked through their `bucket` input (dependency, or name). */
function configsOf(resources: PolicyResource[], type: string, bucket: Bucket): PolicyResource[] {
    return resources.filter(
        (r) =>
            r.type === type &&
            ((r.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.resource.urn) ||
                (r.props.bucket !== undefined &&
                    (r.props.bucket === bucket.resource.props.bucket || r.props.bucket === bucket.resource.props.id))),
    );
}

function sseAlgorithms(sse: PolicyResource[]): string[] {
    return sse.flatMap((c) =>
        asArray(c.props.rules as Props[] | undefined).map(
            (rule) => ((rule?.applyServerSideEncryptionByDefault as Props | undefined)?.sseAlgorithm as string) ?? "",
        ),
    );
}

export const s3BucketBaseline = stackPolicy({
    name: "data-s3-bucket-baseline",
    description: `Every S3 bucket: SSE-KMS (aws:kms) default encryption, all four public-access-block flags, versioning Enabled, and a bucket policy denying requests without TLS. Only one bucket may be exempt from SSE-KMS: tagged ${SSE_EXEMPTION_TAG}=${SSE_EXEMPTION_ALB} (ELB access logs), and it must use SSE-S3.`,
    controls: ["KMS-AT-REST", "LOG-AGG-ENCRYPTION", "LOG-AGG-STORAGE"],
    severity: "critical",
    validate: (args, report) => {
        const buckets = bucketsOf(args.resources);
        const exempt = buckets.filter((b) => b.tags[SSE_EXEMPTION_TAG] === SSE_EXEMPTION_ALB);
        if (exempt.length > 1) {
            report(
                `[LOG-AGG-ENCRYPTION] only one bucket may carry ${SSE_EXEMPTION_TAG}=${SSE_EXEMPTION_ALB}; found ${exempt.map((b) => b.name).join(", ")}`,
            );
        }
        for (const b of buckets) {
            const urn = b.resource.urn;
            const algorithms = sseAlgorithms(configsOf(args.resources, T.sse, b));
            if (algorithms.length === 0) {
                report(`[KMS-AT-REST] bucket ${b.name} has no server-side encryption configuration`, urn);
            } else if (exempt.includes(b)) {
                if (!algorithms.every((a) => a === "AES256")) {
                    report(`[LOG-AGG-ENCRYPTION] ELB access-log bucket ${b.name} must use SSE-S3 (AES256)`, urn);
                }
            } else if (!algorithms.every((a) => a === "aws:kms")) {
                report(
                    `[KMS-AT-REST] bucket ${b.name} encrypts with ${algorithms.join(", ")}, not aws:kms (a customer-managed KMS key)`,
                    urn,
                );
            }
            const pab = configsOf(args.resources, T.pab, b)[0]?.props;
            const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
            if (!pab || !flags.every((f) => pab[f] === true)) {
                report(`[LOG-AGG-STORAGE] bucket ${b.name} does not block public access with all four flags`, urn);
            }
            const versioning = configsOf(args.resources, T.versioning, b)[0]?.props;
            if ((versioning?.versioningConfiguration as Props | undefined)?.status !== "Enabled") {
                report(`[LOG-AGG-STORAGE] bucket ${b.name} does not have versioning Enabled`, urn);
            }
            const denyTls = configsOf(args.resources, T.bucketPolicy, b)
                .flatMap((p) => statements(p.props.policy))
                .some(
                    (s) =>
                        s.Effect === "Deny" &&
                        isEveryone(s.Principal) &&
                        covers(s, "s3:GetObject") &&
                        covers(s, "s3:PutObject") &&
                        String(condition(s, "Bool", "aws:SecureTransport")) === "false",
                );
            if (!denyTls) {
                report(
                    `[LOG-AGG-STORAGE] bucket ${b.name} has no policy statement denying requests without TLS (aws:SecureTransport=false)`,
                    urn,
                );
            }
        }
    },
});

// ----------------------------------------------------------------------------------------- log retention

const retentionSchema: PolicyConfigSchema = {
    properties: {
        logRetentionDays: {
            type: "object",
            properties: Object.fromEntries(LOG_SOURCES.map((s) => [s, { type: "integer" }])),
            default: Object.fromEntries(LOG_SOURCES.map((s) => [s, guide.logCollection[s].retentionDays])),
        },
    },
};

function retentionOf(args: { getConfig<T extends object>(): T }): Record<LogSource, number> {
    const configured =
        args.getConfig<{ logRetentionDays?: Partial<Record<LogSource, number>> }>().logRetentionDays ?? {};
    return Object.fromEntries(
        LOG_SOURCES.map((s) => [s, configured[s] ?? guide.logCollection[s].retentionDays]),
    ) as Record<LogSource, number>;
}

function isLogSource(value: string | undefined): value is LogSource {
    return value !== undefined && (LOG_SOURCES as string[]).includes(value);
}

const retentionControl = (s: LogSource) => `LOG-${s.toUpperCase()}-RETENTION`;

export const logBucketRetention = stackPolicy({
    name: "data-log-bucket-retention",
    description: `Each log source (${LOG_SOURCES.join(", ")}) has a bucket tagged ${LOG_SOURCE_TAG}; each log bucket's lifecycle expires objects at its source's retention; the audit bucket is under S3 Object Lock COMPLIANCE for at least the audit retention.`,
    controls: [...LOG_SOURCES.map(retentionControl), "LOG-AGG-CENTRAL"],
    severity: "high",
    configSchema: retentionSchema,
    validate: (args, report) => {
        const retention = retentionOf(args);
        const buckets = bucketsOf(args.resources).filter((b) => b.tags[LOG_SOURCE_TAG] !== undefined);
        for (const s of LOG_SOURCES) {
            if (!buckets.some((b) => b.tags[LOG_SOURCE_TAG] === s)) {
                report(`[LOG-AGG-CENTRAL] no bucket is tagged ${LOG_SOURCE_TAG}=${s}`);
            }
        }
        for (const b of buckets) {
            const source = b.tags[LOG_SOURCE_TAG];
            const urn = b.resource.urn;
            if (!isLogSource(source)) {
                report(
                    `[LOG-AGG-CENTRAL] bucket ${b.name} has ${LOG_SOURCE_TAG}=${source}; expected one of ${LOG_SOURCES.join(", ")}`,
                    urn,
                );
                continue;
            }
            const rules = configsOf(args.resources, T.lifecycle, b).flatMap((l) =>
                asArray(l.props.rules as Props[] | undefined),
            );
            const expiries = rules
                .filter((r) => r?.status === "Enabled")
                .map((r) => (r.expiration as Props | undefined)?.days)
                .filter((d): d is number => typeof d === "number");
            if (expiries.length === 0) {
                report(
                    `[${retentionControl(source)}] log bucket ${b.name} has no enabled lifecycle expiration; ${source} logs expire after ${retention[source]} days`,
                    urn,
                );
            } else if (!expiries.every((d) => d === retention[source])) {
                report(
                    `[${retentionControl(source)}] log bucket ${b.name} expires objects after ${expiries.join(", ")} days; ${source} logs are kept ${retention[source]} days`,
                    urn,
                );
            }
            if (source === "audit") {
                const lock = configsOf(args.resources, T.objectLock, b)[0]?.props;
                const dflt = ((lock?.rule as Props | undefined)?.defaultRetention ?? {}) as Props;
                const days =
                    typeof dflt.days === "number" ? dflt.days : typeof dflt.years === "number" ? dflt.years * 365 : 0;
                if (b.resource.props.objectLockEnabled !== true || !lock) {
                    report(`[LOG-AUDIT-RETENTION] audit bucket ${b.name} is not under S3 Object Lock`, urn);
                } else if (dflt.mode !== "COMPLIANCE" || days < retention.audit) {
                    report(
                        `[LOG-AUDIT-RETENTION] audit bucket ${b.name} Object Lock is ${String(dflt.mode)} for ${days} days; the catalog asks COMPLIANCE for ${retention.audit} days`,
                        urn,
                    );
                }
            }
        }
    },
});

export const logGroupSettings = resourcePolicy({
    name: "data-log-group-settings",
    description: `Every CloudWatch log group names its source in tag ${LOG_SOURCE_TAG} (${LOG_SOURCES.join(", ")}), keeps logs exactly that source's retention and is encrypted with a KMS key.`,
    controls: [...LOG_SOURCES.map(retentionControl), "LOG-AGG-CENTRAL", "LOG-AGG-ENCRYPTION"],
    severity: "high",
    types: [T.logGroup],
    configSchema: retentionSchema,
    validate: (args, report) => {
        const source = effectiveTags(args)[LOG_SOURCE_TAG];
        if (!isLogSource(source)) {
            report(
                `[LOG-AGG-CENTRAL] log group has ${source === undefined ? "no" : `an unknown (${source})`} ${LOG_SOURCE_TAG} tag; expected one of ${LOG_SOURCES.join(", ")}`,
            );
        } else {
            const want = retentionOf(args)[source];
            const days = args.props.retentionInDays;
            if (days !== want) {
                report(
                    `[${retentionControl(source)}] log group keeps logs ${typeof days === "number" && days > 0 ? `${days} days` : "forever"}; ${source} logs are kept ${want} days`,
                );
            }
            if (typeof days === "number" && days > 0 && !CLOUDWATCH_RETENTION_DAYS.includes(days)) {
                report(
                    `[${retentionControl(source)}] retentionInDays ${days} is not a value CloudWatch Logs accepts (${CLOUDWATCH_RETENTION_DAYS.join(", ")})`,
                );
            }
        }
        if (typeof args.props.kmsKeyId !== "string" || args.props.kmsKeyId === "") {
            report("[LOG-AGG-ENCRYPTION] log group is not encrypted with a KMS key (kmsKeyId)");
        }
    },
});

// --------------------------------------------------------------------------------------------- CloudTrail

export const cloudTrailSettings = resourcePolicy({
    name: "data-cloudtrail-settings",
    description:
        "The audit trail is multi-region, validates log files, encrypts with KMS, delivers to CloudWatch Logs, records all management events (read and write) and S3 data events.",
    controls: ["LOG-AUDIT-TRAIL", "ACC-DATA-AGENT-WRITE"],
    severity: "critical",
    types: [T.trail],
    validate: (args, report) => {
        const p = args.props;
        if (p.isMultiRegionTrail !== true) {
            report("[LOG-AUDIT-TRAIL] trail is not multi-region (isMultiRegionTrail)");
        }
        if (p.enableLogFileValidation !== true) {
            report("[LOG-AUDIT-TRAIL] trail does not validate log files (enableLogFileValidation)");
        }
        if (typeof p.kmsKeyId !== "string" || p.kmsKeyId === "") {
            report("[LOG-AUDIT-TRAIL] trail is not encrypted with a KMS key (kmsKeyId)");
        }
        if (typeof p.cloudWatchLogsGroupArn !== "string" || p.cloudWatchLogsGroupArn === "") {
            report("[LOG-AUDIT-TRAIL] trail does not deliver to a CloudWatch log group");
        }
        const advanced = asArray(p.advancedEventSelectors as Props[] | undefined).map((s) =>
            asArray(s?.fieldSelectors as Props[] | undefined),
        );
        const field = (selectors: Props[], name: string) => selectors.find((f) => f?.field === name);
        const equals = (f: Props | undefined) => asArray(f?.equals as string[] | undefined);
        if (advanced.length > 0) {
            const management = advanced.some(
                (fs) => equals(field(fs, "eventCategory")).includes("Management") && !field(fs, "readOnly"),
            );
            if (!management) {
                report("[LOG-AUDIT-TRAIL] trail does not record all management events (read and write)");
            }
            const s3Data = advanced.some(
                (fs) =>
                    equals(field(fs, "eventCategory")).includes("Data") &&
                    equals(field(fs, "resources.type")).includes("AWS::S3::Object"),
            );
            if (!s3Data) {
                report("[ACC-DATA-AGENT-WRITE] trail records no S3 object data events (writes are not audit-logged)");
            }
        } else {
            report(
                "[ACC-DATA-AGENT-WRITE] trail has no advanced event selectors: S3 object data events are not recorded",
            );
        }
    },
});

// ---------------------------------------------------------------------------------------- classification

/** Data-holding types that are always checked, even when a plan shows no tags property for them. */
const ALWAYS_TAGGABLE = new Set<string>([T.key, T.bucket, T.logGroup, T.vault, T.secret, T.trail, T.plan]);

export const classificationTag = resourcePolicy({
    name: "data-classification-tag",
    description: `Every taggable AWS resource carries tag ${CLASSIFICATION_TAG} with one of ${CLASSIFICATION_LEVELS.join(", ")} (its own tags or the provider's default tags). A resource counts as taggable when its inputs carry tags / tagsAll, or it is a data-holding type.`,
    controls: ["DATA-CLS-TAG"],
    severity: "medium",
    types: [],
    validate: () => undefined,
});
// Every AWS type is in scope, so the type filter of resourcePolicy is bypassed here.
classificationTag.validateResource = (args, report) => {
    if (!args.type.startsWith("aws:")) {
        args.notApplicable("Policy only applies to AWS resources");
    }
    const taggable = "tags" in args.props || "tagsAll" in args.props || ALWAYS_TAGGABLE.has(args.type);
    if (!taggable) {
        return;
    }
    const value = effectiveTags(args)[CLASSIFICATION_TAG];
    if (value === undefined) {
        report(`resource has no ${CLASSIFICATION_TAG} tag; expected one of ${CLASSIFICATION_LEVELS.join(", ")}`);
    } else if (!(CLASSIFICATION_LEVELS as string[]).includes(value)) {
        report(`${CLASSIFICATION_TAG}=${value} is not one of ${CLASSIFICATION_LEVELS.join(", ")}`);
    }
};

// ------------------------------------------------------------------------------------------------ backup

/** Cadence of an AWS Backup cron expression: daily, weekly, or other. */
export function cadenceOf(schedule: unknown): "daily" | "weekly" | "other" {
    const m = typeof schedule === "string" ? /^cron\((.+)\)$/.exec(schedule.trim()) : null;
    const fields = m ? m[1].trim().split(/\s+/) : [];
    if (fields.length !== 6) {
        return "other";
    }
    const [minute, hour, dom, , dow] = fields;
    const single = (f: string) => /^\d+$/.test(f);
    if (!single(minute) || !single(hour)) {
        return "other";
    }
    const any = (f: string) => f === "*" || f === "?";
    if (any(dom) && any(dow)) {
        return "daily";
    }
    if (dom === "?" && /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)$/i.test(dow)) {
        return "weekly";
    }
    return "other";
}

const bakControl = (level: ClassificationLevel) => `BAK-${level.toUpperCase()}`;

function levelOf(tags: Record<string, string>): ClassificationLevel | undefined {
    const v = tags[CLASSIFICATION_TAG];
    return (CLASSIFICATION_LEVELS as string[]).includes(v) ? (v as ClassificationLevel) : undefined;
}

export const backupPlanRules = resourcePolicy({
    name: "data-backup-plan-rules",
    description:
        "A backup plan implements the rules its classification level asks for in the catalog: critical = continuous (35 d) + daily kept 7 y, sensitive = daily kept 1 y, internal = weekly kept 90 d.",
    controls: [...CLASSIFICATION_LEVELS.map(bakControl), "DATA-CLS-TAG"],
    severity: "high",
    types: [T.plan],
    validate: (args, report) => {
        const level = levelOf(effectiveTags(args));
        if (!level) {
            report(`[DATA-CLS-TAG] backup plan has no ${CLASSIFICATION_TAG} tag naming the level it backs up`);
            return;
        }
        const rules = asArray(args.props.rules as Props[] | undefined);
        for (const want of backupRules(level)) {
            const found = rules.some(
                (r) =>
                    (r?.enableContinuousBackup === true) === want.continuous &&
                    cadenceOf(r?.schedule) === want.cadence &&
                    (r?.lifecycle as Props | undefined)?.deleteAfter === want.deleteAfterDays,
            );
            if (!found) {
                report(
                    `[${bakControl(level)}] ${level} backup plan lacks a ${want.continuous ? "continuous" : want.cadence} rule (${want.cadence} schedule) kept ${want.deleteAfterDays} days`,
                );
            }
        }
    },
});

function selects(selection: Props, level: ClassificationLevel): boolean {
    const byTag = asArray(selection.selectionTags as Props[] | undefined).some(
        (t) => t?.type === "STRINGEQUALS" && t?.key === CLASSIFICATION_TAG && t?.value === level,
    );
    const byCondition = asArray(selection.conditions as Props[] | undefined).some((c) =>
        asArray(c?.stringEquals as Props[] | undefined).some(
            (e) => e?.key === `aws:ResourceTag/${CLASSIFICATION_TAG}` && e?.value === level,
        ),
    );
    return byTag || byCondition;
}

export const backupCoverage = stackPolicy({
    name: "data-backup-coverage",
    description:
        "Each classification level has a backup plan with a selection by its classification tag; every vault is KMS-encrypted and locked with a retention range that admits the plans (compliance mode in prod); a weekly restore testing plan with a selection verifies the backups.",
    controls: [...CLASSIFICATION_LEVELS.map(bakControl), "BAK-RESTORE-TEST", "KMS-AT-REST"],
    severity: "high",
    configSchema: environmentSchema,
    validate: (args, report) => {
        const of = (type: string) => args.resources.filter((r) => r.type === type);
        const plans = of(T.plan);
        const selections = of(T.selection);
        for (const level of CLASSIFICATION_LEVELS) {
            const levelPlans = plans.filter((p) => levelOf(stackTags(p)) === level);
            const covered = levelPlans.some((p) =>
                selections.some(
                    (s) =>
                        (s.props.planId === p.props.id ||
                            (typeof p.props.arn === "string" &&
                                p.props.arn.endsWith(`:backup-plan:${String(s.props.planId)}`)) ||
                            (s.propertyDependencies?.planId ?? []).some((d) => d.urn === p.urn)) &&
                        selects(s.props, level),
                ),
            );
            if (!covered) {
                report(
                    `[${bakControl(level)}] no backup plan tagged ${CLASSIFICATION_TAG}=${level} has a selection of resources tagged ${CLASSIFICATION_TAG}=${level}`,
                );
            }
        }
        const retentions = CLASSIFICATION_LEVELS.flatMap((l) => backupRules(l).map((r) => r.deleteAfterDays));
        const [lo, hi] = [Math.min(...retentions), Math.max(...retentions)];
        const prod = stackEnvironmentOf(args) === "prod";
        for (const vault of of(T.vault)) {
            const name = String(vault.props.name ?? vault.name);
            if (typeof vault.props.kmsKeyArn !== "string" || vault.props.kmsKeyArn === "") {
                report(
                    `[KMS-AT-REST] backup vault ${name} is not encrypted with a customer-managed KMS key`,
                    vault.urn,
                );
            }
            const lock = of(T.vaultLock).find((l) => l.props.backupVaultName === name)?.props;
            if (!lock) {
                report(`[BAK-CRITICAL] backup vault ${name} has no vault lock`, vault.urn);
                continue;
            }
            const min = typeof lock.minRetentionDays === "number" ? lock.minRetentionDays : undefined;
            const max = typeof lock.maxRetentionDays === "number" ? lock.maxRetentionDays : undefined;
            if (min === undefined || max === undefined || min > lo || max < hi) {
                report(
                    `[BAK-CRITICAL] backup vault ${name} lock admits ${String(min)}–${String(max)} days; the plans keep ${lo}–${hi} days`,
                    vault.urn,
                );
            }
            if (prod && !(typeof lock.changeableForDays === "number" && lock.changeableForDays >= 3)) {
                report(
                    `[BAK-CRITICAL] backup vault ${name} lock is in governance mode; prod needs compliance mode (changeableForDays ≥ 3)`,
                    vault.urn,
                );
            }
        }
        const restorePlans = of(T.restorePlan).filter((p) => cadenceOf(p.props.scheduleExpression) === "weekly");
        if (restorePlans.length === 0) {
            report("[BAK-RESTORE-TEST] no weekly restore testing plan verifies the backups");
        } else if (
            !restorePlans.some((p) =>
                of(T.restoreSelection).some((s) => s.props.restoreTestingPlanName === p.props.name),
            )
        ) {
            report("[BAK-RESTORE-TEST] the weekly restore testing plan has no restore testing selection");
        }
    },
});

// ------------------------------------------------------------------------------------- deletion safety

export const protectedInProd = resourcePolicy({
    name: "data-protected-in-prod",
    description:
        "In prod, data-holding resources (KMS keys, S3 buckets, backup vaults, log groups) are protected (protect: true) so that no update can delete them.",
    controls: CLASSIFICATION_LEVELS.map((l) => `DATA-CLS-${l.toUpperCase()}`),
    severity: "critical",
    types: [T.key, T.bucket, T.vault, T.logGroup],
    configSchema: environmentSchema,
    validate: (args, report) => {
        if (environmentOf(args) !== "prod" || args.opts.protect === true) {
            return;
        }
        const level = levelOf(effectiveTags(args)) ?? "internal";
        report(`[DATA-CLS-${level.toUpperCase()}] ${args.type} is not protected (protect: true) in prod`);
    },
});

// ---------------------------------------------------------------------------------------- message keys

/** Interval of a Secrets Manager rotation in hours, or undefined when it cannot be read. */
export function rotationHours(rules: unknown): number | undefined {
    const r = (rules ?? {}) as Props;
    if (typeof r.automaticallyAfterDays === "number") {
        return r.automaticallyAfterDays * 24;
    }
    const m =
        typeof r.scheduleExpression === "string" ? /^rate\((\d+)\s+(hours?|days?)\)$/.exec(r.scheduleExpression) : null;
    if (m) {
        return Number(m[1]) * (m[2].startsWith("day") ? 24 : 1);
    }
    return undefined;
}

export const messageKeys = stackPolicy({
    name: "data-message-keys",
    description: `Message security keys exist: a ${SIGNING_KEY_SPEC} SIGN_VERIFY KMS key for signatures, and the payload data key secret (tag ${DATA_KEY_TAG}=${DATA_KEY_PAYLOAD}) encrypted with a KMS key and rotated at least every ${guide.messageSecurity.payload.keyRotationHours} h.`,
    controls: ["MSG-SIG-ALG", "MSG-PAYLOAD-KEY-STORAGE", "MSG-PAYLOAD-ROTATION"],
    severity: "high",
    validate: (args, report) => {
        const signing = args.resources.some(
            (r) =>
                r.type === T.key &&
                r.props.customerMasterKeySpec === SIGNING_KEY_SPEC &&
                r.props.keyUsage === "SIGN_VERIFY",
        );
        if (!signing) {
            report(`[MSG-SIG-ALG] no KMS key of spec ${SIGNING_KEY_SPEC} with usage SIGN_VERIFY signs messages`);
        }
        const secret = args.resources.find(
            (r) => r.type === T.secret && stackTags(r)[DATA_KEY_TAG] === DATA_KEY_PAYLOAD,
        );
        if (!secret) {
            report(`[MSG-PAYLOAD-KEY-STORAGE] no Secrets Manager secret is tagged ${DATA_KEY_TAG}=${DATA_KEY_PAYLOAD}`);
            return;
        }
        if (typeof secret.props.kmsKeyId !== "string" || secret.props.kmsKeyId === "") {
            report(
                "[MSG-PAYLOAD-KEY-STORAGE] the payload key secret is not encrypted with a customer-managed KMS key",
                secret.urn,
            );
        }
        const rotation = args.resources.find(
            (r) =>
                r.type === T.rotation &&
                (r.props.secretId === secret.props.id ||
                    r.props.secretId === secret.props.arn ||
                    (r.propertyDependencies?.secretId ?? []).some((d) => d.urn === secret.urn)),
        );
        const max = guide.messageSecurity.payload.keyRotationHours;
        if (!rotation || rotation.props.rotationEnabled === false) {
            report("[MSG-PAYLOAD-ROTATION] the payload key secret has no rotation", secret.urn);
            return;
        }
        const hours = rotationHours(rotation.props.rotationRules);
        if (hours === undefined || hours > max) {
            report(
                `[MSG-PAYLOAD-ROTATION] the payload key rotates every ${hours === undefined ? "(unreadable)" : `${hours} h`}; the guide asks ${max} h`,
                rotation.urn,
            );
        }
    },
});

// --------------------------------------------------------------------------------------- data access

/**
 * access_control.data_access as simulated requests (lib/iam access matrix): for every role of the plan, one
 * role of the account outside the stack with administrator identity policies, a role of another account and
 * an anonymous caller, S3 object reads / writes of each store and the KMS use through S3 that they need, with
 * the guide's conditions (MFA for agent_data writes, SigV4 for metrics_data writes) required.
 */
export const dataAccessPolicies = stackPolicy({
    name: "data-access-bucket-policies",
    description:
        "The agent_data and metrics_data buckets exist; simulated from bucket, key and role policies, only the guide's roles read and write them (agent_data: read system_admin / operator, write system_admin with MFA; metrics_data: read system_admin / operator / agent, write monitoring_agent with SigV4), and every other principal, in the account or not, is denied.",
    controls: ["ACC-DATA-AGENT-READ", "ACC-DATA-AGENT-WRITE", "ACC-DATA-METRICS-READ", "ACC-DATA-METRICS-WRITE"],
    severity: "critical",
    validate: (args, report) => {
        const buckets = bucketsOf(args.resources);
        for (const store of ["agent_data", "metrics_data"]) {
            if (!buckets.some((b) => b.tags[DATA_STORE_TAG] === store)) {
                report(
                    `[${store === "agent_data" ? "ACC-DATA-AGENT-READ" : "ACC-DATA-METRICS-READ"}] no bucket is tagged ${DATA_STORE_TAG}=${store}`,
                );
            }
        }
        for (const row of accessMatrixOf(args.resources).rows) {
            const store = row.data === "agent_data" || row.data === "metrics_data";
            if (row.ok || !store || row.why.startsWith("no resource of the plan")) {
                continue;
            }
            report(
                `[${row.control}] ${row.principal}: ${row.action} ${row.data} is ${row.allowed === "no" ? "denied" : row.allowed === "yes" ? "allowed" : "allowed under some conditions"}, the guide says ${row.expected}${row.requiredConditions.length ? ` (requires ${row.requiredConditions.join(", ")})` : ""} (${row.why})`,
                row.urn,
            );
        }
    },
});

// ------------------------------------------------------------------------------------------ discovery

export const macieDiscovery = stackPolicy({
    name: "data-macie-discovery",
    description: `Amazon Macie is enabled and a scheduled classification job covers every bucket tagged ${DATA_STORE_TAG}.`,
    controls: ["DATA-CLS-DISCOVERY"],
    severity: "medium",
    validate: (args, report) => {
        const account = args.resources.find((r) => r.type === T.macieAccount);
        if (!account || (account.props.status ?? "ENABLED") !== "ENABLED") {
            report("Amazon Macie is not enabled (aws.macie2.Account status ENABLED)");
        }
        const scanned = new Set(
            args.resources
                .filter((r) => r.type === T.macieJob && r.props.jobType === "SCHEDULED")
                .flatMap((j) =>
                    asArray(
                        ((j.props.s3JobDefinition as Props | undefined)?.bucketDefinitions ?? []) as Props[],
                    ).flatMap((d) => asArray(d?.buckets as string[] | undefined)),
                ),
        );
        for (const b of bucketsOf(args.resources).filter((x) => x.tags[DATA_STORE_TAG] !== undefined)) {
            if (!scanned.has(b.name)) {
                report(
                    `data store bucket ${b.name} is not covered by a scheduled Macie classification job`,
                    b.resource.urn,
                );
            }
        }
    },
});

// ------------------------------------------------------------------------------------------ in memory

export const inMemoryEnclave = stackPolicy({
    name: "data-in-memory-enclave",
    description:
        "Data in use stays in a secure enclave: at least one launch template (the agent node group's) enables AWS Nitro Enclaves.",
    controls: ["DATA-ENC-IN-MEMORY"],
    severity: "high",
    validate: (args, report) => {
        const enclave = args.resources.some(
            (r) => r.type === T.launchTemplate && (r.props.enclaveOptions as Props | undefined)?.enabled === true,
        );
        if (!enclave) {
            report("no launch template enables Nitro Enclaves (enclaveOptions.enabled) for the agent nodes");
        }
    },
});

export const agentMessageKeys = stackPolicy({
    name: "data-agent-message-keys",
    description: `Every agent role has its own ${SIGNING_KEY_SPEC} signing key (tags ${AGENT_SIGNING.purposeTag}=${AGENT_SIGNING.purpose}, ${AGENT_SIGNING.agentTag}=<agent>) and a policy letting it sign with that key only (aws:ResourceTag/${AGENT_SIGNING.agentTag} = its Pod Identity service account), so a signature attributes a message to one agent.`,
    controls: ["MSG-SIG-ALG"],
    severity: "high",
    validate: (args, report) => {
        const roles = args.resources.filter(
            (r) => r.type === "aws:iam/role:Role" && stackTags(r)[RBAC_ROLE_TAG] === "agent",
        );
        const keys = args.resources.filter(
            (r) => r.type === T.key && stackTags(r)[AGENT_SIGNING.purposeTag] === AGENT_SIGNING.purpose,
        );
        const policies = args.resources.filter(
            (r) => r.type === "aws:iam/policy:Policy" && stackTags(r)[RBAC_ROLE_TAG] === "agent",
        );
        const bound = (st: Stmt) =>
            asObject(st.Condition?.StringEquals)[`aws:ResourceTag/${AGENT_SIGNING.agentTag}`] ===
            AGENT_SIGNING.callerVariable;
        const signers = new Set<string>();
        for (const pol of policies) {
            for (const st of statements(pol.props.policy)) {
                if (st.Effect !== "Allow" || !covers(st, "kms:Sign")) {
                    continue;
                }
                if (!bound(st)) {
                    report(
                        `[MSG-SIG-ALG] agent policy ${String(pol.props.name)} statement ${st.Sid ?? "?"} allows kms:Sign without binding the key's ${AGENT_SIGNING.agentTag} tag to the caller (${AGENT_SIGNING.callerVariable}): an agent could sign as another`,
                        pol.urn,
                    );
                } else {
                    signers.add(String(pol.props.arn));
                }
            }
        }
        const attachments = args.resources.filter(
            (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        );
        const keysOf = candidatesBy(keys, (k) => stackTags(k)[AGENT_SIGNING.agentTag]);
        const attachmentsOf = candidatesBy(attachments, (a) => a.props.role);
        for (const role of roles) {
            const roleName = String(role.props.name ?? "");
            const agent = roleName.slice(roleName.lastIndexOf("-agent-") + "-agent-".length);
            const own = keysOf(agent).filter((k) => stackTags(k)[AGENT_SIGNING.agentTag] === agent);
            if (own.length !== 1) {
                report(
                    `[MSG-SIG-ALG] agent ${agent} has ${own.length} signing keys; it needs exactly one of its own`,
                    role.urn,
                );
            } else if (
                own[0].props.customerMasterKeySpec !== SIGNING_KEY_SPEC ||
                own[0].props.keyUsage !== "SIGN_VERIFY"
            ) {
                report(`[MSG-SIG-ALG] agent ${agent}'s signing key is not ${SIGNING_KEY_SPEC} SIGN_VERIFY`, own[0].urn);
            }
            const canSign = attachmentsOf(roleName).some(
                (a) => a.props.role === roleName && signers.has(String(a.props.policyArn)),
            );
            if (!canSign) {
                report(
                    `[MSG-SIG-ALG] agent role ${roleName} may not sign with its own key (no attached signing policy)`,
                    role.urn,
                );
            }
        }
    },
});

export const dataPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    kmsKeySettings,
    s3BucketBaseline,
    logBucketRetention,
    logGroupSettings,
    cloudTrailSettings,
    classificationTag,
    backupPlanRules,
    backupCoverage,
    protectedInProd,
    messageKeys,
    agentMessageKeys,
    dataAccessPolicies,
    macieDiscovery,
    inMemoryEnclave,
];
