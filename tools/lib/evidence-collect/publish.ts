// `evidence --publish <bucket>`: the evidence files into the Object Lock audit bucket, under
// evidence/<stack>/<generatedAt>/, each with a SHA-256 checksum (S3 requires an integrity check with Object Lock).
// Only into a bucket whose default retention is the catalog's for audit logs (COMPLIANCE, the audit retention):
// a GOVERNANCE lock can be lifted and a shorter one lets the evidence be deleted before the audit retention ends.
import { GetObjectLockConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { guide } from "../../../policy-pack/catalog/guide";
import { UsageError } from "../errors";

/** The default retention the audit bucket must have (catalog: LOG-AUDIT-RETENTION). */
export const AUDIT_LOCK = { mode: "COMPLIANCE", days: guide.logCollection.audit.retentionDays } as const;

const CONTENT_TYPE: Record<string, string> = {
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
};

/** Refuses (exit 2, one line) a bucket without Object Lock or whose default retention is not the catalog's. */
export async function checkAuditBucket(bucket: string, region: string): Promise<void> {
    const s3 = new S3Client({ region });
    let mode: string | undefined;
    let retention: { Mode?: string; Days?: number; Years?: number } | undefined;
    try {
        const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
        mode = lock.ObjectLockConfiguration?.ObjectLockEnabled;
        retention = lock.ObjectLockConfiguration?.Rule?.DefaultRetention;
    } catch (e) {
        const name = (e as Error).name;
        if (name !== "ObjectLockConfigurationNotFoundError") {
            throw new UsageError(`--publish: cannot read the Object Lock configuration of ${bucket}: ${name}`);
        }
    }
    if (mode !== "Enabled") {
        throw new UsageError(`--publish: bucket ${bucket} has no Object Lock: evidence goes only to the audit bucket`);
    }
    // Years count as 365 days each, as the pack's LOG-AUDIT-RETENTION policy counts them.
    const days = retention?.Days ?? (retention?.Years !== undefined ? retention.Years * 365 : 0);
    if (retention?.Mode !== AUDIT_LOCK.mode || days < AUDIT_LOCK.days) {
        throw new UsageError(
            `--publish: bucket ${bucket} default retention is ${retention?.Mode ? `${retention.Mode} for ${days} days` : "not set"}; the audit bucket keeps evidence under ${AUDIT_LOCK.mode} for ${AUDIT_LOCK.days} days`,
        );
    }
}

export async function publish(opts: {
    bucket: string;
    region: string;
    stack: string;
    generatedAt: string;
    files: Record<string, string>;
}): Promise<string[]> {
    await checkAuditBucket(opts.bucket, opts.region);
    const s3 = new S3Client({ region: opts.region });
    const prefix = `evidence/${opts.stack}/${opts.generatedAt.replace(/[:.]/g, "-")}`;
    const keys: string[] = [];
    for (const [name, body] of Object.entries(opts.files)) {
        const key = `${prefix}/${name}`;
        await s3.send(
            new PutObjectCommand({
                Bucket: opts.bucket,
                Key: key,
                Body: body,
                ContentType: CONTENT_TYPE[name.slice(name.lastIndexOf("."))] ?? "application/octet-stream",
                ChecksumAlgorithm: "SHA256",
            }),
        );
        keys.push(key);
    }
    return keys;
}
