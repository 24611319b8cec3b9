import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { named, ofType, plain, runIsolated, stackConfig } from "../harness/program";

const ACCT = "123456789012";
const EKS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/eks-0001";
const EBS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/ebs-0001";
const AGENT_SG = "sg-0a0a0a0a0a0a0a0a0";
const SERVICE_SG = "sg-05e05e05e05e05e05";

/** Runs Identity + Cluster under mocks with fake network / data inputs. */
function runCluster(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack, overrides), stack, () => {
        const pulumi = require("@pulumi/pulumi");
        const { loadConfig } = require("../../components/config");
        const { EvidenceRegistry } = require("../../components/evidence");
        const { Identity } = require("../../components/identity");
        const { Cluster } = require("../../components/cluster");
        const config = loadConfig();
        const evidence = new EvidenceRegistry();
        const identity = new Identity("mas", { config, evidence });
        const cluster = new Cluster("mas", {
            config,
            evidence,
            vpcId: "vpc-0123",
            subnetIds: { agent: ["subnet-a0", "subnet-a1"], service: ["subnet-s0", "subnet-s1"] },
            segmentSecurityGroupIds: { agent: AGENT_SG, service: SERVICE_SG },
            managementCidr: "10.0.3.0/24",
            eksKeyArn: EKS_KEY,
            ebsKeyArn: EBS_KEY,
            roles: identity.roles,
            agentRoles: identity.agentRoles,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        });
        return {
            evidence: evidence.output(),
            kubeconfigIsSecret: pulumi.output(cluster.kubeconfig.isSecret),
            kubeconfig: cluster.kubeconfig,
            asgNames: cluster.autoScalingGroupNames,
        };
    });
}

const spec = (r: RecordedResource) => r.inputs.spec as Record<string, unknown>;

