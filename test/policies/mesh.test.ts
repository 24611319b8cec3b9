import {
    agentNamespaceDefaultDeny,
    agentRateLimit,
    authorizationNoWildcards,
    certManagerRelease,
    globalRateLimit,
    letsEncryptIssuer,
    minTls13,
    peerAuthenticationMeshWide,
    peerAuthenticationNoDowngrade,
    pluginCa,
    rateLimitValues,
} from "../../policy-pack/policies/mesh";
import { StackResourceCase, validateResource, validateStack } from "../harness/policy";

type Obj = Record<string, unknown>;
const PA = "kubernetes:security.istio.io/v1:PeerAuthentication";
const AP = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const EF = "kubernetes:networking.istio.io/v1alpha3:EnvoyFilter";
const NS = "kubernetes:core/v1:Namespace";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const HUNDRED = { numerator: 100, denominator: "HUNDRED" };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function rateLimit(context: string, rps: number): Obj {
    return {
        applyTo: "HTTP_FILTER",
        match: { context },
        patch: {
            operation: "INSERT_BEFORE",
            value: {
                name: "envoy.filters.http.local_ratelimit",
                typed_config: {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
                    stat_prefix: "rl",
                    token_bucket: { max_tokens: rps, tokens_per_fill: rps, fill_interval: "1s" },
                    filter_enabled: { runtime_key: "rl_enabled", default_value: HUNDRED },
                    filter_enforced: { runtime_key: "rl_enforced", default_value: HUNDRED },
                },
            },
        },
    };
}

/** A compliant mesh, as the stack policies see it; each case changes one thing. */
function meshStack(): StackResourceCase[] {
    const agents = ["agent-coordinator", "agent-task-executor"];
    return [
        { type: NS, name: "ns-c", props: { metadata: { name: agents[0], labels: { "mas/agent": "coordinator" } } } },
        { type: NS, name: "ns-t", props: { metadata: { name: agents[1], labels: { "mas/agent": "task-executor" } } } },
        {
            type: PA,
            name: "pa",
            props: { metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } },
        },
        {
            type: "kubernetes:core/v1:Secret",
            name: "cacerts",
            props: {
                metadata: { name: "cacerts", namespace: "istio-system" },
                stringData: { "ca-cert.pem": "c", "ca-key.pem": "k", "root-cert.pem": "r", "cert-chain.pem": "cr" },
            },
        },
        ...agents.flatMap((ns) => [
            { type: AP, name: `deny-${ns}`, props: { metadata: { name: "deny-all", namespace: ns }, spec: {} } },
            {
                type: EF,
                name: `rl-${ns}`,
                props: {
                    metadata: { name: "agent-rate-limit", namespace: ns },
                    spec: { configPatches: [rateLimit("SIDECAR_INBOUND", 100)] },
                },
            },
        ]),
        {
            type: RELEASE,
            name: "gw",
            props: {
                name: "istio-ingressgateway",
                chart: "gateway",
                namespace: "istio-ingress",
                values: { autoscaling: { enabled: false }, replicaCount: 2 },
            },
        },
        {
            type: EF,
            name: "gw-rl",
            props: {
                metadata: { name: "global-rate-limit", namespace: "istio-ingress" },
                spec: {
                    workloadSelector: { labels: { istio: "ingressgateway" } },
                    configPatches: [rateLimit("GATEWAY", 5000)],
                },
            },
        },
    ];
}

const messages = (r: { message: string }[]) => r.map((v) => v.message);
const without = (stack: StackResourceCase[], name: string) => stack.filter((r) => r.name !== name);
function edit(stack: StackResourceCase[], name: string, change: (props: Obj) => void): StackResourceCase[] {
    const copy = clone(stack);
    change(copy.find((r) => r.name === name)!.props);
    return copy;
}

