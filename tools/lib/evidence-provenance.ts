// Integrity of the evidence: every input file with its sha256, and the versions of what computed it.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./errors";

export function sha256(bytes: Buffer | string): string {
    return createHash("sha256").update(bytes).digest("hex");
}

/** Each existing file with its sha256 and size; paths relative to `root` when inside it. */
export function hashInputs(root: string, files: string[]): { path: string; sha256: string; bytes: number }[] {
    const seen = new Set<string>();
    const out: { path: string; sha256: string; bytes: number }[] = [];
    for (const f of files) {
        const abs = path.resolve(root, f);
        if (seen.has(abs) || !fs.existsSync(abs)) {
            continue;
        }
        seen.add(abs);
        const bytes = fs.readFileSync(abs);
        const rel = path.relative(root, abs);
        out.push({ path: rel.startsWith("..") ? abs : rel, sha256: sha256(bytes), bytes: bytes.length });
    }
    return out;
}

function version(root: string, pkg: string): string {
    for (const base of [path.join(root, "node_modules"), path.join(root, "policy-pack", "node_modules")]) {
        try {
            // @pulumi/policy writes its version with a leading "v".
            return (
                JSON.parse(fs.readFileSync(path.join(base, pkg, "package.json"), "utf8")) as { version: string }
            ).version.replace(/^v/, "");
        } catch {
            // not installed there: try the next
        }
    }
    return "not installed";
}

/** Node, the Pulumi SDK and policy SDK, the providers, the pack, and the AWS SDK clients the collector uses. */
export function toolVersions(root: string): Record<string, string> {
    const pack = JSON.parse(fs.readFileSync(path.join(root, "policy-pack", "package.json"), "utf8")) as {
        name: string;
        version: string;
    };
    const out: Record<string, string> = { node: process.version, [pack.name]: pack.version };
    for (const p of [
        "@pulumi/pulumi",
        "@pulumi/policy",
        "@pulumi/aws",
        "@pulumi/kubernetes",
        "@pulumi/random",
        "@pulumi/tls",
        "typescript",
    ]) {
        out[p] = version(root, p);
    }
    Object.assign(out, awsSdkClients(root));
    return out;
}

/**
 * Every AWS SDK for JavaScript v3 package the project depends on (the clients `--collect` and `--publish` call),
 * at the version package-lock.json pins (an input hashed above), else the installed one.
 */
export function awsSdkClients(root: string): Record<string, string> {
    const read = (file: string): Record<string, unknown> => {
        try {
            return JSON.parse(fs.readFileSync(path.join(root, file), "utf8")) as Record<string, unknown>;
        } catch {
            return {};
        }
    };
    const pkg = read("package.json");
    const deps = Object.keys({
        ...((pkg.dependencies ?? {}) as Record<string, string>),
        ...((pkg.devDependencies ?? {}) as Record<string, string>),
    });
    const locked = (read("package-lock.json").packages ?? {}) as Record<string, { version?: string }>;
    return Object.fromEntries(
        deps
            .filter((d) => d.startsWith("@aws-sdk/"))
            .sort()
            .map((d) => [d, locked[`node_modules/${d}`]?.version ?? version(root, d)]),
    );
}

/** The directories whose code computes the statuses: the collector and report (tools), the pack, the components. */
export const STATUS_CODE_DIRS = ["tools", "policy-pack", "components"];

/**
 * The code that computed the statuses as it is on disk: sha256 over each tracked file's path and sha256, in path
 * order (`files`: the tracked paths, e.g. `git ls-files`), so uncommitted edits change it too.
 */
export function codeHash(root: string, files: string[]): { sha256: string; files: number } {
    const h = createHash("sha256");
    let n = 0;
    for (const f of [...files].sort()) {
        const abs = path.join(root, f);
        if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) {
            continue;
        }
        h.update(`${f}\0${sha256(fs.readFileSync(abs))}\n`);
        n++;
    }
    return { sha256: h.digest("hex"), files: n };
}

/** `--publish` writes evidence that names the code that computed it: only from a checkout with no changes. */
export function requireCleanTree(porcelain: string | undefined): void {
    if (porcelain === undefined) {
        throw new UsageError("--publish needs a git checkout: the evidence must name the commit that computed it");
    }
    if (porcelain.trim() !== "") {
        const n = porcelain.trim().split("\n").length;
        throw new UsageError(
            `--publish refuses a working tree with ${n} uncommitted change(s) (git status): commit them so the published evidence names the code that computed it`,
        );
    }
}
