import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import {
    albLogBucketOrder,
    deployPath,
    egressNoSharedStorage,
    nodeMaxPods,
    podIpCapacity,
    s3EndpointScoped,
    wafAgentKeyRequired,
    workloadApisReachable,
} from "../../policy-pack/policies/platform";
import {
    capacityProblems,
    eniLimits,
    maxPodsFor,
    peakNodesPerAz,
    userDataMaxPods,
} from "../../policy-pack/lib/capacity";
import { nodeUserData } from "../../components/cluster/nodes";
import { StackResourceCase, validateResource, validateStack } from "../harness/policy";

type Rec = Record<string, unknown>;
const r = (type: string, name: string, props: Rec): StackResourceCase => ({ type, name, props });

// ---------------------------------------------------------------------------------------------------
// network-deploy-path

const CLUSTER_SG = "sg-cluster";
const RUNNER_SG = "sg-runner";

function deployStack(
    o: {
        endpointPublicAccess?: boolean;
        publicAccessCidrs?: string[];
        project?: boolean;
        webhookEvent?: string;
        ingress?: Rec;
        natRoute?: boolean;
    } = {},
): StackResourceCase[] {
    const rs: StackResourceCase[] = [
        r("aws:ec2/subnet:Subnet", "svc-0", { id: "subnet-svc0", vpcId: "vpc-1", cidrBlock: "10.0.2.0/25" }),
        r("aws:ec2/subnet:Subnet", "mgmt-0", { id: "subnet-m0", vpcId: "vpc-1", cidrBlock: "10.0.3.0/25" }),
        r("aws:ec2/subnet:Subnet", "mgmt-1", { id: "subnet-m1", vpcId: "vpc-1", cidrBlock: "10.0.3.128/25" }),
        r("aws:eks/cluster:Cluster", "eks", {
            vpcConfig: {
                endpointPrivateAccess: true,
                endpointPublicAccess: o.endpointPublicAccess ?? false,
                publicAccessCidrs: o.publicAccessCidrs ?? [],
                securityGroupIds: [CLUSTER_SG],
                subnetIds: ["subnet-svc0"],
            },
        }),
        r("aws:ec2/routeTableAssociation:RouteTableAssociation", "a0", {
            subnetId: "subnet-m0",
            routeTableId: "rtb-0",
        }),
        r("aws:ec2/routeTableAssociation:RouteTableAssociation", "a1", {
            subnetId: "subnet-m1",
            routeTableId: "rtb-1",
        }),
    ];
    if (o.natRoute ?? true) {
        for (const t of ["rtb-0", "rtb-1"]) {
            rs.push(
                r("aws:ec2/route:Route", `d-${t}`, {
                    routeTableId: t,
                    destinationCidrBlock: "0.0.0.0/0",
                    natGatewayId: "nat-deploy",
                }),
            );
        }
    }
    if (o.project ?? true) {
        rs.push(
            r("aws:codebuild/project:Project", "runner", {
                name: "mas-prod-deploy-runner",
                vpcConfig: { vpcId: "vpc-1", subnets: ["subnet-m0", "subnet-m1"], securityGroupIds: [RUNNER_SG] },
            }),
            r("aws:codebuild/webhook:Webhook", "runner", {
                projectName: "mas-prod-deploy-runner",
                filterGroups: [{ filters: [{ type: "EVENT", pattern: o.webhookEvent ?? "WORKFLOW_JOB_QUEUED" }] }],
            }),
        );
    }
    rs.push(
        r("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api", {
            securityGroupId: CLUSTER_SG,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            referencedSecurityGroupId: RUNNER_SG,
            ...o.ingress,
        }),
    );
    return rs;
}

