// A platform contract (components/platform/contract.ts) as an agent stack's StackReference holds it, for policy
// tests over hand-built agent-stack resources.

/** The contract as the prod platform exports it (components/platform/contract.ts), in a StackReference's outputs. */
export const CONTRACT = {
    version: 1,
    project: "multi-agent-security",
    stack: "prod",
    environment: "prod",
    profile: "prod",
    region: "eu-west-1",
    account: "123456789012",
    namePrefix: "mas-prod",
    cluster: {
        name: "mas-prod-eks",
        agentClusterRole: "mas:agent",
        resourceManagerAllocate: { clusterRole: "mas:resource-manager-allocate", group: "mas:resource-managers" },
        agentPriorityLevel: "mas-agents",
    },
    mesh: { trustDomain: "cluster.local", rootNamespace: "istio-system" },
    identity: {
        permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/mas-prod-permissions-boundary",
        agentPolicyArn: "arn:aws:iam::123456789012:policy/mas-prod-agent",
    },
    data: {
        payloadKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
        payloadSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mas-prod/message-payload-key-1",
    },
    network: {
        vpcCidr: "10.0.0.0/16",
        segments: { agent: "10.0.1.0/24", service: "10.0.2.0/24", management: "10.0.3.0/24" },
        serviceSubnetCidrs: ["10.0.2.0/26"],
    },
    agents: ["coordinator"],
};
export const reference = (contract: unknown) => ({
    type: "pulumi:pulumi:StackReference",
    name: "platform",
    props: { name: "prod", outputs: { agentPlatform: contract } },
});
export const agentRoot = {
    type: "pulumi:pulumi:Stack",
    urn: "urn:pulumi:agents-a::multi-agent-security::pulumi:pulumi:Stack::multi-agent-security-agents-a",
    props: { stackSettings: { environment: "prod", role: "agents", platformStack: "prod", agents: ["a"] } },
};
