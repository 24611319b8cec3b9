// policy-pack/policies/deployable/mesh-availability.ts: control-plane priority and the gateway's availability.
import { certManagerValues } from "../../../components/mesh/cert-manager";
import { gatewayAvailability, istiodValues } from "../../../components/mesh/istio";
import { meshControlPlaneAvailable } from "../../../policy-pack/policies/deployable/mesh-availability";
import { StackResourceCase, validateStack } from "../../harness/policy";

type Rec = Record<string, unknown>;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const istiod = istiodValues({
    profile: "prod",
    meshTrustDomain: "cluster.local",
    workloadCertTtlHours: 24,
    istioChartVersion: "1.30.3",
    sidecarCpuRequest: "100m",
    sidecarCpuLimit: "250m",
    sidecarMemoryRequest: "128Mi",
    sidecarMemoryLimit: "256Mi",
}) as unknown as Rec;
const gateway = (): Rec => ({ autoscaling: { enabled: false }, replicaCount: 2, ...gatewayAvailability(2) });

function stack(
    edit: (rs: { istiod: Rec; gateway: Rec; certManager: Rec; classes: StackResourceCase[] }) => void = () => {},
) {
    const parts = {
        istiod: structuredClone(istiod),
        gateway: gateway(),
        certManager: structuredClone(certManagerValues("10.0.0.0/16")) as Rec,
        classes: [
            {
                type: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
                name: "critical",
                props: { metadata: { name: "mas-critical" }, value: 100_000 },
            },
            {
                type: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
                name: "elevated",
                props: { metadata: { name: "mas-elevated" }, value: 10_000 },
            },
        ] as StackResourceCase[],
    };
    edit(parts);
    return validateStack(meshControlPlaneAvailable, [
        ...parts.classes,
        { type: RELEASE, name: "istiod", props: { chart: "istiod", values: parts.istiod } },
        { type: RELEASE, name: "gw", props: { chart: "gateway", values: parts.gateway } },
        { type: RELEASE, name: "cm", props: { chart: "cert-manager", values: parts.certManager } },
        { type: RELEASE, name: "base", props: { chart: "base", values: {} } },
    ]).map((v) => v.message);
}

describe("mesh-control-plane-available (ACC-RES-PRIORITY, MESH-RATE-GLOBAL)", () => {
    it("passes the stack's istiod, gateway and cert-manager values", () => expect(stack()).toEqual([]));

    it("sets system-cluster-critical on every control-plane chart", () => {
        expect((istiod.global as Rec).priorityClassName).toBe("system-cluster-critical");
        expect(gateway().priorityClassName).toBe("system-cluster-critical");
        expect(certManagerValues("10.0.0.0/16").global).toEqual({ priorityClassName: "system-cluster-critical" });
    });

    it.each<
        [string, (p: { istiod: Rec; gateway: Rec; certManager: Rec; classes: StackResourceCase[] }) => void, string]
    >([
        [
            "istiod at priority 0",
            (p) => delete (p.istiod.global as Rec).priorityClassName,
            "[ACC-RES-PRIORITY] Helm release istiod (chart istiod) runs at priority 0 (no priorityClassName), not above the stack's preempting priority classes (up to 100000): scheduling an agent at that priority can evict it",
        ],
        [
            "the gateway at a class below mas-critical",
            (p) => {
                p.gateway.priorityClassName = "mas-elevated";
            },
            "[ACC-RES-PRIORITY] Helm release gw (chart gateway) runs at priority class mas-elevated (10000), not above the stack's preempting priority classes (up to 100000): scheduling an agent at that priority can evict it",
        ],
        [
            "cert-manager at priority 0",
            (p) => delete p.certManager.global,
            "[ACC-RES-PRIORITY] Helm release cm (chart cert-manager) runs at priority 0 (no priorityClassName), not above the stack's preempting priority classes (up to 100000): scheduling an agent at that priority can evict it",
        ],
        [
            "autoscaling",
            (p) => (p.gateway.autoscaling = { enabled: true }),
            "[MESH-RATE-GLOBAL] ingress gateway release gw: autoscaling is on: the per-pod share of the global rate limit no longer adds up to it",
        ],
        [
            "no disruption budget",
            (p) => delete p.gateway.podDisruptionBudget,
            "[MESH-RATE-GLOBAL] ingress gateway release gw: no PodDisruptionBudget that keeps a replica (podDisruptionBudget.minAvailable ≥ 1 or maxUnavailable < replicas): a node update can drain them all",
        ],
        [
            "a budget that lets every replica go",
            (p) => (p.gateway.podDisruptionBudget = { maxUnavailable: 2 }),
            "[MESH-RATE-GLOBAL] ingress gateway release gw: no PodDisruptionBudget that keeps a replica (podDisruptionBudget.minAvailable ≥ 1 or maxUnavailable < replicas): a node update can drain them all",
        ],
        [
            "no spread over nodes",
            (p) => (p.gateway.topologySpreadConstraints = []),
            "[MESH-RATE-GLOBAL] ingress gateway release gw: no topologySpreadConstraints over kubernetes.io/hostname (maxSkew 1, DoNotSchedule): the replicas can share a node",
        ],
        [
            "a surge pod on rolling updates",
            (p) => delete p.gateway.strategy,
            '[MESH-RATE-GLOBAL] ingress gateway release gw: strategy.rollingUpdate.maxSurge is "the default 25%": a surge pod brings its own rate-limit bucket, lifting the total above the global limit during an update',
        ],
    ])("fails %s", (_, edit, message) => expect(stack(edit)).toEqual([message]));

    it("fails a single replica (no budget possible)", () => {
        expect(
            stack((p) => {
                p.gateway = { autoscaling: { enabled: false }, replicaCount: 1, ...gatewayAvailability(1) };
            }),
        ).toEqual([
            "[MESH-RATE-GLOBAL] ingress gateway release gw: 1 replica: any drain or node loss stops ingress",
            "[MESH-RATE-GLOBAL] ingress gateway release gw: no PodDisruptionBudget that keeps a replica (podDisruptionBudget.minAvailable ≥ 1 or maxUnavailable < replicas): a node update can drain them all",
        ]);
    });

    it("ignores classes that never preempt", () => {
        expect(
            stack((p) => {
                p.classes.push({
                    type: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
                    name: "batch",
                    props: { metadata: { name: "batch" }, value: 2_100_000_000, preemptionPolicy: "Never" },
                });
            }),
        ).toEqual([]);
    });
});
