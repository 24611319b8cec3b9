import {
    BUILT_IN_AGGREGATION_LABELS,
    BUILT_IN_CLUSTER_ROLES,
    EKS_ACCESS_POLICIES,
    K8S_ALLOW_LIST,
    K8S_RESOURCES,
    K8sClass,
    K8sRule,
    OWN_LABEL_PREFIXES,
    STANDARD_VERBS,
} from "../catalog/k8s-rbac";
import { AGENT_LABEL, K8S_GROUPS, RBAC_ROLE_TAG } from "../catalog/identity";

/**
 * Effective Kubernetes RBAC: every subject the plan names (users, groups, service accounts, and the IAM
 * principals of EKS access entries with their groups and access policies) with the rules every binding gives it,
 * evaluated over every resource (subresources included) and verb of the catalog, in each place it can act (the
 * cluster, each agent namespace, a system namespace, any other namespace). Whatever it can do that the guide's
 * role matrix (catalog K8S_ALLOW_LIST) does not grant is a finding.
 */
export interface PlanResource {
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
}

export interface RbacFinding {
    control: string;
    subject: string;
    /** Where: "cluster-wide" or a namespace. */
    scope: string;
    via: string;
    urn: string;
    rights: string[];
}

const T = {
    clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    crb: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    rb: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    namespace: "kubernetes:core/v1:Namespace",
    entry: "aws:eks/accessEntry:AccessEntry",
    association: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    iamRole: "aws:iam/role:Role",
};

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strs = (v: unknown): string[] => list(v).map(String);
const meta = (r: PlanResource) => obj(r.props.metadata);

function rulesOf(r: PlanResource): K8sRule[] {
    return list(r.props.rules).map((x) => ({
        apiGroups: strs(obj(x).apiGroups),
        resources: strs(obj(x).resources),
        verbs: strs(obj(x).verbs),
    }));
}

/** A grant of rules to a subject, cluster-wide (namespace undefined) or within one namespace. */
interface Grant {
    subject: string;
    cls: K8sClass | undefined;
    ownNamespace?: string;
    rules: K8sRule[];
    namespace?: string;
    via: string;
    urn: string;
}

const CONTROL: Record<string, string> = {
    operator: "RBAC-OPERATOR-PERMS",
    resource_manager: "ACC-RES-ALLOCATE",
    agent: "RBAC-AGENT-NS",
    monitoring_agent: "RBAC-AGENT-PERMS",
    system_admin: "RBAC-ADMIN-PERMS",
    deployer: "EKS-AUTH-API",
    agent_stack_deployer: "EKS-AUTH-API",
};

const GROUP_CLASS: Record<string, K8sClass> = {
    [K8S_GROUPS.systemAdmin]: "system_admin",
    [K8S_GROUPS.operator]: "operator",
    [K8S_GROUPS.resourceManager]: "resource_manager",
    [K8S_GROUPS.agentStackDeployer]: "agent_stack_deployer",
};

function matches(rules: K8sRule[], group: string, resource: string, verb: string): boolean {
    return rules.some(
        (r) =>
            (r.apiGroups.includes("*") || r.apiGroups.includes(group)) &&
            (r.resources.includes("*") ||
                r.resources.includes(resource) ||
                (resource.includes("/") && r.resources.includes(`*/${resource.split("/")[1]}`)) ||
                (resource.includes("/") && r.resources.includes(`${resource.split("/")[0]}/*`))) &&
            (r.verbs.includes("*") || r.verbs.includes(verb)),
    );
}

/**
 * `platformRoles`: on an agent stack, the ClusterRoles its platform defines (named by the contract), with the
 * rules the platform's own audit holds them to; a binding to one of them is no longer "defined nowhere".
 */
