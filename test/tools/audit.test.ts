import * as fs from "fs";
import * as path from "path";
import { auditCommand } from "../../tools/audit";
import { nameOf, toWire } from "../../tools/lib/analyzer";
import { writeJson } from "../../tools/lib/deployment";
import { parseFlags, runMain } from "../../tools/lib/errors";
import { listStacks } from "../../tools/lib/stack-config";
import { parseState } from "../../tools/lib/state";
import { tempDir } from "../harness/program";

const fixtures = path.join(__dirname, "..", "fixtures");
// The hand-made fixtures hold only subnets: evaluate just the segmentation policy (every other policy disabled,
// the way a user narrows a pack with --policy-pack-config).
const segmentsOnly = ["--policy-config", path.join(fixtures, "policy-config-segments.json")];
const tmp = tempDir("audit-test-");

/** Runs `audit` and captures what it prints. */
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
                message:
                    "subnet 10.0.9.0/25 is tagged segment=agent but lies outside that segment's 10.0.1.0/24 (the stack's agentSegmentCidr (Pulumi.dev.yaml))",
            },
            {
                policy: "network-subnet-in-segment",
                control: "NET-SEG-MGMT",
                enforcementLevel: "mandatory",
                urn: "urn:pulumi:dev::multi-agent-security::aws:ec2/subnet:Subnet::untagged-in-mgmt",
                message:
                    "subnet 10.0.3.64/26 overlaps the management segment 10.0.3.0/24 (the stack's managementSegmentCidr (Pulumi.dev.yaml)) but is not tagged segment=management",
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
        [
            ["--state", path.join(fixtures, "state-broken.json"), "--stack", "prod"],
            /holds stack 'dev', not --stack prod/,
        ],
        [
            ["--state", path.join(fixtures, "state-broken.json"), "--stack", "dev", "--project-dir", fixtures],
            /fixtures\/Pulumi.yaml/,
        ],
    ])("rejects bad arguments %j", async (args, message) => {
        await expect(auditCommand(args)).rejects.toMatchObject({
            name: "UsageError",
            message: expect.stringMatching(message),
        });
    });
});

const SIG = "4dabf18193072939515e22adb298388d";
const stackUrn = "urn:pulumi:dev::multi-agent-security::pulumi:pulumi:Stack::multi-agent-security-dev";
const subnetUrn = (name: string) => `urn:pulumi:dev::multi-agent-security::aws:ec2/subnet:Subnet::${name}`;
function subnetState(name: string, cidrBlock: string, segment: string) {
    return {
        urn: subnetUrn(name),
        custom: true,
        type: "aws:ec2/subnet:Subnet",
        inputs: { cidrBlock, tags: { segment } },
        outputs: { cidrBlock, tags: { segment } },
    };
}

describe("audit inputs the engine reads the same way", () => {
    it("analyzes a replaced resource once although a preview lists it in several steps", async () => {
        const bad = subnetState("svc", "10.0.8.0/24", "service");
        const preview = {
            steps: [
                { op: "same", urn: stackUrn, newState: { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack" } },
                { op: "create-replacement", urn: bad.urn, oldState: bad, newState: bad, detailedDiff: null },
                { op: "replace", urn: bad.urn, oldState: bad, newState: bad, detailedDiff: null },
                { op: "delete-replaced", urn: bad.urn, oldState: bad, detailedDiff: null },
            ],
        };
        expect(parseState(JSON.stringify(preview), "p.json").resources.map((r) => r.urn)).toEqual([stackUrn, bad.urn]);
        const file = path.join(tmp, "replace-preview.json");
        fs.writeFileSync(file, JSON.stringify(preview));
        const report = path.join(tmp, "replace-report.json");
        expect(await run(["--state", file, "--stack", "dev", "--out", report, ...segmentsOnly])).toMatchObject({
            code: 1,
        });
        expect(JSON.parse(fs.readFileSync(report, "utf8")).violations).toHaveLength(1);
    });

    it("takes a URN's name as everything after its third '::'", () => {
        expect(nameOf("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::a::b")).toBe("a::b");
        expect(nameOf("urn:pulumi:dev::proj::mas:data:Data$aws:s3/bucket:Bucket::logs")).toBe("logs");
    });

    it("decodes the state's special values as the engine does and rejects unknown signatures", () => {
        expect(toWire({ [SIG]: "8ad145fe-0d11-4827-bfd7-1abcbf086f5c", value: "7ff0000000000000" })).toBe(Infinity);
        expect(
            toWire({ [SIG]: "803fd3297a5875dc03ca845dda5d2a98", value: Buffer.from("abc").toString("base64") }),
        ).toBe("abc");
        expect(toWire({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "AAAA" })).toEqual({
            [SIG]: "1b47061264138c4ac30d75fd1eb44270",
            value: "[secret]",
        });
        expect(toWire({ [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: subnetUrn("x"), id: "subnet-1" })).toBe(
            "subnet-1",
        );
        expect(() => toWire({ a: [{ [SIG]: "deadbeef" }] })).toThrow("unrecognized signature 'deadbeef'");
    });

    it("rejects a state holding an unrecognized signature with a UsageError naming the resource", async () => {
        const file = path.join(tmp, "bad-sig.json");
        const r = { ...subnetState("odd", "10.0.1.0/26", "agent"), outputs: { x: { [SIG]: "deadbeef" } } };
        fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources: [r] } }));
        await expect(auditCommand(["--state", file, "--stack", "dev", ...segmentsOnly])).rejects.toMatchObject({
            name: "UsageError",
            message: `${r.urn}: unrecognized signature 'deadbeef' in a property value`,
        });
    });
});

