import * as fs from "fs";
import * as path from "path";
import { controls, requirements } from "../../policy-pack/catalog";
import { evidenceCommand } from "../../tools/evidence";
import type { EvidenceDocument } from "../../tools/lib/evidence-report";
import { runStack, tempDir } from "../harness/program";

const tmp = tempDir("evidence-test-");

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
    let prodStateFile: string;
    beforeAll(async () => {
        const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
        for (const stack of ["dev", "prod"]) {
            const doc = toDeployment(await runStack(stack as "dev" | "prod"), {
                project: "multi-agent-security",
                stack,
            });
            fs.writeFileSync(path.join(tmp, `${stack}-state.json`), JSON.stringify(doc));
        }
        stateFile = path.join(tmp, "dev-state.json");
        prodStateFile = path.join(tmp, "prod-state.json");
    });

    // The one full mutation self-test of the suite (test/tools/self-test.test.ts covers its rules on small sets).
    it("leads with coverage over the guide's leaves, with a status per leaf and a self-test per control", async () => {
        const dir = path.join(tmp, "from-state");
        expect(await run(["--stack", "prod", "--state", prodStateFile, "--out-dir", dir])).toBe(0);
        const { doc, md } = read(dir);
        expect(doc.controls.map((c) => c.id)).toEqual(controls.map((c) => c.id));
        // One entry per guide leaf, in the guide's order, with the catalog's mapping.
        expect(doc.guide.requirements.map((r) => [r.path, r.controls])).toEqual(
            requirements.map((r) => [r.path, r.controls]),
        );
        expect(doc.guide.leaves).toBe(171);
        expect(Object.values(doc.guide.coverage).reduce((a, b) => a + b, 0)).toBe(171);
        const leaf = (p: string) => doc.guide.requirements.find((r) => r.path === p)!;
        expect(leaf("infrastructure_security.network_protection.segmentation.networks[agent_network].cidr")).toEqual({
            path: "infrastructure_security.network_protection.segmentation.networks[agent_network].cidr",
            value: "10.0.1.0/24",
            controls: ["NET-SEG-AGENT", "NET-POD-CAPACITY"],
            status: "pass",
            gaps: [],
        });
        // No domain in prod's stack file: Let's Encrypt is not configured, though the cert-manager release is recorded.
        const le = doc.controls.find((c) => c.id === "CERT-LETSENCRYPT")!;
        expect(le.resources.length).toBeGreaterThan(0);
        expect(le.status).toBe("not-configured");
        // Application / organisational controls are not assessed, with what the stack provides.
        const ir = doc.controls.find((c) => c.id === "IR-SB-SCOPE")!;
        expect(ir.status).toBe("not-assessed");
        expect(ir.reason).toMatch(/^not assessed by this stack: met by an organisational procedure with /);
        // Every infrastructure control records its mutation and whether the audit reported it; every break of the
        // prod plan is caught but the one whose resource prod does not build (no public domain: no ACME issuer).
        const infra = doc.controls.filter((c) => c.how.kind === "infrastructure");
        expect(infra.filter((c) => !c.selfTest).map((c) => c.id)).toEqual([]);
        expect(infra.filter((c) => !c.selfTest!.caught).map((c) => `${c.id}: ${c.selfTest!.error}`)).toEqual([
            "CERT-LETSENCRYPT: no kubernetes:cert-manager.io/v1:ClusterIssuer named mas-letsencrypt in this plan",
        ]);
        expect(doc.controls.find((c) => c.id === "IPS-PREVENT")!.selfTest).toEqual({
            mutation: "firewall stateful default actions alert only (aws:alert_established)",
            caught: true,
            reportedBy: ["network-firewall-policy"],
        });
        expect(doc.controls.find((c) => c.id === "NET-SEG-AGENT")!.selfTest).toEqual({
            mutation: "subnet mas-agent-0 moved outside its segment (cidrBlock 192.0.2.0/26)",
            caught: true,
            reportedBy: ["network-subnet-in-segment"],
        });
        // No control passes unproven or without resources of its own.
        for (const c of doc.controls.filter((x) => x.status === "pass")) {
            expect([c.id, c.resources.length > 0, c.selfTest?.caught]).toEqual([c.id, true, true]);
        }
        expect(doc.provenance).toMatchObject({
            sourceKind: "stack-export",
            placeholderIds: true,
            guideVersion: "1.0.0",
        });
        expect(doc.provenance.gitCommit).toMatch(/^[0-9a-f]{40}$|^unknown/);
        expect(md.startsWith("# Audit evidence — stack `prod`\n\n## Coverage of the guide\n")).toBe(true);
        expect(md).toContain(
            `**${doc.guide.coverage.pass} of 171 leaves (${Math.round((100 * doc.guide.coverage.pass) / 171)} %) pass** in this stack.`,
        );
        expect(md).toContain("**Result: no control fails.**");
        expect(md).toContain("### CERT-LETSENCRYPT — NOT CONFIGURED\n");
        expect(md).toContain("### IR-SB-SCOPE — NOT ASSESSED BY THIS STACK\n");
        // Each resource is listed by name with every setting, one per line, none cut.
        const segSection = md.slice(md.indexOf("### NET-SEG-AGENT — PASS"), md.indexOf("### NET-SEG-SERVICE"));
        expect(segSection).toMatch(
            / {2}- \*\*mas-agent-0\*\* `aws:ec2\/subnet:Subnet` — `arn:aws:ec2:[^`]+`\n(?: {4}- .*\n)* {4}- cidrBlock: 10\.0\.1\.0\/26\n/,
        );
        const admin = doc.controls.find((c) => c.id === "RBAC-ADMIN-MFA")!;
        const trust = String(admin.resources[0].configuration?.assumeRolePolicy);
        expect(JSON.parse(trust).Statement[0].Condition.Bool).toEqual({ "aws:MultiFactorAuthPresent": "true" });
        expect(md).toContain('"aws:MultiFactorAuthPresent": "true"');
        // The whole self-test (112 variants through the pack's server) on a busy 2-core machine.
    }, 180_000);

    it("shows a control whose policy has a mandatory violation as failing, and alert mode as partial", async () => {
        const doc = JSON.parse(fs.readFileSync(stateFile, "utf8"));
        const subnet = doc.deployment.resources.find(
            (r: any) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.tags?.segment === "service",
        );
        // As a real export holds it: the subnet's inputs and its outputs (which the stack policies read).
        subnet.inputs.cidrBlock = "10.0.7.0/25";
        subnet.outputs.cidrBlock = "10.0.7.0/25";
        // The same state in alert mode: the IPS policy allows it outside prod, the evidence does not call it met.
        const fp = doc.deployment.resources.find(
            (r: any) => r.type === "aws:networkfirewall/firewallPolicy:FirewallPolicy",
        );
        for (const props of [fp.inputs, fp.outputs]) {
            for (const ref of props.firewallPolicy.statefulRuleGroupReferences) {
                if (String(ref.resourceArn).includes(":aws-managed:")) {
                    ref.override = { action: "DROP_TO_ALERT" };
                }
            }
        }
        const broken = path.join(tmp, "broken.json");
        fs.writeFileSync(broken, JSON.stringify(doc));
        const dir = path.join(tmp, "broken");
        // The self-test is skipped: statuses from the audit and the gaps are what this case checks.
        expect(await run(["--stack", "dev", "--state", broken, "--out-dir", dir, "--self-test", "skip"])).toBe(1);
        const { doc: ev, md } = read(dir);
        const svc = ev.controls.find((c) => c.id === "NET-SEG-SERVICE")!;
        expect(svc.status).toBe("fail");
        expect(svc.policies[0].violations).toEqual([
            {
                urn: subnet.urn,
                message:
                    "subnet 10.0.7.0/25 is tagged segment=service but lies outside that segment's 10.0.2.0/24 (the stack's serviceSegmentCidr (Pulumi.dev.yaml))",
            },
        ]);
        expect(md).toContain("### NET-SEG-SERVICE — FAIL");
        // The moved subnet also takes the service endpoints out of the agents' NetworkPolicy egress (K8S-NETPOL).
        expect(md).toContain("**Result: 2 control(s) FAIL** — NET-SEG-SERVICE, K8S-NETPOL.");
        expect(md).toContain("- Status: FAIL — policy `network-subnet-in-segment` has mandatory violations\n");
        expect(ev.summary.infrastructure_security.fail).toBe(1);
        const leaf = ev.guide.requirements.find(
            (r) => r.path === "infrastructure_security.network_protection.segmentation.networks[service_network].cidr",
        )!;
        expect(leaf.status).toBe("fail");
        const ips = ev.controls.find((c) => c.id === "IPS-PREVENT")!;
        expect(ips.policies.every((p) => p.result === "pass")).toBe(true);
        expect(ips.status).toBe("partial");
        expect(ips.gap).toBe(
            "the stack is in alert mode (config ipsMode alert): 4 managed signature group(s) are overridden DROP_TO_ALERT, so matches are logged, not blocked; the guide's mode is prevent",
        );
        expect(
            ev.guide.requirements.find(
                (r) => r.path === "infrastructure_security.network_protection.monitoring.ips.mode",
            )!.status,
        ).toBe("partial");
        expect(md).toContain("### IPS-PREVENT — PARTIAL\n\n- Status: PARTIAL — ");
        // Without the self-test nothing is proven, so nothing passes, and each control says why.
        expect(ev.controls.filter((c) => c.status === "pass").map((c) => c.id)).toEqual([]);
        const agent = ev.controls.find((c) => c.id === "NET-SEG-AGENT")!;
        expect(agent.selfTest).toEqual({
            mutation: "not run (evidence --self-test skip)",
            caught: false,
            reportedBy: [],
            error: "the mutation self-test was not run",
        });
        expect([agent.status, agent.reason]).toEqual([
            "partial",
            expect.stringMatching(/not proven: the mutation self-test was not run$/),
        ]);
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
        await run([
            "--stack",
            "dev",
            "--state",
            stateFile,
            "--outputs",
            outputs,
            "--out-dir",
            dir,
            "--self-test",
            "skip",
        ]);
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
