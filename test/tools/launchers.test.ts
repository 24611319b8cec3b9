import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { auditCommand } from "../../tools/audit";
import { runStack } from "../harness/program";

// `plan` and `evidence` evaluate the pack in-process: its own gRPC handlers, called without a process or a socket.
// That is only allowed because it gives the very report the engine's path (run-policy-pack over gRPC, `audit`'s
// default) gives: on both shipped plans and on a prod plan with broken settings, report for report.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "launchers-"));

async function report(file: string, stack: string, launcher: string): Promise<{ code: number; json: any }> {
    const out = `${file}.${launcher}.json`;
    const spy = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
        const code = await auditCommand(["--state", file, "--stack", stack, "--out", out, "--launcher", launcher]);
        return { code, json: JSON.parse(fs.readFileSync(out, "utf8")) };
    } finally {
        spy.mockRestore();
    }
}

async function planFile(stack: "dev" | "prod", edit?: (resources: any[]) => void): Promise<string> {
    const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
    const doc = toDeployment(await runStack(stack), { project: "multi-agent-security", stack }) as any;
    edit?.(doc.deployment.resources);
    const file = path.join(tmp, `${stack}${edit ? "-broken" : ""}.json`);
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
}

describe("in-process and engine launchers", () => {
    it.each(["dev", "prod"] as const)("give the same report on the %s plan", async (stack) => {
        const file = await planFile(stack);
        const engine = await report(file, stack, "engine");
        const inProcess = await report(file, stack, "in-process");
        expect(inProcess).toEqual(engine);
        expect(engine.code).toBe(0);
        expect(engine.json.summary.resources).toBeGreaterThan(400);
    });

    it("give the same violations, in the same order, on a prod plan with broken settings", async () => {
        const file = await planFile("prod", (resources) => {
            const byName = (type: string, name: string) =>
                resources.find((r) => r.type === type && r.urn.endsWith(`::${name}`));
            // A resource policy (inputs), a stack policy (outputs) and a removed resource.
            byName("aws:ec2/subnet:Subnet", "mas-agent-0").inputs.cidrBlock = "10.0.9.0/26";
            byName("aws:lb/listener:Listener", "mas-https").inputs.sslPolicy = "ELBSecurityPolicy-2016-08";
            const lifecycle = byName(
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "mas-logging-system",
            );
            lifecycle.outputs.rules[0].expiration.days = 30;
            lifecycle.inputs.rules[0].expiration.days = 30;
            resources.splice(
                resources.findIndex((r) => r.urn.endsWith("::mas-ec2-compromise-isolate-systems")),
                1,
            );
        });
        const engine = await report(file, "prod", "engine");
        const inProcess = await report(file, "prod", "in-process");
        expect(engine.code).toBe(1);
        expect(engine.json.violations.length).toBeGreaterThanOrEqual(4);
        expect(inProcess).toEqual(engine);
    });
});
