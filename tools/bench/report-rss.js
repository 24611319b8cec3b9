// Preloaded by `npm run bench` (--require): reports the process's peak resident set size on exit, on stderr.
"use strict";
process.on("exit", () => {
    process.stderr.write(`\nbench-peak-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
