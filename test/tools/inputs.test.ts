import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { AUDIT, auditCommand } from "../../tools/audit";
import { EVIDENCE, evidenceCommand } from "../../tools/evidence";
import { PLAN, planCommand } from "../../tools/plan";
import { tsNodeArgs } from "../../tools/lib/node-command";
import { ROOT, tempDir } from "../harness/program";

const tmp = tempDir("inputs-test-");
const P = "multi-agent-security";
const urn = (stack: string, rest: string, project = P) => `urn:pulumi:${stack}::${project}::${rest}`;
const root = (stack: string, project = P) => ({
    urn: urn(stack, `pulumi:pulumi:Stack::${project}-${stack}`, project),
    custom: false,
    type: "pulumi:pulumi:Stack",
});
const subnet = (stack: string, name: string, project = P) => ({
    urn: urn(stack, `aws:ec2/subnet:Subnet::${name}`, project),
    custom: true,
    id: `subnet-${name}`,
    type: "aws:ec2/subnet:Subnet",
    inputs: { cidrBlock: "10.0.1.0/25", tags: { segment: "agent" } },
    outputs: { cidrBlock: "10.0.1.0/25", tags: { segment: "agent" } },
});
const segmentsOnly = ["--policy-config", path.join(__dirname, "..", "fixtures", "policy-config-segments.json")];

function write(name: string, doc: unknown): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
    return file;
}
const exportOf = (resources: unknown[]) => ({ version: 3, deployment: { manifest: {}, resources } });

async function quiet<T>(f: () => Promise<T>): Promise<{ value: T; out: string }> {
    let out = "";
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
        out += c.toString();
        return true;
    });
    try {
        return { value: await f(), out };
    } finally {
        spy.mockRestore();
    }
}

describe("--help", () => {
    it.each([
        ["plan", planCommand, PLAN],
        ["audit", auditCommand, AUDIT],
        ["evidence", evidenceCommand, EVIDENCE],
    ] as const)("%s --help lists every flag, --project-dir included", async (name, command, spec) => {
        const err = await command(["--stack", "dev", "--help"]).then(
            () => undefined,
            (e: Error) => e,
        );
        expect(err?.name).toBe("HelpRequest");
        expect(err?.message).toMatch(new RegExp(`^usage: npm run ${name} -- `));
        for (const flag of spec.flags) {
            expect(err?.message).toContain(`--${flag.name} ${flag.value}`);
        }
        expect(err?.message).toContain("--project-dir <dir>");
        expect(err?.message).toMatch(/Exit 0/);
    });

    it("exits 0 with the usage on stdout from the command line", () => {
        const res = spawnSync(process.execPath, tsNodeArgs(path.join(ROOT, "tools", "audit.ts"), ["--help"]), {
            cwd: ROOT,
            encoding: "utf8",
        });
        expect(res.status).toBe(0);
        expect(res.stdout).toContain("--state <file>");
        expect(res.stderr).toBe("");
    });
});

