// V8's code cache for the dependencies the commands load (1,100 modules for a plan): compiling them was about a
// tenth of a plan's time, and the cache saves part of it (prod plan: 2.93 → 2.70 s median in six
// alternating runs). Node ≥ 22.8 has this built in (module.enableCompileCache); elsewhere the commands' preload
// installs the loader below for dependencies' CommonJS .js files: each compiles with the data V8 produced for
// the same source before. The cache is one file per Node version and V8-relevant flags (MAS_CODE_CACHE=<file>
// to move it, =off to turn it off), written at exit when something was missing from it; a source whose content
// changed is compiled afresh (V8 itself only compares lengths). Left to Node's own loader: ES modules and any
// source that may call import() (code compiled from cached data loses its dynamic-import callback).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const CACHE_DIR = path.join(__dirname, "..", "..", "node_modules", ".cache", "multi-agent-security");

const NODE_ONLY_WITH_VALUE = new Set([
    "-r",
    "--require",
    "--import",
    "--loader",
    "--experimental-loader",
    "-e",
    "--eval",
    "-p",
    "--print",
]);

/** The cache file, or undefined when turned off. */
function cacheFile() {
    const given = process.env.MAS_CODE_CACHE;
    if (given === "off") {
        return undefined;
    }
    // V8 rejects data produced under other flags (e.g. --max-old-space-size): one file per set of flags, without
    // Node's own options that take a value or change nothing in V8 (-r, -e, --inspect, --cpu-prof...).
    const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].filter(Boolean);
    const v8Flags = [];
    for (let i = 0; i < args.length; i++) {
        const name = args[i].split("=")[0];
        if (NODE_ONLY_WITH_VALUE.has(name)) {
            i += args[i].includes("=") ? 0 : 1;
        } else if (!/^--(inspect|cpu-prof|heap-prof|enable-source-maps|title|env-file)/.test(name)) {
            v8Flags.push(args[i]);
        }
    }
    const key = crypto.createHash("sha1").update(v8Flags.join("\0")).digest("hex").slice(0, 8);
    return given || path.join(CACHE_DIR, `code-cache-${process.version}-${process.arch}-${key}.bin`);
}

/** A dynamic import(): `import`, spaces, then a parenthesis or any comment (which may hide one). */
const DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[*/])/;

/** Whether `filename` is an ES module for Node: .mjs, or .js in a package scope of type "module". */
const scopeTypes = new Map();
function isEsModule(filename) {
    if (filename.endsWith(".mjs")) {
        return true;
    }
    if (!filename.endsWith(".js")) {
        return false;
    }
    const seen = [];
    let dir = path.dirname(filename);
    let type;
    for (;;) {
        if (scopeTypes.has(dir)) {
            type = scopeTypes.get(dir);
            break;
        }
        // Node's package scope lookup stops at a node_modules directory without reading its package.json.
        if (path.basename(dir) === "node_modules") {
            break;
        }
        seen.push(dir);
        let pkg;
        try {
            pkg = fs.readFileSync(path.join(dir, "package.json"), "utf8");
        } catch {
            pkg = undefined;
        }
        if (pkg !== undefined) {
            try {
                type = JSON.parse(pkg).type;
            } catch {
                // Node fails on it (ERR_INVALID_PACKAGE_CONFIG): its loader gives that error.
                type = "module";
            }
            break;
        }
        const up = path.dirname(dir);
        if (up === dir) {
            break;
        }
        dir = up;
    }
    for (const d of seen) {
        scopeTypes.set(d, type);
    }
    return type === "module";
}

/** filename → {hash, data}, from a file of a 4-byte header length, a JSON header [[file, hash, length]...], data. */
function read(file) {
    const entries = new Map();
    let buf;
    try {
        buf = fs.readFileSync(file);
    } catch {
        return entries;
    }
    try {
        const headerLength = buf.readUInt32LE(0);
        let offset = 4 + headerLength;
        for (const [name, hash, length] of JSON.parse(buf.subarray(4, offset).toString("utf8"))) {
            entries.set(name, { hash, data: buf.subarray(offset, offset + length) });
            offset += length;
        }
    } catch {
        // A damaged cache is rebuilt.
        entries.clear();
    }
    return entries;
}

