// Cross-service delivery, deploy path, outside AWS review, IAM evaluation: breaks of a prod plan,
// each expected under its control.

import { addStatement, Break, find, Res } from "./common";

export const crossServiceBreaks: Break[] = [
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
];