describe("audit and evidence inputs must describe the stack they are told", () => {
    const good = exportOf([root("dev"), subnet("dev", "a")]);

    it.each([
        [
            "a state of another stack",
            exportOf([root("prod"), subnet("prod", "a")]),
            /holds stack 'prod', not --stack dev/,
        ],
        [
            "a state of another project",
            exportOf([root("dev", "other"), subnet("dev", "a", "other")]),
            /holds project 'other', not this project 'multi-agent-security'/,
        ],
        [
            "a state mixing stacks",
            exportOf([root("dev"), subnet("prod", "a")]),
            /mixes stacks or projects: .*Subnet::a/,
        ],
        ["an empty export", exportOf([]), /nothing deployed/],
        ["an export of a destroyed stack", exportOf([root("dev")]), /nothing deployed/],
    ])("audit rejects %s (exit 2)", async (_what, doc, message) => {
        const file = write("state.json", doc);
        await expect(auditCommand(["--state", file, "--stack", "dev"])).rejects.toMatchObject({
            name: "UsageError",
            message: expect.stringMatching(message),
        });
        await expect(evidenceCommand(["--state", file, "--stack", "dev"])).rejects.toMatchObject({
            name: "UsageError",
            message: expect.stringMatching(message),
        });
    });

    it("accepts the matching state", async () => {
        const file = write("good.json", good);
        const { value } = await quiet(() => auditCommand(["--state", file, "--stack", "dev", ...segmentsOnly]));
        expect(value).toBe(0);
    });

    it.each([
        [
            "a URN the state does not hold",
            urn("dev", "aws:ec2/subnet:Subnet::gone"),
            /names .*Subnet::gone, which the state does not hold/,
        ],
        [
            "a URN of another stack",
            urn("prod", "aws:ec2/subnet:Subnet::a"),
            /of stack 'prod' in project .*not stack 'dev'/,
        ],
    ])("evidence rejects outputs naming %s", async (_what, u, message) => {
        const state = write("good.json", good);
        const outputs = write("outputs.json", {
            "NET-SEG-AGENT": { resources: [{ urn: u, type: "aws:ec2/subnet:Subnet" }] },
        });
        await expect(evidenceCommand(["--stack", "dev", "--state", state, "--outputs", outputs])).rejects.toMatchObject(
            { name: "UsageError", message: expect.stringMatching(message) },
        );
    });

    it("explains a `pulumi preview --json` without --show-sames instead of reporting missing resources", async () => {
        const a = subnet("dev", "a");
        const preview = {
            steps: [
                { op: "same", urn: root("dev").urn, oldState: root("dev"), newState: root("dev") },
                { op: "update", urn: a.urn, oldState: a, newState: a, detailedDiff: null },
            ],
            changeSummary: { same: 120, update: 1 },
        };
        const file = write("preview.json", preview);
        await expect(auditCommand(["--state", file, "--stack", "dev"])).rejects.toMatchObject({
            name: "UsageError",
            message: expect.stringMatching(
                /without --show-sames: it leaves out 119 unchanged resources.*pulumi preview --json --show-sames/,
            ),
        });
        // With the unchanged steps (as --show-sames writes them) the same preview is audited.
        const full = { ...preview, changeSummary: { same: 1, update: 1 } };
        const { value } = await quiet(() =>
            auditCommand(["--state", write("full.json", full), "--stack", "dev", ...segmentsOnly]),
        );
        expect(value).toBe(0);
    });
});

