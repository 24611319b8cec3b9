// The Mesh component run alone under mocks, and helpers to read its Kubernetes objects.
import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { plain, runShared, stackConfig } from "../../harness/program";

export const CR = (apiVersion: string, kind: string) => `kubernetes:${apiVersion}:${kind}`;
export const PA = CR("security.istio.io/v1", "PeerAuthentication");
export const AP = CR("security.istio.io/v1", "AuthorizationPolicy");
export const EF = CR("networking.istio.io/v1alpha3", "EnvoyFilter");
export const RELEASE = "kubernetes:helm.sh/v3:Release";
export const NS = "kubernetes:core/v1:Namespace";
export const SECRET = "kubernetes:core/v1:Secret";
export const LSC = "tls:index/locallySignedCert:LocallySignedCert";
export const SSC = "tls:index/selfSignedCert:SelfSignedCert";
export const KEY = "tls:index/privateKey:PrivateKey";

export type Obj = Record<string, unknown>;

/** Runs the mesh component alone under mocks, with the cluster section's outputs faked as strings. */
export function runMesh(stack: "dev" | "prod", overrides: Obj = {}, extra: Obj = {}): Promise<ProgramRun> {
    return runShared(`mesh-${JSON.stringify(extra)}`, stackConfig(stack, overrides), stack, () => {
        const k8s = require("@pulumi/kubernetes") as typeof import("@pulumi/kubernetes");
        const { loadConfig, agentNamespace } = require("../../../components/config");
        const { EvidenceRegistry } = require("../../../components/evidence");
        const { Mesh } = require("../../../components/mesh");
        const cfg = loadConfig();
        const evidence = new EvidenceRegistry();
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const agentNamespaces = Object.fromEntries((cfg.agents as string[]).map((a: string) => [a, agentNamespace(a)]));
        const mesh = new Mesh("mas", {
            config: cfg,
            evidence,
            provider,
            agentNamespaces,
            clusterName: "mas-dev-eks",
            ...extra,
        });
        return {
            evidence: evidence.output(),
            root: mesh.rootCertificatePem,
            issuing: mesh.issuingCertificatePem,
            ingressNamespace: mesh.ingressNamespace,
        };
    });
}

export const spec = (r: RecordedResource) => plain<Obj>(r.inputs.spec);
export const meta = (r: RecordedResource) => plain<Obj>(r.inputs.metadata);
export const values = (r: RecordedResource) => plain<Obj>(r.inputs.values);
export const evidenceOf = (run: ProgramRun, id: string) =>
    ((run.stackOutputs.evidence as Record<string, { resources: { type: string }[] }>)[id]?.resources ?? []).map(
        (r) => r.type,
    );

/** An Istio string match: exact, prefix `abc*`, suffix `*abc`, never a `*` in the middle. */
export function istioMatch(s: string): boolean {
    return !s.slice(1, -1).includes("*");
}
