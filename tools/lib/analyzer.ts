import { spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";
import * as grpc from "@grpc/grpc-js";
import Ajv from "ajv";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { decodeOnce } from "../../policy-pack/lib/decode-once";
import { UsageError } from "./errors";
import { StateResource } from "./state";
import { SECRET_SIG, SIG_KEY } from "./program";
import { NotEncodable, WireWriter } from "./wire";

/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * How the pack is run: "engine" (default for `audit`) starts it as the Pulumi nodejs language host does and talks
 * gRPC to it; "tsx" starts it with tsx instead (source maps for debugging the pack); "in-process" loads the pack
 * into this process and calls the very handlers its gRPC server would register, with the same request
 * messages, skipping only process start and transport (test/tools/launchers.test.ts proves the reports equal).
 */
export type Launcher = "tsx" | "engine" | "in-process";
export const LAUNCHERS: readonly Launcher[] = ["engine", "tsx", "in-process"];

/** Requests in flight at once over gRPC: the engine also analyzes resources concurrently. */
const GRPC_WINDOW = 16;

type Handler = (call: { request: unknown }, cb: (err: Error | null | undefined, resp?: unknown) => void) => unknown;

interface Transport {
    /** Sends a request message, or (gRPC) a request already in the wire format (tools/lib/wire.ts). */
    call<T>(method: string, req: unknown): Promise<T>;
    /** Whether requests may be bytes: over gRPC they are sent as they are; in-process the handlers need messages. */
    readonly takesBytes: boolean;
    /** Resolves once nothing of the session is left running (no child process, no open channel). */
    close(): Promise<void>;
}

/** The pack's service implementation, captured once per module registry (the pack constructs one server). */
const inProcessServices = new Map<string, Record<string, Handler>>();

/* eslint-disable @typescript-eslint/no-require-imports */
function loadInProcess(packDir: string): Record<string, Handler> {
    const known = inProcessServices.get(packDir);
    if (known) {
        return known;
    }
    // The pack's `new PolicyPack(...)` calls @pulumi/policy's serve(), which registers its handlers with a
    // @grpc/grpc-js Server and binds a port. Capture the handlers instead of serving them.
    const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [packDir] }));
    const grpcFromPolicy = require(require.resolve("@grpc/grpc-js", { paths: [policyDir] })) as typeof grpc;
    const proto = grpcFromPolicy.Server.prototype as unknown as Record<string, unknown>;
    const addService = proto.addService;
    const bindAsync = proto.bindAsync;
    let service: Record<string, Handler> | undefined;
    proto.addService = (_def: unknown, impl: Record<string, Handler>) => {
        service = impl;
    };
    proto.bindAsync = () => undefined;
    try {
        require(packDir);
    } catch (e) {
        throw new Error(`policy pack failed to load in-process: ${(e as Error).stack ?? String(e)}`);
    } finally {
        proto.addService = addService;
        proto.bindAsync = bindAsync;
    }
    if (!service) {
        throw new Error(`policy pack ${packDir} constructed no PolicyPack (or it was loaded before in this process)`);
    }
    // The handlers read the messages this file builds: convert their properties once, as the pack does its own.
    decodeOnce(analyzerPb);
    inProcessServices.set(packDir, service);
    return service;
}
/* eslint-enable @typescript-eslint/no-require-imports */

const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const BYTE_STRING_SIG = "803fd3297a5875dc03ca845dda5d2a98";
const SPECIAL_NUMBER_SIG = "8ad145fe-0d11-4827-bfd7-1abcbf086f5c";
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

/** A running analyzer: the pack's own gRPC server, driven the way the Pulumi engine drives it. */
export class AnalyzerSession {
    private constructor(
        private readonly transport: Transport,
        /** Requests sent before waiting for the first answer. */
        private readonly window: number,
    ) {}

