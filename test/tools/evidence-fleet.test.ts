// evidence --stack prod --fleet <agent stacks> --states ...: one report over a platform and its agent stacks,
// each stack's own evidence beside it, agent controls attributed to the stacks that implement them.
import * as fs from "fs";
import * as path from "path";
import { evidenceCommand } from "../../tools/evidence";
import { UsageError } from "../../tools/lib/errors";
import { applySharedAgents, combineFleet, FleetEvidence, sharedAgents } from "../../tools/lib/evidence-fleet";
import type { EvidenceDocument } from "../../tools/lib/evidence-report";
import { writeFleetProject, fleetAgents } from "../../tools/lib/fleet-project";
import { platformReference, runAgentStack, runStack } from "../harness/agent-stack";
import { ROOT, tempDir } from "../harness/program";

const tmp = tempDir("evidence-fleet-");
const STACKS = ["prod-agents-01", "prod-agents-02"];
/** The controls an agent stack builds resources for (its per-agent parts). */
const AGENT_CONTROLS = [
    "ACC-RES-ALLOCATE",
    "ACC-RES-QUOTA",
    "IAM-BOUNDARY",
    "K8S-NETPOL",
    "K8S-PSA",
    "KMS-KEY-MGMT",
    "MESH-AUTHZ-STRICT",
    "MESH-AUTHZ-TASKS",
    "MESH-RATE-AGENT",
    "MSG-PAYLOAD-ALG",
    "MSG-SIG-ALG",
    "MSG-SIG-VERIFY",
    "RBAC-AGENT-NS",
    "RBAC-AGENT-PERMS",
    "RBAC-AGENT-RATE",
];

const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

