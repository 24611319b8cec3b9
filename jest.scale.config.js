/** @type {import('jest').Config} */
const base = require("./jest.config");
module.exports = {
    ...base,
    testPathIgnorePatterns: ["/node_modules/"],
    testMatch: ["**/test/scale/*.scale.test.ts"],
    maxWorkers: 1,
};
