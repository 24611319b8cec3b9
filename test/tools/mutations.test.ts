import * as fs from "fs";
import * as path from "path";
import { auditCommand } from "../../tools/audit";
import { runStack, tempDir } from "../harness/program";
import { allowListBreaks } from "./mutations/allow-list";
import { mirrorToOutputs, Res } from "./mutations/common";
import { crossServiceBreaks } from "./mutations/cross-service";
import { effectiveBreaks } from "./mutations/effective";
import { endpointAlertBreaks } from "./mutations/endpoint-alert";
import { settingBreaks } from "./mutations/settings";
import { accessAllowListBreaks } from "./mutations/access-allow-list";

// End to end: a copy of the prod plan with one guide setting broken per control, audited by the pack's own
// analyzer server as `npm run audit` does. Every broken setting must surface under its control ID, and the
// untouched plan must pass. (The policy unit tests cover each rule in isolation.)
const tmp = tempDir("mutations-");

const mutations = [
    ...settingBreaks,
    ...crossServiceBreaks,
    ...effectiveBreaks,
    ...allowListBreaks,
    ...accessAllowListBreaks,
    ...endpointAlertBreaks,
];

async function audit(
    file: string,
): Promise<{ code: number; violations: { policy: string; control: string; urn: string; message: string }[] }> {
    const out = `${file}.report.json`;
    const spy = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
        const code = await auditCommand(["--state", file, "--stack", "prod", "--out", out]);
        return { code, violations: JSON.parse(fs.readFileSync(out, "utf8")).violations };
    } finally {
        spy.mockRestore();
    }
}

describe("broken settings in a prod plan fail the audit under their control ID", () => {
    let doc: { deployment: { resources: Res[] } };
    beforeAll(async () => {
        const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
        doc = toDeployment(await runStack("prod"), { project: "multi-agent-security", stack: "prod" }) as typeof doc;
    });

    it("passes the untouched plan", async () => {
        const file = path.join(tmp, "prod.json");
        fs.writeFileSync(file, JSON.stringify(doc));
        const { code, violations } = await audit(file);
        expect(violations).toEqual([]);
        expect(code).toBe(0);
    });

    it("fails with every broken setting's control", async () => {
        let resources: Res[] = JSON.parse(JSON.stringify(doc.deployment.resources));
        for (const m of mutations) {
            resources = m.apply(resources);
        }
        resources = mirrorToOutputs(doc.deployment.resources, resources);
        const file = path.join(tmp, "prod-broken.json");
        fs.writeFileSync(file, JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources } }));
        const { code, violations } = await audit(file);
        expect(code).toBe(1);
        const failing = new Set(violations.flatMap((v) => v.control.split(",")));
        const byPolicy = new Set(violations.map((v) => `${v.policy}|${v.control}`));
        const missed = mutations
            .filter((m) => !failing.has(m.control) || (m.policy && !byPolicy.has(`${m.policy}|${m.control}`)))
            .map((m) => `${m.control} (${m.what})`);
        expect(missed).toEqual([]);
    });
});
