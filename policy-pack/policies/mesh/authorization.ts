// service_mesh.policies.authorization: deny by default, named callers and paths, and the effective decisions
// of all AuthorizationPolicies together (lib/mesh-authz.ts) against the guide's rule.

import { PolicyResource } from "@pulumi/policy";
import { platformFacts } from "../../lib/agent-platform";
import { intendedMeshRule } from "../../catalog/flows";
import { MESH } from "../../catalog/mesh";
import { candidatesBy } from "../../lib/lookup";
import { AuthzPolicy, decide, matchValue, parseAuthz, principalParts, probeValues } from "../../lib/mesh-authz";
import { asStrings as strings, resourcePolicy, stackPolicy } from "../lib";
import {
    agentNamespaces,
    agentNamespacesSchema,
    agentsByNamespace,
    AUTHZ,
    HELM_RELEASE,
    list,
    meta,
    Obj,
    obj,
    ref,
} from "./shared";

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
/** AuthorizationPolicy source fields that name who calls (mTLS identities, or JWT principals). */
const IDENTITY_FIELDS = ["principals", "namespaces", "serviceAccounts", "requestPrincipals"];

/** An Istio string match allows `*` only as the first or last character. */
function wildcardInMiddle(s: string): boolean {
    return s.slice(1, -1).includes("*");
}

/** Deny-all in Istio: an ALLOW AuthorizationPolicy without selector and without rules (`spec: {}`). */
function isDenyAll(spec: Obj): boolean {
    return (
        (spec.action === undefined || spec.action === "ALLOW") &&
        spec.selector === undefined &&
        spec.targetRef === undefined &&
        spec.targetRefs === undefined &&
        list(spec.rules).length === 0 &&
        spec.provider === undefined
    );
}

export const agentNamespaceDefaultDeny = stackPolicy({
    name: "mesh-agent-namespace-default-deny",
    description:
        "Every agent namespace has a deny-by-default AuthorizationPolicy (an ALLOW policy with an empty spec).",
    controls: ["MESH-AUTHZ-STRICT"],
    severity: "critical",
    configSchema: agentNamespacesSchema,
    validate: (args, report) => {
        const configured = args.getConfig<{ agentNamespaces?: string[] }>().agentNamespaces;
        const authzIn = candidatesBy(
            args.resources.filter((r) => AUTHZ.includes(r.type)),
            (r) => meta(r.props).namespace,
        );
        for (const ns of agentNamespaces(args.resources, configured)) {
            const covered = authzIn(ns).some((r) => meta(r.props).namespace === ns && isDenyAll(obj(r.props.spec)));
            if (!covered) {
                report(
                    `agent namespace ${ns} has no deny-by-default AuthorizationPolicy (an ALLOW policy with an empty spec)`,
                );
            }
        }
    },
});

export const authorizationNoWildcards = resourcePolicy({
    name: "mesh-authorization-no-wildcards",
    description:
        "ALLOW AuthorizationPolicies name their callers and paths: no `*` principal or namespace, no `*` or `/*` path, no rule without a source, wildcards only at either end of a principal, methods as upper-case HTTP names.",
    controls: ["MESH-AUTHZ-STRICT", "MESH-AUTHZ-TASKS"],
    severity: "high",
    types: AUTHZ,
    validate: (args, report) => {
        const spec = obj(args.props.spec);
        if (spec.action !== undefined && spec.action !== "ALLOW") {
            return;
        }
        const who = `AuthorizationPolicy ${ref(args.props)}`;
        list(spec.rules).forEach((rule, i) => {
            const sources = list(rule.from).map((f) => obj(f.source));
            if (sources.length === 0) {
                report(`[MESH-AUTHZ-STRICT] ${who} rule ${i} has no source: it allows every caller`);
            }
            for (const source of sources) {
                // A source of only notPrincipals / ipBlocks / ... matches (nearly) every caller.
                if (!IDENTITY_FIELDS.some((f) => strings(source[f]).length > 0)) {
                    report(
                        `[MESH-AUTHZ-STRICT] ${who} rule ${i} has a source naming no caller (${IDENTITY_FIELDS.join(", ")}): it allows every caller`,
                    );
                }
                for (const field of ["principals", "namespaces"]) {
                    for (const v of strings(source[field])) {
                        if (v === "*") {
                            report(`[MESH-AUTHZ-STRICT] ${who} rule ${i} allows any ${field.slice(0, -1)} ("*")`);
                        } else if (wildcardInMiddle(v)) {
                            report(
                                `[MESH-AUTHZ-TASKS] ${who} rule ${i}: ${field.slice(0, -1)} ${v} has a wildcard in the middle; Istio matches only exact, prefix* or *suffix`,
                            );
                        }
                    }
                }
            }
            for (const op of list(rule.to).map((t) => obj(t.operation))) {
                for (const p of strings(op.paths)) {
                    if (p === "*" || p === "/*") {
                        report(`[MESH-AUTHZ-STRICT] ${who} rule ${i} allows any path ("${p}")`);
                    }
                }
                for (const m of strings(op.methods)) {
                    if (!HTTP_METHODS.includes(m)) {
                        report(`[MESH-AUTHZ-TASKS] ${who} rule ${i}: method ${m} is not an upper-case HTTP method`);
                    }
                }
            }
        });
    },
});

