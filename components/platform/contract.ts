// The contract between a platform stack and its agent stacks: what the platform exports (one plain output,
// `agentPlatform`, plus the existing secret `kubeconfig` output) and what an agent stack reads through its
// StackReference. Plain on purpose: a secret anywhere in an output makes the whole output secret, and the policy
// pack on an agent stack reads these facts from the StackReference resource's outputs in the agent stack's state.
import { z } from "zod";

/**
 * The contract's major version: bump on a change an agent stack of the previous major would misread (a field
 * renamed, removed, retyped); agent stacks then move in lockstep with the platform.
 */
export const CONTRACT_VERSION = 1;
/**
 * The contract's minor version (output field `minor`, absent = 0): bump when the platform adds a field. Agent
 * stacks of the same major and an older minor keep working (they ignore fields they do not know), so a platform
 * upgrades first and its agent stacks follow at their own pace.
 */
export const CONTRACT_MINOR = 0;
/** The least minor this program's agent side needs (the minor that added the newest field it reads). */
export const CONTRACT_MINOR_REQUIRED = 0;

/** The platform stack's output holding the contract. */
export const CONTRACT_OUTPUT = "agentPlatform";
/** The platform stack's secret output with the cluster's kubeconfig (exec: `aws eks get-token`). */
export const KUBECONFIG_OUTPUT = "kubeconfig";

const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: "expected an IPv4 CIDR" });
const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/, { message: "expected an ARN" });
const name = z.string().min(1);

export const contractSchema = z.object({
    version: z.literal(CONTRACT_VERSION),
    /** Minor version: fields added within the major (absent = 0). */
    minor: z.number().int().min(0).optional(),
    /** Project and stack of the platform (URNs, names). */
    project: name,
    stack: name,
    /** The platform's environment and profile; an agent stack must run in the same environment. */
    environment: name,
    profile: z.enum(["dev", "prod"]),
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: "expected an AWS region" }),
    account: z.string().regex(/^\d{12}$/, { message: "expected a 12-digit AWS account id" }),
    /** `mas-<platform stack>`: the platform's physical names (its roles, policies, buckets) start with it. */
    namePrefix: name,
    cluster: z.object({
        name,
        /** ClusterRole every agent's service account is bound to in its namespace (cluster/rbac.ts). */
        agentClusterRole: name,
        /** resource_manager's allocate ClusterRole and the Kubernetes group it is bound to in agent namespaces. */
        resourceManagerAllocate: z.object({ clusterRole: name, group: name }),
        /** The agents' API priority level (API Priority and Fairness); an agent stack's FlowSchema points at it. */
        agentPriorityLevel: name,
    }),
    mesh: z.object({
        /** SPIFFE trust domain of the mesh principals. */
        trustDomain: name,
        /** Istio's root namespace (mesh-wide policies live there). */
        rootNamespace: name,
    }),
    identity: z.object({
        /** Permissions boundary every role must carry, the agent stacks' roles too. */
        permissionsBoundaryArn: arn,
        /** The shared ABAC policy of agent roles (constant size), attached to every agent role. */
        agentPolicyArn: arn,
    }),
    data: z.object({
        /** The payload KMS key and the Secrets Manager secret holding the rotated payload data key. */
        payloadKeyArn: arn,
        payloadSecretArn: arn,
    }),
    /** The address plan (the platform's stackSettings): agent namespaces' network policies are built from it. */
    network: z.object({
        vpcCidr: cidr,
        segments: z.object({ agent: cidr, service: cidr, management: cidr }),
        serviceSubnetCidrs: z.array(cidr).min(1),
    }),
    /** The platform's own agents (it may have none): names an agent stack must not reuse. */
    agents: z.array(name),
});

export type AgentPlatformContract = z.output<typeof contractSchema>;

/** A contract that an agent stack cannot use; the message names the platform stack and the field. */
export class ContractError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ContractError";
    }
}

/**
 * Validates what the platform stack's `agentPlatform` output holds. The version is checked first, so a platform
 * on another contract version fails on that and not on the first field that moved.
 */
export function parseContract(
    value: unknown,
    platformStack: string,
    minorRequired: number = CONTRACT_MINOR_REQUIRED,
): AgentPlatformContract {
    const where = `platform stack ${platformStack}, output ${CONTRACT_OUTPUT}`;
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        throw new ContractError(
            `${where}: expected the agent-platform contract (an object with version ${CONTRACT_VERSION}), got ${JSON.stringify(value ?? null)}; is ${platformStack} a platform stack (no platformStack key) deployed with this project's version?`,
        );
    }
    const version = (value as { version?: unknown }).version;
    if (version !== CONTRACT_VERSION) {
        throw new ContractError(
            `${where}: contract version ${JSON.stringify(version ?? null)}, this program reads version ${CONTRACT_VERSION}; update the ${Number(version) > CONTRACT_VERSION ? "agent stack's" : "platform stack's"} project to the same release`,
        );
    }
    const minor = (value as { minor?: unknown }).minor ?? 0;
    if (typeof minor !== "number" || minor < minorRequired) {
        throw new ContractError(
            `${where}: contract version ${CONTRACT_VERSION}.${JSON.stringify(minor)}, this program needs ${CONTRACT_VERSION}.${minorRequired} or later (same major); update the platform stack first`,
        );
    }
    const result = contractSchema.safeParse(value);
    if (!result.success) {
        const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
        throw new ContractError(`${where}: invalid contract: ${problems.join("; ")}`);
    }
    return result.data;
}
