import {
    configDeliveryBucket,
    enclavesUsable,
    eventBridgeTopicKey,
    isolationPerInterface,
    logGroupsReachBuckets,
    managedLoginBranding,
    noNodePatchInstall,
    trailKeyDecrypt,
} from "../../policy-pack/policies/cross-service";
import { controlsOf } from "../../policy-pack/policies";
import { isolateSystems, rollNodeAmis } from "../../components/operations/runbooks";
import { StackResourceCase, validateStack } from "../harness/policy";

const msgs = (v: { message: string }[]) => v.map((x) => x.message);
const ACCT = "123456789012";
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/mas-prod-trail`;
const policyDoc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
function find(rs: StackResourceCase[], name: string): StackResourceCase {
    const r = rs.find((x) => x.name === name);
    if (!r) throw new Error(`fixture has no ${name}`);
    return r;
}

describe("cross-config-delivery-bucket (CMP-SOC2-EVIDENCE)", () => {
    const base = (): StackResourceCase[] => [
        { type: "aws:s3/bucket:Bucket", name: "audit", props: { bucket: "mas-audit", objectLockEnabled: true } },
        {
            type: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            name: "audit-lock",
            props: { bucket: "mas-audit", objectLockEnabled: "Enabled" },
        },
        { type: "aws:s3/bucket:Bucket", name: "config", props: { bucket: "mas-config" } },
        { type: "aws:cfg/deliveryChannel:DeliveryChannel", name: "channel", props: { s3BucketName: "mas-config" } },
    ];

    it("is tagged with its control", () => {
        expect(controlsOf(configDeliveryBucket)).toEqual(["CMP-SOC2-EVIDENCE"]);
    });

    it("passes a channel to a bucket without Object Lock", () => {
        expect(validateStack(configDeliveryBucket, base())).toEqual([]);
    });

    it("fails a channel to the Object Lock bucket", () => {
        const rs = base();
        find(rs, "channel").props.s3BucketName = "mas-audit";
        expect(msgs(validateStack(configDeliveryBucket, rs))).toEqual([
            "[CMP-SOC2-EVIDENCE] Config delivery channel channel delivers to mas-audit, which has S3 Object Lock; AWS Config does not support delivery to an Object Lock bucket",
        ]);
    });

    it("fails a bucket locked only through its Object Lock configuration resource", () => {
        const rs = base();
        delete find(rs, "audit").props.objectLockEnabled;
        find(rs, "channel").props.s3BucketName = "mas-audit";
        expect(msgs(validateStack(configDeliveryBucket, rs))).toHaveLength(1);
    });
});

describe("cross-trail-key-decrypt (LOG-AUDIT-TRAIL)", () => {
    const keyArn = `arn:aws:kms:eu-west-1:${ACCT}:key/audit`;
    const decrypt = {
        Sid: "CloudTrailDecrypt",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": TRAIL_ARN } },
    };
    const encrypt = {
        Sid: "CloudTrailEncrypt",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
    };
    const base = (bucketKey = true): StackResourceCase[] => [
        { type: "aws:s3/bucket:Bucket", name: "audit", props: { bucket: "mas-audit", id: "mas-audit" } },
        {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: "audit-sse",
            props: {
                bucket: "mas-audit",
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn },
                        bucketKeyEnabled: bucketKey,
                    },
                ],
            },
        },
        { type: "aws:kms/key:Key", name: "audit-key", props: { arn: keyArn, policy: policyDoc(encrypt, decrypt) } },
        {
            type: "aws:cloudtrail/trail:Trail",
            name: "trail",
            props: { name: "mas-prod-trail", arn: TRAIL_ARN, s3BucketName: "mas-audit", kmsKeyId: keyArn },
        },
    ];

    it("passes when CloudTrail may decrypt, bound to the trail", () => {
        expect(validateStack(trailKeyDecrypt, base())).toEqual([]);
    });

    it("fails the key policy that grants CloudTrail only GenerateDataKey* (and DescribeKey)", () => {
        const rs = base();
        find(rs, "audit-key").props.policy = policyDoc(encrypt);
        expect(msgs(validateStack(trailKeyDecrypt, rs))).toEqual([
            "[LOG-AUDIT-TRAIL] trail mas-prod-trail writes to mas-audit, which uses SSE-KMS with an S3 Bucket Key; key audit-key's policy must let cloudtrail.amazonaws.com kms:Decrypt (conditions at most aws:SourceArn = the trail), or creating / updating the trail fails",
        ]);
    });

    it("fails a decrypt grant bound to another trail", () => {
        const rs = base();
        find(rs, "audit-key").props.policy = policyDoc(encrypt, {
            ...decrypt,
            Condition: { StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/other` } },
        });
        expect(msgs(validateStack(trailKeyDecrypt, rs))).toHaveLength(1);
    });

    it("does not ask for decrypt when the bucket has no Bucket Key", () => {
        const rs = base(false);
        find(rs, "audit-key").props.policy = policyDoc(encrypt);
        expect(validateStack(trailKeyDecrypt, rs)).toEqual([]);
    });
});

