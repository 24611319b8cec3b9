// The guide as an allow-list (issue 21): IAM changing requests and Kubernetes RBAC beyond the guide's matrices.

import { addStatement, Break, find } from "./common";

export const accessAllowListBreaks: Break[] = [
    {
        // A resource policy naming one agent role: that role is judged on its own, not as its group's first member.
        control: "RBAC-AGENT-PERMS",
        what: "the critical data key's policy lets one agent (the planner) decrypt",
        policy: "identity-iam-write-allow-list",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:kms/key:Key", "mas-keys-critical"), "policy", {
                Sid: "PlannerDecrypt",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::123456789012:role/mas-prod-agent-planner" },
                Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
                Resource: "*",
            }),
    },
    {
        // An access entry's ARN is its accessEntryArn output (no `arn`): read, the action is judged.
        control: "RBAC-AGENT-PERMS",
        what: "the agents may associate access policies (cluster-admin) with any access entry of the cluster",
        policy: "identity-iam-write-allow-list",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/policy:Policy", "mas-agent"), "policy", {
                Sid: "AssociateAccess",
                Effect: "Allow",
                Action: "eks:AssociateAccessPolicy",
                Resource: "arn:aws:eks:eu-west-1:123456789012:access-entry/mas-prod-eks/*",
            }),
    },
    {
        control: "RBAC-AGENT-PERMS",
        what: "the agents may send SSM commands to every instance (code on the cluster's nodes)",
        policy: "identity-iam-write-allow-list",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/policy:Policy", "mas-agent"), "policy", {
                Sid: "RunCommands",
                Effect: "Allow",
                Action: "ssm:SendCommand",
                Resource: "*",
            }),
    },
    {
        control: "IAM-BOUNDARY",
        what: "the deploy runner's role assumable by another account without ExternalId or MFA",
        policy: "identity-iam-write-allow-list",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/role:Role", "mas-deploy-runner-role"), "assumeRolePolicy", {
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111122223333:root" },
                Action: "sts:AssumeRole",
            }),
    },
    {
        control: "RBAC-AGENT-NS",
        what: "the coordinator's service account bound to view instead of mas:agent",
        policy: "identity-k8s-effective-rbac",
        apply: (rs) => {
            find(
                rs,
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                "mas-agent-coordinator",
            ).inputs.roleRef.name = "view";
            return rs;
        },
    },
    {
        control: "RBAC-OPERATOR-PERMS",
        what: "the operators' ClusterRole with nodes/proxy (exec through the kubelet)",
        policy: "identity-k8s-effective-rbac",
        apply: (rs) => {
            find(rs, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "mas-operator").inputs.rules.push({
                apiGroups: [""],
                resources: ["nodes/proxy"],
                verbs: ["get"],
            });
            return rs;
        },
    },
];
