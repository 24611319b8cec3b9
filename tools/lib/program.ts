import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { OFFLINE_PLAN_ENV } from "../../components/config/offline";
import { ProviderMocks } from "./mocks";
import type { StackReferenceValue } from "./stack-refs";

/** Signature key and secret signature of Pulumi's wire and state formats. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A resource as the program registered it under mocks, with what the engine would know of it. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    id?: string;
    parent?: string;
    /** `<provider URN>::<provider id>`; empty for the default provider. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    deletedWith?: string;
    /** A read of an existing resource (a StackReference, a `.get`), not one the program manages. */
    external?: boolean;
    /** Inputs and outputs in wire form: secrets as `{sig, value}`. */
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

/** A message the program logged (pulumi.log.warn / error), as the engine would show it under Diagnostics. */
export interface Diagnostic {
    severity: "warning" | "error";
    message: string;
}

export interface ProgramRun {
    resources: RecordedResource[];
    stackOutputs: Record<string, unknown>;
    /** Warnings and errors the program logged, in order. */
    diagnostics?: Diagnostic[];
}

export interface RunOptions {
    project: string;
    stack: string;
    /** Full config map (`<namespace>:<key>` → string value), as the CLI would pass it. */
    config: Record<string, string>;
    secretKeys?: string[];
    /** Loads the program (e.g. `() => require("../../index")`); its exports become the stack outputs. */
    load: () => unknown;
    /**
     * Run as a real `pulumi up` would: without the offline-plan marker (OFFLINE_PLAN_ENV), so the program applies
     * the rules of a real update (tests of those rules). By default a run is an offline plan.
     */
    asRealUpdate?: boolean;
    /** Outputs of the stacks the program references (StackReference), by reference name (plan --stack-ref). */
    stackReferences?: Record<string, StackReferenceValue>;
}

/** The parts of a RegisterResourceRequest (proto/resource_pb) that a plan records. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getAdditionalsecretoutputsList(): string[];
    getIgnorechangesList(): string[];
    getDeletedwith(): string;
    getVersion(): string;
    getObject(): { toJavaScript(): unknown } | undefined;
}

/** The parts of a ReadResourceRequest / ReadResourceResponse (proto/resource_pb) that a plan records. */
interface ReadRequest {
    getType(): string;
    getName(): string;
    getId(): string;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getProperties(): { toJavaScript(): unknown } | undefined;
}

interface ReadResponse {
    getUrn(): string;
    getProperties(): { toJavaScript(): unknown } | undefined;
}

interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): unknown } | undefined;
}

type Callback<T> = (err: unknown, resp?: T) => void;

/**
 * The SDK's mock monitor, handed to the runtime with `setMockOptions`, that also records each registration as
 * the engine receives it (parent, provider, dependencies, options, inputs) with the outputs the mocks return.
 * The mock monitor names resources by its own URN rule (the parent's last type only, and the root stack's type
 * on its children); the record is given the engine's URNs (engineUrns), so a plan reads like a stack export.
 */
class RecordingMonitor extends MockMonitor {
    private readonly recorded = new Map<string, RecordedResource>();

    constructor(
        mocks: pulumi.runtime.Mocks,
        private readonly project: string,
        private readonly stack: string,
    ) {
        super(mocks);
    }

    override registerResource(req: RegisterRequest, callback: Callback<RegisterResponse>): Promise<void> {
        return super.registerResource(req, (err: unknown, resp?: RegisterResponse) => {
            if (!err && resp) {
                this.record(req, resp);
            }
            callback(err, resp);
        });
    }