describe("cross-eventbridge-topic-key (DET-ANOMALY)", () => {
    const keyArn = `arn:aws:kms:eu-west-1:${ACCT}:key/alerts`;
    const topicArn = `arn:aws:sns:eu-west-1:${ACCT}:mas-alerts-high`;
    const events = {
        Sid: "EventBridgeRules",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
    };
    const base = (): StackResourceCase[] => [
        { type: "aws:kms/key:Key", name: "alerts-key", props: { arn: keyArn, policy: policyDoc(events) } },
        {
            type: "aws:sns/topic:Topic",
            name: "high",
            props: { name: "mas-alerts-high", arn: topicArn, kmsMasterKeyId: keyArn },
        },
        {
            type: "aws:sns/topicPolicy:TopicPolicy",
            name: "high-policy",
            props: {
                arn: topicArn,
                policy: policyDoc({
                    Effect: "Allow",
                    Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
                    Action: "sns:Publish",
                    Resource: topicArn,
                    Condition: { StringEquals: { "aws:SourceAccount": ACCT } },
                }),
            },
        },
        {
            type: "aws:cloudwatch/eventTarget:EventTarget",
            name: "route",
            props: { rule: "findings-high", arn: topicArn },
        },
    ];

    it("passes a key EventBridge may use without source conditions", () => {
        expect(validateStack(eventBridgeTopicKey, base())).toEqual([]);
    });

    it("fails the key that admits EventBridge only under aws:SourceAccount (every delivery fails)", () => {
        const rs = base();
        find(rs, "alerts-key").props.policy = policyDoc({
            ...events,
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
            Condition: { StringEquals: { "aws:SourceAccount": ACCT } },
        });
        expect(msgs(validateStack(eventBridgeTopicKey, rs))).toEqual([
            "[DET-ANOMALY] rule findings-high → topic mas-alerts-high: key alerts-key lets events.amazonaws.com use it only under aws:SourceAccount / aws:SourceArn / aws:SourceOrgID, which SNS does not support for EventBridge: every delivery fails (FailedInvocations)",
        ]);
    });

    it("fails a key without EventBridge, the AWS managed SNS key, and a topic policy without EventBridge", () => {
        const rs = base();
        find(rs, "alerts-key").props.policy = policyDoc({
            ...events,
            Principal: { Service: "cloudwatch.amazonaws.com" },
        });
        expect(msgs(validateStack(eventBridgeTopicKey, rs))[0]).toMatch(
            /does not let events.amazonaws.com kms:GenerateDataKey\* and kms:Decrypt/,
        );
        const managed = base();
        find(managed, "high").props.kmsMasterKeyId = "alias/aws/sns";
        expect(msgs(validateStack(eventBridgeTopicKey, managed))[0]).toMatch(/AWS managed key alias\/aws\/sns/);
        const noPublish = base();
        find(noPublish, "high-policy").props.policy = policyDoc({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Resource: topicArn,
        });
        expect(msgs(validateStack(eventBridgeTopicKey, noPublish))).toEqual([
            "[DET-ANOMALY] rule findings-high → topic mas-alerts-high: the topic policy does not let events.amazonaws.com sns:Publish",
        ]);
    });

    it("resolves a topic key given as an alias", () => {
        const rs = base();
        find(rs, "high").props.kmsMasterKeyId = "alias/mas-alerts";
        rs.push({
            type: "aws:kms/alias:Alias",
            name: "alias",
            props: { name: "alias/mas-alerts", targetKeyId: keyArn },
        });
        find(rs, "alerts-key").props.policy = policyDoc({
            ...events,
            Condition: { ArnLike: { "aws:SourceArn": "*" } },
        });
        expect(msgs(validateStack(eventBridgeTopicKey, rs))).toHaveLength(1);
    });
});

