import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { meshPolicies } from "../../policy-pack/policies/mesh";
import type { ProgramRun } from "../../tools/lib/program";
import { validateResource, validateStack } from "../harness/policy";
import { plain, runIsolated, stackConfig } from "../harness/program";

// The mesh component, run alone under mocks, passes every mesh policy in both environments
// (MESH-MTLS-STRICT, MESH-MTLS-CA, MESH-MTLS-ROTATION, MESH-MTLS-CIPHERS, MESH-AUTHZ-STRICT, MESH-AUTHZ-TASKS,
// MESH-RATE-AGENT, MESH-RATE-GLOBAL, CERT-MANAGER, CERT-LETSENCRYPT).
function runMesh(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack, overrides), stack, () => {
        const k8s = require("@pulumi/kubernetes") as typeof import("@pulumi/kubernetes");
        const { loadConfig, agentNamespace } = require("../../components/config");
        const { EvidenceRegistry } = require("../../components/evidence");
        const { Mesh } = require("../../components/mesh");
        const cfg = loadConfig();
        new Mesh("mas", {
            config: cfg,
            evidence: new EvidenceRegistry(),
            provider: new k8s.Provider("k8s", { kubeconfig: "{}" }),
            agentNamespaces: Object.fromEntries((cfg.agents as string[]).map((a) => [a, agentNamespace(a)])),
            clusterName: "mas-eks",
        });
        return {};
    });
}

function audit(run: ProgramRun, agentNamespaces: string[], environment: string): string[] {
    const found: string[] = [];
    for (const policy of meshPolicies) {
        if ("validateResource" in policy) {
            for (const r of run.resources) {
                const props = plain<Record<string, unknown>>(r.inputs);
                const messages = validateResource(policy as ResourceValidationPolicy, {
                    type: r.type,
                    name: r.name,
                    props,
                    config: { environment },
                });
                found.push(...messages.map((m) => `${policy.name}: ${m}`));
            }
        } else {
            const resources = run.resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: plain<Record<string, unknown>>(r.outputs),
            }));
            const violations = validateStack(policy as StackValidationPolicy, resources, {
                agentNamespaces,
                environment,
            });
            found.push(...violations.map((v) => `${policy.name}: ${v.message}`));
        }
    }
    return found;
}

describe("the mesh component passes the mesh policies", () => {
    it("dev", async () => {
        const run = await runMesh("dev");
        expect(audit(run, ["agent-coordinator", "agent-task-executor"], "dev")).toEqual([]);
    });

    it("prod, with a domain (Let's Encrypt issuer)", async () => {
        const run = await runMesh("prod", {
            domainName: "agents.example.com",
            hostedZoneId: "Z0123456789ABC",
            alertEmails: ["security@mas-agents.io"],
        });
        expect(run.resources.some((r) => r.type === "kubernetes:cert-manager.io/v1:ClusterIssuer")).toBe(true);
        expect(audit(run, ["agent-coordinator", "agent-planner", "agent-task-executor"], "prod")).toEqual([]);
    });

    it("and the audit would notice a missing agent namespace policy", async () => {
        const run = await runMesh("dev");
        expect(audit(run, ["agent-coordinator", "agent-task-executor", "agent-rogue"], "dev")).toEqual([
            "mesh-agent-namespace-default-deny: agent namespace agent-rogue has no deny-by-default AuthorizationPolicy (an ALLOW policy with an empty spec)",
            "mesh-agent-rate-limit: agent namespace agent-rogue has no namespace-wide EnvoyFilter with a SIDECAR_INBOUND local rate limit (100 rps)",
            // Without any ALLOW policy, Istio allows every request (9 methods × 3 paths × 11 callers).
            "mesh-authorization-effective: [MESH-AUTHZ-STRICT] agent namespace agent-rogue (rogue) admits 297 requests outside the guide's rule, e.g. an unauthenticated peer GET /api/v1/tasks/probe via no ALLOW policy applies; an unauthenticated peer GET / via no ALLOW policy applies; an unauthenticated peer GET /api/v1/admin via no ALLOW policy applies",
        ]);
    });
});
