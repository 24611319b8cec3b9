import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

export interface ResourceCase {
    type: string;
    props: Record<string, unknown>;
    name?: string;
    urn?: string;
    /** Policy config as the engine passes it (after schema defaults). */
    config?: Record<string, unknown>;
    provider?: { type: string; props: Record<string, unknown> };
    protect?: boolean;
    retainOnDelete?: boolean;
}

/** Config with the policy's schema defaults filled in, as the engine does before Configure. */
function withDefaults(
    policy: { configSchema?: { properties?: Record<string, unknown> } },
    config: Record<string, unknown> = {},
) {
    const defaults = Object.fromEntries(
        Object.entries(policy.configSchema?.properties ?? {})
            .filter(([, s]) => s && typeof s === "object" && "default" in (s as object))
            .map(([k, s]) => [k, (s as { default: unknown }).default]),
    );
    return { ...defaults, ...config };
}

/** What args.notApplicable throws here, as the server's own NotApplicableError: caught, no diagnostics. */
export class NotApplicable extends Error {}

/** Runs a validation as the server does: a not-applicable ends it without diagnostics, anything else fails. */
function unlessNotApplicable(validate: () => unknown): void {
    try {
        void validate();
    } catch (e) {
        if (!(e instanceof NotApplicable)) {
            throw e;
        }
    }
}

/** Runs a resource policy on one resource the way the analyzer server would; returns the messages. */
export function validateResource(policy: ResourceValidationPolicy, c: ResourceCase): string[] {
    const violations: string[] = [];
    const report: ReportViolation = (message) => violations.push(message);
    const name = c.name ?? "test";
    const args: ResourceValidationArgs = {
        type: c.type,
        props: c.props,
        urn: c.urn ?? `urn:pulumi:test::test::${c.type}::${name}`,
        name,
        opts: {
            protect: c.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        } as unknown as ResourceValidationArgs["opts"],
        provider: c.provider
            ? ({
                  type: c.provider.type,
                  name: "aws",
                  urn: "urn:pulumi:test::test::pulumi:providers:aws::aws",
                  props: c.provider.props,
              } as ResourceValidationArgs["provider"])
            : undefined,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => withDefaults(policy, c.config) as T,
        notApplicable: (reason?: string) => {
            throw new NotApplicable(reason);
        },
    } as unknown as ResourceValidationArgs;
    const validations = policy.validateResource;
    for (const v of Array.isArray(validations) ? validations : validations ? [validations] : []) {
        unlessNotApplicable(() => v(args, report));
    }
    return violations;
}

export interface StackResourceCase {
    type: string;
    props: Record<string, unknown>;
    name?: string;
    urn?: string;
    parent?: string;
    dependencies?: string[];
}

/** Runs a stack policy over resources (their outputs) the way the analyzer server would. */
export function validateStack(
    policy: StackValidationPolicy,
    resources: StackResourceCase[],
    config: Record<string, unknown> = {},
): { message: string; urn?: string }[] {
    const violations: { message: string; urn?: string }[] = [];
    const report: ReportViolation = (message, urn) => violations.push({ message, ...(urn ? { urn } : {}) });
    const list: PolicyResource[] = resources.map((r, i) => {
        const name = r.name ?? `r${i}`;
        return {
            type: r.type,
            props: r.props,
            urn: r.urn ?? `urn:pulumi:test::test::${r.type}::${name}`,
            name,
            opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource;
    });
    const args: StackValidationArgs = {
        resources: list,
        stackTags: new Map(),
        getConfig: <T extends object>() => withDefaults(policy, config) as T,
        notApplicable: (reason?: string) => {
            throw new NotApplicable(reason);
        },
    } as unknown as StackValidationArgs;
    unlessNotApplicable(() => policy.validateStack(args, report));
    return violations;
}