describe("cross-isolation-per-interface (IR-SB-ISOLATE, OPS-E-ISOLATE)", () => {
    const role = `arn:aws:iam::${ACCT}:role/mas-incident-automation`;
    const base = (content = isolateSystems(role, "sg-0quarantine")): StackResourceCase[] => [
        {
            type: "aws:ec2/securityGroup:SecurityGroup",
            name: "quarantine",
            props: { id: "sg-0quarantine", tags: { "incident-response": "isolate_systems" }, ingress: [], egress: [] },
        },
        {
            type: "aws:ssm/document:Document",
            name: "isolate",
            props: { name: "mas-ir-isolate-systems", content, tags: { "incident-response": "isolate_systems" } },
        },
    ];

    it("is tagged with its controls", () => {
        expect(controlsOf(isolationPerInterface)).toEqual(["IR-SB-ISOLATE", "OPS-E-ISOLATE"]);
    });

    it("passes the stack's runbook (per-ENI loop into the quarantine group)", () => {
        expect(validateStack(isolationPerInterface, base())).toEqual([]);
    });

    it("fails the instance-level swap (ModifyInstanceAttribute Groups)", () => {
        const old = JSON.stringify({
            schemaVersion: "0.3",
            mainSteps: [
                {
                    name: "AttachQuarantineGroup",
                    action: "aws:executeAwsApi",
                    inputs: {
                        Service: "ec2",
                        Api: "ModifyInstanceAttribute",
                        InstanceId: "{{ InstanceId }}",
                        Groups: ["sg-0quarantine"],
                    },
                },
            ],
        });
        expect(msgs(validateStack(isolationPerInterface, base(old)))).toEqual([
            "[IR-SB-ISOLATE] runbook mas-ir-isolate-systems step AttachQuarantineGroup sets Groups with ModifyInstanceAttribute, which fails on an instance with more than one network interface; modify each ENI instead",
            "[IR-SB-ISOLATE] runbook mas-ir-isolate-systems does not move every network interface attached to the instance (DescribeNetworkInterfaces by attachment.instance-id, then ModifyNetworkInterfaceAttribute per ENI in an aws:loop) into the quarantine group only",
        ]);
    });

    it("fails a per-ENI loop into a group other than the quarantine group", () => {
        expect(msgs(validateStack(isolationPerInterface, base(isolateSystems(role, "sg-0open"))))).toHaveLength(1);
    });
});

describe("cross-managed-login-branding (AUTH-TOKEN)", () => {
    const base = (): StackResourceCase[] => [
        {
            type: "aws:cognito/userPoolDomain:UserPoolDomain",
            name: "domain",
            props: { userPoolId: "pool-1", managedLoginVersion: 2 },
        },
        {
            type: "aws:cognito/userPoolClient:UserPoolClient",
            name: "console",
            props: { id: "client-human", userPoolId: "pool-1", allowedOauthFlows: ["code"] },
        },
        {
            type: "aws:cognito/userPoolClient:UserPoolClient",
            name: "service",
            props: { id: "client-service", userPoolId: "pool-1", allowedOauthFlows: ["client_credentials"] },
        },
        {
            type: "aws:cognito/managedLoginBranding:ManagedLoginBranding",
            name: "branding",
            props: { userPoolId: "pool-1", clientId: "client-human", useCognitoProvidedValues: true },
        },
    ];

    it("passes when the interactive client has a style (the client_credentials client needs none)", () => {
        expect(validateStack(managedLoginBranding, base())).toEqual([]);
    });

    it("fails a code-flow client without a style on a managed login v2 domain", () => {
        const rs = base().filter((r) => r.name !== "branding");
        expect(msgs(validateStack(managedLoginBranding, rs))).toEqual([
            "[AUTH-TOKEN] app client console signs users in through managed login (v2) but has no aws.cognito.ManagedLoginBranding: its login pages are unavailable",
        ]);
    });

    it("does not ask for a style under the classic hosted UI (version 1)", () => {
        const rs = base().filter((r) => r.name !== "branding");
        find(rs, "domain").props.managedLoginVersion = 1;
        expect(validateStack(managedLoginBranding, rs)).toEqual([]);
    });
});

