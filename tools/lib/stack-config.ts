import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { UsageError } from "./errors";
import { escWarnings, readEscConfig } from "./esc";

export interface StackConfigFile {
    project: string;
    /** Config as the CLI hands it to the program: `<namespace>:<key>` → string (JSON for lists / objects). */
    config: Record<string, string>;
    /** Keys whose values were `secure:` (or ESC `fn::secret`) and are replaced by placeholders. */
    secretKeys: string[];
    /** ESC environments the stack file imports (`environment:`) that the offline plan cannot open. */
    unresolvedEnvironments: string[];
    /** What the offline plan cannot see of the stack's config (one line each), for the plan to print. */
    warnings: string[];
}

/** Placeholder for `secure:` values; the offline plan never sees the real secret. */
export const SECRET_PLACEHOLDER = "offline-plan-placeholder";

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new UsageError(`cannot read ${file}`);
    }
    try {
        return YAML.parse(text);
    } catch (e) {
        throw new UsageError(`${file} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
}

function encode(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI does: project defaults first, then the values of the
 * ESC environments the stack imports (as far as `escEnvironments`, name → local definition file, resolves
 * them: see esc.ts), then the stack's own values; keys without a namespace belong to the project.
 */
export function readStackConfig(
    projectDir: string,
    stack: string,
    escEnvironments: Record<string, string> = {},
): StackConfigFile {
    const project = readYaml(path.join(projectDir, "Pulumi.yaml")) as {
        name?: string;
        config?: Record<string, unknown>;
    };
    if (!project || typeof project.name !== "string") {
        throw new UsageError(`${path.join(projectDir, "Pulumi.yaml")} has no project name`);
    }
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new UsageError(`no stack config ${stackFile} (stacks: ${listStacks(projectDir).join(", ") || "none"})`);
    }
    const stackDoc = (readYaml(stackFile) ?? {}) as { config?: Record<string, unknown>; environment?: unknown };
    const name = project.name;
    const qualify = (key: string) => (key.includes(":") ? key : `${name}:${key}`);
    const config: Record<string, string> = {};
    const secretKeys = new Set<string>();
    const set = (full: string, value: unknown, secret: boolean) => {
        config[full] = secret ? SECRET_PLACEHOLDER : encode(value);
        if (secret) {
            secretKeys.add(full);
        } else {
            secretKeys.delete(full);
        }
    };
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        const dflt =
            decl && typeof decl === "object" && !Array.isArray(decl) ? (decl as { default?: unknown }).default : decl;
        if (dflt !== undefined) {
            set(qualify(key), dflt, false);
        }
    }
    // The explicit stack value wins over an environment's (ESC "Precedence"), which wins over the project default.
    const file = path.basename(stackFile);
    const esc = readEscConfig(stackDoc.environment, file, qualify, escEnvironments);
    for (const [full, v] of Object.entries(esc.values)) {
        if (v === "computed") {
            delete config[full];
            secretKeys.delete(full);
        } else {
            set(full, v.value, v.secret);
        }
    }
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        delete esc.computedFrom[qualify(key)];
        const secure = !!value && typeof value === "object" && !Array.isArray(value) && "secure" in value;
        set(qualify(key), value, secure);
    }
    return {
        project: name,
        config,
        secretKeys: [...secretKeys],
        unresolvedEnvironments: esc.unresolved,
        warnings: escWarnings(esc, file),
    };
}

/** The project name in <projectDir>/Pulumi.yaml. */
export function readProjectName(projectDir: string): string {
    const file = path.join(projectDir, "Pulumi.yaml");
    const project = readYaml(file) as { name?: unknown } | null;
    if (!project || typeof project.name !== "string") {
        throw new UsageError(`${file} has no project name`);
    }
    return project.name;
}

export function listStacks(projectDir: string): string[] {
    let files: string[];
    try {
        files = fs.readdirSync(projectDir);
    } catch (e) {
        throw new UsageError(
            `cannot read project directory ${projectDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
    }
    return files.map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s);
}

/**
 * Hands the stack's config to the policy pack the way the Pulumi nodejs host does for `pulumi preview
 * --policy-pack`: as PULUMI_CONFIG (key → string) in the analyzer's environment, which the pack's process inherits.
 */
export function exposeStackConfigToPack(config: Record<string, string>): void {
    process.env.PULUMI_CONFIG = JSON.stringify(config);
}
