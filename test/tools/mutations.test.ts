import * as fs from "fs";
import * as path from "path";
import { auditCommand } from "../../tools/audit";
import { runStack, tempDir } from "../harness/program";

// End to end: a copy of the prod plan with one guide setting broken per control, audited by the pack's own
// analyzer handlers as `npm run audit` does. Every broken setting must surface under its control ID,
// and the untouched plan must pass. (The policy unit tests cover each rule in isolation.)
type Res = { urn: string; type: string; inputs: Record<string, any>; outputs: Record<string, any> };

/**
 * A setting changed in a real stack shows in both its inputs and its outputs (resource policies read the
 * first, stack policies the second): carry each input change over to the outputs, keeping the computed ones.
 */
function mirrorToOutputs(before: Res[], after: Res[]): Res[] {
    const original = new Map(before.map((r) => [r.urn, r.inputs]));
    return after.map((r) => {
        const old = original.get(r.urn) ?? {};
        if (JSON.stringify(old) === JSON.stringify(r.inputs)) {
            return r;
        }
        const computed = Object.fromEntries(Object.entries(r.outputs ?? {}).filter(([k]) => !(k in old)));
        return { ...r, outputs: { ...computed, ...JSON.parse(JSON.stringify(r.inputs)) } };
    });
}

const tmp = tempDir("mutations-");

function find(resources: Res[], type: string, name: string): Res {
    const r = resources.find((x) => x.type === type && x.urn.endsWith(`::${name}`));
    if (!r) {
        throw new Error(`no ${type} named ${name} in the prod plan`);
    }
    return r;
}

