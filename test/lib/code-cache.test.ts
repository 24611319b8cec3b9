import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PRELOAD, tsNodeArgs } from "../../tools/lib/node-command";
import { tempDir } from "../harness/program";

// The commands compile dependencies with V8's code cache (tools/lib/code-cache.js): a package in a temporary
// node_modules, loaded through the commands' preload, from a fresh cache, from the cache, and after a change of
// the same length (V8 alone would take the stale code).
const BUILT_IN = typeof (require("module") as { enableCompileCache?: unknown }).enableCompileCache === "function";

describe("code cache of dependencies", () => {
    const dir = tempDir("code-cache-");
    const pkg = path.join(dir, "node_modules", "cached-pkg");
    const cache = path.join(dir, "cache", "code.bin");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "cached-pkg", main: "index.js" }));
    const index = (value: string) =>
        fs.writeFileSync(
            path.join(pkg, "index.js"),
            [
                "#!/usr/bin/env node",
                `exports.value = "${value}";`,
                "exports.self = require.resolve('./index.js');",
                "exports.main = require.main && require.main.filename;",
            ].join("\n"),
        );
    // A module that may import(): left to Node's loader, its import() works from any run.
    const importer = path.join(dir, "node_modules", "importer");
    fs.mkdirSync(importer, { recursive: true });
    // `import (` with a space: a dynamic import all the same.
    fs.writeFileSync(
        path.join(importer, "index.js"),
        "exports.later = () => import ('node:path').then((p) => p.sep);\n",
    );
    fs.writeFileSync(
        path.join(dir, "main.js"),
        "const p = require('cached-pkg');\n" +
            "require('importer').later().then((sep) => console.log(JSON.stringify({ value: p.value, self: p.self, main: p.main, sep })));\n",
    );
    const run = (env: NodeJS.ProcessEnv = {}) => {
        const res = spawnSync(process.execPath, tsNodeArgs("main.js"), {
            cwd: dir,
            encoding: "utf8",
            env: { ...process.env, MAS_CODE_CACHE: cache, MAS_CODE_CACHE_STATS: "1", ...env },
        });
        expect(res.stderr).not.toContain("Error");
        expect(res.status).toBe(0);
        const stats = /code cache: (.*)/.exec(res.stderr)?.[1];
        return {
            out: JSON.parse(res.stdout) as { value: string; self: string; main: string; sep: string },
            stats:
                stats && stats !== "undefined"
                    ? (JSON.parse(stats) as { hits: number; misses: number; skipped: number })
                    : undefined,
        };
    };

    it("compiles from a fresh cache, then from the cache, and afresh after a change of the same length", () => {
        index("aaa");
        const first = run();
        expect(first.out).toEqual({
            value: "aaa",
            self: path.join(pkg, "index.js"),
            main: path.join(dir, "main.js"),
            sep: path.sep,
        });
        const second = run();
        expect(second.out.value).toBe("aaa");
        index("bbb");
        const changed = run();
        expect(changed.out.value).toBe("bbb");
        if (BUILT_IN) {
            // Node's own compile cache: a directory beside the file.
            expect(fs.existsSync(path.join(path.dirname(cache), "compile-cache"))).toBe(true);
        } else {
            // cached-pkg and whatever the loader itself loads from node_modules (tsx's lexer); importer is skipped.
            const loaded = first.stats?.misses ?? 0;
            expect(loaded).toBeGreaterThanOrEqual(1);
            expect(first.stats).toEqual({ hits: 0, misses: loaded, skipped: 1 });
            expect(second.stats).toEqual({ hits: loaded, misses: 0, skipped: 1 });
            expect(changed.stats).toEqual({ hits: loaded - 1, misses: 1, skipped: 1 });
            expect(fs.statSync(cache).size).toBeGreaterThan(0);
        }
    });

    it("is not read or written when turned off", () => {
        index("ccc");
        const contents = () => (fs.existsSync(cache) ? fs.readFileSync(cache).toString("base64") : "none");
        const before = contents();
        const res = run({ MAS_CODE_CACHE: "off" });
        expect(res.out.value).toBe("ccc");
        expect(res.stats).toBeUndefined();
        // The changed package would have been written to the cache.
        expect(contents()).toBe(before);
    });

    it("leaves ES modules to Node's own loader", () => {
        const esm = path.join(dir, "node_modules", "esm-pkg");
        fs.mkdirSync(esm, { recursive: true });
        fs.writeFileSync(path.join(esm, "package.json"), JSON.stringify({ name: "esm-pkg", type: "module" }));
        // Also parses as a script: compiled as CommonJS, `this` would be module.exports.
        fs.writeFileSync(path.join(esm, "index.js"), "globalThis.esmThis = String(this);\n");
        const outcome = (env: NodeJS.ProcessEnv) =>
            spawnSync(
                process.execPath,
                [
                    "--require",
                    PRELOAD,
                    "-e",
                    "let r; try { r = Object.keys(require('esm-pkg')) } catch (e) { r = e.code } " +
                        "console.log(JSON.stringify([r, globalThis.esmThis]))",
                ],
                { cwd: dir, encoding: "utf8", env: { ...process.env, MAS_CODE_CACHE: cache, ...env } },
            ).stdout.trim();
        const node = outcome({ MAS_CODE_CACHE: "off" });
        expect(node).toMatch(/^\[/);
        // Twice: a first run would write the cache, a second read it.
        expect(outcome({})).toBe(node);
        expect(outcome({})).toBe(node);
    });
});
