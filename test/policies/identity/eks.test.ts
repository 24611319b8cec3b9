// policy-pack/policies/identity/eks.ts

import * as p from "../../../policy-pack/policies/identity";
import { validateResource, validateStack } from "../../harness/policy";
import { ACCT, ROLE } from "./fixtures";

describe("identity-eks-cluster (EKS-ENDPOINT, EKS-SECRETS, EKS-LOGS, EKS-AUTH-API)", () => {
    const base = () => ({
        vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["subnet-1"] },
        encryptionConfig: { provider: { keyArn: `arn:aws:kms:eu-west-1:${ACCT}:key/abc` }, resources: ["secrets"] },
        enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
    });
    const check = (props: Record<string, unknown>, environment: "dev" | "prod" = "prod") =>
        validateResource(p.eksCluster, { type: "aws:eks/cluster:Cluster", props, config: { environment } });
    it("passes a private, encrypted, fully logged, API-authenticated cluster", () => expect(check(base())).toEqual([]));
    it("passes a dev public endpoint restricted to listed CIDRs", () =>
        expect(
            check(
                {
                    ...base(),
                    vpcConfig: {
                        endpointPrivateAccess: true,
                        endpointPublicAccess: true,
                        publicAccessCidrs: ["203.0.113.0/24"],
                    },
                },
                "dev",
            ),
        ).toEqual([]));
    it("fails a public endpoint in prod", () =>
        expect(
            check({
                ...base(),
                vpcConfig: {
                    endpointPrivateAccess: true,
                    endpointPublicAccess: true,
                    publicAccessCidrs: ["203.0.113.0/24"],
                },
            }),
        ).toEqual([
            "[EKS-ENDPOINT] the public API endpoint must be off in prod (vpcConfig.endpointPublicAccess false)",
        ]));
    it("fails a dev public endpoint open to 0.0.0.0/0 (also the API default when unset)", () => {
        const msg = "[EKS-ENDPOINT] a public API endpoint must be restricted by publicAccessCidrs (never 0.0.0.0/0)";
        expect(
            check(
                {
                    ...base(),
                    vpcConfig: {
                        endpointPrivateAccess: true,
                        endpointPublicAccess: true,
                        publicAccessCidrs: ["0.0.0.0/0"],
                    },
                },
                "dev",
            ),
        ).toEqual([msg]);
        expect(check({ ...base(), vpcConfig: { endpointPrivateAccess: true } }, "dev")).toEqual([msg]);
    });
    it("fails without the private endpoint", () =>
        expect(check({ ...base(), vpcConfig: { endpointPublicAccess: false } })).toEqual([
            "[EKS-ENDPOINT] vpcConfig.endpointPrivateAccess must be true",
        ]));
    it("fails without secrets encryption", () =>
        expect(check({ ...base(), encryptionConfig: undefined })).toEqual([
            "[EKS-SECRETS] encryptionConfig must encrypt resources [secrets] with a customer-managed KMS key ARN",
        ]));
    it("fails a missing log type", () =>
        expect(check({ ...base(), enabledClusterLogTypes: ["api", "audit", "authenticator"] })).toEqual([
            "[EKS-LOGS] enabledClusterLogTypes lacks controllerManager, scheduler",
        ]));
    it("fails the aws-auth ConfigMap mode", () =>
        expect(
            check({
                ...base(),
                accessConfig: {
                    authenticationMode: "API_AND_CONFIG_MAP",
                    bootstrapClusterCreatorAdminPermissions: false,
                },
            }),
        ).toEqual([
            "[EKS-AUTH-API] accessConfig.authenticationMode is API_AND_CONFIG_MAP; it must be API",
            "[ACC-RES-MONITOR] accessConfig.authenticationMode is API_AND_CONFIG_MAP: cluster access can bypass the access entries",
        ]));
    it("fails implicit creator admin", () =>
        expect(check({ ...base(), accessConfig: { authenticationMode: "API" } })).toEqual([
            "[EKS-AUTH-API] accessConfig.bootstrapClusterCreatorAdminPermissions must be false (no implicit admin)",
        ]));
});

