// jest's moduleNameMapper sends `typescript` and `@npmcli/arborist` here (see tools/lib/preload.js for why
// they are deferred): each test file's copy of @pulumi/pulumi gets a stand-in that loads the real module,
// by its file path (which the mapper leaves alone), on first use.
"use strict";
const path = require("path");
const { lazy } = require("../../../tools/lib/preload");

/** The stand-in for package `name`. */
module.exports = (name) =>
    lazy(() => {
        // Resolved as @pulumi/pulumi resolves it (tools/lib/preload.js does the same).
        const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
        const dir = path.dirname(require.resolve(`${name}/package.json`, { paths: [sdk] }));
        return require(path.join(dir, require(path.join(dir, "package.json")).main));
    });
