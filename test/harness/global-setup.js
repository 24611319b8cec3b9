// One directory per jest run where whole-stack plans are cached (see runStack in program.ts): several suites
// need the same dev / prod plan. Both are planned here, in parallel plain node processes (under jest's module
// registry a plan costs twice the CPU, and two workers would each plan the same stack). A plan that fails here
// is left out: the first suite that needs it plans it itself and reports the error where it belongs.
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const STACKS = ["dev", "prod"];
// As tools/lib/node-command.ts: the start-up file (compile cache, tsx).
const LOADER = ["--require", path.join(__dirname, "..", "..", "tools", "lib", "start.js")];

module.exports = async () => {
    // `npm test` (tools/test.ts) hands over the programs its plans just ran (plan --run-out); plan what is missing.
    const given = process.env.MAS_PLAN_CACHE;
    const dir = given && fs.existsSync(given) ? given : fs.mkdtempSync(path.join(os.tmpdir(), "mas-plans-"));
    // The teardown removes only a directory this setup made; `npm test` removes its own.
    process.env.MAS_PLAN_CACHE_OWNED = dir === given ? "" : dir;
    process.env.MAS_PLAN_CACHE = dir;
    const script = path.join(__dirname, "plan-cache.ts");
    await Promise.all(
        STACKS.filter((stack) => !fs.existsSync(path.join(dir, `${stack}.json`))).map(
            (stack) =>
                new Promise((resolve) => {
                    const child = spawn(process.execPath, [...LOADER, script, path.join(dir, `${stack}.json`), stack], {
                        stdio: ["ignore", "ignore", "pipe"],
                    });
                    let stderr = "";
                    child.stderr.on("data", (d) => (stderr += d));
                    child.on("close", (code) => {
                        if (code !== 0) {
                            process.stderr.write(
                                `global setup: plan of ${stack} failed (${code}); suites plan it\n${stderr}`,
                            );
                        }
                        resolve();
                    });
                }),
        ),
    );
};