describe("cross-no-node-patch-install (OPS-M-PATCH, MNT-PATCH-CRITICAL, MNT-PATCH-NONCRITICAL)", () => {
    const roll = rollNodeAmis(
        `arn:aws:iam::${ACCT}:role/mas-node-roll`,
        `arn:aws:sns:eu-west-1:${ACCT}:mas-alerts-high`,
        [`arn:aws:iam::${ACCT}:role/mas-system-admin`],
        "mas-prod-eks",
        ["agent", "service"].map((seg) => ({
            name: `mas-prod-${seg}`,
            launchTemplateId: `lt-${seg}`,
            amiParameter: "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id",
        })),
    );
    const base = (operation = "Scan"): StackResourceCase[] => [
        {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: "agent-lt",
            props: {
                id: "lt-agent",
                tagSpecifications: [{ resourceType: "instance", tags: { "Patch Group": "mas-prod-nodes" } }],
            },
        },
        {
            type: "aws:eks/nodeGroup:NodeGroup",
            name: "agent",
            props: { nodeGroupName: "mas-prod-agent", launchTemplate: { id: "lt-agent", version: "1" } },
        },
        { type: "aws:eks/nodeGroup:NodeGroup", name: "service", props: { nodeGroupName: "mas-prod-service" } },
        {
            type: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
            name: "nodes",
            props: { id: "wt-nodes", targets: [{ key: "tag:Patch Group", values: ["mas-prod-nodes"] }] },
        },
        {
            type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
            name: "patch",
            props: {
                name: "mas-prod-scan-patch-baseline",
                taskArn: "AWS-RunPatchBaseline",
                targets: [{ key: "WindowTargetIds", values: ["wt-nodes"] }],
                taskInvocationParameters: {
                    runCommandParameters: { parameters: [{ name: "Operation", values: [operation] }] },
                },
            },
        },
        {
            type: "aws:ssm/document:Document",
            name: "roll",
            props: { name: "mas-prod-node-ami-roll", content: roll, tags: { patching: "node-ami-roll" } },
        },
        {
            type: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
            name: "window-roll",
            props: { taskType: "AUTOMATION", taskArn: "mas-prod-node-ami-roll" },
        },
    ];

    it("passes scan-only patching of the nodes with an approved roll of every node group", () => {
        expect(validateStack(noNodePatchInstall, base())).toEqual([]);
    });

    it("fails Install (reboot without draining) on node group instances", () => {
        expect(msgs(validateStack(noNodePatchInstall, base("Install")))).toEqual([
            "[OPS-M-PATCH] maintenance task mas-prod-scan-patch-baseline runs AWS-RunPatchBaseline Operation=Install on EKS node group instances; installing reboots nodes without draining them: roll node AMIs through the node group and keep Patch Manager at Operation=Scan",
        ]);
    });

    it("fails when no maintenance window task runs the roll (non-critical patches never reach the nodes)", () => {
        const rs = base().filter((r) => r.name !== "window-roll");
        expect(msgs(validateStack(noNodePatchInstall, rs))).toEqual([
            "[MNT-PATCH-NONCRITICAL] no maintenance window task runs the node roll (Automation tagged patching=node-ami-roll): with Patch Manager scanning only, non-critical patches never reach the EKS nodes",
        ]);
    });

    it("allows Install on instances outside the node groups", () => {
        const rs = base("Install");
        find(rs, "nodes").props.targets = [{ key: "tag:Patch Group", values: ["bastions"] }];
        expect(validateStack(noNodePatchInstall, rs)).toEqual([]);
    });

    it("fails a node roll without an approval step, or missing a node group", () => {
        const unapproved = base();
        const c = JSON.parse(roll);
        c.mainSteps = c.mainSteps.filter((s: { action: string }) => s.action !== "aws:approve");
        find(unapproved, "roll").props.content = JSON.stringify(c);
        expect(msgs(validateStack(noNodePatchInstall, unapproved))).toEqual([
            "[MNT-PATCH-CRITICAL] no approved roll (Automation document tagged patching=node-ami-roll: aws:approve, then UpdateNodegroupVersion) brings critical patches to node group mas-prod-agent",
            "[MNT-PATCH-CRITICAL] no approved roll (Automation document tagged patching=node-ami-roll: aws:approve, then UpdateNodegroupVersion) brings critical patches to node group mas-prod-service",
        ]);
        const partial = base();
        partial.push({ type: "aws:eks/nodeGroup:NodeGroup", name: "extra", props: { nodeGroupName: "mas-prod-gpu" } });
        expect(msgs(validateStack(noNodePatchInstall, partial))).toEqual([
            "[MNT-PATCH-CRITICAL] no approved roll (Automation document tagged patching=node-ami-roll: aws:approve, then UpdateNodegroupVersion) brings critical patches to node group mas-prod-gpu",
        ]);
    });
});

