import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType, plain } from "../../harness/program";
import { ACCT, EKS_KEY, runCluster } from "./fixture";

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