describe("policy config (reconciled as the CLI does)", () => {
    const state = ["--state", path.join(fixtures, "state-broken.json"), "--stack", "dev"];
    const withConfig = (name: string, config: unknown) => {
        const file = path.join(tmp, `${name}.json`);
        fs.writeFileSync(file, typeof config === "string" ? config : JSON.stringify(config));
        return [...state, "--policy-config", file];
    };

    it("accepts `all` as an object with an enforcement level", async () => {
        const report = path.join(tmp, "all-object.json");
        const args = withConfig("all-object", {
            all: { enforcementLevel: "disabled" },
            "network-subnet-in-segment": { enforcementLevel: "advisory" },
        });
        expect((await run([...args, "--out", report])).code).toBe(0);
        expect(JSON.parse(fs.readFileSync(report, "utf8")).summary).toEqual({
            resources: 5,
            policies: 1,
            mandatory: 0,
            advisory: 2,
        });
    });

    it.each([
        [
            "an entry that is neither a level nor an object",
            { "network-subnet-in-segment": 5 },
            "policy config 'network-subnet-in-segment': 5 is not a valid value; must be a level string or an object",
        ],
        [
            "an unknown enforcement level",
            { all: "strict" },
            "policy config 'all': enforcement level must be one of advisory, mandatory, disabled, remediate",
        ],
        [
            "a policy the pack does not have",
            { "network-no-such-policy": "mandatory" },
            expect.stringContaining("policy config names unknown policy 'network-no-such-policy'"),
        ],
        [
            "a property its schema rejects",
            { "data-protected-in-prod": { environment: "staging" } },
            "policy config 'data-protected-in-prod' is invalid: environment must be equal to one of the allowed values",
        ],
        ["a file that is not JSON", "{ all: mandatory", expect.stringMatching(/^policy config .* is not JSON/)],
        ["a JSON list", "[]", expect.stringMatching(/^policy config .* must be a JSON object$/)],
    ])("rejects %s (exit 2)", async (name, config, message) => {
        await expect(auditCommand(withConfig(name.replace(/\W+/g, "-"), config))).rejects.toMatchObject({
            name: "UsageError",
            message,
        });
    });
});

describe("command-line errors", () => {
    it("rejects a flag given twice", () => {
        expect(() => parseFlags(["--stack", "dev", "--stack", "prod"], ["stack"])).toThrow("--stack is given twice");
    });

    it("reports unwritable outputs and unreadable project directories as UsageErrors", () => {
        const file = path.join(tmp, "a-file.json");
        fs.writeFileSync(file, "{}");
        expect(() => writeJson(path.join(file, "report.json"), {})).toThrow(
            expect.objectContaining({
                name: "UsageError",
                message: `cannot create ${file}: ${file} is not a directory`,
            }),
        );
        expect(() => writeJson(tmp, {})).toThrow(
            expect.objectContaining({ name: "UsageError", message: `cannot write ${tmp}: EISDIR` }),
        );
        const nested = path.join(tmp, "new", "dir", "report.json");
        writeJson(nested, { ok: true });
        expect(JSON.parse(fs.readFileSync(nested, "utf8"))).toEqual({ ok: true });
        expect(() => listStacks(path.join(tmp, "missing"))).toThrow(
            expect.objectContaining({ name: "UsageError", message: expect.stringMatching(/ENOENT$/) }),
        );
    });

    it("prints a UsageError as one line on stderr, no stack trace, and sets exit code 2", async () => {
        let err = "";
        const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
            err += chunk.toString();
            return true;
        });
        const saved = process.exitCode;
        try {
            await runMain(() =>
                auditCommand(["--state", path.join(fixtures, "..", "tools", "audit.test.ts"), "--stack", "dev"]),
            );
            expect(process.exitCode).toBe(2);
        } finally {
            process.exitCode = saved;
            spy.mockRestore();
        }
        expect(err).toMatch(/^error: .*audit\.test\.ts is not JSON \(.*\)\n$/);
        expect(err.split("\n")).toHaveLength(2);
        expect(err).not.toContain("    at ");
    });
});
