import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { UsageError } from "./errors";

export interface StackConfigFile {
    project: string;
    /** Config as the CLI hands it to the program: `<namespace>:<key>` → string (JSON for lists / objects). */
    config: Record<string, string>;
    /** Keys whose values were `secure:` and are replaced by placeholders. */
    secretKeys: string[];
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
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI does: project defaults first, stack values
 * over them; keys without a namespace belong to the project.
 */
export function readStackConfig(projectDir: string, stack: string): StackConfigFile {
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
    const stackDoc = (readYaml(stackFile) ?? {}) as { config?: Record<string, unknown> };
    const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        const dflt =
            decl && typeof decl === "object" && !Array.isArray(decl) ? (decl as { default?: unknown }).default : decl;
        if (dflt !== undefined) {
            config[qualify(key)] = encode(dflt);
        }
    }
    for (const [key, value] of Object.entries(stackDoc.config ?? {})) {
        const full = qualify(key);
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            config[full] = SECRET_PLACEHOLDER;
            secretKeys.push(full);
        } else {
            config[full] = encode(value);
        }
    }
    return { project: project.name, config, secretKeys };
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
