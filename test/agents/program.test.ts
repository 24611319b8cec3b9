import * as fs from "fs";
import * as path from "path";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import type { StackReferenceValue } from "../../tools/lib/stack-refs";
import { isSecretValue, named, ofType, plain, runIsolated, runStack, stackConfig, tempDir } from "../harness/program";

// An agent stack of the prod platform: a copy of Pulumi.prod.yaml with platformStack and three agents of its own.
const STACK = "prod-agents-a";
const AGENTS = ["coordinator-a", "task-executor-a", "worker-a-2"];
const tmp = tempDir("agents-program-");

/** The prod platform's outputs as `plan --stack-ref prod=<its plan>` reads them (the same code path). */
function platformReference(platform: ProgramRun): StackReferenceValue {
    const { toDeployment, writeJson } =
        require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
    const { readStackReference } = require("../../tools/lib/stack-refs") as typeof import("../../tools/lib/stack-refs");
    const file = path.join(tmp, "prod.json");
    writeJson(file, toDeployment(platform, { project: "multi-agent-security", stack: "prod" }));
    return readStackReference(file, "prod");
}

function runAgents(refs: Record<string, StackReferenceValue>, overrides: Record<string, unknown> = {}) {
    const sc = stackConfig("prod", { platformStack: "prod", agents: AGENTS, ...overrides });
    return runIsolated(sc, STACK, () => require("../../index"), { stackReferences: refs });
}