describe("MESH-MTLS-STRICT mesh-peer-authentication-mesh-wide-strict", () => {
    it("passes a selector-less STRICT PeerAuthentication in istio-system", () => {
        expect(validateStack(peerAuthenticationMeshWide, meshStack())).toEqual([]);
    });
    const MSG =
        "no mesh-wide STRICT mTLS: expected a PeerAuthentication in istio-system without a selector and with mtls.mode STRICT";
    it("fails without one", () => {
        expect(messages(validateStack(peerAuthenticationMeshWide, without(meshStack(), "pa")))).toEqual([MSG]);
    });
    it("fails when it is PERMISSIVE", () => {
        const s = edit(meshStack(), "pa", (p) => ((p.spec as Obj).mtls = { mode: "PERMISSIVE" }));
        expect(messages(validateStack(peerAuthenticationMeshWide, s))).toEqual([MSG]);
    });
    it("fails when it has a selector (not mesh-wide)", () => {
        const s = edit(meshStack(), "pa", (p) => ((p.spec as Obj).selector = { matchLabels: { app: "x" } }));
        expect(messages(validateStack(peerAuthenticationMeshWide, s))).toEqual([MSG]);
    });
    it("fails when it lives in another namespace", () => {
        const s = edit(meshStack(), "pa", (p) => ((p.metadata as Obj).namespace = "default"));
        expect(messages(validateStack(peerAuthenticationMeshWide, s))).toEqual([MSG]);
    });
});

describe("MESH-MTLS-STRICT mesh-peer-authentication-no-downgrade", () => {
    const pa = (spec: Obj) =>
        validateResource(peerAuthenticationNoDowngrade, {
            type: PA,
            props: { metadata: { name: "p", namespace: "agent-x" }, spec },
        });
    it("passes STRICT, UNSET and STRICT ports", () => {
        expect(pa({ mtls: { mode: "STRICT" } })).toEqual([]);
        expect(pa({ mtls: { mode: "UNSET" }, portLevelMtls: { "8080": { mode: "STRICT" } } })).toEqual([]);
    });
    it("fails PERMISSIVE and DISABLE", () => {
        expect(pa({ mtls: { mode: "PERMISSIVE" } })).toEqual([
            "PeerAuthentication agent-x/p sets mtls.mode PERMISSIVE; only STRICT (or UNSET) is allowed",
        ]);
        expect(pa({ mtls: { mode: "DISABLE" } })).toEqual([
            "PeerAuthentication agent-x/p sets mtls.mode DISABLE; only STRICT (or UNSET) is allowed",
        ]);
    });
    it("fails a port-level downgrade", () => {
        expect(pa({ mtls: { mode: "STRICT" }, portLevelMtls: { "9090": { mode: "DISABLE" } } })).toEqual([
            "PeerAuthentication agent-x/p sets portLevelMtls[9090].mode DISABLE; only STRICT (or UNSET) is allowed",
        ]);
    });
    it("also checks v1beta1 objects and survives a missing spec", () => {
        expect(
            validateResource(peerAuthenticationNoDowngrade, {
                type: "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
                props: { metadata: { name: "p" }, spec: { mtls: { mode: "PERMISSIVE" } } },
            }),
        ).toHaveLength(1);
        expect(validateResource(peerAuthenticationNoDowngrade, { type: PA, props: {} })).toEqual([]);
    });
});