describe("cross-log-groups-reach-buckets (LOG-AGG-CENTRAL)", () => {
    const stream = `arn:aws:firehose:eu-west-1:${ACCT}:deliverystream/mas-security-logs`;
    const base = (): StackResourceCase[] => [
        {
            type: "aws:s3/bucket:Bucket",
            name: "security-bucket",
            props: { bucket: "mas-security", arn: "arn:aws:s3:::mas-security", tags: { "log-source": "security" } },
        },
        {
            type: "aws:s3/bucket:Bucket",
            name: "system-bucket",
            props: { bucket: "mas-system", arn: "arn:aws:s3:::mas-system", tags: { "log-source": "system" } },
        },
        {
            type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            name: "security-stream",
            props: { arn: stream, extendedS3Configuration: { bucketArn: "arn:aws:s3:::mas-security" } },
        },
        {
            type: "aws:cloudwatch/logGroup:LogGroup",
            name: "flow",
            props: { name: "/mas/vpc-flow-logs", tags: { "log-source": "security" } },
        },
        {
            type: "aws:cloudwatch/logGroup:LogGroup",
            name: "trail",
            props: { name: "/mas/cloudtrail", tags: { "log-source": "audit" } },
        },
        {
            type: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
            name: "flow-to-s3",
            props: { logGroup: "/mas/vpc-flow-logs", destinationArn: stream, filterPattern: "" },
        },
    ];

    it("passes a security group copied into the security bucket (audit groups are CloudTrail's own delivery)", () => {
        expect(validateStack(logGroupsReachBuckets, base())).toEqual([]);
    });

    it("fails a security log group that only CloudWatch keeps", () => {
        const rs = base().filter((r) => r.name !== "flow-to-s3");
        expect(msgs(validateStack(logGroupsReachBuckets, rs))).toEqual([
            "[LOG-AGG-CENTRAL] security log group /mas/vpc-flow-logs reaches no bucket tagged log-source=security (subscription filter → Firehose → S3): the central log store would stay empty",
        ]);
    });

    it("fails a stream that lands in another source's bucket", () => {
        const rs = base();
        find(rs, "security-stream").props.extendedS3Configuration = { bucketArn: "arn:aws:s3:::mas-system" };
        expect(msgs(validateStack(logGroupsReachBuckets, rs))).toHaveLength(1);
    });
});

