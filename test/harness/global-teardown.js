const fs = require("fs");

module.exports = async () => {
    if (process.env.MAS_PLAN_CACHE) {
        fs.rmSync(process.env.MAS_PLAN_CACHE, { recursive: true, force: true });
    }
};
