import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT, runStack, tempDir } from "../harness/program";
import { tsNodeArgs } from "../../tools/lib/node-command";
import { ENCRYPTED_PLACEHOLDER, parseStackRefFlag, readStackReference, stackRefFile } from "../../tools/lib/stack-refs";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const tmp = tempDir("stack-ref-test-");
const write = (name: string, value: unknown) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
    return file;
};

/** The prod platform's plan, as `plan --stack prod` writes it. */
let prodPlan: string;
let prodDoc: { deployment: { resources: Record<string, any>[] } };
beforeAll(async () => {
    const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
    prodDoc = toDeployment(await runStack("prod"), { project: "multi-agent-security", stack: "prod" }) as any;
    prodPlan = write("prod.json", prodDoc);
});

describe("--stack-ref flag", () => {
    it("parses comma-separated <stack>=<file> pairs", () => {
        expect(parseStackRefFlag("prod=a.json,my-org/p/dev=b.json")).toEqual({
            prod: "a.json",
            "my-org/p/dev": "b.json",
        });
        expect(parseStackRefFlag(undefined)).toEqual({});
    });

    it.each(["prod", "=a.json", "prod="])("refuses %s, naming the flag", (value) => {
        expect(() => parseStackRefFlag(value)).toThrow(
            `--stack-ref expects <stack>=<file>[,<stack>=<file>...] (got ${value})`,
        );
    });

    it("refuses a stack given twice", () => {
        expect(() => parseStackRefFlag("prod=a.json,prod=b.json")).toThrow("--stack-ref names stack prod twice");
    });

    it("serves a fully qualified reference from its stack's entry, an exact entry first", () => {
        expect(stackRefFile({ prod: "a.json" }, "my-org/multi-agent-security/prod")).toBe("a.json");
        expect(stackRefFile({ prod: "a.json", "o/p/prod": "b.json" }, "o/p/prod")).toBe("b.json");
        expect(stackRefFile({ dev: "a.json" }, "prod")).toBeUndefined();
    });
});

describe("readStackReference", () => {
    it("reads a plan's root stack outputs, secrets decoded and named", () => {
        const ref = readStackReference(prodPlan, "prod");
        expect(ref.stack).toBe("prod");
        expect(ref.secretOutputNames).toEqual(["kubeconfig"]);
        expect(ref.outputs.kubeconfig).toEqual({ [SIG]: SECRET, value: expect.stringContaining("mas-prod-eks") });
        expect((ref.outputs.agentPlatform as { cluster: { name: string } }).cluster.name).toBe("mas-prod-eks");
        expect(ref.warnings).toEqual([]);
    });

    it("reads a `pulumi stack export` whose secrets are encrypted, with a placeholder and a warning", () => {
        const doc = JSON.parse(JSON.stringify(prodDoc));
        doc.deployment.resources[0].outputs.kubeconfig = { [SIG]: SECRET, ciphertext: "AAABAKx0ZW5jcnlwdGVk" };
        const file = write("prod-export.json", doc);
        const ref = readStackReference(file, "my-org/multi-agent-security/prod");
        expect(ref.outputs.kubeconfig).toEqual({ [SIG]: SECRET, value: ENCRYPTED_PLACEHOLDER });
        expect(ref.secretOutputNames).toEqual(["kubeconfig"]);
        expect(ref.warnings).toEqual([
            expect.stringContaining("outputs.kubeconfig is encrypted (an export without --show-secrets)"),
        ]);
    });

    it.each([
        ["not JSON", "{", "is not JSON"],
        [
            "a preview",
            { steps: [{ op: "same", urn: "urn:pulumi:prod::multi-agent-security::pulumi:pulumi:Stack::x" }] },
            "a 'pulumi preview --json' hides secrets and unknown outputs",
        ],
        [
            "no root stack",
            { version: 3, deployment: { resources: [] } },
            "no root stack resource (pulumi:pulumi:Stack)",
        ],
    ])("refuses %s", (_what, content, message) => {
        const file = write(`bad-${_what.replace(/\W/g, "")}.json`, content);
        expect(() => readStackReference(file, "prod")).toThrow(message);
    });

    it("refuses another stack's file", () => {
        expect(() => readStackReference(prodPlan, "dev")).toThrow("the file holds stack 'prod', not 'dev'");
    });

    it("refuses a stack without the contract (not a platform)", () => {
        const doc = JSON.parse(JSON.stringify(prodDoc));
        delete doc.deployment.resources[0].outputs.agentPlatform;
        const file = write("no-contract.json", doc);
        expect(() => readStackReference(file, "prod")).toThrow(
            "stack 'prod' has no agentPlatform output; is it a platform stack",
        );
    });
});

