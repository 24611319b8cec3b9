// The agent stack's AWS identities against its platform's contract: each agent role carries the platform's
// permissions boundary and reaches only its own signing key, the platform's shared payload key and secret, and
// its own data; each signing key is its agent's alone; each Pod Identity association joins the platform's
// cluster in one of this stack's namespaces.

import type { PolicyResource } from "@pulumi/policy";
import { AGENT_SIGNING } from "../../catalog/data";
import { platformFacts, PlatformFacts } from "../../lib/agent-platform";
import { asObject as obj, asString, asStrings, stackPolicy } from "../lib";
import {
    agentRoles,
    AgentRole,
    conditionValues,
    ownAgents,
    signingKeys,
    Statement,
    statementsOf,
    T,
    tagsOf,
    verifyOnly,
} from "./shared";
import { PLATFORM_STACK_TAG, RBAC_ROLE_TAG } from "../../catalog/identity";

/** Resources whose physical name must not fall under the platform's prefix. */
const NAMED = [T.role, T.policy, "aws:kms/alias:Alias"];

/** Write actions of S3 (for the control a grant on data falls under). */
const S3_WRITE = /^s3:(put|delete|restore|replicate|abort|\*)/i;

/** The caller's own agent in a condition: its Pod Identity service account, or the agent's name. */
const isSelf = (agent: string) => (v: string) => v === AGENT_SIGNING.callerVariable || v === agent;

/**
 * What an agent may do with the platform's shared payload key and secret: exactly the message-crypto statements
 * (components/data/message-keys.ts), each with its condition. A statement passes when every action it names is
 * here (no wildcards) and its condition holds.
 */
const PAYLOAD_GRANTS: { on: "key" | "secret"; actions: string[]; ok: (s: Statement, agent: string) => boolean }[] = [
    { on: "secret", actions: ["secretsmanager:getsecretvalue", "secretsmanager:describesecret"], ok: () => true },
    {
        // Encrypt only as itself: the sender in the encryption context is the caller.
        on: "key",
        actions: ["kms:encrypt", "kms:generatedatakey"],
        ok: (s, agent) => {
            const sender = conditionValues(s, ["StringEquals"], "kms:EncryptionContext:sender");
            return sender.length > 0 && sender.every(isSelf(agent));
        },
    },
    {
        // Decrypt the data key through Secrets Manager, or a message that names its sender.
        on: "key",
        actions: ["kms:decrypt"],
        ok: (s) =>
            conditionValues(s, ["StringEquals", "StringLike"], "kms:ViaService").some((v) =>
                v.startsWith("secretsmanager."),
            ) || conditionValues(s, ["Null"], "kms:EncryptionContext:sender").some((v) => v === "false"),
    },
];

/** Why statement `s` on the payload key / secret goes beyond the message-crypto grants, or undefined. */
function payloadProblem(s: Statement, on: "key" | "secret", agent: string): string | undefined {
    for (const action of s.actions) {
        const grant = PAYLOAD_GRANTS.find((g) => g.on === on && g.actions.includes(action.toLowerCase()));
        if (!grant) {
            return `${action} is not one of the message-crypto grants on the platform's payload ${on} (${PAYLOAD_GRANTS.filter(
                (g) => g.on === on,
            )
                .flatMap((g) => g.actions)
                .join(", ")})`;
        }
        if (!grant.ok(s, agent)) {
            return `${action} on the platform's payload ${on} lacks the message-crypto condition (encrypt: kms:EncryptionContext:sender = the caller; decrypt: through Secrets Manager or with a sender in the encryption context)`;
        }
    }
    return undefined;
}

/** The platform's data-store buckets (components/config dataStoreBucketName), from the contract. */
function dataBuckets(facts: PlatformFacts): { agentData: string; metricsData: string } {
    const [, partition = "aws", , region = ""] = facts.data.payloadKeyArn.split(":");
    const bucket = (store: string) => `arn:${partition}:s3:::${facts.namePrefix}-${store}-${facts.account}-${region}`;
    return { agentData: bucket("agent-data"), metricsData: bucket("metrics-data") };
}

/** Object actions on an agent's own prefix of agent_data; reads of metrics_data (the guide's data_access). */
const OWN_DATA_ACTIONS = ["s3:getobject", "s3:getobjectversion", "s3:putobject"];
const METRICS_READ_ACTIONS = ["s3:getobject", "s3:getobjectversion"];

