// service_mesh.mtls: STRICT mutual TLS everywhere, the plug-in CA, TLS 1.3, workload certificate lifetimes.

import { PolicyResource } from "@pulumi/policy";
import { MESH } from "../../catalog/mesh";
import { resourcePolicy, stackPolicy } from "../lib";
import { caIssuerFor } from "../mesh-deploy";
import { CERTIFICATE, HELM_RELEASE, list, meta, obj, PEER_AUTHN, ref, SECRET } from "./shared";

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

const DESTINATION_RULE = [
    "kubernetes:networking.istio.io/v1:DestinationRule",
    "kubernetes:networking.istio.io/v1beta1:DestinationRule",
    "kubernetes:networking.istio.io/v1alpha3:DestinationRule",
];

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
