/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/test"],
    testMatch: ["**/*.test.ts"],
    // Scale runs (1,000 agents) take minutes: `npm run test:scale`, run by CI after `npm test`.
    testPathIgnorePatterns: ["/node_modules/", "/test/scale/"],
    transform: {
        "^.+\\.ts$": [
            "@swc/jest",
            { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } },
        ],
    },
    moduleFileExtensions: ["ts", "js", "json"],
    testTimeout: 60000,
    // Pulumi's runtime keeps module-level state: every test file gets its own module registry anyway.
    maxWorkers: 2,
    globalSetup: "<rootDir>/test/harness/global-setup.js",
    globalTeardown: "<rootDir>/test/harness/global-teardown.js",
};
