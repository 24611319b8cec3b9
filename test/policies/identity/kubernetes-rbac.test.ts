import { computeRbac } from "../../../policy-pack/lib/k8s-rbac";
import { k8sEffectiveRbac } from "../../../policy-pack/policies/identity";
import { StackResourceCase, validateStack } from "../../harness/policy";
import { plain, runStack } from "../../harness/program";

// The dev plan's cluster as the stack policy sees it, broken one thing at a time.
let base: StackResourceCase[];
beforeAll(async () => {
    const run = await runStack("dev");
    base = run.resources.map((r) => ({ type: r.type, name: r.name, props: plain<Record<string, unknown>>(r.outputs) }));
}, 120_000);

const CR = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const RB = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const clone = () => JSON.parse(JSON.stringify(base)) as StackResourceCase[];
const run = (rs: StackResourceCase[]) => validateStack(k8sEffectiveRbac, rs).map((v) => v.message);
/** Every right a subject holds beyond the matrix, in one place (the messages list the first ten). */
const rights = (rs: StackResourceCase[], subject: string, scope: string) =>
    computeRbac(rs.map((r) => ({ ...r, name: r.name ?? "", urn: `urn:${r.name}` })))
        .filter((f) => f.subject === subject && f.scope === scope)
        .flatMap((f) => f.rights);
const agentNamespaces = () =>
    base.filter(
        (r) => r.type === "kubernetes:core/v1:Namespace" && (meta(r).labels as Record<string, string>)?.["mas/agent"],
    ).length;
const meta = (r: StackResourceCase) => r.props.metadata as { name: string; namespace?: string; labels?: object };
const clusterRole = (rs: StackResourceCase[], name: string) => rs.find((r) => r.type === CR && meta(r).name === name)!;
const binding = (kind: string, name: string, namespace: string | undefined, ref: object, subjects: object[]) => ({
    type: kind,
    name,
    props: { metadata: { name, ...(namespace ? { namespace } : {}) }, roleRef: ref, subjects },
});
const clusterRef = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name });
const agentSa = { kind: "ServiceAccount", name: "coordinator", namespace: "agent-coordinator" };

describe("identity-k8s-effective-rbac: compliant", () => {
    it("the dev plan's RBAC, access entries and access policies", () => {
        expect(run(base)).toEqual([]);
    });
    it("stricter: the operator without pod restarts, an agent without its RoleBinding", () => {
        const rs = clone().filter((r) => !(r.type === RB && meta(r).namespace === "agent-planner"));
        const op = clusterRole(rs, "mas:operator").props as { rules: { verbs: string[] }[] };
        op.rules = op.rules.filter((r) => !r.verbs.includes("delete"));
        expect(run(rs)).toEqual([]);
    });
    it("one more agent built like the others (its namespace, service account and RoleBinding)", () => {
        const rs = clone();
        rs.push(
            {
                type: "kubernetes:core/v1:Namespace",
                name: "ns-reviewer",
                props: { metadata: { name: "agent-reviewer", labels: { "mas/agent": "reviewer" } } },
            },
            binding(RB, "agent", "agent-reviewer", clusterRef("mas:agent"), [
                { kind: "ServiceAccount", name: "reviewer", namespace: "agent-reviewer" },
            ]),
        );
        expect(run(rs)).toEqual([]);
    });
    it("the operator may rollout-restart an agent (patch its deployment in the agent's namespace)", () => {
        const rs = clone();
        rs.push(
            {
                type: ROLE,
                name: "restart",
                props: {
                    metadata: { name: "restart", namespace: "agent-coordinator" },
                    rules: [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] }],
                },
            },
            binding(RB, "restart", "agent-coordinator", { kind: "Role", name: "restart" }, [
                { kind: "Group", name: "mas:operators" },
            ]),
        );
        expect(run(rs)).toEqual([]);
    });
});

