// The commands' start-up (`node -r ./tools/lib/start.js tools/<command>.ts`): Node's own compile cache for
// every module it compiles, and tsx's CommonJS loader for this project's TypeScript. Both are public switches of
// the platform; nothing here changes how a dependency loads.
"use strict";
const path = require("node:path");
const { enableCompileCache } = require("node:module");

if (typeof enableCompileCache !== "function") {
    // Node < 22.1: the npm scripts run the Node that package.json installs (node_modules/.bin/node).
    process.stderr.write(
        `this project needs Node >= 22 (this is ${process.version}); run it through npm (npm run ...)\n`,
    );
    process.exit(2);
}
enableCompileCache(path.join(__dirname, "..", "..", "node_modules", ".cache", "node-compile-cache"));
require("tsx/cjs");