describe("agent stack program", () => {
    let platform: ProgramRun;
    let ref: StackReferenceValue;
    let run: ProgramRun;
    let contract: Record<string, any>;
    beforeAll(async () => {
        platform = await runStack("prod");
        ref = platformReference(platform);
        contract = plain(ref.outputs.agentPlatform);
        run = await runAgents({ prod: ref });
    });

    it("builds exactly the per-agent resources of its agents and no platform resource", () => {
        const counts: Record<string, number> = {};
        for (const r of run.resources) {
            counts[r.type] = (counts[r.type] ?? 0) + 1;
        }
        const n = AGENTS.length;
        expect(counts).toEqual({
            "pulumi:pulumi:Stack": 1,
            "pulumi:providers:aws": 1,
            "pulumi:providers:kubernetes": 1,
            "pulumi:pulumi:StackReference": 1,
            "mas:agents:AgentFleet": 1,
            "mas:data:MessageKeys": 1,
            "aws:iam/role:Role": n,
            // The platform's shared ABAC policy and this stack's message-crypto policy, per agent.
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 2 * n,
            // This stack's message-crypto policy only: no boundary, no shared agent policy of its own.
            "aws:iam/policy:Policy": 1,
            "aws:kms/key:Key": n,
            "aws:kms/alias:Alias": n,
            "aws:eks/podIdentityAssociation:PodIdentityAssociation": n,
            "kubernetes:core/v1:Namespace": n,
            "kubernetes:core/v1:ServiceAccount": n,
            "kubernetes:networking.k8s.io/v1:NetworkPolicy": 2 * n,
            "kubernetes:core/v1:ResourceQuota": n,
            "kubernetes:core/v1:LimitRange": n,
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 2 * n,
            "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema": 1,
            // deny-all per agent and the coordinator's allow rule.
            "kubernetes:security.istio.io/v1:AuthorizationPolicy": n + 1,
            "kubernetes:networking.istio.io/v1alpha3:EnvoyFilter": n,
        });
        expect(ofType(run, "aws:iam/policy:Policy").map((r) => r.inputs.name)).toEqual([
            `mas4729d0-${STACK}-agent-message-crypto`,
        ]);
    });

    it("reads the platform through one StackReference whose outputs are the platform's, secrets kept secret", () => {
        const [sr] = ofType(run, "pulumi:pulumi:StackReference");
        expect(sr.name).toBe("platform");
        expect(sr.external).toBe(true);
        expect(sr.id).toBe("prod");
        expect(sr.inputs).toEqual({ name: "prod" });
        expect(sr.outputs.secretOutputNames).toEqual(["kubeconfig"]);
        const outputs = sr.outputs.outputs as Record<string, unknown>;
        expect(plain(outputs.agentPlatform)).toEqual(contract);
        expect(isSecretValue(outputs.kubeconfig)).toBe(true);
        expect(contract).toMatchObject({
            version: 1,
            stack: "prod",
            cluster: { name: "mas-prod-eks", agentClusterRole: "mas:agent", agentPriorityLevel: "mas-agents" },
            identity: {
                permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/mas-prod-permissions-boundary",
                agentPolicyArn: "arn:aws:iam::123456789012:policy/mas-prod-agent",
            },
            network: { vpcCidr: "10.0.0.0/16", serviceSubnetCidrs: ["10.0.2.0/26", "10.0.2.64/26", "10.0.2.128/26"] },
            agents: ["coordinator", "task-executor", "planner"],
        });
    });

    it("gives its Kubernetes provider the platform's kubeconfig, as a secret", () => {
        const [k8s] = ofType(run, "pulumi:providers:kubernetes");
        expect(isSecretValue(k8s.inputs.kubeconfig)).toBe(true);
        const platformKubeconfig = plain<string>(
            platform.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs.kubeconfig,
        );
        expect(plain(k8s.inputs.kubeconfig)).toBe(platformKubeconfig);
        expect(platformKubeconfig).toContain("mas-prod-eks");
        const k8sObjects = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        expect(new Set(k8sObjects.map((r) => r.provider?.split("::").slice(0, -1).join("::")))).toEqual(
            new Set([
                `urn:pulumi:${STACK}::multi-agent-security::mas:agents:AgentFleet$pulumi:providers:kubernetes::mas-k8s`,
            ]),
        );
    });

    it.each(AGENTS)(
        "gives %s a role bounded by the platform, trusted by its namespace in the platform's cluster",
        (a) => {
            const role = named(run, "aws:iam/role:Role", `mas-agent-${a}`);
            expect(role.inputs.name).toBe(`mas4729d0-${STACK}-agent-${a}`);
            expect(role.inputs.permissionsBoundary).toBe(contract.identity.permissionsBoundaryArn);
            expect(role.inputs.tags).toEqual({ "rbac-role": "agent", "platform-stack": "prod", "agent-stack": STACK });
            const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
            expect(trust.Statement[0].Condition.StringEquals).toEqual({
                "aws:SourceAccount": "123456789012",
                "aws:RequestTag/eks-cluster-name": "mas-prod-eks",
                "aws:RequestTag/kubernetes-namespace": `agent-${a}`,
                "aws:RequestTag/kubernetes-service-account": a,
            });
            const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
                (r) => r.inputs.role === `mas4729d0-${STACK}-agent-${a}`,
            );
            expect(attachments.map((r) => r.inputs.policyArn)).toEqual(
                expect.arrayContaining([
                    "arn:aws:iam::123456789012:policy/mas-prod-agent",
                    `arn:aws:iam::123456789012:policy/mas4729d0-${STACK}-agent-message-crypto`,
                ]),
            );
            const assoc = named(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation", `mas-pod-identity-${a}`);
            expect(assoc.inputs).toMatchObject({
                clusterName: "mas-prod-eks",
                namespace: `agent-${a}`,
                serviceAccount: a,
                roleArn: `arn:aws:iam::123456789012:role/mas4729d0-${STACK}-agent-${a}`,
            });
            const key = named(run, "aws:kms/key:Key", `mas-message-signing-${a}`);
            expect(key.inputs).toMatchObject({
                keyUsage: "SIGN_VERIFY",
                customerMasterKeySpec: "ECC_NIST_EDWARDS25519",
            });
            // Its platform's system_admin manages it by this tag (its name and stack tag are this stack's).
            expect((key.inputs.tags as Record<string, string>)["platform-stack"]).toBe("prod");
            // Signing is held to the keys of this stack (SignAsSelf: agent-stack tag equals the role's).
            expect((key.inputs.tags as Record<string, string>)["agent-stack"]).toBe(STACK);
            expect((role.inputs.tags as Record<string, string>)["agent-stack"]).toBe(STACK);
            expect(key.protect).toBe(true);
        },
    );

    it("builds each namespace's objects against the platform's cluster roles and address plan", () => {
        const bindings = ofType(run, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
        expect(new Set(bindings.map((b) => (b.inputs.roleRef as { name: string }).name))).toEqual(
            new Set(["mas:agent", "mas:resource-manager-allocate"]),
        );
        const allow = named(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "mas-mesh-worker-a-2");
        const egress = (allow.inputs.spec as { egress: { to: { ipBlock?: { cidr: string; except?: string[] } }[] }[] })
            .egress;
        const blocks = egress.flatMap((e) => e.to.map((t) => t.ipBlock).filter((b) => b !== undefined));
        expect(blocks).toEqual([
            { cidr: "169.254.170.23/32" },
            { cidr: "10.0.2.0/26" },
            { cidr: "10.0.2.64/26" },
            { cidr: "10.0.2.128/26" },
            { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] },
        ]);
        const [flow] = ofType(run, "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema");
        expect(flow.inputs.metadata).toMatchObject({ name: `mas4729d0-${STACK}-agents` });
        const spec = flow.inputs.spec as { priorityLevelConfiguration: { name: string }; rules: any[] };
        expect(spec.priorityLevelConfiguration.name).toBe("mas-agents");
        expect(spec.rules[0].subjects.map((s: any) => s.serviceAccount.namespace)).toEqual(
            AGENTS.map((a) => `agent-${a}`),
        );
    });

    it("authorizes in the mesh only its own task executors to its own coordinator", () => {
        const allow = named(
            run,
            "kubernetes:security.istio.io/v1:AuthorizationPolicy",
            "mas-coordinator-a-allow-tasks",
        );
        expect((allow.inputs.metadata as { namespace: string }).namespace).toBe("agent-coordinator-a");
        const rule = (allow.inputs.spec as { rules: any[] }).rules[0];
        expect(rule.from[0].source.principals).toEqual([
            "cluster.local/ns/agent-task-executor-a/sa/task-executor-a",
            "cluster.local/ns/agent-task-executor-a/sa/task-executor-a-*",
        ]);
        const denies = ofType(run, "kubernetes:security.istio.io/v1:AuthorizationPolicy").filter(
            (r: RecordedResource) => (r.inputs.metadata as { name: string }).name === "deny-all",
        );
        expect(denies.map((r) => (r.inputs.metadata as { namespace: string }).namespace)).toEqual(
            AGENTS.map((a) => `agent-${a}`),
        );
    });

    it("tags its AWS resources with its own stack and its platform", () => {
        const [aws] = ofType(run, "pulumi:providers:aws");
        expect(JSON.parse(aws.inputs.defaultTags as string).tags).toMatchObject({
            stack: STACK,
            "platform-stack": "prod",
            environment: "prod",
        });
    });

    it("leaves no file behind but its plan input", () => {
        expect(fs.readdirSync(tmp)).toEqual(["prod.json"]);
    });
});
