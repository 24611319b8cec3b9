import { spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";
import * as grpc from "@grpc/grpc-js";
import Ajv from "ajv";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UsageError } from "./errors";
import { START } from "./node-command";
import { Requests } from "./analyzer-messages";
import { StateResource } from "./state";

export { messageCache, nameOf, Requests, toWire } from "./analyzer-messages";
export type { MessageCache } from "./analyzer-messages";

// The engine's analyzer protocol, as generated from its .proto files and shipped with the SDK.
/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** Requests in flight at once: the engine also analyzes resources concurrently. */
const WINDOW = 16;

/** Started with each pack server: it exits when this process does (its IPC channel closes). */
const PACK_CHILD = path.join(__dirname, "pack-child.js");

/** How long a released server waits for another audit of the same process before it is closed. */
const IDLE_MS = 3000;

/** Released servers, by what they were started with (see AnalyzerSession.acquire). */
const idle = new Map<string, AnalyzerSession[]>();

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
export type EnforcementLevel = (typeof LEVELS)[number];
const SEVERITIES = ["unspecified", "low", "medium", "high", "critical"];

export interface PolicyMeta {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    severity: string;
    tags: string[];
    configDefaults: Record<string, unknown>;
    /** The policy's config schema (`properties`, `required`), validated against the reconciled config. */
    configSchema?: { properties: Record<string, unknown>; required: string[] };
}

/** An entry of the reconciled config: what the engine sends in Configure. */
interface PolicyConfigEntry {
    level: EnforcementLevel;
    props: Record<string, unknown>;
}

export interface Diagnostic {
    policy: string;
    enforcementLevel: EnforcementLevel;
    severity: string;
    urn: string;
    message: string;
}

/** The pack's policy config file: `{all: level, <policy>: level | {enforcementLevel?, ...props}}`. */
export type PolicyConfigFile = Record<string, unknown>;

/**
 * A running analyzer: the pack's own gRPC server in a process of its own, started from the pack's directory
 * with this project's TypeScript loader, and driven the way the Pulumi engine drives it (GetAnalyzerInfo,
 * Configure, Analyze per resource, AnalyzeStack).
 */
export class AnalyzerSession {
    private readonly ajv = new Ajv({ allErrors: true, strict: false });
    private readonly validators = new Map<string, ReturnType<Ajv["compile"]>>();
    /** The acquire() key of a server that may go back to the pool, and its idle timer once released. */
    private key?: string;
    private idleTimer?: NodeJS.Timeout;
    private released = false;

    private constructor(
        private readonly client: grpc.Client & Record<string, (...args: unknown[]) => void>,
        private readonly child: ReturnType<typeof spawn>,
    ) {}

    /**
     * A server of the pack for this stack, project and stack config: one this process released earlier, else a new
     * one. Each audit sends its own Configure, so a server carries nothing from one audit to the next. Give it back
     * with release().
     */
    static async acquire(
        packDir: string,
        env: { stack: string; project: string; dryRun?: boolean; signal?: AbortSignal },
    ): Promise<AnalyzerSession> {
        const key = JSON.stringify([
            path.resolve(packDir),
            env.stack,
            env.project,
            env.dryRun ?? true,
            process.env.PULUMI_CONFIG ?? "{}",
        ]);
        const list = idle.get(key) ?? [];
        for (let known = list.pop(); known; known = list.pop()) {
            clearTimeout(known.idleTimer);
            known.released = false;
            if (known.alive()) {
                known.holdProcess(true);
                return known;
            }
            void known.close();
        }
        const session = await AnalyzerSession.start(packDir, env);
        session.key = key;
        return session;
    }

