import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { controls } from "../../policy-pack/catalog";
import { evidenceCommand } from "../../tools/evidence";
import type { EvidenceDocument } from "../../tools/lib/evidence-report";
import { runStack } from "../harness/program";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-test-"));

async function run(args: string[]): Promise<number> {
    const spy = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
        return await evidenceCommand(args);
    } finally {
        spy.mockRestore();
    }
}

function read(dir: string): { doc: EvidenceDocument; md: string } {
    return {
        doc: JSON.parse(fs.readFileSync(path.join(dir, "evidence.json"), "utf8")),
        md: fs.readFileSync(path.join(dir, "evidence.md"), "utf8"),
    };
}

describe("evidence export", () => {
    let stateFile: string;
    beforeAll(async () => {
        const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
        const planned = await runStack("dev");
        const doc = toDeployment(planned, { project: "multi-agent-security", stack: "dev" }) as {
            deployment: { resources: Record<string, any>[] };
        };
        stateFile = path.join(tmp, "dev-state.json");
        fs.writeFileSync(stateFile, JSON.stringify(doc));
    });

    it("lists every catalog control exactly once, with counts that match the catalog", async () => {
        const dir = path.join(tmp, "from-state");
        expect(await run(["--stack", "dev", "--state", stateFile, "--out-dir", dir])).toBe(0);
        const { doc, md } = read(dir);
        expect(doc.controls.map((c) => c.id)).toEqual(controls.map((c) => c.id));
        expect(doc.coverage.leafControls).toBe(controls.length);
        expect(doc.coverage.infrastructure).toBe(controls.filter((c) => c.how.kind === "infrastructure").length);
        const sectionTotal = Object.values(doc.summary).reduce((n, s) => n + s.pass + s.fail + s.notApplicable, 0);
        expect(sectionTotal).toBe(controls.length);
        const automated = controls.filter((c) => c.how.kind === "infrastructure").length;
        expect(md).toContain(
            `Of the guide's **${controls.length}** leaf controls, **${automated} (${Math.round((100 * automated) / controls.length)} %)** are automated and passing`,
        );
        expect(md).toContain("**Result: no control fails.**");
        expect(md).toContain(`| **Total** | **${automated}** | **0** | **${controls.length - automated}** |`);
        // Each resource is listed by name with its key configuration, one setting per line.
        const segSection = md.slice(md.indexOf("### NET-SEG-AGENT — PASS"), md.indexOf("### NET-SEG-SERVICE"));
        expect(segSection).toContain("- Status: PASS — ");
        expect(segSection).toMatch(
            / {2}- \*\*mas-agent-0\*\* `aws:ec2\/subnet:Subnet` — `arn:aws:ec2:[^`]+`\n(?: {4}- .*\n)* {4}- cidrBlock: 10\.0\.1\.0\/25\n/,
        );
        const appControl = doc.controls.find((c) => c.how.kind === "application")!;
        expect(md).toContain(
            `### ${appControl.id} — NOT APPLICABLE\n\n- Status: NOT APPLICABLE — met by application code`,
        );
        const seg = doc.controls.find((c) => c.id === "NET-SEG-AGENT")!;
        expect(seg.status).toBe("pass");
        expect(seg.policies).toContainEqual({
            name: "network-subnet-in-segment",
            enforcementLevel: "mandatory",
            result: "pass",
            violations: [],
        });
        expect(seg.policies.every((p) => p.result === "pass")).toBe(true);
        expect(
            seg.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => r.configuration?.cidrBlock),
        ).toEqual(["10.0.1.0/25", "10.0.1.128/25"]);
    });

    it("shows a control whose policy has a mandatory violation as failing, never hidden", async () => {
        const doc = JSON.parse(fs.readFileSync(stateFile, "utf8"));
        const subnet = doc.deployment.resources.find(
            (r: any) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.tags?.segment === "service",
        );
        subnet.inputs.cidrBlock = "10.0.7.0/25";
        const broken = path.join(tmp, "broken.json");
        fs.writeFileSync(broken, JSON.stringify(doc));
        const dir = path.join(tmp, "broken");
        expect(await run(["--stack", "dev", "--state", broken, "--out-dir", dir])).toBe(1);
        const { doc: ev, md } = read(dir);
        const svc = ev.controls.find((c) => c.id === "NET-SEG-SERVICE")!;
        expect(svc.status).toBe("fail");
        expect(svc.policies[0].violations).toEqual([
            {
                urn: subnet.urn,
                message: "subnet 10.0.7.0/25 is tagged segment=service but lies outside that segment's 10.0.2.0/24",
            },
        ]);
        expect(md).toContain("### NET-SEG-SERVICE — FAIL");
        expect(md).toContain("**Result: 1 control(s) FAIL** — NET-SEG-SERVICE.");
        expect(md).toContain("- Status: FAIL — policy `network-subnet-in-segment` has mandatory violations\n");
        expect(ev.summary.infrastructure_security.fail).toBeGreaterThanOrEqual(1);
    });

    it("takes deployed identifiers from `pulumi stack output auditEvidence --json`", async () => {
        const outputs = path.join(tmp, "outputs.json");
        const arn = "arn:aws:ec2:eu-west-1:210987654321:subnet/subnet-0deployed";
        fs.writeFileSync(
            outputs,
            JSON.stringify({
                "NET-SEG-MGMT": {
                    resources: [
                        {
                            urn: "urn:pulumi:dev::multi-agent-security::mas:network:Network$aws:ec2/subnet:Subnet::mas-management-0",
                            type: "aws:ec2/subnet:Subnet",
                            arn,
                        },
                    ],
                },
            }),
        );
        const dir = path.join(tmp, "outputs");
        await run(["--stack", "dev", "--state", stateFile, "--outputs", outputs, "--out-dir", dir]);
        const { doc } = read(dir);
        // The deployed ARN comes from the outputs; the settings from the state, which holds the same URN.
        expect(doc.controls.find((c) => c.id === "NET-SEG-MGMT")!.resources).toEqual([
            expect.objectContaining({
                urn: "urn:pulumi:dev::multi-agent-security::mas:network:Network$aws:ec2/subnet:Subnet::mas-management-0",
                type: "aws:ec2/subnet:Subnet",
                arn,
                configuration: expect.objectContaining({ cidrBlock: "10.0.3.0/25" }),
            }),
        ]);
    });

    it.each([
        ["--state", "garbage", /is not JSON/],
        ["--state", JSON.stringify({ a: 1 }), /neither a 'pulumi stack export' file/],
        ["--outputs", "[1,2]", /is not the auditEvidence stack output/],
        ["--outputs", JSON.stringify({ "not an id": { resources: [] } }), /entry 'not an id' is not a control ID/],
        ["--outputs", "{", /is not JSON/],
    ])("rejects a bad %s file (exit 2)", async (flag, content, message) => {
        const file = path.join(tmp, "bad-input.json");
        fs.writeFileSync(file, content);
        await expect(run(["--stack", "dev", flag, file])).rejects.toMatchObject({
            name: "UsageError",
            message: expect.stringMatching(message),
        });
    });

    it("rejects a missing file and an unknown stack", async () => {
        await expect(run(["--stack", "dev", "--state", path.join(tmp, "missing.json")])).rejects.toMatchObject({
            message: expect.stringMatching(/ENOENT/),
        });
        await expect(run(["--stack", "qa"])).rejects.toMatchObject({
            message: expect.stringMatching(/--stack must name a stack/),
        });
    });
});
