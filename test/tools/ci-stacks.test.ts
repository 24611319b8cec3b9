import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import {
    CiStack,
    ciStacks,
    ciStacksCommand,
    environmentProblems,
    githubOutput,
    parseEnvironments,
} from "../../tools/ci-stacks";
import { REPO_ROOT } from "../../tools/lib/audit";
import { tsNodeArgs } from "../../tools/lib/node-command";
import { tempDir } from "../harness/program";

const tmp = tempDir("ci-stacks-test-");

const dev: CiStack = {
    stack: "dev",
    region: "eu-west-1",
    environment: "dev",
    profile: "dev",
    approval: false,
    policyConfig: "policy-pack/config/dev.json",
    runner: "mas-dev-deploy-runner",
    previewEnvironment: "preview-dev",
    deployEnvironment: "deploy-dev",
};
const prod: CiStack = {
    ...dev,
    stack: "prod",
    environment: "prod",
    profile: "prod",
    approval: true,
    policyConfig: "policy-pack/config/prod.json",
    runner: "mas-prod-deploy-runner",
    previewEnvironment: "preview-prod",
    deployEnvironment: "deploy-prod",
};

/** A project like this one: Pulumi.yaml, the shipped stacks, and `extra` stack files (name → YAML text). */
function project(name: string, extra: Record<string, string>, policyConfigs: string[] = []): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, "policy-pack", "config"), { recursive: true });
    for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
        fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
    }
    for (const [stack, text] of Object.entries(extra)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    }
    for (const stack of policyConfigs) {
        fs.writeFileSync(path.join(dir, "policy-pack", "config", `${stack}.json`), "{}");
    }
    return dir;
}

/** README "Add a stack": a copy of a shipped stack file with some keys changed. */
function copyOf(stack: string, set: Record<string, string>): string {
    let text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
    for (const [key, value] of Object.entries(set)) {
        const re = new RegExp(`^(\\s+${key}):.*$`, "m");
        expect(text).toMatch(re);
        text = text.replace(re, `$1: ${value}`);
    }
    return text;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const o = jest.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
        out += c.toString();
        return true;
    });
    const e = jest.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
        err += c.toString();
        return true;
    });
    try {
        return { code: await ciStacksCommand(args), out, err };
    } finally {
        o.mockRestore();
        e.mockRestore();
    }
}

