// `evidence --publish <bucket>`: the evidence files into the Object Lock audit bucket, under
// evidence/<stack>/<generatedAt>/, each with a SHA-256 checksum (S3 requires an integrity check with Object Lock).
import { GetObjectLockConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { UsageError } from "../errors";

const CONTENT_TYPE: Record<string, string> = {
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
};

export async function publish(opts: {
    bucket: string;
    region: string;
    stack: string;
    generatedAt: string;
    files: Record<string, string>;
}): Promise<string[]> {
    const s3 = new S3Client({ region: opts.region });
    let mode: string | undefined;
    try {
        const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: opts.bucket }));
        mode = lock.ObjectLockConfiguration?.ObjectLockEnabled;
    } catch (e) {
        const name = (e as Error).name;
        if (name !== "ObjectLockConfigurationNotFoundError") {
            throw new UsageError(`--publish: cannot read the Object Lock configuration of ${opts.bucket}: ${name}`);
        }
    }
    if (mode !== "Enabled") {
        throw new UsageError(
            `--publish: bucket ${opts.bucket} has no Object Lock: evidence goes only to the audit bucket`,
        );
    }
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
