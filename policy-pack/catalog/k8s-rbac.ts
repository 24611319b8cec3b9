/**
 * Kubernetes RBAC as data: the API's resources (subresources included) and verbs, the built-in ClusterRoles and
 * EKS access policies a subject can hold, and the guide's role matrix as an allow-list (lib/k8s-rbac.ts
 * evaluates every subject's effective rights against it).
 */

export interface K8sRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
}

/** The standard verbs, and the special ones with the resources they apply to (Kubernetes RBAC documentation). */
export const STANDARD_VERBS = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];

/** The resources every subject is evaluated on: [apiGroup, resource, namespaced, special verbs]. */
export const K8S_RESOURCES: [string, string, boolean, string[]?][] = [
    ["", "pods", true],
    ["", "pods/exec", true],
    ["", "pods/attach", true],
    ["", "pods/portforward", true],
    ["", "pods/proxy", true],
    ["", "pods/log", true],
    ["", "pods/eviction", true],
    ["", "pods/ephemeralcontainers", true],
    ["", "pods/status", true],
    ["", "secrets", true],
    ["", "configmaps", true],
    ["", "services", true],
    ["", "services/proxy", true],
    ["", "endpoints", true],
    ["", "events", true],
    ["", "serviceaccounts", true, ["impersonate"]],
    ["", "serviceaccounts/token", true],
    ["", "persistentvolumeclaims", true],
    ["", "resourcequotas", true],
    ["", "limitranges", true],
    ["", "replicationcontrollers", true],
    ["", "namespaces", false],
    ["", "nodes", false],
    ["", "nodes/proxy", false],
    ["", "nodes/status", false],
    ["", "persistentvolumes", false],
    ["", "users", false, ["impersonate"]],
    ["", "groups", false, ["impersonate"]],
    ["apps", "deployments", true],
    ["apps", "deployments/scale", true],
    ["apps", "statefulsets", true],
    ["apps", "statefulsets/scale", true],
    ["apps", "daemonsets", true],
    ["apps", "replicasets", true],
    ["batch", "jobs", true],
    ["batch", "cronjobs", true],
    ["rbac.authorization.k8s.io", "roles", true, ["escalate", "bind"]],
    ["rbac.authorization.k8s.io", "rolebindings", true],
    ["rbac.authorization.k8s.io", "clusterroles", false, ["escalate", "bind"]],
    ["rbac.authorization.k8s.io", "clusterrolebindings", false],
    ["scheduling.k8s.io", "priorityclasses", false],
    ["networking.k8s.io", "networkpolicies", true],
    ["policy", "poddisruptionbudgets", true],
    ["admissionregistration.k8s.io", "validatingwebhookconfigurations", false],
    ["admissionregistration.k8s.io", "mutatingwebhookconfigurations", false],
    ["admissionregistration.k8s.io", "validatingadmissionpolicies", false],
    ["admissionregistration.k8s.io", "validatingadmissionpolicybindings", false],
    ["certificates.k8s.io", "certificatesigningrequests", false],
    ["certificates.k8s.io", "certificatesigningrequests/approval", false],
    ["certificates.k8s.io", "signers", false, ["approve", "sign"]],
    ["apiextensions.k8s.io", "customresourcedefinitions", false],
    ["flowcontrol.apiserver.k8s.io", "flowschemas", false],
    ["flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", false],
    ["security.istio.io", "authorizationpolicies", true],
    ["security.istio.io", "peerauthentications", true],
    ["networking.istio.io", "envoyfilters", true],
    ["metrics.k8s.io", "pods", true],
    ["metrics.k8s.io", "nodes", false],
    ["events.k8s.io", "events", true],
];

