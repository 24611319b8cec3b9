import { ChildProcess, spawn } from "child_process";
import * as readline from "readline";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { UsageError } from "./errors";
import { StateResource } from "./state";
import { SECRET_SIG, SIG_KEY } from "./program";

/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** How the pack's process is started: see AnalyzerSession.start. */
export type Launcher = "tsx" | "engine";

const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
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
        private readonly child: ChildProcess,
        private readonly client: grpc.Client & Record<string, (...args: unknown[]) => void>,
    ) {}

    /**
     * Starts the pack in `packDir` (cwd = pack, as the engine does) and connects to the port it prints.
     * `launcher`: "engine" (default) runs it exactly as the Pulumi nodejs language host does —
     * `@pulumi/pulumi/cmd/run-policy-pack <engine address> <pack dir>`, loading the TypeScript with the SDK's
     * ts-node; "tsx" loads it with tsx instead (for debugging the pack with source maps).
     */
    static async start(
        packDir: string,
        env: { stack: string; project: string; dryRun?: boolean; launcher?: Launcher },
    ): Promise<AnalyzerSession> {
        const args =
            (env.launcher ?? "engine") === "engine"
                ? [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."]
                : ["--import", "tsx", "index.ts"];
        const child = spawn(process.execPath, args, {
            cwd: packDir,
            env: {
                ...process.env,
                PULUMI_NODEJS_STACK: env.stack,
                PULUMI_NODEJS_PROJECT: env.project,
                PULUMI_NODEJS_ORGANIZATION: "organization",
                PULUMI_NODEJS_DRY_RUN: String(env.dryRun ?? true),
                PULUMI_CONFIG: "{}",
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`policy pack did not start within 60 s: ${stderr}`)),
                60_000,
            );
            const lines = readline.createInterface({ input: child.stdout! });
            lines.once("line", (line) => {
                clearTimeout(timer);
                const n = Number(line.trim());
                if (Number.isInteger(n) && n > 0) {
                    resolve(n);
                } else {
                    reject(new Error(`policy pack printed '${line}' instead of its port: ${stderr}`));
                }
            });
            child.once("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`policy pack exited with ${code} before serving: ${stderr}`));
            });
        });
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new AnalyzerSession(child, client);
    }

    private call<T>(method: string, req: unknown): Promise<T> {
        return new Promise((resolve, reject) =>
            this.client[method](req, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))),
        );
    }

    async info(): Promise<{ name: string; version: string; policies: PolicyMeta[] }> {
        const info = await this.call<{
            getName(): string;
            getVersion(): string;
            getPoliciesList(): {
                getName(): string;
                getDescription(): string;
                getEnforcementlevel(): number;
                getSeverity(): number;
                getTagsList(): string[];
                getConfigschema(): { getProperties(): Struct | undefined } | undefined;
            }[];
        }>("getAnalyzerInfo", new Empty());
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies: info.getPoliciesList().map((p) => {
                const props = (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
                    string,
                    { default?: unknown }
                >;
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
                };
            }),
        };
    }

    /**
     * Reconciles the config file with each policy's schema defaults and sends Configure, as the engine
     * does: per-policy settings over `all`, over the policy's own level.
     */
    async configure(policies: PolicyMeta[], file: PolicyConfigFile): Promise<Map<string, EnforcementLevel>> {
        const known = new Set(policies.map((p) => p.name));
        for (const name of Object.keys(file)) {
            if (name !== "all" && !known.has(name)) {
                throw new UsageError(`policy config names unknown policy '${name}'`);
            }
        }
        const all = parseLevel(file.all, "all");
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        const levels = new Map<string, EnforcementLevel>();
        for (const p of policies) {
            const entry = file[p.name];
            const own = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : {};
            const level =
                parseLevel(typeof entry === "string" ? entry : own.enforcementLevel, p.name) ??
                all ??
                p.enforcementLevel;
            const props: Record<string, unknown> = { ...p.configDefaults };
            for (const [k, v] of Object.entries(own)) {
                if (k !== "enforcementLevel") {
                    props[k] = v;
                }
            }
            const pc = new analyzerPb.PolicyConfig();
            pc.setEnforcementlevel(LEVELS.indexOf(level));
            pc.setProperties(Struct.fromJavaScript(props as Record<string, never>));
            map.set(p.name, pc);
            levels.set(p.name, level);
        }
        await this.call("configure", req);
        return levels;
    }

    /** Analyze (per resource, with inputs) then AnalyzeStack (all resources, with outputs). */
    async analyzeAll(resources: StateResource[]): Promise<Diagnostic[]> {
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const diagnostics: Diagnostic[] = [];
        for (const r of resources) {
            const req = new analyzerPb.AnalyzeRequest();
            req.setType(r.type);
            req.setName(nameOf(r.urn));
            req.setUrn(r.urn);
            req.setProperties(toStruct(r.inputs));
            req.setOptions(options(r));
            const provider = providerOf(r, byUrn);
            if (provider) {
                req.setProvider(provider);
            }
            const resp = await this.call<DiagResponse>("analyze", req);
            diagnostics.push(...collect(resp, r.urn));
        }
        const stackReq = new analyzerPb.AnalyzeStackRequest();
        stackReq.setResourcesList(
            resources.map((r) => {
                const ar = new analyzerPb.AnalyzerResource();
                ar.setType(r.type);
                ar.setName(nameOf(r.urn));
                ar.setUrn(r.urn);
                ar.setProperties(toStruct(r.outputs));
                ar.setOptions(options(r));
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
                const provider = providerOf(r, byUrn);
                if (provider) {
                    ar.setProvider(provider);
                }
                return ar;
            }),
        );
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
        const stackResp = await this.call<DiagResponse>("analyzeStack", stackReq);
        // A stack violation whose URN is not in the snapshot is attributed to the root stack, as the engine does.
        diagnostics.push(...collect(stackResp, root).map((d) => (byUrn.has(d.urn) ? d : { ...d, urn: root })));
        return diagnostics;
    }

    close(): void {
        this.client.close();
        this.child.kill();
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

function parseLevel(value: unknown, where: string): EnforcementLevel | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (typeof value !== "string" || !(LEVELS as readonly string[]).includes(value)) {
        throw new UsageError(`policy config '${where}': enforcement level must be one of ${LEVELS.join(", ")}`);
    }
    return value as EnforcementLevel;
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
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

function providerOf(r: StateResource, byUrn: Map<string, StateResource>): unknown {
    if (!r.provider) {
        return undefined;
    }
    const urn = r.provider.slice(0, r.provider.lastIndexOf("::"));
    const p = byUrn.get(urn);
    if (!p) {
        return undefined;
    }
    const msg = new analyzerPb.AnalyzerProviderResource();
    msg.setType(p.type);
    msg.setName(nameOf(p.urn));
    msg.setUrn(p.urn);
    msg.setProperties(toStruct(p.inputs));
    return msg;
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
        return Object.fromEntries(
            Object.entries(obj)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, toWire(v)]),
        );
    }
    return value;
}

function toStruct(props: Record<string, unknown>): Struct {
    // Top-level keys starting with "__" are internal and skipped, as in the engine.
    const filtered = Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
    return Struct.fromJavaScript(toWire(filtered) as Record<string, never>);
}
