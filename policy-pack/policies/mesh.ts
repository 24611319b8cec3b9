import { PolicyConfigSchema, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { HttpsScope, intendedAgentFlows, intendedMeshRule } from "../catalog/flows";
import {
    atomsOf,
    covered,
    describeAtom,
    isolated,
    Namespace as NetNamespace,
    parseNetPol,
    Rule as NetRule,
} from "../lib/k8s-netpol";
import { MESH } from "../catalog/mesh";
import { candidatesBy } from "../lib/lookup";
import { AuthzPolicy, decide, matchValue, parseAuthz, principalParts, probeValues } from "../lib/mesh-authz";
import { asArray, asStrings as strings, environmentOf, resourcePolicy, stackPolicy } from "./lib";
import { caIssuerFor, meshDeployPolicies } from "./mesh-deploy";

// Istio objects made with k8s.apiextensions.CustomResource have the type `kubernetes:<apiVersion>:<kind>`.
const PEER_AUTHN = [
    "kubernetes:security.istio.io/v1:PeerAuthentication",
    "kubernetes:security.istio.io/v1beta1:PeerAuthentication",
];
const AUTHZ = [
    "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    "kubernetes:security.istio.io/v1beta1:AuthorizationPolicy",
];
const ENVOY_FILTER = ["kubernetes:networking.istio.io/v1alpha3:EnvoyFilter"];
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const ISSUERS = ["kubernetes:cert-manager.io/v1:ClusterIssuer", "kubernetes:cert-manager.io/v1:Issuer"];
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
/** AuthorizationPolicy source fields that name who calls (mTLS identities, or JWT principals). */
const IDENTITY_FIELDS = ["principals", "namespaces", "serviceAccounts", "requestPrincipals"];
const LETSENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
    if (typeof v === "string") {
        try {
            const parsed: unknown = JSON.parse(v);
            return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Obj) : {};
        } catch {
            return {};
        }
    }
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

function list(v: unknown): Obj[] {
    return asArray(v as Obj | Obj[] | undefined).map(obj);
}

function meta(props: Obj): { name: string; namespace: string; labels: Obj } {
    const m = obj(props.metadata);
    return { name: String(m.name ?? "?"), namespace: String(m.namespace ?? ""), labels: obj(m.labels) };
}

