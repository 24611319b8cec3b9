// Cluster-wide Kubernetes guardrails: RBAC for the human roles' groups, priority classes only the
// resource-manager group may use, and API Priority and Fairness for the agents' API calls.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { K8S_GROUPS, K8S_RBAC_LABEL } from "../../policy-pack/catalog/identity";
import { agentNamespace } from "../config";

/** Per-agent Kubernetes priority classes (priority_verified); only the resource-manager group may use them. */
export const PRIORITY_CLASSES = { critical: 100_000, elevated: 10_000 } as const;

/** The agents' API priority level; the platform's own agent FlowSchema has the same name. */
export const AGENT_PRIORITY_LEVEL = "mas-agents";

/** Kubernetes API Priority and Fairness budget of all agents together (shares of the API server's seats). */
const AGENT_API_SHARES = 10;

/** ClusterRoles (and group bindings) of the operator and resource-manager groups, and the agents' ClusterRole. */
export function clusterRbac(name: string, opts: pulumi.CustomResourceOptions) {
    const clusterRole = (key: string, rbac: string, rules: k8s.types.input.rbac.v1.PolicyRule[]) =>
        new k8s.rbac.v1.ClusterRole(
            `${name}-${key}`,
            { metadata: { name: `mas:${key}`, labels: { [K8S_RBAC_LABEL]: rbac } }, rules },
            opts,
        );
    const bindGroup = (key: string, role: k8s.rbac.v1.ClusterRole, group: string) =>
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-${key}`,
            {
                metadata: { name: `mas:${key}` },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
                subjects: [{ kind: "Group", name: group, apiGroup: "rbac.authorization.k8s.io" }],
            },
            opts,
        );
    const read = ["get", "list", "watch"];
    // operator: view status and logs; restart = delete / evict pods (their controllers recreate them
    // unchanged). No patch on workloads: RBAC cannot limit a patch to the restart annotation.
    const operatorRole = clusterRole("operator", "operator", [
        {
            apiGroups: [""],
            resources: ["pods", "events", "services", "endpoints", "namespaces", "nodes", "resourcequotas"],
            verbs: read,
        },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
        { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
        {
            apiGroups: ["apps"],
            resources: ["deployments", "replicasets", "statefulsets", "daemonsets"],
            verbs: read,
        },
        { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: read },
        { apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list"] },
    ]);
    const operatorBinding = bindGroup("operator", operatorRole, K8S_GROUPS.operator);
    // resource_manager allocates compute (guide: access_control.resource_access compute_resources.allocate):
    // cluster-wide it only reads; what it changes (quotas, limit ranges, replicas, the resources and priority
    // of existing agent workloads) it changes only in the agent namespaces, through the allocate role bound
    // there (agents.ts). No create anywhere: a Deployment it could create in istio-system, kube-system or as an
    // agent's service account would carry that namespace's secrets, node access or IAM role.
    const rmRole = clusterRole("resource-manager", "resource_manager", [
        { apiGroups: [""], resources: ["resourcequotas", "limitranges"], verbs: read },
        { apiGroups: ["scheduling.k8s.io"], resources: ["priorityclasses"], verbs: read },
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: read },
        { apiGroups: [""], resources: ["nodes", "pods", "namespaces"], verbs: read },
    ]);
    // Replicas only (the scale subresources): an update of a workload's template would run any image as the
    // agent's service account (its IAM role and mesh identity), and a quota it could raise would no longer check
    // anything (quota_check).
    const rmAllocateRole = clusterRole("resource-manager-allocate", "resource_manager", [
        { apiGroups: [""], resources: ["resourcequotas", "limitranges"], verbs: read },
        { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: read },
        {
            apiGroups: ["apps"],
            resources: ["deployments/scale", "statefulsets/scale"],
            verbs: ["get", "update", "patch"],
        },
    ]);
    const rmBinding = bindGroup("resource-manager", rmRole, K8S_GROUPS.resourceManager);
    // agent: read its own namespace's configuration (bound per namespace by a RoleBinding, agents.ts).
    const agentRole = clusterRole("agent", "agent", [
        { apiGroups: [""], resources: ["configmaps"], verbs: read },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
    ]);
    return { operatorRole, operatorBinding, rmRole, rmBinding, rmAllocateRole, agentRole };
}

/** priority_verified: priority classes only the resource-manager group may use (a ValidatingAdmissionPolicy). */
export function priorityClasses(name: string, opts: pulumi.CustomResourceOptions) {
    const classes = Object.entries(PRIORITY_CLASSES).map(
        ([key, value]) =>
            new k8s.scheduling.v1.PriorityClass(
                `${name}-priority-${key}`,
                {
                    metadata: { name: `mas-${key}` },
                    value,
                    globalDefault: false,
                    description: `Agent priority ${key}: only the ${K8S_GROUPS.resourceManager} group may use it.`,
                },
                opts,
            ),
    );
    const priorityNames = Object.keys(PRIORITY_CLASSES).map((key) => `mas-${key}`);
    const vap = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `${name}-priority-admission`,
        {
            metadata: { name: "mas-priority-class-allocation" },
            spec: priorityAdmissionSpec(priorityNames, K8S_GROUPS.resourceManager),
        },
        opts,
    );
    const vapBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-priority-admission`,
        {
            metadata: { name: "mas-priority-class-allocation" },
            spec: { policyName: vap.metadata.name, validationActions: ["Deny"] },
        },
        opts,
    );
    return { classes, vap, vapBinding };
}

