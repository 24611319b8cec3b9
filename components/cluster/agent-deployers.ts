// The agent stacks' deployers (platform config agentStackDeployerArns): the identities that run `pulumi up` of
// the agent stacks from the platform's in-VPC deploy runner (the prod EKS endpoint is private). Not a role of the
// guide: a deploy identity like the platform's own deployer, but narrow. RBAC grants them exactly the kinds an
// agent stack creates; RBAC cannot limit `create` by name nor any namespaced grant of a ClusterRoleBinding to
// some namespaces, so a ValidatingAdmissionPolicy holds their writes to agent-* namespaces and to FlowSchemas
// into the agents' priority level whose subjects are agent service accounts.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { K8S_GROUPS, K8S_RBAC_LABEL } from "../../policy-pack/catalog/identity";
import { agentNamespace } from "../config";

/** What an agent stack creates (components/agents): [apiGroup, resources]. */
export const AGENT_STACK_KINDS: [string, string[]][] = [
    ["", ["namespaces", "serviceaccounts", "resourcequotas", "limitranges"]],
    ["networking.k8s.io", ["networkpolicies"]],
    ["rbac.authorization.k8s.io", ["rolebindings"]],
    ["security.istio.io", ["authorizationpolicies"]],
    ["networking.istio.io", ["envoyfilters"]],
    ["flowcontrol.apiserver.k8s.io", ["flowschemas"]],
];
const MANAGE = ["get", "list", "watch", "create", "update", "patch", "delete"];

export interface AgentStackDeployersArgs {
    /** The ClusterRoles an agent stack's RoleBindings bind (the contract's): `bind` on exactly these. */
    bindableClusterRoles: pulumi.Input<string>[];
    /** The agents' priority level (API Priority and Fairness). */
    agentPriorityLevel: string;
    /** The platform's own FlowSchema of its agents, which an agent stack must not replace or delete. */
    platformFlowSchema: string;
}

/** ClusterRole + binding to the deployers' group, and the admission policy that scopes their writes. */
export function agentStackDeployers(name: string, args: AgentStackDeployersArgs, opts: pulumi.CustomResourceOptions) {
    const role = new k8s.rbac.v1.ClusterRole(
        `${name}-agent-stack-deployer`,
        {
            metadata: { name: "mas:agent-stack-deployer", labels: { [K8S_RBAC_LABEL]: "agent_stack_deployer" } },
            rules: [
                ...AGENT_STACK_KINDS.map(([group, resources]) => ({ apiGroups: [group], resources, verbs: MANAGE })),
                // A RoleBinding to a ClusterRole needs its rights or `bind` on it: bind, on the contract's only.
                {
                    apiGroups: ["rbac.authorization.k8s.io"],
                    resources: ["clusterroles"],
                    verbs: ["bind"],
                    resourceNames: args.bindableClusterRoles,
                },
            ],
        },
        opts,
    );
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-agent-stack-deployer`,
        {
            metadata: { name: "mas:agent-stack-deployer" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
            subjects: [{ kind: "Group", name: K8S_GROUPS.agentStackDeployer, apiGroup: "rbac.authorization.k8s.io" }],
        },
        opts,
    );
    const vap = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `${name}-agent-stack-deployer-admission`,
        { metadata: { name: "mas-agent-stack-deployer-scope" }, spec: agentStackDeployerAdmissionSpec(args) },
        opts,
    );
    const vapBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-agent-stack-deployer-admission`,
        {
            metadata: { name: "mas-agent-stack-deployer-scope" },
            spec: { policyName: vap.metadata.name, validationActions: ["Deny"] },
        },
        opts,
    );
    return { role, binding, vap, vapBinding };
}

/** The admission rules of the deployers' group: agent-* namespaces only, FlowSchemas into the agents' level. */
export function agentStackDeployerAdmissionSpec(
    args: Pick<AgentStackDeployersArgs, "agentPriorityLevel" | "platformFlowSchema">,
): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec {
    const prefix = agentNamespace("");
    const group = K8S_GROUPS.agentStackDeployer;
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            resourceRules: AGENT_STACK_KINDS.map(([g, resources]) => ({
                apiGroups: [g],
                apiVersions: ["*"],
                operations: ["CREATE", "UPDATE", "DELETE"],
                resources,
            })),
        },
        matchConditions: [
            { name: "agent-stack-deployer", expression: `request.userInfo.groups.exists(g, g == '${group}')` },
        ],
        variables: [{ name: "obj", expression: "request.operation == 'DELETE' ? oldObject : object" }],
        validations: [
            {
                expression: `request.namespace == '' || request.namespace.startsWith('${prefix}')`,
                message: `${group} write only in namespaces ${prefix}*`,
                reason: "Forbidden",
            },
            {
                expression: `request.resource.resource != 'namespaces' || variables.obj.metadata.name.startsWith('${prefix}')`,
                message: `${group} manage only namespaces ${prefix}*`,
                reason: "Forbidden",
            },
            {
                expression: [
                    "request.resource.resource != 'flowschemas' ||",
                    `(variables.obj.metadata.name != '${args.platformFlowSchema}' &&`,
                    `variables.obj.spec.priorityLevelConfiguration.name == '${args.agentPriorityLevel}' &&`,
                    "(!has(variables.obj.spec.matchingPrecedence) || variables.obj.spec.matchingPrecedence >= 1000) &&",
                    "variables.obj.spec.rules.all(r, has(r.subjects) && r.subjects.all(s, s.kind == 'ServiceAccount' &&",
                    `s.serviceAccount.namespace.startsWith('${prefix}'))))`,
                ].join(" "),
                message: `${group} manage only FlowSchemas of agent service accounts (${prefix}* namespaces) into priority level ${args.agentPriorityLevel}`,
                reason: "Forbidden",
            },
        ],
    };
}