    /** Hands an acquired server back: the next audit of this process may reuse it; idle, it closes. */
    release(): void {
        if (this.released) {
            return;
        }
        if (!this.key || !this.alive()) {
            void this.close();
            return;
        }
        this.released = true;
        // An idle server does not keep this process alive: the process may end, and the server with it.
        this.holdProcess(false);
        const list = idle.get(this.key) ?? [];
        list.push(this);
        idle.set(this.key, list);
        this.idleTimer = setTimeout(() => {
            const at = list.indexOf(this);
            if (at >= 0) {
                list.splice(at, 1);
            }
            void this.close();
        }, IDLE_MS);
        this.idleTimer.unref();
    }

    private alive(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    /** Whether the server's process and pipes keep this process's event loop alive. */
    private holdProcess(hold: boolean): void {
        for (const handle of [this.child, this.child.channel, this.child.stdout, this.child.stderr] as unknown as (
            { ref?(): void; unref?(): void } | null | undefined
        )[]) {
            if (hold) {
                handle?.ref?.();
            } else {
                handle?.unref?.();
            }
        }
    }

    /** Starts the pack in `packDir` (cwd = the pack, as the engine does) and connects to the port it prints. */
    static async start(
        packDir: string,
        env: {
            stack: string;
            project: string;
            dryRun?: boolean;
            /**
             * node arguments that start the pack's server; by default its index.ts under this project's loader.
             * (The scale suite starts an installed copy with its own run-policy-pack, as the engine does.)
             */
            command?: string[];
            /** Stops a pack process that is still starting (or started): the caller no longer needs it. */
            signal?: AbortSignal;
        },
    ): Promise<AnalyzerSession> {
        const args = ["--require", PACK_CHILD, ...(env.command ?? ["--require", START, "index.ts"])];
        const child = spawn(process.execPath, args, {
            cwd: packDir,
            env: {
                ...process.env,
                PULUMI_NODEJS_STACK: env.stack,
                PULUMI_NODEJS_PROJECT: env.project,
                PULUMI_NODEJS_ORGANIZATION: "organization",
                PULUMI_NODEJS_DRY_RUN: String(env.dryRun ?? true),
                PULUMI_CONFIG: process.env.PULUMI_CONFIG ?? "{}",
            },
            stdio: ["ignore", "pipe", "pipe", "ipc"],
        });
        env.signal?.addEventListener("abort", () => child.kill(), { once: true });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            // Every way of failing to start ends the child too: nothing is left holding this process.
            const fail = (why: string) => {
                child.kill();
                reject(new Error(why));
            };
            // Generous: it starts beside the program's synthesis, and a plan of 1,000 agents on a busy 2-core box
            // starved it past a minute; the timeout is only there for a pack that never starts.
            const timer = setTimeout(() => fail(`policy pack did not start within 180 s: ${stderr}`), 180_000);
            const lines = readline.createInterface({ input: child.stdout! });
            const onExit = (code: number | null) => {
                clearTimeout(timer);
                reject(new Error(`policy pack exited with ${code} before serving: ${stderr}`));
            };
            child.once("exit", onExit);
            lines.once("line", (line) => {
                clearTimeout(timer);
                child.off("exit", onExit);
                lines.close();
                const n = Number(line.trim());
                if (Number.isInteger(n) && n > 0) {
                    resolve(n);
                } else {
                    fail(`policy pack printed '${line}' instead of its port: ${stderr}`);
                }
            });
        });
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_send_message_length": -1,
            "grpc.max_receive_message_length": -1,
        });
        return new AnalyzerSession(client, child);
    }

    private call<T>(method: string, req: unknown): Promise<T> {
        return new Promise<T>((resolve, reject) =>
            this.client[method](req, (err: Error | null, resp: unknown) => (err ? reject(err) : resolve(resp as T))),
        );
    }

    async info(): Promise<{
        name: string;
        version: string;
        policies: PolicyMeta[];
        initialConfig: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>;
    }> {
        const info = await this.call<{
            getName(): string;
            getVersion(): string;
            getInitialconfigMap(): {
                forEach(
                    cb: (v: { getEnforcementlevel(): number; getProperties(): Struct | undefined }, k: string) => void,
                ): void;
            };
            getPoliciesList(): {
                getName(): string;
                getDescription(): string;
                getEnforcementlevel(): number;
                getSeverity(): number;
                getTagsList(): string[];
                getConfigschema(): { getProperties(): Struct | undefined; getRequiredList(): string[] } | undefined;
            }[];
        }>("getAnalyzerInfo", new Empty());
        const initialConfig: Record<
            string,
            { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }
        > = {};
        info.getInitialconfigMap().forEach((v, k) => {
            initialConfig[k] = {
                enforcementLevel: LEVELS[v.getEnforcementlevel()],
                properties: (v.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
            };
        });
        return {
            name: info.getName(),
            version: info.getVersion(),
            initialConfig,
            policies: info.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                const props = (schema?.getProperties()?.toJavaScript() ?? {}) as Record<string, { default?: unknown }>;
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
                    severity: SEVERITIES[p.getSeverity()] ?? "unspecified",
                    tags: p.getTagsList(),
                    configDefaults: Object.fromEntries(
                        Object.entries(props)
                            .filter(([, s]) => s && typeof s === "object" && "default" in s)
                            .map(([k, s]) => [k, s.default]),
                    ),
                    ...(schema ? { configSchema: { properties: props, required: schema.getRequiredList() } } : {}),
                };
            }),
        };
    }

    /**
     * Reconciles the config as the engine does (pkg/resource/analyzer/config.go `ReconcilePolicyPackConfig`):
     * each policy's own level and schema defaults, then the pack's initialConfig, then the file (`all` first,
     * then per-policy entries); validates each policy's properties against its config schema; sends Configure.
     * Stricter than the CLI: a file entry naming no policy of the pack is an error (the CLI ignores it).
     */
    async configure(
        policies: PolicyMeta[],
        file: PolicyConfigFile,
        initialConfig: Record<
            string,
            { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }
        > = {},
        /** When given, every other policy is sent as disabled (the self-test runs one control's policies). */
        only?: ReadonlySet<string>,
    ): Promise<Map<string, EnforcementLevel>> {
        const known = new Set(policies.map((p) => p.name));
        for (const name of Object.keys(file)) {
            if (name !== "all" && !known.has(name)) {
                throw new UsageError(
                    `policy config names unknown policy '${name}' (the pack's policies: npm run audit prints them on a violation; see policy-pack/policies/)`,
                );
            }
        }
        const result = new Map<string, PolicyConfigEntry>(
            policies.map((p) => [p.name, { level: p.enforcementLevel, props: { ...p.configDefaults } }]),
        );
        const apply = (
            cfg: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }>,
        ) => {
            const all = cfg.all?.enforcementLevel;
            if (all) {
                for (const e of result.values()) {
                    e.level = all;
                }
            }
            for (const [name, given] of Object.entries(cfg)) {
                const e = result.get(name);
                if (name === "all" || !e) {
                    continue;
                }
                if (given.enforcementLevel) {
                    e.level = given.enforcementLevel;
                }
                Object.assign(e.props, given.properties);
            }
        };
        apply(initialConfig);
        apply(parseConfigFile(file));

        // Most policies share a schema (the environment's): each distinct one is compiled once per session.
        const ajv = this.ajv;
        const validators = this.validators;
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        const levels = new Map<string, EnforcementLevel>();
        for (const p of policies) {
            const e = result.get(p.name) as PolicyConfigEntry;
            if (p.configSchema) {
                const schema = {
                    type: "object",
                    properties: p.configSchema.properties,
                    ...(p.configSchema.required.length ? { required: p.configSchema.required } : {}),
                };
                const key = JSON.stringify(schema);
                let validate = validators.get(key);
                if (!validate) {
                    validate = ajv.compile(schema);
                    validators.set(key, validate);
                }
                if (!validate(e.props)) {
                    const why = (validate.errors ?? [])
                        .map((err) => `${err.instancePath.replace(/^\//, "") || "config"} ${err.message}`)
                        .join("; ");
                    throw new UsageError(`policy config '${p.name}' is invalid: ${why}`);
                }
            }
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(only && !only.has(p.name) ? "disabled" : e.level));
            pc.setProperties(Struct.fromJavaScript(e.props as Record<string, never>));
            map.set(p.name, pc);
            levels.set(p.name, e.level);
        }
        await this.call("configure", req);
        return levels;
    }

    /** Analyze of each resource (its inputs), results in the resources' order. */
    async analyzeEach(resources: StateResource[], requests = new Requests(resources)): Promise<Diagnostic[][]> {
        // A window of requests in flight overlaps this side's encoding with the pack's evaluation.
        const results: Promise<Diagnostic[]>[] = [];
        for (let i = 0; i < resources.length; i++) {
            if (i >= WINDOW) {
                await results[i - WINDOW];
            }
            const r = resources[i];
            const pending = this.call<DiagResponse>("analyze", requests.analyze(r)).then((resp) =>
                collect(resp, r.urn),
            );
            // Awaited below (or the first failure ends the loop): never an unhandled rejection.
            pending.catch(() => undefined);
            results.push(pending);
        }
        return Promise.all(results);
    }

    /** AnalyzeStack over all resources (their outputs). */
    async analyzeStack(resources: StateResource[], requests = new Requests(resources)): Promise<Diagnostic[]> {
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const resp = await this.call<DiagResponse>("analyzeStack", requests.analyzeStack(resources));
        const known = new Set(resources.map((r) => r.urn));
        // A stack violation whose URN is not in the snapshot is attributed to the root stack, as the engine does.
        return collect(resp, root).map((d) => (known.has(d.urn) ? d : { ...d, urn: root }));
    }

    /** Resolves once the pack's process has exited and the channel is closed. */
    close(): Promise<void> {
        this.client.close();
        const child = this.child;
        if (child.exitCode !== null || child.signalCode !== null) {
            return Promise.resolve();
        }
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill();
        return exited;
    }
}

