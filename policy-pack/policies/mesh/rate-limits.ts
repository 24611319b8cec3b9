// service_mesh.policies.rate_limiting: Envoy local rate limits per agent and on the ingress gateway.

import { MESH } from "../../catalog/mesh";
import { meetsGuide } from "../../catalog/direction";
import { candidatesBy } from "../../lib/lookup";
import { resourcePolicy, stackPolicy } from "../lib";
import {
    agentNamespaces,
    agentNamespacesSchema,
    ENVOY_FILTER,
    HELM_RELEASE,
    list,
    meta,
    Obj,
    obj,
    ref,
} from "./shared";

/** Envoy's FractionalPercent of 100%. */
function isHundredPercent(v: unknown): boolean {
    const dv = obj(obj(v).default_value);
    return dv.numerator === 100 && (dv.denominator === undefined || dv.denominator === "HUNDRED");
}

/** The local-rate-limit patches of an EnvoyFilter spec, with their match context. */
function rateLimitPatches(spec: Obj): { context: string; config: Obj }[] {
    return list(spec.configPatches)
        .filter((p) => obj(obj(p.patch).value).name === MESH.localRateLimitFilter)
        .map((p) => ({
            context: String(obj(p.match).context ?? "ANY"),
            config: obj(obj(obj(p.patch).value).typed_config),
        }));
}

export const rateLimitValues = resourcePolicy({
    name: "mesh-rate-limit-values",
    description: `Envoy local rate limits are enabled and enforced at 100% with a 1 s token bucket: ${MESH.perAgentRps} rps on agent sidecars, at most ${MESH.globalRps} rps on the gateway.`,
    controls: ["MESH-RATE-AGENT", "MESH-RATE-GLOBAL"],
    severity: "high",
    types: ENVOY_FILTER,
    validate: (args, report) => {
        for (const { context, config } of rateLimitPatches(obj(args.props.spec))) {
            const id = context === "GATEWAY" ? "MESH-RATE-GLOBAL" : "MESH-RATE-AGENT";
            const who = `[${id}] EnvoyFilter ${ref(args.props)}`;
            const bucket = obj(config.token_bucket);
            if (config["@type"] !== MESH.localRateLimitType) {
                report(`${who} typed_config @type is ${String(config["@type"])}; expected ${MESH.localRateLimitType}`);
            }
            if (bucket.fill_interval !== "1s") {
                report(`${who} fills its token bucket every ${String(bucket.fill_interval)}; expected 1s`);
            }
            if (bucket.max_tokens !== bucket.tokens_per_fill) {
                report(
                    `${who} has max_tokens ${String(bucket.max_tokens)} ≠ tokens_per_fill ${String(bucket.tokens_per_fill)}; bursts would exceed the rate`,
                );
            }
            if (context === "GATEWAY") {
                if (typeof bucket.tokens_per_fill !== "number" || bucket.tokens_per_fill > MESH.globalRps) {
                    report(
                        `${who} allows ${String(bucket.tokens_per_fill)} rps; the global limit is ${MESH.globalRps}`,
                    );
                }
            } else if (
                typeof bucket.tokens_per_fill !== "number" ||
                bucket.tokens_per_fill <= 0 ||
                !meetsGuide("serviceMesh.rateLimiting.perAgentRps", bucket.tokens_per_fill, MESH.perAgentRps)
            ) {
                report(
                    `${who} allows ${String(bucket.tokens_per_fill)} rps; the per-agent limit is at most ${MESH.perAgentRps}`,
                );
            }
            for (const field of ["filter_enabled", "filter_enforced"]) {
                if (!isHundredPercent(config[field])) {
                    report(`${who} ${field} is not 100% (Envoy's default is 0%: no limiting)`);
                }
            }
        }
    },
});

export const agentRateLimit = stackPolicy({
    name: "mesh-agent-rate-limit",
    description: "Every agent namespace has an EnvoyFilter with a local rate limit on its inbound sidecars.",
    controls: ["MESH-RATE-AGENT"],
    severity: "high",
    configSchema: agentNamespacesSchema,
    validate: (args, report) => {
        const configured = args.getConfig<{ agentNamespaces?: string[] }>().agentNamespaces;
        const filtersIn = candidatesBy(
            args.resources.filter((r) => ENVOY_FILTER.includes(r.type)),
            (r) => meta(r.props).namespace,
        );
        for (const ns of agentNamespaces(args.resources, configured)) {
            const covered = filtersIn(ns).some(
                (r) =>
                    meta(r.props).namespace === ns &&
                    obj(r.props.spec).workloadSelector === undefined &&
                    rateLimitPatches(obj(r.props.spec)).some((p) => p.context === "SIDECAR_INBOUND"),
            );
            if (!covered) {
                report(
                    `agent namespace ${ns} has no namespace-wide EnvoyFilter with a SIDECAR_INBOUND local rate limit (${MESH.perAgentRps} rps)`,
                );
            }
        }
    },
});

export const globalRateLimit = stackPolicy({
    name: "mesh-global-rate-limit",
    description: `The ingress gateway runs a fixed number of replicas whose local rate limits add up to at most ${MESH.globalRps} rps.`,
    controls: ["MESH-RATE-GLOBAL"],
    severity: "high",
    validate: (args, report) => {
        const gateways = args.resources.filter((r) => r.type === HELM_RELEASE && r.props.chart === "gateway");
        if (gateways.length === 0) {
            report(
                `no Istio ingress gateway release (chart gateway): nothing enforces the ${MESH.globalRps} rps limit in the mesh`,
            );
        }
        for (const gw of gateways) {
            const values = obj(gw.props.values);
            const replicas = values.replicaCount;
            const name = `${String(gw.props.namespace)}/${String(gw.props.name)}`;
            if (obj(values.autoscaling).enabled !== false || typeof replicas !== "number") {
                report(
                    `gateway ${name} must disable autoscaling and set replicaCount, or its rate limits add up to an unknown total`,
                    gw.urn,
                );
                continue;
            }
            const limits = args.resources
                .filter((r) => ENVOY_FILTER.includes(r.type) && meta(r.props).namespace === gw.props.namespace)
                .flatMap((r) => rateLimitPatches(obj(r.props.spec)))
                .filter((p) => p.context === "GATEWAY")
                .map((p) => obj(p.config.token_bucket).tokens_per_fill);
            if (limits.length === 0) {
                report(`gateway ${name} has no GATEWAY local rate limit EnvoyFilter in its namespace`, gw.urn);
            } else if (limits.some((l) => typeof l !== "number" || l * replicas > MESH.globalRps)) {
                report(
                    `gateway ${name}: ${replicas} replicas × ${String(limits[0])} rps exceeds ${MESH.globalRps} rps`,
                    gw.urn,
                );
            }
        }
    },
});
