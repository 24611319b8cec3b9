import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./errors";
import { ProgramRun, RecordedResource, SECRET_SIG, SIG_KEY } from "./program";

function packageVersion(pkg: string): string {
    try {
        const file = require.resolve(`@pulumi/${pkg}/package.json`);
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
    } catch {
        return "0.0.0";
    }
}

/**
 * Secrets as `pulumi stack export --show-secrets` writes them: `{sig, plaintext: <JSON of the value>}`. The
 * offline plan's secret values are mock placeholders (secure config is replaced before the run), and keeping
 * them readable lets policies check inside secrets, as they do in a real preview (the engine hands them the
 * decrypted values).
 */
function toState(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(toState);
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            return { [SIG_KEY]: SECRET_SIG, plaintext: JSON.stringify(obj.value ?? null) };
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toState(v)]));
    }
    return value;
}

/**
 * Writes a program run in `pulumi stack export` format (version 3). Resources that used a default
 * provider get one, named the way the engine names it (`default_<major>_<minor>_<patch>`).
 */
export function toDeployment(
    run: ProgramRun,
    opts: { project: string; stack: string; time?: string },
): Record<string, unknown> {
    const version = packageVersion("pulumi");
    const defaults = new Map<string, { urn: string; id: string; resource: Record<string, unknown> }>();
    const resources: Record<string, unknown>[] = [];
    const root = run.resources.find((r) => r.type === "pulumi:pulumi:Stack");

    const defaultProvider = (pkg: string): string => {
        let p = defaults.get(pkg);
        if (!p) {
            const name = `default_${packageVersion(pkg).replace(/[.+-]/g, "_")}`;
            const urn = `urn:pulumi:${opts.stack}::${opts.project}::pulumi:providers:${pkg}::${name}`;
            const id = createHash("sha256")
                .update(urn)
                .digest("hex")
                .slice(0, 32)
                .replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
            const inputs = { version: packageVersion(pkg) };
            p = {
                urn,
                id,
                resource: { urn, custom: true, id, type: `pulumi:providers:${pkg}`, inputs, outputs: inputs },
            };
            defaults.set(pkg, p);
            resources.push(p.resource);
        }
        return `${p.urn}::${p.id}`;
    };

    for (const r of run.resources) {
        const needsDefault = r.custom && !r.provider && !r.type.startsWith("pulumi:providers:");
        const provider = needsDefault ? defaultProvider(r.type.split(":")[0]) : r.provider;
        resources.push(stateResource(r, provider));
    }
    // Keep the root stack first, as the engine does.
    if (root) {
        const i = resources.findIndex((x) => x.urn === root.urn);
        resources.unshift(...resources.splice(i, 1));
    }
    return {
        version: 3,
        deployment: {
            manifest: {
                time: opts.time ?? new Date().toISOString(),
                magic: createHash("sha256").update(version).digest("hex"),
                version,
            },
            resources,
        },
    };
}

function stateResource(r: RecordedResource, provider: string | undefined): Record<string, unknown> {
    return {
        urn: r.urn,
        custom: r.custom,
        ...(r.id ? { id: r.id } : {}),
        type: r.type,
        inputs: toState(r.inputs),
        outputs: toState(r.outputs),
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.protect ? { protect: true } : {}),
        ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(r.dependencies.length ? { dependencies: r.dependencies } : {}),
        ...(provider ? { provider } : {}),
        ...(Object.keys(r.propertyDependencies).length ? { propertyDependencies: r.propertyDependencies } : {}),
        ...(r.additionalSecretOutputs.length ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
        ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
        ...(r.deletedWith ? { deletedWith: r.deletedWith } : {}),
        ...(r.external ? { external: true } : {}),
    };
}

/**
 * Creates `dir` and its missing parents one by one (Node's recursive mkdir never returns under some virtual
 * file systems, e.g. /proc); a failure is a UsageError naming the path.
 */
export function ensureDir(dir: string): void {
    const missing: string[] = [];
    let d = path.resolve(dir);
    while (!fs.existsSync(d)) {
        missing.unshift(d);
        const up = path.dirname(d);
        if (up === d) {
            break;
        }
        d = up;
    }
    try {
        if (!fs.statSync(d).isDirectory()) {
            throw new UsageError(`cannot create ${dir}: ${d} is not a directory`);
        }
        for (const m of missing) {
            try {
                fs.mkdirSync(m);
            } catch (e) {
                // plan:all runs plans in parallel: another one may create the same directory first.
                if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !fs.statSync(m).isDirectory()) {
                    throw e;
                }
            }
        }
    } catch (e) {
        if (e instanceof UsageError) {
            throw e;
        }
        throw new UsageError(`cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

/** Writes a text file, creating its directory; a failure is a UsageError (exit 2) naming the file. */
export function writeText(file: string, text: string): void {
    ensureDir(path.dirname(path.resolve(file)));
    try {
        fs.writeFileSync(file, text);
    } catch (e) {
        throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

export function writeJson(file: string, value: unknown): void {
    writeText(file, JSON.stringify(value, null, 2) + "\n");
}