describe("identity-node-launch-template (EKS-NODE-IMDS, EKS-NODE-EBS, DATA-ENC-IN-MEMORY)", () => {
    const base = () => ({
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
        blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: `arn:aws:kms:eu-west-1:${ACCT}:key/ebs` } },
        ],
        enclaveOptions: { enabled: true },
        tags: { segment: "agent" },
    });
    const lt = (props: Record<string, unknown>) =>
        validateResource(p.nodeLaunchTemplate, { type: "aws:ec2/launchTemplate:LaunchTemplate", props });
    it("passes IMDSv2, hop 1, encrypted volumes, enclaves on agent nodes", () => expect(lt(base())).toEqual([]));
    it("fails optional IMDS tokens", () =>
        expect(lt({ ...base(), metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } })).toEqual([
            "[EKS-NODE-IMDS] metadataOptions.httpTokens must be required (IMDSv2)",
        ]));
    it("fails hop limit 2", () =>
        expect(lt({ ...base(), metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })).toEqual([
            "[EKS-NODE-IMDS] metadataOptions.httpPutResponseHopLimit is 2; it must be 1",
        ]));
    it("fails an unencrypted volume", () =>
        expect(
            lt({ ...base(), blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }),
        ).toEqual(['[EKS-NODE-EBS] volume /dev/xvda must be encrypted with a KMS key (encrypted "true", kmsKeyId)']));
    it("fails without block device mappings", () =>
        expect(lt({ ...base(), blockDeviceMappings: undefined })).toEqual([
            "[EKS-NODE-EBS] no blockDeviceMappings: the root volume must be declared encrypted with the stack's key",
        ]));
    it("fails an SSH key pair", () =>
        expect(lt({ ...base(), keyName: "ops" })).toEqual([
            "[EKS-NODE-EBS] nodes must not have an SSH key pair (keyName); use SSM Session Manager",
        ]));
    it("fails agent nodes without Nitro Enclaves", () =>
        expect(lt({ ...base(), enclaveOptions: undefined })).toEqual([
            "[DATA-ENC-IN-MEMORY] agent node launch template must enable Nitro Enclaves (enclaveOptions.enabled)",
        ]));
});

describe("identity-cluster-access-entries (RBAC-ADMIN-PERMS, RBAC-OPERATOR-PERMS, ACC-RES-ALLOCATE)", () => {
    const arn = (n: string) => `arn:aws:iam::${ACCT}:role/mas-prod-${n}`;
    const humanRole = (n: string, rbac: string) => ({
        type: ROLE,
        name: n,
        props: { arn: arn(n), tags: { "rbac-role": rbac } },
    });
    const entry = (n: string, groups: string[]) => ({
        type: "aws:eks/accessEntry:AccessEntry",
        name: `entry-${n}`,
        props: { clusterName: "mas-prod-eks", principalArn: arn(n), kubernetesGroups: groups, type: "STANDARD" },
    });
    const adminPolicy = {
        type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        name: "admin-assoc",
        props: {
            clusterName: "mas-prod-eks",
            principalArn: arn("system-admin"),
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
        },
    };
    const stack = () => [
        { type: "aws:eks/cluster:Cluster", name: "eks", props: { name: "mas-prod-eks" } },
        humanRole("system-admin", "system_admin"),
        humanRole("operator", "operator"),
        humanRole("resource-manager", "resource_manager"),
        entry("system-admin", ["mas:system-admins"]),
        entry("operator", ["mas:operators"]),
        entry("resource-manager", ["mas:resource-managers"]),
        adminPolicy,
    ];
    const run = (rs: object[]) => validateStack(p.clusterAccessEntries, rs as never).map((v) => v.message);
    it("passes each human role with its entry and group, system_admin with cluster admin", () =>
        expect(run(stack())).toEqual([]));
    it("fails a deleted operator entry", () =>
        expect(run(stack().filter((r) => r.name !== "entry-operator"))).toEqual([
            `[RBAC-OPERATOR-PERMS] operator role ${arn("operator")} has no EKS access entry: it cannot reach the cluster (authentication mode API)`,
        ]));
    it("fails the resource manager's entry mapped to the operators' group", () =>
        expect(
            run(
                stack().map((r) =>
                    r.name === "entry-resource-manager" ? entry("resource-manager", ["mas:operators"]) : r,
                ),
            ),
        ).toEqual([
            "[ACC-RES-ALLOCATE] the EKS access entry of resource_manager maps it to [mas:operators] (type STANDARD); expected a STANDARD entry with group mas:resource-managers",
        ]));
    it("fails system_admin without the cluster admin access policy", () =>
        expect(run(stack().filter((r) => r !== adminPolicy))).toEqual([
            `[RBAC-ADMIN-PERMS] system_admin role ${arn("system-admin")} has no AmazonEKSClusterAdminPolicy association at cluster scope: no full access to the cluster`,
        ]));
});