describe("evidence --fleet", () => {
    let dir: string;
    const states: Record<string, string> = {};
    const out = path.join(tmp, "out");
    let code: number;
    let fleetDoc: EvidenceDocument & { fleet: FleetEvidence };
    beforeAll(async () => {
        dir = writeFleetProject(ROOT, path.join(tmp, "project"), { stacks: 2, agentsPerStack: 3 }).dir;
        const { toDeployment, writeJson } =
            require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
        const platform = await runStack("prod");
        states.prod = path.join(tmp, "prod.json");
        writeJson(states.prod, toDeployment(platform, { project: "multi-agent-security", stack: "prod" }));
        const ref = platformReference(platform, tmp);
        for (const [i, stack] of STACKS.entries()) {
            const run = await runAgentStack(stack, fleetAgents(i + 1, 3), ref);
            states[stack] = path.join(tmp, `${stack}.json`);
            writeJson(states[stack], toDeployment(run, { project: "multi-agent-security", stack }));
        }
        code = await evidenceCommand([
            "--stack",
            "prod",
            "--fleet",
            STACKS.join(","),
            "--states",
            Object.entries(states)
                .map(([s, f]) => `${s}=${f}`)
                .join(","),
            "--project-dir",
            dir,
            "--out-dir",
            out,
            "--self-test",
            "skip",
        ]);
        fleetDoc = read(path.join(out, "evidence.json"));
    });

    it("writes each stack's evidence and one fleet report with coverage per stack and overall", () => {
        for (const s of ["prod", ...STACKS]) {
            expect(read(path.join(out, s, "evidence.json")).stack).toBe(s);
        }
        // An agent stack's own evidence leaves the platform's controls to the platform, failing none of them.
        const own = read(path.join(out, STACKS[0], "evidence.json")) as EvidenceDocument;
        const waf = own.controls.find((c) => c.id === "PER-WAF-RULES")!;
        expect([waf.status, waf.reason.split(" (before")[0]]).toEqual([
            "not-assessed",
            "implemented by the platform stack prod: its evidence holds it (`evidence --stack prod --fleet prod-agents-01` combines them)",
        ]);
        expect(own.controls.filter((c) => c.status === "fail").map((c) => c.id)).toEqual([]);
        const rows = fleetDoc.fleet.stacks.map((s) => [s.stack, s.role, s.implemented, s.failing]);
        const all = fleetDoc.controls.length;
        expect(rows).toEqual([
            ["prod", "platform", all, expect.any(Array)],
            ["prod-agents-01", "agents", AGENT_CONTROLS.length, []],
            ["prod-agents-02", "agents", AGENT_CONTROLS.length, []],
        ]);
        const md = fs.readFileSync(path.join(out, "evidence.md"), "utf8");
        expect(md).toContain("# Fleet evidence — platform stack `prod` and 2 agent stack(s)");
        expect(md).toMatch(
            /\| `prod-agents-01` \| agents \| 15 \| 0 \| \d+ \| 0 \| 0 \| 0 \| \d+ \| prod-agents-01\/evidence\.md \|/,
        );
        const summary = fs.readFileSync(path.join(out, "summary.md"), "utf8");
        expect(summary.split("\n")[0]).toBe("# Fleet evidence — platform stack `prod` and 2 agent stack(s)");
        expect(summary).toContain("# Statement of applicability — stack `prod fleet`");
        expect(code).toBe(fleetDoc.controls.some((c) => c.status === "fail") ? 1 : 0);
    });

    it("attributes the agents' controls to the stacks that implement them and only those", () => {
        const agentOwned = Object.entries(fleetDoc.fleet.attribution)
            .filter(([, by]) => by.some((b) => b.stack !== "prod"))
            .map(([id]) => id)
            .sort();
        expect(agentOwned).toEqual(AGENT_CONTROLS);
        expect(fleetDoc.fleet.attribution["RBAC-AGENT-NS"].map((b) => b.stack)).toEqual(["prod", ...STACKS]);
        // 3 agents: 3 roles, namespaces, pod identities and RoleBindings of the agents' role per stack.
        expect(fleetDoc.fleet.attribution["RBAC-AGENT-NS"][1].resources).toBe(12);
        expect(fleetDoc.fleet.attribution["PER-WAF-RULES"].map((b) => b.stack)).toEqual(["prod"]);
        // The fleet's control holds the resources of every stack that implements it.
        const ns = fleetDoc.controls.find((c) => c.id === "RBAC-AGENT-NS")!;
        expect(new Set(ns.resources.map((r) => r.urn.split("::")[0]))).toEqual(
            new Set(["urn:pulumi:prod", "urn:pulumi:prod-agents-01", "urn:pulumi:prod-agents-02"]),
        );
    });

    it("fails a control over the fleet when one agent stack breaks it, naming that stack", () => {
        const docs = ["prod", ...STACKS].map((s) => read(path.join(out, s, "evidence.json")) as EvidenceDocument);
        const broken = docs[2].controls.find((c) => c.id === "IAM-BOUNDARY")!;
        broken.status = "fail";
        broken.reason = "policy `agent-stack-role-scope` has mandatory violations";
        const { doc, fleet } = combineFleet(
            docs.map((d, i) => ({ stack: d.stack, role: i === 0 ? "platform" : "agents", dir: d.stack, doc: d })),
        );
        const c = doc.controls.find((x) => x.id === "IAM-BOUNDARY")!;
        expect(c.status).toBe("fail");
        expect(c.reason).toContain("prod-agents-02 fail (policy `agent-stack-role-scope` has mandatory violations)");
        expect(fleet.stacks.map((s) => s.failing.includes("IAM-BOUNDARY"))).toEqual([false, false, true]);
    });

    it("fails RBAC-AGENT-NS over the fleet when two stacks run the same agent", () => {
        expect(
            sharedAgents({
                prod: ["coordinator", "planner"],
                "prod-agents-01": ["coordinator-01", "planner"],
                "prod-agents-02": ["coordinator-01", "worker-02-2"],
            }),
        ).toEqual([
            "agent coordinator-01 (namespace agent-coordinator-01) runs in stacks prod-agents-01 and prod-agents-02",
            "agent planner (namespace agent-planner) runs in stacks prod and prod-agents-01",
        ]);
        expect(sharedAgents({ prod: ["coordinator"], "prod-agents-01": ["coordinator-01"] })).toEqual([]);
        const doc = JSON.parse(JSON.stringify(fleetDoc)) as EvidenceDocument;
        const failBefore = doc.guide.coverage.fail;
        applySharedAgents(doc, ["agent planner (namespace agent-planner) runs in stacks prod and prod-agents-01"]);
        const c = doc.controls.find((x) => x.id === "RBAC-AGENT-NS")!;
        expect(c.status).toBe("fail");
        expect(c.reason).toMatch(
            /^fleet: agent planner \(namespace agent-planner\) runs in stacks prod and prod-agents-01: a namespace has one owner/,
        );
        expect(doc.guide.coverage.fail).toBeGreaterThan(failBefore);
    });

    it("exits 2 with a message on malformed fleet input", async () => {
        const base = ["--stack", "prod", "--project-dir", dir, "--out-dir", path.join(tmp, "bad")];
        const run = (extra: string[]) => evidenceCommand([...base, ...extra]);
        await expect(
            run(["--fleet", STACKS.join(","), "--states", `prod-agents-01=${states["prod-agents-01"]}`]),
        ).rejects.toThrow(
            new UsageError(
                "--states needs the plan or stack export of every agent stack: missing prod-agents-02 (plan them with `npm run plan:all`, or `plan --stack <agent> --stack-ref prod=<file>`)",
            ),
        );
        await expect(run(["--fleet", "prod-agents-01", "--states", "prod-agents-01"])).rejects.toThrow(
            "--states: 'prod-agents-01' is not <stack>=<file>",
        );
        await expect(run(["--fleet", "prod-agents-01", "--states", `dev=${states.prod}`])).rejects.toThrow(
            "--states names dev, not in --stack prod or --fleet prod-agents-01",
        );
        await expect(run(["--fleet", "", "--states", `prod=${states.prod}`])).rejects.toThrow(
            "--fleet <stack,...> names the platform's agent stacks (at least one)",
        );
        await expect(run(["--fleet", "prod-agents-01", "--states", `prod-agents-01=${states.prod}`])).rejects.toThrow(
            `${states.prod}: agent stack prod-agents-01 has no StackReference to a platform stack, not --stack prod`,
        );
        await expect(
            run([
                "--fleet",
                "prod-agents-01",
                "--outputs",
                "x.json",
                "--states",
                `prod-agents-01=${states["prod-agents-01"]}`,
            ]),
        ).rejects.toThrow("--fleet: --outputs describe one stack's evidence");
        const garbage = path.join(tmp, "garbage.json");
        fs.writeFileSync(garbage, "{ not json");
        await expect(run(["--fleet", "prod-agents-01", "--states", `prod-agents-01=${garbage}`])).rejects.toThrow(
            UsageError,
        );
        expect(fs.existsSync(path.join(tmp, "bad"))).toBe(false);
    });

    it("reads an agent stack's plan whose StackReference names another platform as not this fleet's", async () => {
        const other = path.join(tmp, "other.json");
        const doc = read(states["prod-agents-01"]);
        const sr = doc.deployment.resources.find((r: { type: string }) => r.type === "pulumi:pulumi:StackReference");
        sr.inputs.name = "staging";
        sr.outputs.name = "staging";
        fs.writeFileSync(other, JSON.stringify(doc));
        await expect(
            evidenceCommand([
                "--stack",
                "prod",
                "--project-dir",
                dir,
                "--fleet",
                "prod-agents-01",
                "--states",
                `prod-agents-01=${other}`,
            ]),
        ).rejects.toThrow(`${other}: agent stack prod-agents-01 references platform stack 'staging', not --stack prod`);
    });

    it("refuses a look-alike platform of another project with the same stack name (review finding 3)", async () => {
        const other = path.join(tmp, "lookalike.json");
        const doc = read(states["prod-agents-01"]);
        const sr = doc.deployment.resources.find((r: { type: string }) => r.type === "pulumi:pulumi:StackReference");
        sr.inputs.name = "myorg/team-a-platform/prod";
        sr.outputs.name = "myorg/team-a-platform/prod";
        sr.outputs.outputs.agentPlatform.project = "team-a-platform";
        fs.writeFileSync(other, JSON.stringify(doc));
        await expect(
            evidenceCommand([
                "--stack",
                "prod",
                "--project-dir",
                dir,
                "--fleet",
                "prod-agents-01",
                "--states",
                `prod-agents-01=${other}`,
            ]),
        ).rejects.toThrow(
            `${other}: agent stack prod-agents-01 references platform stack 'myorg/team-a-platform/prod', not --stack prod of project multi-agent-security (its contract is of project team-a-platform stack prod)`,
        );
    });
});