describe("network-deploy-path (NET-DEPLOY-PATH)", () => {
    it("passes a private cluster with a hooked runner admitted on 443 and routed out through NAT", () => {
        expect(validateStack(deployPath, deployStack())).toEqual([]);
    });

    it("passes when the cluster's group admits the runner's subnets by CIDR (the management segment)", () => {
        const ingress = { referencedSecurityGroupId: undefined, cidrIpv4: "10.0.3.0/24" };
        expect(validateStack(deployPath, deployStack({ ingress }))).toEqual([]);
    });

    it("fails a private cluster without any runner (GitHub-hosted CI cannot reach it)", () => {
        const v = validateStack(deployPath, deployStack({ project: false }));
        expect(v).toHaveLength(1);
        expect(v[0].message).toContain("no CodeBuild project in its VPC");
        expect(v[0].urn).toBe("urn:pulumi:test::test::aws:eks/cluster:Cluster::eks");
    });

    it("fails a public endpoint limited to an office range (GitHub's runners are outside it)", () => {
        const v = validateStack(
            deployPath,
            deployStack({ project: false, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
        );
        expect(v.map((x) => x.message)).toEqual([expect.stringContaining("public only from 203.0.113.0/24")]);
    });

    it("fails a runner whose webhook listens to pushes, not queued workflow jobs", () => {
        const v = validateStack(deployPath, deployStack({ webhookEvent: "PUSH" }));
        expect(v[0].message).toContain("no webhook starts it on WORKFLOW_JOB_QUEUED");
    });

    it("fails a runner the cluster's security group does not admit on 443", () => {
        const v = validateStack(deployPath, deployStack({ ingress: { fromPort: 10250, toPort: 10250 } }));
        expect(v[0].message).toContain("does not admit it on 443");
        const cidr = validateStack(
            deployPath,
            deployStack({ ingress: { referencedSecurityGroupId: undefined, cidrIpv4: "10.0.2.0/24" } }),
        );
        expect(cidr[0].message).toContain("does not admit it on 443");
    });

    it("fails a runner without a default route out (it cannot reach GitHub)", () => {
        const v = validateStack(deployPath, deployStack({ natRoute: false }));
        expect(v[0].message).toContain("no default route through a NAT gateway");
    });

    it("ignores a cluster whose endpoint is open to the internet (another policy forbids it)", () => {
        expect(
            validateStack(
                deployPath,
                deployStack({ project: false, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
            ),
        ).toEqual([]);
    });
});

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
            "subnet 10.0.1.0/26 has 59 usable addresses but its node groups can take 840 at their maximum plus a rolling update (agent: 14 nodes × 60 addresses (m6i.2xlarge))",
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
    o: { maxSize?: number; cni?: string; instanceType?: string; userData?: string } = {},
): StackResourceCase[] {
    return [
        r("aws:ec2/subnet:Subnet", "a0", { id: "subnet-a0", cidrBlock: "10.0.1.0/26" }),
        r("aws:ec2/subnet:Subnet", "a1", { id: "subnet-a1", cidrBlock: "10.0.1.64/26" }),
        r("aws:ec2/subnet:Subnet", "a2", { id: "subnet-a2", cidrBlock: "10.0.1.128/26" }),
        r("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
            id: "lt-1",
            instanceType: o.instanceType ?? "m6i.2xlarge",
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
            "[NET-POD-CAPACITY] cluster mas-prod-eks: subnet 10.0.1.0/26 has 59 usable addresses but its node groups can take 90 at their maximum plus a rolling update (mas-agent: 6 nodes × 15 addresses (m6i.2xlarge))",
        );
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

    it("writes an AL2023 NodeConfig part in the user data", () => {
        const text = Buffer.from(nodeUserData({ maxPods: 16 }), "base64").toString("utf8");
        expect(text).toContain(
            "Content-Type: application/node.eks.aws\n\n---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 16\n",
        );
        expect(text).not.toContain("x-shellscript");
        expect(() => nodeUserData({ maxPods: 0 })).toThrow(/maxPods must be a positive integer/);
    });
});

describe("network-node-max-pods (NET-POD-CAPACITY)", () => {
    it("passes maxPods 16 on m6i.2xlarge with MAX_ENI 1 (1 × 14 + 2)", () => {
        expect(validateStack(nodeMaxPods, capacityStack())).toEqual([]);
    });

    it("fails a launch template without maxPods: nodeadm's default counts all 4 ENIs", () => {
        const v = validateStack(nodeMaxPods, capacityStack({ userData: undefined }));
        expect(v.map((x) => x.message)).toEqual([
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
                capacityStack({ userData: undefined, cni: JSON.stringify({ enableNetworkPolicy: "true" }) }),
            ),
        ).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------
// network-alb-log-bucket-order: needs real dependency edges, so the stack args are built here.

function orderCase(dependsOnPolicy: boolean, withPolicy = true) {
    const res = (type: string, name: string, props: Rec, dependencies: PolicyResource[] = []) =>
        ({
            type,
            name,
            props,
            urn: `urn:pulumi:test::test::${type}::${name}`,
            dependencies,
            propertyDependencies: {},
            opts: {},
        }) as unknown as PolicyResource;
    const policy = res("aws:s3/bucketPolicy:BucketPolicy", "alb-logs", { bucket: "mas-prod-alb-logs" });
    const sg = res("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {});
    const alb = res(
        "aws:lb/loadBalancer:LoadBalancer",
        "mas-alb",
        { accessLogs: { bucket: "mas-prod-alb-logs", enabled: true } },
        dependsOnPolicy ? [sg, policy] : [sg],
    );
    const violations: string[] = [];
    const args = {
        resources: withPolicy ? [policy, sg, alb] : [sg, alb],
        stackTags: new Map(),
        getConfig: () => ({}),
    } as unknown as StackValidationArgs;
    void albLogBucketOrder.validateStack(args, (m) => violations.push(m));
    return violations;
}

describe("network-alb-log-bucket-order (PER-LB)", () => {
    it("passes an ALB that depends on its log bucket's policy", () => {
        expect(orderCase(true)).toEqual([]);
    });

    it("fails an ALB created without waiting for the policy (ELB's test write is denied)", () => {
        expect(orderCase(false)).toEqual([
            "[PER-LB] ALB mas-alb does not depend on alb-logs, the policy of its log bucket mas-prod-alb-logs: creating it first fails ELB's test write (Access Denied)",
        ]);
    });

    it("fails an ALB whose log bucket has no policy at all", () => {
        expect(orderCase(false, false)[0]).toContain("has no bucket policy in the stack");
    });
});

// ---------------------------------------------------------------------------------------------------
// network-egress-no-shared-storage

function ruleGroup(targets: string[], home?: string[]) {
    return validateResource(egressNoSharedStorage, {
        type: "aws:networkfirewall/ruleGroup:RuleGroup",
        name: "egress",
        props: {
            ruleGroup: {
                ...(home ? { ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: home } }] } } : {}),
                rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targets } },
            },
        },
    });
}

describe("network-egress-no-shared-storage (PER-FW-EGRESS)", () => {
    it("passes exact hosts for the workloads", () => {
        expect(ruleGroup(["route53.amazonaws.com", "quay.io", "registry-1.docker.io"], ["10.0.0.0/16"])).toEqual([]);
    });

    it("fails .amazonaws.com for the VPC (any S3 bucket is reachable)", () => {
        expect(ruleGroup([".amazonaws.com", "quay.io"], ["10.0.0.0/16"])).toEqual([
            "[PER-FW-EGRESS] egress allow-list egress admits .amazonaws.com for 10.0.0.0/16: any bucket / blob of anyone is reachable (exfiltration); list exact hosts and reach AWS through VPC endpoints",
        ]);
        expect(ruleGroup([".s3.amazonaws.com"])).toHaveLength(1);
        expect(ruleGroup([".blob.core.windows.net"], ["10.0.0.0/16"])).toHaveLength(1);
    });

    it("passes a list scoped to one /32 source (the deploy runner's NAT gateway)", () => {
        expect(ruleGroup([".amazonaws.com", ".blob.core.windows.net"], ["10.0.255.10/32"])).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------
// network-s3-endpoint-policy

function endpoint(policy: unknown, serviceName = "com.amazonaws.eu-west-1.s3") {
    return validateResource(s3EndpointScoped, {
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        name: "vpce-s3",
        props: { serviceName, vpcEndpointType: "Gateway", ...(policy ? { policy: JSON.stringify(policy) } : {}) },
    });
}
const ACCOUNT_ONLY = {
    Statement: [
        {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } },
        },
        {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"],
        },
    ],
};

describe("network-s3-endpoint-policy (PER-FW-EGRESS)", () => {
    it("passes the account-scoped policy with named AWS buckets", () => {
        expect(endpoint(ACCOUNT_ONLY)).toEqual([]);
    });

    it("fails a gateway endpoint without a policy (full access)", () => {
        expect(endpoint(undefined)).toEqual([
            "[PER-FW-EGRESS] S3 gateway endpoint vpce-s3 has no policy: it admits every bucket in the world",
        ]);
    });

    it("fails an Allow on every bucket without the account condition, or on a wildcard bucket name", () => {
        const open = { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] };
        expect(endpoint(open)).toHaveLength(1);
        const wildcard = {
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::*/*" }],
        };
        expect(endpoint(wildcard)).toHaveLength(1);
    });

    it("ignores interface endpoints of other services", () => {
        expect(endpoint(undefined, "com.amazonaws.eu-west-1.sts")).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------
// network-waf-agent-key-required

const NONE = [{ priority: 0, type: "NONE" }];
const requireHeader = {
    name: "agent-id-required",
    priority: 4,
    action: { block: {} },
    statement: {
        andStatement: {
            statements: [
                {
                    notStatement: {
                        statement: {
                            sizeConstraintStatement: {
                                fieldToMatch: { singleHeader: { name: "x-agent-id" } },
                                comparisonOperator: "GT",
                                size: 0,
                                textTransformations: NONE,
                            },
                        },
                    },
                },
                {
                    notStatement: {
                        statement: {
                            byteMatchStatement: {
                                fieldToMatch: { uriPath: {} },
                                positionalConstraint: "STARTS_WITH",
                                searchString: "/oauth2/",
                                textTransformations: NONE,
                            },
                        },
                    },
                },
            ],
        },
    },
};
const perSource = {
    name: "per-source-rate-limit",
    priority: 5,
    action: { block: {} },
    statement: { rateBasedStatement: { aggregateKeyType: "IP", evaluationWindowSec: 60, limit: 6000 } },
};
const perAgent = {
    name: "per-agent-rate-limit",
    priority: 6,
    action: { block: {} },
    statement: {
        rateBasedStatement: {
            aggregateKeyType: "CUSTOM_KEYS",
            evaluationWindowSec: 60,
            limit: 6000,
            customKeys: [{ header: { name: "x-agent-id", textTransformations: NONE } }],
        },
    },
};
const waf = (rules: Rec[]) =>
    validateResource(wafAgentKeyRequired, { type: "aws:wafv2/webAcl:WebAcl", name: "waf", props: { rules } });

describe("network-waf-agent-key-required (PER-DDOS)", () => {
    it("passes: missing header blocked first, per-source cap, then the per-agent limit", () => {
        expect(waf([requireHeader, perSource, perAgent])).toEqual([]);
    });

    it("fails without the missing-header block (omitting the header bypasses the limit)", () => {
        expect(waf([perSource, perAgent])).toEqual([
            "[PER-DDOS] web ACL rule per-agent-rate-limit limits per x-agent-id header, but no earlier blocking rule rejects requests without it: omitting the header bypasses the limit",
        ]);
    });

    it("fails when the missing-header rule only counts, or comes after the limit", () => {
        expect(waf([{ ...requireHeader, action: { count: {} } }, perSource, perAgent])).toHaveLength(1);
        expect(waf([{ ...requireHeader, priority: 9 }, perSource, perAgent])).toHaveLength(1);
    });

    it("fails without a per-source cap (rotating the header value opens new buckets)", () => {
        expect(waf([requireHeader, perAgent])).toEqual([
            "[PER-DDOS] web ACL rule per-agent-rate-limit keys on a client-chosen header, and no blocking per-IP rate rule of at most 100 rps stops a client rotating its value",
        ]);
        const loose = {
            ...perSource,
            statement: { rateBasedStatement: { ...perSource.statement.rateBasedStatement, limit: 60000 } },
        };
        expect(waf([requireHeader, loose, perAgent])).toHaveLength(1);
    });
});

// ---------------------------------------------------------------------------------------------------
// network-workload-apis-reachable

function apisStack(o: { endpoints?: string[]; allowList?: string[]; privateDns?: boolean } = {}): StackResourceCase[] {
    const eps = o.endpoints ?? ["s3", "eks-auth", "monitoring", "kms"];
    return [
        ...eps.map((e) =>
            r("aws:ec2/vpcEndpoint:VpcEndpoint", `vpce-${e}`, {
                serviceName: `com.amazonaws.eu-west-1.${e}`,
                vpcEndpointType: e === "s3" ? "Gateway" : "Interface",
                ...(e === "s3" ? {} : { privateDnsEnabled: o.privateDns ?? true }),
            }),
        ),
        r("aws:networkfirewall/ruleGroup:RuleGroup", "egress-domains", {
            ruleGroup: {
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.0.0/16"] } }] },
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI"],
                        targets: o.allowList ?? ["quay.io"],
                    },
                },
            },
        }),
        // The deploy runner's list (/32) admits everything AWS; workloads never use it.
        r("aws:networkfirewall/ruleGroup:RuleGroup", "deploy-domains", {
            ruleGroup: {
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.4.10/32"] } }] },
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI"],
                        targets: [".amazonaws.com"],
                    },
                },
            },
        }),
        r("aws:iam/role:Role", "agent-role", {
            name: "mas-prod-agent",
            arn: "arn:aws:iam::123456789012:role/mas-prod-agent",
        }),
        r("aws:iam/policy:Policy", "agent-policy", {
            arn: "arn:aws:iam::123456789012:policy/mas-prod-agent",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
                    { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
                ],
            }),
        }),
        r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "agent-attach", {
            role: "mas-prod-agent",
            policyArn: "arn:aws:iam::123456789012:policy/mas-prod-agent",
        }),
        r("aws:iam/rolePolicy:RolePolicy", "agent-inline", {
            role: "mas-prod-agent",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }],
            }),
        }),
        r("aws:eks/podIdentityAssociation:PodIdentityAssociation", "pia", {
            namespace: "agent-planner",
            serviceAccount: "planner",
            roleArn: "arn:aws:iam::123456789012:role/mas-prod-agent",
        }),
    ];
}

describe("network-workload-apis-reachable (PER-FW-EGRESS)", () => {
    it("passes when every service the pod role calls has an endpoint (monitoring, s3, kms, eks-auth)", () => {
        expect(validateStack(workloadApisReachable, apisStack())).toEqual([]);
    });

    it("fails PutMetricData without a monitoring endpoint (the allow-list no longer holds .amazonaws.com)", () => {
        const v = validateStack(workloadApisReachable, apisStack({ endpoints: ["s3", "eks-auth", "kms"] }));
        expect(v.map((x) => x.message)).toEqual([
            "[PER-FW-EGRESS] pods of service account agent-planner/planner (role mas-prod-agent) may call cloudwatch (endpoint monitoring), which the VPC reaches through neither an endpoint nor the firewall allow-list: those calls never leave the VPC",
        ]);
    });

    it("fails Pod Identity without eks-auth, and interface endpoints without private DNS", () => {
        const v = validateStack(workloadApisReachable, apisStack({ privateDns: false }));
        expect(v).toHaveLength(1);
        expect(v[0].message).toContain(
            "may call eks-auth (endpoint eks-auth), kms (endpoint kms), cloudwatch (endpoint monitoring)",
        );
    });

    it("accepts the service's host on the workloads' allow-list instead of an endpoint", () => {
        expect(
            validateStack(
                workloadApisReachable,
                apisStack({ endpoints: ["s3", "eks-auth", "kms"], allowList: ["monitoring.eu-west-1.amazonaws.com"] }),
            ),
        ).toEqual([]);
    });
});
