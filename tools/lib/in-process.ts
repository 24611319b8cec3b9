// The pack's policies evaluated in this process, the way the pack's analyzer server evaluates them when the
// engine calls Analyze (each resource, its inputs) and AnalyzeStack (all resources, their outputs): same
// wire encoding (toWire → Struct → the SDK's deserializeProperties), the same unknown-checking proxy, the same
// enforcement-level resolution. It skips the process start and the gRPC round trips, so a mutation self-test
// can evaluate a hundred variants of a plan in seconds. test/tools/mutations.test.ts checks that this path
// and the analyzer server report the same violations.
import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { allPolicies, controlsOf } from "../../policy-pack/policies";
import { nameOf, parseConfigFile, PolicyConfigFile, toWire } from "./analyzer";
import { StateResource } from "./state";

/* eslint-disable @typescript-eslint/no-require-imports */
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(s: Struct, proxySecrets: boolean): Record<string, unknown>;
};
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(v: T): T;
    UnknownValueError: new (...args: unknown[]) => Error;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The pack's own level (policy-pack/index.ts); policies without a level of their own inherit it. */
export const PACK_ENFORCEMENT_LEVEL = "mandatory";

export interface InProcessViolation {
    policy: string;
    control: string;
    enforcementLevel: string;
    urn: string;
    message: string;
}

type AnyPolicy = (ResourceValidationPolicy | StackValidationPolicy) & {
    enforcementLevel?: string;
    configSchema?: { properties?: Record<string, unknown> };
};

interface Configured {
    policy: AnyPolicy;
    level: string;
    config: Record<string, unknown>;
    controls: string[];
}

/** Levels and properties per policy: own level and schema defaults, then the file's `all`, then its entries. */
function configure(file: PolicyConfigFile): Configured[] {
    const parsed = parseConfigFile(file);
    return (allPolicies as AnyPolicy[]).map((p) => {
        const defaults = Object.fromEntries(
            Object.entries(p.configSchema?.properties ?? {})
                .filter(([, s]) => s && typeof s === "object" && "default" in (s as object))
                .map(([k, s]) => [k, (s as { default: unknown }).default]),
        );
        const level =
            parsed[p.name]?.enforcementLevel ??
            parsed.all?.enforcementLevel ??
            p.enforcementLevel ??
            PACK_ENFORCEMENT_LEVEL;
        return {
            policy: p,
            level: level === "remediate" ? "mandatory" : level,
            config: { ...defaults, ...(parsed[p.name]?.properties ?? {}) },
            controls: controlsOf(p),
        };
    });
}

/** Properties as a policy sees them after the engine's encoding and the server's decoding. */
function decode(props: Record<string, unknown>): Record<string, unknown> {
    const filtered = Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
    return unknownCheckingProxy(
        deserializeProperties(Struct.fromJavaScript(toWire(filtered) as Record<string, never>), false),
    );
}