const rule = (apiGroups: string[], resources: string[], verbs: string[]): K8sRule => ({ apiGroups, resources, verbs });
const VIEW: K8sRule[] = [
    rule(
        [""],
        [
            "configmaps",
            "endpoints",
            "persistentvolumeclaims",
            "pods",
            "replicationcontrollers",
            "serviceaccounts",
            "services",
            "bindings",
            "events",
            "limitranges",
            "pods/log",
            "pods/status",
            "resourcequotas",
            "namespaces",
        ],
        READ,
    ),
    rule(
        ["apps"],
        ["daemonsets", "deployments", "deployments/scale", "replicasets", "statefulsets", "statefulsets/scale"],
        READ,
    ),
    rule(["batch"], ["jobs", "cronjobs"], READ),
    rule(["policy"], ["poddisruptionbudgets"], READ),
    rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], READ),
    rule(["discovery.k8s.io"], ["endpointslices"], READ),
];
const EDIT: K8sRule[] = [
    ...VIEW,
    rule([""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"], READ),
    rule([""], ["serviceaccounts"], ["impersonate"]),
    rule([""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"], WRITE),
    rule([""], ["pods/eviction", "serviceaccounts/token"], ["create"]),
    rule(
        [""],
        [
            "configmaps",
            "events",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "secrets",
            "serviceaccounts",
            "services",
            "services/proxy",
        ],
        WRITE,
    ),
    rule(
        ["apps"],
        ["daemonsets", "deployments", "deployments/scale", "replicasets", "statefulsets", "statefulsets/scale"],
        WRITE,
    ),
    rule(["batch"], ["jobs", "cronjobs"], WRITE),
    rule(["policy"], ["poddisruptionbudgets"], WRITE),
    rule(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
];
const ADMIN: K8sRule[] = [
    ...EDIT,
    rule(["rbac.authorization.k8s.io"], ["roles", "rolebindings"], [...READ, ...WRITE]),
    rule(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]),
];
const EVERYTHING: K8sRule[] = [rule(["*"], ["*"], ["*"])];

/** The default user-facing ClusterRoles (Kubernetes RBAC "User-facing roles"), as their rules. */
export const BUILT_IN_CLUSTER_ROLES: Record<string, K8sRule[]> = {
    "cluster-admin": EVERYTHING,
    admin: ADMIN,
    edit: EDIT,
    view: VIEW,
};

/**
 * Labels Kubernetes' bootstrap policy aggregates into its user-facing roles (plugin/pkg/auth/authorizer/rbac/
 * bootstrappolicy: admin, edit and view carry aggregationRules on these labels; system:aggregate-to-admin / -edit /
 * -view and every add-on's ClusterRole labelled so feed them). A ClusterRole of the plan selecting one of them
 * takes the built-in role's rules and whatever any installed add-on labels that way.
 */
export const BUILT_IN_AGGREGATION_LABELS: Record<string, keyof typeof BUILT_IN_CLUSTER_ROLES> = {
    "rbac.authorization.k8s.io/aggregate-to-admin": "admin",
    "rbac.authorization.k8s.io/aggregate-to-edit": "edit",
    "rbac.authorization.k8s.io/aggregate-to-view": "view",
};

/**
 * Label prefixes only the stack sets: an aggregation selector matching on them alone picks ClusterRoles of the plan
 * only. Any other selector (an empty one, matchExpressions, another label) can match ClusterRoles created outside
 * the plan by add-ons or operators, so its rules are unbounded.
 */
export const OWN_LABEL_PREFIXES = ["mas/"];

/**
 * EKS access policies (EKS user guide, "Review access policy permissions") as the rules they grant; an access
 * policy not listed is read as granting everything (it cannot be evaluated, so it is never a pass).
 */
export const EKS_ACCESS_POLICIES: Record<string, K8sRule[]> = {
    AmazonEKSClusterAdminPolicy: EVERYTHING,
    AmazonEKSAdminPolicy: ADMIN,
    AmazonEKSEditPolicy: EDIT,
    AmazonEKSViewPolicy: VIEW,
    AmazonEKSAdminViewPolicy: [rule(["*"], ["*"], READ)],
};

/**
 * Who a subject is, by the guide's roles, plus two deploy identities that are not roles of the guide: the one
 * that deploys the stack, and the agent stacks' deployers (platform config agentStackDeployerArns).
 */
export type K8sClass =
    | "system_admin"
    | "operator"
    | "resource_manager"
    | "agent"
    | "monitoring_agent"
    | "deployer"
    | "agent_stack_deployer";

/** Where a grant holds: the whole cluster, the agent namespaces, or the subject's own namespace. */
export type K8sScope = "cluster" | "agent-namespaces" | "own-namespace";

export interface K8sGrant {
    who: K8sClass[];
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    scope: K8sScope;
    guide: string;
}

const ALL_GROUPS = ["*"];

/** The guide's role matrix inside the cluster: anything a subject can do that no line grants is a violation. */
export const K8S_ALLOW_LIST: K8sGrant[] = [
    {
        who: ["system_admin"],
        apiGroups: ALL_GROUPS,
        resources: ["*"],
        verbs: ["*"],
        scope: "cluster",
        guide: "identity_management.rbac.roles.system_admin.permissions: manage_agents, manage_resources, manage_security",
    },
    {
        who: ["deployer"],
        apiGroups: ALL_GROUPS,
        resources: ["*"],
        verbs: ["*"],
        scope: "cluster",
        guide: "the identity that runs `pulumi up` creates the cluster's RBAC, namespaces and workloads (its one EKS access entry)",
    },
    {
        // Cluster-wide in RBAC (an agent stack creates its namespaces, so no RoleBinding can come first); the
        // platform's admission policy mas-agent-stack-deployer-scope holds the writes to agent-* namespaces.
        who: ["agent_stack_deployer"],
        apiGroups: [
            "",
            "networking.k8s.io",
            "rbac.authorization.k8s.io",
            "security.istio.io",
            "networking.istio.io",
            "flowcontrol.apiserver.k8s.io",
        ],
        resources: [
            "namespaces",
            "serviceaccounts",
            "resourcequotas",
            "limitranges",
            "networkpolicies",
            "rolebindings",
            "authorizationpolicies",
            "envoyfilters",
            "flowschemas",
        ],
        verbs: [...READ, "create", "update", "patch", "delete"],
        scope: "cluster",
        guide: "not a role of the guide: the agent stacks' deploy identity (on the in-VPC runner) creates what an agent stack holds, per agent namespace_bound (admission keeps it to agent-* namespaces)",
    },
    {
        // RBAC holds it to the contract's two ClusterRoles by resourceNames (the evaluation here ignores names).
        who: ["agent_stack_deployer"],
        apiGroups: ["rbac.authorization.k8s.io"],
        resources: ["clusterroles"],
        verbs: ["bind"],
        scope: "cluster",
        guide: "an agent stack's RoleBindings of the platform's agent and allocate ClusterRoles (bind, by name)",
    },
    {
        who: ["operator", "resource_manager", "monitoring_agent"],
        apiGroups: ["", "apps", "events.k8s.io", "metrics.k8s.io"],
        resources: [
            "pods",
            "events",
            "services",
            "endpoints",
            "namespaces",
            "nodes",
            "resourcequotas",
            "deployments",
            "replicasets",
            "statefulsets",
            "daemonsets",
        ],
        verbs: READ,
        scope: "cluster",
        guide: "operator: view_status; resource_manager: allocate needs the state of nodes and workloads; monitoring_agent: metrics of pods and nodes",
    },
    {
        who: ["operator"],
        apiGroups: [""],
        resources: ["pods/log"],
        verbs: ["get"],
        scope: "cluster",
        guide: "identity_management.rbac.roles.operator.permissions: view_logs",
    },
    {
        who: ["operator"],
        apiGroups: [""],
        resources: ["pods", "pods/eviction"],
        verbs: ["delete", "create"],
        scope: "cluster",
        guide: "identity_management.rbac.roles.operator.permissions: restart_agents (a deleted or evicted pod restarts under its controller; no new rights)",
    },
    {
        who: ["operator"],
        apiGroups: ["apps"],
        resources: ["deployments", "statefulsets"],
        verbs: ["patch"],
        scope: "agent-namespaces",
        guide: "identity_management.rbac.roles.operator.permissions: restart_agents (rollout restart of an agent)",
    },
    {
        who: ["resource_manager"],
        apiGroups: ["", "scheduling.k8s.io"],
        resources: ["limitranges", "priorityclasses"],
        verbs: READ,
        scope: "cluster",
        guide: "access_control.resource_access.compute_resources.allocate: quota_check, priority_verified (read)",
    },
    {
        who: ["resource_manager"],
        apiGroups: ["", "apps"],
        resources: ["resourcequotas", "limitranges", "deployments", "statefulsets"],
        verbs: READ,
        scope: "agent-namespaces",
        guide: "access_control.resource_access.compute_resources.allocate: quota_check reads the agents' quotas (raising its own quota would check nothing)",
    },
    {
        // Replicas only: a template update would run any image as the agent's service account and IAM role.
        who: ["resource_manager"],
        apiGroups: ["apps"],
        resources: ["deployments/scale", "statefulsets/scale"],
        verbs: ["get", "update", "patch"],
        scope: "agent-namespaces",
        guide: "access_control.resource_access.compute_resources.allocate: the replicas of the agents' workloads",
    },
    {
        who: ["agent"],
        apiGroups: [""],
        resources: ["configmaps", "pods"],
        verbs: READ,
        scope: "own-namespace",
        guide: "identity_management.rbac.roles.agent: report_status (its own configuration and pods), namespace_bound",
    },
];
