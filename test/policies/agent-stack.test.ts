// The agent-stack policies rule by rule over a small hand-built agent stack (agents a and b, the prod contract):
// it passes, and each one-change break fails with its control. test/agents/pack.test.ts runs them on plans of the
// real program.
import type { StackValidationPolicy } from "@pulumi/policy";
import type { PolicyResource } from "@pulumi/policy";
import { stackRole } from "../../policy-pack/lib/agent-platform";
import { allPolicies } from "../../policy-pack/policies";
import { agentRoot, CONTRACT, reference } from "../harness/contract";
import { StackResourceCase, validateStack } from "../harness/policy";

const policy = (name: string) => allPolicies.find((p) => p.name === name) as StackValidationPolicy;
const ACCOUNT = "123456789012";
const BOUNDARY = CONTRACT.identity.permissionsBoundaryArn;

type R = StackResourceCase & { name: string };

/** A compliant agent stack of agents a and b (task executors of coordinator c would add nothing new here). */
function stack(): R[] {
    const rs: R[] = [
        { ...agentRoot, name: "root" },
        { ...reference(CONTRACT), name: "platform" },
    ];
    for (const a of ["a", "b"]) {
        const ns = `agent-${a}`;
        const roleArn = `arn:aws:iam::${ACCOUNT}:role/mas-agents-a-agent-${a}`;
        rs.push(
            {
                type: "kubernetes:core/v1:Namespace",
                name: `ns-${a}`,
                props: { metadata: { name: ns, labels: { "mas/agent": a } } },
            },
            {
                type: "aws:iam/role:Role",
                name: `role-${a}`,
                props: {
                    name: `mas-agents-a-agent-${a}`,
                    arn: roleArn,
                    permissionsBoundary: BOUNDARY,
                    tags: { "rbac-role": "agent", "platform-stack": "prod" },
                    assumeRolePolicy: JSON.stringify({
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "pods.eks.amazonaws.com" },
                                Action: ["sts:AssumeRole", "sts:TagSession"],
                                Condition: { StringEquals: { "aws:RequestTag/kubernetes-service-account": a } },
                            },
                        ],
                    }),
                },
            },
            {
                type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                name: `abac-${a}`,
                props: { role: `mas-agents-a-agent-${a}`, policyArn: CONTRACT.identity.agentPolicyArn },
            },
            {
                type: "aws:kms/key:Key",
                name: `key-${a}`,
                props: {
                    arn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/key-${a}`,
                    tags: { purpose: "agent-signing", agent: a },
                    policy: JSON.stringify({
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                                Action: "kms:*",
                                Resource: "*",
                            },
                        ],
                    }),
                },
            },
            {
                type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
                name: `pod-identity-${a}`,
                props: { clusterName: CONTRACT.cluster.name, namespace: ns, serviceAccount: a, roleArn },
            },
            {
                type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                name: `rb-${a}`,
                props: {
                    metadata: { name: "agent", namespace: ns },
                    roleRef: { kind: "ClusterRole", name: CONTRACT.cluster.agentClusterRole },
                    subjects: [{ kind: "ServiceAccount", name: a, namespace: ns }],
                },
            },
            {
                type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                name: `rm-${a}`,
                props: {
                    metadata: { name: "resource-manager-allocate", namespace: ns },
                    roleRef: { kind: "ClusterRole", name: CONTRACT.cluster.resourceManagerAllocate.clusterRole },
                    subjects: [{ kind: "Group", name: CONTRACT.cluster.resourceManagerAllocate.group }],
                },
            },
            {
                type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
                name: `np-${a}`,
                props: {
                    metadata: { name: "allow-mesh", namespace: ns },
                    spec: {
                        podSelector: {},
                        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }] }],
                        ingress: [{ from: [{ podSelector: {} }] }],
                    },
                },
            },
        );
    }
    rs.push({
        type: "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema",
        name: "flow",
        props: {
            metadata: { name: "mas-agents-a-agents" },
            spec: { priorityLevelConfiguration: { name: "mas-agents" } },
        },
    });
    return rs;
}

const find = (rs: R[], name: string) => rs.find((r) => r.name === name)!;
const messages = (name: string, rs: R[]) => validateStack(policy(name), rs).map((v) => v.message);

describe("agent-stack policies, rule by rule", () => {
    it.each([
        "agent-stack-platform-contract",
        "agent-stack-role-scope",
        "agent-stack-message-keys",
        "agent-stack-pod-identity",
        "agent-stack-namespaces",
        "agent-stack-rbac",
        "agent-stack-network-segments",
    ])("%s passes the compliant agent stack", (name) => {
        expect(messages(name, stack())).toEqual([]);
    });

    it.each<[string, string, (rs: R[]) => void, string]>([
        [
            "agent-stack-platform-contract",
            "an agent the platform runs itself",
            (rs) =>
                (find(rs, "ns-a").props.metadata = {
                    name: "agent-coordinator",
                    labels: { "mas/agent": "coordinator" },
                }),
            "[RBAC-AGENT-NS] agent coordinator of this stack also runs on the platform stack prod: an agent's namespace has one owner",
        ],
        [
            "agent-stack-role-scope",
            "a boundary of another stack",
            (rs) =>
                (find(rs, "role-a").props.permissionsBoundary =
                    `arn:aws:iam::${ACCOUNT}:policy/mas-dev-permissions-boundary`),
            `[IAM-BOUNDARY] role mas-agents-a-agent-a has permissions boundary "arn:aws:iam::${ACCOUNT}:policy/mas-dev-permissions-boundary"; every role of an agent stack carries its platform's boundary ${BOUNDARY} (contract identity.permissionsBoundaryArn)`,
        ],
        [
            "agent-stack-role-scope",
            "signing with any agent-signing key (no aws:ResourceTag/agent pin)",
            (rs) =>
                (find(rs, "role-a").props.inlinePolicies = [
                    {
                        name: "sign",
                        policy: JSON.stringify({
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Action: "kms:Sign",
                                    Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`,
                                    Condition: { StringEquals: { "aws:ResourceTag/purpose": "agent-signing" } },
                                },
                            ],
                        }),
                    },
                ]),
            `[MSG-SIG-ALG] agent role mas-agents-a-agent-a (agent a): inline policy sign grants kms:Sign on arn:aws:kms:eu-west-1:${ACCOUNT}:key/*: every key matching arn:aws:kms:eu-west-1:${ACCOUNT}:key/*, other agents' signing keys among them`,
        ],
        [
            "agent-stack-role-scope",
            "a NotAction grant",
            (rs) =>
                (find(rs, "role-b").props.inlinePolicies = [
                    { name: "wide", policy: { Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] } },
                ]),
            "[RBAC-AGENT-PERMS] agent role mas-agents-a-agent-b (b): inline policy wide allows by NotAction / NotResource, which reaches beyond its own data and keys",
        ],
        [
            "agent-stack-message-keys",
            "a key for an agent of no stack here",
            (rs) => (find(rs, "key-b").props.tags = { purpose: "agent-signing", agent: "planner" }),
            '[MSG-SIG-ALG] signing key key-b is tagged for agent "planner", not an agent of this stack (a, b)',
        ],
        [
            "agent-stack-pod-identity",
            "another cluster",
            (rs) => (find(rs, "pod-identity-a").props.clusterName = "mas-dev-eks"),
            '[RBAC-AGENT-NS] Pod Identity association pod-identity-a is for cluster "mas-dev-eks", not the platform\'s mas-prod-eks',
        ],
        [
            "agent-stack-pod-identity",
            "a namespace of no agent of this stack",
            (rs) => (find(rs, "pod-identity-a").props.namespace = "agent-coordinator"),
            "[RBAC-AGENT-NS] Pod Identity association pod-identity-a gives agent-coordinator/a a role: not the service account of one of this stack's agent namespaces",
        ],
        [
            "agent-stack-pod-identity",
            "another agent's role",
            (rs) => (find(rs, "pod-identity-a").props.roleArn = find(rs, "role-b").props.arn),
            "[RBAC-AGENT-NS] Pod Identity association pod-identity-a gives agent-a/a the role of agent b",
        ],
        [
            "agent-stack-namespaces",
            "a cluster-wide ClusterRoleBinding",
            (rs) =>
                rs.push({
                    type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
                    name: "crb",
                    props: {
                        metadata: { name: "agents-a-admin" },
                        roleRef: { kind: "ClusterRole", name: "cluster-admin" },
                    },
                }),
            "[RBAC-AGENT-NS] ClusterRoleBinding agents-a-admin is cluster-wide: cluster-wide objects (ClusterRoles, ClusterRoleBindings, admission, priority levels) are the platform's",
        ],
        [
            "agent-stack-namespaces",
            "a FlowSchema into another priority level",
            (rs) => (find(rs, "flow").props.spec = { priorityLevelConfiguration: { name: "workload-high" } }),
            '[RBAC-AGENT-NS] FlowSchema mas-agents-a-agents puts requests into priority level "workload-high", not the platform\'s agent level mas-agents',
        ],
        [
            "agent-stack-rbac",
            "the agents' ClusterRole bound to another namespace's service account",
            (rs) => (find(rs, "rb-a").props.subjects = [{ kind: "ServiceAccount", name: "b", namespace: "agent-b" }]),
            "[RBAC-AGENT-NS] RoleBinding agent-a/agent binds the platform's agent ClusterRole mas:agent to ServiceAccount agent-b/b: only the namespace's own agent service account may hold it",
        ],
        [
            "agent-stack-rbac",
            "the allocate ClusterRole bound to a user",
            (rs) => (find(rs, "rm-b").props.subjects = [{ kind: "User", name: "alice" }]),
            "[ACC-RES-ALLOCATE] RoleBinding agent-b/resource-manager-allocate binds the platform's allocate ClusterRole mas:resource-manager-allocate to User alice: only the group mas:resource-managers may hold it",
        ],
        [
            "agent-stack-rbac",
            "a Role this stack does not define",
            (rs) => (find(rs, "rb-b").props.roleRef = { kind: "Role", name: "admin" }),
            "[RBAC-AGENT-NS] RoleBinding agent-b/agent binds Role admin, which this stack does not define in agent-b",
        ],
        [
            "agent-stack-network-segments",
            "ingress from the management segment",
            (rs) => {
                const spec = find(rs, "np-b").props.spec as { ingress: unknown[] };
                spec.ingress.push({ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.1.0/24"] } }] });
            },
            "[NET-SEG-MGMT] NetworkPolicy agent-b/allow-mesh allows ingress from 10.0.0.0/16, which covers the platform's management segment 10.0.3.0/24",
        ],
    ])("%s catches %s", (name, _what, edit, message) => {
        const rs = stack();
        edit(rs);
        expect(messages(name, rs)).toEqual([message]);
    });

    // Review finding 3: the pack trusts no contract it cannot tie to the platform the stack and the pin name.
    const retarget = (rs: R[], name: string, edit: (c: typeof CONTRACT) => void) => {
        const ref = find(rs, "platform");
        const contract = JSON.parse(JSON.stringify(CONTRACT)) as typeof CONTRACT;
        edit(contract);
        ref.props = { name, outputs: { agentPlatform: contract } };
    };
    const PREFIX = "[IAM-BOUNDARY] platform contract of StackReference";
    it.each<[string, (rs: R[]) => void, Record<string, unknown>, string[]]>([
        [
            "a reference to the dev platform (b11)",
            (rs) =>
                retarget(rs, "dev", (c) => {
                    Object.assign(c, { stack: "dev", environment: "dev", namePrefix: "mas-dev" });
                    c.identity.permissionsBoundaryArn = `arn:aws:iam::${ACCOUNT}:policy/mas-dev-permissions-boundary`;
                    c.identity.agentPolicyArn = `arn:aws:iam::${ACCOUNT}:policy/mas-dev-agent`;
                }),
            {},
            [
                `${PREFIX} dev: the StackReference names dev, but this stack's platformStack is prod`,
                `${PREFIX} dev: the platform's environment is dev, this agent stack's is prod`,
            ],
        ],
        [
            "a look-alike platform in another project with a lenient boundary (b12)",
            (rs) =>
                retarget(rs, "myorg/team-a-platform/prod", (c) => {
                    c.project = "team-a-platform";
                    c.identity.permissionsBoundaryArn = `arn:aws:iam::${ACCOUNT}:policy/team-a-anything-goes`;
                }),
            { platformStack: "myorg/multi-agent-security/prod" },
            [
                `${PREFIX} myorg/team-a-platform/prod: the StackReference names myorg/team-a-platform/prod, but this stack's platformStack is prod`,
                `${PREFIX} myorg/team-a-platform/prod: the policy config (policy-pack/config/<stack>.json) pins platform stack myorg/multi-agent-security/prod, but this stack references myorg/team-a-platform/prod (project team-a-platform stack prod)`,
                `${PREFIX} myorg/team-a-platform/prod: the contract's permissionsBoundaryArn arn:aws:iam::${ACCOUNT}:policy/team-a-anything-goes is not the platform's own boundary (arn:aws:iam::${ACCOUNT}:policy/mas-prod-permissions-boundary)`,
            ],
        ],
        [
            "a power policy as the agent policy (b12c)",
            (rs) =>
                retarget(rs, "prod", (c) => {
                    c.identity.agentPolicyArn = `arn:aws:iam::${ACCOUNT}:policy/team-a-agent-power`;
                }),
            {},
            [
                `[RBAC-AGENT-PERMS] platform contract of StackReference prod: the contract's agentPolicyArn arn:aws:iam::${ACCOUNT}:policy/team-a-agent-power is not the platform's shared agent policy (arn:aws:iam::${ACCOUNT}:policy/mas-prod-agent)`,
            ],
        ],
        [
            "a contract of another project behind a short reference",
            (rs) => retarget(rs, "prod", (c) => (c.project = "team-b")),
            {},
            [
                `${PREFIX} prod: the StackReference prod resolves to project multi-agent-security stack prod, but its contract is of project team-b stack prod`,
            ],
        ],
        [
            "a platform other than the pinned one",
            () => undefined,
            { platformStack: "staging", environment: "staging" },
            [
                `${PREFIX} prod: the policy config (policy-pack/config/<stack>.json) pins platform stack staging, but this stack references prod (project multi-agent-security stack prod)`,
                `${PREFIX} prod: the policy config (policy-pack/config/<stack>.json) pins environment staging, but the platform's is prod`,
            ],
        ],
    ])("agent-stack-platform-contract catches %s", (_what, edit, pin, expected) => {
        const rs = stack();
        edit(rs);
        expect(validateStack(policy("agent-stack-platform-contract"), rs, pin).map((v) => v.message)).toEqual(expected);
    });

    it.each([{ platformStack: "prod", environment: "prod" }, { platformStack: "myorg/multi-agent-security/prod" }])(
        "agent-stack-platform-contract passes the pinned platform %j",
        (pin) => {
            expect(validateStack(policy("agent-stack-platform-contract"), stack(), pin)).toEqual([]);
        },
    );

    it("agent-stack-platform-contract passes a fully qualified reference to the pinned platform", () => {
        const rs = stack();
        retarget(rs, "myorg/multi-agent-security/prod", () => undefined);
        const root = find(rs, "root");
        root.props = {
            stackSettings: {
                ...(root.props.stackSettings as object),
                platformStack: "myorg/multi-agent-security/prod",
            },
        };
        expect(
            validateStack(policy("agent-stack-platform-contract"), rs, {
                platformStack: "myorg/multi-agent-security/prod",
                environment: "prod",
            }),
        ).toEqual([]);
    });

    it("reads a contract of the same major and a newer minor with an added field (review 10)", () => {
        const rs = stack();
        retarget(rs, "prod", (c) => Object.assign(c, { minor: 4, addedInMinor4: ["x"] }));
        expect(messages("agent-stack-platform-contract", rs)).toEqual([]);
        retarget(rs, "prod", (c) => Object.assign(c, { version: 2 }));
        expect(messages("agent-stack-platform-contract", rs)).toEqual([
            "StackReference prod: the platform's agentPlatform is contract version 2, this pack reads version 1: deploy the platform and agent stacks from the same release (controls IAM-BOUNDARY, RBAC-AGENT-NS, MESH-AUTHZ-STRICT, K8S-NETPOL cannot be verified)",
        ]);
    });

    it("reports a garbled contract CIDR as a contract violation, not a crash (b33)", () => {
        const rs = stack();
        retarget(rs, "prod", (c) => (c.network.segments.management = "mgmt"));
        expect(messages("agent-stack-platform-contract", rs)).toEqual([
            "StackReference prod: the platform's agentPlatform lacks network.segments.management as an IPv4 CIDR (or it has the wrong type): not a valid version 1 contract (controls IAM-BOUNDARY, RBAC-AGENT-NS, MESH-AUTHZ-STRICT, K8S-NETPOL cannot be verified)",
        ]);
        expect(messages("agent-stack-network-segments", rs)).toEqual([]);
    });

    // Review finding 9: platform-wide objects from an agent stack.
    const flowRule = (subjects: unknown[]) => ({
        subjects,
        resourceRules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"], clusterScope: true, namespaces: ["*"] }],
    });
    const ownFlowRule = flowRule([
        { kind: "ServiceAccount", serviceAccount: { namespace: "agent-a", name: "*" } },
        { kind: "ServiceAccount", serviceAccount: { namespace: "agent-b", name: "*" } },
    ]);
    const vs = (spec: Record<string, unknown>): R => ({
        type: "kubernetes:networking.istio.io/v1:VirtualService",
        name: "vs",
        props: { metadata: { name: "route", namespace: "agent-a" }, spec },
    });
    const route = [{ route: [{ destination: { host: "a.agent-a.svc.cluster.local" } }] }];
    it.each<[string, (rs: R[]) => void, string[]]>([
        [
            "a FlowSchema rule capturing system:authenticated (b16b)",
            (rs) =>
                (find(rs, "flow").props.spec = {
                    priorityLevelConfiguration: { name: "mas-agents" },
                    matchingPrecedence: 100,
                    rules: [ownFlowRule, flowRule([{ kind: "Group", group: { name: "system:authenticated" } }])],
                }),
            [
                "[RBAC-AGENT-RATE] FlowSchema mas-agents-a-agents matches Group system:authenticated: an agent stack's FlowSchema classifies only its own agents' service accounts (a wider subject takes other users' requests into the agents' level)",
            ],
        ],
        [
            "a FlowSchema of another stack's service accounts",
            (rs) =>
                (find(rs, "flow").props.spec = {
                    priorityLevelConfiguration: { name: "mas-agents" },
                    rules: [
                        flowRule([
                            { kind: "ServiceAccount", serviceAccount: { namespace: "agent-coordinator", name: "*" } },
                        ]),
                    ],
                }),
            [
                "[RBAC-AGENT-RATE] FlowSchema mas-agents-a-agents matches ServiceAccount agent-coordinator/*: an agent stack's FlowSchema classifies only its own agents' service accounts (a wider subject takes other users' requests into the agents' level)",
            ],
        ],
        [
            "a VirtualService rerouting the platform coordinator's host (b46)",
            (rs) => rs.push(vs({ hosts: ["coordinator.agent-coordinator.svc.cluster.local"], http: route })),
            [
                '[MESH-AUTHZ-STRICT] VirtualService agent-a/route is exported to ["*"]: an agent stack\'s routing must be exportTo ["."], else it steers other namespaces\' traffic',
            ],
        ],
        [
            "a namespace-local VirtualService for another namespace's host",
            (rs) =>
                rs.push(
                    vs({ hosts: ["coordinator.agent-coordinator.svc.cluster.local"], exportTo: ["."], http: route }),
                ),
            [
                "[MESH-AUTHZ-STRICT] VirtualService agent-a/route routes coordinator.agent-coordinator.svc.cluster.local, a host outside its namespace agent-a",
            ],
        ],
        [
            "a mesh Gateway",
            (rs) =>
                rs.push({
                    type: "kubernetes:networking.istio.io/v1:Gateway",
                    name: "gw",
                    props: { metadata: { name: "gw", namespace: "agent-a" }, spec: { servers: [] } },
                }),
            [
                "[MESH-AUTHZ-STRICT] Gateway agent-a/gw is a mesh gateway: ingress and egress gateways are the platform's",
            ],
        ],
    ])("agent-stack-namespaces catches %s", (_what, edit, expected) => {
        const rs = stack();
        edit(rs);
        expect(messages("agent-stack-namespaces", rs)).toEqual(expected);
    });

    it("agent-stack-namespaces passes own-agent FlowSchema subjects and namespace-local routing of its own host", () => {
        const rs = stack();
        find(rs, "flow").props.spec = { priorityLevelConfiguration: { name: "mas-agents" }, rules: [ownFlowRule] };
        rs.push(vs({ hosts: ["a", "a.agent-a.svc.cluster.local"], exportTo: ["."], http: route }));
        expect(messages("agent-stack-namespaces", rs)).toEqual([]);
    });

    it("leaves everything but the contract's own check quiet when the contract is missing", () => {
        const rs = stack().filter((r) => r.name !== "platform");
        for (const name of [
            "agent-stack-role-scope",
            "agent-stack-rbac",
            "agent-stack-namespaces",
            "agent-stack-network-segments",
        ]) {
            expect([name, messages(name, rs)]).toEqual([name, []]);
        }
        expect(messages("agent-stack-platform-contract", rs)).toHaveLength(1);
    });

    // Review (low): a platform holding a StackReference to some contract keeps its platform checks.
    it.each<[string, Record<string, unknown> | undefined, string]>([
        ["a platform's stackSettings (no role) beside a contract reference", { environment: "prod" }, "platform"],
        ["stackSettings role agents", { environment: "prod", role: "agents", platformStack: "prod" }, "agents"],
        ["no stackSettings at all, a contract reference", undefined, "agents"],
    ])("classifies %s", (_what, settings, role) => {
        const resources = [
            { type: "pulumi:pulumi:Stack", urn: "urn:root", props: settings ? { stackSettings: settings } : {} },
            { type: "pulumi:pulumi:StackReference", urn: "urn:ref", props: reference(CONTRACT).props },
        ] as unknown as PolicyResource[];
        expect(stackRole(resources)).toBe(role);
    });
});
