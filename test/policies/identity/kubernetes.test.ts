// policy-pack/policies/identity/kubernetes.ts

import * as p from "../../../policy-pack/policies/identity";
import { validateResource, validateStack } from "../../harness/policy";

const NS = "kubernetes:core/v1:Namespace";
const agentLabels = () => ({
    "mas/agent": "coordinator",
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
    "istio-injection": "enabled",
});

describe("identity-agent-namespace-psa (K8S-PSA, RBAC-AGENT-NS)", () => {
    const ns = (labels: Record<string, string>) =>
        validateResource(p.agentNamespacePsa, { type: NS, props: { metadata: { name: "agent-coordinator", labels } } });
    it("passes restricted PSA with mesh injection", () => expect(ns(agentLabels())).toEqual([]));
    it("fails baseline enforcement", () =>
        expect(ns({ ...agentLabels(), "pod-security.kubernetes.io/enforce": "baseline" })).toEqual([
            "[K8S-PSA] agent namespace must set pod-security.kubernetes.io/{enforce} = restricted",
        ]));
    it("fails without mesh injection", () => {
        const rest: Record<string, string> = agentLabels();
        delete rest["istio-injection"];
        expect(ns(rest)).toEqual([
            "[RBAC-AGENT-NS] agent namespace must have istio-injection: enabled (mesh identity and authorization)",
        ]);
    });
    it("ignores namespaces that are not agents'", () => expect(ns({})).toEqual([]));
});

describe("identity-agent-namespace-guardrails (K8S-NETPOL, ACC-RES-QUOTA, RBAC-AGENT-RATE)", () => {
    const resources = () => [
        { type: NS, props: { metadata: { name: "agent-coordinator", labels: agentLabels() } } },
        {
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            props: {
                metadata: { name: "default-deny", namespace: "agent-coordinator" },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            },
        },
        {
            type: "kubernetes:core/v1:ResourceQuota",
            props: { metadata: { name: "q", namespace: "agent-coordinator" }, spec: { hard: { pods: "20" } } },
        },
        {
            type: "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema",
            props: {
                metadata: { name: "mas-agents" },
                spec: {
                    rules: [
                        {
                            subjects: [
                                {
                                    kind: "ServiceAccount",
                                    serviceAccount: { namespace: "agent-coordinator", name: "*" },
                                },
                            ],
                        },
                    ],
                },
            },
        },
    ];
    const messages = (rs: ReturnType<typeof resources>) =>
        validateStack(p.agentNamespaceGuardrails, rs).map((v) => v.message);
    it("passes a namespace with default deny, quota and FlowSchema", () => expect(messages(resources())).toEqual([]));
    it("fails an egress-only deny (not default deny for ingress)", () => {
        const rs = resources();
        rs[1].props.spec = { podSelector: {}, policyTypes: ["Egress"] };
        expect(messages(rs)).toEqual([
            "[K8S-NETPOL] agent namespace agent-coordinator has no default-deny NetworkPolicy (ingress and egress)",
        ]);
    });
    it("fails a deny policy that allows traffic", () => {
        const rs = resources();
        rs[1].props.spec = {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            egress: [{}],
        } as (typeof rs)[1]["props"]["spec"];
        expect(messages(rs)).toHaveLength(1);
    });
    it("fails a namespace without a ResourceQuota", () =>
        expect(messages(resources().filter((r) => r.type !== "kubernetes:core/v1:ResourceQuota"))).toEqual([
            "[ACC-RES-QUOTA] agent namespace agent-coordinator has no ResourceQuota",
        ]));
    it("fails a namespace outside every FlowSchema", () =>
        expect(messages(resources().filter((r) => !r.type.includes("FlowSchema")))).toEqual([
            "[RBAC-AGENT-RATE] agent namespace agent-coordinator's service accounts are not in a FlowSchema",
        ]));
});

