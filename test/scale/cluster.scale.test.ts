import type { ProgramRun } from "../../tools/lib/program";
import { buildIdentityAndCluster } from "../harness/identity-cluster";
import { ofType, runIsolated, stackConfig } from "../harness/program";

// Plans must stay linear in the number of agents: a constant resource count per agent (RBAC-AGENT-NS,
// K8S-NETPOL, ACC-RES-QUOTA per namespace) and no per-agent work that grows with the agent count.
const agents = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? "coordinator" : `agent-${i}`));

async function timed(n: number): Promise<{ run: ProgramRun; msPerResource: number }> {
    const start = process.hrtime.bigint();
    const run = await runIsolated(stackConfig("dev", { agents: agents(n) }), "dev", () => {
        return buildIdentityAndCluster();
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { run, msPerResource: ms / run.resources.length };
}

describe("cluster scale (RBAC-AGENT-NS)", () => {
    it("1,000 agents: 11 resources per agent, time per resource within 3x of 10 agents", async () => {
        const small = await timed(10);
        const large = await timed(1000);
        const perAgent = (large.run.resources.length - small.run.resources.length) / 990;
        expect(perAgent).toBe(11);
        expect(ofType(large.run, "kubernetes:core/v1:Namespace")).toHaveLength(1000);
        // One of them: the resource managers' allocate RoleBinding in each agent namespace (replicas only there).
        expect(
            ofType(large.run, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding").filter(
                (b) => (b.inputs.metadata as { name?: string }).name === "resource-manager-allocate",
            ),
        ).toHaveLength(1000);
        expect(
            ofType(large.run, "aws:iam/role:Role").filter((r) => String(r.inputs.name).includes("-agent-")),
        ).toHaveLength(1000);
        console.log(
            `scale: 10 agents ${small.run.resources.length} resources, ${small.msPerResource.toFixed(3)} ms/resource; ` +
                `1000 agents ${large.run.resources.length} resources, ${large.msPerResource.toFixed(3)} ms/resource`,
        );
        expect(large.msPerResource).toBeLessThan(small.msPerResource * 3);
    }, 600_000);
});
