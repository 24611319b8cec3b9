// policy-pack/policies/platform.ts: pod IP capacity and kubelet maxPods (NET-POD-CAPACITY), and their models.

import { nodeMaxPods, podIpCapacity } from "../../../policy-pack/policies/platform";
import {
    capacityProblems,
    eniLimits,
    maxPodsFor,
    peakNodesPerAz,
    userDataMaxPods,
    userDataNodeConfig,
} from "../../../policy-pack/lib/capacity";
import { nodeUserData as build, NodeUserDataOpts } from "../../../components/cluster/nodes";

const CLUSTER = {
    name: "mas-prod-eks",
    apiServerEndpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
    certificateAuthority: "bW9jay1jYQ==",
    cidr: "172.20.0.0/16",
};
/** The stack's user data for a node with this maxPods (and the enclave part). */
const nodeUserData = (o: Partial<NodeUserDataOpts> & { maxPods: number }) =>
    build({ cluster: CLUSTER, labels: { "mas/segment": "agent" }, ...o });
import { StackResourceCase, validateStack } from "../../harness/policy";
import { r } from "./fixtures";

// ---------------------------------------------------------------------------------------------------
// network-pod-ip-capacity and its model

describe("pod IP capacity model", () => {
    it("knows the ENI limits of the stack's instance types (EC2 user guide)", () => {
        expect(eniLimits("m6i.large")).toEqual({ enis: 3, ipsPerEni: 10 });
        expect(eniLimits("m6i.xlarge")).toEqual({ enis: 4, ipsPerEni: 15 });
        expect(eniLimits("m6i.2xlarge")).toEqual({ enis: 4, ipsPerEni: 15 });
        expect(eniLimits("m6i.4xlarge")).toEqual({ enis: 8, ipsPerEni: 30 });
        expect(eniLimits("x2idn.metal")).toBeUndefined();
    });

    it("peak nodes per AZ: the maximum spread over the AZs plus two surging per AZ", () => {
        expect(peakNodesPerAz(12, 3)).toBe(6);
        expect(peakNodesPerAz(3, 3)).toBe(3);
        expect(peakNodesPerAz(3, 2)).toBe(4);
    });

    it("the outside review's case: /26 per AZ with CNI defaults and max 12 does not fit", () => {
        const problems = capacityProblems(
            [{ name: "agent", instanceType: "m6i.2xlarge", maxSize: 12, subnetCidrs: ["10.0.1.0/26"] }],
            {},
        );
        // 14 nodes (12 in one subnet + 2 surging) × 60 addresses (4 ENIs × 15) against 59.
        expect(problems).toEqual([
            "subnet 10.0.1.0/26 has 59 usable addresses but needs 840 with its node groups at their maximum plus a rolling update (agent: 14 nodes × 60 addresses (m6i.2xlarge))",
        ]);
    });

    it("prod's sizes fit with MAX_ENI 1: 3 nodes per AZ × 15 = 45 of 59", () => {
        const subnets = ["10.0.1.0/26", "10.0.1.64/26", "10.0.1.128/26"];
        expect(
            capacityProblems([{ name: "agent", instanceType: "m6i.2xlarge", maxSize: 3, subnetCidrs: subnets }], {
                maxEni: 1,
            }),
        ).toEqual([]);
        expect(
            capacityProblems([{ name: "agent", instanceType: "m6i.2xlarge", maxSize: 4, subnetCidrs: subnets }], {
                maxEni: 1,
            }),
        ).toHaveLength(3);
    });
});

