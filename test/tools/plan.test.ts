import { createHash } from "crypto";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runStack, ROOT, tempDir } from "../harness/program";
import { tsNodeArgs } from "../../tools/lib/node-command";
import type { ProgramRun } from "../../tools/lib/program";

const tmp = tempDir("plan-test-");

function deploymentOf(run: ProgramRun, stack: string) {
    const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
    return toDeployment(run, { project: "multi-agent-security", stack, time: "2026-11-26T00:00:00Z" }) as {
        version: number;
        deployment: { manifest: { magic: string; version: string }; resources: Record<string, any>[] };
    };
}

describe.each(["dev", "prod"] as const)("plan of %s", (stack) => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runStack(stack);
    });

    it("registers the VPC and one subnet per AZ of each segment", () => {
        const azs = stack === "dev" ? 2 : 3;
        const subnets = run.resources.filter(
            (r) =>
                r.type === "aws:ec2/subnet:Subnet" &&
                ["agent", "service", "management"].includes((r.inputs.tags as any)?.segment),
        );
        expect(subnets).toHaveLength(3 * azs);
        expect(run.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").map((r) => r.inputs.cidrBlock)).toEqual([
            "10.0.0.0/16",
        ]);
    });

    it("writes a stack-export document the engine would accept", () => {
        const doc = deploymentOf(run, stack);
        expect(doc.version).toBe(3);
        const { manifest, resources } = doc.deployment;
        expect(manifest.magic).toBe(createHash("sha256").update(manifest.version).digest("hex"));
        expect(resources[0].type).toBe("pulumi:pulumi:Stack");
        expect(resources[0].urn).toBe(
            `urn:pulumi:${stack}::multi-agent-security::pulumi:pulumi:Stack::multi-agent-security-${stack}`,
        );
        const urns = new Set(resources.map((r) => r.urn));
        expect(urns.size).toBe(resources.length);
        for (const r of resources) {
            expect(r.urn).toMatch(new RegExp(`^urn:pulumi:${stack}::multi-agent-security::`));
            expect(r.urn.endsWith(`::${r.urn.split("::").pop()}`)).toBe(true);
            if (r.parent) {
                expect(urns).toContain(r.parent);
                // The engine's URN rule: the parent's qualified type (unless it is the root stack) then `$` then the type.
                const parentType = r.parent.split("::")[2];
                const expected = parentType === "pulumi:pulumi:Stack" ? r.type : `${parentType}$${r.type}`;
                expect(r.urn.split("::")[2]).toBe(expected);
            }
            for (const d of r.dependencies ?? []) {
                expect(urns).toContain(d);
            }
            if (r.type.startsWith("pulumi:providers:")) {
                // The engine records the plugin version in every provider's inputs, explicit or default.
                expect(r.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
            }
            if (r.custom && !r.type.startsWith("pulumi:providers:")) {
                expect(typeof r.id).toBe("string");
                const ref: string = r.provider;
                expect(urns).toContain(ref.slice(0, ref.lastIndexOf("::")));
            }
        }
    });

    it("exports audit evidence for the segmentation controls with real URNs", () => {
        const evidence = run.stackOutputs.auditEvidence as Record<
            string,
            { resources: { urn: string }[]; policies: string[] }
        >;
        const urns = new Set(run.resources.map((r) => r.urn));
        for (const id of ["NET-SEG-AGENT", "NET-SEG-SERVICE", "NET-SEG-MGMT"]) {
            expect(evidence[id].policies).toContain("network-subnet-in-segment");
            expect(evidence[id].resources.length).toBeGreaterThan(0);
            for (const r of evidence[id].resources) {
                expect(urns).toContain(r.urn);
            }
        }
    });
});

