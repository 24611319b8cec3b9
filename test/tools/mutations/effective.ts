// Effective behaviour: message keys, agent egress, outsiders in resource policies: breaks of a prod plan, each expected under its control.

import { Break, find, addStatement } from "./common";

export const effectiveBreaks: Break[] = [
    // --- Effective behaviour (issue 13 items 3-5): each names the policy that computes the behaviour. ---
    {
        control: "K8S-NETPOL",
        policy: "k8s-network-policy-effective",
        what: "the planner's allow policy admitting pods of every namespace (namespaceSelector {})",
        apply: (rs) => {
            find(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "mas-mesh-planner").inputs.spec.ingress[0].from =
                [{ namespaceSelector: {}, podSelector: {} }];
            return rs;
        },
    },
    {
        control: "MESH-AUTHZ-STRICT",
        policy: "mesh-authorization-effective",
        what: "the planner's deny-all turned into an ALLOW naming the coordinator namespace",
        apply: (rs) => {
            find(rs, "kubernetes:security.istio.io/v1:AuthorizationPolicy", "mas-planner-deny-all").inputs.spec = {
                rules: [{ from: [{ source: { namespaces: ["agent-coordinator"] } }] }],
            };
            return rs;
        },
    },
    {
        control: "MESH-MTLS-ROTATION",
        policy: "mesh-workload-cert-ttl",
        what: "istiod's workload certificate cap left at Istio's 90-day default",
        apply: (rs) => {
            delete find(rs, "kubernetes:helm.sh/v3:Release", "mas-istiod").inputs.values.env.MAX_WORKLOAD_CERT_TTL;
            return rs;
        },
    },
    {
        control: "NET-SEG-SERVICE",
        policy: "network-segment-reachability",
        what: "the service security group open to the internet over all UDP ports",
        apply: (rs) => {
            const r = find(
                rs,
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                "mas-service-out-internet-tcp-80",
            );
            Object.assign(r.inputs, { ipProtocol: "udp", fromPort: 0, toPort: 65535 });
            return rs;
        },
    },
    {
        control: "PER-FW-EGRESS",
        policy: "network-segment-reachability",
        what: "a public subnet's default route to the internet gateway (NAT traffic bypasses the firewall)",
        apply: (rs) => {
            const r = find(rs, "aws:ec2/route:Route", "mas-public-default-1");
            delete r.inputs.vpcEndpointId;
            r.inputs.gatewayId = "igw-e6bc7393a86b2df89";
            return rs;
        },
    },
    {
        control: "IR-SB-ISOLATE",
        policy: "operations-required-and-enabled",
        what: "the EKS compromise responder rule in state DISABLED",
        apply: (rs) => {
            find(rs, "aws:cloudwatch/eventRule:EventRule", "mas-eks-compromise").inputs.state = "DISABLED";
            return rs;
        },
    },
    {
        control: "KMS-KEY-MGMT",
        policy: "operations-required-and-enabled",
        what: "the logs key disabled",
        apply: (rs) => {
            find(rs, "aws:kms/key:Key", "mas-keys-logs").inputs.isEnabled = false;
            return rs;
        },
    },
    {
        control: "DATA-CLS-DISCOVERY",
        policy: "operations-required-and-enabled",
        what: "the Macie classification job paused",
        apply: (rs) => {
            find(rs, "aws:macie2/classificationJob:ClassificationJob", "mas-stores-macie-data").inputs.jobStatus =
                "USER_PAUSED";
            return rs;
        },
    },
    // evidence helper: per-agent message keys
    {
        control: "MSG-SIG-ALG",
        what: "agents allowed to sign with any agent's key",
        apply: (rs) => {
            const p = find(rs, "aws:iam/policy:Policy", "mas-message-agent-message-crypto");
            const doc = JSON.parse(p.inputs.policy);
            delete doc.Statement.find((x: any) => x.Sid === "SignAsSelf").Condition.StringEquals[
                "aws:ResourceTag/agent"
            ];
            p.inputs.policy = JSON.stringify(doc);
            return rs;
        },
    },
    // rev-k8s: agent HTTPS inside the VPC only to the API / interface endpoint subnets
    {
        control: "K8S-NETPOL",
        policy: "k8s-network-policy-effective",
        what: "the coordinator's HTTPS rule without its VPC exception (443 to the agent and management segments)",
        apply: (rs) => {
            const np = find(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "mas-mesh-coordinator");
            for (const e of np.inputs.spec.egress as { to?: { ipBlock?: { except?: string[] } }[] }[]) {
                delete e.to?.[0]?.ipBlock?.except;
            }
            return rs;
        },
    },
    {
        control: "MESH-MTLS-CA",
        policy: "mesh-plugin-ca",
        what: "the CA Issuer's Secret without ca.crt (istiod would take the issuing CA as the mesh root)",
        apply: (rs) => {
            find(rs, "kubernetes:core/v1:Secret", "mas-issuing-ca").inputs.stringData = {
                "tls.crt": "issuing",
                "tls.key": "key",
            };
            return rs;
        },
    },
    // rev-audit: outsiders a resource policy names, and conditions every caller meets.
    {
        control: "IAM-BOUNDARY",
        what: "the system log bucket's policy lets a named role of another account read objects",
        policy: "identity-iam-no-full-admin",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:s3/bucketPolicy:BucketPolicy", "mas-logging-system"), "policy", {
                Sid: "PartnerRead",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::111122223333:role/partner" },
                Action: "s3:GetObject",
                Resource: "*",
            }),
    },
    {
        control: "IAM-BOUNDARY",
        what: "the high alert topic lets everyone subscribe after a date (aws:CurrentTime: every caller meets it)",
        policy: "identity-iam-no-full-admin",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:sns/topicPolicy:TopicPolicy", "mas-alerts-high"), "policy", {
                Sid: "AnyoneAfter2020",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "sns:Subscribe",
                Resource: "*",
                Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } },
            }),
    },
    {
        control: "RBAC-OPERATOR-NO-SECURITY",
        what: "the operator may sts:AssumeRole on * (system_admin's trust admits the account)",
        policy: "identity-iam-no-full-admin",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/policy:Policy", "mas-operator"), "policy", {
                Sid: "AssumeAnything",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: "*",
            }),
    },
    {
        control: "RBAC-AGENT-PERMS",
        what: "the agents may kms:CreateGrant on every key",
        policy: "identity-iam-no-full-admin",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/policy:Policy", "mas-agent"), "policy", {
                Sid: "Grants",
                Effect: "Allow",
                Action: "kms:CreateGrant",
                Resource: "*",
            }),
    },
    {
        control: "RBAC-AGENT-NS",
        what: "the planner's agent RoleBinding also names the group system:authenticated",
        policy: "identity-no-privileged-binding",
        apply: (rs) => {
            find(rs, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "mas-agent-planner").inputs.subjects.push({
                kind: "Group",
                name: "system:authenticated",
                apiGroup: "rbac.authorization.k8s.io",
            });
            return rs;
        },
    },
    {
        control: "NET-SEG-SERVICE",
        what: "the service group's rule from the management segment re-pointed at a prefix list the plan does not define",
        policy: "network-segment-reachability",
        apply: (rs) => {
            const r = find(
                rs,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "mas-service-in-mgmt-any-all",
            );
            delete r.inputs.cidrIpv4;
            r.inputs.prefixListId = "pl-6da54004";
            return rs;
        },
    },
    {
        control: "RBAC-ADMIN-PERMS",
        what: "system_admin's EKS access entry and its cluster-admin association deleted",
        policy: "identity-cluster-access-entries",
        apply: (rs) =>
            rs.filter(
                (r) =>
                    !r.urn.endsWith("::mas-access-system-admin") && !r.urn.endsWith("::mas-access-system-admin-admin"),
            ),
    },
];
