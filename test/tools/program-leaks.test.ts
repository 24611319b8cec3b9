import { spawnSync } from "child_process";
import * as path from "path";
import { tsNodeArgs } from "../../tools/lib/node-command";
import { ROOT } from "../harness/program";

// runUnderMocks tracks the SDK's promises without their debug tags (tools/lib/program.ts, untaggedPromises), and
// a program that leaves one pending still fails as under the Pulumi runtime: its exit check names the count and
// sets exit code 1. With PULUMI_DEBUG_PROMISE_LEAKS the SDK's own tracking runs and names each promise.
describe("a program that leaves promises pending", () => {
    const run = (env: NodeJS.ProcessEnv = {}) =>
        spawnSync(process.execPath, tsNodeArgs(path.join(ROOT, "test", "fixtures", "leaking-program.ts")), {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "", ...env },
        });

    it("fails with the runtime's leak report", () => {
        const res = run();
        expect(res.status).toBe(1);
        expect(res.stdout).not.toContain("the run finished");
        expect(res.stderr).toContain("The Pulumi runtime detected that 12 promises were still active");
    });

    it("names each leaked promise with PULUMI_DEBUG_PROMISE_LEAKS", () => {
        const res = run({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
        expect(res.status).toBe(1);
        expect(res.stderr).toContain("resolveURN(resource:never[test:index:Thing])");
    });
});
