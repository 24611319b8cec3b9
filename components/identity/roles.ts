// The identity section's IAM: the permissions boundary, the RBAC roles (humans with MFA, the monitoring agent
// through EKS Pod Identity) with their policies, and one namespace-bound workload role per agent.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import {
    BOUNDARY_TAG,
    PAM_MAX_SESSION_HOURS,
    PLATFORM_STACK_TAG,
    RBAC_ROLE_TAG,
    RbacRole,
} from "../../policy-pack/catalog/identity";
import { AGENT_SIGNING } from "../../policy-pack/catalog/data";
import { agentNamespace, clusterName, IAM_ROLE_NAME_MAX } from "../config";
import * as docs from "./documents";

/** Where the metrics collector runs; the cluster section creates its Pod Identity association. */
export const MONITORING_SERVICE_ACCOUNT = { namespace: "monitoring", name: "monitoring-agent" } as const;

/** IAM role names are limited to 64 characters. */
const HOUR = 3600;

export interface IdentityRoles {
    systemAdmin: aws.iam.Role;
    operator: aws.iam.Role;
    monitoringAgent: aws.iam.Role;
    resourceManager: aws.iam.Role;
}

/** A policy document rendered as JSON once account, region and partition are known. */
export type PolicyJson = (build: (c: docs.IamContext) => docs.PolicyDocument) => pulumi.Output<string>;

/** Account, region and partition of the running stack, and the renderer of the section's policy documents. */
export function iamContext(
    parent: pulumi.Resource,
    cfg: { stack: string },
    prefix: string,
    /** The cluster the Pod Identity trusts name; an agent stack's is the platform's (default: this stack's). */
    cluster: pulumi.Input<string> = clusterName(cfg),
) {
    const opts = { parent };
    const caller = aws.getCallerIdentityOutput({}, opts);
    const region = aws.getRegionOutput({}, opts);
    const partition = aws.getPartitionOutput({}, opts);
    const ctx: pulumi.Output<docs.IamContext> = pulumi
        .all([caller.accountId, region.region, partition.partition, cluster])
        .apply(([account, reg, part, clusterNameValue]) => ({
            account,
            region: reg,
            partition: part,
            prefix,
            clusterName: clusterNameValue,
            stack: cfg.stack,
        }));
    const json: PolicyJson = (build) => ctx.apply((c) => JSON.stringify(build(c)));
    return { accountId: caller.accountId, region: region.region, json };
}

/** Physical name prefix and policy renderer every IAM function of the section takes. */
export interface IamArgs {
    prefix: string;
    json: PolicyJson;
}

/** The permissions boundary every role of the stack carries. */
export function permissionsBoundary(parent: pulumi.Resource, name: string, args: IamArgs): aws.iam.Policy {
    return new aws.iam.Policy(
        `${name}-permissions-boundary`,
        {
            name: `${args.prefix}-permissions-boundary`,
            description: "Permissions boundary of every IAM role of the stack (least privilege ceiling, PAM).",
            policy: args.json(docs.permissionsBoundary),
            tags: { [BOUNDARY_TAG]: "true" },
        },
        { parent },
    );
}

export interface RoleArgs extends IamArgs {
    permissionsBoundaryArn: pulumi.Input<string>;
}

/** A role of the section (`${prefix}-${key}`), bounded and tagged with its RBAC role. */
function rbacRole(
    parent: pulumi.Resource,
    name: string,
    args: RoleArgs,
    role: {
        key: string;
        rbac: RbacRole;
        trust: pulumi.Input<string>;
        maxSessionDuration: number;
        description: string;
        tags?: Record<string, string>;
    },
): aws.iam.Role {
    const roleName = `${args.prefix}-${role.key}`;
    if (roleName.length > IAM_ROLE_NAME_MAX) {
        throw new Error(`IAM role name ${roleName} is longer than ${IAM_ROLE_NAME_MAX} characters`);
    }
    return new aws.iam.Role(
        `${name}-${role.key}`,
        {
            name: roleName,
            description: role.description,
            assumeRolePolicy: role.trust,
            maxSessionDuration: role.maxSessionDuration,
            permissionsBoundary: args.permissionsBoundaryArn,
            tags: { ...role.tags, [RBAC_ROLE_TAG]: role.rbac },
        },
        { parent },
    );
}