type DiagResponse = {
    getDiagnosticsList(): {
        getPolicyname(): string;
        getEnforcementlevel(): number;
        getSeverity(): number;
        getUrn(): string;
        getMessage(): string;
        getDescription(): string;
    }[];
};

function collect(resp: DiagResponse, fallbackUrn: string): Diagnostic[] {
    return resp.getDiagnosticsList().map((d) => {
        const level = LEVELS[d.getEnforcementlevel()] ?? "advisory";
        return {
            policy: d.getPolicyname(),
            // The server reports remediate as mandatory; keep that reading.
            enforcementLevel: level === "remediate" ? "mandatory" : level,
            severity: SEVERITIES[d.getSeverity()] ?? "unspecified",
            urn: d.getUrn() || fallbackUrn,
            message: d.getMessage() || d.getDescription(),
        };
    });
}

/**
 * The config file's entries, as the CLI parses them: a level string, or an object with an optional
 * `enforcementLevel` and the policy's properties. Anything else is an error.
 */
export function parseConfigFile(
    file: PolicyConfigFile,
): Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> {
    const out: Record<string, { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }> = {};
    for (const [name, entry] of Object.entries(file)) {
        if (typeof entry === "string") {
            out[name] = { enforcementLevel: parseLevel(entry, name), properties: {} };
        } else if (entry && typeof entry === "object" && !Array.isArray(entry)) {
            const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
            out[name] = { enforcementLevel: parseLevel(enforcementLevel, name), properties };
        } else {
            throw new UsageError(
                `policy config '${name}': ${JSON.stringify(entry)} is not a valid value; must be a level string or an object`,
            );
        }
    }
    return out;
}

function parseLevel(value: unknown, where: string): EnforcementLevel | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (typeof value !== "string" || !(LEVELS as readonly string[]).includes(value)) {
        throw new UsageError(`policy config '${where}': enforcement level must be one of ${LEVELS.join(", ")}`);
    }
    return value as EnforcementLevel;
}
