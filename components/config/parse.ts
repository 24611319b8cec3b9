import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { crossChecks } from "./checks";
import { CONFIG_KEYS, KeyDecl, profileOf, PROJECT, PulumiType, StackConfig } from "./keys";

/** Raised for invalid stack config, before any resource is registered. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Validates raw config (key → value as Pulumi hands it over: strings, or JSON for arrays) and fills
 * defaults. Throws ConfigError naming every bad key.
 */
export function parseConfig(
    raw: Record<string, string>,
    region: string | undefined,
    project = PROJECT,
    stack = "dev",
): StackConfig {
    const problems: string[] = [];
    const prefix = `${project}:`;
    const values: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(raw)) {
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const name = fullKey.slice(prefix.length);
        const decl = (CONFIG_KEYS as Record<string, KeyDecl<z.ZodType>>)[name];
        if (!decl) {
            problems.push(`${fullKey}: unknown key; expected one of ${Object.keys(CONFIG_KEYS).join(", ")}`);
            continue;
        }
        const decoded = decode(decl.type, text);
        if (decoded.error) {
            problems.push(`${fullKey}: ${decoded.error}`);
            continue;
        }
        values[name] = decoded.value;
    }
    const out: Record<string, unknown> = {};
    for (const [name, decl] of Object.entries(CONFIG_KEYS) as [string, KeyDecl<z.ZodType>][]) {
        const value = name in values ? values[name] : decl.default;
        const result = decl.schema.safeParse(value);
        if (!result.success) {
            const issue = result.error.issues[0];
            const where = issue.path.length ? `[${issue.path.join(".")}]` : "";
            problems.push(`${prefix}${name}${where}: ${issue.message} (got ${JSON.stringify(value)})`);
            continue;
        }
        out[name] = result.data;
    }
    if (!region || !AWS_REGION.test(region)) {
        problems.push(`aws:region: expected an AWS region such as eu-west-1 (got ${JSON.stringify(region ?? null)})`);
    }
    if (problems.length === 0) {
        problems.push(
            ...crossChecks({ ...(out as StackConfig), profile: profileOf(out.environment as string) }, prefix),
        );
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    const cfg = out as StackConfig;
    return { ...cfg, region: region as string, project, stack, profile: profileOf(cfg.environment) };
}

function decode(type: PulumiType, text: string): { value?: unknown; error?: string } {
    switch (type) {
        case "string":
            return { value: text };
        case "integer":
            return /^-?\d+$/.test(text.trim())
                ? { value: Number(text) }
                : { error: `expected an integer (got ${JSON.stringify(text)})` };
        case "boolean":
            return text === "true" || text === "false"
                ? { value: text === "true" }
                : { error: `expected true or false (got ${JSON.stringify(text)})` };
        case "array":
            try {
                const parsed: unknown = JSON.parse(text);
                return Array.isArray(parsed) ? { value: parsed } : { error: `expected a list (got ${text})` };
            } catch {
                return { error: `expected a list (got ${JSON.stringify(text)})` };
            }
    }
}

/** Reads and validates the running stack's config. Call before creating any resource. */
export function loadConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    return parseConfig(raw, raw["aws:region"], pulumi.getProject(), pulumi.getStack());
}
