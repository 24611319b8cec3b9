// Mesh traffic rules: strict mTLS mesh-wide, deny-by-default authorization with the guide's one allow rule,
// and local rate limits on the ingress gateway (global) and every agent's inbound sidecars (per agent).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import { MESH } from "../../policy-pack/catalog/mesh";
import { CustomResourceFactory } from "./custom-resource";
import { INGRESS_SELECTOR } from "./istio";
import { agentsOfType, agentTypeOf, istioPrincipals } from "./principals";

/** Envoy's fractional percent for 100%: `filter_enabled` / `filter_enforced` default to 0%. */
const ALWAYS = { numerator: 100, denominator: "HUNDRED" };

/** An Envoy HTTP local rate limit (one token bucket per Envoy process) inserted before the router. */
function localRateLimitPatch(context: "SIDECAR_INBOUND" | "GATEWAY", rps: number, statPrefix: string) {
    return {
        applyTo: "HTTP_FILTER",
        match: {
            context,
            listener: {
                filterChain: {
                    filter: {
                        name: "envoy.filters.network.http_connection_manager",
                        subFilter: { name: "envoy.filters.http.router" },
                    },
                },
            },
        },
        patch: {
            operation: "INSERT_BEFORE",
            value: {
                name: MESH.localRateLimitFilter,
                typed_config: {
                    "@type": MESH.localRateLimitType,
                    stat_prefix: statPrefix,
                    token_bucket: { max_tokens: rps, tokens_per_fill: rps, fill_interval: "1s" },
                    filter_enabled: { runtime_key: `${statPrefix}_enabled`, default_value: ALWAYS },
                    filter_enforced: { runtime_key: `${statPrefix}_enforced`, default_value: ALWAYS },
                },
            },
        },
    };
}

export interface GatewayRateLimitArgs {
    ingressNamespace: k8s.core.v1.Namespace;
    /** Gateway replicas: each gets an equal share of the global limit. */
    replicas: number;
    istiod: pulumi.Resource;
    gateway: pulumi.Resource;
}

/** The guide's global rate limit, split evenly over the gateway's fixed replicas. */
export function gatewayRateLimit(name: string, args: GatewayRateLimitArgs, cr: CustomResourceFactory) {
    const perPodGlobal = Math.floor(MESH.globalRps / args.replicas);
    return cr(
        `${name}-ingress-ratelimit`,
        "networking.istio.io/v1alpha3",
        "EnvoyFilter",
        { name: "global-rate-limit", namespace: args.ingressNamespace.metadata.name },
        {
            workloadSelector: { labels: INGRESS_SELECTOR },
            configPatches: [localRateLimitPatch("GATEWAY", perPodGlobal, "mesh_global_rate_limit")],
        },
        [args.istiod, args.gateway],
    );
}

/** Mesh-wide strict mTLS: one PeerAuthentication in the root namespace. */
export function strictMtls(
    name: string,
    istioNamespace: k8s.core.v1.Namespace,
    istiod: pulumi.Resource,
    cr: CustomResourceFactory,
) {
    return cr(
        `${name}-peer-authentication`,
        "security.istio.io/v1",
        "PeerAuthentication",
        { name: "default", namespace: istioNamespace.metadata.name },
        { mtls: { mode: "STRICT" } },
        [istiod],
    );
}

export interface AgentAuthorizationArgs {
    /** The agents, sorted. */
    agents: string[];
    /** Agent → its namespace name. */
    agentNamespaces: Record<string, pulumi.Input<string>>;
    /** SPIFFE trust domain of the principals. */
    trustDomain: pulumi.Input<string>;
    /** istiod (its CRDs and webhook); an agent stack's mesh is the platform's, already there. */
    istiod?: pulumi.Resource;
}

/** Deny by default in every agent namespace, then the guide's one rule (task executors → coordinator). */
export function agentAuthorization(name: string, args: AgentAuthorizationArgs, cr: CustomResourceFactory) {
    const agents = args.agents;
    const denyAll = agents.map((agent) =>
        cr(
            `${name}-${agent}-deny-all`,
            "security.istio.io/v1",
            "AuthorizationPolicy",
            { name: "deny-all", namespace: args.agentNamespaces[agent] },
            {},
            args.istiod ? [args.istiod] : [],
        ),
    );

    const rule = guide.serviceMesh.authorization;
    const sources = pulumi
        .all([pulumi.all(args.agentNamespaces), args.trustDomain])
        .apply(([ns, trustDomain]) => istioPrincipals(rule.sourcePrincipal, agents, trustDomain, (a) => ns[a]));
    const coordinators = agentsOfType(agentTypeOf(rule.destinationPrincipal), agents);
    const allowRules = agentsOfType(agentTypeOf(rule.sourcePrincipal), agents).length
        ? coordinators.map((coordinator) =>
              cr(
                  `${name}-${coordinator}-allow-tasks`,
                  "security.istio.io/v1",
                  "AuthorizationPolicy",
                  { name: "allow-task-executors", namespace: args.agentNamespaces[coordinator] },
                  {
                      // No workload selector: the namespace belongs to this one agent, and a label selector
                      // would rely on labels its deployer may not set (an ALLOW that selects no pod leaves
                      // the deny-all in force and the guide's rule unusable).
                      action: "ALLOW",
                      rules: [
                          {
                              from: [{ source: { principals: sources } }],
                              to: [{ operation: { paths: [...rule.paths], methods: [...rule.methods] } }],
                          },
                      ],
                  },
                  args.istiod ? [args.istiod] : [],
              ),
          )
        : [];
    return { denyAll, allowRules };
}

/** The guide's per-agent rate limit on every agent's inbound sidecars. */
export function agentRateLimits(
    name: string,
    args: Pick<AgentAuthorizationArgs, "agents" | "agentNamespaces" | "istiod">,
    cr: CustomResourceFactory,
) {
    return args.agents.map((agent) =>
        cr(
            `${name}-${agent}-ratelimit`,
            "networking.istio.io/v1alpha3",
            "EnvoyFilter",
            { name: "agent-rate-limit", namespace: args.agentNamespaces[agent] },
            { configPatches: [localRateLimitPatch("SIDECAR_INBOUND", MESH.perAgentRps, "agent_rate_limit")] },
            args.istiod ? [args.istiod] : [],
        ),
    );
}
