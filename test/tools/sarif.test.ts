import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import * as fs from "fs";
import * as path from "path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { pathToFileURL } from "url";
import { allPolicies, controlsOf } from "../../policy-pack/policies";
import { auditCommand } from "../../tools/audit";
import { AuditReport, REPO_ROOT } from "../../tools/lib/audit";
import {
    artifactUri,
    CROSSGUARD_DOCS,
    SARIF_SCHEMA,
    sarifLevel,
    SECURITY_SEVERITY,
    toSarif,
    URN_FINGERPRINT,
} from "../../tools/lib/sarif";
import { runStack, tempDir } from "../harness/program";

// The SARIF 2.1.0 JSON schema (draft-04, the rtm.5 text the standard was approved as) that the SARIF SDK's jest
// matchers ship. Its `language` pattern is not a valid regular expression with the unicode flag, hence
// unicodeRegExp: false; formats (uri, date-time) are checked.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"));
function expectValidSarif(log: unknown): void {
    validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
}

const fixtures = path.join(__dirname, "..", "fixtures");
const segmentsOnly = ["--policy-config", path.join(fixtures, "policy-config-segments.json")];
const brokenDev = ["--state", path.join(fixtures, "state-broken.json"), "--stack", "dev"];
const tmp = tempDir("sarif-test-");
const subnet = (name: string) => `urn:pulumi:dev::multi-agent-security::aws:ec2/subnet:Subnet::${name}`;
// The workflow run's repository, when jest runs in GitHub Actions.
const informationUri =
    process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY
        ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}`
        : CROSSGUARD_DOCS;

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

const readLog = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Log;
const fingerprints = (log: Log) => (log.runs[0].results ?? []).map((r) => r.partialFingerprints);

describe("audit --format sarif", () => {
    let log: Log;
    let stdout: string;

    beforeAll(async () => {
        const file = path.join(tmp, "dev.sarif");
        const result = await run([...brokenDev, "--format", "sarif", "--out", file, ...segmentsOnly]);
        expect(result.code).toBe(1);
        stdout = result.out;
        log = readLog(file);
    });

    it("writes a log that validates against the SARIF 2.1.0 schema, the text report going to stdout", () => {
        expectValidSarif(log);
        expect(log.$schema).toBe(SARIF_SCHEMA);
        expect(log.version).toBe("2.1.0");
        expect(log.runs).toHaveLength(1);
        expect(stdout).toContain("NET-SEG-AGENT\n  MANDATORY network-subnet-in-segment");
        expect(stdout).toContain(`SARIF log written to ${path.join(tmp, "dev.sarif")}\n`);
    });

    it("describes the pack as the tool, one category per stack", () => {
        const run = log.runs[0];
        expect(run.tool.driver).toMatchObject({ name: "multi-agent-security", informationUri });
        expect(run.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
        expect(run.automationDetails).toEqual({ id: "pulumi-policy/dev/" });
        expect(run.properties).toMatchObject({
            stack: "dev",
            summary: { resources: 5, policies: 1, mandatory: 2, advisory: 0 },
        });
    });

    it("has one rule per policy of the pack with what GitHub requires: descriptions, help, tags, security-severity", () => {
        const rules = log.runs[0].tool.driver.rules as ReportingDescriptor[];
        expect(rules.map((r) => r.id)).toEqual(allPolicies.map((p) => p.name));
        for (const [i, rule] of rules.entries()) {
            const policy = allPolicies[i];
            expect(rule.name).toBe(policy.name);
            expect(rule.shortDescription?.text).toBe(policy.description);
            expect(rule.fullDescription?.text.length).toBeGreaterThan(0);
            expect(rule.fullDescription?.text.length).toBeLessThanOrEqual(1024);
            expect(rule.help?.text).toContain(policy.description);
            expect(rule.help?.markdown).toContain(policy.description);
            const tags = rule.properties?.tags as string[];
            expect(tags[0]).toBe("security");
            expect(tags).toEqual(expect.arrayContaining(controlsOf(policy)));
            for (const id of controlsOf(policy)) {
                expect(rule.help?.text).toContain(`- ${id} (`);
            }
            expect(rule.properties?.["security-severity"]).toBe(SECURITY_SEVERITY[policy.severity as string]);
            // The segments-only config disables every other policy.
            expect(rule.defaultConfiguration).toEqual(
                policy.name === "network-subnet-in-segment"
                    ? { level: "error", enabled: true }
                    : { level: "none", enabled: false },
            );
        }
        expect(rules[0]).toMatchObject({
            id: "network-subnet-in-segment",
            properties: {
                tags: ["security", "NET-SEG-AGENT", "NET-SEG-SERVICE", "NET-SEG-MGMT", "infrastructure_security"],
                "security-severity": "8.0",
                severity: "high",
            },
        });
    });

    it("has one result per violation at the stack file, naming the resource by URN, with a stable fingerprint", () => {
        const results = log.runs[0].results as Result[];
        expect(results).toHaveLength(2);
        const firstLine = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8").split("\n")[0];
        expect(results[0]).toEqual({
            ruleId: "network-subnet-in-segment",
            ruleIndex: 0,
            level: "error",
            message: {
                text:
                    "subnet 10.0.9.0/25 is tagged segment=agent but lies outside that segment's 10.0.1.0/24 (the stack's agentSegmentCidr (Pulumi.dev.yaml))\n\n" +
                    `Resource: aws:ec2/subnet:Subnet "agent-outside" (${subnet("agent-outside")}); control NET-SEG-AGENT.`,
            },
            locations: [
                {
                    physicalLocation: {
                        artifactLocation: { uri: "Pulumi.dev.yaml", uriBaseId: "%SRCROOT%" },
                        region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: firstLine.length + 1 },
                    },
                    logicalLocations: [
                        { fullyQualifiedName: subnet("agent-outside"), name: "agent-outside", kind: "resource" },
                    ],
                    message: { text: "Pulumi.dev.yaml configures stack dev, which holds this resource" },
                },
            ],
            partialFingerprints: {
                primaryLocationLineHash: expect.stringMatching(/^[0-9a-f]{16}:1$/),
                [URN_FINGERPRINT]: subnet("agent-outside"),
            },
            properties: { control: "NET-SEG-AGENT", enforcementLevel: "mandatory", urn: subnet("agent-outside") },
        });
        expect(results[1]).toMatchObject({
            ruleId: "network-subnet-in-segment",
            level: "error",
            locations: [{ logicalLocations: [{ fullyQualifiedName: subnet("untagged-in-mgmt") }] }],
            properties: { control: "NET-SEG-MGMT" },
        });
        const [a, b] = fingerprints(log);
        expect(a?.primaryLocationLineHash).not.toBe(b?.primaryLocationLineHash);
    });

    it("prints the log alone on stdout without --out, with the same fingerprints on every run", async () => {
        const again = await run([...brokenDev, "--format", "sarif", ...segmentsOnly]);
        expect(again.code).toBe(1);
        const printed = JSON.parse(again.out) as Log;
        expectValidSarif(printed);
        expect(fingerprints(printed)).toEqual(fingerprints(log));
    });

    it("marks advisory violations as warnings and exits 0", async () => {
        const cfg = path.join(tmp, "advisory.json");
        fs.writeFileSync(cfg, JSON.stringify({ all: "disabled", "network-subnet-in-segment": "advisory" }));
        const file = path.join(tmp, "advisory.sarif");
        const { code } = await run([...brokenDev, "--policy-config", cfg, "--format", "sarif", "--out", file]);
        expect(code).toBe(0);
        const advisory = readLog(file);
        expectValidSarif(advisory);
        expect(advisory.runs[0].results?.map((r) => r.level)).toEqual(["warning", "warning"]);
        expect(advisory.runs[0].tool.driver.rules?.[0].defaultConfiguration?.level).toBe("warning");
        // An alert keeps its identity when its level changes.
        expect(fingerprints(advisory)).toEqual(fingerprints(log));
    });

    it("points results at Pulumi.yaml when the project holds no file for the stack", async () => {
        const project = path.join(tmp, "project");
        fs.mkdirSync(project);
        fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
        const { code, out } = await run([...brokenDev, "--project-dir", project, "--format", "sarif", ...segmentsOnly]);
        expect(code).toBe(1);
        const printed = JSON.parse(out) as Log;
        expect(printed.runs[0].results?.[0].locations?.[0].physicalLocation?.artifactLocation).toEqual({
            uri: pathToFileURL(path.join(project, "Pulumi.yaml")).href,
        });
    });
});

describe("audit --format sarif of a shipped stack's plan, as CI runs it", () => {
    it("passes prod's plan: every policy a rule, no result", async () => {
        const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
        const plan = path.join(tmp, "prod.json");
        fs.writeFileSync(
            plan,
            JSON.stringify(toDeployment(await runStack("prod"), { project: "multi-agent-security", stack: "prod" })),
        );
        const file = path.join(tmp, "prod.sarif");
        const { code } = await run(["--state", plan, "--stack", "prod", "--format", "sarif", "--out", file]);
        expect(code).toBe(0);
        const prod = readLog(file);
        expectValidSarif(prod);
        expect(prod.runs[0].results).toEqual([]);
        expect(prod.runs[0].automationDetails).toEqual({ id: "pulumi-policy/prod/" });
        const rules = prod.runs[0].tool.driver.rules ?? [];
        expect(rules).toHaveLength(allPolicies.length);
        expect(rules.every((r) => r.defaultConfiguration?.enabled && r.defaultConfiguration.level === "error")).toBe(
            true,
        );
        expect(prod.runs[0].properties?.policyConfig).toBe(path.join("policy-pack", "config", "prod.json"));
    });
});

describe("audit --format", () => {
    it("prints the JSON report on stdout with --format json, as --out writes it", async () => {
        const file = path.join(tmp, "report.json");
        const text = await run([...brokenDev, "--out", file, ...segmentsOnly]);
        const json = await run([...brokenDev, "--format", "json", ...segmentsOnly]);
        expect(json.code).toBe(1);
        expect(JSON.parse(json.out)).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
        expect(text.out).toContain("2 mandatory and 0 advisory violations — FAIL");
    });

    it("rejects an unknown format before starting the pack (exit 2)", async () => {
        await expect(auditCommand([...brokenDev, "--format", "xml"])).rejects.toMatchObject({
            name: "UsageError",
            message: "--format must be one of text, json, sarif (got 'xml')",
        });
    });
});

describe("toSarif", () => {
    const urn = subnet("a");
    const report: AuditReport = {
        violations: [
            { policy: "p", control: "NET-SEG-AGENT", enforcementLevel: "advisory", urn, message: "first" },
            { policy: "p", control: "NET-SEG-AGENT", enforcementLevel: "advisory", urn, message: "second" },
            { policy: "p", control: "NET-SEG-AGENT", enforcementLevel: "advisory", urn: subnet("b"), message: "x" },
            { policy: "gone", control: "UNMAPPED", enforcementLevel: "mandatory", urn, message: "y" },
        ],
        diagnostics: { each: [], stack: [] },
        summary: { resources: 2, policies: 1, mandatory: 1, advisory: 3 },
        policies: [
            {
                name: "p",
                description: "d",
                enforcementLevel: "advisory",
                controls: ["NET-SEG-AGENT"],
                severity: "unspecified",
            },
        ],
        pack: { name: "pack", version: "1.2.3" },
    };
    const opts = {
        stack: "dev",
        configFile: path.join(REPO_ROOT, "Pulumi.dev.yaml"),
        policyConfigSource: "x",
        env: {},
    };

    it("numbers the violations of one policy on one resource, as code scanning's own line hashes do", () => {
        const log = toSarif(report, opts);
        expectValidSarif(log);
        const hashes = fingerprints(log).map((f) => f?.primaryLocationLineHash as string);
        expect(hashes[0].replace(/:1$/, ":2")).toBe(hashes[1]);
        expect(hashes[2].split(":")[0]).not.toBe(hashes[0].split(":")[0]);
        expect(fingerprints(toSarif(report, opts))).toEqual(fingerprints(log));
    });

    it("leaves out what it cannot know: security-severity of an unspecified severity, the index of an unknown rule", () => {
        const log = toSarif(report, opts);
        expect(log.runs[0].tool.driver.rules?.[0].properties).not.toHaveProperty("security-severity");
        expect(log.runs[0].results?.[3]).not.toHaveProperty("ruleIndex");
        expect(log.runs[0].results?.[3].level).toBe("error");
    });

    it("names the workflow run's repository as the tool's home in GitHub Actions", () => {
        const env = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "example-org/multi-agent-security" };
        expect(toSarif(report, { ...opts, env }).runs[0].tool.driver.informationUri).toBe(
            "https://github.com/example-org/multi-agent-security",
        );
        expect(toSarif(report, opts).runs[0].tool.driver.informationUri).toBe(CROSSGUARD_DOCS);
    });

    it("maps enforcement levels to SARIF levels and files to URIs GitHub resolves", () => {
        expect(["mandatory", "advisory", "remediate", "disabled"].map(sarifLevel)).toEqual([
            "error",
            "warning",
            "note",
            "none",
        ]);
        expect(artifactUri(path.join(REPO_ROOT, "policy-pack", "index.ts"))).toEqual({
            uri: "policy-pack/index.ts",
            uriBaseId: "%SRCROOT%",
        });
        expect(artifactUri("/elsewhere/Pulumi.yaml")).toEqual({ uri: "file:///elsewhere/Pulumi.yaml" });
    });
});
