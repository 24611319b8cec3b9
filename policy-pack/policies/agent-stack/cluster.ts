// The agent stack's contract with its platform and its Kubernetes objects against it: the StackReference holds
// a contract of this pack's version; every namespaced object lives in one of the stack's own agent namespaces;
// RoleBindings bind only the platform's ClusterRoles (or the namespace's own Roles) to the namespace's own
// subjects; NetworkPolicies keep out of the platform's management segment.

import { overlaps, contains, isCidr } from "../../lib/cidr";
import {
    ownEnvironment,
    ownPlatformStack,
    parseStackName,
    PlatformFacts,
    platformView,
    platformFacts,
    thisProject,
} from "../../lib/agent-platform";
import { policyConfigFile } from "../../lib/stack-config";
import { asObject as obj, asString, stackPolicy } from "../lib";
import type { PolicyResource } from "@pulumi/policy";
import { meta, ownAgents, T } from "./shared";

/** The platform team's pin of an agent stack's platform (policy config agent-stack-platform-contract). */
export interface PlatformPin {
    /** `<stack>` or `<org>/<project>/<stack>`: the one platform stack this agent stack may reference. */
    platformStack?: string;
    /** The platform's environment (its contract's environment). */
    environment?: string;
}

/** The platform's own name for a policy: `arn:<partition>:iam::<account>:policy/<namePrefix>-<suffix>`. */
function platformPolicyArn(arn: string, facts: PlatformFacts, suffix: string): boolean {
    const m = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):policy\/(.+)$/.exec(arn);
    return m !== null && m[2] === facts.account && m[3] === `${facts.namePrefix}-${suffix}`;
}

/**
 * Who the referenced platform is, against what this stack and the pin say: the reference names the stack's
 * platformStack, the contract is that stack's (project, stack), of this stack's environment, the pinned platform
 * and environment, and its boundary and agent policy are the platform's own (not a lenient or powerful policy a
 * look-alike platform exports).
 */
function identityProblems(resources: readonly PolicyResource[], facts: PlatformFacts, named: string, pin: PlatformPin) {
    const out: string[] = [];
    const own = ownPlatformStack(resources);
    if (own !== undefined && own !== named) {
        out.push(`the StackReference names ${named}, but this stack's platformStack is ${own}`);
    }
    const ref = parseStackName(named);
    const project = thisProject(resources);
    if (!ref) {
        out.push(`the StackReference name ${JSON.stringify(named)} is neither <stack> nor <org>/<project>/<stack>`);
    } else {
        const wanted = { project: ref.project ?? project, stack: ref.stack };
        if (facts.stack !== wanted.stack || (wanted.project !== undefined && facts.project !== wanted.project)) {
            out.push(
                `the StackReference ${named} resolves to project ${wanted.project ?? "(unknown)"} stack ${wanted.stack}, but its contract is of project ${facts.project} stack ${facts.stack}`,
            );
        }
    }
    const env = ownEnvironment(resources);
    if (env !== undefined && facts.environment !== env) {
        out.push(`the platform's environment is ${facts.environment}, this agent stack's is ${env}`);
    }
    const pinned = pin.platformStack !== undefined ? parseStackName(pin.platformStack) : undefined;
    if (pin.platformStack !== undefined) {
        const same =
            pinned !== undefined &&
            ref !== undefined &&
            pinned.stack === facts.stack &&
            (pinned.project === undefined || pinned.project === facts.project) &&
            (pinned.org === undefined || ref.org === undefined || pinned.org === ref.org);
        if (!same) {
            out.push(
                `the policy config (${policyConfigFile()}) pins platform stack ${pin.platformStack}, but this stack references ${named} (project ${facts.project} stack ${facts.stack})`,
            );
        }
    }
    if (pin.environment !== undefined && pin.environment !== facts.environment) {
        out.push(
            `the policy config (${policyConfigFile()}) pins environment ${pin.environment}, but the platform's is ${facts.environment}`,
        );
    }
    if (!platformPolicyArn(facts.identity.permissionsBoundaryArn, facts, "permissions-boundary")) {
        out.push(
            `[IAM-BOUNDARY] the contract's permissionsBoundaryArn ${facts.identity.permissionsBoundaryArn} is not the platform's own boundary (arn:aws:iam::${facts.account}:policy/${facts.namePrefix}-permissions-boundary)`,
        );
    }
    if (!platformPolicyArn(facts.identity.agentPolicyArn, facts, "agent")) {
        out.push(
            `[RBAC-AGENT-PERMS] the contract's agentPolicyArn ${facts.identity.agentPolicyArn} is not the platform's shared agent policy (arn:aws:iam::${facts.account}:policy/${facts.namePrefix}-agent)`,
        );
    }
    return out;
}

