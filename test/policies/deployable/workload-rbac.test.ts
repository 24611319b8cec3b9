// policy-pack/policies/deployable/workload-rbac.ts: workload writes only inside agent namespaces.
import { workloadWrites, workloadWritesScoped } from "../../../policy-pack/policies/deployable/workload-rbac";
import { StackResourceCase, validateStack } from "../../harness/policy";

type Rec = Record<string, unknown>;
const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
const read = ["get", "list", "watch"];
const clusterRole = (name: string, rules: Rec[]): StackResourceCase => ({
    type: `${RBAC}:ClusterRole`,
    name,
    props: { metadata: { name }, rules },
});
const group = [{ kind: "Group", name: "mas:resource-manager", apiGroup: "rbac.authorization.k8s.io" }];
const clusterBinding = (name: string, role: string): StackResourceCase => ({
    type: `${RBAC}:ClusterRoleBinding`,
    name,
    props: { metadata: { name }, roleRef: { kind: "ClusterRole", name: role }, subjects: group },
});
const binding = (name: string, namespace: string, kind: string, role: string): StackResourceCase => ({
    type: `${RBAC}:RoleBinding`,
    name,
    props: { metadata: { name, namespace }, roleRef: { kind, name: role }, subjects: group },
});
const allocate = [
    { apiGroups: [""], resources: ["resourcequotas", "limitranges"], verbs: [...read, "create", "update", "patch"] },
    { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: [...read, "update", "patch"] },
    { apiGroups: ["apps"], resources: ["deployments/scale", "statefulsets/scale"], verbs: ["get", "update", "patch"] },
];
const base = (): StackResourceCase[] => [
    {
        type: "kubernetes:core/v1:Namespace",
        name: "ns",
        props: { metadata: { name: "agent-coordinator", labels: { "mas/agent": "coordinator" } } },
    },
    { type: "kubernetes:core/v1:Namespace", name: "sys", props: { metadata: { name: "istio-system" } } },
    clusterRole("mas:resource-manager", [{ apiGroups: ["apps"], resources: ["deployments"], verbs: read }]),
    clusterRole("mas:resource-manager-allocate", allocate),
    clusterRole("mas:operator", [
        { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
        { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
    ]),
    clusterBinding("rm", "mas:resource-manager"),
    clusterBinding("operator", "mas:operator"),
    binding("rm-coordinator", "agent-coordinator", "ClusterRole", "mas:resource-manager-allocate"),
];
const run = (rs: StackResourceCase[]) => validateStack(workloadWritesScoped, rs).map((v) => v.message);

describe("k8s-workload-writes-in-agent-namespaces (ACC-RES-ALLOCATE)", () => {
    it("passes read-only cluster grants and allocate rights bound in an agent namespace", () =>
        expect(run(base())).toEqual([]));

    it("fails the old resource_manager design: create / update / patch on workloads through a ClusterRoleBinding", () => {
        const rs = base();
        rs.push(
            clusterRole("mas:rm-old", [
                {
                    apiGroups: ["apps"],
                    resources: ["deployments", "statefulsets"],
                    verbs: [...read, "create", "update", "patch"],
                },
            ]),
        );
        rs.push(clusterBinding("rm-old", "mas:rm-old"));
        expect(run(rs)).toEqual([
            "[ACC-RES-ALLOCATE] ClusterRoleBinding rm-old lets Group mas:resource-manager write apps/deployments, apps/statefulsets in every namespace (through mas:rm-old): a pod in istio-system, kube-system or under an agent's service account takes that namespace's keys, node or IAM role",
        ]);
    });

    it("fails the allocate role bound outside an agent namespace", () => {
        const rs = [...base(), binding("rm-istio", "istio-system", "ClusterRole", "mas:resource-manager-allocate")];
        expect(run(rs)).toEqual([
            "[ACC-RES-ALLOCATE] RoleBinding rm-istio lets Group mas:resource-manager write apps/deployments, apps/statefulsets in namespace istio-system, which is not an agent namespace (label mas/agent)",
        ]);
    });

    it("fails a namespaced Role with pod create in kube-system", () => {
        const rs = base();
        rs.push({
            type: `${RBAC}:Role`,
            name: "r",
            props: {
                metadata: { name: "pods", namespace: "kube-system" },
                rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }],
            },
        });
        rs.push(binding("pods", "kube-system", "Role", "pods"));
        expect(run(rs)).toEqual([
            "[ACC-RES-ALLOCATE] RoleBinding pods lets Group mas:resource-manager write pods in namespace kube-system, which is not an agent namespace (label mas/agent)",
        ]);
    });

    it("reads wildcards as every workload kind", () => {
        expect(workloadWrites({ apiGroups: ["*"], resources: ["*"], verbs: ["*"] })).toEqual([
            "pods",
            "replicationcontrollers",
            "apps/deployments",
            "apps/statefulsets",
            "apps/daemonsets",
            "apps/replicasets",
            "batch/jobs",
            "batch/cronjobs",
        ]);
        expect(workloadWrites({ apiGroups: ["batch"], resources: ["cronjobs"], verbs: ["patch"] })).toEqual([
            "batch/cronjobs",
        ]);
        expect(workloadWrites({ apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] })).toEqual([]);
        expect(workloadWrites({ apiGroups: [""], resources: ["pods"], verbs: ["delete"] })).toEqual([]);
    });
});
