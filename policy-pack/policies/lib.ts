import {
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { hasControl } from "../catalog";
import { stackRole } from "../lib/agent-platform";
import { POLICY_STACKS, PolicyStacks } from "./stack-roles";

/** Policies name the controls they enforce in their tags: `control:<ID>`. */
export const CONTROL_TAG = "control:";

type Severity = "low" | "medium" | "high" | "critical";

interface Common {
    name: string;
    description: string;
    /** Catalog IDs this policy enforces. */
    controls: string[];
    severity: Severity;
    configSchema?: PolicyConfigSchema;
    remediationSteps?: string;
}

export interface ResourcePolicyDef extends Common {
    /** Pulumi type tokens the policy looks at, e.g. aws:ec2/subnet:Subnet. */
    types: string[];
    validate(args: ResourceValidationArgs, report: ReportViolation): void;
}

export interface StackPolicyDef extends Common {
    validate(args: StackValidationArgs, report: ReportViolation): void;
}

function metadata(def: Common) {
    for (const id of def.controls) {
        if (!hasControl(id)) {
            throw new Error(`policy ${def.name} names unknown control ${id}`);
        }
    }
    return {
        name: def.name,
        description: def.description,
        severity: def.severity,
        tags: def.controls.map((c) => CONTROL_TAG + c),
        ...(def.configSchema ? { configSchema: def.configSchema } : {}),
        ...(def.remediationSteps ? { remediationSteps: def.remediationSteps } : {}),
    };
}

/** The kinds of stack a policy runs on (stack-roles.ts); a policy not listed there runs on every stack. */
export function policyStacks(name: string): PolicyStacks {
    return POLICY_STACKS[name] ?? "both";
}

export function resourcePolicy(def: ResourcePolicyDef): ResourceValidationPolicy {
    // A resource policy sees one resource, not the stack's StackReference, so it cannot tell the stack's kind:
    // it runs on both (stack-roles.ts lists it so; test/policies/stack-roles.test.ts holds the table to that).
    const types = new Set(def.types);
    const reason = `Policy only applies to resources of type${def.types.length > 1 ? "s" : ""} ${def.types.map((t) => `'${t}'`).join(", ")}`;
    const validateResource = (args: ResourceValidationArgs, report: ReportViolation) => {
        if (types.has(args.type)) {
            def.validate(args, report);
        } else {
            // Reported to the engine as not applicable (not as passed), as the server does for a single type.
            args.notApplicable(reason);
        }
    };
    // One type: marked the way validateResourceOfType marks it, so the analyzer server skips every other type
    // before building the policy's arguments (and reports the policy not applicable to them itself).
    if (def.types.length === 1) {
        Object.assign(validateResource, { __pulumiType: def.types[0] });
    }
    return { ...metadata(def), validateResource };
}

export function stackPolicy(def: StackPolicyDef): StackValidationPolicy {
    const stacks = policyStacks(def.name);
    const validateStack = (args: StackValidationArgs, report: ReportViolation) => {
        const role = stackRole(args.resources);
        if (stacks !== "both" && stacks !== role) {
            // The other kind of stack implements (or has no part in) this policy's controls.
            args.notApplicable(
                role === "agents"
                    ? "an agent stack: the platform stack implements what this policy checks, and its audit holds it"
                    : "a platform stack: this policy checks an agent stack's contract with its platform",
            );
        }
        def.validate(args, report);
    };
    return { ...metadata(def), validateStack };
}

/** Control IDs a policy enforces. */
export function controlsOf(policy: { tags?: string[] }): string[] {
    return (policy.tags ?? []).filter((t) => t.startsWith(CONTROL_TAG)).map((t) => t.slice(CONTROL_TAG.length));
}

/**
 * The environment a policy evaluates for: policy config `environment` when set, else the resource's
 * `environment` tag (the stack sets it through the provider's default tags), else prod: the strict reading.
 */
export const environmentSchema: PolicyConfigSchema = {
    properties: { environment: { type: "string", enum: ["dev", "prod"] } },
};

export function environmentOf(
    args: { getConfig<T extends object>(): T } & Partial<Pick<ResourceValidationArgs, "props" | "provider">>,
): "dev" | "prod" {
    const configured = args.getConfig<{ environment?: "dev" | "prod" }>().environment;
    if (configured) {
        return configured;
    }
    const tag = args.props ? effectiveTags({ props: args.props, provider: args.provider }).environment : undefined;
    return tag === "dev" ? "dev" : "prod";
}

/** For stack policies: the environment tag of the stack's AWS provider, else prod. */
export function stackEnvironmentOf(args: StackValidationArgs): "dev" | "prod" {
    const configured = args.getConfig<{ environment?: "dev" | "prod" }>().environment;
    if (configured) {
        return configured;
    }
    const provider = args.resources.find((r) => r.type === "pulumi:providers:aws");
    const tag = provider
        ? effectiveTags({ props: {}, provider: { props: provider.props } as ResourceValidationArgs["provider"] })
              .environment
        : undefined;
    return tag === "dev" ? "dev" : "prod";
}

/**
 * A resource's effective tags: its provider's `defaultTags` merged under its own `tags`, the way the AWS
 * provider applies them.
 */
export function effectiveTags(args: Pick<ResourceValidationArgs, "props" | "provider">): Record<string, string> {
    // Provider inputs arrive JSON-encoded (the AWS provider stringifies defaultTags).
    let defaults: unknown = args.provider?.props?.defaultTags;
    if (typeof defaults === "string") {
        try {
            defaults = JSON.parse(defaults);
        } catch {
            defaults = undefined;
        }
    }
    const providerTags = ((defaults as { tags?: Record<string, string> } | undefined)?.tags ?? {}) as Record<
        string,
        string
    >;
    const own = (args.props.tags ?? {}) as Record<string, string>;
    return { ...providerTags, ...own };
}

/** A plain object, or {} for anything else (policies read untrusted, possibly partial props). */
export function asObject(value: unknown): Record<string, unknown> {
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The string, or undefined. */
export function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** The strings of a "one or many" value, dropping anything else. */
export function asStrings(value: unknown): string[] {
    return asArray(value as string | string[] | undefined).filter((s): s is string => typeof s === "string");
}

/** Normalises "one or many" input shapes (Pulumi inputs that may be a value or a list). */
export function asArray<T>(value: T | T[] | undefined | null): T[] {
    if (value === undefined || value === null) {
        return [];
    }
    return Array.isArray(value) ? value : [value];
}

/** IAM policy documents arrive as JSON strings or objects; returns the parsed object or undefined. */
export function parsePolicyDocument(doc: unknown): { Statement?: unknown } | undefined {
    if (typeof doc === "string") {
        try {
            return JSON.parse(doc) as { Statement?: unknown };
        } catch {
            return undefined;
        }
    }
    return doc && typeof doc === "object" ? (doc as { Statement?: unknown }) : undefined;
}