describe("ci:stacks", () => {
    it("lists the repository's stacks with their Region, profile, policy config, runner and environments", async () => {
        expect(ciStacks()).toEqual([dev, prod]);
        const { code, out } = await run([]);
        expect(code).toBe(0);
        expect(JSON.parse(out)).toEqual([dev, prod]);
    });

    it("picks up a third stack copied from prod (README 'Add a stack'), with its own Region and no policy config", async () => {
        const staging = copyOf("prod", { "aws:region": "eu-central-1", "multi-agent-security:environment": "staging" });
        const dir = project("three", { staging }, ["dev"]);
        const expected: CiStack = {
            ...prod,
            stack: "staging",
            region: "eu-central-1",
            environment: "staging",
            policyConfig: "",
            runner: "mas-staging-deploy-runner",
            previewEnvironment: "preview-staging",
            deployEnvironment: "deploy-staging",
        };
        expect(ciStacks(dir)).toEqual([dev, { ...prod, policyConfig: "" }, expected]);

        const { code, out } = await run(["--project-dir", dir, "--format", "github-output"]);
        expect(code).toBe(0);
        const outputs = Object.fromEntries(
            out
                .trimEnd()
                .split("\n")
                .map((line) => [line.slice(0, line.indexOf("=")), JSON.parse(line.slice(line.indexOf("=") + 1))]),
        );
        expect(Object.keys(outputs)).toEqual(["stacks", "dev_profile", "prod_profile"]);
        expect(outputs.stacks.map((s: CiStack) => s.stack)).toEqual(["dev", "prod", "staging"]);
        expect(outputs.dev_profile.map((s: CiStack) => s.stack)).toEqual(["dev"]);
        expect(outputs.prod_profile).toEqual([{ ...prod, policyConfig: "" }, expected]);
    });

    it("plans and audits that stack clean with `npm run plan`: it meets prod's config rules and policies", async () => {
        const staging = copyOf("prod", { "aws:region": "eu-central-1", "multi-agent-security:environment": "staging" });
        const dir = project("plan", { staging });
        const plan = path.join(dir, "staging.json");
        // In a process of its own, as `npm run plan:all` runs it (a plan under jest's module registry costs more).
        const child = spawn(
            process.execPath,
            tsNodeArgs(path.join(REPO_ROOT, "tools", "plan.ts"), [
                "--stack",
                "staging",
                "--project-dir",
                dir,
                "--out",
                plan,
            ]),
            { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        expect(output).toContain("policy config: the pack's defaults (no policy-pack/config/staging.json)");
        expect(output).toContain("0 mandatory and 0 advisory violations — pass");
        expect(code).toBe(0);
    });

    it("gives a stack without a deploy runner none, and an empty profile list as []", () => {
        const dir = project("norunner", {
            qa: copyOf("dev", {
                "multi-agent-security:deployRunnerRepository": '""',
                "multi-agent-security:deployRunnerConnectionArn": '""',
            }),
        });
        fs.rmSync(path.join(dir, "Pulumi.prod.yaml"));
        expect(ciStacks(dir).find((s) => s.stack === "qa")).toMatchObject({ runner: "", approval: false });
        expect(githubOutput(ciStacks(dir)).split("\n")[2]).toBe("prod_profile=[]");
    });

    it("rejects a stack whose config does not validate, naming the file and the key (exit 2)", () => {
        // A copy of dev renamed staging must meet prod's rules, which dev's config does not.
        const dir = project("invalid", { staging: copyOf("dev", { "multi-agent-security:environment": "staging" }) });
        expect(() => ciStacks(dir)).toThrow(
            expect.objectContaining({
                name: "UsageError",
                message: expect.stringMatching(/^Pulumi\.staging\.yaml: .*multi-agent-security:/),
            }),
        );
    });

    it.each([
        ["no stack", () => fs.mkdtempSync(path.join(tmp, "empty-")), /^no Pulumi\.<stack>\.yaml in /],
        [
            "a file name that is no stack name",
            () => project("badname", { "a$(b)": "config: {}\n" }),
            /^Pulumi\.a\$\(b\)\.yaml: 'a\$\(b\)' is not a stack name/,
        ],
    ])("rejects %s (exit 2)", (_what, dir, message) => {
        expect(() => ciStacks(dir())).toThrow(
            expect.objectContaining({ name: "UsageError", message: expect.stringMatching(message) }),
        );
    });

    it("rejects an unknown format (exit 2)", async () => {
        await expect(ciStacksCommand(["--format", "yaml"])).rejects.toMatchObject({
            name: "UsageError",
            message: "--format must be json or github-output (got 'yaml')",
        });
    });
});

describe("ci:stacks --check-environments", () => {
    const reviewers = { type: "required_reviewers", reviewers: [{ type: "Team", reviewer: { slug: "platform" } }] };
    const env = (name: string, ...rules: object[]) => ({ name, protection_rules: rules });
    const staging: CiStack = {
        ...prod,
        stack: "staging",
        environment: "staging",
        previewEnvironment: "preview-staging",
        deployEnvironment: "deploy-staging",
    };

    it("requires a reviewer on every prod-profile stack's preview and deploy environments, and only there", () => {
        const environments = [
            env("preview-dev"),
            env("deploy-dev"),
            env("Preview-Prod", { type: "wait_timer", wait_timer: 5 }, reviewers),
            env("deploy-prod", reviewers, { type: "branch_policy" }),
            env("preview-staging", { type: "wait_timer", wait_timer: 5 }),
        ];
        expect(environmentProblems([dev, prod], environments)).toEqual([]);
        expect(environmentProblems([dev, prod, staging], environments)).toEqual([
            "environment preview-staging has no required reviewers (stack staging has environment: staging, the prod profile)",
            "environment deploy-staging does not exist (stack staging has environment: staging, the prod profile): create it with required reviewers",
        ]);
    });

    it("reads one page of GitHub's list or `--paginate --slurp`'s pages, and nothing else (exit 2)", () => {
        const page = (...names: string[]) => ({ total_count: names.length, environments: names.map((n) => env(n)) });
        expect(parseEnvironments(JSON.stringify(page("a")), "f").map((e) => e.name)).toEqual(["a"]);
        expect(parseEnvironments(JSON.stringify([page("a"), page("b")]), "f").map((e) => e.name)).toEqual(["a", "b"]);
        expect(() => parseEnvironments("{", "f")).toThrow(/^f is not JSON/);
        expect(() => parseEnvironments(JSON.stringify([page("a"), { message: "Not Found" }]), "f")).toThrow(
            "f page 2 is not GitHub's environment list ({environments: [{name, protection_rules}]})",
        );
    });

    it("exits 1 with one line per problem, 0 when every environment requires a reviewer", async () => {
        const file = path.join(tmp, "environments.json");
        fs.writeFileSync(file, JSON.stringify([{ environments: [env("preview-prod", reviewers)] }]));
        const failed = await run(["--check-environments", file]);
        expect(failed).toMatchObject({
            code: 1,
            err: "error: environment deploy-prod does not exist (stack prod has environment: prod, the prod profile): create it with required reviewers\n",
            out: "",
        });
        fs.writeFileSync(
            file,
            JSON.stringify({ environments: [env("preview-prod", reviewers), env("deploy-prod", reviewers)] }),
        );
        expect(await run(["--check-environments", file])).toMatchObject({
            code: 0,
            out: "prod-profile stacks whose environments require a reviewer: prod\n",
        });
    });

    it("reports a malformed environment list in one line, no stack trace, exit 2", () => {
        const file = path.join(tmp, "garbage.json");
        fs.writeFileSync(file, "<html>rate limited</html>");
        const child = spawnSync(
            process.execPath,
            tsNodeArgs(path.join(REPO_ROOT, "tools", "ci-stacks.ts"), ["--check-environments", file]),
            {
                cwd: REPO_ROOT,
                encoding: "utf8",
            },
        );
        expect(child.status).toBe(2);
        expect(child.stderr).toMatch(new RegExp(`^error: ${file} is not JSON \\(.*\\)\\n$`));
        expect(child.stdout).toBe("");
    });
});

describe("the workflow", () => {
    const workflow = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", "ci.yml"), "utf8"));
    const jobs = workflow.jobs as Record<string, any>;

    it("builds the preview and deploy matrices from the `stacks` job's lists, one output per list", () => {
        const list = jobs.stacks.steps.find((s: { id?: string }) => s.id === "list");
        expect(list.run).toBe('npm run --silent ci:stacks -- --format github-output >> "$GITHUB_OUTPUT"');
        const names = githubOutput([dev, prod])
            .split("\n")
            .map((l) => l.slice(0, l.indexOf("=")));
        expect(jobs.stacks.outputs).toEqual(
            Object.fromEntries(names.map((n) => [n, `\${{ steps.list.outputs.${n} }}`])),
        );
        // The reviewer check reads GitHub's environment list with the job's token.
        const check = jobs.stacks.steps.find((s: { run?: string }) => s.run?.includes("--check-environments"));
        expect(check.run).toContain('gh api --paginate --slurp "repos/$GITHUB_REPOSITORY/environments" >');
        expect(jobs.stacks.permissions).toEqual({ contents: "read", actions: "read" });
        expect(jobs.preview.strategy.matrix).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.stacks) }}" });
        expect(jobs.deploy.strategy.matrix).toEqual({ include: "${{ fromJSON(needs.stacks.outputs.dev_profile) }}" });
        expect(jobs["deploy-approved"].strategy.matrix).toEqual({
            include: "${{ fromJSON(needs.stacks.outputs.prod_profile) }}",
        });
        expect(jobs["deploy-approved"].needs).toContain("deploy");
        for (const job of ["preview", "deploy", "deploy-approved"]) {
            expect(jobs[job].needs).toContain("stacks");
            const aws = jobs[job].steps.find((s: { uses?: string }) => s.uses?.startsWith("aws-actions/"));
            expect(aws.with["aws-region"]).toBe("${{ matrix.region }}");
            const pulumi = jobs[job].steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions"));
            expect(pulumi.with).toMatchObject({
                "stack-name": "${{ matrix.stack }}",
                policyPacks: "policy-pack",
                policyPackConfigs: "${{ matrix.policyConfig }}",
            });
        }
        expect(jobs.preview.environment).toBe("${{ matrix.previewEnvironment }}");
        expect(jobs.deploy.environment).toBe("${{ matrix.deployEnvironment }}");
        expect(jobs["deploy-approved"].environment).toBe("${{ matrix.deployEnvironment }}");
        // No stack, Region or policy config file is named in these jobs.
        const matrixJobs = YAML.stringify([jobs.preview, jobs.deploy, jobs["deploy-approved"]]);
        expect(matrixJobs).not.toMatch(/eu-west|\b(dev|prod)\b(?! profile)|production|DEPLOY_RUNNER_/);
    });

    it("audits every stack's plan as SARIF in the test job and uploads it to code scanning", () => {
        const steps = jobs.test.steps as { run?: string; uses?: string; if?: string; with?: Record<string, string> }[];
        const audit = steps.find((s) => s.run?.includes("--format sarif"));
        expect(audit?.run).toContain(
            'npm run --silent audit -- --state ".plan/$stack.json" --stack "$stack" --format sarif --out "sarif/$stack.sarif"',
        );
        const upload = steps.find((s) => s.uses === "github/codeql-action/upload-sarif@v4");
        expect(upload?.if).toMatch(/^always\(\) && /);
        expect(upload?.with).toEqual({ sarif_file: "sarif" });
        expect(jobs.test.permissions["security-events"]).toBe("write");
    });
});
