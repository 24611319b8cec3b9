import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { agentQuotaProblems, crossChecks } from "./checks";
import { contactFindings } from "./contacts";
import { IAM_ROLE_NAME_MAX, namePrefix } from "./derived";
import { preconditionFindings } from "./preconditions";
import { AGENT_STACK_KEYS, CONFIG_KEYS, KeyDecl, profileOf, PROJECT, PulumiType, StackConfig } from "./keys";
import { OFFLINE_PLAN_ENV } from "./offline";

/** Raised for invalid stack config, before any resource is registered. */
export class ConfigError extends Error {
    /**
     * @param problems one line per problem, each naming its key
     * @param missing the full keys (`<namespace>:<key>`) that no value and no default gave
     */
    constructor(
        readonly problems: string[],
        readonly missing: string[] = [],
    ) {
        super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export interface ParseOptions {
    /** A real `pulumi up` (not a preview, not an offline plan): contacts at reserved domains are refused. */
    deploying?: boolean;
    /** Receives each warning of a valid config (loadConfig: pulumi.log.warn); dropped when not given. */
    warn?: (message: string) => void;
}

/**
 * Validates raw config (key → value as Pulumi hands it over: strings, or JSON for arrays) and fills
 * defaults. Throws ConfigError naming every bad or missing key.
 */
export function parseConfig(
    raw: Record<string, string>,
    region: string | undefined,
    project = PROJECT,
    stack = "dev",
    opts: ParseOptions = {},
): StackConfig {
    const problems: string[] = [];
    const missing: string[] = [];
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
    // The profile decides the defaults of the keys declared byProfile; an invalid environment is reported below.
    const environment = CONFIG_KEYS.environment.schema.safeParse(values.environment ?? CONFIG_KEYS.environment.default);
    const profile = profileOf(environment.success ? environment.data : "");
    // An agent stack does not need the platform's required keys (see AGENT_STACK_KEYS).
    const agentStack = typeof values.platformStack === "string" && values.platformStack !== "";
    const agentKeys: readonly string[] = AGENT_STACK_KEYS;
    for (const [name, decl] of Object.entries(CONFIG_KEYS) as [string, KeyDecl<z.ZodType>][]) {
        if (!(name in values) && decl.expected !== undefined && agentStack && !agentKeys.includes(name)) {
            out[name] = [];
            continue;
        }
        if (!(name in values) && decl.expected !== undefined) {
            problems.push(`${prefix}${name}: required, no default; ${decl.expected}`);
            missing.push(`${prefix}${name}`);
            continue;
        }
        const value = name in values ? values[name] : decl.byProfile ? decl.byProfile[profile] : decl.default;
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
        if (!region) {
            missing.push("aws:region");
        }
    }
    let warnings: string[] = [];
    if (problems.length === 0) {
        const cfg = { ...(out as StackConfig), profile: profileOf(out.environment as string) };
        // Contacts and deploy preconditions concern the platform's keys, which an agent stack ignores.
        const none = { problems: [] as string[], warnings: [] as string[] };
        const contacts = agentStack ? none : contactFindings(cfg, prefix, opts.deploying ?? false);
        const preconditions = agentStack
            ? none
            : preconditionFindings(cfg, region as string, prefix, opts.deploying ?? false);
        // An agent stack ignores the platform's keys: only the checks of its own keys apply.
        const checks = agentStack ? agentQuotaProblems(cfg, prefix) : crossChecks(cfg, prefix);
        problems.push(...checks, ...contacts.problems, ...preconditions.problems);
        problems.push(...agentStackChecks(cfg, prefix, project, stack));
        problems.push(...agentRoleNameProblems({ ...cfg, project, stack }, prefix));
        warnings = [...contacts.warnings, ...preconditions.warnings];
    }
    if (problems.length > 0) {
        throw new ConfigError(problems, missing);
    }
    warnings.forEach((w) => opts.warn?.(w));
    const cfg = out as StackConfig;
    return { ...cfg, region: region as string, project, stack, profile: profileOf(cfg.environment) };
}

/** An agent stack (platformStack set) has agents of its own and references another stack. */
function agentStackChecks(cfg: StackConfig, prefix: string, project: string, stack: string): string[] {
    if (cfg.platformStack === "") {
        return [];
    }
    const problems: string[] = [];
    if (cfg.agents.length === 0) {
        problems.push(
            `${prefix}agents: an agent stack (platformStack ${cfg.platformStack}) needs at least one agent; without agents it has nothing to build`,
        );
    }
    const parts = cfg.platformStack.split("/");
    const sameStack = parts.length === 1 ? parts[0] === stack : parts[1] === project && parts[2] === stack;
    if (sameStack) {
        problems.push(`${prefix}platformStack: ${cfg.platformStack} is this stack; name the platform stack`);
    }
    return problems;
}

/** Each agent's IAM role, `<namePrefix>-agent-<agent>`, fits IAM's 64 characters (the stack's prefix counts). */
function agentRoleNameProblems(cfg: StackConfig, prefix: string): string[] {
    const head = `${namePrefix(cfg)}-agent-`;
    return cfg.agents
        .filter((a) => head.length + a.length > IAM_ROLE_NAME_MAX)
        .map(
            (a) =>
                `${prefix}agents: agent ${a} makes the IAM role name ${head}${a} ${head.length + a.length} characters long; IAM allows ${IAM_ROLE_NAME_MAX}: with this stack's prefix ${head} an agent name has at most ${IAM_ROLE_NAME_MAX - head.length} characters`,
        );
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

/** True for a real `pulumi up`: not a preview (`pulumi.runtime.isDryRun()`), not an offline plan. */
export function isRealUpdate(): boolean {
    return !pulumi.runtime.isDryRun() && process.env[OFFLINE_PLAN_ENV] !== "1";
}

/** Reads and validates the running stack's config. Call before creating any resource. */
export function loadConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    return parseConfig(raw, raw["aws:region"], pulumi.getProject(), pulumi.getStack(), {
        deploying: isRealUpdate(),
        warn: (message) => void pulumi.log.warn(message),
    });
}
