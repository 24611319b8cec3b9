// Agent pods stay on agent nodes and inside the mesh (issue 22, items 8 and 10): a taint repels other pods but
// attracts none, and the injector skips a pod labelled sidecar.istio.io/inject: "false". Only admission can
// hold both, so the stack must carry a ValidatingAdmissionPolicy bound with Deny over the agent namespaces.

import { PolicyResource } from "@pulumi/policy";
import { asArray, asObject, asString, asStrings, stackPolicy } from "../lib";

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const AGENT_NAMESPACE_LABEL = "mas/agent";
const SEGMENT = "mas/segment";
const INJECT = "sidecar.istio.io/inject";

/** What an agent-pod admission policy must hold, each with the expression fragment that proves it. */
const RULES: { key: string; needs: (expr: string) => boolean; what: string }[] = [
    {
        key: "placement",
        needs: (e) => e.includes(`nodeSelector['${SEGMENT}']=='agent'`),
        what: `pods select the agent nodes (nodeSelector ${SEGMENT}: agent)`,
    },
    {
        key: "toleration",
        needs: (e) => e.includes("tolerations.exists(") && e.includes(`t.key=='${SEGMENT}'`),
        what: `pods tolerate the agent taint ${SEGMENT}`,
    },
    {
        key: "sidecar-label",
        needs: (e) => e.includes(`labels['${INJECT}']=='true'`),
        what: `no sidecar opt-out by label ${INJECT}`,
    },
    {
        key: "sidecar-annotation",
        needs: (e) => e.includes(`annotations['${INJECT}']=='true'`),
        what: `no sidecar opt-out by annotation ${INJECT}`,
    },
    {
        key: "sidecar-interception",
        needs: (e) =>
            e.includes("k.startsWith('traffic.sidecar.istio.io/')") &&
            e.includes("k=='sidecar.istio.io/interceptionMode'") &&
            e.includes("k=='proxy.istio.io/config'"),
        what: "no sidecar bypass by the traffic.sidecar.istio.io/* interception annotations, interceptionMode or a per-pod proxy config",
    },
];

/** Whether the policy's match covers pod creation in every agent namespace. */
function coversAgentPods(spec: Record<string, unknown>): boolean {
    const match = asObject(spec.matchConstraints);
    const ns = asObject(match.namespaceSelector);
    const exprs = asArray(ns.matchExpressions as Record<string, unknown>[] | undefined);
    const labels = asObject(ns.matchLabels);
    const selectsAgents =
        (exprs.length === 0 && Object.keys(labels).length === 0) ||
        (Object.keys(labels).length === 0 &&
            exprs.length === 1 &&
            exprs[0].key === AGENT_NAMESPACE_LABEL &&
            exprs[0].operator === "Exists");
    if (
        Object.keys(asObject(match.objectSelector)).length > 0 ||
        asArray(match.excludeResourceRules as unknown[] | undefined).length > 0
    ) {
        return false; // some pods, or some operations, left out
    }
    const rules = asArray(match.resourceRules as Record<string, unknown>[] | undefined);
    const pods = rules.some(
        (r) =>
            asStrings(r.apiGroups).some((g) => g === "" || g === "*") &&
            asStrings(r.resources).some((x) => x === "pods" || x === "*") &&
            ["CREATE", "UPDATE"].every((op) => asStrings(r.operations).some((o) => o === op || o === "*")),
    );
    return selectsAgents && pods;
}

export const agentPodAdmission = stackPolicy({
    name: "k8s-agent-pod-admission",
    description:
        'A ValidatingAdmissionPolicy bound with Deny (failurePolicy Fail) checks every pod created or updated in the agent namespaces: it selects the agent nodes (nodeSelector mas/segment: agent), tolerates their taint, and does not opt out of the Istio sidecar by label or annotation (sidecar.istio.io/inject other than "true").',
    controls: ["NET-SEG-AGENT", "MESH-MTLS-STRICT"],
    severity: "critical",
    validate: (args, report) => {
        const hasAgents = args.resources.some(
            (r) =>
                r.type === "kubernetes:core/v1:Namespace" &&
                asObject(asObject(r.props.metadata).labels)[AGENT_NAMESPACE_LABEL] !== undefined,
        );
        if (!hasAgents) {
            return;
        }
        const denied = new Set(
            args.resources
                .filter(
                    (b) =>
                        b.type === BINDING &&
                        asStrings(asObject(b.props.spec).validationActions).includes("Deny") &&
                        // A binding's matchResources can only narrow the policy's match: any of it is a narrowing.
                        Object.keys(asObject(asObject(b.props.spec).matchResources)).length === 0,
                )
                .map((b) => asString(asObject(b.props.spec).policyName)),
        );
        const candidates: PolicyResource[] = args.resources.filter(
            (r) =>
                r.type === VAP &&
                denied.has(asString(asObject(r.props.metadata).name)) &&
                (asObject(r.props.spec).failurePolicy ?? "Fail") === "Fail" &&
                coversAgentPods(asObject(r.props.spec)),
        );
        const expressions = candidates
            // A policy narrowed by matchConditions checks only the pods its conditions pick.
            .filter((r) => asArray(asObject(r.props.spec).matchConditions as unknown[] | undefined).length === 0)
            .flatMap((r) =>
                asArray(asObject(r.props.spec).validations as Record<string, unknown>[] | undefined).map((v) =>
                    (asString(asObject(v).expression) ?? "").replace(/\s+/g, "").replace(/"/g, "'"),
                ),
            )
            // An expression that a constant makes true checks nothing.
            .filter((e) => !/\|\|true\b|\btrue\|\|/.test(e));
        for (const rule of RULES) {
            if (!expressions.some(rule.needs)) {
                report(
                    `[${rule.key.startsWith("sidecar") ? "MESH-MTLS-STRICT" : "NET-SEG-AGENT"}] no ValidatingAdmissionPolicy bound with Deny (failurePolicy Fail, pods CREATE and UPDATE in every namespace labelled ${AGENT_NAMESPACE_LABEL}) makes sure that ${rule.what}: ${rule.key.startsWith("sidecar") ? "such a pod leaves STRICT mTLS, the deny-all and the rate limit behind" : "an agent pod without it runs on the service nodes, in the service segment, without its enclave"}`,
                );
            }
        }
    },
});
