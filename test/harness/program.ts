import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ProgramRun, RecordedResource, RunOptions } from "../../tools/lib/program";
import { writeTextAtomic } from "../../tools/lib/files";
import type { StackConfigFile } from "../../tools/lib/stack-config";

export const ROOT = path.resolve(__dirname, "..", "..");

/** A temporary directory for the calling test file, removed once its tests are done. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
}

/** Stack config of Pulumi.<stack>.yaml with some keys overridden (values as in YAML: lists stay lists). */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): StackConfigFile {
    const { readStackConfig } =
        require("../../tools/lib/stack-config") as typeof import("../../tools/lib/stack-config");
    const sc = readStackConfig(ROOT, stack);
    for (const [key, value] of Object.entries(overrides)) {
        const full = key.includes(":") ? key : `${sc.project}:${key}`;
        if (value === undefined) {
            delete sc.config[full];
        } else {
            sc.config[full] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return sc;
}

/**
 * Runs `load` under mocks in a fresh module registry (Pulumi's runtime is global state), so that one test
 * file can run several programs. `load` must require what it needs itself.
 */
export async function runIsolated(
    sc: StackConfigFile,
    stack: string,
    load: () => unknown,
    opts: Pick<RunOptions, "asRealUpdate" | "stackReferences"> = {},
): Promise<ProgramRun> {
    let run: ProgramRun | undefined;
    await jest.isolateModulesAsync(async () => {
        const { runUnderMocks } = require("../../tools/lib/program") as typeof import("../../tools/lib/program");
        run = await runUnderMocks({
            project: sc.project,
            stack,
            config: sc.config,
            secretKeys: sc.secretKeys,
            load,
            ...opts,
        });
    });
    return run as ProgramRun;
}

/** A run kept for this jest run in MAS_PLAN_CACHE (a copy of its own), if it is there. */
function keptRun(cacheFile: string | undefined): ProgramRun | undefined {
    return cacheFile && fs.existsSync(cacheFile)
        ? (JSON.parse(fs.readFileSync(cacheFile, "utf8")) as ProgramRun)
        : undefined;
}

/**
 * runIsolated for a fixture's program (`name` tells the programs apart), kept for the jest run in MAS_PLAN_CACHE
 * by the stack and its whole config: the suites of one area share a program's run instead of each running it.
 * Every caller gets its own copy, as runStack's do.
 */
export async function runShared(
    name: string,
    sc: StackConfigFile,
    stack: string,
    load: () => unknown,
): Promise<ProgramRun> {
    const cacheDir = process.env.MAS_PLAN_CACHE;
    const key = createHash("sha256")
        .update(JSON.stringify([name, stack, sc]))
        .digest("hex")
        .slice(0, 24);
    const cacheFile = cacheDir
        ? path.join(cacheDir, `${name.replace(/\W+/g, "_").slice(0, 40)}-${key}.json`)
        : undefined;
    const kept = keptRun(cacheFile);
    if (kept) {
        return kept;
    }
    const text = JSON.stringify(await runIsolated(sc, stack, load));
    if (cacheFile) {
        writeTextAtomic(cacheFile, text);
    }
    return JSON.parse(text) as ProgramRun;
}

/**
 * Runs the whole program (index.ts) for a stack, optionally with config overrides. Plans without overrides
 * are cached for the jest run (MAS_PLAN_CACHE, set by the global setup): every caller gets its own copy.
 */
export async function runStack(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    const cacheDir = process.env.MAS_PLAN_CACHE;
    const cacheFile =
        cacheDir && Object.keys(overrides).length === 0 ? path.join(cacheDir, `${stack}.json`) : undefined;
    const kept = keptRun(cacheFile);
    if (kept) {
        return kept;
    }
    const run = await runIsolated(stackConfig(stack, overrides), stack, () => require("../../index"));
    if (cacheFile) {
        writeTextAtomic(cacheFile, JSON.stringify(run));
    }
    return run;
}

/** Resources of a type, in registration order. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource of a type whose logical name is `name` (throws if missing). */
export function named(run: ProgramRun, type: string, name: string): RecordedResource {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) {
        const names = ofType(run, type).map((r) => r.name);
        throw new Error(`no ${type} named ${name}; have: ${names.join(", ") || "none"}`);
    }
    return found;
}

/** Unwraps wire-form secrets ({sig, value}) so assertions see plain values. */
export function plain<T = unknown>(value: unknown): T {
    const SIG = "4dabf18193072939515e22adb298388d";
    if (Array.isArray(value)) {
        return value.map((v) => plain(v)) as T;
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (SIG in obj && "value" in obj) {
            return plain(obj.value) as T;
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plain(v)])) as T;
    }
    return value as T;
}

/** True when the wire value is a Pulumi secret. */
export function isSecretValue(value: unknown): boolean {
    return (
        !!value &&
        typeof value === "object" &&
        (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270"
    );
}