function capacityStack(
    o: { maxSize?: number; cni?: string; instanceType?: string; userData?: string; imageId?: string } = {},
): StackResourceCase[] {
    return [
        r("aws:ec2/subnet:Subnet", "a0", { id: "subnet-a0", cidrBlock: "10.0.1.0/26" }),
        r("aws:ec2/subnet:Subnet", "a1", { id: "subnet-a1", cidrBlock: "10.0.1.64/26" }),
        r("aws:ec2/subnet:Subnet", "a2", { id: "subnet-a2", cidrBlock: "10.0.1.128/26" }),
        r("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
            id: "lt-1",
            instanceType: o.instanceType ?? "m6i.2xlarge",
            ...("imageId" in o ? (o.imageId ? { imageId: o.imageId } : {}) : { imageId: "ami-0abc" }),
            userData: "userData" in o ? o.userData : nodeUserData({ maxPods: 16 }),
        }),
        r("aws:eks/nodeGroup:NodeGroup", "mas-agent", {
            clusterName: "mas-prod-eks",
            subnetIds: ["subnet-a0", "subnet-a1", "subnet-a2"],
            scalingConfig: { minSize: 3, desiredSize: 3, maxSize: o.maxSize ?? 3 },
            launchTemplate: { id: "lt-1", version: "1" },
        }),
        r("aws:eks/addon:Addon", "cni", {
            clusterName: "mas-prod-eks",
            addonName: "vpc-cni",
            configurationValues:
                o.cni ?? JSON.stringify({ enableNetworkPolicy: "true", env: { WARM_IP_TARGET: "2", MAX_ENI: "1" } }),
        }),
    ];
}

describe("network-pod-ip-capacity (NET-POD-CAPACITY)", () => {
    it("passes prod's node group on /26 subnets with MAX_ENI 1", () => {
        expect(validateStack(podIpCapacity, capacityStack())).toEqual([]);
    });

    it("fails the same group at maximum 12 (unreachable, as the outside review found)", () => {
        const v = validateStack(podIpCapacity, capacityStack({ maxSize: 12 }));
        expect(v).toHaveLength(3);
        expect(v[0].message).toBe(
            "[NET-POD-CAPACITY] cluster mas-prod-eks: subnet 10.0.1.0/26 has 59 usable addresses but needs 90 with its node groups at their maximum plus a rolling update (mas-agent: 6 nodes × 15 addresses (m6i.2xlarge))",
        );
    });

    describe("every other ENI in the subnets", () => {
        // 16 interface endpoints and the EKS control plane in the node group's subnets, as the service segment has.
        const shared = (instanceType: string) => [
            ...capacityStack({ instanceType }),
            ...Array.from({ length: 16 }, (_, i) =>
                r("aws:ec2/vpcEndpoint:VpcEndpoint", `e${i}`, {
                    vpcEndpointType: "Interface",
                    subnetIds: ["subnet-a0", "subnet-a1", "subnet-a2"],
                }),
            ),
            r("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" }),
            r("aws:eks/cluster:Cluster", "mas-prod-eks", {
                vpcConfig: { subnetIds: ["subnet-a0", "subnet-a1", "subnet-a2"] },
            }),
        ];
        it("passes m6i.large nodes next to them: 3 × 10 + 16 + 4 + 6 = 56 of 59", () => {
            expect(validateStack(podIpCapacity, shared("m6i.large"))).toEqual([]);
        });
        it("fails m6i.xlarge nodes next to them: 3 × 15 + 16 + 10 = 71 (the service subnets of round 2)", () => {
            const v = validateStack(podIpCapacity, shared("m6i.xlarge"));
            expect(v).toHaveLength(3);
            expect(v[0].message).toBe(
                "[NET-POD-CAPACITY] cluster mas-prod-eks: subnet 10.0.1.0/26 has 59 usable addresses but needs 71 with its node groups at their maximum plus a rolling update (mas-agent: 3 nodes × 15 addresses (m6i.xlarge); 16 interface endpoints: 16; EKS control plane of mas-prod-eks: 10)",
            );
        });
        it("counts NAT gateways and a load balancer's free addresses where they are", () => {
            const v = validateStack(podIpCapacity, [
                ...shared("m6i.large"),
                r("aws:ec2/natGateway:NatGateway", "nat", { subnetId: "subnet-a0" }),
                r("aws:lb/loadBalancer:LoadBalancer", "alb", { subnets: ["subnet-a0"] }),
            ]);
            expect(v.map((x) => x.message)).toEqual([
                "[NET-POD-CAPACITY] cluster mas-prod-eks: subnet 10.0.1.0/26 has 59 usable addresses but needs 65 with its node groups at their maximum plus a rolling update (mas-agent: 3 nodes × 10 addresses (m6i.large); 16 interface endpoints: 16; EKS control plane of mas-prod-eks: 10; NAT gateway nat: 1; load balancer alb (free to scale): 8)",
            ]);
        });
    });

    it("fails the CNI defaults (no MAX_ENI): every ENI of the instance counts", () => {
        const v = validateStack(podIpCapacity, capacityStack({ cni: JSON.stringify({ enableNetworkPolicy: "true" }) }));
        expect(v[0].message).toContain("3 nodes × 60 addresses");
    });

    it("fails an instance type whose limits are unknown", () => {
        const v = validateStack(podIpCapacity, capacityStack({ instanceType: "x9z.huge" }));
        expect(v[0].message).toContain("has no known ENI limits");
    });
});