describe("plan of an agent stack", () => {
    const project = path.join(tmp, "project");
    beforeAll(() => {
        fs.mkdirSync(project);
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
        const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
        fs.writeFileSync(
            path.join(project, "Pulumi.agents-a.yaml"),
            prod.replace(
                /multi-agent-security:agents:\n(\s+- .+\n)+/,
                "multi-agent-security:agents:\n        - coordinator-a\n        - task-executor-a\n" +
                    "    multi-agent-security:platformStack: prod\n",
            ),
        );
    });
    const plan = (...args: string[]) =>
        spawnSync(
            process.execPath,
            tsNodeArgs(path.join(ROOT, "tools", "plan.ts"), [
                "--stack",
                "agents-a",
                "--project-dir",
                project,
                "--out",
                path.join(tmp, "agents-a.json"),
                ...args,
            ]),
            { cwd: ROOT, encoding: "utf8" },
        );

    it("resolves the platform from its plan and records the StackReference with the platform's outputs", () => {
        const res = plan("--stack-ref", `prod=${prodPlan}`);
        // The pack's verdict on agent stacks is its own test's; the plan is written either way.
        expect([0, 1]).toContain(res.status);
        expect(res.stdout).toMatch(/^plan: \d+ resources/m);
        const doc = JSON.parse(fs.readFileSync(path.join(tmp, "agents-a.json"), "utf8"));
        const ref = doc.deployment.resources.find((r: any) => r.type === "pulumi:pulumi:StackReference");
        expect(ref.urn).toBe("urn:pulumi:agents-a::multi-agent-security::pulumi:pulumi:StackReference::platform");
        expect(ref.external).toBe(true);
        expect(ref.outputs.outputs.agentPlatform).toEqual(prodDoc.deployment.resources[0].outputs.agentPlatform);
        expect(ref.outputs.outputs.kubeconfig[SIG]).toBe(SECRET);
    }, 60_000);

    it("exits 2 naming --stack-ref when the platform's plan is not given", () => {
        const res = plan();
        expect(res.status).toBe(2);
        expect(res.stderr.trim()).toBe(
            "error: this is an agent stack (platformStack: prod): give its platform's plan or stack export with --stack-ref prod=<file> (e.g. .plan/prod.json from plan --stack prod)",
        );
    });

    it("exits 2 on a malformed platform file, without a stack trace", () => {
        const res = plan("--stack-ref", `prod=${write("malformed.json", "{ not json")}`);
        expect(res.status).toBe(2);
        expect(res.stderr.trim().split("\n")).toHaveLength(1);
        expect(res.stderr).toMatch(/^error: .*malformed\.json is not JSON/);
    });

    it("exits 2 naming the field when the platform's contract is invalid", () => {
        const doc = JSON.parse(JSON.stringify(prodDoc));
        delete doc.deployment.resources[0].outputs.agentPlatform.identity.permissionsBoundaryArn;
        const res = plan("--stack-ref", `prod=${write("bad-contract.json", doc)}`);
        expect(res.status).toBe(2);
        expect(res.stderr.trim()).toMatch(
            /^error: platform stack prod, output agentPlatform: invalid contract: identity\.permissionsBoundaryArn: /,
        );
    }, 60_000);
});