/** Writes the cache whole; `produce` fills `entries` first, only once the file can be written. */
function write(file, entries, produce) {
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}`;
    let fd;
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fd = fs.openSync(tmp, "wx");
    } catch {
        // A read-only checkout runs without the cache (and produces nothing).
        return;
    }
    try {
        produce();
        // Files gone since (a package removed or upgraded) leave the cache.
        for (const name of entries.keys()) {
            if (!fs.existsSync(name)) {
                entries.delete(name);
            }
        }
        const header = Buffer.from(JSON.stringify([...entries].map(([name, e]) => [name, e.hash, e.data.length])));
        const length = Buffer.alloc(4);
        length.writeUInt32LE(header.length);
        fs.writeFileSync(fd, Buffer.concat([length, header, ...[...entries.values()].map((e) => e.data)]));
        const open = fd;
        fd = undefined;
        fs.closeSync(open);
        // Another process may write the cache at the same time: each writes a whole file, the last one stays.
        fs.renameSync(tmp, file);
    } catch {
        try {
            if (fd !== undefined) {
                fs.closeSync(fd);
            }
            fs.rmSync(tmp, { force: true });
        } catch {
            // Nothing more to do at exit.
        }
    }
}

/** `require` as Node gives a CommonJS module (lib/internal/modules/helpers.js makeRequireFunction). */
function requireFor(mod) {
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => {
        if (typeof request !== "string") {
            throw Object.assign(new TypeError(`The "request" argument must be of type string`), {
                code: "ERR_INVALID_ARG_TYPE",
            });
        }
        return Module._resolveFilename(request, mod, false, options);
    };
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return require;
}

/**
 * A loader for dependencies' .js files that uses the code cache, or `fallback` (Node's own) when there is none:
 * Node ≥ 22.8 (its built-in cache is turned on instead), the cache turned off, or no dynamic-import support in vm.
 * `stats()` counts the modules compiled with cached data, without, and left to Node.
 */
function codeCacheLoader(fallback) {
    const file = cacheFile();
    const builtIn = file && typeof Module.enableCompileCache === "function";
    if (builtIn) {
        Module.enableCompileCache(path.join(path.dirname(file), "compile-cache"));
    }
    const importDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if (!file || builtIn || !importDynamically) {
        return { load: fallback, stats: () => undefined };
    }
    const entries = read(file);
    const fresh = new Map();
    const counts = { hits: 0, misses: 0, skipped: 0 };
    process.on("exit", () => {
        if (fresh.size === 0) {
            return;
        }
        write(file, entries, () => {
            // Produced now, with the functions compiled since the module ran.
            for (const [name, { script, hash }] of fresh) {
                entries.set(name, { hash, data: script.createCachedData() });
            }
        });
    });
    const load = function (mod, filename) {
        if (isEsModule(filename)) {
            counts.skipped++;
            return fallback.call(this, mod, filename);
        }
        let source = fs.readFileSync(filename, "utf8");
        // A shebang line would not parse inside the wrapper (V8 reads it as a comment only at offset 0).
        if (source.startsWith("#!")) {
            const eol = source.indexOf("\n");
            source = eol < 0 ? "" : source.slice(eol);
        }
        // Code compiled from cached data loses its dynamic-import callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING,
        // test/lib/code-cache.test.ts): a module that may import() compiles as Node compiles it (7 of 1,114 for a plan).
        if (DYNAMIC_IMPORT.test(source)) {
            counts.skipped++;
            return fallback.call(this, mod, filename);
        }
        const hash = crypto.createHash("sha1").update(source).digest("base64");
        const known = entries.get(filename);
        const cachedData = known && known.hash === hash ? known.data : undefined;
        let script;
        try {
            script = new vm.Script(Module.wrap(source), {
                filename,
                // Columns of the first line as without the wrapper.
                columnOffset: -Module.wrapper[0].length,
                cachedData,
                importModuleDynamically: importDynamically,
            });
        } catch {
            // A syntax error: Node's loader gives the error Node gives.
            return fallback.call(this, mod, filename);
        }
        if (cachedData && !script.cachedDataRejected) {
            counts.hits++;
        } else {
            counts.misses++;
            fresh.set(filename, { script, hash });
        }
        const wrapper = script.runInThisContext({ displayErrors: true });
        return wrapper.call(mod.exports, mod.exports, requireFor(mod), mod, filename, path.dirname(filename));
    };
    return { load, stats: () => ({ ...counts }) };
}

module.exports = { codeCacheLoader };