describe("contacts at reserved domains (the shipped stacks' placeholders)", () => {
    const warning = (key: string, address: string) =>
        `multi-agent-security:${key}: ${address} is at a reserved domain (example.com) where no one reads mail; replace it before \`pulumi up\`, which refuses it`;

    // The shipped connection placeholder is in AWS's documentation account (components/config/preconditions.ts).
    const connection =
        "multi-agent-security:deployRunnerConnectionArn: 111122223333 is an AWS documentation account, not yours; a connection belongs to the account that deploys and a person must approve it there (AVAILABLE) first";
    it.each([
        [
            "dev",
            [
                warning("alertEmails[0]", "security-dev@example.com"),
                `${connection}; replace it before \`pulumi up\`, which refuses it`,
            ],
        ],
        [
            "prod",
            [
                warning("alertEmails[0]", "security-oncall@example.com"),
                warning("alertEmails[1]", "soc@example.com"),
                `${connection}; replace it before \`pulumi up\`, which refuses it`,
            ],
        ],
    ] as const)("an offline plan of %s warns (pulumi.log.warn) and plans", async (stack, expected) => {
        const run = await runStack(stack);
        expect(run.diagnostics).toEqual(expected.map((message) => ({ severity: "warning", message })));
        expect(run.resources.length).toBeGreaterThan(400);
    });

    it("a real `pulumi up` (not a dry run, not an offline plan) refuses them before any resource is registered", async () => {
        const { runIsolated, stackConfig } = require("../harness/program") as typeof import("../harness/program");
        const err = await runIsolated(stackConfig("prod"), "prod", () => require("../../index"), {
            asRealUpdate: true,
        }).then(
            () => undefined,
            (e: unknown) => e as Error & { problems: string[]; registeredUrns: string[] },
        );
        expect(err?.name).toBe("ConfigError");
        expect(err?.problems).toEqual([
            "multi-agent-security:alertEmails[0]: security-oncall@example.com is at a reserved domain (example.com) where no one reads mail; `pulumi up` needs an address people read",
            "multi-agent-security:alertEmails[1]: soc@example.com is at a reserved domain (example.com) where no one reads mail; `pulumi up` needs an address people read",
            connection,
        ]);
        expect(err?.registeredUrns.map((u) => u.split("::")[2])).toEqual(["pulumi:pulumi:Stack"]);
        // The marker belongs to the run: it is not left behind.
        expect(process.env.MAS_OFFLINE_PLAN).toBeUndefined();
    });
});

describe("plan with bad config", () => {
    it("fails before any resource is registered, naming the key", async () => {
        const err = await runStack("dev", { azCount: 1 }).then(
            () => undefined,
            (e: unknown) => e as Error & { registeredUrns: string[] },
        );
        expect(err?.name).toBe("ConfigError");
        expect(err?.message).toContain("multi-agent-security:azCount");
        // Only the root stack exists when config is validated.
        expect(err?.registeredUrns.map((u) => u.split("::")[2])).toEqual(["pulumi:pulumi:Stack"]);
    });

    it("exits 2 from the command line with a one-line message and no stack trace", () => {
        const dir = fs.mkdtempSync(path.join(tmp, "proj-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const YAML = require("yaml") as typeof import("yaml");
        const doc = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
        doc.config["multi-agent-security:agentSegmentCidr"] = "10.0.1.0/33";
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), YAML.stringify(doc));
        const res = spawnSync(
            process.execPath,
            tsNodeArgs(path.join(ROOT, "tools", "plan.ts"), ["--stack", "dev", "--project-dir", dir]),
            { cwd: ROOT, encoding: "utf8" },
        );
        expect(res.status).toBe(2);
        expect(res.stderr).toContain(
            "multi-agent-security:agentSegmentCidr: expected an IPv4 CIDR block such as 10.0.1.0/24",
        );
        expect(res.stderr).not.toMatch(/\n\s+at /);
    });
});

describe("audit from the command line", () => {
    it("exits 2 on a garbage file with a one-line message", () => {
        const file = path.join(tmp, "garbage.json");
        fs.writeFileSync(file, "\u0000\u0001garbage");
        const res = spawnSync(
            process.execPath,
            tsNodeArgs(path.join(ROOT, "tools", "audit.ts"), ["--state", file, "--stack", "dev"]),
            { cwd: ROOT, encoding: "utf8" },
        );
        expect(res.status).toBe(2);
        expect(res.stderr.trim().split("\n")).toHaveLength(1);
        expect(res.stderr).toMatch(/^error: .*garbage.json is not JSON/);
    });
});