describe("identity-priority-class-admission (ACC-RES-PRIORITY)", () => {
    const pc = {
        type: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
        props: { metadata: { name: "mas-critical" }, value: 100000 },
    };
    const vap = (expression: string) => ({
        type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
        props: { metadata: { name: "mas-priority-class-allocation" }, spec: { validations: [{ expression }] } },
    });
    const binding = (actions: string[]) => ({
        type: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
        props: {
            metadata: { name: "b" },
            spec: { policyName: "mas-priority-class-allocation", validationActions: actions },
        },
    });
    const good = `!(variables.priorityClass in ["mas-critical"]) || request.userInfo.groups.exists(g, g == 'mas:resource-managers')`;
    const messages = (rs: object[]) => validateStack(p.priorityClassAdmission, rs as never).map((v) => v.message);
    const fail =
        "PriorityClass mas-critical is not restricted to mas:resource-managers by a bound (Deny) ValidatingAdmissionPolicy";
    it("passes a class named by a Deny-bound policy for the resource managers", () =>
        expect(messages([pc, vap(good), binding(["Deny"])])).toEqual([]));
    it("fails an audit-only binding", () => expect(messages([pc, vap(good), binding(["Audit"])])).toEqual([fail]));
    it("fails a policy that does not name the class", () =>
        expect(messages([pc, vap(good.replace("mas-critical", "other")), binding(["Deny"])])).toEqual([fail]));
});

describe("identity-no-privileged-binding (RBAC-OPERATOR-NO-SECURITY, RBAC-AGENT-NS)", () => {
    const binding = (
        roleName: string,
        subject: object,
        type = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    ) =>
        validateResource(p.noPrivilegedBinding, {
            type,
            props: { roleRef: { kind: "ClusterRole", name: roleName }, subjects: [subject] },
        });
    it("passes the operator group bound to its own ClusterRole", () =>
        expect(binding("mas:operator", { kind: "Group", name: "mas:operators" })).toEqual([]));
    it("fails cluster-admin for the operator group", () =>
        expect(binding("cluster-admin", { kind: "Group", name: "mas:operators" })).toEqual([
            "[RBAC-OPERATOR-NO-SECURITY] binding grants cluster-admin to the operator group mas:operators",
        ]));
    it("fails admin for an agent service account in a RoleBinding", () =>
        expect(
            binding(
                "admin",
                { kind: "ServiceAccount", name: "coordinator", namespace: "agent-coordinator" },
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            ),
        ).toEqual(["[RBAC-AGENT-NS] binding grants admin to agent ServiceAccount agent-coordinator"]));
    const agentBinding = (namespace: string, subject: object) =>
        validateResource(p.noPrivilegedBinding, {
            type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            props: {
                metadata: { name: "agent", namespace },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "mas:agent" },
                subjects: [subject],
            },
        });
    it("passes the agent role bound to the namespace's own service account", () =>
        expect(
            agentBinding("agent-planner", { kind: "ServiceAccount", name: "planner", namespace: "agent-planner" }),
        ).toEqual([]));
    it("fails the agent role bound to system:authenticated (every caller, every agent)", () =>
        expect(
            agentBinding("agent-planner", {
                kind: "Group",
                name: "system:authenticated",
                apiGroup: "rbac.authorization.k8s.io",
            }),
        ).toEqual([
            "[RBAC-AGENT-NS] binding grants ClusterRole mas:agent to Group system:authenticated: every agent (and more) gets it, whatever its namespace",
        ]));
    it("fails another agent's service account bound in an agent namespace", () =>
        expect(
            agentBinding("agent-planner", {
                kind: "ServiceAccount",
                name: "coordinator",
                namespace: "agent-coordinator",
            }),
        ).toEqual([
            "[RBAC-AGENT-NS] binding in agent-planner grants ClusterRole mas:agent to ServiceAccount agent-coordinator: an agent acting outside its own namespace",
        ]));
});

describe("identity-operator-k8s-role (RBAC-OPERATOR-PERMS, RBAC-OPERATOR-NO-CONFIG)", () => {
    const rules = () => [
        { apiGroups: [""], resources: ["pods", "events"], verbs: ["get", "list", "watch"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
        { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
    ];
    const role = (r: object[]) =>
        validateResource(p.operatorK8sRole, {
            type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            props: { metadata: { name: "mas:operator", labels: { "mas/rbac-role": "operator" } }, rules: r },
        });
    it("passes reads, logs and pod restarts", () => expect(role(rules())).toEqual([]));
    it("fails reading secrets", () =>
        expect(role([...rules(), { apiGroups: [""], resources: ["secrets"], verbs: ["get"] }])).toEqual([
            "[RBAC-OPERATOR-NO-CONFIG] operator ClusterRole grants access to secrets",
        ]));
    it("fails patching deployments", () =>
        expect(role([...rules(), { apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }])).toEqual([
            "[RBAC-OPERATOR-PERMS] operator ClusterRole allows patch on deployments; only reads and pod restarts (delete / evict) are allowed",
        ]));
});
