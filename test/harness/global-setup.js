// One directory per jest run where whole-stack plans are cached (see runStack in program.ts): several suites
// need the same dev / prod plan, and a plan under mocks costs seconds.
const fs = require("fs");
const os = require("os");
const path = require("path");

module.exports = async () => {
    process.env.MAS_PLAN_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "mas-plans-"));
};