describe("identity-k8s-effective-rbac: breaks", () => {
    it("an agent service account bound to view in its own namespace", () => {
        const rs = [...clone(), binding(RB, "agent-view", "agent-coordinator", clusterRef("view"), [agentSa])];
        const out = run(rs);
        expect(out).toHaveLength(1);
        expect(out[0]).toMatch(
            /^\[RBAC-AGENT-NS\] ServiceAccount agent-coordinator\/coordinator can get pods\/log, list pods\/log, watch pods\/log, get pods\/status, .* \(\+50 more\) in namespace agent-coordinator through RoleBinding agent-coordinator\/agent-view → ClusterRole view,/,
        );
        const held = rights(rs, "ServiceAccount agent-coordinator/coordinator", "agent-coordinator");
        expect(held).toEqual(
            expect.arrayContaining(["list services", "get apps/deployments", "watch serviceaccounts"]),
        );
        // view never reads secrets, and what the agent role already grants (configmaps, pods) is not a finding.
        expect(held.filter((r) => /secrets| configmaps$| pods$/.test(r))).toEqual([]);
    });
    it("the operators' ClusterRole with nodes/proxy (exec through the kubelet)", () => {
        const rs = clone();
        (clusterRole(rs, "mas:operator").props.rules as object[]).push({
            apiGroups: [""],
            resources: ["nodes/proxy"],
            verbs: ["get"],
        });
        expect(run(rs)).toEqual([
            "[RBAC-OPERATOR-PERMS] Group mas:operators can get nodes/proxy cluster-wide through ClusterRoleBinding mas:operator → ClusterRole mas:operator, which the guide's role matrix does not grant it",
        ]);
    });
    it("the operators with pods/exec in every namespace", () => {
        const rs = clone();
        (clusterRole(rs, "mas:operator").props.rules as object[]).push({
            apiGroups: [""],
            resources: ["pods/exec"],
            verbs: ["create"],
        });
        const out = run(rs);
        expect(out).toContain(
            "[RBAC-OPERATOR-PERMS] Group mas:operators can create pods/exec in namespace kube-system through ClusterRoleBinding mas:operator → ClusterRole mas:operator, which the guide's role matrix does not grant it",
        );
        expect(out.filter((m) => m.includes("can create pods/exec in namespace agent-"))).toHaveLength(
            agentNamespaces(),
        );
    });
    it("an agent allowed to escalate and bind roles, and to create workloads, in its own namespace", () => {
        const rs = clone();
        (clusterRole(rs, "mas:agent").props.rules as object[]).push(
            { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate", "bind"] },
            { apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] },
        );
        const out = run(rs);
        expect(out).toHaveLength(agentNamespaces());
        expect(out).toContain(
            "[RBAC-AGENT-NS] ServiceAccount agent-coordinator/coordinator can create apps/deployments, escalate rbac.authorization.k8s.io/roles, bind rbac.authorization.k8s.io/roles in namespace agent-coordinator through RoleBinding agent-coordinator/agent → ClusterRole mas:agent, which the guide's role matrix does not grant it",
        );
    });
    it("the resource managers may impersonate service accounts (act as any agent)", () => {
        const rs = clone();
        (clusterRole(rs, "mas:resource-manager").props.rules as object[]).push({
            apiGroups: [""],
            resources: ["serviceaccounts"],
            verbs: ["impersonate"],
        });
        // Every agent namespace, a system namespace and any other one.
        expect(run(rs).filter((m) => m.includes("impersonate serviceaccounts"))).toHaveLength(agentNamespaces() + 2);
        expect(run(rs)[0]).toMatch(/^\[ACC-RES-ALLOCATE\] Group mas:resource-managers can impersonate serviceaccounts/);
    });
    it("the resource managers may update the agents' deployments (any image under the agent's identity) or raise their own quota", () => {
        const rs = clone();
        (clusterRole(rs, "mas:resource-manager-allocate").props.rules as object[]).push(
            { apiGroups: ["apps"], resources: ["deployments"], verbs: ["update", "patch"] },
            { apiGroups: [""], resources: ["resourcequotas"], verbs: ["update"] },
        );
        const found = run(rs).filter((m) => m.startsWith("[ACC-RES-ALLOCATE] Group mas:resource-managers"));
        expect(found.length).toBeGreaterThanOrEqual(agentNamespaces());
        expect(found.every((m) => /update deployments|patch deployments|update resourcequotas/.test(m))).toBe(true);
    });
    it("the operator's access entry with AmazonEKSViewPolicy (configmaps, service accounts)", () => {
        const rs = clone();
        const op = rs.find(
            (r) => r.type === "aws:eks/accessEntry:AccessEntry" && (r.name ?? "").endsWith("-access-operator"),
        )!;
        rs.push({
            type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
            name: "operator-view",
            props: {
                principalArn: op.props.principalArn,
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                accessScope: { type: "cluster" },
            },
        });
        const out = run(rs);
        const who = `EKS access entry ${String(op.props.principalArn)}`;
        // Cluster-wide: every agent namespace, a system namespace and any other one.
        expect(out).toHaveLength(agentNamespaces() + 2);
        expect(out[0]).toMatch(
            /^\[RBAC-OPERATOR-PERMS\] EKS access entry arn:aws:iam::\d{12}:role\/mas-dev-operator can list pods\/log, watch pods\/log, get pods\/status, .* in namespace agent-coordinator through access policy AmazonEKSViewPolicy \(cluster\),/,
        );
        expect(rights(rs, who, "kube-system")).toEqual(
            expect.arrayContaining(["get configmaps", "list serviceaccounts", "get batch/jobs"]),
        );
    });
    it("a second cluster-admin access entry for a principal that is not the deployer", () => {
        const rs = clone();
        rs.push({
            type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
            name: "contractor",
            props: {
                principalArn: "arn:aws:iam::123456789012:role/contractor",
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
            },
        });
        const out = run(rs);
        expect(out[0]).toMatch(
            /^\[EKS-AUTH-API\] EKS access entry arn:aws:iam::123456789012:role\/contractor can get namespaces, list namespaces/,
        );
    });
    it("an aggregated ClusterRole that picks up secrets, bound to the monitoring agent", () => {
        const rs = [
            ...clone(),
            {
                type: CR,
                name: "secret-reader",
                props: {
                    metadata: { name: "secret-reader", labels: { "mas/aggregate-to-monitoring": "true" } },
                    rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }],
                },
            },
            {
                type: CR,
                name: "monitoring",
                props: {
                    metadata: { name: "monitoring" },
                    aggregationRule: {
                        clusterRoleSelectors: [{ matchLabels: { "mas/aggregate-to-monitoring": "true" } }],
                    },
                },
            },
            binding(CRB, "monitoring", undefined, clusterRef("monitoring"), [
                { kind: "ServiceAccount", name: "monitoring-agent", namespace: "monitoring" },
            ]),
        ];
        expect(run(rs)).toContain(
            "[RBAC-AGENT-PERMS] ServiceAccount monitoring/monitoring-agent can get secrets, list secrets in namespace kube-system through ClusterRoleBinding monitoring → ClusterRole monitoring, which the guide's role matrix does not grant it",
        );
    });
    it("the operator's IAM role bound by its user name (the role ARN) to edit in an agent namespace", () => {
        const rs = clone();
        const op = rs.find(
            (r) =>
                r.type === "aws:iam/role:Role" &&
                (r.props.tags as Record<string, string>)?.["rbac-role"] === "operator",
        )!;
        rs.push(
            binding(RB, "operator-edit", "agent-coordinator", clusterRef("edit"), [
                { kind: "User", name: String(op.props.arn) },
            ]),
        );
        const out = run(rs);
        expect(out).toHaveLength(1);
        expect(out[0]).toMatch(
            /^\[RBAC-OPERATOR-PERMS\] User arn:aws:iam::\d{12}:role\/mas-dev-operator can .* in namespace agent-coordinator through RoleBinding agent-coordinator\/operator-edit → ClusterRole edit,/,
        );
        expect(rights(rs, `User ${String(op.props.arn)}`, "agent-coordinator")).toEqual(
            expect.arrayContaining(["create pods/exec", "get secrets", "update configmaps"]),
        );
    });
    it("a binding to a ClusterRole defined nowhere (a chart's, or a typo) is read as granting everything", () => {
        const rs = [
            ...clone(),
            binding(RB, "helper", "agent-planner", clusterRef("mas:agent-helper"), [
                { kind: "ServiceAccount", name: "planner", namespace: "agent-planner" },
            ]),
        ];
        const out = run(rs);
        expect(out).toHaveLength(1);
        expect(out[0]).toContain(
            "in namespace agent-planner through RoleBinding agent-planner/helper → ClusterRole mas:agent-helper (defined nowhere: read as granting everything)",
        );
    });
    it("every agent through the group of its namespace's service accounts bound to edit", () => {
        const rs = [
            ...clone(),
            binding(RB, "edit", "agent-planner", clusterRef("edit"), [
                { kind: "Group", name: "system:serviceaccounts:agent-planner" },
            ]),
        ];
        const out = run(rs);
        expect(out).toHaveLength(1);
        expect(out[0]).toContain("[RBAC-AGENT-NS] Group system:serviceaccounts:agent-planner can get pods, list pods");
        expect(rights(rs, "Group system:serviceaccounts:agent-planner", "agent-planner")).toEqual(
            expect.arrayContaining([
                "create pods/exec",
                "get secrets",
                "create apps/deployments",
                "impersonate serviceaccounts",
            ]),
        );
    });
});
