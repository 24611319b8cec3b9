// Issue 21 (endpoint policies, alert paths, data effects): breaks of kinds the other lists do not use, each
// expected from the policy that evaluates the effective result.

import { Break, find } from "./common";

const doc = (r: { inputs: Record<string, any> }, prop: string, f: (d: any) => void) => {
    const d = JSON.parse(r.inputs[prop]);
    f(d);
    r.inputs[prop] = JSON.stringify(d);
};

export const endpointAlertBreaks: Break[] = [
    {
        control: "PER-FW-EGRESS",
        policy: "network-endpoint-policies",
        what: "the STS endpoint's policy admitting any principal",
        apply: (rs) => {
            doc(find(rs, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-sts"), "policy", (d) => {
                delete d.Statement[0].Condition;
            });
            return rs;
        },
    },
    {
        control: "PER-FW-EGRESS",
        policy: "network-endpoint-policies",
        what: "a new SQS interface endpoint without a policy (private DNS off)",
        apply: (rs) => {
            const base = find(rs, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-sns");
            const copy = JSON.parse(JSON.stringify(base));
            copy.urn = base.urn.replace(/mas-vpce-sns$/, "mas-vpce-sqs");
            copy.inputs.serviceName = copy.inputs.serviceName.replace(/sns$/, "sqs");
            copy.inputs.privateDnsEnabled = false;
            delete copy.inputs.policy;
            copy.outputs = { ...copy.inputs, id: "vpce-0sqs", arn: base.outputs.arn.replace(/vpce-.*/, "vpce-0sqs") };
            rs.push(copy);
            return rs;
        },
    },
    {
        control: "DET-UNAUTH",
        policy: "operations-alert-subscriptions",
        what: "a high-severity e-mail subscription whose attribute filter drops every alarm notification",
        apply: (rs) => {
            find(rs, "aws:sns/topicSubscription:TopicSubscription", "mas-alerts-high-email-0").inputs.filterPolicy =
                JSON.stringify({ severity: ["high"] });
            return rs;
        },
    },
    {
        control: "DET-UNAUTH",
        policy: "operations-alert-subscriptions",
        what: "a high-severity subscription over plaintext http",
        apply: (rs) => {
            Object.assign(find(rs, "aws:sns/topicSubscription:TopicSubscription", "mas-alerts-high-email-1").inputs, {
                protocol: "http",
                endpoint: "http://alerts.corp.io/sns",
            });
            return rs;
        },
    },
    {
        control: "DET-ANOMALY",
        policy: "operations-alert-subscriptions",
        what: "the alerts key's policy no longer lets CloudWatch encrypt alarm notifications",
        apply: (rs) => {
            doc(find(rs, "aws:kms/key:Key", "mas-keys-alerts"), "policy", (d) => {
                d.Statement = d.Statement.filter((s: { Sid?: string }) => s.Sid !== "CloudWatchAlarms");
            });
            return rs;
        },
    },
    {
        control: "DET-ANOMALY",
        policy: "operations-detection-fires",
        what: "the medium topic's subscriptions moved to another topic (the low one)",
        apply: (rs) => {
            for (const i of [0, 1]) {
                const sub = find(rs, "aws:sns/topicSubscription:TopicSubscription", `mas-alerts-medium-email-${i}`);
                sub.inputs.topic = String(sub.inputs.topic).replace(/-medium$/, "-low");
            }
            return rs;
        },
    },
    {
        control: "LOG-AGG-CENTRAL",
        policy: "data-log-subscriptions-stay-home",
        what: "the EKS control-plane subscription narrowed to lines containing ERROR",
        apply: (rs) => {
            find(
                rs,
                "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
                "mas-logging-eks-to-s3",
            ).inputs.filterPattern = "?ERROR ?error";
            return rs;
        },
    },
    {
        control: "BAK-CRITICAL",
        policy: "data-backup-selects-classified",
        what: "the backup role's S3 backup policy detached (the buckets are selected but cannot be read)",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-backup-AWSBackupServiceRolePolicyForS3Backup")),
    },
    {
        control: "BAK-SENSITIVE",
        policy: "data-backup-selects-classified",
        what: "the sensitive selection narrowed by a condition on a tag no resource carries",
        apply: (rs) => {
            find(rs, "aws:backup/selection:Selection", "mas-backup-sensitive").inputs.conditions = [
                { stringEquals: [{ key: "aws:ResourceTag/backup", value: "true" }] },
            ];
            return rs;
        },
    },
    {
        control: "KMS-AT-REST",
        policy: "data-bucket-refuses-other-encryption",
        what: "the agent data bucket unblocking SSE-C uploads (customer-provided keys)",
        apply: (rs) => {
            const sse = find(
                rs,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "mas-stores-agent-data",
            );
            sse.inputs.rules[0].blockedEncryptionTypes = ["NONE"];
            return rs;
        },
    },
];
