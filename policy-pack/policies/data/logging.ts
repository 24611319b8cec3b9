// security_monitoring.log_collection: log buckets and log groups keep each source's retention; the audit trail.

import { PolicyConfigSchema } from "@pulumi/policy";
import { guide, LOG_SOURCES, LogSource } from "../../catalog";
import { boundText, GuidePath, meetsGuide } from "../../catalog/direction";
import { CLOUDWATCH_RETENTION_DAYS, DATA_STORE_TAG, LOG_SOURCE_TAG } from "../../catalog/data";
import { MANAGEMENT_PROBES, objectWriteProbes, trailRecords } from "../../lib/detection/trail";
import { asArray, effectiveTags, resourcePolicy, stackPolicy } from "../lib";
import { bucketsOf, configsOf, Props, T } from "./shared";

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

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const effectiveTagsOf = (p: Props): Record<string, string> => ({
    ...((p.tagsAll as Record<string, string> | undefined) ?? {}),
    ...((p.tags as Record<string, string> | undefined) ?? {}),
});
const retentionPath = (s: LogSource): GuidePath => `logCollection.${s}.retentionDays`;
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
            // An absolute expiration date deletes every object on that day, whatever its age.
            for (const r of rules.filter((x) => x?.status === "Enabled")) {
                const date = (r.expiration as Props | undefined)?.date;
                if (date !== undefined) {
                    report(
                        `[${retentionControl(source)}] log bucket ${b.name} rule ${String(r.id ?? "(no id)")} expires every object on ${String(date)}, whatever its age; ${source} logs are kept ${boundText(retentionPath(source), retention[source])} days`,
                        urn,
                    );
                }
            }
            if (expiries.length === 0) {
                report(
                    `[${retentionControl(source)}] log bucket ${b.name} has no enabled lifecycle expiration; ${source} logs expire after ${retention[source]} days`,
                    urn,
                );
            } else if (!expiries.every((d) => meetsGuide(retentionPath(source), d, retention[source]))) {
                // Kept longer is stricter (compliant); an unbounded lifetime is no retention at all.
                report(
                    `[${retentionControl(source)}] log bucket ${b.name} expires objects after ${expiries.join(", ")} days; ${source} logs are kept ${boundText(retentionPath(source), retention[source])} days`,
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
            if (typeof days !== "number" || days <= 0 || !meetsGuide(retentionPath(source), days, want)) {
                report(
                    `[${retentionControl(source)}] log group keeps logs ${typeof days === "number" && days > 0 ? `${days} days` : "forever"}; ${source} logs are kept ${boundText(retentionPath(source), want)} days`,
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

export const cloudTrailSettings = resourcePolicy({
    name: "data-cloudtrail-settings",
    description:
        "The audit trail is multi-region, validates log files, encrypts with KMS, delivers to CloudWatch Logs and records every management event class the audit needs (read and write, KMS use and key changes, sign-in, role assumption), judged by evaluating its event selectors.",
    controls: ["LOG-AUDIT-TRAIL"],
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
        // Effective: the selectors are evaluated against each management event class the audit needs.
        for (const probe of MANAGEMENT_PROBES.filter((e) => !trailRecords(p, e))) {
            report(
                `[LOG-AUDIT-TRAIL] trail does not record ${probe.what}: its event selectors (or includeGlobalServiceEvents) leave it out`,
            );
        }
    },
});

export const trailRecordsDataWrites = stackPolicy({
    name: "data-trail-records-data-writes",
    description: `Writes to each data store the guide audit-logs (agent_data: write conditions audit_logged), S3 PutObject and DeleteObject on the buckets tagged ${DATA_STORE_TAG}=agent_data, are recorded by a logging trail (its event selectors evaluated).`,
    controls: ["ACC-DATA-AGENT-WRITE"],
    severity: "high",
    validate: (args, report) => {
        const trails = args.resources.filter((r) => r.type === T.trail && r.props.enableLogging !== false);
        for (const b of args.resources.filter(
            (r) => BUCKET_TYPES.includes(r.type) && effectiveTagsOf(r.props)[DATA_STORE_TAG] === "agent_data",
        )) {
            const arn = typeof b.props.arn === "string" ? b.props.arn : `arn:aws:s3:::${String(b.props.bucket)}`;
            for (const probe of objectWriteProbes(arn).filter((e) => !trails.some((t) => trailRecords(t.props, e)))) {
                report(
                    `[ACC-DATA-AGENT-WRITE] no logging trail records ${probe.what} (agent_data writes must be audit-logged)`,
                    b.urn,
                );
            }
        }
    },
});