describe("MESH-MTLS-CA mesh-plugin-ca", () => {
    it("passes a complete cacerts Secret", () => {
        expect(validateStack(pluginCa, meshStack())).toEqual([]);
    });
    it("fails without it", () => {
        expect(messages(validateStack(pluginCa, without(meshStack(), "cacerts")))).toEqual([
            "no Secret istio-system/cacerts: istiod would sign with a self-generated CA",
        ]);
    });
    it("fails a partial bundle", () => {
        const s = edit(meshStack(), "cacerts", (p) => delete (p.stringData as Obj)["cert-chain.pem"]);
        expect(messages(validateStack(pluginCa, s))).toEqual([
            "Secret istio-system/cacerts lacks cert-chain.pem; istiod fails to start with a partial bundle",
        ]);
    });
    it("passes a cacerts written by cert-manager from a CA Issuer in istio-system, and a kubernetes.io/tls bundle", () => {
        const issued = [
            ...without(meshStack(), "cacerts"),
            {
                type: "kubernetes:cert-manager.io/v1:Issuer",
                name: "issuer",
                props: { metadata: { name: "mesh-ca", namespace: "istio-system" }, spec: { ca: { secretName: "ca" } } },
            },
            {
                type: "kubernetes:cert-manager.io/v1:Certificate",
                name: "cert",
                props: {
                    metadata: { name: "istio-ca", namespace: "istio-system" },
                    spec: { secretName: "cacerts", isCA: true, issuerRef: { name: "mesh-ca", kind: "Issuer" } },
                },
            },
        ];
        expect(validateStack(pluginCa, issued)).toEqual([]);
        const tlsBundle = edit(meshStack(), "cacerts", (p) => {
            p.stringData = { "tls.crt": "c", "tls.key": "k", "ca.crt": "r" };
        });
        expect(validateStack(pluginCa, tlsBundle)).toEqual([]);
    });
    it("fails a cacerts Certificate whose issuer is not a CA Issuer in istio-system", () => {
        const s = [
            ...without(meshStack(), "cacerts"),
            {
                type: "kubernetes:cert-manager.io/v1:Issuer",
                name: "issuer",
                props: { metadata: { name: "mesh-ca", namespace: "default" }, spec: { ca: { secretName: "ca" } } },
            },
            {
                type: "kubernetes:cert-manager.io/v1:Certificate",
                name: "cert",
                props: {
                    metadata: { name: "istio-ca", namespace: "istio-system" },
                    spec: { secretName: "cacerts", isCA: true, issuerRef: { name: "mesh-ca", kind: "Issuer" } },
                },
            },
        ];
        expect(messages(validateStack(pluginCa, s))).toEqual([
            "Certificate istio-system/istio-ca (cacerts) names no CA Issuer of the stack: nothing signs istiod's intermediate with the mesh root",
        ]);
    });
    it("fails a CA Issuer whose Secret lacks ca.crt (istiod would take the issuing CA as its root)", () => {
        const issued = (issuerData: Obj): StackResourceCase[] => [
            ...without(meshStack(), "cacerts"),
            {
                type: "kubernetes:core/v1:Secret",
                name: "issuing-ca",
                props: { metadata: { name: "ca", namespace: "istio-system" }, stringData: issuerData },
            },
            {
                type: "kubernetes:cert-manager.io/v1:Issuer",
                name: "issuer",
                props: { metadata: { name: "mesh-ca", namespace: "istio-system" }, spec: { ca: { secretName: "ca" } } },
            },
            {
                type: "kubernetes:cert-manager.io/v1:Certificate",
                name: "cert",
                props: {
                    metadata: { name: "istio-ca", namespace: "istio-system" },
                    spec: { secretName: "cacerts", isCA: true, issuerRef: { name: "mesh-ca", kind: "Issuer" } },
                },
            },
        ];
        expect(validateStack(pluginCa, issued({ "tls.crt": "i", "tls.key": "k", "ca.crt": "root" }))).toEqual([]);
        expect(messages(validateStack(pluginCa, issued({ "tls.crt": "i", "tls.key": "k" })))).toEqual([
            "CA Issuer secret istio-system/ca has no ca.crt (the mesh root): cert-manager then hands istiod the issuing CA as its root, and istiod refuses the next issuing CA as a root change",
        ]);
        // Encrypted (unreadable) data: not guessed.
        expect(validateStack(pluginCa, issued("[secret]" as unknown as Obj))).toEqual([]);
    });
    it("cannot see the keys of an exported state whose secrets stayed encrypted, and does not guess", () => {
        const s = edit(meshStack(), "cacerts", (p) => {
            p.stringData = "[secret]";
        });
        expect(validateStack(pluginCa, s)).toEqual([]);
    });
});

describe("MESH-MTLS-CIPHERS mesh-min-tls-13", () => {
    const istiod = (values: unknown) =>
        validateResource(minTls13, { type: RELEASE, props: { chart: "istiod", values } });
    it("passes TLSV1_3", () => {
        expect(istiod({ meshConfig: { meshMTLS: { minProtocolVersion: "TLSV1_3" } } })).toEqual([]);
    });
    it("fails TLSV1_2 and a missing setting", () => {
        expect(istiod({ meshConfig: { meshMTLS: { minProtocolVersion: "TLSV1_2" } } })).toEqual([
            "istiod release sets meshConfig.meshMTLS.minProtocolVersion TLSV1_2; expected TLSV1_3",
        ]);
        expect(istiod({})).toEqual([
            "istiod release sets meshConfig.meshMTLS.minProtocolVersion undefined; expected TLSV1_3",
        ]);
    });
    it("reads values given as JSON and ignores other charts", () => {
        expect(istiod(JSON.stringify({ meshConfig: { meshMTLS: { minProtocolVersion: "TLSV1_3" } } }))).toEqual([]);
        expect(validateResource(minTls13, { type: RELEASE, props: { chart: "base", values: {} } })).toEqual([]);
    });
});