const mutations: { control: string; what: string; policy?: string; apply(rs: Res[]): Res[] }[] = [
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
        what: "an anomaly band of 2 standard deviations",
        apply: (rs) => {
            find(
                rs,
                "aws:cloudwatch/metricAlarm:MetricAlarm",
                "mas-anomaly-requests",
            ).inputs.metricQueries[1].expression = "ANOMALY_DETECTION_BAND(m1, 2)";
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
    // awsops (issue 11): cross-service delivery facts, each broken the way the outside review found it.
    {
        control: "CMP-SOC2-EVIDENCE",
        what: "the Config delivery channel pointed at the Object Lock audit bucket",
        apply: (rs) => {
            const audit = find(rs, "aws:s3/bucket:Bucket", "mas-logging-audit");
            find(rs, "aws:cfg/deliveryChannel:DeliveryChannel", "mas-delivery").inputs.s3BucketName =
                audit.outputs.bucket;
            return rs;
        },
    },
    {
        control: "LOG-AUDIT-TRAIL",
        what: "the audit key without CloudTrail's kms:Decrypt (the audit bucket uses an S3 Bucket Key)",
        apply: (rs) => {
            const key = find(rs, "aws:kms/key:Key", "mas-keys-audit");
            const doc = JSON.parse(key.inputs.policy);
            doc.Statement = doc.Statement.filter((s: any) => s.Sid !== "CloudTrailDecrypt");
            key.inputs.policy = JSON.stringify(doc);
            return rs;
        },
    },
    {
        control: "DET-ANOMALY",
        what: "EventBridge's use of the alerts key bound to aws:SourceAccount",
        apply: (rs) => {
            const key = find(rs, "aws:kms/key:Key", "mas-keys-alerts");
            const doc = JSON.parse(key.inputs.policy);
            const s = doc.Statement.find((x: any) => x.Sid === "EventBridgeRules");
            s.Condition = { StringEquals: { "aws:SourceAccount": "123456789012" } };
            key.inputs.policy = JSON.stringify(doc);
            return rs;
        },
    },
    {
        control: "IR-SB-ISOLATE",
        what: "isolate_systems swapping groups with ModifyInstanceAttribute",
        apply: (rs) => {
            const d = find(rs, "aws:ssm/document:Document", "mas-isolate-systems");
            const c = JSON.parse(d.inputs.content);
            const sg = c.mainSteps[1].inputs.Steps[0].inputs.Groups;
            c.mainSteps = [
                {
                    name: "AttachQuarantineGroup",
                    action: "aws:executeAwsApi",
                    inputs: {
                        Service: "ec2",
                        Api: "ModifyInstanceAttribute",
                        InstanceId: "{{ InstanceId }}",
                        Groups: sg,
                    },
                    isEnd: true,
                },
            ];
            d.inputs.content = JSON.stringify(c);
            return rs;
        },
    },
    {
        control: "AUTH-TOKEN",
        what: "the console client without a managed login branding style",
        apply: (rs) => rs.filter((r) => r.type !== "aws:cognito/managedLoginBranding:ManagedLoginBranding"),
    },
    {
        control: "OPS-M-PATCH",
        what: "the maintenance window installing patches (reboots) on the EKS nodes",
        apply: (rs) => {
            const t = find(rs, "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "mas-maintenance-patch");
            t.inputs.taskInvocationParameters.runCommandParameters.parameters = [
                { name: "Operation", values: ["Install"] },
                { name: "RebootOption", values: ["RebootIfNeeded"] },
            ];
            return rs;
        },
    },
    {
        control: "LOG-AGG-CENTRAL",
        what: "the system log group without its subscription into the system log bucket",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-logging-system-to-s3")),
    },
    {
        control: "DATA-ENC-IN-MEMORY",
        what: "agent nodes with enclaves on but no allocator user data",
        apply: (rs) => {
            delete find(rs, "aws:ec2/launchTemplate:LaunchTemplate", "mas-agent-nodes").inputs.userData;
            return rs;
        },
    },
    {
        control: "MNT-PATCH-NONCRITICAL",
        what: "no maintenance window task rolling the node AMIs (Patch Manager only scans)",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-maintenance-node-roll")),
    },
    {
        control: "MNT-PATCH-CRITICAL",
        what: "the node AMI roll without its approval step",
        apply: (rs) => {
            const d = find(rs, "aws:ssm/document:Document", "mas-node-ami-roll");
            const c = JSON.parse(d.inputs.content);
            c.mainSteps = c.mainSteps.filter((s: any) => s.action !== "aws:approve");
            d.inputs.content = JSON.stringify(c);
            return rs;
        },
    },
    // awsnet (issue 11: deploy path, pod addresses, ALB log order, egress paths, WAF per-agent bypass)
    {
        control: "NET-DEPLOY-PATH",
        what: "the private cluster's deploy runner removed (CI on GitHub-hosted runners)",
        apply: (rs) => rs.filter((r) => r.type !== "aws:codebuild/project:Project"),
    },
    {
        control: "NET-POD-CAPACITY",
        what: "the agent node group's maximum at 12 on /26 subnets",
        apply: (rs) => {
            find(rs, "aws:eks/nodeGroup:NodeGroup", "mas-agent").inputs.scalingConfig.maxSize = 12;
            return rs;
        },
    },
    // rev-aws (outside AWS review)
    {
        control: "NET-POD-CAPACITY",
        policy: "network-node-max-pods",
        what: "the service launch template without kubelet maxPods (nodeadm's default counts every ENI)",
        apply: (rs) => {
            const lt = find(rs, "aws:ec2/launchTemplate:LaunchTemplate", "mas-service-nodes");
            const text = Buffer.from(lt.inputs.userData, "base64").toString("utf8");
            lt.inputs.userData = Buffer.from(text.replace(/maxPods: \d+/, "podPidsLimit: 4096"), "utf8").toString(
                "base64",
            );
            return rs;
        },
    },
    {
        control: "PER-FW-EGRESS",
        policy: "network-workload-apis-reachable",
        what: "no CloudWatch (monitoring) interface endpoint while agents put metrics",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-vpce-monitoring")),
    },
    {
        control: "MNT-PATCH-CRITICAL",
        policy: "operations-window-task-targetless",
        what: "a targetless window task with MaxConcurrency / MaxErrors (SSM refuses it)",
        apply: (rs) => {
            // The node-roll task is removed by an earlier case: add a targetless copy of the patch task.
            const t = find(rs, "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask", "mas-maintenance-patch");
            const copy: Res = JSON.parse(JSON.stringify(t));
            copy.urn = t.urn.replace(/::mas-maintenance-patch$/, "::mas-maintenance-targetless");
            delete copy.inputs.targets;
            delete copy.outputs.targets;
            return [...rs, copy];
        },
    },
    {
        control: "PER-LB",
        what: "the ALB no longer waiting for its log bucket's policy",
        apply: (rs) => {
            const alb = find(rs, "aws:lb/loadBalancer:LoadBalancer", "mas-alb") as Res & { dependencies?: string[] };
            alb.dependencies = (alb.dependencies ?? []).filter((d) => !d.includes("aws:s3/bucketPolicy:BucketPolicy"));
            return rs;
        },
    },
    {
        control: "PER-FW-EGRESS",
        what: "the S3 gateway endpoint without a policy",
        apply: (rs) => {
            delete find(rs, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-s3").inputs.policy;
            return rs;
        },
    },
    {
        control: "PER-DDOS",
        what: "the WAF no longer blocking requests without the agent-id header",
        apply: (rs) => {
            const acl = find(rs, "aws:wafv2/webAcl:WebAcl", "mas-waf");
            acl.inputs.rules = acl.inputs.rules.filter((r: any) => r.name !== "agent-id-required");
            return rs;
        },
    },
    // IAM evaluation model (issue 13): effective permissions, not statement text.
    {
        control: "RBAC-AGENT-PERMS",
        what: "an agent role with the AWS-managed AdministratorAccess attached",
        apply: (rs) => {
            const a = find(rs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mas-agent-planner");
            a.inputs.policyArn = "arn:aws:iam::aws:policy/AdministratorAccess";
            return rs;
        },
    },
    {
        control: "RBAC-ADMIN-PERMS",
        what: "system_admin's policy with a service wildcard (s3:* on *)",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/policy:Policy", "mas-system-admin"), "policy", {
                Sid: "AllS3",
                Effect: "Allow",
                Action: "s3:*",
                Resource: "*",
            }),
    },
    {
        control: "RBAC-OPERATOR-NO-SECURITY",
        what: "the operator's policy allowing everything but IAM (NotAction)",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/policy:Policy", "mas-operator"), "policy", {
                Sid: "AllButIam",
                Effect: "Allow",
                NotAction: "iam:*",
                Resource: "*",
            }),
    },
    {
        control: "IAM-BOUNDARY",
        what: "a permissions boundary that allows every action",
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:iam/policy:Policy", "mas-permissions-boundary"), "policy", {
                Sid: "Everything",
                Effect: "Allow",
                Action: "*",
                Resource: "*",
            }),
    },
    {
        control: "KMS-KEY-MGMT",
        what: 'the logs key policy letting Principal "*" decrypt without a restricting condition',
        apply: (rs) =>
            addStatement(rs, find(rs, "aws:kms/key:Key", "mas-keys-logs"), "policy", {
                Sid: "Anyone",
                Effect: "Allow",
                Principal: "*",
                Action: "kms:Decrypt",
                Resource: "*",
            }),
    },
    {
        control: "ACC-DATA-METRICS-WRITE",
        what: "the metrics_data write deny exempting every role ARN",
        apply: (rs) => {
            const p = find(rs, "aws:s3/bucketPolicy:BucketPolicy", "mas-stores-metrics-data");
            const doc = JSON.parse(p.inputs.policy);
            const deny = doc.Statement.find((s: any) => s.Sid === "MetricsDataWriteOnlyMonitoringAgent");
            deny.Condition.ArnNotLike["aws:PrincipalArn"] = [
                ...[deny.Condition.ArnNotLike["aws:PrincipalArn"]].flat(),
                "arn:aws:iam::*:role/*",
            ];
            p.inputs.policy = JSON.stringify(doc);
            return rs;
        },
    },
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