export const agentPlatformContract = stackPolicy({
    name: "agent-stack-platform-contract",
    description:
        "An agent stack references its platform stack (a pulumi:pulumi:StackReference whose outputs carry the agentPlatform contract of the version this pack reads): the reference is the stack's platformStack, the contract is that stack's, of the same environment, the platform the policy config pins (platformStack, environment; owned by the platform team), with the platform's own permissions boundary and agent policy; and the stack owns none of the platform's own agents. Without a trusted contract none of its agent controls can be checked against the platform.",
    controls: ["IAM-BOUNDARY", "RBAC-AGENT-PERMS", "RBAC-AGENT-NS", "MESH-AUTHZ-STRICT", "K8S-NETPOL"],
    severity: "critical",
    configSchema: {
        properties: {
            platformStack: { type: "string", pattern: "^[^/]+(/[^/]+/[^/]+)?$" },
            environment: { type: "string", minLength: 1 },
        },
    },
    validate: (args, report) => {
        const view = platformView(args.resources);
        if (!view.facts) {
            report(
                `${view.problem ?? "no platform contract"} (controls IAM-BOUNDARY, RBAC-AGENT-NS, MESH-AUTHZ-STRICT, K8S-NETPOL cannot be verified)`,
                view.urn,
            );
            return;
        }
        const named = view.platformStack ?? view.facts.stack;
        for (const problem of identityProblems(args.resources, view.facts, named, args.getConfig<PlatformPin>())) {
            const [, control = "IAM-BOUNDARY", text = problem] = /^(?:\[([A-Z-]+)\] )?(.*)$/s.exec(problem) ?? [];
            report(`[${control}] platform contract of StackReference ${named}: ${text}`, view.urn);
        }
        const theirs = [...ownAgents(args.resources).values()].filter((a) => view.facts?.agents.includes(a));
        if (theirs.length > 0) {
            report(
                `[RBAC-AGENT-NS] agent${theirs.length > 1 ? "s" : ""} ${theirs.sort().join(", ")} of this stack also run${theirs.length > 1 ? "" : "s"} on the platform stack ${view.facts.stack}: an agent's namespace has one owner`,
                view.urn,
            );
        }
    },
});

/** Kubernetes types an agent stack creates outside any namespace: its namespaces and its FlowSchema. */
const CLUSTER_SCOPED_OWN = [T.namespace, T.flowSchema];

export const agentNamespaces = stackPolicy({
    name: "agent-stack-namespaces",
    description:
        "On an agent stack, every namespaced Kubernetes object (mesh AuthorizationPolicies, NetworkPolicies, RoleBindings, quotas) lives in one of the stack's own agent namespaces, its only cluster-wide objects are those namespaces and a FlowSchema into the platform's agent priority level whose subjects are only its own agents' service accounts; Istio routing (VirtualService, DestinationRule, ServiceEntry) is namespace-local (exportTo dot) for hosts of its own namespace, and no mesh Gateway: the root namespace, the system namespaces, another stack's agents, other namespaces' traffic and cluster-wide RBAC are the platform's.",
    controls: ["RBAC-AGENT-NS", "MESH-AUTHZ-STRICT", "RBAC-AGENT-RATE"],
    severity: "critical",
    validate: (args, report) => {
        const facts = platformFacts(args.resources);
        if (!facts) {
            return;
        }
        const own = ownAgents(args.resources);
        for (const r of args.resources.filter((x) => x.type.startsWith("kubernetes:") && !x.type.includes("helm"))) {
            const ns = asString(meta(r).namespace);
            const control = r.type.includes("istio.io") ? "MESH-AUTHZ-STRICT" : "RBAC-AGENT-NS";
            const kind = r.type.split(":").pop();
            if (ns !== undefined) {
                if (!own.has(ns)) {
                    report(
                        `[${control}] ${kind} ${ns}/${String(meta(r).name ?? r.name)} is in namespace ${ns}, not one of this stack's agent namespaces (${[...own.keys()].sort().join(", ") || "none"})${ns === facts.mesh.rootNamespace ? `: ${ns} is the platform's mesh root namespace, whose policies apply to every namespace` : ""}`,
                        r.urn,
                    );
                }
            } else if (!CLUSTER_SCOPED_OWN.includes(r.type)) {
                report(
                    `[${control}] ${kind} ${String(meta(r).name ?? r.name)} is cluster-wide: cluster-wide objects (ClusterRoles, ClusterRoleBindings, admission, priority levels) are the platform's`,
                    r.urn,
                );
            } else if (r.type === T.flowSchema) {
                const level = obj(obj(r.props.spec).priorityLevelConfiguration).name;
                if (level !== facts.cluster.agentPriorityLevel) {
                    report(
                        `[RBAC-AGENT-NS] FlowSchema ${String(meta(r).name)} puts requests into priority level ${JSON.stringify(level ?? null)}, not the platform's agent level ${facts.cluster.agentPriorityLevel}`,
                        r.urn,
                    );
                }
                const strangers = flowSchemaStrangers(r, own);
                if (strangers.length > 0) {
                    report(
                        `[RBAC-AGENT-RATE] FlowSchema ${String(meta(r).name)} matches ${strangers.join(", ")}: an agent stack's FlowSchema classifies only its own agents' service accounts (a wider subject takes other users' requests into the agents' level)`,
                        r.urn,
                    );
                }
            }
            if (ns !== undefined && ROUTING.includes(r.type)) {
                const problem = routingProblem(r, ns);
                if (problem) {
                    report(`[MESH-AUTHZ-STRICT] ${kind} ${ns}/${String(meta(r).name ?? r.name)} ${problem}`, r.urn);
                }
            }
        }
    },
});

