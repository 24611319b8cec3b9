// Pulumi ESC environments a stack file imports (`environment:` in Pulumi.<stack>.yaml). The Pulumi CLI opens
// them in Pulumi Cloud and adds each environment's `values.pulumiConfig` to the stack's config; the offline plan
// has no Pulumi Cloud, so it reads only the local definitions it is given (`plan --esc-env <name>=<file.yaml>`)
// and an inline definition's static values, and names everything else it cannot see.
import * as fs from "fs";
import * as YAML from "yaml";
import { UsageError } from "./errors";

/** A config value an environment gives: its value, or `computed` when only ESC can evaluate it. */
export type EnvValue = { value: unknown; secret: boolean } | "computed";

export interface EscConfig {
    /** The environments the stack file imports, in order. */
    imports: string[];
    /** The imports (direct, or imported by a local definition) the offline plan cannot open. */
    unresolved: string[];
    /** Full config key → value, merged in import order (later environments override earlier ones). */
    values: Record<string, EnvValue>;
    /** Where each computed value came from, for the warning. */
    computedFrom: Record<string, string>;
}

interface Definition {
    imports: string[];
    pulumiConfig: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

/** ESC `imports:` entries: a name, or `{<name>: {merge: false}}`. */
function importNames(raw: unknown, where: string): string[] {
    const list = raw === undefined || raw === null ? [] : typeof raw === "string" ? [raw] : raw;
    if (!Array.isArray(list)) {
        throw new UsageError(`${where}: expected an environment name or a list of names`);
    }
    return list.map((entry) => {
        if (typeof entry === "string" && entry !== "") {
            return entry;
        }
        if (isObject(entry) && Object.keys(entry).length === 1) {
            return Object.keys(entry)[0];
        }
        throw new UsageError(`${where}: ${JSON.stringify(entry)} is not an environment name`);
    });
}

/** An environment definition's imports and `values.pulumiConfig`. */
function definition(doc: unknown, where: string): Definition {
    if (doc === undefined || doc === null) {
        return { imports: [], pulumiConfig: {} };
    }
    if (!isObject(doc)) {
        throw new UsageError(`${where}: expected an environment definition (imports:, values:)`);
    }
    const values = doc.values ?? {};
    const pulumiConfig = isObject(values) ? (values.pulumiConfig ?? {}) : undefined;
    if (!isObject(pulumiConfig)) {
        throw new UsageError(`${where}: values.pulumiConfig must be a map of config keys to values`);
    }
    return { imports: importNames(doc.imports, `${where} imports`), pulumiConfig };
}

/**
 * The `environment:` key of a stack file, as the stack settings file reference defines it: one environment
 * name, a list of names, or an inline definition (`imports:` and `values:`).
 */
function stackEnvironment(raw: unknown, file: string): { imports: string[]; inline?: Definition } {
    if (raw === undefined || raw === null) {
        return { imports: [] };
    }
    if (typeof raw === "string" || Array.isArray(raw)) {
        return { imports: importNames(raw, `${file} environment`) };
    }
    const inline = definition(raw, `${file} environment`);
    return { imports: inline.imports, inline };
}

/** JSON merge patch (RFC 7386), as ESC merges environments: objects merge key by key, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
    if (!isObject(patch)) {
        return patch;
    }
    const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
        if (v === null) {
            delete out[k];
        } else {
            out[k] = mergePatch(out[k], v);
        }
    }
    return out;
}

/** A value as written, if the offline plan can take it: no `${...}` interpolation, no fn:: but fn::secret. */
function staticValue(v: unknown): { value: unknown; secret: boolean } | undefined {
    if (typeof v === "string") {
        return v.includes("${") ? undefined : { value: v, secret: false };
    }
    if (Array.isArray(v)) {
        const items = v.map(staticValue);
        return items.every((i) => i !== undefined)
            ? { value: items.map((i) => i.value), secret: items.some((i) => i.secret) }
            : undefined;
    }
    if (isObject(v)) {
        const keys = Object.keys(v);
        if (keys.length === 1 && keys[0] === "fn::secret") {
            const inner = staticValue(v["fn::secret"]);
            return inner && { value: inner.value, secret: true };
        }
        if (keys.some((k) => k.startsWith("fn::"))) {
            return undefined;
        }
        const entries = keys.map((k) => [k, staticValue(v[k])] as const);
        return entries.every(([, e]) => e !== undefined)
            ? {
                  value: Object.fromEntries(entries.map(([k, e]) => [k, e?.value])),
                  secret: entries.some(([, e]) => e?.secret),
              }
            : undefined;
    }
    return { value: v, secret: false };
}

/** `--esc-env` values: `<name>=<file.yaml>`, comma-separated for several. */
export function parseEscEnvFlag(flag: string | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of (flag ?? "").split(",").filter((p) => p !== "")) {
        const eq = part.indexOf("=");
        if (eq <= 0 || eq === part.length - 1) {
            throw new UsageError(`--esc-env expects <name>=<file.yaml>[,<name>=<file.yaml>...] (got ${part})`);
        }
        out[part.slice(0, eq)] = part.slice(eq + 1);
    }
    return out;
}

