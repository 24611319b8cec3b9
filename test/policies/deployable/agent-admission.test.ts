// policy-pack/policies/deployable/agent-admission.ts over the stack's own admission policy (components/cluster).
import { agentPodAdmissionSpec } from "../../../components/cluster/agent-admission";
import { agentPodAdmission } from "../../../policy-pack/policies/deployable/agent-admission";
import { StackResourceCase, validateStack } from "../../harness/policy";

type Rec = Record<string, any>;
const A = "kubernetes:admissionregistration.k8s.io/v1";
const stack = (edit: (spec: Rec, binding: Rec) => void = () => {}): string[] => {
    const spec = JSON.parse(JSON.stringify(agentPodAdmissionSpec())) as Rec;
    const binding: Rec = { policyName: "mas-agent-pod-placement-and-mesh", validationActions: ["Deny"] };
    edit(spec, binding);
    const rs: StackResourceCase[] = [
        {
            type: "kubernetes:core/v1:Namespace",
            props: { metadata: { name: "agent-coordinator", labels: { "mas/agent": "coordinator" } } },
        },
        {
            type: `${A}:ValidatingAdmissionPolicy`,
            props: { metadata: { name: "mas-agent-pod-placement-and-mesh" }, spec },
        },
        { type: `${A}:ValidatingAdmissionPolicyBinding`, props: { metadata: { name: "b" }, spec: binding } },
    ];
    return validateStack(agentPodAdmission, rs).map((v) => v.message);
};
const ALL = [
    "[NET-SEG-AGENT] no ValidatingAdmissionPolicy bound with Deny (failurePolicy Fail, pods CREATE and UPDATE in every namespace labelled mas/agent) makes sure that pods select the agent nodes (nodeSelector mas/segment: agent): an agent pod without it runs on the service nodes, in the service segment, without its enclave",
    "[NET-SEG-AGENT] no ValidatingAdmissionPolicy bound with Deny (failurePolicy Fail, pods CREATE and UPDATE in every namespace labelled mas/agent) makes sure that pods tolerate the agent taint mas/segment: an agent pod without it runs on the service nodes, in the service segment, without its enclave",
    "[MESH-MTLS-STRICT] no ValidatingAdmissionPolicy bound with Deny (failurePolicy Fail, pods CREATE and UPDATE in every namespace labelled mas/agent) makes sure that no sidecar opt-out by label sidecar.istio.io/inject: such a pod leaves STRICT mTLS, the deny-all and the rate limit behind",
    "[MESH-MTLS-STRICT] no ValidatingAdmissionPolicy bound with Deny (failurePolicy Fail, pods CREATE and UPDATE in every namespace labelled mas/agent) makes sure that no sidecar opt-out by annotation sidecar.istio.io/inject: such a pod leaves STRICT mTLS, the deny-all and the rate limit behind",
    "[MESH-MTLS-STRICT] no ValidatingAdmissionPolicy bound with Deny (failurePolicy Fail, pods CREATE and UPDATE in every namespace labelled mas/agent) makes sure that no sidecar bypass by the traffic.sidecar.istio.io/* interception annotations, interceptionMode or a per-pod proxy config: such a pod leaves STRICT mTLS, the deny-all and the rate limit behind",
];

describe("k8s-agent-pod-admission (NET-SEG-AGENT, MESH-MTLS-STRICT)", () => {
    it("passes the stack's policy: pods in agent namespaces, Deny, Fail", () => expect(stack()).toEqual([]));

    it("writes CEL that names the node selector, the toleration and both opt-out forms", () => {
        const exprs = (agentPodAdmissionSpec().validations as { expression: string }[]).map((v) => v.expression);
        expect(exprs).toEqual([
            "has(object.spec.nodeSelector) && 'mas/segment' in object.spec.nodeSelector && object.spec.nodeSelector['mas/segment'] == 'agent'",
            "has(object.spec.tolerations) && object.spec.tolerations.exists(t, has(t.key) && t.key == 'mas/segment' && ((has(t.operator) && t.operator == 'Exists') || (has(t.value) && t.value == 'agent')))",
            "!has(object.metadata.labels) || !('sidecar.istio.io/inject' in object.metadata.labels) || object.metadata.labels['sidecar.istio.io/inject'] == 'true'",
            "!has(object.metadata.annotations) || !('sidecar.istio.io/inject' in object.metadata.annotations) || object.metadata.annotations['sidecar.istio.io/inject'] == 'true'",
            "!has(object.metadata.annotations) || !object.metadata.annotations.exists(k, k.startsWith('traffic.sidecar.istio.io/') || k == 'sidecar.istio.io/interceptionMode' || k == 'proxy.istio.io/config')",
        ]);
    });

    it.each<[string, (s: Rec, b: Rec) => void, string[]]>([
        ["no placement rule", (s) => s.validations.splice(0, 1), [ALL[0]]],
        ["no toleration rule", (s) => s.validations.splice(1, 1), [ALL[1]]],
        ["no label opt-out rule", (s) => s.validations.splice(2, 1), [ALL[2]]],
        ["no annotation opt-out rule", (s) => s.validations.splice(3, 1), [ALL[3]]],
        // Injected but bypassed: traffic.sidecar.istio.io/excludeInboundPorts and friends (istio-cni honours them).
        ["no interception-annotation rule", (s) => s.validations.splice(4, 1), [ALL[4]]],
        [
            "every rule made constant (|| true)",
            (s) => s.validations.forEach((v: Rec) => (v.expression = `${v.expression} || true`)),
            ALL,
        ],
        [
            "a binding narrowed to one agent namespace (matchResources)",
            (_, b) => (b.matchResources = { namespaceSelector: { matchLabels: { "mas/agent": "coordinator" } } }),
            ALL,
        ],
        [
            "a policy that leaves out pods with a label (objectSelector)",
            (s) =>
                (s.matchConstraints.objectSelector = {
                    matchExpressions: [{ key: "exempt", operator: "DoesNotExist" }],
                }),
            ALL,
        ],
        [
            "a policy narrowed by matchConditions to pods with an enforce label",
            (s) =>
                (s.matchConditions = [
                    {
                        name: "opt-in",
                        expression: "has(object.metadata.labels) && 'enforce' in object.metadata.labels",
                    },
                ]),
            ALL,
        ],
        ["a binding that only warns", (_, b) => (b.validationActions = ["Warn"]), ALL],
        ["failurePolicy Ignore", (s) => (s.failurePolicy = "Ignore"), ALL],
        [
            "a match on one namespace only",
            (s) =>
                (s.matchConstraints.namespaceSelector = {
                    matchLabels: { "kubernetes.io/metadata.name": "agent-coordinator" },
                }),
            ALL,
        ],
        [
            "pods on CREATE only (an update could add the opt-out label)",
            (s) => (s.matchConstraints.resourceRules[0].operations = ["CREATE"]),
            ALL,
        ],
    ])("fails %s", (_, edit, want) => expect(stack(edit)).toEqual(want));
});