/** Appends a statement to a resource's policy document (JSON string) input. */
function addStatement(rs: Res[], r: Res, prop: string, statement: Record<string, unknown>): Res[] {
    const doc = JSON.parse(r.inputs[prop]);
    doc.Statement = [...[doc.Statement].flat(), statement];
    r.inputs[prop] = JSON.stringify(doc);
    return rs;
}

async function audit(
    file: string,
): Promise<{ code: number; violations: { policy: string; control: string; urn: string; message: string }[] }> {
    const out = `${file}.report.json`;
    const spy = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
        const code = await auditCommand(["--state", file, "--stack", "prod", "--out", out]);
        return { code, violations: JSON.parse(fs.readFileSync(out, "utf8")).violations };
    } finally {
        spy.mockRestore();
    }
}

describe("broken settings in a prod plan fail the audit under their control ID", () => {
    let doc: { deployment: { resources: Res[] } };
    beforeAll(async () => {
        const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
        doc = toDeployment(await runStack("prod"), { project: "multi-agent-security", stack: "prod" }) as typeof doc;
    });

    it("passes the untouched plan", async () => {
        const file = path.join(tmp, "prod.json");
        fs.writeFileSync(file, JSON.stringify(doc));
        const { code, violations } = await audit(file);
        expect(violations).toEqual([]);
        expect(code).toBe(0);
    });

    it("fails with every broken setting's control", async () => {
        let resources: Res[] = JSON.parse(JSON.stringify(doc.deployment.resources));
        for (const m of mutations) {
            resources = m.apply(resources);
        }
        resources = mirrorToOutputs(doc.deployment.resources, resources);
        const file = path.join(tmp, "prod-broken.json");
        fs.writeFileSync(file, JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources } }));
        const { code, violations } = await audit(file);
        expect(code).toBe(1);
        const failing = new Set(violations.flatMap((v) => v.control.split(",")));
        const byPolicy = new Set(violations.map((v) => `${v.policy}|${v.control}`));
        const missed = mutations
            .filter((m) => !failing.has(m.control) || (m.policy && !byPolicy.has(`${m.policy}|${m.control}`)))
            .map((m) => `${m.control} (${m.what})`);
        expect(missed).toEqual([]);
    });
});