export function computeRbac(resources: PlanResource[], platformRoles?: Map<string, K8sRule[]>): RbacFinding[] {
    const byType = (t: string) => resources.filter((r) => r.type === t);
    const agentNamespaces = new Set(
        byType(T.namespace)
            .filter((n) => obj(meta(n).labels)[AGENT_LABEL] !== undefined)
            .map((n) => String(meta(n).name)),
    );
    const clusterRoles = new Map<string, K8sRule[]>([
        ...Object.entries(BUILT_IN_CLUSTER_ROLES),
        ...(platformRoles ?? new Map<string, K8sRule[]>()),
    ]);
    for (const r of byType(T.clusterRole)) {
        clusterRoles.set(String(meta(r).name), rulesOf(r));
    }
    // Aggregated ClusterRoles take the rules of every ClusterRole their selectors match. A selector that can match
    // ClusterRoles outside the plan (built-in aggregation labels, other labels, expressions, an empty selector) is
    // unbounded: read as granting everything, and said so.
    const unbounded = new Map<string, string>();
    for (const r of byType(T.clusterRole)) {
        const selectors = list(obj(r.props.aggregationRule).clusterRoleSelectors).map(obj);
        if (selectors.length === 0) {
            continue;
        }
        const outside = selectors.flatMap((sel): string[] => {
            const labels = Object.entries(obj(sel.matchLabels));
            if (list(sel.matchExpressions).length > 0) {
                return ["matchExpressions"];
            }
            if (labels.length === 0) {
                return ["an empty selector (every ClusterRole)"];
            }
            return labels
                .filter(([k]) => !OWN_LABEL_PREFIXES.some((p) => k.startsWith(p)))
                .map(([k, v]) =>
                    BUILT_IN_AGGREGATION_LABELS[k]
                        ? `${k}=${String(v)} (the built-in ${BUILT_IN_AGGREGATION_LABELS[k]} role's rules and every add-on ClusterRole labelled so)`
                        : `${k}=${String(v)}`,
                );
        });
        if (outside.length > 0) {
            unbounded.set(
                String(meta(r).name),
                `aggregates ClusterRoles outside the plan by ${outside.join(", ")}: read as granting everything`,
            );
            clusterRoles.set(String(meta(r).name), BUILT_IN_CLUSTER_ROLES["cluster-admin"]);
            continue;
        }
        const picked = byType(T.clusterRole).filter((c) =>
            selectors.some((sel) =>
                Object.entries(obj(sel.matchLabels)).every(([k, v]) => obj(meta(c).labels)[k] === v),
            ),
        );
        clusterRoles.set(String(meta(r).name), [...rulesOf(r), ...picked.flatMap(rulesOf)]);
    }
    const roles = new Map(byType(T.role).map((r) => [`${String(meta(r).namespace)}/${String(meta(r).name)}`, r]));
    // Service accounts → their IAM role's RBAC role (EKS Pod Identity), and IAM principals → their RBAC role.
    const rbacOfArn = new Map<string, string>();
    for (const r of byType(T.iamRole)) {
        const tags = { ...obj(r.props.tagsAll), ...obj(r.props.tags) } as Record<string, string>;
        if (typeof r.props.arn === "string" && tags[RBAC_ROLE_TAG]) {
            rbacOfArn.set(r.props.arn, tags[RBAC_ROLE_TAG]);
        }
    }
    const saClass = new Map<string, string>();
    for (const p of byType(T.podIdentity)) {
        const rbac = rbacOfArn.get(String(p.props.roleArn));
        if (rbac) {
            saClass.set(`${String(p.props.namespace)}/${String(p.props.serviceAccount)}`, rbac);
        }
    }
    const classOfSubject = (s: Obj, bindingNs?: string): { name: string; cls?: K8sClass; own?: string } => {
        const kind = String(s.kind);
        const name = String(s.name);
        if (kind === "Group") {
            const sa = /^system:serviceaccounts:(.+)$/.exec(name);
            if (sa && agentNamespaces.has(sa[1])) {
                return { name: `Group ${name}`, cls: "agent", own: sa[1] };
            }
            return { name: `Group ${name}`, cls: GROUP_CLASS[name] };
        }
        if (kind === "ServiceAccount") {
            const ns = String(s.namespace ?? bindingNs ?? "");
            const known = saClass.get(`${ns}/${name}`);
            const cls = (known ?? (agentNamespaces.has(ns) ? "agent" : undefined)) as K8sClass | undefined;
            return { name: `ServiceAccount ${ns}/${name}`, cls, own: ns };
        }
        // EKS names an IAM role's user by its ARN (or the session's, arn:aws:sts::<account>:assumed-role/<name>/...).
        const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(name);
        const arn = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : name;
        return { name: `${kind} ${name}`, cls: rbacOfArn.get(arn) as K8sClass | undefined };
    };

    const grants: Grant[] = [];
    const bind = (b: PlanResource, namespace: string | undefined) => {
        const ref = obj(b.props.roleRef);
        // A role the plan does not define (nor Kubernetes, for a ClusterRole) cannot be evaluated: read as everything.
        const defined =
            ref.kind === "Role"
                ? roles.has(`${namespace}/${String(ref.name)}`)
                    ? rulesOf(roles.get(`${namespace}/${String(ref.name)}`)!)
                    : undefined
                : clusterRoles.get(String(ref.name));
        const rules = defined ?? BUILT_IN_CLUSTER_ROLES["cluster-admin"];
        for (const s of list(b.props.subjects).map(obj)) {
            const c = classOfSubject(s, namespace);
            grants.push({
                subject: c.name,
                cls: c.cls,
                ...(c.own ? { ownNamespace: c.own } : {}),
                rules,
                ...(namespace ? { namespace } : {}),
                via: `${b.type.split(":").pop()} ${namespace ? `${namespace}/` : ""}${String(meta(b).name)} → ${String(ref.kind)} ${String(ref.name)}${defined ? (ref.kind !== "Role" && platformRoles?.has(String(ref.name)) ? " (the platform's, by its contract)" : "") : " (defined nowhere: read as granting everything)"}${ref.kind === "ClusterRole" && unbounded.has(String(ref.name)) ? ` (${unbounded.get(String(ref.name))})` : ""}`,
                urn: b.urn,
            });
        }
    };
    byType(T.crb).forEach((b) => bind(b, undefined));
    byType(T.rb).forEach((b) => bind(b, String(meta(b).namespace ?? "default")));

    // EKS access entries: the principal's groups (as Group subjects, bound above) and its access policies.
    const entries = byType(T.entry);
    const deployers = entries.filter((e) => e.name.endsWith("-access-deployer"));
    for (const a of byType(T.association)) {
        const principal = String(a.props.principalArn);
        const policy =
            String(a.props.policyArn ?? "")
                .split("/")
                .pop() ?? "";
        const rules = EKS_ACCESS_POLICIES[policy] ?? BUILT_IN_CLUSTER_ROLES["cluster-admin"];
        const rbac = rbacOfArn.get(principal);
        const isDeployer = deployers.length === 1 && deployers[0].props.principalArn === principal;
        const cls = (isDeployer ? "deployer" : rbac) as K8sClass | undefined;
        const scope = obj(a.props.accessScope);
        const namespaces = scope.type === "namespace" ? strs(scope.namespaces) : [undefined];
        for (const ns of namespaces) {
            grants.push({
                subject: `EKS access entry ${principal}`,
                cls,
                rules,
                ...(ns ? { namespace: ns } : {}),
                via: `access policy ${policy}${ns ? ` in ${ns}` : " (cluster)"}`,
                urn: a.urn,
            });
        }
    }
    // An access entry's groups take the class of the entry's principal when the group has none of its own.
    const entryGroups = new Map<string, K8sClass | undefined>();
    for (const e of entries) {
        const rbac = rbacOfArn.get(String(e.props.principalArn)) as K8sClass | undefined;
        for (const g of strs(e.props.kubernetesGroups)) {
            if (!GROUP_CLASS[g]) {
                entryGroups.set(`Group ${g}`, rbac);
            }
        }
    }
    for (const g of grants) {
        if (g.cls === undefined && entryGroups.has(g.subject)) {
            g.cls = entryGroups.get(g.subject);
        }
    }

    const systemNs = "kube-system";
    const anyNs = "any-other-namespace";
    const findings = new Map<string, RbacFinding>();
    for (const g of grants) {
        // Where the grant can act: its namespace, or (cluster-wide) every kind of namespace and the cluster scope.
        const places: (string | undefined)[] = g.namespace
            ? [g.namespace]
            : [undefined, ...agentNamespaces, systemNs, anyNs];
        for (const place of places) {
            for (const [group, resource, namespaced, special] of K8S_RESOURCES) {
                // A namespace-scoped grant reaches no cluster-scoped resource; the cluster place holds only those.
                if ((place === undefined) === namespaced) {
                    continue;
                }
                for (const verb of [...STANDARD_VERBS, ...(special ?? [])]) {
                    if (
                        !matches(g.rules, group, resource, verb) ||
                        allowed(g, group, resource, verb, place, agentNamespaces)
                    ) {
                        continue;
                    }
                    const scope = place ?? "cluster-wide";
                    const key = `${g.subject}|${g.via}|${scope}`;
                    const f = findings.get(key) ?? {
                        control:
                            (g.cls && CONTROL[g.cls]) ||
                            (g.subject.startsWith("EKS access entry") ? "EKS-AUTH-API" : "RBAC-AGENT-NS"),
                        subject: g.subject,
                        scope,
                        via: g.via,
                        urn: g.urn,
                        rights: [],
                    };
                    f.rights.push(`${verb} ${group ? `${group}/` : ""}${resource}`);
                    findings.set(key, f);
                }
            }
        }
    }
    return [...findings.values()];
}

function allowed(
    g: Grant,
    group: string,
    resource: string,
    verb: string,
    place: string | undefined,
    agentNamespaces: Set<string>,
): boolean {
    if (!g.cls) {
        return false;
    }
    return K8S_ALLOW_LIST.some(
        (a) =>
            a.who.includes(g.cls!) &&
            (a.apiGroups.includes("*") || a.apiGroups.includes(group)) &&
            (a.resources.includes("*") || a.resources.includes(resource)) &&
            (a.verbs.includes("*") || a.verbs.includes(verb)) &&
            (a.scope === "cluster" ||
                (place !== undefined &&
                    (a.scope === "agent-namespaces"
                        ? agentNamespaces.has(place)
                        : place === g.ownNamespace && agentNamespaces.has(place)))),
    );
}