/** A FlowSchema's subjects that are not a service account of one of this stack's agent namespaces. */
function flowSchemaStrangers(r: PolicyResource, own: Map<string, string>): string[] {
    const rules = (Array.isArray(obj(r.props.spec).rules) ? (obj(r.props.spec).rules as unknown[]) : []).map(obj);
    const out: string[] = [];
    for (const rule of rules) {
        const subjects = (Array.isArray(rule.subjects) ? rule.subjects : []).map(obj);
        if (subjects.length === 0) {
            out.push("a rule without subjects");
        }
        for (const s of subjects) {
            const sa = obj(s.serviceAccount);
            if (s.kind !== "ServiceAccount" || !own.has(String(sa.namespace))) {
                const who = obj(s.group).name ?? obj(s.user).name ?? `${String(sa.namespace)}/${String(sa.name)}`;
                out.push(`${String(s.kind)} ${String(who)}`);
            }
        }
    }
    return [...new Set(out)];
}

/** Istio's traffic-routing kinds: by default (exportTo "*") they steer every namespace's traffic. */
const ROUTING = [
    "kubernetes:networking.istio.io/v1:VirtualService",
    "kubernetes:networking.istio.io/v1beta1:VirtualService",
    "kubernetes:networking.istio.io/v1alpha3:VirtualService",
    "kubernetes:networking.istio.io/v1:DestinationRule",
    "kubernetes:networking.istio.io/v1beta1:DestinationRule",
    "kubernetes:networking.istio.io/v1alpha3:DestinationRule",
    "kubernetes:networking.istio.io/v1:ServiceEntry",
    "kubernetes:networking.istio.io/v1beta1:ServiceEntry",
    "kubernetes:networking.istio.io/v1alpha3:ServiceEntry",
    "kubernetes:networking.istio.io/v1:Gateway",
    "kubernetes:networking.istio.io/v1beta1:Gateway",
    "kubernetes:networking.istio.io/v1alpha3:Gateway",
];

/** Why a routing object of an agent namespace reaches beyond it, if it does. */
function routingProblem(r: PolicyResource, ns: string): string | undefined {
    const kind = r.type.split(":").pop();
    if (kind === "Gateway") {
        return "is a mesh gateway: ingress and egress gateways are the platform's";
    }
    const spec = obj(r.props.spec);
    const exportTo = Array.isArray(spec.exportTo) ? spec.exportTo : undefined;
    if (!exportTo || exportTo.length !== 1 || exportTo[0] !== ".") {
        return `is exported to ${JSON.stringify(exportTo ?? ["*"])}: an agent stack's routing must be exportTo ["."], else it steers other namespaces' traffic`;
    }
    if (kind === "ServiceEntry") {
        return undefined;
    }
    const hosts = kind === "DestinationRule" ? [spec.host] : Array.isArray(spec.hosts) ? spec.hosts : [];
    const foreign = hosts.filter((h) => {
        const parts = String(h).split(".");
        return parts.length > 1 && parts[1] !== ns;
    });
    return foreign.length > 0
        ? `routes ${foreign.map(String).join(", ")}, a host outside its namespace ${ns}`
        : undefined;
}