describe("a stack the repository does not ship", () => {
    // `pulumi stack init staging` + Pulumi.staging.yaml copied from dev: nothing else added.
    function project(
        edit?: (doc: { config: Record<string, unknown>; environment?: unknown }) => void,
        from = "dev",
    ): string {
        const dir = fs.mkdtempSync(path.join(tmp, "proj-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const doc = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${from}.yaml`), "utf8"));
        edit?.(doc);
        fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml"), YAML.stringify(doc));
        return dir;
    }

    it("holds an environment other than dev to prod's rules, naming the keys (exit 2)", async () => {
        const dir = project((doc) => {
            doc.config["multi-agent-security:environment"] = "staging";
        });
        let err: Error | undefined;
        await jest.isolateModulesAsync(async () => {
            const { planCommand: plan } = require("../../tools/plan") as typeof import("../../tools/plan");
            err = await quiet(() =>
                plan(["--stack", "staging", "--project-dir", dir, "--out", path.join(dir, "x.json")]),
            ).then(
                () => undefined,
                (e: Error) => e,
            );
        });
        expect(err?.name).toBe("ConfigError");
        // The profile's defaults (deletion protection, a NAT per AZ, Shield Advanced) follow the environment; what
        // the dev file sets itself (a public EKS endpoint) is named.
        expect((err as { problems?: string[] } | undefined)?.problems).toEqual([
            "multi-agent-security:eksPublicAccessCidrs: must be empty in prod (the EKS API endpoint stays private)",
        ]);
    });

    // Issue 25's adoption: prod copied as staging in another Region on another address plan; nothing else is
    // added (no policy config of its own). As a standalone account it is planned below (with ESC imports).
    const staging = (doc: { config: Record<string, unknown> }, accountServices?: "adopt") =>
        Object.assign(doc.config, {
            "aws:region": "eu-central-1",
            [`${P}:environment`]: "staging",
            [`${P}:vpcCidr`]: "10.20.0.0/16",
            [`${P}:agentSegmentCidr`]: "10.20.1.0/24",
            [`${P}:serviceSegmentCidr`]: "10.20.2.0/24",
            [`${P}:managementSegmentCidr`]: "10.20.3.0/24",
            ...(accountServices ? { [`${P}:accountServices`]: accountServices } : {}),
        });
    const { ACCOUNT_SERVICES } =
        require("../../policy-pack/catalog/account-services") as typeof import("../../policy-pack/catalog/account-services");
    type Planned = { type: string; inputs: Record<string, unknown> }[];
    const singletons = (resources: Planned) =>
        ACCOUNT_SERVICES.map((s) => [s.service, resources.filter((r) => s.types.includes(r.type)).length > 0]);

    const plan = (dir: string, ...extra: string[]) =>
        spawnSync(
            process.execPath,
            tsNodeArgs(path.join(ROOT, "tools", "plan.ts"), [
                "--stack",
                "staging",
                "--project-dir",
                dir,
                "--out",
                path.join(dir, "staging.json"),
                ...extra,
            ]),
            { cwd: ROOT, encoding: "utf8" },
        );

    it("without alertEmails exits 2 before planning, naming the key and what is expected", () => {
        const res = plan(
            project((doc) => {
                delete doc.config["multi-agent-security:alertEmails"];
            }),
        );
        expect(res.status).toBe(2);
        expect(res.stderr).toBe(
            "error: invalid stack config: - multi-agent-security:alertEmails: required, no default; expected a list of one or more e-mail addresses that people read (the security alerts go there)\n",
        );
        expect(res.stdout).not.toContain("plan: ");
    });

    const escWarning = (name: string) =>
        `warning: Pulumi.staging.yaml imports ESC environment ${name}, which the offline plan cannot open (no Pulumi Cloud): config values it provides are missing from this plan, so validation may fail or the plan may differ from \`pulumi preview\`; give a local definition with --esc-env ${name}=<file.yaml>`;

    // One plan from the command line (a user's run) for the staging copy of prod (another Region and address
    // plan) in a landing zone's member account (accountServices adopt) that imports ESC environments and has no
    // policy config of its own: a full stack once for several facts (the prod plan covers the singletons of a
    // standalone account). Its own timeout: a full plan and audit can pass 60 s on a loaded machine.
    it("plans and audits clean the staging copy of prod on 10.20.0.0/16 adopting the landing zone's services and importing ESC environments, with the pack's defaults, naming each import and the placeholder contacts (exit 0)", async () => {
        const dir = project((doc) => {
            staging(doc, "adopt");
            doc.environment = ["myorg/aws-prod", "myorg/common"];
        }, "prod");
        const out = path.join(dir, "staging.json");
        const res = plan(dir);
        expect(res.stderr).toBe("");
        const warnings = res.stdout.split("\n").filter((l) => l.startsWith("warning: "));
        expect(warnings.sort()).toEqual(
            [
                escWarning("myorg/aws-prod"),
                escWarning("myorg/common"),
                // The copied placeholder contacts: warnings (a real `pulumi up` refuses them), and the plan goes on.
                "warning: multi-agent-security:alertEmails[0]: security-oncall@example.com is at a reserved domain (example.com) where no one reads mail; replace it before `pulumi up`, which refuses it",
                "warning: multi-agent-security:alertEmails[1]: soc@example.com is at a reserved domain (example.com) where no one reads mail; replace it before `pulumi up`, which refuses it",
                // The copied connection: in prod's Region, not staging's, and AWS's documentation account: likewise.
                "warning: multi-agent-security:deployRunnerConnectionArn: the connection is in eu-west-1 but the stack deploys to eu-central-1; connections are per Region (create and approve one in eu-central-1); replace it before `pulumi up`, which refuses it",
                "warning: multi-agent-security:deployRunnerConnectionArn: 111122223333 is an AWS documentation account, not yours; a connection belongs to the account that deploys and a person must approve it there (AVAILABLE) first; replace it before `pulumi up`, which refuses it",
            ].sort(),
        );
        expect(res.stdout).toContain("policy config: the pack's defaults (no policy-pack/config/staging.json)");
        expect(res.stdout).toMatch(/0 mandatory and 0 advisory violations — pass/);
        expect(res.status).toBe(0);
        const doc = JSON.parse(fs.readFileSync(out, "utf8"));
        expect(doc.deployment.resources[0].urn).toBe(urn("staging", `pulumi:pulumi:Stack::${P}-staging`));
        const resources = doc.deployment.resources as Planned;
        const subnets = resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => r.inputs.cidrBlock);
        expect(subnets).toContain("10.20.1.0/26");
        expect(subnets.every((c) => String(c).startsWith("10.20."))).toBe(true);
        // None of the account's singletons; the per-stack parts stay in a member account; the audit says what it
        // leaves to the account.
        expect(singletons(resources)).toEqual(ACCOUNT_SERVICES.map((s) => [s.service, false]));
        for (const type of [
            "aws:cfg/conformancePack:ConformancePack",
            "aws:macie2/classificationJob:ClassificationJob",
            "aws:shield/protection:Protection",
        ]) {
            expect(resources.filter((r) => r.type === type)).toHaveLength(1);
        }
        expect(res.stdout).toContain(
            "accountServices adopt: the landing zone's Amazon GuardDuty, AWS Config, AWS Security Hub, IAM Access Analyzer, Amazon Macie, AWS Shield Advanced are not in this stack; controls IPS-BEHAVIORAL, CMP-SOC2-EVIDENCE, CMP-SOC2-SECURITY, CMP-ISO-OPS, CMP-ISO-ACCESS, DATA-CLS-DISCOVERY, PER-DDOS rely on them and are verified only from the account",
        );
        // The plan's count and the audit's count are the same figure.
        expect(res.stdout).toContain(`plan: ${doc.deployment.resources.length} resources (`);
        expect(res.stdout).toContain(`\n${doc.deployment.resources.length} resources, `);
        const audited = await quiet(() => auditCommand(["--state", out, "--stack", "staging", "--project-dir", dir]));
        expect(audited.value).toBe(0);
        expect(audited.out).toContain(`\n${doc.deployment.resources.length} resources, `);
    }, 180_000);

    it("names the unopened ESC imports as the likely source of a missing key (exit 2)", () => {
        const dir = project((doc) => {
            doc.environment = { imports: ["myorg/aws-prod", "myorg/common"] };
            delete doc.config["multi-agent-security:alertEmails"];
        });
        const res = plan(dir);
        expect(res.status).toBe(2);
        expect(res.stdout.split("\n").filter((l) => l.startsWith("warning: "))).toEqual([
            escWarning("myorg/aws-prod"),
            escWarning("myorg/common"),
        ]);
        expect(res.stderr).toBe(
            "error: invalid stack config: - multi-agent-security:alertEmails: required, no default; expected a list of one or more e-mail addresses that people read (the security alerts go there) - multi-agent-security:alertEmails is not set and likely comes from the ESC environments Pulumi.staging.yaml imports, which the offline plan cannot open: myorg/aws-prod, myorg/common (give their values with --esc-env <name>=<file.yaml>, or set it in Pulumi.staging.yaml)\n",
        );
        // A local definition of the environment that provides it resolves it (and is reported as resolved).
        const def = path.join(dir, "aws-prod.yaml");
        fs.writeFileSync(
            def,
            "values:\n  pulumiConfig:\n    alertEmails: [soc@corp.invalid]\n    systemLogRetentionDays: 30\n",
        );
        const resolved = plan(dir, "--esc-env", `myorg/aws-prod=${def}`);
        expect(resolved.status).toBe(2);
        expect(resolved.stdout).not.toContain("myorg/aws-prod");
        expect(resolved.stdout).toContain(escWarning("myorg/common"));
        // Its values reach validation: no missing key now, but its retention of 30 days is too short.
        expect(resolved.stderr).toBe(
            "error: invalid stack config: - multi-agent-security:systemLogRetentionDays: Too small: expected number to be >=90 (got 30)\n",
        );
    });
});
