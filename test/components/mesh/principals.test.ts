import { agentsOfType, agentTypeOf, istioPrincipals } from "../../../components/mesh/principals";

// MESH-AUTHZ-TASKS: the guide's `agent.<type>.*` identities as Istio SPIFFE principals.
describe("MESH-AUTHZ-TASKS principal mapping", () => {
    const ns = (a: string) => `agent-${a}`;

    it("reads the agent type of a guide principal", () => {
        expect(agentTypeOf("agent.task-executor.*")).toBe("task-executor");
        expect(agentTypeOf("agent.coordinator.*")).toBe("coordinator");
    });

    it("rejects anything that is not agent.<type>.*", () => {
        expect(() => agentTypeOf("agent.task-executor")).toThrow(
            'expected a guide principal of the form agent.<type>.*, got "agent.task-executor"',
        );
        expect(() => agentTypeOf("agent.*.x")).toThrow();
        expect(() => agentTypeOf("svc.coordinator.*")).toThrow();
    });

    it("picks the configured agents whose names start with the type", () => {
        expect(agentsOfType("task-executor", ["coordinator", "task-executor-gpu", "planner", "task-executor"])).toEqual(
            ["task-executor", "task-executor-gpu"],
        );
        expect(agentsOfType("coordinator", ["planner"])).toEqual([]);
    });

    it("maps agent.task-executor.* to the exact and suffix-wildcard service accounts in each namespace", () => {
        expect(istioPrincipals("agent.task-executor.*", ["coordinator", "task-executor"], "cluster.local", ns)).toEqual(
            [
                "cluster.local/ns/agent-task-executor/sa/task-executor",
                "cluster.local/ns/agent-task-executor/sa/task-executor-*",
            ],
        );
    });

    it("uses the trust domain and namespace resolver it is given, for every task executor", () => {
        expect(
            istioPrincipals("agent.task-executor.*", ["task-executor-gpu", "task-executor"], "mesh.example.com", (a) =>
                a === "task-executor" ? "te" : "te-gpu",
            ),
        ).toEqual([
            "mesh.example.com/ns/te/sa/task-executor",
            "mesh.example.com/ns/te/sa/task-executor-*",
            "mesh.example.com/ns/te-gpu/sa/task-executor-gpu",
            "mesh.example.com/ns/te-gpu/sa/task-executor-gpu-*",
        ]);
    });

    it("never puts a wildcard anywhere but the end, and never a spiffe:// prefix", () => {
        for (const p of istioPrincipals(
            "agent.task-executor.*",
            ["task-executor", "task-executor-2"],
            "cluster.local",
            ns,
        )) {
            expect(p).toMatch(/^cluster\.local\/ns\/[a-z0-9-]+\/sa\/[a-z0-9-]+(-\*)?$/);
            expect(p.slice(0, -1)).not.toContain("*");
        }
    });

    it("maps to nothing when no agent of the type is configured", () => {
        expect(istioPrincipals("agent.task-executor.*", ["coordinator"], "cluster.local", ns)).toEqual([]);
    });
});