/** `<namespace>/<name>` of a Kubernetes object, for messages. */
function ref(props: Obj): string {
    const m = meta(props);
    return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

/** An Istio string match allows `*` only as the first or last character. */
function wildcardInMiddle(s: string): boolean {
    return s.slice(1, -1).includes("*");
}

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

// --- mTLS -----------------------------------------------------------------------------------------------

export const peerAuthenticationNoDowngrade = resourcePolicy({
    name: "mesh-peer-authentication-no-downgrade",
    description: "No PeerAuthentication relaxes mutual TLS: mode PERMISSIVE or DISABLE is refused, also per port.",
    controls: ["MESH-MTLS-STRICT"],
    severity: "critical",
    types: PEER_AUTHN,
    validate: (args, report) => {
        const spec = obj(args.props.spec);
        const mode = obj(spec.mtls).mode;
        if (mode === "PERMISSIVE" || mode === "DISABLE") {
            report(`PeerAuthentication ${ref(args.props)} sets mtls.mode ${mode}; only STRICT (or UNSET) is allowed`);
        }
        for (const [port, setting] of Object.entries(obj(spec.portLevelMtls))) {
            const m = obj(setting).mode;
            if (m === "PERMISSIVE" || m === "DISABLE") {
                report(
                    `PeerAuthentication ${ref(args.props)} sets portLevelMtls[${port}].mode ${m}; only STRICT (or UNSET) is allowed`,
                );
            }
        }
    },
});

export const peerAuthenticationMeshWide = stackPolicy({
    name: "mesh-peer-authentication-mesh-wide-strict",
    description: `A mesh-wide PeerAuthentication (in ${MESH.rootNamespace}, no selector) sets mtls.mode STRICT.`,
    controls: ["MESH-MTLS-STRICT"],
    severity: "critical",
    validate: (args, report) => {
        const meshWide = args.resources.filter(
            (r) =>
                PEER_AUTHN.includes(r.type) &&
                meta(r.props).namespace === MESH.rootNamespace &&
                obj(r.props.spec).selector === undefined,
        );
        if (!meshWide.some((r) => obj(obj(r.props.spec).mtls).mode === "STRICT")) {
            report(
                `no mesh-wide STRICT mTLS: expected a PeerAuthentication in ${MESH.rootNamespace} without a selector and with mtls.mode STRICT`,
            );
        }
    },
});

export const pluginCa = stackPolicy({
    name: "mesh-plugin-ca",
    description: `istiod's plug-in CA: Secret ${MESH.caSecretName} in ${MESH.rootNamespace}, written by a cert-manager Certificate from a CA Issuer whose Secret carries the root as ca.crt (tls.crt, tls.key, ca.crt), or holding ${MESH.caSecretKeys.join(", ")}.`,
    controls: ["MESH-MTLS-CA"],
    severity: "high",
    validate: (args, report) => {
        const inRoot = (r: PolicyResource) => meta(r.props).namespace === MESH.rootNamespace;
        const certificate = args.resources.find(
            (r) => r.type === CERTIFICATE && inRoot(r) && obj(r.props.spec).secretName === MESH.caSecretName,
        );
        if (certificate) {
            const issuer = caIssuerFor(certificate, args.resources);
            if (!issuer) {
                report(
                    `Certificate ${ref(certificate.props)} (${MESH.caSecretName}) names no CA Issuer of the stack: nothing signs istiod's intermediate with the mesh root`,
                    certificate.urn,
                );
                return;
            }
            // cert-manager writes as ca.crt the top of the chain it knows: the issuer Secret's ca.crt, else the
            // issuing CA itself (cert-manager pkg/util/kube/pki.go SecretTLSKeyPairAndCA, pkg/util/pki
            // parse_certificate_chain.go). istiod takes ca.crt as the mesh root and refuses a changed root on
            // reload (pilot/pkg/bootstrap/istio_ca.go handleEvent, ISTIO_MULTIROOT_MESH off): without the root
            // there, the first new issuing CA stops every intermediate rotation.
            const secretName = obj(obj(issuer.props.spec).ca).secretName;
            const secret = args.resources.find(
                (r) =>
                    r.type === SECRET &&
                    meta(r.props).name === secretName &&
                    meta(r.props).namespace === meta(issuer.props).namespace,
            );
            const readable = (v: unknown) => v === undefined || (typeof v === "object" && v !== null);
            if (secret && readable(secret.props.stringData) && readable(secret.props.data)) {
                const keys = new Set([
                    ...Object.keys(obj(secret.props.stringData)),
                    ...Object.keys(obj(secret.props.data)),
                ]);
                if (!keys.has("ca.crt")) {
                    report(
                        `CA Issuer secret ${meta(secret.props).namespace}/${String(secretName)} has no ca.crt (the mesh root): cert-manager then hands istiod the issuing CA as its root, and istiod refuses the next issuing CA as a root change`,
                        secret.urn,
                    );
                }
            }
            return;
        }
        const secret = args.resources.find(
            (r) => r.type === SECRET && meta(r.props).name === MESH.caSecretName && inRoot(r),
        );
        if (!secret) {
            report(`no Secret ${MESH.rootNamespace}/${MESH.caSecretName}: istiod would sign with a self-generated CA`);
            return;
        }
        // An exported state without decrypted secrets shows the whole data as one opaque value: nothing to check.
        if (typeof secret.props.stringData === "string" || typeof secret.props.data === "string") {
            return;
        }
        const keys = new Set([...Object.keys(obj(secret.props.stringData)), ...Object.keys(obj(secret.props.data))]);
        const complete = (want: readonly string[]) => want.every((k) => keys.has(k));
        if (!complete(MESH.caSecretKeys) && !complete(MESH.caTlsSecretKeys)) {
            const missing = MESH.caSecretKeys.filter((k) => !keys.has(k));
            report(
                `Secret ${MESH.rootNamespace}/${MESH.caSecretName} lacks ${missing.join(", ")}; istiod fails to start with a partial bundle`,
                secret.urn,
            );
        }
    },
});

export const minTls13 = resourcePolicy({
    name: "mesh-min-tls-13",
    description:
        "The istiod release sets the mesh mTLS minimum protocol to TLS 1.3 (meshConfig.meshMTLS.minProtocolVersion).",
    controls: ["MESH-MTLS-CIPHERS"],
    severity: "high",
    types: [HELM_RELEASE],
    validate: (args, report) => {
        if (args.props.chart !== "istiod") {
            return;
        }
        const min = obj(obj(obj(args.props.values).meshConfig).meshMTLS).minProtocolVersion;
        if (min !== MESH.minTlsVersion) {
            report(
                `istiod release sets meshConfig.meshMTLS.minProtocolVersion ${String(min)}; expected ${MESH.minTlsVersion}`,
            );
        }
    },
});

// --- Authorization --------------------------------------------------------------------------------------

/** Agent namespaces: labelled `mas/agent`, named `agent-*`, or listed in policy config `agentNamespaces`. */
const agentNamespacesSchema: PolicyConfigSchema = {
    properties: { agentNamespaces: { type: "array", items: { type: "string" }, default: [] } },
};

function agentNamespaces(resources: PolicyResource[], configured: string[] | undefined): string[] {
    const found = resources
        .filter((r) => r.type === NAMESPACE)
        .map((r) => meta(r.props))
        .filter((m) => m.labels[MESH.agentNamespaceLabel] !== undefined || m.name.startsWith("agent-"))
        .map((m) => m.name);
    return [...new Set([...found, ...(configured ?? [])])].sort();
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

// --- Rate limits ----------------------------------------------------------------------------------------

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
            } else if (bucket.tokens_per_fill !== MESH.perAgentRps) {
                report(
                    `${who} allows ${String(bucket.tokens_per_fill)} rps; the per-agent limit is ${MESH.perAgentRps}`,
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

// --- Certificates ---------------------------------------------------------------------------------------

export const certManagerRelease = resourcePolicy({
    name: "mesh-cert-manager-release",
    description:
        "cert-manager comes from the jetstack repository at a pinned version, with its CRDs managed by the chart.",
    controls: ["CERT-MANAGER"],
    severity: "medium",
    types: [HELM_RELEASE],
    validate: (args, report) => {
        if (args.props.chart !== "cert-manager") {
            return;
        }
        const version = args.props.version;
        if (typeof version !== "string" || !/^v?\d+\.\d+\.\d+$/.test(version)) {
            report(`cert-manager release version ${String(version)} is not pinned to an exact version`);
        }
        const repo = obj(args.props.repositoryOpts).repo;
        if (repo !== MESH.certManagerRepo) {
            report(`cert-manager release comes from ${String(repo)}; expected ${MESH.certManagerRepo}`);
        }
        if (obj(obj(args.props.values).crds).enabled !== true) {
            report(`cert-manager release does not set crds.enabled: true`);
        }
    },
});

export const letsEncryptIssuer = resourcePolicy({
    name: "mesh-letsencrypt-issuer",
    description:
        "ACME issuers use Let's Encrypt (production in prod) and solve DNS-01 through a named Route 53 hosted zone.",
    controls: ["CERT-LETSENCRYPT"],
    severity: "medium",
    types: ISSUERS,
    validate: (args, report) => {
        const acme = obj(obj(args.props.spec).acme);
        if (Object.keys(acme).length === 0) {
            return;
        }
        const allowed =
            environmentOf(args) === "prod" ? [MESH.letsEncryptServer] : [MESH.letsEncryptServer, LETSENCRYPT_STAGING];
        if (!allowed.includes(String(acme.server))) {
            report(
                `issuer ${ref(args.props)} uses ACME server ${String(acme.server)}; expected ${allowed.join(" or ")}`,
            );
        }
        const contactDomain = String(acme.email ?? "")
            .split("@")
            .pop()
            ?.toLowerCase();
        if (
            contactDomain &&
            MESH.acmeForbiddenContactDomains.some((d) => contactDomain === d || contactDomain.endsWith(`.${d}`))
        ) {
            report(
                `issuer ${ref(args.props)} registers the ACME contact ${String(acme.email)}; Let's Encrypt refuses ${contactDomain} addresses`,
            );
        }
        const solvers = list(acme.solvers);
        if (solvers.length === 0 || solvers.some((s) => !obj(obj(s.dns01).route53).hostedZoneID)) {
            report(`issuer ${ref(args.props)} must solve every challenge with dns01.route53 and a hostedZoneID`);
        }
    },
});

// --- Effective behaviour (lib/mesh-authz.ts) --------------------------------------------------------------

const DESTINATION_RULE = [
    "kubernetes:networking.istio.io/v1:DestinationRule",
    "kubernetes:networking.istio.io/v1beta1:DestinationRule",
    "kubernetes:networking.istio.io/v1alpha3:DestinationRule",
];
const HTTP_PROBE_METHODS = HTTP_METHODS;
const DEFAULT_TRUST_DOMAIN = "cluster.local";

function trustDomainOf(resources: PolicyResource[]): string {
    const istiod = resources.find((r) => r.type === HELM_RELEASE && r.props.chart === "istiod");
    const td = obj(obj(istiod?.props.values).meshConfig).trustDomain;
    return typeof td === "string" && td ? td : DEFAULT_TRUST_DOMAIN;
}

/** Agent namespaces with the agent each belongs to (`mas/agent` label; configured ones named `agent-<agent>`). */
function agentsByNamespace(resources: PolicyResource[], configured: string[] = []): Map<string, string> {
    const out = new Map<string, string>(configured.map((ns) => [ns, ns.replace(/^agent-/, "")]));
    for (const r of resources.filter((x) => x.type === NAMESPACE)) {
        const m = meta(r.props);
        const agent = m.labels[MESH.agentNamespaceLabel];
        if (typeof agent === "string") {
            out.set(m.name, agent);
        }
    }
    return out;
}

export const authorizationEffective = stackPolicy({
    name: "mesh-authorization-effective",
    description: `The mesh's AuthorizationPolicies, evaluated as Istio does (CUSTOM, DENY, ALLOW; root-namespace policies mesh-wide; principals with their namespace), allow exactly the guide's rule into agent workloads: ${intendedMeshRule.sourceType} → ${intendedMeshRule.destinationType}, ${intendedMeshRule.methods.join("/")} on ${intendedMeshRule.paths.join(", ")}.`,
    controls: ["MESH-AUTHZ-STRICT", "MESH-AUTHZ-TASKS"],
    severity: "critical",
    configSchema: agentNamespacesSchema,
    validate: (args, report) => {
        const td = trustDomainOf(args.resources);
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
            const applicable = [...(byNamespace.get(ns) ?? []), ...(byNamespace.get(MESH.rootNamespace) ?? [])];
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
            for (const labels of labelSets) {
                for (const principal of sources) {
                    for (const method of methods) {
                        for (const path of paths) {
                            const d = decide(
                                applicable,
                                { namespace: ns, labels },
                                { principal, method, path },
                                MESH.rootNamespace,
                            );
                            const want = intended(ns, principal, method, path);
                            const what = `${principal ?? "an unauthenticated peer"} ${method} ${path}${Object.keys(labels).length ? ` (pods ${JSON.stringify(labels)})` : ""}`;
                            if (d.allowed && !want) {
                                extra.push(`${what} via ${d.by ?? "?"}`);
                            } else if (!d.allowed && want) {
                                missing.push(`${what}${d.by ? ` (denied by ${d.by})` : ""}`);
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
            if (missing.length) {
                report(
                    `[MESH-AUTHZ-TASKS] agent namespace ${ns} (${agent}) refuses ${missing.length} requests the guide's rule allows, e.g. ${missing.slice(0, 3).join("; ")}`,
                );
            }
        }
    },
});

export const destinationRuleTls = resourcePolicy({
    name: "mesh-destination-rule-tls",
    description:
        "No DestinationRule sends in-mesh traffic without Istio mTLS: tls.mode DISABLE or SIMPLE (also per port or subset) to a cluster host is refused.",
    controls: ["MESH-MTLS-STRICT"],
    severity: "critical",
    types: DESTINATION_RULE,
    validate: (args, report) => {
        const spec = obj(args.props.spec);
        const host = String(spec.host ?? "");
        // Hosts inside the mesh: cluster service names (short, namespaced or *.cluster.local / *.svc.* / `*`).
        const inMesh =
            host === "*" ||
            !host.includes(".") ||
            /\.svc(\.|$)/.test(host) ||
            host.endsWith(".local") ||
            host.split(".").length === 2;
        if (!inMesh) {
            return;
        }
        const policies = [
            { where: "trafficPolicy", tp: obj(spec.trafficPolicy) },
            ...list(spec.subsets).map((s) => ({ where: `subset ${String(s.name)}`, tp: obj(s.trafficPolicy) })),
        ];
        for (const { where, tp } of policies) {
            const modes = [
                { at: where, mode: obj(tp.tls).mode },
                ...list(tp.portLevelSettings).map((p) => ({
                    at: `${where} port ${String(obj(p.port).number)}`,
                    mode: obj(p.tls).mode,
                })),
            ];
            for (const { at, mode } of modes) {
                if (mode === "DISABLE" || mode === "SIMPLE") {
                    report(
                        `[MESH-MTLS-STRICT] DestinationRule ${ref(args.props)} (${at}) sets tls.mode ${mode} for in-mesh host ${host}; clients would send ${mode === "DISABLE" ? "plain text" : "TLS without a workload certificate"}, which STRICT peers refuse or which bypasses mesh identity`,
                    );
                }
            }
        }
    },
});

/** Go duration (`24h`, `720h0m0s`, `90m`, `1.5h`) in hours; undefined when unreadable. */
export function durationHours(v: unknown): number | undefined {
    if (typeof v !== "string" || !/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(v)) {
        return undefined;
    }
    const unit: Record<string, number> = { h: 1, m: 1 / 60, s: 1 / 3600, ms: 1 / 3_600_000 };
    let total = 0;
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
        total += Number(m[1]) * unit[m[2]];
    }
    return total;
}

/** istio-agent asks for SECRET_TTL (default 24 h); istiod caps every workload certificate at MAX_WORKLOAD_CERT_TTL (default 90 days). */
const ISTIO_DEFAULT_MAX_CERT_TTL_HOURS = 90 * 24;

export const workloadCertTtl = resourcePolicy({
    name: "mesh-workload-cert-ttl",
    description: `Workload certificates live at most the guide's rotation period (${MESH.intermediateValidityHours} h): istiod caps them with MAX_WORKLOAD_CERT_TTL (Istio's default, 90 days, is too long) and no default or requested TTL exceeds it.`,
    controls: ["MESH-MTLS-ROTATION"],
    severity: "high",
    types: [HELM_RELEASE],
    validate: (args, report) => {
        if (args.props.chart !== "istiod") {
            return;
        }
        const values = obj(args.props.values);
        const env = obj(values.env);
        const proxyMeta = obj(obj(obj(values.meshConfig).defaultConfig).proxyMetadata);
        const settings: [string, unknown, number | undefined][] = [
            ["env.MAX_WORKLOAD_CERT_TTL", env.MAX_WORKLOAD_CERT_TTL, ISTIO_DEFAULT_MAX_CERT_TTL_HOURS],
            ["env.DEFAULT_WORKLOAD_CERT_TTL", env.DEFAULT_WORKLOAD_CERT_TTL, undefined],
            // The pre-1.6 name of the same default, still read by older istiod images.
            ["env.WORKLOAD_CERT_TTL", env.WORKLOAD_CERT_TTL, undefined],
            ["meshConfig.defaultConfig.proxyMetadata.SECRET_TTL", proxyMeta.SECRET_TTL, undefined],
        ];
        for (const [key, raw, fallback] of settings) {
            const hours = raw === undefined ? fallback : durationHours(raw);
            if (raw !== undefined && hours === undefined) {
                report(`[MESH-MTLS-ROTATION] istiod ${key} ${JSON.stringify(raw)} is not a Go duration`);
            } else if (hours !== undefined && hours > MESH.intermediateValidityHours) {
                report(
                    `[MESH-MTLS-ROTATION] istiod ${key} is ${raw === undefined ? `unset (Istio's default ${hours} h)` : String(raw)}: workload certificates could live longer than the ${MESH.intermediateValidityHours} h rotation period`,
                );
            }
        }
    },
});

// --- NetworkPolicies as a union (lib/k8s-netpol.ts) -------------------------------------------------------

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
/** Namespaces every cluster has, whether or not the plan creates them. */
const BUILT_IN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** A namespace nobody declared: stands for every namespace created later, so "all namespaces" shows. */
const STRANGER_NAMESPACE = "any-other-namespace";

/**
 * The plan's VPC ranges and the subnets of the EKS cluster's ENIs and the interface endpoints; undefined when the
 * plan has no VPC (then HTTPS may go anywhere).
 */
function httpsScopeOf(resources: PolicyResource[]): HttpsScope | undefined {
    const vpcCidrs = resources
        .filter((r) => r.type === "aws:ec2/vpc:Vpc")
        .map((r) => r.props.cidrBlock)
        .filter((c): c is string => typeof c === "string");
    if (vpcCidrs.length === 0) {
        return undefined;
    }
    const subnetCidr = new Map<string, string>();
    for (const s of resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")) {
        if (typeof s.props.id === "string" && typeof s.props.cidrBlock === "string") {
            subnetCidr.set(s.props.id, s.props.cidrBlock);
        }
    }
    const subnetIds = [
        ...resources
            .filter((r) => r.type === "aws:eks/cluster:Cluster")
            .flatMap((r) => strings(obj(r.props.vpcConfig).subnetIds)),
        ...resources
            .filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.props.vpcEndpointType === "Interface")
            .flatMap((r) => strings(r.props.subnetIds)),
    ];
    const endpointSubnetCidrs = [...new Set(subnetIds.flatMap((id) => subnetCidr.get(id) ?? []))].sort();
    return { vpcCidrs, endpointSubnetCidrs };
}

export const networkPolicyEffective = stackPolicy({
    name: "k8s-network-policy-effective",
    description:
        "The NetworkPolicies of each agent namespace, taken together as Kubernetes does (isolation by any selecting policy, allowed traffic the union of all their rules), isolate every pod in both directions and allow only the catalog's intended flows (own namespace, DNS, istiod, Pod Identity agent, the coordinator, HTTPS out of the VPC or to the subnets of the Kubernetes API and the interface endpoints).",
    controls: ["K8S-NETPOL"],
    severity: "critical",
    validate: (args, report) => {
        const declared: NetNamespace[] = args.resources
            .filter((r) => r.type === NAMESPACE)
            .map((r) => meta(r.props))
            .map((m) => ({ name: m.name, labels: { ...(m.labels as Record<string, string>) } }));
        const universe: NetNamespace[] = [
            ...declared,
            ...[...BUILT_IN_NAMESPACES, STRANGER_NAMESPACE]
                .filter((n) => !declared.some((d) => d.name === n))
                .map((name) => ({ name, labels: {} })),
        ].map((n) => ({ ...n, labels: { ...n.labels, "kubernetes.io/metadata.name": n.name } }));
        const agents = agentsByNamespace(args.resources);
        const https = httpsScopeOf(args.resources);
        const coordinators = [...agents]
            .filter(([, a]) => a.startsWith(intendedMeshRule.destinationType))
            .map(([ns]) => ns);
        const policies = args.resources
            .filter((r) => r.type === NETWORK_POLICY)
            .map((r) => ({ urn: r.urn, np: parseNetPol(r.props) }));
        const inNamespace = new Map<string, typeof policies>();
        for (const p of policies) {
            inNamespace.set(p.np.namespace, [...(inNamespace.get(p.np.namespace) ?? []), p]);
        }
        for (const ns of [...agents.keys()].sort()) {
            const mine = inNamespace.get(ns) ?? [];
            const intent = intendedAgentFlows(ns, coordinators, https);
            const allowed = {
                ingress: intent.ingress.flatMap((r) => atomsOf(r as NetRule, ns, universe)),
                egress: intent.egress.flatMap((r) => atomsOf(r as NetRule, ns, universe)),
            };
            const labelSets = [{}, ...mine.map((p) => p.np.podSelector.matchLabels ?? {})];
            for (const labels of labelSets) {
                const iso = isolated(
                    mine.map((p) => p.np),
                    ns,
                    labels,
                );
                const pods = Object.keys(labels).length ? `pods ${JSON.stringify(labels)}` : "every pod";
                for (const dir of ["ingress", "egress"] as const) {
                    if (!iso[dir]) {
                        report(
                            `[K8S-NETPOL] agent namespace ${ns}: ${pods} is not isolated for ${dir} (no NetworkPolicy selecting it lists ${dir === "ingress" ? "Ingress" : "Egress"}), so all ${dir} is allowed`,
                        );
                    }
                }
            }
            for (const { urn, np } of mine) {
                for (const dir of ["ingress", "egress"] as const) {
                    const extra = np[dir]
                        .flatMap((r) => atomsOf(r, ns, universe))
                        .filter((a) => !covered(a, allowed[dir]));
                    if (extra.length) {
                        report(
                            `[K8S-NETPOL] NetworkPolicy ${ns}/${np.name} allows ${dir} beyond the intended flows: ${extra
                                .slice(0, 4)
                                .map(describeAtom)
                                .join("; ")}${extra.length > 4 ? ` (+${extra.length - 4} more)` : ""}`,
                            urn,
                        );
                    }
                }
            }
        }
    },
});

export const meshPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    peerAuthenticationNoDowngrade,
    peerAuthenticationMeshWide,
    pluginCa,
    minTls13,
    agentNamespaceDefaultDeny,
    authorizationNoWildcards,
    rateLimitValues,
    agentRateLimit,
    globalRateLimit,
    certManagerRelease,
    letsEncryptIssuer,
    ...meshDeployPolicies,
    authorizationEffective,
    destinationRuleTls,
    workloadCertTtl,
    networkPolicyEffective,
];