/** The documents an agent role's permissions come from, with where each came from; `outside` lists the rest. */
function documentsOf(
    role: AgentRole,
    resources: readonly PolicyResource[],
    facts: PlatformFacts,
): { docs: { from: string; doc: unknown }[]; outside: string[] } {
    const policies = new Map(
        resources.filter((r) => r.type === T.policy).map((p) => [String(p.props.arn ?? ""), p] as const),
    );
    const refersTo = (v: unknown) => v === role.name || v === role.arn || v === role.resource.props.id;
    const attached = [
        ...asStrings(role.resource.props.managedPolicyArns),
        ...resources
            .filter((r) => r.type === T.attachment && refersTo(r.props.role))
            .map((r) => String(r.props.policyArn ?? "")),
        ...resources
            .filter((r) => r.type === T.policyAttachment && asStrings(r.props.roles).some(refersTo))
            .map((r) => String(r.props.policyArn ?? "")),
    ];
    const docs: { from: string; doc: unknown }[] = [];
    const outside: string[] = [];
    for (const arn of new Set(attached)) {
        const own = policies.get(arn);
        if (own) {
            docs.push({ from: `policy ${String(own.props.name ?? arn)}`, doc: own.props.policy });
        } else if (arn !== facts.identity.agentPolicyArn) {
            outside.push(arn);
        }
    }
    for (const p of (Array.isArray(role.resource.props.inlinePolicies) ? role.resource.props.inlinePolicies : []).map(
        obj,
    )) {
        docs.push({ from: `inline policy ${String(p.name ?? "")}`, doc: p.policy });
    }
    for (const rp of resources.filter((r) => r.type === T.rolePolicy && refersTo(r.props.role))) {
        docs.push({ from: `role policy ${String(rp.props.name ?? rp.name)}`, doc: rp.props.policy });
    }
    return { docs, outside };
}

/** Why a grant of `s` on `resource` is not the agent's own, or undefined when it is. */
function notOwn(
    agent: string,
    s: Statement,
    resource: string,
    facts: PlatformFacts,
    keys: Map<string, string>,
): { control: string; why: string } | undefined {
    if (resource === facts.data.payloadKeyArn || resource === facts.data.payloadSecretArn) {
        const why = payloadProblem(s, resource === facts.data.payloadKeyArn ? "key" : "secret", agent);
        return why ? { control: "MSG-PAYLOAD-KEY-STORAGE", why } : undefined;
    }
    const keyAgent = keys.get(resource);
    if (keyAgent !== undefined) {
        return keyAgent === agent || verifyOnly(s)
            ? undefined
            : { control: "MSG-SIG-ALG", why: `the signing key of agent ${keyAgent || "(untagged)"}` };
    }
    const service = /^arn:aws[\w-]*:([^:]+):/.exec(resource)?.[1] ?? (resource === "*" ? "*" : "");
    if ((service === "kms" || service === "*") && (resource.includes("*") || resource === "*")) {
        // A key pattern: fine to verify with; to sign, the statement must pin the key to the caller's own.
        const pinned = conditionValues(s, ["StringEquals", "StringLike"], `aws:ResourceTag/${AGENT_SIGNING.agentTag}`);
        const onlyOwn = pinned.length > 0 && pinned.every((v) => v === AGENT_SIGNING.callerVariable || v === agent);
        if (verifyOnly(s) || onlyOwn) {
            return undefined;
        }
        return { control: "MSG-SIG-ALG", why: `every key matching ${resource}, other agents' signing keys among them` };
    }
    if (service === "kms") {
        return {
            control: "MSG-SIG-ALG",
            why: `a key that is neither its own signing key nor the platform's payload key`,
        };
    }
    if (service === "s3") {
        // Its own data: its prefix of the platform's agent_data (object reads and puts), and metrics_data reads.
        const buckets = dataBuckets(facts);
        const only = (allowed: string[]) => s.actions.every((a) => allowed.includes(a.toLowerCase()));
        const own = [agent, `agent-${agent}`, AGENT_SIGNING.callerVariable];
        const [bucket, first, ...rest] = resource.split("/");
        if (bucket === buckets.agentData && own.includes(first ?? "") && rest.length > 0 && only(OWN_DATA_ACTIONS)) {
            return undefined;
        }
        if (bucket === buckets.metricsData && first !== undefined && only(METRICS_READ_ACTIONS)) {
            return undefined;
        }
        const write = s.actions.some((a) => S3_WRITE.test(a)) || s.actions.includes("*");
        return { control: write ? "ACC-DATA-AGENT-WRITE" : "ACC-DATA-AGENT-READ", why: "data that is not its own" };
    }
    return {
        control: "RBAC-AGENT-PERMS",
        why: "a resource outside its own data, its keys and the platform's contract",
    };
}