describe("kubelet maxPods model", () => {
    it("is the EKS formula with the ENIs bounded by MAX_ENI (eni-max-pods.txt: m6i.2xlarge 58)", () => {
        expect(maxPodsFor({ enis: 4, ipsPerEni: 15 }, {})).toBe(58);
        expect(maxPodsFor({ enis: 3, ipsPerEni: 10 }, {})).toBe(29);
        expect(maxPodsFor({ enis: 4, ipsPerEni: 15 }, { maxEni: 1 })).toBe(16);
    });

    it("reads maxPods from the NodeConfig part only, the last one winning", () => {
        expect(userDataMaxPods(nodeUserData({ maxPods: 16 }))).toBe(16);
        expect(userDataMaxPods(nodeUserData({ maxPods: 16, enclave: { cpuCount: 2, memoryMib: 2048 } }))).toBe(16);
        const shellOnly = [
            'Content-Type: multipart/mixed; boundary="B"',
            "",
            "--B",
            "Content-Type: text/x-shellscript",
            "",
            "echo maxPods: 16",
            "--B--",
        ].join("\n");
        expect(userDataMaxPods(shellOnly)).toBeUndefined();
        const two = shellOnly.replace(
            "--B--",
            "--B\nContent-Type: application/node.eks.aws\n\nspec:\n  kubelet:\n    config:\n      maxPods: 30\n--B--",
        );
        expect(userDataMaxPods(two)).toBe(30);
        expect(userDataMaxPods(undefined)).toBeUndefined();
    });

    it("writes a complete AL2023 NodeConfig part in the user data (custom AMI: cluster, maxPods, labels, taints)", () => {
        const ud = nodeUserData({
            maxPods: 16,
            labels: { "mas/segment": "agent", "aws-nitro-enclaves-k8s-dp": "enabled" },
            taints: [{ key: "mas/segment", value: "agent" }],
        });
        const text = Buffer.from(ud, "base64").toString("utf8");
        expect(text).toContain(
            [
                "Content-Type: application/node.eks.aws",
                "",
                "---",
                "apiVersion: node.eks.aws/v1alpha1",
                "kind: NodeConfig",
                "spec:",
                "  cluster:",
                "    name: mas-prod-eks",
                "    apiServerEndpoint: https://ABC.gr7.eu-west-1.eks.amazonaws.com",
                "    certificateAuthority: bW9jay1jYQ==",
                "    cidr: 172.20.0.0/16",
                "  kubelet:",
                "    config:",
                "      maxPods: 16",
                "    flags:",
                "      - --node-labels=mas/segment=agent,aws-nitro-enclaves-k8s-dp=enabled",
                "      - --register-with-taints=mas/segment=agent:NoSchedule",
                "",
            ].join("\n"),
        );
        expect(userDataNodeConfig(ud)).toEqual({ maxPods: 16, cluster: CLUSTER });
        expect(text).not.toContain("x-shellscript");
        expect(() => nodeUserData({ maxPods: 0 })).toThrow(/maxPods must be a positive integer/);
    });
});

