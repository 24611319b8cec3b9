import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { ACCT, runCluster, spec } from "./fixture";

describe("Cluster (dev)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runCluster("dev");
    });

    it("K8S-NETPOL / RBAC-AGENT-PERMS: VPC CNI enforces NetworkPolicies; Pod Identity agent and associations per agent", () => {
        const cni = named(run, "aws:eks/addon:Addon", "mas-vpc-cni").inputs;
        // NetworkPolicy enforcement, and at most one ENI (15 addresses on m6i) per node with 2 warm addresses:
        // the default WARM_ENI_TARGET=1 would park a spare ENI's addresses on every node of a /26 subnet.
        expect(JSON.parse(cni.configurationValues as string)).toEqual({
            enableNetworkPolicy: "true",
            env: { WARM_IP_TARGET: "2", MAX_ENI: "1" },
        });
        expect(named(run, "aws:eks/addon:Addon", "mas-eks-pod-identity-agent").inputs.addonName).toBe(
            "eks-pod-identity-agent",
        );
        const pia = ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((p) => [
            p.inputs.namespace,
            p.inputs.serviceAccount,
            p.inputs.roleArn,
        ]);
        expect(pia).toEqual([
            ["agent-coordinator", "coordinator", `arn:aws:iam::${ACCT}:role/mas-dev-agent-coordinator`],
            ["agent-task-executor", "task-executor", `arn:aws:iam::${ACCT}:role/mas-dev-agent-task-executor`],
            ["monitoring", "monitoring-agent", `arn:aws:iam::${ACCT}:role/mas-dev-monitoring-agent`],
        ]);
    });

    it("K8S-PSA / RBAC-AGENT-NS: each agent namespace enforces restricted PSA and mesh injection", () => {
        const ns = named(run, "kubernetes:core/v1:Namespace", "mas-ns-task-executor").inputs.metadata;
        expect(ns).toEqual({
            name: "agent-task-executor",
            labels: {
                "mas/agent": "task-executor",
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/enforce-version": "latest",
                "pod-security.kubernetes.io/audit": "restricted",
                "pod-security.kubernetes.io/audit-version": "latest",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/warn-version": "latest",
                "istio-injection": "enabled",
            },
        });
        expect(named(run, "kubernetes:core/v1:ServiceAccount", "mas-sa-task-executor").inputs.metadata).toMatchObject({
            name: "task-executor",
            namespace: "agent-task-executor",
        });
    });

    it("K8S-NETPOL: default deny plus only DNS, istiod, Pod Identity, same namespace, coordinator, HTTPS to the service segment (API, endpoints) and out of the VPC", () => {
        expect(spec(named(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "mas-deny-task-executor"))).toEqual({
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
        });
        const allow = spec(named(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "mas-mesh-task-executor"));
        const egress = allow.egress as { to: unknown[]; ports?: unknown[] }[];
        expect(egress.map((e) => e.ports ?? [])).toEqual([
            [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
            ],
            [
                { protocol: "TCP", port: 15012 },
                { protocol: "TCP", port: 15017 },
            ],
            [{ protocol: "TCP", port: 80 }],
            [],
            // The coordinator on the mesh port only.
            [{ protocol: "TCP", port: 8443 }],
            [{ protocol: "TCP", port: 443 }],
            [{ protocol: "TCP", port: 443 }],
        ]);
        expect(egress[2].to).toEqual([{ ipBlock: { cidr: "169.254.170.23/32" } }]);
        expect(egress[4].to).toEqual([
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "agent-coordinator" } } },
        ]);
        // The EKS API endpoint's ENIs and the interface endpoints (STS, KMS, Secrets Manager, Logs) are in the
        // service subnets (dev: two AZs); the rule below excludes the VPC.
        expect(egress[5].to).toEqual([{ ipBlock: { cidr: "10.0.2.0/25" } }, { ipBlock: { cidr: "10.0.2.128/25" } }]);
        expect(egress[6].to).toEqual([{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }]);
        expect(allow.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
        const coordinator = spec(named(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "mas-mesh-coordinator"));
        expect(coordinator.ingress).toEqual([
            { from: [{ podSelector: {} }] },
            {
                from: [{ namespaceSelector: { matchExpressions: [{ key: "mas/agent", operator: "Exists" }] } }],
                ports: [{ protocol: "TCP", port: 8443 }],
            },
        ]);
    });

    it("ACC-RES-QUOTA: ResourceQuota and LimitRange per agent namespace from config", () => {
        expect(spec(named(run, "kubernetes:core/v1:ResourceQuota", "mas-quota-coordinator"))).toEqual({
            hard: {
                "requests.cpu": "4",
                "limits.cpu": "4",
                "requests.memory": "8Gi",
                "limits.memory": "8Gi",
                pods: "8",
            },
        });
        expect(spec(named(run, "kubernetes:core/v1:LimitRange", "mas-limits-coordinator"))).toEqual({
            limits: [
                {
                    type: "Container",
                    default: { cpu: "250m", memory: "256Mi" },
                    defaultRequest: { cpu: "250m", memory: "256Mi" },
                    max: { cpu: "2", memory: "4Gi" },
                },
            ],
        });
    });

    it("ACC-RES-ALLOCATE: resource_manager reads cluster-wide and, in the agent namespaces only, changes replicas (no create, no template or quota writes)", () => {
        const rules = (n: string) =>
            named(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", n).inputs.rules as {
                resources: string[];
                verbs: string[];
            }[];
        const read = ["get", "list", "watch"];
        expect(rules("mas-resource-manager").map((r) => r.verbs)).toEqual([read, read, read, read]);
        expect(rules("mas-resource-manager-allocate").map((r) => [r.resources, r.verbs])).toEqual([
            [["resourcequotas", "limitranges"], read],
            [["deployments", "statefulsets"], read],
            [
                ["deployments/scale", "statefulsets/scale"],
                ["get", "update", "patch"],
            ],
        ]);
        const bindings = ofType(run, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
            .filter((b) => (b.inputs.metadata as { name: string }).name === "resource-manager-allocate")
            .map((b) => [(b.inputs.metadata as { namespace: string }).namespace, b.inputs.roleRef, b.inputs.subjects]);
        const subjects = [{ kind: "Group", name: "mas:resource-managers", apiGroup: "rbac.authorization.k8s.io" }];
        const roleRef = {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "mas:resource-manager-allocate",
        };
        expect(bindings).toEqual([
            ["agent-coordinator", roleRef, subjects],
            ["agent-task-executor", roleRef, subjects],
        ]);
    });

    it("NET-SEG-AGENT / MESH-MTLS-STRICT: agent pods are held to the agent nodes and the sidecar at admission", () => {
        const vap = named(
            run,
            "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
            "mas-agent-pod-admission",
        );
        expect(spec(vap).matchConstraints).toEqual({
            namespaceSelector: { matchExpressions: [{ key: "mas/agent", operator: "Exists" }] },
            resourceRules: [
                { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
            ],
        });
        expect(spec(vap).failurePolicy).toBe("Fail");
        expect(
            spec(
                named(
                    run,
                    "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
                    "mas-agent-pod-admission",
                ),
            ),
        ).toEqual({ policyName: "mas-agent-pod-placement-and-mesh", validationActions: ["Deny"] });
    });

    it("ACC-RES-PRIORITY: priority classes are usable only by the resource-manager group (VAP bound with Deny)", () => {
        expect(
            ofType(run, "kubernetes:scheduling.k8s.io/v1:PriorityClass").map((p) => [
                p.inputs.metadata,
                p.inputs.value,
            ]),
        ).toEqual([
            [{ name: "mas-critical" }, 100000],
            [{ name: "mas-elevated" }, 10000],
        ]);
        const vap = spec(
            named(
                run,
                "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
                "mas-priority-admission",
            ),
        );
        expect(vap.failurePolicy).toBe("Fail");
        expect((vap.validations as { expression: string }[])[0].expression).toBe(
            "!(variables.priorityClass in [\"mas-critical\",\"mas-elevated\"]) || request.userInfo.groups.exists(g, g == 'mas:resource-managers') || request.userInfo.username.startsWith('system:serviceaccount:kube-system:')",
        );
        expect(
            spec(
                named(
                    run,
                    "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
                    "mas-priority-admission",
                ),
            ),
        ).toEqual({
            policyName: "mas-priority-class-allocation",
            validationActions: ["Deny"],
        });
    });

    it("RBAC-OPERATOR-PERMS / RBAC-OPERATOR-NO-CONFIG: operator ClusterRole reads, reads logs and restarts pods only", () => {
        const role = named(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "mas-operator").inputs;
        const rules = role.rules as { resources: string[]; verbs: string[] }[];
        const all = rules.flatMap((r) => r.resources);
        for (const forbidden of [
            "secrets",
            "configmaps",
            "roles",
            "rolebindings",
            "clusterroles",
            "clusterrolebindings",
        ]) {
            expect(all).not.toContain(forbidden);
        }
        const writes = rules.filter((r) => r.verbs.some((v) => !["get", "list", "watch"].includes(v)));
        expect(writes).toEqual([
            { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
            { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
        ]);
        const binding = named(run, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "mas-operator").inputs;
        expect(binding.roleRef).toEqual({
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "mas:operator",
        });
        expect(binding.subjects).toEqual([
            { kind: "Group", name: "mas:operators", apiGroup: "rbac.authorization.k8s.io" },
        ]);
        const agentBinding = named(
            run,
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            "mas-agent-coordinator",
        ).inputs;
        expect(agentBinding.roleRef).toEqual({
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "mas:agent",
        });
        expect(agentBinding.metadata).toEqual({ name: "agent", namespace: "agent-coordinator" });
    });

    it("RBAC-AGENT-RATE: one FlowSchema puts every agent namespace's service accounts into a limited level", () => {
        const fs = spec(named(run, "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema", "mas-agent-api"));
        expect(fs.matchingPrecedence).toBe(1000);
        expect((fs.rules as { subjects: unknown[] }[])[0].subjects).toEqual([
            { kind: "ServiceAccount", serviceAccount: { namespace: "agent-coordinator", name: "*" } },
            { kind: "ServiceAccount", serviceAccount: { namespace: "agent-task-executor", name: "*" } },
        ]);
        const level = spec(
            named(run, "kubernetes:flowcontrol.apiserver.k8s.io/v1:PriorityLevelConfiguration", "mas-agent-api"),
        );
        expect(level.type).toBe("Limited");
    });
});