/** A policy of one RBAC role, attached to its roles. */
function rbacPolicy(
    parent: pulumi.Resource,
    name: string,
    prefix: string,
    policy: { key: string; rbac: RbacRole; document: pulumi.Input<string>; roles: aws.iam.Role[] },
): aws.iam.Policy {
    const { key, roles } = policy;
    const p = new aws.iam.Policy(
        `${name}-${key}`,
        { name: `${prefix}-${key}`, policy: policy.document, tags: { [RBAC_ROLE_TAG]: policy.rbac } },
        { parent },
    );
    roles.forEach(
        (r, i) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-${key}-${roles.length === 1 ? "attachment" : i}`,
                { role: r.name, policyArn: p.arn },
                { parent },
            ),
    );
    return p;
}

/**
 * The RBAC roles and their policies. Human roles are assumed from the account with MFA: privileged sessions
 * last at most PAM_MAX_SESSION_HOURS, the others as long as the guide's token expiry.
 */
export function rbacRoles(parent: pulumi.Resource, name: string, args: RoleArgs) {
    const humanTrust = args.json(docs.humanTrust);
    const tokenSeconds = guide.identityManagement.tokenExpiryHours * HOUR;
    const systemAdmin = rbacRole(parent, name, args, {
        key: "system-admin",
        rbac: "system_admin",
        trust: humanTrust,
        maxSessionDuration: PAM_MAX_SESSION_HOURS * HOUR,
        description:
            "system_admin: manage agents, resources and security (MFA, 1 h sessions, every assumption alarmed).",
    });
    const operator = rbacRole(parent, name, args, {
        key: "operator",
        rbac: "operator",
        trust: humanTrust,
        maxSessionDuration: tokenSeconds,
        description: "operator: view status, restart agents, view logs; no configuration or security changes.",
    });
    const resourceManager = rbacRole(parent, name, args, {
        key: "resource-manager",
        rbac: "resource_manager",
        trust: humanTrust,
        maxSessionDuration: tokenSeconds,
        description: "resource_manager: allocate compute (node group capacity, quotas, priority classes).",
    });
    const monitoringAgent = rbacRole(parent, name, args, {
        key: "monitoring-agent",
        rbac: "monitoring_agent",
        trust: args.json((c) =>
            docs.podIdentityTrust(c, MONITORING_SERVICE_ACCOUNT.namespace, MONITORING_SERVICE_ACCOUNT.name),
        ),
        maxSessionDuration: HOUR,
        description: "monitoring_agent: writes metrics (EKS Pod Identity, monitoring/monitoring-agent).",
    });
    const roles: IdentityRoles = { systemAdmin, operator, monitoringAgent, resourceManager };

    const policy = (key: string, rbac: RbacRole, document: pulumi.Input<string>, role: aws.iam.Role) =>
        rbacPolicy(parent, name, args.prefix, { key, rbac, document, roles: [role] });
    const policies = {
        systemAdmin: policy("system-admin", "system_admin", args.json(docs.systemAdminPolicy), systemAdmin),
        operator: policy("operator", "operator", args.json(docs.operatorPolicy), operator),
        resourceManager: policy(
            "resource-manager",
            "resource_manager",
            args.json(docs.resourceManagerPolicy),
            resourceManager,
        ),
        monitoringAgent: policy(
            "monitoring-agent",
            "monitoring_agent",
            args.json(docs.monitoringAgentPolicy),
            monitoringAgent,
        ),
    };
    return { roles, policies };
}

/**
 * Agent workload roles: trusted only by EKS Pod Identity for the agent's own namespace / service account.
 * Per agent: one role and one attachment of the shared ABAC policy (constant count, so 1,000 agents scale).
 * The shared policy is created here unless `agentPolicyArn` names one (an agent stack attaches its platform's).
 */
export function agentRoles(
    parent: pulumi.Resource,
    name: string,
    args: RoleArgs & {
        agents: string[];
        /** The platform stack the agents belong to (its data and key policies admit agents by this tag). */
        platformStack: string;
        /** The stack building them: signing is held to the keys this stack built for them (agent-stack tag). */
        stack: string;
        agentPolicyArn?: pulumi.Input<string>;
    },
) {
    const roles: Record<string, aws.iam.Role> = Object.fromEntries(
        args.agents.map((agent) => [
            agent,
            rbacRole(parent, name, args, {
                key: `agent-${agent}`,
                rbac: "agent",
                trust: args.json((c) => docs.podIdentityTrust(c, agentNamespace(agent), agent)),
                maxSessionDuration: HOUR,
                description: `agent ${agent}: namespace-bound workload role (EKS Pod Identity, ${agentNamespace(agent)}/${agent}).`,
                tags: { [PLATFORM_STACK_TAG]: args.platformStack, [AGENT_SIGNING.stackTag]: args.stack },
            }),
        ]),
    );
    const policy =
        args.agentPolicyArn === undefined
            ? new aws.iam.Policy(
                  `${name}-agent`,
                  {
                      name: `${args.prefix}-agent`,
                      policy: args.json(docs.agentPolicy),
                      tags: { [RBAC_ROLE_TAG]: "agent", [PLATFORM_STACK_TAG]: args.platformStack },
                  },
                  { parent },
              )
            : undefined;
    const policyArn = policy ? policy.arn : args.agentPolicyArn;
    const attachments = args.agents.map(
        (agent) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-agent-${agent}`,
                { role: roles[agent].name, policyArn: policyArn as pulumi.Input<string> },
                { parent },
            ),
    );
    return { roles, policy, attachments };
}