describe("Cluster (dev)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runCluster("dev");
    });
    const cluster = () => named(run, "aws:eks/cluster:Cluster", "mas-eks");

    it("EKS-ENDPOINT: private endpoint on, control plane ENIs in the service subnets only; the dev public endpoint only from eksPublicAccessCidrs", () => {
        expect(cluster().inputs.name).toBe("mas-dev-eks");
        expect(cluster().inputs.version).toBe("1.35");
        expect(cluster().inputs.vpcConfig).toEqual({
            subnetIds: ["subnet-s0", "subnet-s1"],
            securityGroupIds: [expect.stringMatching(/^sg-[0-9a-f]{17}$/)],
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: ["203.0.113.0/24"],
        });
        const mgmt = named(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "mas-api-from-mgmt");
        expect(mgmt.inputs).toMatchObject({ cidrIpv4: "10.0.3.0/24", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    });

    it("EKS-SECRETS / EKS-LOGS / EKS-AUTH-API: CMK secrets encryption, all five log types, access entries only", () => {
        const c = cluster().inputs;
        expect(c.encryptionConfig).toEqual({ provider: { keyArn: EKS_KEY }, resources: ["secrets"] });
        expect(c.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        expect(c.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
        expect(cluster().protect).toBe(false);
    });

    it("cluster and node roles carry the permissions boundary", () => {
        for (const n of ["mas-cluster-role", "mas-node-role"]) {
            expect(named(run, "aws:iam/role:Role", n).inputs.permissionsBoundary).toBe(
                `arn:aws:iam::${ACCT}:policy/mas-dev-permissions-boundary`,
            );
        }
        const nodePolicies = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.inputs.role === "mas-dev-eks-node")
            .map((a) => a.inputs.policyArn);
        expect(nodePolicies).toEqual([
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ]);
    });

    it("ACC-RES-MONITOR / RBAC-ADMIN-PERMS: access entries map the roles to groups; only system_admin gets cluster admin", () => {
        const entries = Object.fromEntries(
            ofType(run, "aws:eks/accessEntry:AccessEntry").map((e) => [
                e.name,
                [e.inputs.principalArn, e.inputs.kubernetesGroups],
            ]),
        );
        expect(entries).toEqual({
            "mas-access-system-admin": [`arn:aws:iam::${ACCT}:role/mas-dev-system-admin`, ["mas:system-admins"]],
            "mas-access-operator": [`arn:aws:iam::${ACCT}:role/mas-dev-operator`, ["mas:operators"]],
            "mas-access-resource-manager": [
                `arn:aws:iam::${ACCT}:role/mas-dev-resource-manager`,
                ["mas:resource-managers"],
            ],
            "mas-access-deployer": [`arn:aws:iam::${ACCT}:user/ci`, []],
        });
        const assoc = ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => [
            a.inputs.principalArn,
            a.inputs.policyArn,
            a.inputs.accessScope,
        ]);
        assoc.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        expect(assoc).toEqual([
            [
                `arn:aws:iam::${ACCT}:role/mas-dev-system-admin`,
                "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                { type: "cluster" },
            ],
            [
                `arn:aws:iam::${ACCT}:user/ci`,
                "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                { type: "cluster" },
            ],
        ]);
    });

    it("EKS-NODE-IMDS / EKS-NODE-EBS / DATA-ENC-IN-MEMORY: launch templates require IMDSv2 hop 1, encrypt with the EBS key, agent nodes get enclaves", () => {
        const agent = named(run, "aws:ec2/launchTemplate:LaunchTemplate", "mas-agent-nodes").inputs;
        const service = named(run, "aws:ec2/launchTemplate:LaunchTemplate", "mas-service-nodes").inputs;
        for (const lt of [agent, service]) {
            expect(lt.metadataOptions).toEqual({
                httpEndpoint: "enabled",
                httpTokens: "required",
                httpPutResponseHopLimit: 1,
                instanceMetadataTags: "disabled",
            });
            expect(lt.blockDeviceMappings).toEqual([
                {
                    deviceName: "/dev/xvda",
                    ebs: {
                        encrypted: "true",
                        kmsKeyId: EBS_KEY,
                        volumeSize: 50,
                        volumeType: "gp3",
                        deleteOnTermination: "true",
                    },
                },
            ]);
            expect(lt.keyName).toBeUndefined();
        }
        expect(agent.instanceType).toBe("m6i.xlarge");
        expect(agent.enclaveOptions).toEqual({ enabled: true });
        expect(agent.tagSpecifications).toEqual([
            {
                resourceType: "instance",
                tags: { Name: "mas-dev-agent-node", segment: "agent", "Patch Group": "mas-dev-nodes" },
            },
            { resourceType: "volume", tags: { Name: "mas-dev-agent-node", segment: "agent" } },
        ]);
        expect((service.tagSpecifications as { tags: Record<string, string> }[])[0].tags["Patch Group"]).toBe(
            "mas-dev-nodes",
        );
        expect(service.instanceType).toBe("m6i.large");
        expect(service.enclaveOptions).toBeUndefined();
    });

    it("NET-SEG-AGENT / NET-SEG-SERVICE: each node launch template carries the node group and its segment's security group", () => {
        const nodeSg = named(run, "aws:ec2/securityGroup:SecurityGroup", "mas-node-sg").outputs.id;
        expect(
            named(run, "aws:ec2/launchTemplate:LaunchTemplate", "mas-agent-nodes").inputs.vpcSecurityGroupIds,
        ).toEqual([nodeSg, AGENT_SG]);
        expect(
            named(run, "aws:ec2/launchTemplate:LaunchTemplate", "mas-service-nodes").inputs.vpcSecurityGroupIds,
        ).toEqual([nodeSg, SERVICE_SG]);
    });

    it("EKS-ENDPOINT: the node group's own rules are only the control plane paths (no node-to-node, no open egress)", () => {
        const nodeSg = named(run, "aws:ec2/securityGroup:SecurityGroup", "mas-node-sg").outputs.id;
        const clusterSg = named(run, "aws:ec2/securityGroup:SecurityGroup", "mas-cluster-sg").outputs.id;
        const rules = [
            ...ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => ["in", r]),
            ...ofType(run, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => ["out", r]),
        ] as [string, RecordedResource][];
        const onNodeSg = rules
            .filter(([, r]) => r.inputs.securityGroupId === nodeSg)
            .map(([dir, r]) => [dir, r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]);
        expect(onNodeSg).toEqual([
            ["in", clusterSg, 443, 65535],
            ["out", clusterSg, 443, 443],
        ]);
    });

    it("PER-LB: exposes each node group's Auto Scaling group name (the Perimeter attaches the service one)", () => {
        const asg = run.stackOutputs.asgNames as Record<string, string>;
        expect(asg.service).toMatch(
            /^eks-mas-dev-service-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        );
        expect(asg.agent).toMatch(/^eks-mas-dev-agent-/);
    });

    it("ACC-RES-ALLOCATE: node groups take sizes from config, agent nodes are tainted, desired size left to resource_manager", () => {
        const agent = named(run, "aws:eks/nodeGroup:NodeGroup", "mas-agent").inputs;
        expect(agent.scalingConfig).toEqual({ minSize: 1, desiredSize: 1, maxSize: 3 });
        expect(agent.subnetIds).toEqual(["subnet-a0", "subnet-a1"]);
        expect(agent.taints).toEqual([{ key: "mas/segment", value: "agent", effect: "NO_SCHEDULE" }]);
        // The Nitro Enclaves device plugin DaemonSet selects agent nodes by its label.
        expect(agent.labels).toEqual({ "mas/segment": "agent", "aws-nitro-enclaves-k8s-dp": "enabled" });
        expect(agent.launchTemplate).toEqual({
            id: expect.stringMatching(/^lt-[0-9a-f]{17}$/),
            version: "1",
        });
        const service = named(run, "aws:eks/nodeGroup:NodeGroup", "mas-service").inputs;
        expect(service.subnetIds).toEqual(["subnet-s0", "subnet-s1"]);
        expect(service.taints).toEqual([]);
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

    it("builds an explicit Kubernetes provider whose kubeconfig is a secret using aws eks get-token", () => {
        const providers = ofType(run, "pulumi:providers:kubernetes");
        expect(providers.map((p) => p.name)).toEqual(["mas-k8s"]);
        expect(run.stackOutputs.kubeconfigIsSecret).toBe(true);
        const kc = JSON.parse(plain<string>(run.stackOutputs.kubeconfig));
        expect(kc.users[0].user.exec.args).toEqual([
            "eks",
            "get-token",
            "--cluster-name",
            "mas-dev-eks",
            "--region",
            "eu-west-1",
            "--output",
            "json",
        ]);
        const ns = named(run, "kubernetes:core/v1:Namespace", "mas-ns-coordinator");
        expect(ns.provider).toContain("mas-k8s");
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
            [],
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
            { from: [{ namespaceSelector: { matchExpressions: [{ key: "mas/agent", operator: "Exists" }] } }] },
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

    it("records evidence, including the data section's in-memory control on the agent launch template", () => {
        const ev = run.stackOutputs.evidence as Record<string, { resources: { type: string }[] }>;
        expect(ev["DATA-ENC-IN-MEMORY"].resources.map((r) => r.type)).toEqual([
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:eks/nodeGroup:NodeGroup",
            "kubernetes:apps/v1:DaemonSet",
        ]);
        for (const id of [
            "EKS-ENDPOINT",
            "EKS-SECRETS",
            "EKS-LOGS",
            "EKS-AUTH-API",
            "K8S-PSA",
            "K8S-NETPOL",
            "ACC-RES-QUOTA",
            "ACC-RES-PRIORITY",
            "RBAC-AGENT-RATE",
        ]) {
            expect(ev[id].resources.length).toBeGreaterThan(0);
        }
    });
});

describe("Cluster (prod)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runCluster("prod");
    });

    it("EKS-ENDPOINT: no public endpoint in prod; cluster protected", () => {
        const c = named(run, "aws:eks/cluster:Cluster", "mas-eks");
        expect(c.inputs.vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false });
        expect((c.inputs.vpcConfig as Record<string, unknown>).publicAccessCidrs).toBeUndefined();
        expect(c.inputs.deletionProtection).toBe(true);
        expect(c.protect).toBe(true);
    });

    it("node groups use the prod sizes and instance types", () => {
        expect(named(run, "aws:eks/nodeGroup:NodeGroup", "mas-agent").inputs.scalingConfig).toEqual({
            minSize: 3,
            desiredSize: 3,
            // A /26 per AZ: 1 node at the maximum + 2 surging in an update, 15 addresses each (MAX_ENI 1).
            maxSize: 3,
        });
        expect(named(run, "aws:ec2/launchTemplate:LaunchTemplate", "mas-agent-nodes").inputs.instanceType).toBe(
            "m6i.2xlarge",
        );
        expect(
            ofType(run, "kubernetes:core/v1:Namespace").map((n) => (n.inputs.metadata as { name: string }).name),
        ).toEqual(["agent-coordinator", "agent-task-executor", "agent-planner"]);
    });
});

