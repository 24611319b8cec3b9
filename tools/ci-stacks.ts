// npm run ci:stacks [-- --format json|github-output] [--check-environments <file>] [--project-dir <dir>]
// The stacks CI previews and deploys: one per Pulumi.<stack>.yaml, each with its Region (`aws:region`), its
// profile (the `environment` key: `dev` is the dev profile, any other name prod's) and what the workflow derives
// from them. .github/workflows/ci.yml's `stacks` job runs this and hands the lists to its matrices, so a new
// stack file is previewed and deployed with no workflow edit.
import * as fs from "fs";
import { parseJson } from "./lib/files";
import * as path from "path";
import { ConfigError, deployRunnerProjectName, parseConfig, Profile } from "../components/config";
import { REPO_ROOT } from "./lib/audit";
import { CommandSpec, parseCommand, runMain, UsageError } from "./lib/errors";
import { listStacks, readStackConfig } from "./lib/stack-config";

export const CI_STACKS: CommandSpec = {
    name: "ci:stacks",
    summary:
        "Lists the stacks CI previews and deploys (one per Pulumi.<stack>.yaml), with each stack's Region, profile,\n" +
        "policy config, deploy runner and GitHub environments, as JSON.",
    flags: [
        {
            name: "format",
            value: "<json|github-output>",
            help: "json (default): the list; github-output: `stacks=`, `dev_profile=`, `prod_profile=` lines (compact JSON lists) for $GITHUB_OUTPUT",
        },
        {
            name: "check-environments",
            value: "<file>",
            help: "instead, check GitHub's environment list (`gh api --paginate --slurp repos/<repo>/environments`): every prod-profile stack's preview and deploy environments must require a reviewer",
        },
        {
            name: "project-dir",
            value: "<dir>",
            help: "directory with Pulumi.yaml and the stack files (default: the repository)",
        },
    ],
    footer:
        "Exit 0: listed (or every prod-profile environment requires a reviewer); 1: an environment check failed (one\n" +
        "line per problem on stderr); 2: no stack, invalid stack config, an unreadable file or bad arguments.",
};

/** One stack as the workflow's matrices use it. */
export interface CiStack {
    stack: string;
    /** The stack's own `aws:region`: the Region CI's AWS credentials are for. */
    region: string;
    /** The stack's `environment` key. */
    environment: string;
    profile: Profile;
    /** Prod profile: its preview and deploy environments must require a reviewer's approval. */
    approval: boolean;
    /** `policy-pack/config/<stack>.json` when the file exists, else "" (the pack's own levels: all mandatory). */
    policyConfig: string;
    /** The stack's in-VPC deploy runner (CodeBuild project), or "" without one (`deployRunnerRepository` empty). */
    runner: string;
    /** GitHub environment of the pull-request preview: `preview-<stack>`. */
    previewEnvironment: string;
    /** GitHub environment of the deploy: `deploy-<stack>`. */
    deployEnvironment: string;
}

/** The stacks of a project, sorted by name; each stack's config is validated as `plan` validates it. */
export function ciStacks(projectDir: string = REPO_ROOT): CiStack[] {
    const stacks = listStacks(projectDir).sort();
    if (stacks.length === 0) {
        throw new UsageError(`no Pulumi.<stack>.yaml in ${projectDir}`);
    }
    return stacks.map((stack) => {
        // Pulumi's own rule for stack names; the workflow puts the name in job names, paths and environments.
        if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
            throw new UsageError(`Pulumi.${stack}.yaml: '${stack}' is not a stack name (letters, digits, - _ . only)`);
        }
        const file = readStackConfig(projectDir, stack);
        let cfg;
        try {
            cfg = parseConfig(file.config, file.config["aws:region"], file.project, stack);
        } catch (e) {
            if (e instanceof ConfigError) {
                throw new UsageError(`Pulumi.${stack}.yaml: ${e.problems.join("; ")}`);
            }
            throw e;
        }
        const policyConfig = path.join("policy-pack", "config", `${stack}.json`);
        return {
            stack,
            region: cfg.region,
            environment: cfg.environment,
            profile: cfg.profile,
            approval: cfg.profile === "prod",
            policyConfig: fs.existsSync(path.join(projectDir, policyConfig))
                ? policyConfig.split(path.sep).join("/")
                : "",
            runner: cfg.deployRunnerRepository ? deployRunnerProjectName(cfg) : "",
            previewEnvironment: `preview-${stack}`,
            deployEnvironment: `deploy-${stack}`,
        };
    });
}

