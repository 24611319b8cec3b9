// A split estate for the scale test and the bench: a project directory with the platform's stack file and N
// agent stacks, each a copy of the platform's file with `platformStack: <platform>` and agents of its own (the
// issue's "ten copies of Pulumi.prod.yaml, each with platformStack: prod and 100 agents").
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export interface FleetProject {
    dir: string;
    platform: string;
    agentStacks: string[];
}

/** Agents of agent stack `i` (1-based): its coordinator, a task executor and workers, unique across stacks. */
export function fleetAgents(i: number, count: number): string[] {
    const nn = String(i).padStart(2, "0");
    return Array.from({ length: count }, (_, k) =>
        k === 0 ? `coordinator-${nn}` : k === 1 ? `task-executor-${nn}` : `worker-${nn}-${k}`,
    );
}

/** Writes Pulumi.yaml, Pulumi.<platform>.yaml and `stacks` agent stacks `<platform>-agents-NN` into `dir`. */
export function writeFleetProject(
    repoRoot: string,
    dir: string,
    opts: { platform?: string; stacks: number; agentsPerStack: number },
): FleetProject {
    const platform = opts.platform ?? "prod";
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(repoRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const text = fs.readFileSync(path.join(repoRoot, `Pulumi.${platform}.yaml`), "utf8");
    fs.writeFileSync(path.join(dir, `Pulumi.${platform}.yaml`), text);
    const agentStacks: string[] = [];
    for (let i = 1; i <= opts.stacks; i++) {
        const doc = YAML.parse(text) as { config: Record<string, unknown> };
        doc.config["multi-agent-security:platformStack"] = platform;
        doc.config["multi-agent-security:agents"] = fleetAgents(i, opts.agentsPerStack);
        const stack = `${platform}-agents-${String(i).padStart(2, "0")}`;
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify(doc));
        agentStacks.push(stack);
    }
    return { dir, platform, agentStacks };
}
