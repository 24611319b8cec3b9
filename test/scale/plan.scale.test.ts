import type { ProgramRun } from "../../tools/lib/program";
import { ofType, runStack } from "../harness/program";

// The whole program (identity, cluster, mesh per agent) stays linear in the number of agents
// (RBAC-AGENT-NS, MESH-AUTHZ-STRICT, MESH-RATE-AGENT): a constant resource count per agent, and a cost per
// resource at 1,000 agents close to that at 10.
const agents = (n: number) =>
    Array.from({ length: n }, (_, i) => (i === 0 ? "coordinator" : i === 1 ? "task-executor" : `worker-${i}`));

async function timed(n: number): Promise<{ run: ProgramRun; ms: number }> {
    const start = process.hrtime.bigint();
    const run = await runStack("dev", { agents: agents(n) });
    return { run, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

describe("plan scale", () => {
    it("plans 1,000 agents with a constant resource count per agent and a similar cost per resource", async () => {
        const small = await timed(10);
        const large = await timed(1000);
        const perAgent = (large.run.resources.length - small.run.resources.length) / 990;
        expect(Number.isInteger(perAgent)).toBe(true);
        expect(
            ofType(large.run, "kubernetes:core/v1:Namespace").filter((r) =>
                String((r.inputs.metadata as { name?: string }).name).startsWith("agent-"),
            ),
        ).toHaveLength(1000);
        const smallPer = small.ms / small.run.resources.length;
        const largePer = large.ms / large.run.resources.length;
        process.stdout.write(
            `plan scale: 10 agents → ${small.run.resources.length} resources in ${small.ms.toFixed(0)} ms (${smallPer.toFixed(2)} ms/resource); ` +
                `1000 agents → ${large.run.resources.length} resources in ${large.ms.toFixed(0)} ms (${largePer.toFixed(2)} ms/resource); ${perAgent} resources per agent\n`,
        );
        expect(largePer).toBeLessThan(smallPer * 3);
    }, 1_800_000);
});
