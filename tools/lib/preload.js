// Preloaded by the commands (`node -r ./tools/lib/preload.js tools/<command>.ts`), for start-up time:
// - @pulumi/pulumi requires TypeScript (to serialize functions) and npm's Arborist (to find a closure's code
//   paths) when it loads. Offline plans, audits and unit tests never serialize a function, so these two load on
//   first use instead: about 0.6 s per process. Any use loads the real module.
// - The TypeScript loader turns on source maps, and Node then reads and parses the .js.map of every module it
//   compiles: 400 of them for @pulumi/aws alone. Stacks keep their TypeScript positions for this project's code;
//   dependencies' frames show their JavaScript (the files that are on disk).
"use strict";
const Module = require("module");
const path = require("path");
const { codeCacheLoader } = require("./code-cache.js");

/** A stand-in whose every use loads the module (`load`) and forwards to it, ES-module interop included. */
function lazy(load) {
    let real;
    const get = () => (real ??= load());
    return new Proxy(
        {},
        {
            get: (_, key) => (key === "__esModule" ? true : key === "default" ? get() : get()[key]),
            // Loaders ask whether a module is an ES module (tsx's interop does, for every module it loads).
            has: (_, key) => key === "__esModule" || key in get(),
            ownKeys: () => Reflect.ownKeys(get()),
            getOwnPropertyDescriptor: (_, key) => {
                if (key === "__esModule") {
                    return { value: true, writable: false, enumerable: false, configurable: true };
                }
                // tsx's interop probe for an ES module's CommonJS export (neither deferred module has one).
                if (key === "module.exports") {
                    return undefined;
                }
                const d = Reflect.getOwnPropertyDescriptor(get(), key);
                return d && { ...d, configurable: true };
            },
        },
    );
}

/** What @pulumi/pulumi requires and only function serialization uses. */
const DEFERRED = ["typescript", "@npmcli/arborist"];

/** Puts stand-ins in the require cache where @pulumi/pulumi resolves the deferred modules (plain node). */
function deferSdkModules() {
    let sdk;
    try {
        sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    } catch {
        return;
    }
    for (const request of DEFERRED) {
        let file;
        try {
            file = require.resolve(request, { paths: [sdk] });
        } catch {
            continue;
        }
        if (require.cache[file]) {
            continue;
        }
        const stub = new Module(file, module);
        stub.filename = file;
        stub.loaded = true;
        stub.exports = lazy(() => {
            // The first use removes the stand-in, so that require loads the module itself.
            if (require.cache[file] === stub) {
                delete require.cache[file];
            }
            return require(file);
        });
        require.cache[file] = stub;
        stubs.set(request, { file, stub });
    }
}

const stubs = new Map();

/** Drops the stand-in for `request` (a tool that uses the module throughout loads it itself, unproxied). */
function undefer(request) {
    const entry = stubs.get(request);
    if (entry && require.cache[entry.file] === entry.stub) {
        delete require.cache[entry.file];
    }
}

/**
 * Loads tsx's CommonJS loader for this project's TypeScript, and leaves dependencies' JavaScript to a plain
 * CommonJS loader with V8's code cache (tools/lib/code-cache.js; Node's own where that does not apply): tsx
 * would read and scan every one of them for ES-module syntax (9 MB for TypeScript alone), and with the source
 * maps it turns on, Node would read and parse each one's .js.map. Stacks keep TypeScript positions for this
 * project's files.
 */
function registerTypeScript() {
    const nodeJs = Module._extensions[".js"];
    // Dependencies compile with V8's code cache (tools/lib/code-cache.js).
    const dependencies = codeCacheLoader(nodeJs);
    if (process.env.MAS_CODE_CACHE_STATS) {
        process.on("exit", () => process.stderr.write(`code cache: ${JSON.stringify(dependencies.stats())}\n`));
    }
    require("tsx/cjs");
    const dependencyDir = `${path.sep}node_modules${path.sep}`;
    for (const ext of [".js", ".ts"]) {
        const tsx = Module._extensions[ext];
        Module._extensions[ext] = function (mod, filename) {
            const dependency = ext === ".js" && filename.includes(dependencyDir);
            // process.sourceMapsEnabled is Node ≥ 20.7; before that, tsx has turned them on.
            const before = process.sourceMapsEnabled ?? true;
            process.setSourceMapsEnabled(!dependency);
            try {
                return (dependency ? dependencies.load : tsx).call(this, mod, filename);
            } finally {
                process.setSourceMapsEnabled(before);
            }
        };
    }
}

module.exports = { lazy, deferSdkModules, undefer, DEFERRED };

if (module.parent && module.parent.id === "internal/preload") {
    registerTypeScript();
    deferSdkModules();
}