/** `name=value` lines for $GITHUB_OUTPUT: all stacks, the dev-profile ones, the prod-profile ones. */
export function githubOutput(stacks: CiStack[]): string {
    return [
        `stacks=${JSON.stringify(stacks)}`,
        `dev_profile=${JSON.stringify(stacks.filter((s) => !s.approval))}`,
        `prod_profile=${JSON.stringify(stacks.filter((s) => s.approval))}`,
    ].join("\n");
}

interface Environment {
    name: string;
    protection_rules?: { type?: string }[];
}

/** The environments of `GET /repos/{repo}/environments`: one page, or `--paginate --slurp`'s list of pages. */
export function parseEnvironments(text: string, file: string): Environment[] {
    const doc = parseJson(text, file);
    const pages = Array.isArray(doc) ? doc : [doc];
    return pages.flatMap((page: unknown, i) => {
        const envs = (page as { environments?: unknown } | null)?.environments;
        if (!Array.isArray(envs) || envs.some((e) => typeof (e as Environment)?.name !== "string")) {
            throw new UsageError(
                `${file}${pages.length > 1 ? ` page ${i + 1}` : ""} is not GitHub's environment list ({environments: [{name, protection_rules}]})`,
            );
        }
        return envs as Environment[];
    });
}

/** Every prod-profile stack's preview and deploy environments exist and require a reviewer: the problems. */
export function environmentProblems(stacks: CiStack[], environments: Environment[]): string[] {
    const byName = new Map(environments.map((e) => [e.name.toLowerCase(), e]));
    return stacks
        .filter((s) => s.approval)
        .flatMap((s) =>
            [s.previewEnvironment, s.deployEnvironment].flatMap((name) => {
                const why = `stack ${s.stack} has environment: ${s.environment}, the prod profile`;
                const env = byName.get(name.toLowerCase());
                if (!env) {
                    return [`environment ${name} does not exist (${why}): create it with required reviewers`];
                }
                if (!(env.protection_rules ?? []).some((r) => r.type === "required_reviewers")) {
                    return [`environment ${name} has no required reviewers (${why})`];
                }
                return [];
            }),
        );
}

export async function ciStacksCommand(argv: string[]): Promise<number> {
    const flags = parseCommand(argv, CI_STACKS);
    const format = flags.format ?? "json";
    if (format !== "json" && format !== "github-output") {
        throw new UsageError(`--format must be json or github-output (got '${format}')`);
    }
    const stacks = ciStacks(flags["project-dir"] ?? REPO_ROOT);
    const check = flags["check-environments"];
    if (check) {
        let text: string;
        try {
            text = fs.readFileSync(check, "utf8");
        } catch (e) {
            throw new UsageError(`cannot read ${check}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        const problems = environmentProblems(stacks, parseEnvironments(text, check));
        for (const p of problems) {
            process.stderr.write(`error: ${p}\n`);
        }
        const approved = stacks.filter((s) => s.approval).map((s) => s.stack);
        if (problems.length === 0) {
            process.stdout.write(
                `prod-profile stacks whose environments require a reviewer: ${approved.join(", ") || "none"}\n`,
            );
        }
        return problems.length > 0 ? 1 : 0;
    }
    process.stdout.write(
        format === "github-output" ? githubOutput(stacks) + "\n" : JSON.stringify(stacks, null, 2) + "\n",
    );
    return 0;
}

if (require.main === module) {
    runMain(() => ciStacksCommand(process.argv.slice(2)));
}