describe("network-node-max-pods (NET-POD-CAPACITY)", () => {
    it("passes maxPods 16 on m6i.2xlarge with MAX_ENI 1 (1 × 14 + 2)", () => {
        expect(validateStack(nodeMaxPods, capacityStack())).toEqual([]);
    });

    it("fails round 1's design: maxPods 16 in the launch template but no custom AMI, so EKS's NodeConfig wins (58)", () => {
        const v = validateStack(nodeMaxPods, capacityStack({ imageId: undefined }));
        expect(v.map((x) => x.message)).toEqual([
            `[NET-POD-CAPACITY] node group mas-agent (m6i.2xlarge): no custom AMI in its launch template, so EKS appends its own NodeConfig and kubelet admits 58 pods (EKS "How maxPods is determined"; a maxPods in the launch template does not count), above the 16 pods the VPC CNI can address with MAX_ENI 1: pods past that are scheduled and never get an address`,
        ]);
    });

    it("caps EKS's own maxPods at 110 under 30 vCPUs (m6i.4xlarge: 8 × 29 + 2 = 234 → 110)", () => {
        const v = validateStack(nodeMaxPods, capacityStack({ imageId: undefined, instanceType: "m6i.4xlarge" }));
        expect(v[0].message).toContain("kubelet admits 110 pods");
    });

    it("fails a custom-AMI NodeConfig without the cluster section nodeadm needs", () => {
        const partial = Buffer.from(
            'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: application/node.eks.aws\n\n---\nkind: NodeConfig\nspec:\n  cluster:\n    name: mas-prod-eks\n  kubelet:\n    config:\n      maxPods: 16\n--B--\n',
        ).toString("base64");
        expect(validateStack(nodeMaxPods, capacityStack({ userData: partial })).map((x) => x.message)).toEqual([
            "[NET-POD-CAPACITY] node group mas-agent (m6i.2xlarge) launches a custom AMI, so EKS adds no bootstrap, but its launch template's NodeConfig lacks spec.cluster apiServerEndpoint, certificateAuthority, cidr: nodeadm refuses to start and no node joins",
        ]);
    });

    it("fails a custom-AMI launch template without maxPods: nodeadm's default counts all 4 ENIs", () => {
        const v = validateStack(nodeMaxPods, capacityStack({ userData: undefined }));
        expect(v.map((x) => x.message)).toEqual([
            "[NET-POD-CAPACITY] node group mas-agent (m6i.2xlarge) launches a custom AMI, so EKS adds no bootstrap, but its launch template's NodeConfig lacks spec.cluster name, apiServerEndpoint, certificateAuthority, cidr: nodeadm refuses to start and no node joins",
            "[NET-POD-CAPACITY] node group mas-agent (m6i.2xlarge): kubelet maxPods 58 (not set in a NodeConfig part of its launch template user data: nodeadm's default from every ENI) exceeds the 16 pods the VPC CNI can address with MAX_ENI 1: pods past that are scheduled and never get an address",
        ]);
    });

    it("fails maxPods one above the addressable pods", () => {
        const v = validateStack(nodeMaxPods, capacityStack({ userData: nodeUserData({ maxPods: 17 }) }));
        expect(v).toHaveLength(1);
        expect(v[0].message).toContain("kubelet maxPods 17 exceeds the 16 pods");
    });

    it("passes the default maxPods when the CNI may use every ENI", () => {
        expect(
            validateStack(
                nodeMaxPods,
                capacityStack({ imageId: undefined, cni: JSON.stringify({ enableNetworkPolicy: "true" }) }),
            ),
        ).toEqual([]);
    });
});