function opts(r: StateResource) {
    return {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.additionalSecretOutputs,
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

function violation(c: Configured, message: string, urn: string): InProcessViolation {
    const tagged = /^\[([A-Z0-9-]+)\]\s*/.exec(message);
    const own = tagged && c.controls.includes(tagged[1]);
    return {
        policy: c.policy.name,
        control: own ? tagged[1] : c.controls.join(",") || "UNMAPPED",
        enforcementLevel: c.level,
        urn,
        message: own ? message.slice(tagged[0].length) : message,
    };
}

/**
 * An evaluator for one policy config. Decoded properties are cached per resource object, so evaluating many
 * variants of one plan decodes only the resources a variant changed (variants must copy what they change).
 */
export class InProcessPack {
    private readonly configured: Configured[];
    private readonly inputs = new WeakMap<StateResource, Record<string, unknown>>();
    private readonly outputs = new WeakMap<StateResource, Record<string, unknown>>();
    private readonly resourceResults = new WeakMap<StateResource, InProcessViolation[]>();

    constructor(policyConfig: PolicyConfigFile) {
        this.configured = configure(policyConfig).filter((c) => c.level !== "disabled");
    }

    private decoded(
        cache: WeakMap<StateResource, Record<string, unknown>>,
        r: StateResource,
        which: "inputs" | "outputs",
    ) {
        let v = cache.get(r);
        if (!v) {
            v = decode(r[which]);
            cache.set(r, v);
        }
        return v;
    }

    private analyze(r: StateResource, byUrn: Map<string, StateResource>): InProcessViolation[] {
        const cached = this.resourceResults.get(r);
        if (cached) {
            return cached;
        }
        const out: InProcessViolation[] = [];
        const providerUrn = r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : undefined;
        const provider = providerUrn ? byUrn.get(providerUrn) : undefined;
        for (const c of this.configured) {
            const validate = (c.policy as ResourceValidationPolicy).validateResource;
            if (!validate) {
                continue;
            }
            const props = this.decoded(this.inputs, r, "inputs");
            const report: ReportViolation = (message, urn) => out.push(violation(c, String(message), urn || r.urn));
            const args = {
                type: r.type,
                props,
                urn: r.urn,
                name: nameOf(r.urn),
                opts: opts(r),
                stackTags: new Map(),
                isType: () => false,
                asType: () => undefined,
                getConfig: () => c.config,
                notApplicable: () => {
                    throw new NotApplicable();
                },
                ...(provider
                    ? {
                          provider: {
                              type: provider.type,
                              name: nameOf(provider.urn),
                              urn: provider.urn,
                              props: this.decoded(this.inputs, provider, "inputs"),
                          },
                      }
                    : {}),
            } as unknown as ResourceValidationArgs;
            for (const v of Array.isArray(validate) ? validate : [validate]) {
                run(c, r.urn, out, () => v(args, report));
            }
        }
        this.resourceResults.set(r, out);
        return out;
    }

    /**
     * Every violation the analyzer server would report for these resources (Analyze, then AnalyzeStack). With
     * `control`, only the policies mapped to that control run: the violations it can be reported under.
     */
    evaluate(resources: StateResource[], control?: string): InProcessViolation[] {
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const mine = (c: Configured) => control === undefined || c.controls.includes(control);
        const names = new Set(this.configured.filter(mine).map((c) => c.policy.name));
        const out = resources.flatMap((r) => this.analyze(r, byUrn).filter((v) => names.has(v.policy)));
        const policyResources: PolicyResource[] = resources.map((r) => ({
            type: r.type,
            props: this.decoded(this.outputs, r, "outputs"),
            urn: r.urn,
            name: nameOf(r.urn),
            opts: opts(r),
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        })) as unknown as PolicyResource[];
        const byUrnPolicy = new Map(policyResources.map((p) => [p.urn, p]));
        resources.forEach((r, i) => {
            const p = policyResources[i] as unknown as Record<string, unknown>;
            if (r.parent && byUrnPolicy.has(r.parent)) {
                p.parent = byUrnPolicy.get(r.parent);
            }
            p.dependencies = r.dependencies.map((d) => byUrnPolicy.get(d)).filter((d) => d);
            p.propertyDependencies = Object.fromEntries(
                Object.entries(r.propertyDependencies).map(([k, urns]) => [
                    k,
                    urns.map((d) => byUrnPolicy.get(d)).filter((d) => d),
                ]),
            );
        });
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        for (const c of this.configured) {
            const validate = (c.policy as StackValidationPolicy).validateStack;
            if (!validate || !mine(c)) {
                continue;
            }
            const found: InProcessViolation[] = [];
            const report: ReportViolation = (message, urn) =>
                found.push(violation(c, String(message), urn && byUrn.has(urn) ? urn : root));
            run(c, root, found, () =>
                validate(
                    {
                        resources: policyResources,
                        stackTags: new Map(),
                        getConfig: () => c.config,
                        notApplicable: () => {
                            throw new NotApplicable();
                        },
                    } as never,
                    report,
                ),
            );
            out.push(...found);
        }
        return out;
    }
}

class NotApplicable extends Error {}

/** As the server: an unknown value read is an advisory diagnostic; not-applicable is no diagnostic. */
function run(c: Configured, urn: string, out: InProcessViolation[], fn: () => unknown): void {
    try {
        const result = fn();
        if (result && typeof (result as Promise<unknown>).then === "function") {
            throw new Error(`policy ${c.policy.name} is asynchronous; the in-process path evaluates synchronously`);
        }
    } catch (e) {
        if (e instanceof NotApplicable) {
            return;
        }
        if (e instanceof UnknownValueError) {
            out.push({
                ...violation(c, `can't run policy '${c.policy.name}' during preview: ${e.message}`, urn),
                enforcementLevel: "advisory",
            });
            return;
        }
        throw new Error(`policy ${c.policy.name} failed on ${urn}: ${(e as Error).message}`);
    }
}