export const agentRoleScope = stackPolicy({
    name: "agent-stack-role-scope",
    description:
        "On an agent stack, every IAM role carries the platform's permissions boundary (from the contract), and each agent role's policies reach only its own signing key, the platform's payload key and secret with exactly the message-crypto grants and conditions, and its own data (object reads and puts under its prefix of the platform's agent_data, reads of metrics_data); managed policies other than the platform's agent policy and this stack's own are refused (their grants cannot be verified here).",
    controls: [
        "IAM-BOUNDARY",
        "RBAC-AGENT-PERMS",
        "ACC-DATA-AGENT-READ",
        "ACC-DATA-AGENT-WRITE",
        "MSG-SIG-ALG",
        "MSG-PAYLOAD-KEY-STORAGE",
    ],
    severity: "critical",
    validate: (args, report) => {
        const facts = platformFacts(args.resources);
        if (!facts) {
            return; // agent-stack-platform-contract reports the missing contract.
        }
        for (const r of args.resources.filter((x) => x.type === T.role)) {
            if (r.props.permissionsBoundary !== facts.identity.permissionsBoundaryArn) {
                report(
                    `[IAM-BOUNDARY] role ${String(r.props.name ?? r.name)} has permissions boundary ${JSON.stringify(r.props.permissionsBoundary ?? null)}; every role of an agent stack carries its platform's boundary ${facts.identity.permissionsBoundaryArn} (contract identity.permissionsBoundaryArn)`,
                    r.urn,
                );
            }
        }
        // The platform's own names: its system_admin's rights, its data policies and its operators read
        // `${namePrefix}-*` as the platform's; an agent stack names its resources with its own prefix.
        const platformNames = `${facts.namePrefix}-`;
        for (const r of args.resources.filter((x) => NAMED.includes(x.type))) {
            const name = String(r.props.name ?? "").replace(/^alias\//, "");
            if (name.startsWith(platformNames)) {
                report(
                    `[RBAC-AGENT-PERMS] ${r.type.split(":").pop()} ${String(r.props.name)} is named under the platform's prefix ${platformNames}: an agent stack's names use its own prefix (mas<hash>-<stack>), never its platform's`,
                    r.urn,
                );
            }
        }
        for (const r of args.resources.filter((x) => x.type === T.role)) {
            const tags = tagsOf(r);
            if (tags[RBAC_ROLE_TAG] !== "agent" || tags[PLATFORM_STACK_TAG] !== facts.stack) {
                report(
                    `[RBAC-AGENT-PERMS] role ${String(r.props.name ?? r.name)} is tagged ${RBAC_ROLE_TAG}=${JSON.stringify(tags[RBAC_ROLE_TAG] ?? null)}, ${PLATFORM_STACK_TAG}=${JSON.stringify(tags[PLATFORM_STACK_TAG] ?? null)}: every role of an agent stack is an agent role of its platform (${RBAC_ROLE_TAG}=agent, ${PLATFORM_STACK_TAG}=${facts.stack}), held to an agent's scope`,
                    r.urn,
                );
            }
        }
        const keys = signingKeys(args.resources);
        for (const role of agentRoles(args.resources)) {
            const agent = role.agent ?? "";
            const { docs, outside } = documentsOf(role, args.resources, facts);
            for (const arn of outside) {
                report(
                    `[RBAC-AGENT-PERMS] agent role ${role.name} attaches ${arn}, neither the platform's agent policy (${facts.identity.agentPolicyArn}) nor a policy of this stack: its grants cannot be held to the agent's own data and keys`,
                    role.resource.urn,
                );
            }
            for (const { from, doc } of docs) {
                for (const s of statementsOf(doc).filter((x) => x.effect === "Allow")) {
                    if (s.notResources.length > 0 || s.notActions.length > 0) {
                        report(
                            `[RBAC-AGENT-PERMS] agent role ${role.name} (${agent}): ${from} allows by NotAction / NotResource, which reaches beyond its own data and keys`,
                            role.resource.urn,
                        );
                        continue;
                    }
                    for (const resource of s.resources) {
                        const bad = notOwn(agent, s, resource, facts, keys);
                        if (bad) {
                            report(
                                `[${bad.control}] agent role ${role.name} (agent ${agent}): ${from} grants ${s.actions.join(", ")} on ${resource}: ${bad.why}`,
                                role.resource.urn,
                            );
                        }
                    }
                }
            }
        }
    },
});

export const agentMessageKeys = stackPolicy({
    name: "agent-stack-message-keys",
    description:
        "On an agent stack, every signing key is for one of its own agents, and its key policy lets no principal but the account and that agent's own role use it beyond verification.",
    controls: ["MSG-SIG-ALG"],
    severity: "critical",
    validate: (args, report) => {
        const facts = platformFacts(args.resources);
        if (!facts) {
            return;
        }
        const agents = new Set(ownAgents(args.resources).values());
        const roleOf = new Map(agentRoles(args.resources).map((r) => [r.agent, r.arn]));
        const root = `arn:aws:iam::${facts.account}:root`;
        for (const k of args.resources.filter((r) => r.type === T.key)) {
            const agent = signingKeys([k]).get(String(k.props.arn));
            if (agent === undefined) {
                continue;
            }
            if (!agents.has(agent)) {
                report(
                    `[MSG-SIG-ALG] signing key ${k.name} is tagged for agent ${JSON.stringify(agent)}, not an agent of this stack (${[...agents].sort().join(", ")})`,
                    k.urn,
                );
            }
            for (const s of statementsOf(k.props.policy).filter((x) => x.effect === "Allow" && !verifyOnly(x))) {
                const others = s.principals.filter((p) => p !== root && p !== facts.account && p !== roleOf.get(agent));
                if (others.length > 0) {
                    report(
                        `[MSG-SIG-ALG] the key policy of agent ${agent}'s signing key ${k.name} grants ${s.actions.join(", ")} to ${others.join(", ")}: a signing key is its agent's alone`,
                        k.urn,
                    );
                }
            }
        }
    },
});

export const agentPodIdentity = stackPolicy({
    name: "agent-stack-pod-identity",
    description:
        "On an agent stack, each Pod Identity association joins the platform's cluster (contract cluster.name) for a service account in one of this stack's own agent namespaces, with that agent's role of this stack and no target role.",
    controls: ["RBAC-AGENT-NS"],
    severity: "high",
    validate: (args, report) => {
        const facts = platformFacts(args.resources);
        if (!facts) {
            return;
        }
        const agents = ownAgents(args.resources);
        const roleOf = new Map(agentRoles(args.resources).map((r) => [r.arn, r.agent]));
        for (const p of args.resources.filter((r) => r.type === T.podIdentity)) {
            const ns = asString(p.props.namespace) ?? "";
            const sa = asString(p.props.serviceAccount) ?? "";
            if (p.props.clusterName !== facts.cluster.name) {
                report(
                    `[RBAC-AGENT-NS] Pod Identity association ${p.name} is for cluster ${JSON.stringify(p.props.clusterName ?? null)}, not the platform's ${facts.cluster.name}`,
                    p.urn,
                );
            }
            if (agents.get(ns) !== sa) {
                report(
                    `[RBAC-AGENT-NS] Pod Identity association ${p.name} gives ${ns}/${sa} a role: not the service account of one of this stack's agent namespaces`,
                    p.urn,
                );
            }
            const roleArn = String(p.props.roleArn ?? "");
            const roleAgent = roleOf.get(roleArn);
            if (!roleOf.has(roleArn)) {
                report(
                    `[RBAC-AGENT-NS] Pod Identity association ${p.name} gives ${ns}/${sa} role ${roleArn || "(none)"}: not an agent role of this stack`,
                    p.urn,
                );
            } else if (roleAgent !== sa) {
                report(
                    `[RBAC-AGENT-NS] Pod Identity association ${p.name} gives ${ns}/${sa} the role of agent ${roleAgent ?? "(unknown)"}`,
                    p.urn,
                );
            }
            if (p.props.targetRoleArn !== undefined && p.props.targetRoleArn !== null && p.props.targetRoleArn !== "") {
                report(
                    `[RBAC-AGENT-NS] Pod Identity association ${p.name} chains to target role ${String(p.props.targetRoleArn)}: an agent's pods get their own agent role only, no role chaining`,
                    p.urn,
                );
            }
        }
    },
});
