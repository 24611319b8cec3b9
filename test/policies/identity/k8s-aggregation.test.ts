import { k8sEffectiveRbac } from "../../../policy-pack/policies/identity";
import { StackResourceCase, validateStack } from "../../harness/policy";
import { plain, runStack } from "../../harness/program";

// Aggregated ClusterRoles whose selectors can match ClusterRoles outside the plan (Kubernetes' built-in
// aggregate-to-admin / -edit / -view labels, which the bootstrap admin / edit / view roles and add-ons carry; other
// labels; expressions; an empty selector) are unbounded (the outside review's b80, b111).
let base: StackResourceCase[];
beforeAll(async () => {
    const run = await runStack("dev");
    base = run.resources.map((r) => ({ type: r.type, name: r.name, props: plain<Record<string, unknown>>(r.outputs) }));
}, 120_000);

const CR = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const clone = () => JSON.parse(JSON.stringify(base)) as StackResourceCase[];
const run = (rs: StackResourceCase[]) => validateStack(k8sEffectiveRbac, rs).map((v) => v.message);
const meta = (r: StackResourceCase) => r.props.metadata as { name: string; labels?: Record<string, string> };
const aggregate = (rs: StackResourceCase[], role: string, selector: object) => {
    const r = rs.find((x) => x.type === CR && meta(x).name === role);
    if (!r) throw new Error(role);
    r.props.aggregationRule = { clusterRoleSelectors: [selector] };
    return rs;
};

describe("identity-k8s-effective-rbac: aggregation outside the plan", () => {
    it.each<[string, string, object, RegExp]>([
        [
            "mas:agent aggregating aggregate-to-admin",
            "mas:agent",
            { matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } },
            /^\[RBAC-AGENT-NS\] ServiceAccount agent-coordinator\/coordinator can create pods, .* through RoleBinding agent-coordinator\/agent → ClusterRole mas:agent \(aggregates ClusterRoles outside the plan by rbac.authorization.k8s.io\/aggregate-to-admin=true \(the built-in admin role's rules and every add-on ClusterRole labelled so\): read as granting everything\)/,
        ],
        [
            "mas:operator aggregating aggregate-to-edit",
            "mas:operator",
            { matchLabels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
            /^\[RBAC-OPERATOR-PERMS\] Group mas:operators can .* cluster-wide through ClusterRoleBinding mas:operator → ClusterRole mas:operator \(aggregates ClusterRoles outside the plan by rbac.authorization.k8s.io\/aggregate-to-edit=true/,
        ],
        [
            "mas:operator aggregating aggregate-to-view",
            "mas:operator",
            { matchLabels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
            /ClusterRole mas:operator \(aggregates ClusterRoles outside the plan by rbac.authorization.k8s.io\/aggregate-to-view=true/,
        ],
        [
            "mas:agent aggregating by matchExpressions",
            "mas:agent",
            { matchExpressions: [{ key: "mas/tier", operator: "Exists" }] },
            /ClusterRole mas:agent \(aggregates ClusterRoles outside the plan by matchExpressions: read as granting everything\)/,
        ],
        [
            "mas:agent aggregating every ClusterRole (empty selector)",
            "mas:agent",
            {},
            /ClusterRole mas:agent \(aggregates ClusterRoles outside the plan by an empty selector \(every ClusterRole\)/,
        ],
        [
            "mas:agent aggregating an add-on's label",
            "mas:agent",
            { matchLabels: { "app.kubernetes.io/part-of": "istio" } },
            /ClusterRole mas:agent \(aggregates ClusterRoles outside the plan by app.kubernetes.io\/part-of=istio: read as granting everything\)/,
        ],
    ])("fails: %s", (_what, role, selector, message) => {
        expect(run(aggregate(clone(), role, selector)).some((m) => message.test(m))).toBe(true);
    });

    it("passes: mas:agent aggregating a stack label that no ClusterRole of the plan carries", () => {
        expect(run(aggregate(clone(), "mas:agent", { matchLabels: { "mas/aggregate-to-agent": "true" } }))).toEqual([]);
    });

    it("passes: mas:operator aggregating a stack-labelled ClusterRole with a subset of its own rules", () => {
        const rs = aggregate(clone(), "mas:operator", { matchLabels: { "mas/aggregate-to-operator": "true" } });
        rs.push({
            type: CR,
            name: "pod-reader",
            props: {
                metadata: { name: "mas:pod-reader", labels: { "mas/aggregate-to-operator": "true" } },
                rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
            },
        });
        expect(run(rs)).toEqual([]);
    });
});
