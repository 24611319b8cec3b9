import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import { EnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter";
import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { AP, EF, RELEASE, Obj, runMesh, spec, meta, values, evidenceOf, istioMatch } from "./fixture";

describe("Mesh component (dev: coordinator + task-executor)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runMesh("dev");
    });

    describe("MESH-AUTHZ-STRICT / MESH-AUTHZ-TASKS", () => {
        it("denies by default in every agent namespace (ALLOW policy with empty spec)", () => {
            const deny = ofType(run, AP).filter((r) => meta(r).name === "deny-all");
            expect(deny.map((r) => meta(r).namespace)).toEqual(["agent-coordinator", "agent-task-executor"]);
            for (const r of deny) {
                expect(spec(r)).toEqual({});
                expect(() =>
                    new AuthorizationPolicy({ metadata: meta(r), spec: spec(r) } as never).validate(),
                ).not.toThrow();
            }
        });

        it("allows only task-executor → coordinator on /api/v1/tasks/* with POST and GET", () => {
            const allow = named(run, AP, "mas-coordinator-allow-tasks");
            expect(meta(allow)).toEqual({ name: "allow-task-executors", namespace: "agent-coordinator" });
            // Namespace-wide in the coordinator's own namespace: no selector that could select no pod.
            expect(spec(allow)).toEqual({
                action: "ALLOW",
                rules: [
                    {
                        from: [
                            {
                                source: {
                                    principals: [
                                        "cluster.local/ns/agent-task-executor/sa/task-executor",
                                        "cluster.local/ns/agent-task-executor/sa/task-executor-*",
                                    ],
                                },
                            },
                        ],
                        to: [{ operation: { paths: ["/api/v1/tasks/*"], methods: ["POST", "GET"] } }],
                    },
                ],
            });
            expect(() =>
                new AuthorizationPolicy({ metadata: meta(allow), spec: spec(allow) } as never).validate(),
            ).not.toThrow();
        });

        it("writes principals and methods the way Istio matches them", () => {
            const rules = (spec(named(run, AP, "mas-coordinator-allow-tasks")).rules as Obj[])[0] as {
                from: { source: { principals: string[] } }[];
                to: { operation: { methods: string[]; paths: string[] } }[];
            };
            for (const p of rules.from[0].source.principals) {
                expect(p).toMatch(/^[a-z0-9.-]+\/ns\/[a-z0-9-]+\/sa\/[a-z0-9-]+\*?$/);
                expect(p.startsWith("spiffe://")).toBe(false);
                expect(istioMatch(p)).toBe(true);
            }
            for (const m of rules.to[0].operation.methods) {
                expect(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]).toContain(m);
            }
            expect(rules.to[0].operation.paths.every(istioMatch)).toBe(true);
        });

        it("records deny-all and the allow rule as evidence", () => {
            expect(evidenceOf(run, "MESH-AUTHZ-STRICT")).toEqual([AP, AP]);
            expect(evidenceOf(run, "MESH-AUTHZ-TASKS")).toEqual([AP]);
        });
    });

    describe("MESH-RATE-AGENT / MESH-RATE-GLOBAL", () => {
        const bucket = (r: RecordedResource) => {
            const patches = spec(r).configPatches as Obj[];
            expect(patches).toHaveLength(1);
            return patches[0] as {
                applyTo: string;
                match: {
                    context: string;
                    listener: { filterChain: { filter: { name: string; subFilter: { name: string } } } };
                };
                patch: { operation: string; value: { name: string; typed_config: Obj } };
            };
        };

        it("puts a 100 rps local rate limit, enabled and enforced at 100%, on every agent namespace's inbound sidecars", () => {
            const filters = ofType(run, EF).filter((r) => meta(r).name === "agent-rate-limit");
            expect(filters.map((r) => meta(r).namespace)).toEqual(["agent-coordinator", "agent-task-executor"]);
            for (const f of filters) {
                const p = bucket(f);
                expect(spec(f).workloadSelector).toBeUndefined();
                expect(p.applyTo).toBe("HTTP_FILTER");
                expect(p.match.context).toBe("SIDECAR_INBOUND");
                expect(p.match.listener.filterChain.filter).toEqual({
                    name: "envoy.filters.network.http_connection_manager",
                    subFilter: { name: "envoy.filters.http.router" },
                });
                expect(p.patch.operation).toBe("INSERT_BEFORE");
                expect(p.patch.value.name).toBe("envoy.filters.http.local_ratelimit");
                expect(p.patch.value.typed_config).toEqual({
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                    stat_prefix: "agent_rate_limit",
                    token_bucket: { max_tokens: 100, tokens_per_fill: 100, fill_interval: "1s" },
                    filter_enabled: {
                        runtime_key: "agent_rate_limit_enabled",
                        default_value: { numerator: 100, denominator: "HUNDRED" },
                    },
                    filter_enforced: {
                        runtime_key: "agent_rate_limit_enforced",
                        default_value: { numerator: 100, denominator: "HUNDRED" },
                    },
                });
                expect(() => new EnvoyFilter({ metadata: meta(f), spec: spec(f) } as never).validate()).not.toThrow();
            }
        });

        it("splits the 10000 rps global limit over the 2 gateway replicas (5000 each)", () => {
            const f = named(run, EF, "mas-ingress-ratelimit");
            expect(meta(f)).toEqual({ name: "global-rate-limit", namespace: "istio-ingress" });
            expect(spec(f).workloadSelector).toEqual({ labels: { istio: "ingressgateway" } });
            const p = bucket(f);
            expect(p.match.context).toBe("GATEWAY");
            expect(p.patch.value.typed_config.token_bucket).toEqual({
                max_tokens: 5000,
                tokens_per_fill: 5000,
                fill_interval: "1s",
            });
            expect((p.patch.value.typed_config.filter_enforced as Obj).default_value).toEqual({
                numerator: 100,
                denominator: "HUNDRED",
            });
            expect(() => new EnvoyFilter({ metadata: meta(f), spec: spec(f) } as never).validate()).not.toThrow();
        });

        it("keeps the global total at or below 10000 rps for 3 replicas (3333 each)", async () => {
            const other = await runMesh("dev", { ingressGatewayReplicas: 3 });
            const p = (spec(named(other, EF, "mas-ingress-ratelimit")).configPatches as Obj[])[0] as {
                patch: { value: { typed_config: { token_bucket: Obj } } };
            };
            expect(p.patch.value.typed_config.token_bucket.tokens_per_fill).toBe(3333);
            expect(values(named(other, RELEASE, "mas-ingress-gateway")).replicaCount).toBe(3);
        });
    });
});