    /**
     * Starts the pack in `packDir` (cwd = pack, as the engine does) and connects to the port it prints.
     * `launcher`: "engine" (default) runs it exactly as the Pulumi nodejs language host does —
     * `@pulumi/pulumi/cmd/run-policy-pack <engine address> <pack dir>`, loading the TypeScript with the SDK's
     * ts-node; "tsx" loads it with tsx instead (for debugging the pack with source maps); "in-process": see Launcher.
     */
    static async start(
        packDir: string,
        env: {
            stack: string;
            project: string;
            dryRun?: boolean;
            launcher?: Launcher;
            /** The language host's run-policy-pack to start (default: the one this tool resolves). */
            runPolicyPack?: string;
            /** Stops a pack process that is still starting (or started): the caller no longer needs it. */
            signal?: AbortSignal;
        },
    ): Promise<AnalyzerSession> {
        const launcher = env.launcher ?? "engine";
        if (launcher === "in-process") {
            const service = loadInProcess(packDir);
            const transport: Transport = {
                call: <T>(method: string, req: unknown) =>
                    new Promise<T>((resolve, reject) => {
                        const handler = service[method];
                        if (!handler) {
                            reject(new Error(`the pack serves no ${method}`));
                            return;
                        }
                        void handler({ request: req }, (err, resp) => (err ? reject(err) : resolve(resp as T)));
                    }),
                close: () => Promise.resolve(),
                takesBytes: false,
            };
            return new AnalyzerSession(transport, 1);
        }
        const args =
            launcher === "engine"
                ? [env.runPolicyPack ?? require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."]
                : ["--import", "tsx", "index.ts"];
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
            stdio: ["ignore", "pipe", "pipe"],
        });
        env.signal?.addEventListener("abort", () => child.kill(), { once: true });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`policy pack did not start within 60 s: ${stderr}`)),
                60_000,
            );
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
                    reject(new Error(`policy pack printed '${line}' instead of its port: ${stderr}`));
                }
            });
        });
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_send_message_length": -1,
            "grpc.max_receive_message_length": -1,
        }) as grpc.Client & Record<string, (...args: unknown[]) => void>;
        const service = analyzerGrpc.AnalyzerService as Record<
            string,
            { path: string; responseDeserialize(b: Buffer): unknown }
        >;
        const transport: Transport = {
            call: <T>(method: string, req: unknown) =>
                new Promise<T>((resolve, reject) => {
                    const done = (err: Error | null, resp: unknown) => (err ? reject(err) : resolve(resp as T));
                    if (req instanceof Uint8Array) {
                        const def = service[method];
                        client.makeUnaryRequest(
                            def.path,
                            (b: Buffer) => b,
                            def.responseDeserialize,
                            req as Buffer,
                            done,
                        );
                    } else {
                        client[method](req, done);
                    }
                }),
            takesBytes: true,
            close: () => {
                client.close();
                if (child.exitCode !== null || child.signalCode !== null) {
                    return Promise.resolve();
                }
                const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
                child.kill();
                return exited;
            },
        };
        return new AnalyzerSession(transport, GRPC_WINDOW);
    }

    private call<T>(method: string, req: unknown): Promise<T> {
        return this.transport.call<T>(method, req);
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

        const ajv = new Ajv({ allErrors: true, strict: false });
        // Most policies share a schema (the environment's): compile each distinct one once.
        const validators = new Map<string, ReturnType<typeof ajv.compile>>();
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
            pc.setEnforcementlevel(LEVELS.indexOf(e.level));
            pc.setProperties(Struct.fromJavaScript(e.props as Record<string, never>));
            map.set(p.name, pc);
            levels.set(p.name, e.level);
        }
        await this.call("configure", req);
        return levels;
    }

    /** Analyze (per resource, with inputs) then AnalyzeStack (all resources, with outputs). */
    async analyzeAll(resources: StateResource[]): Promise<Diagnostic[]> {
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const requests = new Requests(byUrn, this.transport.takesBytes);
        const diagnostics: Diagnostic[] = [];
        const request = (r: StateResource) =>
            this.call<DiagResponse>("analyze", requests.analyze(r)).then((resp) => collect(resp, r.urn));
        // A window of requests in flight overlaps this side's encoding with the pack's evaluation; results keep
        // the resources' order.
        const results: Promise<Diagnostic[]>[] = [];
        for (let i = 0; i < resources.length; i++) {
            if (i >= this.window) {
                await results[i - this.window];
            }
            const pending = request(resources[i]);
            // Awaited below (or the first failure ends the loop): never an unhandled rejection.
            pending.catch(() => undefined);
            results.push(pending);
        }
        for (const d of await Promise.all(results)) {
            diagnostics.push(...d);
        }
        const stackReq = requests.analyzeStack(resources);
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const stackResp = await this.call<DiagResponse>("analyzeStack", stackReq);
        // A stack violation whose URN is not in the snapshot is attributed to the root stack, as the engine does.
        diagnostics.push(...collect(stackResp, root).map((d) => (byUrn.has(d.urn) ? d : { ...d, urn: root })));
        return diagnostics;
    }

    close(): Promise<void> {
        return this.transport.close();
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

/** The URN's name: everything after the third `::` (a name may itself contain `::`). */
export function nameOf(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

/**
 * The engine's Analyze and AnalyzeStack requests for a plan's resources: google-protobuf messages, or, when the
 * transport takes bytes, the same bytes written directly (tools/lib/wire.ts; a resource it cannot write goes
 * through the messages).
 */
export class Requests {
    /**
     * Over gRPC, one provider message (or its bytes) per provider, encoded once for all requests: the server
     * decodes each request's own. In-process the handlers get the messages themselves: an Analyze request gets
     * its own provider message, an AnalyzeStack request one per provider (shared by its resources, so that a
     * 15,000-resource request holds a few provider copies, not one per resource; the pack's policies change no
     * props: test/policies/shared-props.test.ts).
     */
    private readonly providerMessages = new Map<string, unknown>();
    private readonly providerBytes = new Map<string, Buffer>();
    private readonly writer = new WireWriter(1 << 14);

    constructor(
        private readonly byUrn: Map<string, StateResource>,
        private readonly bytes: boolean,
    ) {}

    analyze(r: StateResource): unknown {
        if (this.bytes) {
            const w = this.writer;
            w.rewind(0);
            try {
                w.optionalString(1, r.type);
                structField(w, 2, r.inputs, r.urn);
                this.commonFields(w, r);
                return Buffer.from(w.finish());
            } catch (e) {
                if (!(e instanceof NotEncodable)) {
                    throw e;
                }
            }
        }
        const req = common(new analyzerPb.AnalyzeRequest(), r, r.inputs);
        const provider = this.providerMessage(r, this.bytes ? this.providerMessages : undefined);
        if (provider) {
            req.setProvider(provider);
        }
        return req;
    }

    analyzeStack(resources: StateResource[]): unknown {
        if (!this.bytes) {
            const req = new analyzerPb.AnalyzeStackRequest();
            const providers = new Map<string, unknown>();
            req.setResourcesList(resources.map((r) => this.resourceMessage(r, providers)));
            return req;
        }
        const w = new WireWriter(1 << 20);
        for (const r of resources) {
            const start = w.mark();
            try {
                const at = w.begin(1);
                w.optionalString(1, r.type);
                structField(w, 2, r.outputs, r.urn);
                this.commonFields(w, r);
                w.optionalString(7, r.parent);
                for (const d of r.dependencies) {
                    w.string(8, d);
                }
                for (const k of Object.keys(r.propertyDependencies).sort()) {
                    const entry = w.begin(9);
                    w.string(1, k);
                    const deps = w.begin(2);
                    for (const u of r.propertyDependencies[k]) {
                        w.string(1, u);
                    }
                    w.end(deps);
                    w.end(entry);
                }
                w.end(at);
            } catch (e) {
                if (!(e instanceof NotEncodable)) {
                    throw e;
                }
                w.rewind(start);
                w.bytes(
                    1,
                    (
                        this.resourceMessage(r, this.providerMessages) as { serializeBinary(): Uint8Array }
                    ).serializeBinary(),
                );
            }
        }
        return w.finish();
    }

    /** urn, name, options and provider: fields 3 to 6 of AnalyzeRequest and AnalyzerResource alike. */
    private commonFields(w: WireWriter, r: StateResource): void {
        w.optionalString(3, r.urn);
        w.optionalString(4, nameOf(r.urn));
        const opts = w.begin(5);
        if (r.protect) {
            w.bool(1, true);
        }
        for (const k of r.ignoreChanges) {
            w.string(2, k);
        }
        for (const k of r.additionalSecretOutputs) {
            w.string(5, k);
        }
        w.optionalString(8, r.parent);
        w.end(opts);
        const provider = this.providerOf(r);
        if (provider) {
            let b = this.providerBytes.get(provider.urn);
            if (!b) {
                const pw = new WireWriter(1 << 12);
                pw.optionalString(1, provider.type);
                structField(pw, 2, provider.inputs, provider.urn);
                pw.optionalString(3, provider.urn);
                pw.optionalString(4, nameOf(provider.urn));
                b = Buffer.from(pw.finish());
                this.providerBytes.set(provider.urn, b);
            }
            w.bytes(6, b);
        }
    }

    private resourceMessage(r: StateResource, providers: Map<string, unknown>): unknown {
        const ar = common(new analyzerPb.AnalyzerResource(), r, r.outputs);
        if (r.parent) {
            ar.setParent(r.parent);
        }
        ar.setDependenciesList(r.dependencies);
        const pd = ar.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies)) {
            const d = new analyzerPb.AnalyzerPropertyDependencies();
            d.setUrnsList(urns);
            pd.set(k, d);
        }
        const provider = this.providerMessage(r, providers);
        if (provider) {
            ar.setProvider(provider);
        }
        return ar;
    }

    private providerOf(r: StateResource): StateResource | undefined {
        return r.provider ? this.byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
    }

    /** The provider message of `r`, taken from / kept in `cache` when given (see providerMessages). */
    private providerMessage(r: StateResource, cache: Map<string, unknown> | undefined): unknown {
        const p = this.providerOf(r);
        if (!p) {
            return undefined;
        }
        let msg = cache?.get(p.urn);
        if (!msg) {
            const m = new analyzerPb.AnalyzerProviderResource();
            m.setType(p.type);
            m.setName(nameOf(p.urn));
            m.setUrn(p.urn);
            m.setProperties(toStruct(p.inputs, p.urn));
            cache?.set(p.urn, m);
            msg = m;
        }
        return msg;
    }
}