const HTTP_PROBE_METHODS = HTTP_METHODS;
const DEFAULT_TRUST_DOMAIN = "cluster.local";

/** The mesh's trust domain: the istiod release's, or on an agent stack its platform's (the contract). */
function trustDomainOf(resources: PolicyResource[]): string {
    const platform = platformFacts(resources);
    if (platform) {
        return platform.mesh.trustDomain;
    }
    const istiod = resources.find((r) => r.type === HELM_RELEASE && r.props.chart === "istiod");
    const td = obj(obj(istiod?.props.values).meshConfig).trustDomain;
    return typeof td === "string" && td ? td : DEFAULT_TRUST_DOMAIN;
}

export const authorizationEffective = stackPolicy({
    name: "mesh-authorization-effective",
    description: `The mesh's AuthorizationPolicies, evaluated as Istio does (CUSTOM, DENY, ALLOW; root-namespace policies mesh-wide; principals with their namespace), allow nothing beyond the guide's rule into agent workloads: ${intendedMeshRule.sourceType} → ${intendedMeshRule.destinationType}, ${intendedMeshRule.methods.join("/")} on ${intendedMeshRule.paths.join(", ")}; a ${intendedMeshRule.destinationType} admits the whole rule to each source it admits at all, and at least one (leaving a source out is stricter and passes).`,
    controls: ["MESH-AUTHZ-STRICT", "MESH-AUTHZ-TASKS"],
    severity: "critical",
    configSchema: agentNamespacesSchema,
    validate: (args, report) => {
        const td = trustDomainOf(args.resources);
        const rootNamespace = platformFacts(args.resources)?.mesh.rootNamespace ?? MESH.rootNamespace;
        const agents = agentsByNamespace(
            args.resources,
            args.getConfig<{ agentNamespaces?: string[] }>().agentNamespaces,
        );
        const policies = args.resources.filter((r) => AUTHZ.includes(r.type)).map((r) => parseAuthz(r.props));
        const isType = (agent: string | undefined, type: string) => agent !== undefined && agent.startsWith(type);
        const methods = probeValues(policies, "methods", HTTP_PROBE_METHODS);
        const paths = probeValues(policies, "paths", [
            ...intendedMeshRule.paths.map((p) => (p.endsWith("*") ? `${p.slice(0, -1)}probe` : p)),
            "/",
            "/api/v1/admin",
        ]);
        // Callers to probe: outsiders, everyone a policy names, and per agent namespace its own service
        // account, an instance of it and a stranger. Probing is per destination, with only the policies that
        // apply there (its namespace and the root), so the cost grows with the agents, not their square.
        const outsiders = [undefined, `${td}/ns/default/sa/default`];
        const ownCallers = (ns: string, agent: string) => [
            `${td}/ns/${ns}/sa/${agent}`,
            `${td}/ns/${ns}/sa/${agent}-probe`,
            `${td}/ns/${ns}/sa/other`,
        ];
        const named = (ps: AuthzPolicy[]) => [
            ...ps.flatMap((p) =>
                p.rules.flatMap((r) =>
                    list(r.from).flatMap((f) => {
                        const src = obj(f.source);
                        return [...strings(src.principals), ...strings(src.notPrincipals)].map((v) =>
                            v.endsWith("*")
                                ? `${v.slice(0, -1)}probe`
                                : v.startsWith("*")
                                  ? `${td}/ns/probe/sa/probe${v.slice(1)}`
                                  : v,
                        );
                    }),
                ),
            ),
            ...ps.flatMap((p) =>
                p.rules.flatMap((r) =>
                    list(r.from).flatMap((f) =>
                        [...strings(obj(f.source).namespaces), ...strings(obj(f.source).notNamespaces)]
                            .filter((n) => !n.includes("*"))
                            .map((n) => `${td}/ns/${n}/sa/probe`),
                    ),
                ),
            ),
        ];
        const sourceAgents = [...agents].filter(([, a]) => isType(a, intendedMeshRule.sourceType));
        const otherAgent = [...agents].find(([, a]) => !isType(a, intendedMeshRule.sourceType));
        const byNamespace = new Map<string, AuthzPolicy[]>();
        for (const p of policies) {
            byNamespace.set(p.namespace, [...(byNamespace.get(p.namespace) ?? []), p]);
        }
        /** The guide's rule, with principals judged by namespace and service account (not by text). */
        const intended = (destNs: string, principal: string | undefined, method: string, path: string) => {
            const { namespace, serviceAccount } = principalParts(principal);
            const srcAgent = namespace ? agents.get(namespace) : undefined;
            return (
                principal?.startsWith(`${td}/ns/`) === true &&
                isType(agents.get(destNs), intendedMeshRule.destinationType) &&
                isType(srcAgent, intendedMeshRule.sourceType) &&
                (serviceAccount === srcAgent || serviceAccount?.startsWith(`${srcAgent}-`) === true) &&
                intendedMeshRule.methods.includes(method) &&
                intendedMeshRule.paths.some((p) => matchValue(p, path))
            );
        };
        for (const [ns, agent] of [...agents].sort()) {
            const applicable = [...(byNamespace.get(ns) ?? []), ...(byNamespace.get(rootNamespace) ?? [])];
            const isDestination = isType(agent, intendedMeshRule.destinationType);
            const sources = new Set<string | undefined>([
                ...outsiders,
                ...named(applicable),
                ...ownCallers(ns, agent),
                ...(otherAgent ? ownCallers(...otherAgent) : []),
                ...(isDestination ? sourceAgents : sourceAgents.slice(0, 1)).flatMap(([n, a]) => ownCallers(n, a)),
            ]);
            const labelSets = [
                {},
                ...applicable.filter((p) => p.selector).map((p) => p.selector as Record<string, string>),
            ];
            const extra: string[] = [];
            const missing: string[] = [];
            // Stricter than the guide passes: a coordinator may leave an executor out entirely (c05). An executor
            // it admits gets the whole rule (a partial grant breaks that executor's flow), and one it admits none.
            const admittedBy = new Set<string | undefined>();
            const missingBy = new Map<string | undefined, string[]>();
            for (const labels of labelSets) {
                for (const principal of sources) {
                    for (const method of methods) {
                        for (const path of paths) {
                            const d = decide(
                                applicable,
                                { namespace: ns, labels },
                                { principal, method, path },
                                rootNamespace,
                            );
                            const want = intended(ns, principal, method, path);
                            const what = `${principal ?? "an unauthenticated peer"} ${method} ${path}${Object.keys(labels).length ? ` (pods ${JSON.stringify(labels)})` : ""}`;
                            if (d.allowed && want) {
                                admittedBy.add(principal);
                            } else if (d.allowed && !want) {
                                extra.push(`${what} via ${d.by ?? "?"}`);
                            } else if (!d.allowed && want) {
                                const list = missingBy.get(principal) ?? [];
                                list.push(`${what}${d.by ? ` (denied by ${d.by})` : ""}`);
                                missingBy.set(principal, list);
                            }
                        }
                    }
                }
            }
            if (extra.length) {
                report(
                    `[MESH-AUTHZ-STRICT] agent namespace ${ns} (${agent}) admits ${extra.length} requests outside the guide's rule, e.g. ${extra.slice(0, 3).join("; ")}`,
                );
            }
            for (const [principal, list] of missingBy) {
                if (admittedBy.size === 0 || admittedBy.has(principal)) {
                    missing.push(...list);
                }
            }
            if (missing.length) {
                report(
                    `[MESH-AUTHZ-TASKS] agent namespace ${ns} (${agent}) refuses ${missing.length} requests the guide's rule allows${admittedBy.size === 0 ? " (no task executor reaches it)" : " to an executor it admits otherwise"}, e.g. ${missing.slice(0, 3).join("; ")}`,
                );
            }
        }
    },
});