describe("Cluster config checks", () => {
    it("dev without eksPublicAccessCidrs keeps the endpoint private", async () => {
        const run = await runCluster("dev", { eksPublicAccessCidrs: [] });
        expect(named(run, "aws:eks/cluster:Cluster", "mas-eks").inputs.vpcConfig).toMatchObject({
            endpointPublicAccess: false,
        });
    });

    it("rejects an agent instance type without Nitro Enclaves", async () => {
        await expect(runCluster("dev", { agentNodeInstanceType: "t3.xlarge" })).rejects.toThrow(
            /agentNodeInstanceType t3.xlarge cannot host the agent enclaves/,
        );
    });

    it("rejects an agent instance type whose enclave would leave the node fewer than 2 vCPUs", async () => {
        await expect(runCluster("dev", { agentNodeInstanceType: "c7g.large" })).rejects.toThrow(
            /agentNodeInstanceType c7g.large cannot host the agent enclaves .* 2 vCPUs for the enclave plus 2 for the node/,
        );
    });

    it("makes agent enclaves usable: allocator user data on the agent template only, device plugin on agent nodes", async () => {
        const run = await runCluster("dev");
        const lt = (seg: string) => named(run, "aws:ec2/launchTemplate:LaunchTemplate", `mas-${seg}-nodes`).inputs;
        const text = (seg: string) => Buffer.from(String(lt(seg).userData), "base64").toString("utf8");
        expect(text("agent")).toContain("dnf install -y aws-nitro-enclaves-cli");
        expect(text("agent")).toContain("memory_mib: 2048\ncpu_count: 2\n");
        expect(text("service")).not.toContain("nitro");
        // Dev, MAX_ENI 1: agent m6i.xlarge 1 × (15 − 1) + 2 = 16; service m6i.large 1 × (10 − 1) + 2 = 11.
        for (const [seg, maxPods] of [
            ["agent", 16],
            ["service", 11],
        ] as const) {
            expect(text(seg)).toContain(
                "Content-Type: application/node.eks.aws\n\n---\napiVersion: node.eks.aws/v1alpha1",
            );
            expect(text(seg)).toContain(`      maxPods: ${maxPods}\n`);
        }
        const ds = named(run, "kubernetes:apps/v1:DaemonSet", "mas-nitro-enclaves-device-plugin").inputs as any;
        expect(ds.metadata).toMatchObject({ name: "aws-nitro-enclaves-k8s-daemonset", namespace: "kube-system" });
        const pod = ds.spec.template.spec;
        expect(pod.nodeSelector).toEqual({ "aws-nitro-enclaves-k8s-dp": "enabled" });
        expect(pod.tolerations).toEqual([
            { key: "mas/segment", operator: "Equal", value: "agent", effect: "NoSchedule" },
        ]);
        expect(pod.containers[0].image).toBe(
            "public.ecr.aws/aws-nitro-enclaves/aws-nitro-enclaves-k8s-device-plugin:v0.3",
        );
        expect(pod.containers[0].env).toEqual([
            { name: "ENCLAVE_CPU_ADVERTISEMENT", value: "false" },
            { name: "MAX_ENCLAVES_PER_NODE", value: "4" },
        ]);
    });
});

describe("Nitro Enclaves rule", () => {
    const { nitroEnclaveCapable } =
        require("../../components/cluster/nodes") as typeof import("../../components/cluster/nodes");
    const { enclaveFits } =
        require("../../components/cluster/nodes") as typeof import("../../components/cluster/nodes");
    it.each([
        ["m6i.xlarge", true],
        ["m6i.2xlarge", true],
        ["c7g.large", false],
        ["c7g.xlarge", true],
        ["t3.2xlarge", false],
    ])("2 enclave vCPUs fit on %s → %s", (type, expected) => {
        expect(enclaveFits(type)).toBe(expected);
    });
    it.each([
        ["m6i.xlarge", true],
        ["m6i.large", false],
        ["c7g.large", true],
        ["c7g.medium", false],
        ["r6i.2xlarge", true],
        ["m5.metal", true],
        ["t3.2xlarge", false],
        ["t4g.xlarge", false],
        ["a1.xlarge", false],
        ["mac2.metal", false],
        ["m4.xlarge", false],
    ])("%s → %s", (type, expected) => {
        expect(nitroEnclaveCapable(type)).toBe(expected);
    });
});