describe("cross-enclaves-usable (DATA-ENC-IN-MEMORY)", () => {
    const { nodeUserData: build } =
        require("../../components/cluster/nodes") as typeof import("../../components/cluster/nodes");
    const nodeUserData = (o: { maxPods: number; enclave?: { cpuCount: number; memoryMib: number } }) =>
        build({
            ...o,
            cluster: { name: "c", apiServerEndpoint: "https://x", certificateAuthority: "Y2E=", cidr: "172.20.0.0/16" },
            labels: { "mas/segment": "agent" },
        });
    const plugin = (tolerations: object[]): StackResourceCase => ({
        type: "kubernetes:apps/v1:DaemonSet",
        name: "plugin",
        props: {
            metadata: { name: "aws-nitro-enclaves-k8s-daemonset", namespace: "kube-system" },
            spec: {
                template: {
                    spec: {
                        nodeSelector: { "aws-nitro-enclaves-k8s-dp": "enabled" },
                        tolerations,
                        containers: [
                            { image: "public.ecr.aws/aws-nitro-enclaves/aws-nitro-enclaves-k8s-device-plugin:v0.3" },
                        ],
                    },
                },
            },
        },
    });
    const base = (): StackResourceCase[] => [
        {
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: "agent-lt",
            props: {
                id: "lt-agent",
                enclaveOptions: { enabled: true },
                userData: nodeUserData({ maxPods: 16, enclave: { cpuCount: 2, memoryMib: 2048 } }),
            },
        },
        {
            type: "aws:eks/nodeGroup:NodeGroup",
            name: "agent",
            props: {
                nodeGroupName: "mas-prod-agent",
                launchTemplate: { id: "lt-agent", version: "1" },
                labels: { "mas/segment": "agent", "aws-nitro-enclaves-k8s-dp": "enabled" },
                taints: [{ key: "mas/segment", value: "agent", effect: "NO_SCHEDULE" }],
            },
        },
        plugin([{ key: "mas/segment", operator: "Equal", value: "agent", effect: "NoSchedule" }]),
    ];

    it("writes MIME multipart user data that sizes and starts the allocator", () => {
        const text = Buffer.from(
            nodeUserData({ maxPods: 16, enclave: { cpuCount: 2, memoryMib: 2048 } }),
            "base64",
        ).toString("utf8");
        expect(text).toMatch(/^MIME-Version: 1.0\nContent-Type: multipart\/mixed; boundary="==MASBOUNDARY=="\n/);
        expect(text).toContain('Content-Type: text/x-shellscript; charset="us-ascii"');
        expect(text).toContain("dnf install -y aws-nitro-enclaves-cli");
        expect(text).toContain("memory_mib: 2048\ncpu_count: 2\n");
        expect(text).toContain("systemctl enable --now nitro-enclaves-allocator.service");
        expect(text.trimEnd().endsWith("--==MASBOUNDARY==--")).toBe(true);
    });

    it("passes enclave nodes with allocator user data, the plugin label and a tolerating plugin", () => {
        expect(validateStack(enclavesUsable, base())).toEqual([]);
    });

    it("fails enclaves switched on and nothing else (no user data, no label, no plugin)", () => {
        const rs = base().filter((r) => r.name !== "plugin");
        delete find(rs, "agent-lt").props.userData;
        find(rs, "agent").props.labels = { "mas/segment": "agent" };
        expect(msgs(validateStack(enclavesUsable, rs))).toEqual([
            "[DATA-ENC-IN-MEMORY] node group mas-prod-agent enables Nitro Enclaves but its launch template user data (MIME multipart) does not configure and start nitro-enclaves-allocator with cpu_count and memory_mib: no enclave can start",
            "[DATA-ENC-IN-MEMORY] node group mas-prod-agent enables Nitro Enclaves but its nodes lack the label aws-nitro-enclaves-k8s-dp=enabled the device plugin selects",
            "[DATA-ENC-IN-MEMORY] no Nitro Enclaves device plugin DaemonSet (nodeSelector aws-nitro-enclaves-k8s-dp=enabled) runs on node group mas-prod-agent's nodes (tolerating their taints): pods cannot get aws.ec2.nitro/nitro_enclaves",
        ]);
    });

    it("fails a plugin that does not tolerate the agent taint, and plain-script user data", () => {
        const rs = base();
        rs[2] = plugin([]);
        expect(msgs(validateStack(enclavesUsable, rs))).toHaveLength(1);
        const script = base();
        find(script, "agent-lt").props.userData = Buffer.from(
            "#!/bin/bash\nsystemctl start nitro-enclaves-allocator\n",
        ).toString("base64");
        expect(msgs(validateStack(enclavesUsable, script))[0]).toMatch(
            /does not configure and start nitro-enclaves-allocator/,
        );
    });
});
