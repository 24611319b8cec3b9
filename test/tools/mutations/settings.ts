// Guide settings and mesh deployability: breaks of a prod plan, each expected under its control.

import { Break, find } from "./common";

export const settingBreaks: Break[] = [
    {
        control: "NET-SEG-AGENT",
        what: "an agent subnet moved outside 10.0.1.0/24",
        apply: (rs) => {
            const s = find(rs, "aws:ec2/subnet:Subnet", "mas-agent-0");
            s.inputs.cidrBlock = "10.0.9.0/26";
            return rs;
        },
    },
    {
        control: "PER-FW-EGRESS",
        what: "the agent route table's default route sent to the internet gateway",
        apply: (rs) => {
            const r = find(rs, "aws:ec2/route:Route", "mas-agent-default-0");
            delete r.inputs.natGatewayId;
            r.inputs.gatewayId = "igw-e6bc7393a86b2df89";
            return rs;
        },
    },
    {
        control: "TLS-TRANSPORT",
        what: "the HTTPS listener on a TLS 1.2 policy",
        apply: (rs) => {
            find(rs, "aws:lb/listener:Listener", "mas-https").inputs.sslPolicy = "ELBSecurityPolicy-2016-08";
            return rs;
        },
    },
    {
        control: "PER-DDOS",
        what: "the global rate rule's limit doubled",
        apply: (rs) => {
            const acl = find(rs, "aws:wafv2/webAcl:WebAcl", "mas-waf");
            const rule = acl.inputs.rules.find(
                (r: any) => r.statement?.rateBasedStatement?.aggregateKeyType === "CONSTANT",
            );
            rule.statement.rateBasedStatement.limit *= 2;
            return rs;
        },
    },
    {
        control: "IDS-SIGNATURE",
        what: "the firewall policy without STRICT_ORDER",
        apply: (rs) => {
            const p = find(rs, "aws:networkfirewall/firewallPolicy:FirewallPolicy", "mas-firewall-policy");
            p.inputs.firewallPolicy.statefulEngineOptions.ruleOrder = "DEFAULT_ACTION_ORDER";
            return rs;
        },
    },
    {
        control: "IPS-BEHAVIORAL",
        what: "GuardDuty runtime monitoring disabled",
        apply: (rs) => {
            find(rs, "aws:guardduty/detectorFeature:DetectorFeature", "mas-firewall-guardduty-runtime").inputs.status =
                "DISABLED";
            return rs;
        },
    },
    {
        control: "LOG-SYSTEM-RETENTION",
        what: "system logs expiring after 30 days instead of 90",
        apply: (rs) => {
            const l = find(
                rs,
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "mas-logging-system",
            );
            l.inputs.rules[0].expiration.days = 30;
            delete l.inputs.rules[0].transitions;
            return rs;
        },
    },
    {
        control: "LOG-AUDIT-RETENTION",
        what: "the audit bucket's Object Lock in GOVERNANCE mode",
        apply: (rs) => {
            find(
                rs,
                "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                "mas-logging-audit",
            ).inputs.rule.defaultRetention.mode = "GOVERNANCE";
            return rs;
        },
    },
    {
        control: "LOG-AUDIT-TRAIL",
        what: "CloudTrail limited to one region",
        apply: (rs) => {
            find(rs, "aws:cloudtrail/trail:Trail", "mas-audit-trail").inputs.isMultiRegionTrail = false;
            return rs;
        },
    },
    {
        control: "BAK-SENSITIVE",
        what: "sensitive backups kept 180 days instead of 1 year",
        apply: (rs) => {
            find(rs, "aws:backup/plan:Plan", "mas-backup-sensitive").inputs.rules[0].lifecycle.deleteAfter = 180;
            return rs;
        },
    },
    {
        control: "EKS-ENDPOINT",
        what: "a public EKS endpoint in prod",
        apply: (rs) => {
            find(rs, "aws:eks/cluster:Cluster", "mas-eks").inputs.vpcConfig.endpointPublicAccess = true;
            return rs;
        },
    },
    {
        control: "EKS-NODE-IMDS",
        what: "IMDSv1 allowed on the service nodes",
        apply: (rs) => {
            find(rs, "aws:ec2/launchTemplate:LaunchTemplate", "mas-service-nodes").inputs.metadataOptions.httpTokens =
                "optional";
            return rs;
        },
    },
    {
        control: "AUTH-TOKEN",
        what: "24 h access tokens",
        apply: (rs) => {
            find(rs, "aws:cognito/userPoolClient:UserPoolClient", "mas-human-client").inputs.accessTokenValidity = 24;
            return rs;
        },
    },
    {
        control: "RBAC-ADMIN-MFA",
        what: "system_admin assumable without MFA",
        apply: (rs) => {
            const role = find(rs, "aws:iam/role:Role", "mas-system-admin");
            const doc = JSON.parse(role.inputs.assumeRolePolicy);
            delete doc.Statement[0].Condition;
            role.inputs.assumeRolePolicy = JSON.stringify(doc);
            return rs;
        },
    },
    {
        control: "K8S-PSA",
        what: "an agent namespace enforcing only the baseline profile",
        apply: (rs) => {
            find(rs, "kubernetes:core/v1:Namespace", "mas-ns-coordinator").inputs.metadata.labels[
                "pod-security.kubernetes.io/enforce"
            ] = "baseline";
            return rs;
        },
    },
    {
        control: "MESH-MTLS-STRICT",
        what: "mesh-wide mTLS PERMISSIVE",
        apply: (rs) => {
            find(
                rs,
                "kubernetes:security.istio.io/v1:PeerAuthentication",
                "mas-peer-authentication",
            ).inputs.spec.mtls.mode = "PERMISSIVE";
            return rs;
        },
    },
    {
        control: "MESH-AUTHZ-STRICT",
        what: "a wildcard principal in the task rule",
        apply: (rs) => {
            const p = rs.find(
                (r) =>
                    r.type === "kubernetes:security.istio.io/v1:AuthorizationPolicy" &&
                    r.inputs.metadata.name === "allow-task-executors",
            )!;
            p.inputs.spec.rules[0].from[0].source.principals = ["*"];
            return rs;
        },
    },
    {
        control: "MESH-RATE-AGENT",
        what: "the planner namespace without its rate-limit filter",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-planner-ratelimit")),
    },
    {
        control: "MESH-MTLS-ROTATION",
        what: "the istiod intermediate re-issued with the same private key",
        apply: (rs) => {
            find(
                rs,
                "kubernetes:cert-manager.io/v1:Certificate",
                "mas-istio-ca",
            ).inputs.spec.privateKey.rotationPolicy = "Never";
            return rs;
        },
    },
    {
        control: "MESH-MTLS-CA",
        what: "the cacerts Certificate pointing at an issuer that does not exist",
        apply: (rs) => {
            find(rs, "kubernetes:cert-manager.io/v1:Certificate", "mas-istio-ca").inputs.spec.issuerRef.name = "other";
            return rs;
        },
    },
    // Mesh deployability (issue 12): each breaks one thing a real deploy of the mesh needs.
    {
        control: "MESH-MTLS-STRICT",
        what: "istio-cni left on the 1.30 charts' default hub (registry.istio.io, not on the egress allow-list)",
        apply: (rs) => {
            delete find(rs, "kubernetes:helm.sh/v3:Release", "mas-istio-cni").inputs.values.global.hub;
            return rs;
        },
    },
    {
        control: "CERT-MANAGER",
        what: "jetstack's chart repository missing from the egress allow-list the deploy runner sits behind",
        apply: (rs) => {
            const group = rs.find(
                (r) =>
                    r.type === "aws:networkfirewall/ruleGroup:RuleGroup" &&
                    r.inputs.ruleGroup?.rulesSource?.rulesSourceList?.generatedRulesType === "ALLOWLIST",
            )!;
            const list = group.inputs.ruleGroup.rulesSource.rulesSourceList;
            list.targets = list.targets.filter((t: string) => t !== "charts.jetstack.io");
            return rs;
        },
    },
    {
        control: "ACC-RES-QUOTA",
        what: "the injected sidecar back at Istio's 2 CPU / 1 GiB limits (one meshed pod per agent namespace)",
        apply: (rs) => {
            find(rs, "kubernetes:helm.sh/v3:Release", "mas-istiod").inputs.values.global.proxy.resources.limits = {
                cpu: "2000m",
                memory: "1024Mi",
            };
            return rs;
        },
    },
    {
        control: "K8S-PSA",
        what: "injected sidecars without a seccomp profile",
        apply: (rs) => {
            delete find(rs, "kubernetes:helm.sh/v3:Release", "mas-istiod").inputs.values.global.proxy.seccompProfile;
            return rs;
        },
    },
    {
        control: "CERT-LETSENCRYPT",
        what: "cert-manager's DNS-01 self-check against the authoritative name servers (port 53 dropped)",
        apply: (rs) => {
            find(rs, "kubernetes:helm.sh/v3:Release", "mas-cert-manager").inputs.values.dns01RecursiveNameserversOnly =
                false;
            return rs;
        },
    },
    {
        control: "K8S-NETPOL",
        what: "the planner namespace without egress to the service segment (EKS API, STS/KMS/Secrets Manager/Logs endpoints)",
        apply: (rs) => {
            const np = find(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "mas-mesh-planner");
            np.inputs.spec.egress = np.inputs.spec.egress.filter(
                (e: { to?: { ipBlock?: { cidr?: string } }[] }) => e.to?.[0]?.ipBlock?.cidr !== "10.0.2.0/26",
            );
            return rs;
        },
    },
    {
        control: "MESH-MTLS-ROTATION",
        what: "a single istiod in prod (no PodDisruptionBudget)",
        apply: (rs) => {
            const v = find(rs, "kubernetes:helm.sh/v3:Release", "mas-istiod").inputs.values;
            v.autoscaleMin = 1;
            v.replicaCount = 1;
            return rs;
        },
    },
    {
        control: "DET-UNAUTH",
        what: "the failed-authentication alarm at 10 instead of 5",
        apply: (rs) => {
            find(rs, "aws:cloudwatch/metricAlarm:MetricAlarm", "mas-failed-auth").inputs.threshold = 10;
            return rs;
        },
    },
    {
        control: "DET-ANOMALY",
        what: "an anomaly band of 4 standard deviations (wider than the guide's 3)",
        apply: (rs) => {
            find(
                rs,
                "aws:cloudwatch/metricAlarm:MetricAlarm",
                "mas-anomaly-requests",
            ).inputs.metricQueries[1].expression = "ANOMALY_DETECTION_BAND(m1, 4)";
            return rs;
        },
    },
    {
        control: "IR-SB-ISOLATE",
        what: "the isolate_systems automation without a responder rule",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-ec2-compromise-isolate-systems")),
    },
    {
        control: "MNT-PATCH-CRITICAL",
        what: "critical patches approved after 7 days",
        apply: (rs) => {
            find(rs, "aws:ssm/patchBaseline:PatchBaseline", "mas-baseline").inputs.approvalRules[0].approveAfterDays =
                7;
            return rs;
        },
    },
];
