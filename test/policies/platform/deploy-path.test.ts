// policy-pack/policies/platform.ts: the deploy path (NET-DEPLOY-PATH).

import { deployPath } from "../../../policy-pack/policies/platform";
import { StackResourceCase, validateStack } from "../../harness/policy";
import { r, Rec } from "./fixtures";

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