export const agentRbac = stackPolicy({
    name: "agent-stack-rbac",
    description:
        "On an agent stack, each RoleBinding binds a ClusterRole the platform's contract defines (the agents' role to the namespace's own service account, the resource managers' allocate role to their group), or a Role of its own namespace; cluster-admin or any other ClusterRole is refused.",
    controls: ["RBAC-AGENT-NS", "ACC-RES-ALLOCATE"],
    severity: "critical",
    validate: (args, report) => {
        const facts = platformFacts(args.resources);
        if (!facts) {
            return;
        }
        const own = ownAgents(args.resources);
        const roles = new Set(
            args.resources
                .filter((r) => r.type === T.role8s)
                .map((r) => `${String(meta(r).namespace)}/${String(meta(r).name)}`),
        );
        const agentRole = facts.cluster.agentClusterRole;
        const allocate = facts.cluster.resourceManagerAllocate;
        for (const b of args.resources.filter((r) => r.type === T.roleBinding)) {
            const ns = String(meta(b).namespace ?? "default");
            const ref = obj(b.props.roleRef);
            const where = `RoleBinding ${ns}/${String(meta(b).name ?? b.name)}`;
            const subjects = (Array.isArray(b.props.subjects) ? b.props.subjects : []).map(obj);
            if (ref.kind === "Role") {
                if (!roles.has(`${ns}/${String(ref.name)}`)) {
                    report(
                        `[RBAC-AGENT-NS] ${where} binds Role ${String(ref.name)}, which this stack does not define in ${ns}`,
                        b.urn,
                    );
                }
            } else if (ref.name === agentRole) {
                const strangers = subjects.filter(
                    (s) => !(s.kind === "ServiceAccount" && (s.namespace ?? ns) === ns && own.get(ns) === s.name),
                );
                if (strangers.length > 0) {
                    report(
                        `[RBAC-AGENT-NS] ${where} binds the platform's agent ClusterRole ${agentRole} to ${strangers.map((s) => `${String(s.kind)} ${s.namespace ? `${String(s.namespace)}/` : ""}${String(s.name)}`).join(", ")}: only the namespace's own agent service account may hold it`,
                        b.urn,
                    );
                }
            } else if (ref.name === allocate.clusterRole) {
                const strangers = subjects.filter((s) => !(s.kind === "Group" && s.name === allocate.group));
                if (strangers.length > 0) {
                    report(
                        `[ACC-RES-ALLOCATE] ${where} binds the platform's allocate ClusterRole ${allocate.clusterRole} to ${strangers.map((s) => `${String(s.kind)} ${String(s.name)}`).join(", ")}: only the group ${allocate.group} may hold it`,
                        b.urn,
                    );
                }
            } else {
                report(
                    `[RBAC-AGENT-NS] ${where} binds ClusterRole ${String(ref.name)}${ref.name === "cluster-admin" ? " (Kubernetes' superuser role)" : ""}, which the platform's contract does not define for agent namespaces (${agentRole}, ${allocate.clusterRole})`,
                    b.urn,
                );
            }
        }
    },
});

export const agentNetworkSegments = stackPolicy({
    name: "agent-stack-network-segments",
    description:
        "On an agent stack, no NetworkPolicy lets agent pods reach, or be reached from, the platform's management segment (the contract's address plan): the agent segment never talks to management.",
    controls: ["NET-SEG-MGMT", "K8S-NETPOL"],
    severity: "critical",
    validate: (args, report) => {
        const facts = platformFacts(args.resources);
        if (!facts) {
            return;
        }
        const management = facts.network.segments.management;
        for (const np of args.resources.filter((r) => r.type === T.networkPolicy)) {
            const spec = obj(np.props.spec);
            for (const [dir, key] of [
                ["egress", "to"],
                ["ingress", "from"],
            ] as const) {
                const rules = (Array.isArray(spec[dir]) ? spec[dir] : []).map(obj);
                const blocks = rules.flatMap((rule) =>
                    (Array.isArray(rule[key]) ? rule[key] : []).map((p) => obj(obj(p).ipBlock)),
                );
                for (const block of blocks) {
                    const cidr = asString(block.cidr);
                    if (!cidr || !isCidr(cidr)) {
                        continue;
                    }
                    const except = (Array.isArray(block.except) ? block.except : []).filter(
                        (e): e is string => typeof e === "string" && isCidr(e),
                    );
                    if (overlaps(cidr, management) && !except.some((e) => contains(e, management))) {
                        report(
                            `[NET-SEG-MGMT] NetworkPolicy ${String(meta(np).namespace)}/${String(meta(np).name)} allows ${dir} ${dir === "egress" ? "to" : "from"} ${cidr}, which covers the platform's management segment ${management}`,
                            np.urn,
                        );
                    }
                }
            }
        }
    },
});
