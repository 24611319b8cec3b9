import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { EBS_KEY, AGENT_SG, SERVICE_SG, runCluster } from "./fixture";

describe("Cluster (dev)", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runCluster("dev");
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

    it("NET-POD-CAPACITY: launches the recommended EKS AL2023 AMI as a custom AMI with a complete NodeConfig, so its maxPods holds", async () => {
        const run = await runCluster("dev");
        const lt = (seg: string) => named(run, "aws:ec2/launchTemplate:LaunchTemplate", `mas-${seg}-nodes`).inputs;
        const ng = (seg: string) => named(run, "aws:eks/nodeGroup:NodeGroup", `mas-${seg}`).inputs;
        const cluster = named(run, "aws:eks/cluster:Cluster", "mas-eks");
        expect(cluster.inputs.kubernetesNetworkConfig).toEqual({ ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16" });
        for (const seg of ["agent", "service"]) {
            // The mocks answer the SSM parameter /aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/...
            expect(lt(seg).imageId).toMatch(/^ami-[0-9a-f]{17}$/);
            // A custom AMI: no amiType / version / releaseVersion on the node group (CreateNodegroup refuses them).
            expect(ng(seg).amiType).toBeUndefined();
            expect(ng(seg).version).toBeUndefined();
            const text = Buffer.from(String(lt(seg).userData), "base64").toString("utf8");
            expect(text).toContain(
                [
                    "  cluster:",
                    "    name: mas-dev-eks",
                    `    apiServerEndpoint: ${String(cluster.outputs.endpoint)}`,
                    `    certificateAuthority: ${String((cluster.outputs.certificateAuthority as { data: string }).data)}`,
                    "    cidr: 172.20.0.0/16",
                ].join("\n"),
            );
        }
        const flags = (seg: string) =>
            Buffer.from(String(lt(seg).userData), "base64")
                .toString("utf8")
                .split("    flags:\n")[1]
                .split("\n\n")[0];
        expect(flags("agent")).toBe(
            [
                "      - --node-labels=mas/segment=agent,aws-nitro-enclaves-k8s-dp=enabled,eks.amazonaws.com/nodegroup=mas-dev-agent,eks.amazonaws.com/capacityType=ON_DEMAND",
                "      - --register-with-taints=mas/segment=agent:NoSchedule",
            ].join("\n"),
        );
        expect(flags("service")).toBe(
            "      - --node-labels=mas/segment=service,eks.amazonaws.com/nodegroup=mas-dev-service,eks.amazonaws.com/capacityType=ON_DEMAND",
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
        require("../../../components/cluster/nodes") as typeof import("../../../components/cluster/nodes");
    const { enclaveFits } =
        require("../../../components/cluster/nodes") as typeof import("../../../components/cluster/nodes");
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
