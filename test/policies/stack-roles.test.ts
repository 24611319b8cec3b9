// Which kind of stack each policy runs on (policy-pack/policies/stack-roles.ts), and how the pack tells an agent
// stack and reads its platform's contract from the StackReference in its own state (lib/agent-platform.ts).
import type { StackValidationPolicy } from "@pulumi/policy";
import { CONTRACT_VERSION as PROGRAM_CONTRACT_VERSION } from "../../components/platform/contract";
import { CONTRACT_VERSION, platformView, stackRole } from "../../policy-pack/lib/agent-platform";
import { allPolicies } from "../../policy-pack/policies";
import { POLICY_STACKS } from "../../policy-pack/policies/stack-roles";
import { validateStack } from "../harness/policy";
import { agentRoot, CONTRACT, reference } from "../harness/contract";

const policy = (name: string) => allPolicies.find((p) => p.name === name) as StackValidationPolicy;

const asResources = (rs: { type: string; name?: string; props: Record<string, unknown> }[]) =>
    rs.map((r, i) => ({
        ...r,
        urn: `urn:pulumi:agents-a::p::${r.type}::${r.name ?? i}`,
        name: r.name ?? String(i),
    })) as never;

describe("stack roles of the policies", () => {
    it("names every policy of the pack once, and nothing else", () => {
        expect(Object.keys(POLICY_STACKS).sort()).toEqual(allPolicies.map((p) => p.name).sort());
    });

    it("runs every resource policy on both kinds of stack, and the contract's checks on agent stacks only", () => {
        const resourcePolicies = allPolicies.filter((p) => "validateResource" in p).map((p) => p.name);
        expect(resourcePolicies.filter((n) => POLICY_STACKS[n] !== "both")).toEqual([]);
        expect(
            Object.keys(POLICY_STACKS)
                .filter((n) => POLICY_STACKS[n] === "agents")
                .sort(),
        ).toEqual(
            allPolicies
                .map((p) => p.name)
                .filter((n) => n.startsWith("agent-stack-"))
                .sort(),
        );
        // The stack-wide checks of what the platform builds are its own; the per-agent ones run everywhere.
        for (const n of [
            "network-alb-waf",
            "data-trail-records-data-writes",
            "operations-security-hub",
            "network-guardduty",
        ]) {
            expect([n, POLICY_STACKS[n]]).toEqual([n, "platform"]);
        }
        for (const n of [
            "mesh-authorization-effective",
            "k8s-network-policy-effective",
            "identity-k8s-effective-rbac",
        ]) {
            expect([n, POLICY_STACKS[n]]).toEqual([n, "both"]);
        }
    });

    it("leaves a platform-only check out of an agent stack and an agent-only check out of a platform stack", () => {
        const agentStack = [agentRoot, reference(CONTRACT)];
        expect(validateStack(policy("operations-security-hub"), agentStack)).toEqual([]);
        expect(validateStack(policy("operations-security-hub"), []).length).toBeGreaterThan(0);
        expect(validateStack(policy("agent-stack-platform-contract"), [])).toEqual([]);
        expect(validateStack(policy("agent-stack-platform-contract"), [agentRoot])).toEqual([
            {
                message:
                    "the agent stack (platformStack prod) has no StackReference to its platform stack (pulumi:pulumi:StackReference): the platform's boundary, trust domain, ClusterRoles and segments are unknown, so nothing of this stack can be checked against them (controls IAM-BOUNDARY, RBAC-AGENT-NS, MESH-AUTHZ-STRICT, K8S-NETPOL cannot be verified)",
            },
        ]);
    });

    it("reads the pack's contract version as the program writes it", () => {
        expect(CONTRACT_VERSION).toBe(PROGRAM_CONTRACT_VERSION);
    });
});

describe("the platform's facts on an agent stack", () => {
    it("tells an agent stack by its stackSettings role or by a StackReference carrying a contract", () => {
        expect(stackRole(asResources([agentRoot]))).toBe("agents");
        expect(stackRole(asResources([reference(CONTRACT)]))).toBe("agents");
        expect(
            stackRole(
                asResources([{ type: "pulumi:pulumi:Stack", props: { stackSettings: { environment: "prod" } } }]),
            ),
        ).toBe("platform");
        // A reference to a stack without the contract does not make a platform an agent stack.
        expect(
            stackRole(asResources([{ type: "pulumi:pulumi:StackReference", props: { name: "x", outputs: {} } }])),
        ).toBe("platform");
    });

    it("takes the contract's facts, or names what keeps them out", () => {
        expect(platformView(asResources([agentRoot, reference(CONTRACT)])).facts?.network.segments.management).toBe(
            "10.0.3.0/24",
        );
        const noBoundary = { ...CONTRACT, identity: { agentPolicyArn: CONTRACT.identity.agentPolicyArn } };
        expect(platformView(asResources([agentRoot, reference(noBoundary)])).problem).toBe(
            "StackReference prod: the platform's agentPlatform lacks identity.permissionsBoundaryArn (or it has the wrong type): not a valid version 1 contract",
        );
        expect(platformView(asResources([agentRoot, reference({ ...CONTRACT, agents: "coordinator" })])).problem).toBe(
            "StackReference prod: the platform's agentPlatform lacks agents (or it has the wrong type): not a valid version 1 contract",
        );
        expect(platformView(asResources([agentRoot, reference(undefined)])).problem).toBe(
            "StackReference prod has no agentPlatform output: it does not name a platform stack of this project (or one deployed before the contract existed)",
        );
    });
});