function options(r: StateResource): unknown {
    const o = new analyzerPb.AnalyzerResourceOptions();
    o.setProtect(r.protect);
    o.setIgnorechangesList(r.ignoreChanges);
    o.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
    if (r.parent) {
        o.setParent(r.parent);
    }
    return o;
}

/** State values → analyzer wire values: secrets as {sig, value}, resource references as their id / URN. */
export function toWire(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(toWire);
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        const sig = obj[SIG_KEY];
        if (sig === SECRET_SIG) {
            if ("value" in obj) {
                return { [SIG_KEY]: SECRET_SIG, value: toWire(obj.value) };
            }
            let plain: unknown = "[secret]";
            if (typeof obj.plaintext === "string") {
                try {
                    plain = JSON.parse(obj.plaintext);
                } catch {
                    plain = obj.plaintext;
                }
            }
            return { [SIG_KEY]: SECRET_SIG, value: toWire(plain) };
        }
        if (sig === RESOURCE_REF_SIG) {
            return (obj.id as string) || (obj.urn as string);
        }
        if (sig === BYTE_STRING_SIG && typeof obj.value === "string") {
            return Buffer.from(obj.value, "base64").toString("utf8");
        }
        if (sig === SPECIAL_NUMBER_SIG && typeof obj.value === "string" && /^[0-9a-f]{16}$/i.test(obj.value)) {
            return Buffer.from(obj.value, "hex").readDoubleBE(0);
        }
        if (sig !== undefined && sig !== ASSET_SIG && sig !== ARCHIVE_SIG) {
            // The engine cannot deserialize such a state either; the pack's server would fail the whole RPC.
            throw new UsageError(`unrecognized signature '${String(sig)}' in a property value`);
        }
        return Object.fromEntries(
            Object.entries(obj)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, toWire(v)]),
        );
    }
    return value;
}

