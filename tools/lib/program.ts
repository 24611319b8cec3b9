import * as pulumi from "@pulumi/pulumi";
import { ProviderMocks } from "./mocks";

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
    /** Inputs and outputs in wire form: secrets as `{sig, value}`. */
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

export interface ProgramRun {
    resources: RecordedResource[];
    stackOutputs: Record<string, unknown>;
}

export interface RunOptions {
    project: string;
    stack: string;
    /** Full config map (`<namespace>:<key>` → string value), as the CLI would pass it. */
    config: Record<string, string>;
    secretKeys?: string[];
    /** Loads the program (e.g. `() => require("../../index")`); its exports become the stack outputs. */
    load: () => unknown;
}

type Callback = (
    err: Error | null,
    resp?: { getUrn(): string; getId(): string; getObject(): { toJavaScript(): unknown } | undefined },
) => void;

interface MonitorLike {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: RegisterRequest, cb: Callback): unknown;
    registerResourceOutputs(
        req: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined },
        cb: (err: Error | null, resp?: unknown) => void,
    ): unknown;
}

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

/**
 * Runs a Pulumi program under mocks and records every registration request the engine would receive
 * (type, name, parent, provider, dependencies, options, inputs) with the outputs the mocks return.
 * One program per process (Pulumi's runtime state is global): tests use `jest.isolateModules`.
 */
export async function runUnderMocks(opts: RunOptions): Promise<ProgramRun> {
    const region = opts.config["aws:region"] ?? "us-east-1";
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
    await pulumi.runtime.setMocks(new ProviderMocks(region), opts.project, opts.stack, false);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as {
        getMonitor(): MonitorLike;
        waitForRPCs(): Promise<void>;
    };
    const monitor = settings.getMonitor();
    // The engine's URN rule: the parent's qualified type, then `$`, then the type; the root stack adds nothing.
    // (The mock monitor keeps only the parent's last type and keeps the stack's.)
    monitor.newUrn = (parent: string, type: string, name: string) => {
        let qualified = type;
        if (parent) {
            const parentQualified = parent.split("::")[2];
            if (parentQualified.split("$").pop() !== "pulumi:pulumi:Stack") {
                qualified = `${parentQualified}$${type}`;
            }
        }
        return `urn:pulumi:${opts.stack}::${opts.project}::${qualified}::${name}`;
    };
    const recorded = new Map<string, RecordedResource>();
    const order: string[] = [];

    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, cb: Callback) =>
        register(req, (err, resp) => {
            if (!err && resp) {
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
                const r: RecordedResource = {
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    ...(req.getCustom() ? { id: resp.getId() } : {}),
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
                    outputs: req.getCustom()
                        ? ((resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>)
                        : {},
                };
                if (!recorded.has(urn)) {
                    order.push(urn);
                }
                recorded.set(urn, r);
            }
            cb(err, resp);
        });

    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const r = recorded.get(req.getUrn());
        if (r) {
            r.outputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        }
        return registerOutputs(req, cb);
    };

    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    const exitListeners = new Set(process.listeners("exit"));
    const restorePromises = untaggedPromises();
    const restoreCallsites = noSourcePositions();
    try {
        const stackOutputs = (await pulumi.runtime.runInPulumiStack(async () => {
            try {
                return { ...(opts.load() as Record<string, unknown>) };
            } catch (err) {
                // A program that throws while loading (e.g. invalid config) registers nothing more.
                failures.push(err);
                return {};
            }
        })) as Record<string, unknown> | undefined;
        await settings.waitForRPCs();
        if (failures.length > 0) {
            const err = failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
            // Tell callers what had been registered when the program failed (config errors: only the root stack).
            throw Object.assign(err, { registeredUrns: [...order] });
        }
        return { resources: order.map((u) => recorded.get(u) as RecordedResource), stackOutputs: stackOutputs ?? {} };
    } finally {
        restorePromises();
        restoreCallsites();
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

/**
 * The SDK's debuggablePromise tags every promise it creates (tens per resource) with an id, a context and
 * `new Error().stack`, only to print them when promises leak and PULUMI_DEBUG_PROMISE_LEAKS is set. Measured: a
 * third of the plan's CPU and most of its memory at 1,000 agents with the stacks source-mapped, and still about
 * 0.25 s of prod's synthesis without them. While the program runs, promises are tracked as leak candidates as
 * before, untagged: a program that never finishes (a promise that never settles) still fails at exit with the
 * SDK's leak report and exit code 1, as under the runtime (test/tools/program-leaks.test.ts). With
 * PULUMI_DEBUG_PROMISE_LEAKS set, the SDK's own function runs.
 */
function untaggedPromises(): () => void {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
        debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
        debugPromiseLeaks: boolean;
    };
    const state = require("@pulumi/pulumi/runtime/state") as {
        getStore(): { leakCandidates: Set<Promise<unknown>> };
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const original = debuggable.debuggablePromise;
    if (debuggable.debugPromiseLeaks) {
        return () => undefined;
    }
    // The SDK schedules its exit check on its first promise: schedule it the same way.
    void original(Promise.resolve(), "plan");
    debuggable.debuggablePromise = <T>(p: Promise<T>): Promise<T> => {
        const store = state.getStore();
        store.leakCandidates.add(p);
        // The SDK's very chain (then, then catch), so that promises settle in the same order.
        return p
            .then((value) => {
                store.leakCandidates.delete(p);
                return value;
            })
            .catch((err) => {
                store.leakCandidates.delete(p);
                (err as { promise?: unknown }).promise = p;
                throw err;
            });
    };
    return () => {
        debuggable.debuggablePromise = original;
    };
}

/**
 * Every resource constructor walks the whole call stack (Error.stackTraceLimit = Infinity) to send the engine
 * its source position, which the engine shows in diagnostics; mocks drop it and a plan does not record it.
 * Under a TypeScript loader each walk is source-mapped: measured, a third of the program's time for prod.
 * While the program runs under mocks, resources carry no source position.
 */
function noSourcePositions(): () => void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Resource } = require("@pulumi/pulumi/resource") as { Resource: { callsites: () => unknown[] } };
    const original = Resource.callsites;
    Resource.callsites = () => [];
    return () => {
        Resource.callsites = original;
    };
}
