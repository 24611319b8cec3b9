import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { controls, requirements } from "../../policy-pack/catalog";
import { evidenceCommand } from "../../tools/evidence";
import type { EvidenceDocument } from "../../tools/lib/evidence-report";
import { runStack, tempDir } from "../harness/program";

const tmp = tempDir("evidence-test-");
/** The suite's one full prod evidence (self-test included): later cases read it instead of running another. */
const fullRunDir = path.join(tmp, "from-state");

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
        const dir = fullRunDir;
        // Exit 1: prod has no Let's Encrypt issuer and nobody has accepted that (the register only proposes it).
        expect(await run(["--stack", "prod", "--state", prodStateFile, "--out-dir", dir, "--html"])).toBe(1);
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
        expect(le.status).toBe("fail");
        // Application / organisational controls are not assessed, with what the stack provides.
        const ir = doc.controls.find((c) => c.id === "IR-SB-SCOPE")!;
        expect(ir.status).toBe("not-assessed");
        expect(ir.reason).toBe(
            "not assessed: would be evidenced by incident records (tickets, post-incident reports) that scope each breach; nothing in this repository or this stack's evidence records the procedure",
        );
        // Nothing claims to be met by code or procedures this repository does not hold.
        expect(doc.controls.filter((c) => /met by/i.test(c.reason)).map((c) => c.id)).toEqual([]);
        // The approval step that exists is design evidence: partial until its executions are collected.
        const approval = doc.controls.find((c) => c.id === "MNT-PATCH-APPROVAL")!;
        expect([approval.status, approval.reason]).toEqual([
            "partial",
            expect.stringMatching(
                /^design evidence only, in this offline plan \(recorded under MNT-PATCH-CRITICAL\): the node-ami-roll Automation document waits at an aws:approve step/,
            ),
        ]);
        // Prod without a domain: Let's Encrypt is absent, and a developer's proposal accepts nothing.
        expect(le.reason).toMatch(
            /^the guide requires it in a prod-profile stack and the deviation register does not accept its absence/,
        );
        // Conformity with ISO 27001 / SOC 2 is an auditor's judgement, not a Config result.
        expect(
            doc.controls
                .filter((c) => c.id.startsWith("CMP-") && c.how.kind === "infrastructure" && c.status === "partial")
                .map((c) => c.id),
        ).toEqual([
            "CMP-ISO-ACCESS",
            "CMP-ISO-CRYPTO",
            "CMP-ISO-OPS",
            "CMP-SOC2-SECURITY",
            "CMP-SOC2-AVAILABILITY",
            "CMP-SOC2-CONFIDENTIALITY",
        ]);
        // Every control has an owner from controls/owners.yaml; every deviation has a proposed risk write-up with
        // compensating controls, and none is accepted: only a risk owner's entry (acceptedBy, approvalRef) accepts.
        expect(doc.controls.filter((c) => !c.owner.startsWith("@multi-agent-security/")).map((c) => c.id)).toEqual([]);
        expect(doc.controls.find((c) => c.id === "IR-SB-SCOPE")!.owner).toBe("@multi-agent-security/operations");
        expect(doc.deviations!).toHaveLength(27);
        expect(
            doc.deviations!.filter(
                (d) =>
                    d.accepted ||
                    !/^proposed \(until \d{4}-\d{2}-\d{2}\), not accepted$/.test(d.expires) ||
                    d.compensatingControls.length === 0,
            ),
        ).toEqual([]);
        expect(doc.deviations!.find((d) => d.control === "CERT-LETSENCRYPT")).toMatchObject({
            kind: "not-configured",
            owner: "@multi-agent-security/security-team",
            expires: "proposed (until 2027-01-31), not accepted",
            accepted: false,
        });
        // Provenance: each input with its sha256, and the tools' versions.
        const stateInput = doc.provenance.inputs!.find((i) => i.path === prodStateFile)!;
        expect(stateInput.sha256).toBe(createHash("sha256").update(fs.readFileSync(prodStateFile)).digest("hex"));
        expect(doc.provenance.inputs!.map((i) => i.path)).toEqual(
            expect.arrayContaining([
                "Pulumi.yaml",
                "Pulumi.prod.yaml",
                "policy-pack/config/prod.json",
                "controls/owners.yaml",
                "controls/deviations.yaml",
                "package-lock.json",
            ]),
        );
        expect(doc.provenance.tools).toMatchObject({
            node: process.version,
            "@pulumi/pulumi": "3.276.0",
            "@pulumi/policy": "1.21.0",
            "@pulumi/aws": "7.48.0",
            "@pulumi/kubernetes": "4.34.2",
            "multi-agent-security-policies": "0.1.0",
            "@aws-sdk/client-securityhub": "3.1108.0",
            "@aws-sdk/client-s3": "3.1178.0",
        });
        expect(doc.source).toBe(`offline plan file ${prodStateFile} (mock identifiers: not deployed)`);
        expect(doc.scope).toEqual({
            stack: "prod",
            project: "multi-agent-security",
            region: "eu-west-1",
            account: "not known (offline plan: no account)",
            profile: "prod",
        });
        // The statement of applicability: at most 600 lines, with the full record's hashes.
        const summary = fs.readFileSync(path.join(dir, "summary.md"), "utf8");
        expect(summary.split("\n").length).toBeLessThanOrEqual(600);
        const jsonHash = createHash("sha256")
            .update(fs.readFileSync(path.join(dir, "evidence.json")))
            .digest("hex");
        expect(summary).toContain(`| evidence.json (full record) | \`${jsonHash}\` |`);
        expect(summary).toContain("- Account and Region: not known (offline plan: no account), eu-west-1\n");
        expect(summary).toContain(
            "| `identity_management.authentication.methods.primary.provider` | PARTIAL | AUTH-CERT (partial, owner @multi-agent-security/security-team): the guide's provider is vault;",
        );
        // Columns: pass, partial, adopted, fail, not configured, not assessed, pass share.
        expect(summary).toMatch(/\| A\.8\.24 \| \d+ \| \d+ \| 0 \| \d+ \| \d+ \| \d+ \| \d+ % \|/);
        expect(summary).toMatch(/\| CC6\.1 \| \d+ \| \d+ \| 0 \|/);
        expect(summary).toContain("| CERT-LETSENCRYPT | not-configured | ");
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
            deployed: false,
            guideVersion: "1.0.0",
        });
        expect(doc.provenance.gitCommit).toMatch(/^[0-9a-f]{40}$|^unknown/);
        // The code that computed the statuses: HEAD's tree and the on-disk hash of tools/, policy-pack/, components/.
        expect(doc.provenance.gitTree).toMatch(/^[0-9a-f]{40}$|^unknown/);
        expect(doc.provenance.code).toEqual({
            dirs: ["tools", "policy-pack", "components"],
            sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
            files: expect.any(Number),
        });
        expect(doc.provenance.code!.files).toBeGreaterThan(100);
        // A scheduled procedure's schedule and runbook are its design: partial until --collect sees it run.
        for (const id of ["OPS-D-INTEGRITY", "OPS-W-BACKUPS", "AUD-ACCESS-REPORT", "MNT-POLICY-REVIEW"]) {
            const c = doc.controls.find((x) => x.id === id)!;
            expect([id, c.status, c.reason.split(";")[0]]).toEqual([
                id,
                "partial",
                "design evidence only: designed, not operating-tested",
            ]);
        }
        expect(doc.controls.find((x) => x.id === "MNT-PATCH-APPROVAL")!.status).toBe("partial");
        // Claims say what exists: signing keys do not rotate, the header limit is unauthenticated, integrity is
        // the validation setting, the restore test covers critical S3 only, patching scans, the review pack goes
        // to the low topic.
        const req = (id: string) => doc.controls.find((x) => x.id === id)!.requirement;
        expect(req("KMS-KEY-MGMT")).toContain("KMS rotates no asymmetric key automatically");
        expect(req("KMS-KEY-MGMT")).toContain("the account root holds kms:*");
        expect(req("PER-DDOS")).toContain("per value of the agent-id header (unauthenticated");
        expect(req("OPS-D-INTEGRITY")).toContain("the digest files themselves are not validated");
        expect(req("BAK-RESTORE-TEST")).toContain("S3 buckets tagged critical only");
        expect(req("IR-SB-PATCH")).toContain("scans (Operation=Scan)");
        expect(req("MNT-POLICY-REVIEW")).toContain("low-severity alert topic");
        expect(md.startsWith("# Audit evidence — stack `prod`\n\n## Coverage of the guide\n")).toBe(true);
        expect(md).toContain(
            `**${doc.guide.coverage.pass} of 171 leaves (${Math.round((100 * doc.guide.coverage.pass) / 171)} %) pass** in this stack.`,
        );
        expect(md).toContain("### CERT-LETSENCRYPT — FAIL\n");
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
        // The whole self-test (112 variants through the pack's server) and the HTML page, on a busy 2-core machine
        // (173 s measured with other work on it).
    }, 300_000);

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

    // Debian's chromium, headless: the page renders with no console error and no request beyond its own file.
    it("evidence.html renders in headless Chromium with its charts, no console errors and no fetches", async () => {
        const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
        expect([chromium, fs.existsSync(chromium)]).toEqual([chromium, true]); // apt-get install -y chromium
        const puppeteer = (await import("puppeteer-core")).default;
        const browser = await puppeteer.launch({
            executablePath: chromium,
            headless: true,
            args: ["--no-sandbox", "--disable-gpu"],
        });
        try {
            const page = await browser.newPage();
            const problems: string[] = [];
            page.on("console", (m) => {
                if (m.type() === "error" || m.type() === "warn") {
                    problems.push(`${m.type()}: ${m.text()}`);
                }
            });
            page.on("pageerror", (e) => problems.push(`pageerror: ${String(e)}`));
            page.on("request", (r) => {
                // data: URLs are in-page (the screenshot decoded below), not fetches.
                if (!/^(file|data):/.test(r.url())) {
                    problems.push(`fetch: ${r.url()}`);
                }
            });
            await page.setViewport({ width: 1280, height: 900 });
            const file = path.join(fullRunDir, "evidence.html");
            await page.goto(`file://${file}`, { waitUntil: "load" });
            // Non-pass leaves and deviations come first, then the charts, the matrix and the diagram.
            const order = await page.$$eval("h2", (hs) => hs.map((h) => h.id));
            expect(order).toEqual(["non-pass", "deviations", "coverage", "access-matrix", "reachability-section"]);
            const charts = await page.$$eval("svg.chart", (svgs) =>
                svgs.map((s) => ({
                    id: s.id,
                    bars: s.querySelectorAll("rect").length,
                    width: s.getBoundingClientRect().width,
                })),
            );
            expect(charts.map((c) => c.id)).toEqual(["chart-sections", "chart-iso", "chart-soc2"]);
            expect(charts.every((c) => c.bars > 10 && c.width > 500)).toBe(true);
            const zones = await page.$$eval("#reachability g > text", (ts) => ts.map((t) => t.textContent));
            expect(zones).toEqual(["agent", "service", "management", "perimeter", "internet", "admin"]);
            // Arrows are the model's reachable pairs: the internet reaches the perimeter only.
            const arrows = await page.$$eval("#reachability line > title", (ts) => ts.map((t) => t.textContent ?? ""));
            expect(arrows.filter((a) => a.startsWith("internet → ")).map((a) => a.split(":")[0])).toEqual([
                "internet → perimeter",
            ]);
            expect(arrows).toEqual(
                expect.arrayContaining([
                    expect.stringMatching(/^agent → service: /),
                    expect.stringMatching(/^admin → management: /),
                ]),
            );
            const matrixRows = await page.$$eval("#access-matrix + table tbody tr", (rows) => rows.length);
            expect(matrixRows).toBeGreaterThan(100);
            // The screenshot of the section chart holds the pass bars' green.
            const chart = (await page.$("#chart-sections"))!;
            await chart.scrollIntoView();
            const png = Buffer.from(await chart.screenshot({ path: path.join(fullRunDir, "chart-sections.png") }));
            // Decoded in the page (the test has no PNG decoder): pixels of the pass colour #2e7d32.
            const green = (await page.evaluate(`(async () => {
                const img = new Image();
                img.src = "data:image/png;base64,${png.toString("base64")}";
                await img.decode();
                const canvas = document.createElement("canvas");
                canvas.width = img.width;
                canvas.height = img.height;
                const ctx = canvas.getContext("2d");
                ctx.drawImage(img, 0, 0);
                const d = ctx.getImageData(0, 0, img.width, img.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4) {
                    n += d[i] === 0x2e && d[i + 1] === 0x7d && d[i + 2] === 0x32 ? 1 : 0;
                }
                return n;
            })()`)) as number;
            expect(green).toBeGreaterThan(1000);
            expect(problems).toEqual([]);
        } finally {
            await browser.close();
        }
    }, 60_000);

    it("--since lists a control that a broken copy of the plan takes from pass to fail", async () => {
        const previous = path.join(fullRunDir, "evidence.json");
        const doc = JSON.parse(fs.readFileSync(prodStateFile, "utf8"));
        const subnet = doc.deployment.resources.find(
            (r: any) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.tags?.segment === "service",
        );
        // As an export holds it: inputs and outputs (the stack policies read outputs).
        subnet.inputs.cidrBlock = "10.0.7.0/25";
        subnet.outputs.cidrBlock = "10.0.7.0/25";
        const broken = path.join(tmp, "prod-broken.json");
        fs.writeFileSync(broken, JSON.stringify(doc));
        const dir = path.join(tmp, "since");
        expect(
            await run([
                "--stack",
                "prod",
                "--state",
                broken,
                "--out-dir",
                dir,
                "--self-test",
                "skip",
                "--since",
                previous,
            ]),
        ).toBe(1);
        const { doc: ev } = read(dir);
        expect(ev.changes!.find((c) => c.control === "NET-SEG-SERVICE")).toEqual({
            control: "NET-SEG-SERVICE",
            from: "pass",
            to: "fail",
            why: "policy `network-subnet-in-segment` has mandatory violations",
        });
        expect(ev.since).toEqual({
            file: previous,
            generatedAt: JSON.parse(fs.readFileSync(previous, "utf8")).generatedAt,
            sha256: createHash("sha256").update(fs.readFileSync(previous)).digest("hex"),
        });
        const summary = fs.readFileSync(path.join(dir, "summary.md"), "utf8");
        expect(summary).toContain(
            "| NET-SEG-SERVICE | pass | fail | policy `network-subnet-in-segment` has mandatory violations |",
        );
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

    it.each([
        ["--owners", "sections: [1]", /expected a mapping with `sections:`/],
        ["--owners", "sections:\n  compliance: nobody\n", /'nobody' is not an owner|no owner for/],
        [
            "--deviations",
            "accepted:\n  - control: NOT-A-CONTROL\n",
            /accepted\[0\]\.control NOT-A-CONTROL is not a control/,
        ],
        [
            "--deviations",
            "accepted:\n  - {control: AUTH-CERT, kind: gap, risk: r, compensatingControls: [x], expires: soon}\n",
            /accepted\[0\] \(AUTH-CERT\)\.expires 'soon' is not an ISO date/,
        ],
        [
            "--deviations",
            "accepted:\n  - {control: AUTH-CERT, kind: gap, risk: r, compensatingControls: [x], expires: 2027-01-01}\n",
            /accepted\[0\]\.acceptedBy must be a non-empty string/,
        ],
        ["--since", JSON.stringify({ controls: [{ id: "X", status: "great" }] }), /is not an evidence\.json/],
        [
            "--since",
            JSON.stringify({ stack: "prod", generatedAt: "2026-12-01T00:00:00Z", controls: [] }),
            /is the evidence of stack prod, not dev: --since compares a stack with itself/,
        ],
        ["--period", "90d", /--period needs --collect/],
    ])("rejects a malformed %s (exit 2)", async (flag, content, message) => {
        const file = path.join(tmp, "bad-register.yaml");
        fs.writeFileSync(file, content);
        await expect(run(["--stack", "dev", flag, flag === "--period" ? content : file])).rejects.toMatchObject({
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