/**
 * Resolves a stack file's `environment:` as far as the offline plan can: local definitions (`local`: name →
 * file) for imports, in order, then the inline definition's values; imports without a local definition stay
 * unresolved.
 */
export function readEscConfig(
    raw: unknown,
    file: string,
    qualify: (key: string) => string,
    local: Record<string, string> = {},
): EscConfig {
    const env = stackEnvironment(raw, file);
    const unresolved: string[] = [];
    const used = new Set<string>();
    let merged: Record<string, unknown> = {};
    const sources: Record<string, string> = {};
    const apply = (def: Definition, source: string) => {
        const patch = Object.fromEntries(Object.entries(def.pulumiConfig).map(([k, v]) => [qualify(k), v]));
        merged = mergePatch(merged, patch) as Record<string, unknown>;
        Object.keys(patch).forEach((k) => (sources[k] = source));
    };
    const visit = (name: string, seen: string[]) => {
        if (seen.includes(name)) {
            throw new UsageError(`ESC environment ${name} imports itself (${[...seen, name].join(" → ")})`);
        }
        const defFile = local[name];
        if (defFile === undefined) {
            if (!unresolved.includes(name)) {
                unresolved.push(name);
            }
            return;
        }
        used.add(name);
        let text: string;
        try {
            text = fs.readFileSync(defFile, "utf8");
        } catch {
            throw new UsageError(`--esc-env ${name}: cannot read ${defFile}`);
        }
        let doc: unknown;
        try {
            doc = YAML.parse(text);
        } catch (e) {
            throw new UsageError(
                `--esc-env ${name}: ${defFile} is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
            );
        }
        const def = definition(doc, `--esc-env ${name} (${defFile})`);
        def.imports.forEach((i) => visit(i, [...seen, name]));
        apply(def, `ESC environment ${name}`);
    };
    env.imports.forEach((name) => visit(name, []));
    if (env.inline) {
        apply(env.inline, `the inline environment of ${file}`);
    }
    const unused = Object.keys(local).filter((n) => !used.has(n));
    if (unused.length > 0) {
        throw new UsageError(
            `--esc-env ${unused.join(", ")}: ${file} does not import ${unused.length > 1 ? "these environments" : "that environment"} (imports: ${env.imports.join(", ") || "none"})`,
        );
    }
    const values: Record<string, EnvValue> = {};
    const computedFrom: Record<string, string> = {};
    for (const [key, v] of Object.entries(merged)) {
        const s = staticValue(v);
        values[key] = s ?? "computed";
        if (!s) {
            computedFrom[key] = sources[key];
        }
    }
    return { imports: env.imports, unresolved, values, computedFrom };
}

/** One line per environment the plan cannot open and per value it cannot evaluate. */
export function escWarnings(esc: EscConfig, file: string): string[] {
    return [
        ...esc.unresolved.map(
            (name) =>
                `${file} imports ESC environment ${name}, which the offline plan cannot open (no Pulumi Cloud): config values it provides are missing from this plan, so validation may fail or the plan may differ from \`pulumi preview\`; give a local definition with --esc-env ${name}=<file.yaml>`,
        ),
        ...Object.entries(esc.computedFrom).map(
            ([key, source]) =>
                `${key} comes from an expression in ${source} that only ESC can evaluate: it is missing from this plan`,
        ),
    ];
}

/**
 * A ConfigError that names missing keys, with one more line naming the imports the offline plan could not open
 * as their likely source. Any other error is returned as it is.
 */
export function explainMissingKeys(err: unknown, unresolved: string[], file: string): unknown {
    const e = err as { name?: string; problems?: string[]; missing?: string[]; constructor: unknown };
    if (e?.name !== "ConfigError" || !e.problems || !e.missing?.length || unresolved.length === 0) {
        return err;
    }
    const many = e.missing.length > 1;
    const hint =
        `${e.missing.join(", ")} ${many ? "are" : "is"} not set and likely ${many ? "come" : "comes"} from the ESC ` +
        `environment${unresolved.length > 1 ? "s" : ""} ${file} imports, which the offline plan cannot open: ` +
        `${unresolved.join(", ")} (give ${unresolved.length > 1 ? "their" : "its"} values with --esc-env ` +
        `<name>=<file.yaml>, or set ${many ? "them" : "it"} in ${file})`;
    // The same class the program threw (a jest run may hold several copies of the module).
    const ConfigError = e.constructor as new (problems: string[], missing: string[]) => Error;
    return Object.assign(new ConfigError([...e.problems, hint], e.missing), {
        registeredUrns: (err as { registeredUrns?: string[] }).registeredUrns,
    });
}
