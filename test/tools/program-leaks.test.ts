import { spawnSync } from "child_process";
import * as path from "path";
import { tsNodeArgs } from "../../tools/lib/node-command";
import { ROOT } from "../harness/program";

// A program that leaves a registration waiting on a promise that never settles fails an offline plan as it
// fails under the Pulumi runtime: the SDK's own exit check reports the waiting resource and sets exit code 1.
describe("a program that leaves promises pending", () => {
    it("fails with the runtime's report naming the waiting resource", () => {
        const res = spawnSync(process.execPath, tsNodeArgs(path.join(ROOT, "test", "fixtures", "leaking-program.ts")), {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, PULUMI_DEBUG_PROMISE_LEAKS: "" },
        });
        expect(res.status).toBe(1);
        expect(res.stdout).not.toContain("the run finished");
        expect(res.stderr).toContain(
            "The Pulumi runtime detected that the program exited before the following resource",
        );
        expect(res.stderr).toContain(
            '"never" [test:index:Thing] was waiting for the value of its input property "value"',
        );
    });
});
