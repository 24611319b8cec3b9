// What the agent-stack policies share: the stack's own agents, their roles and signing keys, read from the
// agent stack's state; the platform's facts come from lib/agent-platform.ts.

import type { PolicyResource } from "@pulumi/policy";
import { AGENT_SIGNING } from "../../catalog/data";
import { AGENT_LABEL } from "../../catalog/identity";
import { asArray, asObject as obj, asStrings, parsePolicyDocument } from "../lib";

export const T = {
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    /** Attaches one policy to roles, users and groups (exclusively: it owns every attachment of that policy). */
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    key: "aws:kms/key:Key",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    namespace: "kubernetes:core/v1:Namespace",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    role8s: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    flowSchema: "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema",
};

export const meta = (r: PolicyResource) => obj(r.props.metadata);
export const tagsOf = (r: PolicyResource): Record<string, string> =>
    ({ ...obj(r.props.tagsAll), ...obj(r.props.tags) }) as Record<string, string>;

/** The stack's agent namespaces (labelled mas/agent) → their agent. */
export function ownAgents(resources: readonly PolicyResource[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const n of resources.filter((r) => r.type === T.namespace)) {
        const agent = obj(meta(n).labels)[AGENT_LABEL];
        if (typeof agent === "string") {
            out.set(String(meta(n).name), agent);
        }
    }
    return out;
}

export interface AgentRole {
    resource: PolicyResource;
    name: string;
    arn: string;
    /** The agent it serves (its Pod Identity service account), if known. */
    agent?: string;
}

/**
 * The stack's roles, all of them agent roles (an agent stack builds no other; agent-stack-role-scope reports one
 * not tagged rbac-role agent, and holds it to an agent's scope all the same), each with the agent whose service account its trust policy
 * admits (the Pod Identity session tag kubernetes-service-account), else the one its name ends with.
 */
export function agentRoles(resources: readonly PolicyResource[]): AgentRole[] {
    return resources
        .filter((r) => r.type === T.role)
        .map((r) => {
            const arn = String(r.props.arn ?? "");
            const name = String(r.props.name ?? r.name);
            const trusted = statementsOf(r.props.assumeRolePolicy).flatMap((s) =>
                conditionValues(s, ["StringEquals"], "aws:RequestTag/kubernetes-service-account"),
            );
            const agent = trusted.length === 1 ? trusted[0] : /-agent-(.+)$/.exec(name)?.[1];
            return { resource: r, name, arn, ...(agent ? { agent } : {}) };
        });
}

/** The stack's agent signing keys: ARN → the agent it signs for. */
export function signingKeys(resources: readonly PolicyResource[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const k of resources.filter((r) => r.type === T.key)) {
        const tags = tagsOf(k);
        if (tags[AGENT_SIGNING.purposeTag] === AGENT_SIGNING.purpose && typeof k.props.arn === "string") {
            out.set(k.props.arn, tags[AGENT_SIGNING.agentTag] ?? "");
        }
    }
    return out;
}

export interface Statement {
    effect: string;
    actions: string[];
    notActions: string[];
    resources: string[];
    notResources: string[];
    principals: string[];
    condition: Record<string, Record<string, unknown>>;
}

/** A policy document's statements, normalised (string or object document; one or many values). */
export function statementsOf(doc: unknown): Statement[] {
    const parsed = parsePolicyDocument(doc);
    return asArray(parsed?.Statement as unknown[] | undefined).map((raw) => {
        const s = obj(raw);
        const principal = s.Principal === "*" ? { AWS: "*" } : obj(s.Principal);
        return {
            effect: String(s.Effect ?? ""),
            actions: asStrings(s.Action),
            notActions: asStrings(s.NotAction),
            resources: asStrings(s.Resource),
            notResources: asStrings(s.NotResource),
            principals: Object.values(principal).flatMap((v) => asStrings(v)),
            condition: obj(s.Condition) as Record<string, Record<string, unknown>>,
        };
    });
}

/** Actions that only verify another agent's signatures (every agent may use every agent's public key). */
const VERIFY_ACTIONS = ["kms:verify", "kms:getpublickey", "kms:describekey"];

export function verifyOnly(s: Statement): boolean {
    return s.notActions.length === 0 && s.actions.every((a) => VERIFY_ACTIONS.includes(a.toLowerCase()));
}

/** The values a condition operator (any of `operators`) sets for a key, case-insensitively by key. */
export function conditionValues(s: Statement, operators: string[], key: string): string[] {
    return Object.entries(s.condition)
        .filter(([op]) => operators.includes(op))
        .flatMap(([, block]) =>
            Object.entries(obj(block))
                .filter(([k]) => k.toLowerCase() === key.toLowerCase())
                .flatMap(([, v]) => asStrings(v)),
        );
}
