// The mesh control plane stays up (issue 22, items 9 and 12): the agents' preempting priority classes cannot
// evict istiod, the ingress gateway or cert-manager, and the gateway survives drains and rolling updates
// without lifting the global rate limit.

import { PolicyResource } from "@pulumi/policy";
import { asArray, asObject, asString, stackPolicy } from "../lib";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
/** Kubernetes' built-in classes (scheduling.k8s.io, kube-apiserver's bootstrap priorities). */
const BUILT_IN: Record<string, number> = {
    "system-cluster-critical": 2_000_000_000,
    "system-node-critical": 2_000_001_000,
};
type Rec = Record<string, unknown>;

/** Where each control-plane chart takes its pods' priority class. */
const PRIORITY_PATH: Record<string, (values: Rec) => unknown> = {
    istiod: (v) => asObject(v.global).priorityClassName,
    gateway: (v) => v.priorityClassName,
    "cert-manager": (v) => asObject(v.global).priorityClassName,
};

function priorityOf(name: string | undefined, classes: PolicyResource[]): number {
    if (!name) {
        return 0;
    }
    if (name in BUILT_IN) {
        return BUILT_IN[name];
    }
    const c = classes.find((pc) => asObject(pc.props.metadata).name === name);
    return typeof c?.props.value === "number" ? c.props.value : 0;
}

/** Problems of the gateway chart's values that let a drain, a node loss or a rolling update hurt it. */
export function gatewayAvailabilityProblems(values: Rec): string[] {
    const problems: string[] = [];
    const autoscaling = asObject(values.autoscaling).enabled !== false;
    const replicas = typeof values.replicaCount === "number" ? values.replicaCount : 1;
    if (autoscaling) {
        problems.push("autoscaling is on: the per-pod share of the global rate limit no longer adds up to it");
    }
    if (replicas < 2) {
        problems.push(`${replicas} replica: any drain or node loss stops ingress`);
    }
    const pdb = asObject(values.podDisruptionBudget);
    const minAvailable = pdb.minAvailable;
    const maxUnavailable = pdb.maxUnavailable;
    const keeps =
        (typeof minAvailable === "number" && minAvailable >= 1) ||
        (typeof maxUnavailable === "number" && maxUnavailable >= 0 && maxUnavailable < replicas);
    if (!keeps) {
        problems.push(
            "no PodDisruptionBudget that keeps a replica (podDisruptionBudget.minAvailable ≥ 1 or maxUnavailable < replicas): a node update can drain them all",
        );
    }
    const spreads = asArray(values.topologySpreadConstraints as Rec[] | undefined).some(
        (c) => c.topologyKey === "kubernetes.io/hostname" && c.whenUnsatisfiable === "DoNotSchedule" && c.maxSkew === 1,
    );
    if (!spreads) {
        problems.push(
            "no topologySpreadConstraints over kubernetes.io/hostname (maxSkew 1, DoNotSchedule): the replicas can share a node",
        );
    }
    const rolling = asObject(asObject(values.strategy).rollingUpdate);
    if (!(rolling.maxSurge === 0 || rolling.maxSurge === "0%")) {
        problems.push(
            `strategy.rollingUpdate.maxSurge is ${JSON.stringify(rolling.maxSurge ?? "the default 25%")}: a surge pod brings its own rate-limit bucket, lifting the total above the global limit during an update`,
        );
    }
    return problems;
}

export const meshControlPlaneAvailable = stackPolicy({
    name: "mesh-control-plane-available",
    description:
        "istiod, the ingress gateway and cert-manager run at a priority above every preempting PriorityClass of the stack (the agents' classes cannot evict them), and the ingress gateway has a fixed replica count of two or more, a PodDisruptionBudget that keeps one, a spread over nodes, and rolling updates without a surge pod (each pod holds 1/replicas of the global rate limit).",
    controls: ["ACC-RES-PRIORITY", "MESH-RATE-GLOBAL"],
    severity: "high",
    validate: (args, report) => {
        const classes = args.resources.filter((r) => r.type === PRIORITY_CLASS);
        const preempting = classes.filter((c) => c.props.preemptionPolicy !== "Never");
        const top = Math.max(
            0,
            ...preempting.map((c) => priorityOf(asString(asObject(c.props.metadata).name), classes)),
        );
        for (const release of args.resources.filter((r) => r.type === RELEASE)) {
            const chart = asString(release.props.chart) ?? "";
            const values = asObject(release.props.values);
            const path = PRIORITY_PATH[chart];
            if (path) {
                const name = asString(path(values));
                const priority = priorityOf(name, classes);
                if (priority <= top) {
                    report(
                        `[ACC-RES-PRIORITY] Helm release ${release.name} (chart ${chart}) runs at ${name ? `priority class ${name} (${priority})` : "priority 0 (no priorityClassName)"}, not above the stack's preempting priority classes (up to ${top}): scheduling an agent at that priority can evict it`,
                        release.urn,
                    );
                }
            }
            if (chart === "gateway") {
                for (const p of gatewayAvailabilityProblems(values)) {
                    report(`[MESH-RATE-GLOBAL] ingress gateway release ${release.name}: ${p}`, release.urn);
                }
            }
        }
    },
});