describe("MESH-AUTHZ-STRICT mesh-agent-namespace-default-deny", () => {
    it("passes when every agent namespace denies by default", () => {
        expect(validateStack(agentNamespaceDefaultDeny, meshStack())).toEqual([]);
    });
    it("fails an agent namespace without deny-all", () => {
        expect(
            messages(validateStack(agentNamespaceDefaultDeny, without(meshStack(), "deny-agent-task-executor"))),
        ).toEqual([
            "agent namespace agent-task-executor has no deny-by-default AuthorizationPolicy (an ALLOW policy with an empty spec)",
        ]);
    });
    it("does not count a policy with rules (that is an allow list, not deny-all)", () => {
        const s = edit(meshStack(), "deny-agent-coordinator", (p) => (p.spec = { rules: [{}] }));
        expect(messages(validateStack(agentNamespaceDefaultDeny, s))).toEqual([
            "agent namespace agent-coordinator has no deny-by-default AuthorizationPolicy (an ALLOW policy with an empty spec)",
        ]);
    });
    it("finds agent namespaces from policy config too", () => {
        const found = validateStack(agentNamespaceDefaultDeny, meshStack(), { agentNamespaces: ["agent-planner"] });
        expect(messages(found)).toEqual([
            "agent namespace agent-planner has no deny-by-default AuthorizationPolicy (an ALLOW policy with an empty spec)",
        ]);
    });
});

describe("MESH-AUTHZ-STRICT / MESH-AUTHZ-TASKS mesh-authorization-no-wildcards", () => {
    const allow = (): Obj => ({
        metadata: { name: "allow-task-executors", namespace: "agent-coordinator" },
        spec: {
            selector: { matchLabels: { app: "coordinator" } },
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
        },
    });
    const check = (props: Obj) => validateResource(authorizationNoWildcards, { type: AP, props });
    const rule = (p: Obj) => ((p.spec as Obj).rules as Obj[])[0];
    const source = (p: Obj) => (rule(p).from as Obj[])[0].source as Obj;
    const op = (p: Obj) => (rule(p).to as Obj[])[0].operation as Obj;
    const WHO = "AuthorizationPolicy agent-coordinator/allow-task-executors rule 0";

    it("passes the guide's task-executor → coordinator rule and deny-all", () => {
        expect(check(allow())).toEqual([]);
        expect(check({ metadata: { name: "deny-all", namespace: "agent-x" }, spec: {} })).toEqual([]);
    });
    it("fails a * principal", () => {
        const p = allow();
        source(p).principals = ["*"];
        expect(check(p)).toEqual([`[MESH-AUTHZ-STRICT] ${WHO} allows any principal ("*")`]);
    });
    it("fails a * namespace", () => {
        const p = allow();
        source(p).namespaces = ["*"];
        expect(check(p)).toEqual([`[MESH-AUTHZ-STRICT] ${WHO} allows any namespace ("*")`]);
    });
    it("fails a /* path", () => {
        const p = allow();
        op(p).paths = ["/*"];
        expect(check(p)).toEqual([`[MESH-AUTHZ-STRICT] ${WHO} allows any path ("/*")`]);
    });
    it("fails a principal wildcard in the middle", () => {
        const p = allow();
        source(p).principals = ["cluster.local/ns/*/sa/task-executor"];
        expect(check(p)).toEqual([
            `[MESH-AUTHZ-TASKS] ${WHO}: principal cluster.local/ns/*/sa/task-executor has a wildcard in the middle; Istio matches only exact, prefix* or *suffix`,
        ]);
    });
    it("fails a lower-case method", () => {
        const p = allow();
        op(p).methods = ["post"];
        expect(check(p)).toEqual([`[MESH-AUTHZ-TASKS] ${WHO}: method post is not an upper-case HTTP method`]);
    });
    it("fails a rule without a source", () => {
        const p = allow();
        delete rule(p).from;
        expect(check(p)).toEqual([`[MESH-AUTHZ-STRICT] ${WHO} has no source: it allows every caller`]);
    });
    it("fails a source that names no caller (only notPrincipals)", () => {
        const p = allow();
        rule(p).from = [{ source: { notPrincipals: ["cluster.local/ns/x/sa/y"] } }];
        expect(check(p)).toEqual([
            `[MESH-AUTHZ-STRICT] ${WHO} has a source naming no caller (principals, namespaces, serviceAccounts, requestPrincipals): it allows every caller`,
        ]);
    });
    it("leaves DENY policies alone", () => {
        const p = allow();
        (p.spec as Obj).action = "DENY";
        source(p).principals = ["*"];
        expect(check(p)).toEqual([]);
    });
});

