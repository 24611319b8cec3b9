import { readState } from "./lib/state";
import { stackPolicyConfig } from "./lib/audit";
import { runSelfTest } from "./lib/self-test";
(async () => {
    const st = readState("/tmp/new-prod.json");
    const cfg = stackPolicyConfig("prod").config;
    for (const servers of [1, 2]) {
        const t = Date.now();
        const r = await runSelfTest(st.resources, cfg, { stack: "prod", project: "multi-agent-security", servers });
        console.log(servers, Date.now() - t, r.filter((x) => x.caught).length);
    }
})();
