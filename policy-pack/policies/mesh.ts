import { PolicyConfigSchema, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { MESH } from "../catalog/mesh";
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
    description: `istiod's plug-in CA: Secret ${MESH.caSecretName} in ${MESH.rootNamespace}, written by a cert-manager Certificate from a CA Issuer (tls.crt, tls.key, ca.crt) or holding ${MESH.caSecretKeys.join(", ")}.`,
    controls: ["MESH-MTLS-CA"],
    severity: "high",
    validate: (args, report) => {
        const inRoot = (r: PolicyResource) => meta(r.props).namespace === MESH.rootNamespace;
        const certificate = args.resources.find(
            (r) => r.type === CERTIFICATE && inRoot(r) && obj(r.props.spec).secretName === MESH.caSecretName,
        );
        if (certificate) {
            if (!caIssuerFor(certificate, args.resources)) {
                report(
                    `Certificate ${ref(certificate.props)} (${MESH.caSecretName}) names no CA Issuer of the stack: nothing signs istiod's intermediate with the mesh root`,
                    certificate.urn,
                );
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
        for (const ns of agentNamespaces(args.resources, configured)) {
            const covered = args.resources.some(
                (r) => AUTHZ.includes(r.type) && meta(r.props).namespace === ns && isDenyAll(obj(r.props.spec)),
            );
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
        for (const ns of agentNamespaces(args.resources, configured)) {
            const covered = args.resources.some(
                (r) =>
                    ENVOY_FILTER.includes(r.type) &&
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
];