describe("MESH-RATE-AGENT / MESH-RATE-GLOBAL mesh-rate-limit-values", () => {
    const filter = (patch: Obj) =>
        validateResource(rateLimitValues, {
            type: EF,
            props: { metadata: { name: "agent-rate-limit", namespace: "agent-x" }, spec: { configPatches: [patch] } },
        });
    const cfg = (p: Obj) => ((p.patch as Obj).value as Obj).typed_config as Obj;
    const WHO = "[MESH-RATE-AGENT] EnvoyFilter agent-x/agent-rate-limit";

    it("passes 100 rps enforced on sidecars and 5000 rps on the gateway", () => {
        expect(filter(rateLimit("SIDECAR_INBOUND", 100))).toEqual([]);
        expect(filter(rateLimit("GATEWAY", 5000))).toEqual([]);
    });
    it("fails a per-agent rate above the guide's, or of zero", () => {
        expect(filter(rateLimit("SIDECAR_INBOUND", 200))).toEqual([
            `${WHO} allows 200 rps; the per-agent limit is at most 100`,
        ]);
        expect(filter(rateLimit("SIDECAR_INBOUND", 0))).toEqual([
            `${WHO} allows 0 rps; the per-agent limit is at most 100`,
        ]);
    });
    it("passes a stricter per-agent rate (50 rps)", () => {
        expect(filter(rateLimit("SIDECAR_INBOUND", 50))).toEqual([]);
    });
    it("fails a gateway bucket above 10000 rps", () => {
        expect(filter(rateLimit("GATEWAY", 10001))).toEqual([
            "[MESH-RATE-GLOBAL] EnvoyFilter agent-x/agent-rate-limit allows 10001 rps; the global limit is 10000",
        ]);
    });
    it("fails a filter that is not enforced (Envoy's 0% default)", () => {
        const p = rateLimit("SIDECAR_INBOUND", 100);
        delete cfg(p).filter_enforced;
        expect(filter(p)).toEqual([`${WHO} filter_enforced is not 100% (Envoy's default is 0%: no limiting)`]);
    });
    it("fails a filter enabled at less than 100%", () => {
        const p = rateLimit("SIDECAR_INBOUND", 100);
        cfg(p).filter_enabled = { runtime_key: "x", default_value: { numerator: 50, denominator: "HUNDRED" } };
        expect(filter(p)).toEqual([`${WHO} filter_enabled is not 100% (Envoy's default is 0%: no limiting)`]);
    });
    it("fails a fill interval other than 1s", () => {
        const p = rateLimit("SIDECAR_INBOUND", 100);
        (cfg(p).token_bucket as Obj).fill_interval = "60s";
        expect(filter(p)).toEqual([`${WHO} fills its token bucket every 60s; expected 1s`]);
    });
    it("fails a burst larger than the rate", () => {
        const p = rateLimit("SIDECAR_INBOUND", 100);
        (cfg(p).token_bucket as Obj).max_tokens = 1000;
        expect(filter(p)).toEqual([`${WHO} has max_tokens 1000 ≠ tokens_per_fill 100; bursts would exceed the rate`]);
    });
    it("fails another typed_config type", () => {
        const p = rateLimit("SIDECAR_INBOUND", 100);
        cfg(p)["@type"] = "type.googleapis.com/udpa.type.v1.TypedStruct";
        expect(filter(p)).toEqual([
            `${WHO} typed_config @type is type.googleapis.com/udpa.type.v1.TypedStruct; expected type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit`,
        ]);
    });
});

describe("MESH-RATE-AGENT mesh-agent-rate-limit", () => {
    it("passes when every agent namespace has an inbound rate limit", () => {
        expect(validateStack(agentRateLimit, meshStack())).toEqual([]);
    });
    it("fails an agent namespace without one", () => {
        expect(messages(validateStack(agentRateLimit, without(meshStack(), "rl-agent-coordinator")))).toEqual([
            "agent namespace agent-coordinator has no namespace-wide EnvoyFilter with a SIDECAR_INBOUND local rate limit (100 rps)",
        ]);
    });
});