/** A resource's properties as a Struct field, written directly; fails as toStruct does. */
function structField(w: WireWriter, field: number, props: Record<string, unknown>, urn: string): void {
    const at = w.begin(field);
    try {
        w.struct(wireProperties(props));
    } catch (e) {
        if (e instanceof NotEncodable) {
            throw e;
        }
        throw new UsageError(`${urn}: ${(e as Error).message}`);
    }
    w.end(at);
}

/** Top-level keys starting with "__" are internal and skipped, as in the engine. */
function wireProperties(props: Record<string, unknown>): Record<string, never> {
    return toWire(Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")))) as Record<
        string,
        never
    >;
}

// The pack's server converts it back once however many policies read it (policy-pack/lib/decode-once.ts; in
// this process, decodeOnce on this file's messages).
function toStruct(props: Record<string, unknown>, urn: string): Struct {
    try {
        return Struct.fromJavaScript(wireProperties(props));
    } catch (e) {
        throw new UsageError(`${urn}: ${(e as Error).message}`);
    }
}

/** The fields an AnalyzeRequest and an AnalyzerResource share, set from a state resource and its properties. */
function common<
    M extends {
        setType(v: string): void;
        setName(v: string): void;
        setUrn(v: string): void;
        setProperties(v: unknown): void;
        setOptions(v: unknown): void;
    },
>(msg: M, r: StateResource, props: Record<string, unknown>): M {
    msg.setType(r.type);
    msg.setName(nameOf(r.urn));
    msg.setUrn(r.urn);
    msg.setProperties(toStruct(props, r.urn));
    msg.setOptions(options(r));
    return msg;
}
