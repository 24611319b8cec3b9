import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnalyzerSession } from "../../tools/lib/analyzer";

// `pulumi policy publish` ships policy-pack/ alone, and the engine starts it with the run-policy-pack of the
// pack's own @pulumi/pulumi, which compiles the TypeScript with the `typescript` it can resolve (else a vendored
// TypeScript 3.8 that cannot read the pack). So: copy the folder alone where no parent has node_modules,
// install it from its own package.json, start it as the engine does, and ask it what it serves.
// (In the scale suite: a real install takes a minute; CI runs it after `npm test`.)
const ROOT = path.resolve(__dirname, "..", "..");

function copyPack(dest: string): void {
    fs.cpSync(path.join(ROOT, "policy-pack"), dest, {
        recursive: true,
        filter: (src) => !src.split(path.sep).includes("node_modules"),
    });
}

describe("the policy pack installed on its own", () => {
    it("starts under its own run-policy-pack and serves every policy", async () => {
        const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pack-alone-")), "policy-pack");
        copyPack(dir);
        expect(fs.existsSync(path.join(dir, "node_modules"))).toBe(false);
        const install = spawnSync(
            "npm",
            ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"],
            { cwd: dir, encoding: "utf8" },
        );
        expect(install.stderr).not.toMatch(/npm error/);
        expect(install.status).toBe(0);
        const own = path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
        // The compiler run-policy-pack picks is the pack's own typescript, not the vendored 3.8.
        expect(require(path.join(dir, "node_modules", "typescript", "package.json")).version).toMatch(/^5\./);

        const session = await AnalyzerSession.start(dir, {
            stack: "dev",
            project: "multi-agent-security",
            command: [own, "127.0.0.1:0", "."],
        });
        try {
            const info = await session.info();
            expect(info.name).toBe("multi-agent-security");
            const { allPolicies } =
                require("../../policy-pack/policies") as typeof import("../../policy-pack/policies");
            expect(info.policies.map((p) => p.name).sort()).toEqual(allPolicies.map((p) => p.name).sort());
            expect(info.policies.every((p) => p.enforcementLevel === "mandatory")).toBe(true);
        } finally {
            await session.close();
        }
    }, 600_000);
});