    /** A read (StackReference): recorded as the engine keeps it in state, `external` with the read's outputs. */
    override readResource(req: ReadRequest, callback: Callback<ReadResponse>): Promise<void> {
        return super.readResource(req, (err: unknown, resp?: ReadResponse) => {
            if (!err && resp) {
                const outputs = (resp.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
                this.recorded.set(resp.getUrn(), {
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: true,
                    id: req.getId(),
                    ...(req.getParent() ? { parent: req.getParent() } : {}),
                    ...(req.getProvider() ? { provider: req.getProvider() } : {}),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: {},
                    protect: false,
                    retainOnDelete: false,
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    ignoreChanges: [],
                    external: true,
                    inputs: (req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    outputs,
                });
            }
            callback(err, resp);
        });
    }

    override registerResourceOutputs(
        req: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined },
        callback: Callback<unknown>,
    ): void {
        const r = this.recorded.get(req.getUrn());
        if (r) {
            r.outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        }
        super.registerResourceOutputs(req, callback);
    }

    /** Registered URNs (the engine's) in registration order. */
    urns(): string[] {
        const rename = this.engineUrns();
        return [...this.recorded.keys()].map((u) => rename.get(u) ?? u);
    }

    /** The registrations with the engine's URNs wherever a URN appears (references in properties too). */
    recordedResources(): RecordedResource[] {
        const rename = this.engineUrns();
        return [...this.recorded.values()].map((r) => withUrns(r, rename) as RecordedResource);
    }

    /** Stack outputs with the engine's URNs. */
    engineValues<T>(value: T): T {
        return withUrns(value, this.engineUrns()) as T;
    }

    /**
     * Mock URN → the engine's: the parent's whole qualified type, then `$`, then the type; children of the root
     * stack carry their own type only. Parents register before their children, so one pass in order suffices.
     */
    private engineUrns(): Map<string, string> {
        const rename = new Map<string, string>();
        for (const r of this.recorded.values()) {
            let qualified = r.type;
            const parent = r.parent ? rename.get(r.parent) : undefined;
            if (parent) {
                const parentQualified = parent.split("::")[2];
                if (parentQualified !== "pulumi:pulumi:Stack") {
                    qualified = `${parentQualified}$${r.type}`;
                }
            }
            rename.set(r.urn, `urn:pulumi:${this.stack}::${this.project}::${qualified}::${r.name}`);
        }
        return rename;
    }

    private record(req: RegisterRequest, resp: RegisterResponse): void {
        const urn = resp.getUrn();
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((value, key) => {
            propertyDependencies[key] = value.getUrnsList();
        });
        const inputs = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
        // The engine adds the requested plugin version to a provider's inputs (SetProviderVersion).
        if (req.getType().startsWith("pulumi:providers:") && req.getVersion() && inputs.version === undefined) {
            inputs.version = req.getVersion();
        }
        const custom = req.getCustom();
        // A Map keeps the first insertion's position: registration order survives a re-registration.
        this.recorded.set(urn, {
            urn,
            type: req.getType(),
            name: req.getName(),
            custom,
            ...(custom ? { id: resp.getId() } : {}),
            ...(req.getParent() ? { parent: req.getParent() } : {}),
            ...(req.getProvider() ? { provider: req.getProvider() } : {}),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            ignoreChanges: req.getIgnorechangesList(),
            ...(req.getDeletedwith() ? { deletedWith: req.getDeletedwith() } : {}),
            inputs,
            outputs: custom ? ((resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>) : {},
        });
    }
}

/**
 * Runs a Pulumi program under mocks and records every registration request the engine would receive
 * (type, name, parent, provider, dependencies, options, inputs) with the outputs the mocks return.
 * One program per process (Pulumi's runtime state is global): tests use `jest.isolateModules`.
 */
export async function runUnderMocks(opts: RunOptions): Promise<ProgramRun> {
    const region = opts.config["aws:region"] ?? "us-east-1";
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
    const monitor = new RecordingMonitor(
        new ProviderMocks(region, opts.stackReferences ?? {}),
        opts.project,
        opts.stack,
    );
    pulumi.runtime.setMockOptions(monitor, opts.project, opts.stack, false);

    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    const exitListeners = new Set(process.listeners("exit"));
    const marker = process.env[OFFLINE_PLAN_ENV];
    if (opts.asRealUpdate) {
        delete process.env[OFFLINE_PLAN_ENV];
    } else {
        process.env[OFFLINE_PLAN_ENV] = "1";
    }
    const logged = captureLogs();
    try {
        // A stack output whose value fails (an apply that throws) fails the stack; the registrations go on.
        const stackOutputs = (await pulumi.runtime
            .runInPulumiStack(async () => {
                try {
                    return { ...(opts.load() as Record<string, unknown>) };
                } catch (err) {
                    // A program that throws while loading (e.g. invalid config) registers nothing more.
                    failures.push(err);
                    return {};
                }
            })
            .catch((err: unknown) => {
                failures.push(err);
                return {};
            })) as Record<string, unknown> | undefined;
        // As the language host does when a program ends: wait for every outstanding registration, then close.
        try {
            await pulumi.runtime.disconnect();
        } catch (err) {
            failures.push(err);
        }
        // A failed apply (e.g. an agent stack's platform contract) fails every registration that reads it, each
        // in its own rejection, some after disconnect: let them all arrive while our handler is still listening.
        for (let seen = -1; seen !== failures.length;) {
            seen = failures.length;
            await new Promise((r) => setTimeout(r, 10));
        }
        if (failures.length > 0) {
            const err = failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
            // Tell callers what had been registered when the program failed (config errors: only the root stack).
            throw Object.assign(err, { registeredUrns: monitor.urns() });
        }
        return {
            resources: monitor.recordedResources(),
            stackOutputs: monitor.engineValues(stackOutputs ?? {}),
            diagnostics: logged.diagnostics,
        };
    } finally {
        logged.restore();
        if (marker === undefined) {
            delete process.env[OFFLINE_PLAN_ENV];
        } else {
            process.env[OFFLINE_PLAN_ENV] = marker;
        }
        process.off("unhandledRejection", onRejection);
        // Each copy of the SDK's runtime (one per jest module registry) adds an exit listener that reports
        // leaked promises; the run is over, so drop them rather than pile up past Node's MaxListeners warning.
        for (const l of process.listeners("exit")) {
            if (!exitListeners.has(l)) {
                process.off("exit", l);
            }
        }
    }
}

/** `value` with every string that is a renamed URN (or a provider reference `<URN>::<id>`) renamed. */
function withUrns(value: unknown, rename: Map<string, string>): unknown {
    if (typeof value === "string") {
        const known = rename.get(value);
        if (known) {
            return known;
        }
        const at = value.lastIndexOf("::");
        const provider = at > 0 ? rename.get(value.slice(0, at)) : undefined;
        return provider ? `${provider}${value.slice(at)}` : value;
    }
    if (Array.isArray(value)) {
        return value.map((v) => withUrns(v, rename));
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUrns(v, rename)]));
    }
    return value;
}

/**
 * Records what the program logs. With no engine connected (mocks) the SDK's pulumi.log.warn / error write
 * `warning: [runtime] <msg>` / `error: [runtime] <msg>` to console.warn / console.error; a real engine would
 * receive them as log requests and list them under Diagnostics. Other console output passes through.
 */
function captureLogs(): { diagnostics: Diagnostic[]; restore: () => void } {
    const diagnostics: Diagnostic[] = [];
    const original = { warn: console.warn, error: console.error };
    const capture =
        (severity: Diagnostic["severity"], prefix: string, pass: (...args: unknown[]) => void) =>
        (...args: unknown[]) => {
            if (args.length === 1 && typeof args[0] === "string" && args[0].startsWith(prefix)) {
                diagnostics.push({ severity, message: args[0].slice(prefix.length) });
            } else {
                pass(...args);
            }
        };
    console.warn = capture("warning", "warning: [runtime] ", original.warn);
    console.error = capture("error", "error: [runtime] ", original.error);
    return {
        diagnostics,
        restore: () => {
            console.warn = original.warn;
            console.error = original.error;
        },
    };
}
