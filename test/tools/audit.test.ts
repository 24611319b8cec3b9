import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { auditCommand } from "../../tools/audit";

const fixtures = path.join(__dirname, "..", "fixtures");
// The hand-made fixtures hold only subnets: evaluate just the segmentation policy (every other policy disabled,
// the way a user narrows a pack with --policy-pack-config).
const segmentsOnly = ["--policy-config", path.join(fixtures, "policy-config-segments.json")];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "audit-test-"));

async function run(args: string[]): Promise<{ code: number; out: string }> {
    let out = "";
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        out += chunk.toString();
        return true;
    });
    try {
        return { code: await auditCommand(args), out };
    } finally {
        spy.mockRestore();
    }
}

describe("audit", () => {
    it("reports the exact violations of a hand-made state file and exits 1", async () => {
        const report = path.join(tmp, "report.json");
        const { code, out } = await run([
            "--state",
            path.join(fixtures, "state-broken.json"),
            "--stack",
            "dev",
            "--out",
            report,
            ...segmentsOnly,
        ]);
        expect(code).toBe(1);
        const json = JSON.parse(fs.readFileSync(report, "utf8"));
        expect(json.violations).toEqual([
            {
                policy: "network-subnet-in-segment",
                control: "NET-SEG-AGENT",
                enforcementLevel: "mandatory",
                urn: "urn:pulumi:dev::multi-agent-security::aws:ec2/subnet:Subnet::agent-outside",
                message: "subnet 10.0.9.0/25 is tagged segment=agent but lies outside that segment's 10.0.1.0/24",
            },
            {
                policy: "network-subnet-in-segment",
                control: "NET-SEG-MGMT",
                enforcementLevel: "mandatory",
                urn: "urn:pulumi:dev::multi-agent-security::aws:ec2/subnet:Subnet::untagged-in-mgmt",
                message:
                    "subnet 10.0.3.64/26 overlaps the management segment 10.0.3.0/24 but is not tagged segment=management",
            },
        ]);
        // The resource marked `delete: true` is pending deletion and is not analyzed, as in the engine.
        expect(json.summary).toEqual({ resources: 5, policies: 1, mandatory: 2, advisory: 0 });
        expect(out).toContain("NET-SEG-AGENT");
        expect(out).toContain("FAIL");
    });

    it("reads `pulumi preview --json` output, skipping deletes", async () => {
        const report = path.join(tmp, "preview.json");
        const { code } = await run([
            "--state",
            path.join(fixtures, "preview-broken.json"),
            "--stack",
            "dev",
            "--out",
            report,
            ...segmentsOnly,
        ]);
        expect(code).toBe(1);
        const json = JSON.parse(fs.readFileSync(report, "utf8"));
        expect(json.violations.map((v: { urn: string; control: string }) => [v.control, v.urn])).toEqual([
            ["NET-SEG-SERVICE", "urn:pulumi:dev::multi-agent-security::aws:ec2/subnet:Subnet::svc"],
        ]);
    });

    it("downgrades to advisory with a policy config and then exits 0", async () => {
        const cfg = path.join(tmp, "advisory.json");
        fs.writeFileSync(cfg, JSON.stringify({ all: "disabled", "network-subnet-in-segment": "advisory" }));
        const report = path.join(tmp, "advisory-report.json");
        const { code } = await run([
            "--state",
            path.join(fixtures, "state-broken.json"),
            "--stack",
            "dev",
            "--policy-config",
            cfg,
            "--out",
            report,
        ]);
        expect(code).toBe(0);
        expect(JSON.parse(fs.readFileSync(report, "utf8")).summary).toEqual(
            expect.objectContaining({ mandatory: 0, advisory: 2 }),
        );
    });

    it.each([
        ["garbage", "not json at all", /is not JSON/],
        ["an unrecognised JSON document", JSON.stringify({ hello: "world" }), /neither a 'pulumi stack export' file/],
        [
            "a resource without a URN",
            JSON.stringify({ version: 3, deployment: { resources: [{ type: "x" }] } }),
            /needs string 'urn' and 'type'/,
        ],
        [
            "a bad URN",
            JSON.stringify({ version: 3, deployment: { resources: [{ urn: "nope", type: "x" }] } }),
            /is not a Pulumi URN/,
        ],
        [
            "an unsupported version",
            JSON.stringify({ version: 9, deployment: { resources: [] } }),
            /unsupported deployment version 9/,
        ],
    ])("rejects %s with a UsageError (exit 2)", async (_what, content, message) => {
        const file = path.join(tmp, "bad.json");
        fs.writeFileSync(file, content);
        await expect(auditCommand(["--state", file, "--stack", "dev"])).rejects.toMatchObject({
            name: "UsageError",
            message: expect.stringMatching(message),
        });
    });

    it.each([
        [["--stack", "dev"], /--state <file> is required/],
        [["--state", "/nonexistent/file.json", "--stack", "dev"], /cannot read \/nonexistent\/file.json: ENOENT/],
        [["--state", "x.json"], /--stack <name> is required/],
        [["--state", "x.json", "--stack", "dev", "--bogus", "1"], /unexpected argument '--bogus'/],
        [["--state", "x.json", "--stack", "staging"], /cannot read policy config .*staging.json/],
    ])("rejects bad arguments %j", async (args, message) => {
        await expect(auditCommand(args)).rejects.toMatchObject({
            name: "UsageError",
            message: expect.stringMatching(message),
        });
    });
});

describe("audit launchers", () => {
    it("gives the same report whether the pack runs under the engine's run-policy-pack or tsx", async () => {
        const reports = [];
        for (const launcher of ["engine", "tsx"]) {
            const out = path.join(tmp, `launcher-${launcher}.json`);
            const { code } = await run([
                "--state",
                path.join(fixtures, "state-broken.json"),
                "--stack",
                "dev",
                "--out",
                out,
                "--launcher",
                launcher,
                ...segmentsOnly,
            ]);
            expect(code).toBe(1);
            reports.push(JSON.parse(fs.readFileSync(out, "utf8")));
        }
        expect(reports[0]).toEqual(reports[1]);
        expect(reports[0].summary.mandatory).toBe(2);
    });

    it("rejects an unknown launcher", async () => {
        await expect(auditCommand(["--state", "x.json", "--stack", "dev", "--launcher", "bun"])).rejects.toMatchObject({
            message: expect.stringMatching(/--launcher must be engine/),
        });
    });
});
