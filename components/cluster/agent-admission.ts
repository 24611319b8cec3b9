// Admission rules for the agent namespaces (issue 22, items 8 and 10): every agent pod runs on the agent nodes
// (the taint repels other pods but attracts none) and keeps its Istio sidecar (the injector skips pods that opt
// out, which Pod Security "restricted" allows), enforced by a ValidatingAdmissionPolicy bound with Deny.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AGENT_LABEL } from "../../policy-pack/catalog/identity";
import { SEGMENT_NODE_LABEL } from "./node-groups";

/** Istio's per-pod traffic-redirection annotations (istio-cni sidecar_redirect.go). */
const INTERCEPTION_PREFIX = "traffic.sidecar.istio.io/";

/** The label / annotation with which a pod opts out of sidecar injection (Istio injection webhook). */
export const SIDECAR_INJECT_KEY = "sidecar.istio.io/inject";

/** The ValidatingAdmissionPolicy spec: pods created or updated in a namespace labelled AGENT_LABEL. */
export function agentPodAdmissionSpec(): k8s.types.input.admissionregistration.v1.ValidatingAdmissionPolicySpec {
    const seg = SEGMENT_NODE_LABEL;
    return {
        failurePolicy: "Fail",
        matchConstraints: {
            namespaceSelector: { matchExpressions: [{ key: AGENT_LABEL, operator: "Exists" }] },
            resourceRules: [
                { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
            ],
        },
        validations: [
            {
                // Placement: selected onto the agent nodes (nodeSelector), and tolerating their taint.
                expression: `has(object.spec.nodeSelector) && '${seg}' in object.spec.nodeSelector && object.spec.nodeSelector['${seg}'] == 'agent'`,
                message: `agent pods must select the agent nodes: spec.nodeSelector ${seg}: agent`,
                reason: "Forbidden",
            },
            {
                expression: `has(object.spec.tolerations) && object.spec.tolerations.exists(t, has(t.key) && t.key == '${seg}' && ((has(t.operator) && t.operator == 'Exists') || (has(t.value) && t.value == 'agent')))`,
                message: `agent pods must tolerate the agent nodes' taint ${seg}=agent:NoSchedule`,
                reason: "Forbidden",
            },
            {
                // Sidecar: no opt-out by label or annotation (anything but "true" leaves the mesh).
                expression: `!has(object.metadata.labels) || !('${SIDECAR_INJECT_KEY}' in object.metadata.labels) || object.metadata.labels['${SIDECAR_INJECT_KEY}'] == 'true'`,
                message: `agent pods may not opt out of the Istio sidecar (label ${SIDECAR_INJECT_KEY})`,
                reason: "Forbidden",
            },
            {
                expression: `!has(object.metadata.annotations) || !('${SIDECAR_INJECT_KEY}' in object.metadata.annotations) || object.metadata.annotations['${SIDECAR_INJECT_KEY}'] == 'true'`,
                message: `agent pods may not opt out of the Istio sidecar (annotation ${SIDECAR_INJECT_KEY})`,
                reason: "Forbidden",
            },
            {
                // Injected but bypassed: Istio's CNI honours these annotations (ports, ranges, interfaces excluded from
                // redirection; another interception mode; a per-pod proxy config).
                expression: `!has(object.metadata.annotations) || !object.metadata.annotations.exists(k, k.startsWith('${INTERCEPTION_PREFIX}') || k == 'sidecar.istio.io/interceptionMode' || k == 'proxy.istio.io/config')`,
                message: `agent pods may not change the sidecar's traffic interception (annotations ${INTERCEPTION_PREFIX}*, sidecar.istio.io/interceptionMode, proxy.istio.io/config)`,
                reason: "Forbidden",
            },
        ],
    };
}

/** The policy and its Deny binding. */
export function agentPodAdmission(name: string, opts: pulumi.CustomResourceOptions) {
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
        `${name}-agent-pod-admission`,
        { metadata: { name: "mas-agent-pod-placement-and-mesh" }, spec: agentPodAdmissionSpec() },
        opts,
    );
    const binding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
        `${name}-agent-pod-admission`,
        {
            metadata: { name: "mas-agent-pod-placement-and-mesh" },
            spec: { policyName: policy.metadata.name, validationActions: ["Deny"] },
        },
        opts,
    );
    return { policy, binding };
}