describe("MESH-RATE-GLOBAL mesh-global-rate-limit", () => {
    it("passes 2 replicas × 5000 rps", () => {
        expect(validateStack(globalRateLimit, meshStack())).toEqual([]);
    });
    it("fails 3 replicas × 5000 rps", () => {
        const s = edit(meshStack(), "gw", (p) => ((p.values as Obj).replicaCount = 3));
        expect(messages(validateStack(globalRateLimit, s))).toEqual([
            "gateway istio-ingress/istio-ingressgateway: 3 replicas × 5000 rps exceeds 10000 rps",
        ]);
    });
    it("fails an autoscaled gateway", () => {
        const s = edit(meshStack(), "gw", (p) => ((p.values as Obj).autoscaling = { enabled: true }));
        expect(messages(validateStack(globalRateLimit, s))).toEqual([
            "gateway istio-ingress/istio-ingressgateway must disable autoscaling and set replicaCount, or its rate limits add up to an unknown total",
        ]);
    });
    it("fails a gateway without a rate limit", () => {
        expect(messages(validateStack(globalRateLimit, without(meshStack(), "gw-rl")))).toEqual([
            "gateway istio-ingress/istio-ingressgateway has no GATEWAY local rate limit EnvoyFilter in its namespace",
        ]);
    });
    it("fails a stack without a gateway", () => {
        expect(messages(validateStack(globalRateLimit, without(meshStack(), "gw")))).toEqual([
            "no Istio ingress gateway release (chart gateway): nothing enforces the 10000 rps limit in the mesh",
        ]);
    });
});

describe("CERT-MANAGER mesh-cert-manager-release", () => {
    const ok = (): Obj => ({
        chart: "cert-manager",
        version: "v1.20.2",
        repositoryOpts: { repo: "https://charts.jetstack.io" },
        values: { crds: { enabled: true } },
    });
    const check = (props: Obj) => validateResource(certManagerRelease, { type: RELEASE, props });
    it("passes the pinned jetstack chart with CRDs", () => {
        expect(check(ok())).toEqual([]);
    });
    it("fails an unpinned version", () => {
        expect(check({ ...ok(), version: "^1.20" })).toEqual([
            "cert-manager release version ^1.20 is not pinned to an exact version",
        ]);
    });
    it("fails another repository", () => {
        expect(check({ ...ok(), repositoryOpts: { repo: "https://example.com/charts" } })).toEqual([
            "cert-manager release comes from https://example.com/charts; expected https://charts.jetstack.io",
        ]);
    });
    it("fails without CRDs", () => {
        expect(check({ ...ok(), values: {} })).toEqual(["cert-manager release does not set crds.enabled: true"]);
    });
});

describe("CERT-LETSENCRYPT mesh-letsencrypt-issuer", () => {
    const issuer = (acme: Obj, environment = "prod") =>
        validateResource(letsEncryptIssuer, {
            type: ISSUER,
            props: { metadata: { name: "letsencrypt" }, spec: { acme } },
            config: { environment },
        });
    const ok = (): Obj => ({
        server: "https://acme-v02.api.letsencrypt.org/directory",
        solvers: [{ dns01: { route53: { region: "eu-west-1", hostedZoneID: "Z0123" } } }],
    });
    it("passes Let's Encrypt production with Route 53 DNS-01", () => {
        expect(issuer(ok())).toEqual([]);
    });
    it("fails another ACME server", () => {
        expect(issuer({ ...ok(), server: "https://acme.example.com/directory" })).toEqual([
            "issuer letsencrypt uses ACME server https://acme.example.com/directory; expected https://acme-v02.api.letsencrypt.org/directory",
        ]);
    });
    it("allows the staging directory only in dev", () => {
        const staging = { ...ok(), server: "https://acme-staging-v02.api.letsencrypt.org/directory" };
        expect(issuer(staging, "dev")).toEqual([]);
        expect(issuer(staging, "prod")).toHaveLength(1);
    });
    it("fails an ACME contact at a domain Let's Encrypt refuses", () => {
        expect(issuer({ ...ok(), email: "secops@corp.io" })).toEqual([]);
        expect(issuer({ ...ok(), email: "security-oncall@Example.com" })).toEqual([
            "issuer letsencrypt registers the ACME contact security-oncall@Example.com; Let's Encrypt refuses example.com addresses",
        ]);
        expect(issuer({ ...ok(), email: "soc@mail.example.org" })).toHaveLength(1);
        // The reserved TLDs are no public suffix: Let's Encrypt refuses them as well.
        expect(issuer({ ...ok(), email: "soc@corp.test" })).toEqual([
            "issuer letsencrypt registers the ACME contact soc@corp.test; Let's Encrypt refuses corp.test addresses",
        ]);
    });
    it("fails an HTTP-01 solver", () => {
        expect(issuer({ ...ok(), solvers: [{ http01: { ingress: {} } }] })).toEqual([
            "issuer letsencrypt must solve every challenge with dns01.route53 and a hostedZoneID",
        ]);
    });
});
