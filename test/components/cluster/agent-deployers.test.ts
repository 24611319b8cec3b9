// Review finding 1: the agent stacks' deployers reach the platform's cluster through their own EKS access entries,
// mapped to a narrow ClusterRole and held to agent-* namespaces at admission; the pack's effective-RBAC allow-list
// accepts exactly that role and refuses it widened.
import type { ProgramRun } from "../../../tools/lib/program";
import { k8sEffectiveRbac } from "../../../policy-pack/policies/identity";
import { StackResourceCase, validateStack } from "../../harness/policy";
import { named, ofType, plain } from "../../harness/program";
import { ACCT, runCluster } from "./fixture";

const TEAM_A = `arn:aws:iam::${ACCT}:role/ci/team-a-agents-deployer`;
const TEAM_B = `arn:aws:iam::${ACCT}:role/team-b-agents-deployer`;
const CR = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";

describe("agent-stack deployers (agentStackDeployerArns)", () => {
    let run: ProgramRun;
    let resources: StackResourceCase[];
    beforeAll(async () => {
        run = await runCluster("prod", { agentStackDeployerArns: [TEAM_A, TEAM_B] });
        resources = run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            props: plain<Record<string, unknown>>(r.outputs),
        }));
    }, 120_000);

    it("EKS-AUTH-API: one STANDARD access entry per deployer in group mas:agent-stack-deployers, no access policy", () => {
        const entries = ofType(run, "aws:eks/accessEntry:AccessEntry").filter((e) =>
            e.name.startsWith("mas-access-agent-stack-deployer-"),
        );
        expect(entries.map((e) => [e.name, e.inputs.principalArn, e.inputs.type, e.inputs.kubernetesGroups])).toEqual([
            [
                "mas-access-agent-stack-deployer-team-a-agents-deployer",
                TEAM_A,
                "STANDARD",
                ["mas:agent-stack-deployers"],
            ],
            [
                "mas-access-agent-stack-deployer-team-b-agents-deployer",
                TEAM_B,
                "STANDARD",
                ["mas:agent-stack-deployers"],
            ],
        ]);
        const associated = ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map(
            (a) => a.inputs.principalArn,
        );
        expect(associated).not.toContain(TEAM_A);
        expect(associated).not.toContain(TEAM_B);
    });

    it("binds the group to a ClusterRole of exactly an agent stack's kinds, bind only on the contract's roles", () => {
        const role = named(run, CR, "mas-agent-stack-deployer").inputs as { rules: Record<string, unknown>[] };
        const manage = ["get", "list", "watch", "create", "update", "patch", "delete"];
        expect(role.rules).toEqual([
            {
                apiGroups: [""],
                resources: ["namespaces", "serviceaccounts", "resourcequotas", "limitranges"],
                verbs: manage,
            },
            { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: manage },
            { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: manage },
            { apiGroups: ["security.istio.io"], resources: ["authorizationpolicies"], verbs: manage },
            { apiGroups: ["networking.istio.io"], resources: ["envoyfilters"], verbs: manage },
            { apiGroups: ["flowcontrol.apiserver.k8s.io"], resources: ["flowschemas"], verbs: manage },
            {
                apiGroups: ["rbac.authorization.k8s.io"],
                resources: ["clusterroles"],
                verbs: ["bind"],
                resourceNames: ["mas:agent", "mas:resource-manager-allocate"],
            },
        ]);
        const binding = named(
            run,
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
            "mas-agent-stack-deployer",
        );
        expect(binding.inputs.subjects).toEqual([
            { kind: "Group", name: "mas:agent-stack-deployers", apiGroup: "rbac.authorization.k8s.io" },
        ]);
    });

    it("holds the group's writes to agent-* namespaces and agent FlowSchemas at admission", () => {
        const vap = named(
            run,
            "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
            "mas-agent-stack-deployer-admission",
        ).inputs.spec as {
            failurePolicy: string;
            matchConditions: { expression: string }[];
            validations: { expression: string }[];
        };
        expect(vap.failurePolicy).toBe("Fail");
        expect(vap.matchConditions).toEqual([
            {
                name: "agent-stack-deployer",
                expression: "request.userInfo.groups.exists(g, g == 'mas:agent-stack-deployers')",
            },
        ]);
        const rules = vap.validations.map((v) => v.expression);
        expect(rules[0]).toBe("request.namespace == '' || request.namespace.startsWith('agent-')");
        expect(rules[1]).toBe(
            "request.resource.resource != 'namespaces' || variables.obj.metadata.name.startsWith('agent-')",
        );
        expect(rules[2]).toContain("variables.obj.metadata.name != 'mas-agents'");
        expect(rules[2]).toContain("variables.obj.spec.priorityLevelConfiguration.name == 'mas-agents'");
        expect(rules[2]).toContain("s.kind == 'ServiceAccount'");
        const binding = named(
            run,
            "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
            "mas-agent-stack-deployer-admission",
        );
        expect(binding.inputs.spec).toEqual({
            policyName: "mas-agent-stack-deployer-scope",
            validationActions: ["Deny"],
        });
    });

    it("identity-k8s-effective-rbac accepts the deployers' role and refuses it widened", () => {
        expect(validateStack(k8sEffectiveRbac, resources).map((v) => v.message)).toEqual([]);
        const wider = JSON.parse(JSON.stringify(resources)) as StackResourceCase[];
        const role = wider.find((r) => r.type === CR && r.name === "mas-agent-stack-deployer")!;
        (role.props.rules as unknown[]).push({ apiGroups: [""], resources: ["secrets"], verbs: ["get"] });
        const messages = validateStack(k8sEffectiveRbac, wider).map((v) => v.message);
        expect(messages).toContain(
            "[EKS-AUTH-API] Group mas:agent-stack-deployers can get secrets in namespace kube-system through ClusterRoleBinding mas:agent-stack-deployer → ClusterRole mas:agent-stack-deployer, which the guide's role matrix does not grant it",
        );
    });
});

describe("agent-stack deployers: none by default", () => {
    it("creates no entry, role or admission policy without agentStackDeployerArns", async () => {
        const run = await runCluster("prod");
        expect(run.resources.filter((r) => r.name.includes("agent-stack-deployer"))).toEqual([]);
    }, 120_000);
});