/** rate_limited: API Priority and Fairness queues every agent service account's API calls in one level. */
export function agentApiFlowControl(name: string, agents: string[], opts: pulumi.CustomResourceOptions) {
    const level = new k8s.flowcontrol.v1.PriorityLevelConfiguration(
        `${name}-agent-api`,
        {
            metadata: { name: AGENT_PRIORITY_LEVEL },
            spec: {
                type: "Limited",
                limited: {
                    nominalConcurrencyShares: AGENT_API_SHARES,
                    lendablePercent: 0,
                    limitResponse: {
                        type: "Queue",
                        queuing: { queues: 64, handSize: 6, queueLengthLimit: 50 },
                    },
                },
            },
        },
        opts,
    );
    // A FlowSchema rule needs at least one subject: a platform without agents of its own keeps only the level,
    // which its agent stacks' FlowSchemas use.
    const flow =
        agents.length > 0
            ? new k8s.flowcontrol.v1.FlowSchema(
                  `${name}-agent-api`,
                  {
                      metadata: { name: AGENT_PRIORITY_LEVEL },
                      spec: agentFlowSchemaSpec(agents, AGENT_PRIORITY_LEVEL),
                  },
                  { ...opts, dependsOn: [level] },
              )
            : undefined;
    return { level, flow };
}

/**
 * ValidatingAdmissionPolicy: a pod or workload template naming one of `classes` is admitted only for a member
 * of `group`. Controllers in kube-system create the pods of admitted workloads, so they pass.
 */
export function priorityAdmissionSpec(
    classes: string[],
    group: string,
): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec {
    const ops = ["CREATE", "UPDATE"];
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            resourceRules: [
                { apiGroups: [""], apiVersions: ["v1"], operations: ops, resources: ["pods"] },
                {
                    apiGroups: ["apps"],
                    apiVersions: ["v1"],
                    operations: ops,
                    resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
                },
                { apiGroups: ["batch"], apiVersions: ["v1"], operations: ops, resources: ["jobs", "cronjobs"] },
            ],
        },
        variables: [
            {
                name: "podSpec",
                expression:
                    "object.kind == 'Pod' ? object.spec : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec)",
            },
            {
                name: "priorityClass",
                expression: "has(variables.podSpec.priorityClassName) ? variables.podSpec.priorityClassName : ''",
            },
        ],
        validations: [
            {
                expression: `!(variables.priorityClass in ${JSON.stringify(classes)}) || request.userInfo.groups.exists(g, g == '${group}') || request.userInfo.username.startsWith('system:serviceaccount:kube-system:')`,
                message: `priority classes ${classes.join(", ")} may only be used by ${group}`,
                reason: "Forbidden",
            },
        ],
    };
}

/** FlowSchema that puts every agent namespace's service accounts into one limited, fairly queued level. */
export function agentFlowSchemaSpec(agents: string[], level: string): k8s.types.input.flowcontrol.v1.FlowSchemaSpec {
    return {
        priorityLevelConfiguration: { name: level },
        // Before the built-in service-accounts schema (9000), after the system ones.
        matchingPrecedence: 1000,
        distinguisherMethod: { type: "ByNamespace" },
        rules: [
            {
                subjects: agents.map((a) => ({
                    kind: "ServiceAccount",
                    serviceAccount: { namespace: agentNamespace(a), name: "*" },
                })),
                resourceRules: [
                    { verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"], clusterScope: true },
                ],
                nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
            },
        ],
    };
}
