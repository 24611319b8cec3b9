const fs = require("fs");

module.exports = async () => {
    if (process.env.MAS_PLAN_CACHE_OWNED) {
        fs.rmSync(process.env.MAS_PLAN_CACHE_OWNED, { recursive: true, force: true });
    }
};
