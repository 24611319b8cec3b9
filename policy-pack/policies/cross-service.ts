import { PolicyResource } from "@pulumi/policy";
import { LOG_SOURCE_TAG } from "../catalog/data";
import { INCIDENT_RESPONSE_TAG, NODE_AMI_ROLL } from "../catalog/operations";
import { asArray, asObject, asString, asStrings, parsePolicyDocument, stackPolicy } from "./lib";

/**
 * Cross-service facts of the plan: what one AWS service requires of another resource for delivery to work at
 * all. Each one, broken, deploys cleanly and then fails silently (no Config history, no trail, no alert, no
 * isolation), so the plan is checked before it ships.
 */

const T = {
    bucket: "aws:s3/bucket:Bucket",
    objectLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    delivery: "aws:cfg/deliveryChannel:DeliveryChannel",
    trail: "aws:cloudtrail/trail:Trail",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    document: "aws:ssm/document:Document",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    domain: "aws:cognito/userPoolDomain:UserPoolDomain",
    client: "aws:cognito/userPoolClient:UserPoolClient",
    branding: "aws:cognito/managedLoginBranding:ManagedLoginBranding",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    windowTarget: "aws:ssm/maintenanceWindowTarget:MaintenanceWindowTarget",
    windowTask: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    subscription: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
    stream: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
} as const;

type Props = Record<string, unknown>;
interface Stmt {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

function ofType(resources: PolicyResource[], type: string): PolicyResource[] {
    return resources.filter((r) => r.type === type);
}

function statements(doc: unknown): Stmt[] {
    return asArray(parsePolicyDocument(doc)?.Statement as Stmt | Stmt[] | undefined).filter(
        (s) => s && typeof s === "object",
    );
}

/** True when one of the statement's actions covers `action` (exact, `kms:*`, `*` or a `prefix*` wildcard). */
function covers(s: Stmt, action: string): boolean {
    return asStrings(s.Action).some(
        (a) => a === "*" || a === action || (a.endsWith("*") && action.startsWith(a.slice(0, -1))),
    );
}

function servicePrincipals(s: Stmt): string[] {
    return asStrings(asObject(s.Principal).Service);
}

/** Condition keys of a statement, lower-cased (IAM condition keys are case-insensitive). */
function conditionKeys(s: Stmt): string[] {
    return Object.values(s.Condition ?? {}).flatMap((block) =>
        Object.keys(asObject(block)).map((k) => k.toLowerCase()),
    );
}

/** Every value a statement's conditions give a key, whatever the operator. */
function conditionValues(s: Stmt, key: string): string[] {
    return Object.values(s.Condition ?? {}).flatMap((block) =>
        Object.entries(asObject(block))
            .filter(([k]) => k.toLowerCase() === key.toLowerCase())
            .flatMap(([, v]) => asStrings(v)),
    );
}

/** The bucket a name refers to (its `bucket` or id). */
function bucketNamed(resources: PolicyResource[], name: string): PolicyResource | undefined {
    return ofType(resources, T.bucket).find((b) => b.props.bucket === name || b.props.id === name);
}

/** Configuration resources of a bucket: linked through their `bucket` input (dependency, or name). */
function configsOf(resources: PolicyResource[], type: string, bucket: PolicyResource): PolicyResource[] {
    return ofType(resources, type).filter(
        (r) =>
            (r.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn) ||
            (r.props.bucket !== undefined &&
                (r.props.bucket === bucket.props.bucket || r.props.bucket === bucket.props.id)),
    );
}

/** The KMS key a reference names: key ARN or id, or an alias name / ARN resolved through its target. */
function keyOf(resources: PolicyResource[], ref: string | undefined, depth = 0): PolicyResource | undefined {
    if (!ref || depth > 2) {
        return undefined;
    }
    const key = ofType(resources, T.key).find(
        (k) => k.props.arn === ref || k.props.keyId === ref || k.props.id === ref,
    );
    if (key) {
        return key;
    }
    const alias = ofType(resources, T.alias).find((a) => a.props.name === ref || a.props.arn === ref);
    return alias ? keyOf(resources, asString(alias.props.targetKeyId), depth + 1) : undefined;
}

function nameOf(r: PolicyResource): string {
    return asString(r.props.name) ?? r.name;
}

// ------------------------------------------------------------------------------------------- AWS Config

export const configDeliveryBucket = stackPolicy({
    name: "cross-config-delivery-bucket",
    description:
        "AWS Config's delivery channel does not target an S3 bucket with Object Lock (AWS Config does not support one; the channel, the recorder status and the conformance pack behind it would fail).",
    controls: ["CMP-SOC2-EVIDENCE"],
    severity: "critical",
    validate: (args, report) => {
        for (const channel of ofType(args.resources, T.delivery)) {
            const name = asString(channel.props.s3BucketName);
            const bucket = name ? bucketNamed(args.resources, name) : undefined;
            if (!bucket) {
                continue;
            }
            const locked =
                bucket.props.objectLockEnabled === true ||
                configsOf(args.resources, T.objectLock, bucket).some((c) => c.props.objectLockEnabled === "Enabled");
            if (locked) {
                report(
                    `[CMP-SOC2-EVIDENCE] Config delivery channel ${nameOf(channel)} delivers to ${name}, which has S3 Object Lock; AWS Config does not support delivery to an Object Lock bucket`,
                    channel.urn,
                );
            }
        }
    },
});

// ------------------------------------------------------------------------------------------- CloudTrail

export const trailKeyDecrypt = stackPolicy({
    name: "cross-trail-key-decrypt",
    description:
        "A trail whose bucket uses SSE-KMS with an S3 Bucket Key has a key policy letting cloudtrail.amazonaws.com kms:Decrypt, bound to this trail at most (CloudTrail needs it to create or update the trail).",
    controls: ["LOG-AUDIT-TRAIL"],
    severity: "critical",
    validate: (args, report) => {
        for (const trail of ofType(args.resources, T.trail)) {
            const bucketName = asString(trail.props.s3BucketName);
            const bucket = bucketName ? bucketNamed(args.resources, bucketName) : undefined;
            if (!bucket) {
                continue;
            }
            const bucketKey = configsOf(args.resources, T.sse, bucket)
                .flatMap((c) => asArray(c.props.rules as Props[] | undefined))
                .some(
                    (rule) =>
                        asObject(rule?.applyServerSideEncryptionByDefault).sseAlgorithm === "aws:kms" &&
                        rule?.bucketKeyEnabled === true,
                );
            if (!bucketKey) {
                continue;
            }
            const keyRef = asString(trail.props.kmsKeyId);
            const key = keyOf(args.resources, keyRef);
            if (!key) {
                report(
                    `[LOG-AUDIT-TRAIL] trail ${nameOf(trail)}'s bucket ${bucketName} uses an S3 Bucket Key, and the trail's key ${String(keyRef)} is not in the stack to show it lets CloudTrail decrypt`,
                    trail.urn,
                );
                continue;
            }
            const trailArn = asString(trail.props.arn);
            const account = trailArn?.split(":")[4];
            const decrypt = statements(key.props.policy).some(
                (s) =>
                    s.Effect === "Allow" &&
                    servicePrincipals(s).includes("cloudtrail.amazonaws.com") &&
                    covers(s, "kms:Decrypt") &&
                    conditionKeys(s).every(
                        (k) =>
                            (k === "aws:sourcearn" && conditionValues(s, k).every((v) => v === trailArn)) ||
                            (k === "aws:sourceaccount" && conditionValues(s, k).every((v) => v === account)),
                    ),
            );
            if (!decrypt) {
                report(
                    `[LOG-AUDIT-TRAIL] trail ${nameOf(trail)} writes to ${bucketName}, which uses SSE-KMS with an S3 Bucket Key; key ${nameOf(key)}'s policy must let cloudtrail.amazonaws.com kms:Decrypt (conditions at most aws:SourceArn = the trail), or creating / updating the trail fails`,
                    key.urn,
                );
            }
        }
    },
});

// ------------------------------------------------------------------------------ EventBridge → SNS (KMS)

/** Source conditions SNS documents as unsupported in a key policy for EventBridge to encrypted topics. */
const EVENTBRIDGE_UNSENT = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"];

export const eventBridgeTopicKey = stackPolicy({
    name: "cross-eventbridge-topic-key",
    description:
        "Every SNS topic an EventBridge rule targets lets events.amazonaws.com publish (topic policy) and, when encrypted, use its customer managed key (kms:GenerateDataKey*, kms:Decrypt) without aws:SourceAccount / aws:SourceArn / aws:SourceOrgID conditions, which SNS documents as unsupported for EventBridge.",
    controls: ["DET-ANOMALY"],
    severity: "high",
    validate: (args, report) => {
        const topics = ofType(args.resources, T.topic);
        for (const target of ofType(args.resources, T.target)) {
            const arn = asString(target.props.arn);
            if (!arn || !/^arn:[^:]+:sns:/.test(arn)) {
                continue;
            }
            const topic = topics.find((t) => t.props.arn === arn || t.props.id === arn);
            if (!topic) {
                continue;
            }
            const where = `rule ${String(target.props.rule)} → topic ${nameOf(topic)}`;
            const publish = ofType(args.resources, T.topicPolicy)
                .filter((p) => p.props.arn === arn)
                .flatMap((p) => statements(p.props.policy))
                .some(
                    (s) =>
                        s.Effect === "Allow" &&
                        servicePrincipals(s).includes("events.amazonaws.com") &&
                        covers(s, "sns:Publish"),
                );
            if (!publish) {
                report(
                    `[DET-ANOMALY] ${where}: the topic policy does not let events.amazonaws.com sns:Publish`,
                    target.urn,
                );
            }
            const keyRef = asString(topic.props.kmsMasterKeyId);
            if (!keyRef) {
                continue;
            }
            if (/alias\/aws\/sns$/.test(keyRef)) {
                report(
                    `[DET-ANOMALY] ${where}: the topic uses the AWS managed key alias/aws/sns, whose policy cannot grant EventBridge`,
                    target.urn,
                );
                continue;
            }
            const key = keyOf(args.resources, keyRef);
            if (!key) {
                continue;
            }
            const usable = statements(key.props.policy).filter(
                (s) => s.Effect === "Allow" && servicePrincipals(s).includes("events.amazonaws.com"),
            );
            const clean = usable.filter((s) => !conditionKeys(s).some((k) => EVENTBRIDGE_UNSENT.includes(k)));
            const grants = (list: Stmt[]) =>
                list.some((s) => covers(s, "kms:GenerateDataKey")) && list.some((s) => covers(s, "kms:Decrypt"));
            if (!grants(clean)) {
                report(
                    grants(usable)
                        ? `[DET-ANOMALY] ${where}: key ${nameOf(key)} lets events.amazonaws.com use it only under aws:SourceAccount / aws:SourceArn / aws:SourceOrgID, which SNS does not support for EventBridge: every delivery fails (FailedInvocations)`
                        : `[DET-ANOMALY] ${where}: key ${nameOf(key)} does not let events.amazonaws.com kms:GenerateDataKey* and kms:Decrypt: every delivery fails (FailedInvocations)`,
                    key.urn,
                );
            }
        }
    },
});

// ------------------------------------------------------------------------------------ isolate_systems

interface AutomationStep {
    name?: string;
    action?: string;
    inputs?: Props;
}

function parseContent(content: unknown): { mainSteps?: AutomationStep[] } | undefined {
    if (typeof content !== "string") {
        return undefined;
    }
    try {
        return JSON.parse(content) as { mainSteps?: AutomationStep[] };
    } catch {
        return undefined;
    }
}

export const isolationPerInterface = stackPolicy({
    name: "cross-isolation-per-interface",
    description:
        "The isolate_systems runbook swaps security groups per network interface (ModifyNetworkInterfaceAttribute in an aws:loop over the instance's attached ENIs), never with ModifyInstanceAttribute Groups, which fails on instances with several ENIs (every EKS node under the VPC CNI).",
    controls: ["IR-SB-ISOLATE", "OPS-E-ISOLATE"],
    severity: "high",
    validate: (args, report) => {
        const quarantine = ofType(args.resources, T.sg)
            .filter((s) => asObject(s.props.tags)[INCIDENT_RESPONSE_TAG] === "isolate_systems")
            .map((s) => asString(s.props.id));
        const docs = ofType(args.resources, T.document).filter(
            (d) => asObject(d.props.tags)[INCIDENT_RESPONSE_TAG] === "isolate_systems",
        );
        for (const d of docs) {
            const content = parseContent(d.props.content);
            if (!content) {
                report(`[IR-SB-ISOLATE] isolate_systems runbook ${nameOf(d)} has no readable JSON content`, d.urn);
                continue;
            }
            const top = asArray(content.mainSteps);
            const all = top.flatMap((s) => [s, ...asArray(s.inputs?.Steps as AutomationStep[] | undefined)]);
            for (const s of all.filter((x) => x.inputs?.Api === "ModifyInstanceAttribute" && x.inputs?.Groups)) {
                report(
                    `[IR-SB-ISOLATE] runbook ${nameOf(d)} step ${String(s.name)} sets Groups with ModifyInstanceAttribute, which fails on an instance with more than one network interface; modify each ENI instead`,
                    d.urn,
                );
            }
            const describe = top.find((s) => {
                const filters = asArray(s.inputs?.Filters as Props[] | undefined);
                return (
                    s.inputs?.Api === "DescribeNetworkInterfaces" &&
                    filters.some((f) => f.Name === "attachment.instance-id")
                );
            });
            const perEni = top.some(
                (loop) =>
                    loop.action === "aws:loop" &&
                    describe !== undefined &&
                    String(loop.inputs?.Iterators ?? "").includes(`${String(describe.name)}.`) &&
                    asArray(loop.inputs?.Steps as AutomationStep[] | undefined).some(
                        (s) =>
                            s.inputs?.Api === "ModifyNetworkInterfaceAttribute" &&
                            String(s.inputs?.NetworkInterfaceId ?? "").includes(
                                `${String(loop.name)}.CurrentIteratorValue`,
                            ) &&
                            asStrings(s.inputs?.Groups).length > 0 &&
                            asStrings(s.inputs?.Groups).every((g) => quarantine.includes(g)),
                    ),
            );
            if (!perEni) {
                report(
                    `[IR-SB-ISOLATE] runbook ${nameOf(d)} does not move every network interface attached to the instance (DescribeNetworkInterfaces by attachment.instance-id, then ModifyNetworkInterfaceAttribute per ENI in an aws:loop) into the quarantine group only`,
                    d.urn,
                );
            }
        }
    },
});

// ---------------------------------------------------------------------------------- Cognito managed login

export const managedLoginBranding = stackPolicy({
    name: "cross-managed-login-branding",
    description:
        "With managed login (v2) on the user pool's domain, every app client that signs users in through it (code or implicit flow) has a branding style; without one the login pages are unavailable.",
    controls: ["AUTH-TOKEN"],
    severity: "high",
    validate: (args, report) => {
        const v2Pools = ofType(args.resources, T.domain)
            .filter((d) => Number(d.props.managedLoginVersion) === 2)
            .map((d) => d.props.userPoolId);
        const styled = new Set(ofType(args.resources, T.branding).map((b) => b.props.clientId));
        for (const c of ofType(args.resources, T.client)) {
            const interactive = asStrings(c.props.allowedOauthFlows).some((f) => f === "code" || f === "implicit");
            if (!interactive || !v2Pools.includes(c.props.userPoolId)) {
                continue;
            }
            if (!styled.has(c.props.id) && !styled.has(c.props.clientId)) {
                report(
                    `[AUTH-TOKEN] app client ${nameOf(c)} signs users in through managed login (v2) but has no aws.cognito.ManagedLoginBranding: its login pages are unavailable`,
                    c.urn,
                );
            }
        }
    },
});

// --------------------------------------------------------------------------------- patching vs EKS nodes

export const noNodePatchInstall = stackPolicy({
    name: "cross-no-node-patch-install",
    description:
        "No maintenance window installs patches (AWS-RunPatchBaseline Operation=Install, which reboots without draining) on instances of an EKS managed node group: node AMIs roll through the node group; Patch Manager only scans them.",
    controls: ["OPS-M-PATCH", "MNT-PATCH-CRITICAL", "MNT-PATCH-NONCRITICAL"],
    severity: "high",
    validate: (args, report) => {
        const groups = ofType(args.resources, T.nodeGroup);
        if (groups.length > 0) {
            // critical_patches "immediate, approval required" for nodes: an approval step, then every group rolled.
            const rolls = ofType(args.resources, T.document)
                .filter((d) => asObject(d.props.tags).patching === NODE_AMI_ROLL)
                .map((d) => asArray(parseContent(d.props.content)?.mainSteps));
            const rolled = (steps: AutomationStep[], group: string) => {
                const approve = steps.findIndex((s) => s.action === "aws:approve");
                const roll = steps.findIndex(
                    (s) => s.inputs?.Api === "UpdateNodegroupVersion" && s.inputs?.nodegroupName === group,
                );
                return approve >= 0 && roll > approve;
            };
            // Non-critical patches reach the nodes in the maintenance window: a window task runs the roll.
            const rollDocs = ofType(args.resources, T.document)
                .filter((d) => asObject(d.props.tags).patching === NODE_AMI_ROLL)
                .map((d) => asString(d.props.name));
            const inWindow = ofType(args.resources, T.windowTask).some(
                (t) => t.props.taskType === "AUTOMATION" && rollDocs.includes(asString(t.props.taskArn)),
            );
            if (!inWindow) {
                report(
                    `[MNT-PATCH-NONCRITICAL] no maintenance window task runs the node roll (Automation tagged patching=${NODE_AMI_ROLL}): with Patch Manager scanning only, non-critical patches never reach the EKS nodes`,
                );
            }
            for (const g of groups) {
                const group = asString(g.props.nodeGroupName) ?? g.name;
                if (!rolls.some((steps) => rolled(steps, group))) {
                    report(
                        `[MNT-PATCH-CRITICAL] no approved roll (Automation document tagged patching=${NODE_AMI_ROLL}: aws:approve, then UpdateNodegroupVersion) brings critical patches to node group ${group}`,
                        g.urn,
                    );
                }
            }
        }
        const templates = new Set(
            ofType(args.resources, T.nodeGroup).map((g) => asString(asObject(g.props.launchTemplate).id)),
        );
        const nodeTags = ofType(args.resources, T.launchTemplate)
            .filter((lt) => templates.has(asString(lt.props.id)))
            .flatMap((lt) => asArray(lt.props.tagSpecifications as Props[] | undefined))
            .filter((ts) => ts.resourceType === "instance")
            .map((ts) => asObject(ts.tags) as Record<string, unknown>);
        const selectsNodes = (target: PolicyResource) =>
            asArray(target.props.targets as Props[] | undefined).some((t) => {
                const key = asString(t.key);
                if (!key?.startsWith("tag:")) {
                    return false;
                }
                const tag = key.slice(4);
                return nodeTags.some((tags) => asStrings(t.values).includes(String(tags[tag])));
            });
        const nodeTargets = ofType(args.resources, T.windowTarget)
            .filter(selectsNodes)
            .map((t) => asString(t.props.id));
        for (const task of ofType(args.resources, T.windowTask).filter(
            (t) => t.props.taskArn === "AWS-RunPatchBaseline",
        )) {
            const ids = asArray(task.props.targets as Props[] | undefined)
                .filter((t) => t.key === "WindowTargetIds")
                .flatMap((t) => asStrings(t.values));
            if (!ids.some((id) => nodeTargets.includes(id))) {
                continue;
            }
            const params = asArray(
                asObject(asObject(task.props.taskInvocationParameters).runCommandParameters).parameters as
                    Props[] | undefined,
            );
            const operation = params.find((p) => p.name === "Operation");
            if (!operation || asStrings(operation.values).some((v) => v !== "Scan")) {
                report(
                    `[OPS-M-PATCH] maintenance task ${nameOf(task)} runs AWS-RunPatchBaseline Operation=${asStrings(operation?.values).join(",") || "(none)"} on EKS node group instances; installing reboots nodes without draining them: roll node AMIs through the node group and keep Patch Manager at Operation=Scan`,
                    task.urn,
                );
            }
        }
    },
});

// ----------------------------------------------------------------------------- log groups → log buckets

/** Log sources whose CloudWatch log groups must also land in their S3 bucket (audit: the trail writes it). */
const STREAMED_SOURCES = ["system", "security"];

export const logGroupsReachBuckets = stackPolicy({
    name: "cross-log-groups-reach-buckets",
    description: `Central storage is real: every log group tagged ${LOG_SOURCE_TAG}=system|security has a subscription filter into a Firehose stream whose S3 destination is a bucket tagged with the same ${LOG_SOURCE_TAG}.`,
    controls: ["LOG-AGG-CENTRAL"],
    severity: "high",
    validate: (args, report) => {
        const tagOf = (r: PolicyResource) =>
            asString({ ...asObject(r.props.tagsAll), ...asObject(r.props.tags) }[LOG_SOURCE_TAG]);
        const buckets = ofType(args.resources, T.bucket);
        const streams = ofType(args.resources, T.stream);
        const filters = ofType(args.resources, T.subscription);
        for (const group of ofType(args.resources, T.logGroup)) {
            const source = tagOf(group);
            if (!source || !STREAMED_SOURCES.includes(source)) {
                continue;
            }
            const delivered = filters
                .filter((f) => f.props.logGroup === group.props.name)
                .map((f) => streams.find((s) => s.props.arn === f.props.destinationArn))
                .map((s) => asString(asObject(s?.props.extendedS3Configuration).bucketArn))
                .map((arn) => buckets.find((b) => b.props.arn === arn))
                .some((b) => b !== undefined && tagOf(b) === source);
            if (!delivered) {
                report(
                    `[LOG-AGG-CENTRAL] ${source} log group ${nameOf(group)} reaches no bucket tagged ${LOG_SOURCE_TAG}=${source} (subscription filter → Firehose → S3): the central log store would stay empty`,
                    group.urn,
                );
            }
        }
    },
});

// ----------------------------------------------------------------------------------- Nitro Enclaves

/** The device plugin's node label (aws/aws-nitro-enclaves-k8s-device-plugin). */
const ENCLAVE_LABEL = "aws-nitro-enclaves-k8s-dp";
const EKS_TAINT_EFFECT: Record<string, string> = {
    NO_SCHEDULE: "NoSchedule",
    NO_EXECUTE: "NoExecute",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

function decodeUserData(value: unknown): string {
    const text = asString(value) ?? "";
    try {
        return Buffer.from(text, "base64").toString("utf8");
    } catch {
        return "";
    }
}

export const enclavesUsable = stackPolicy({
    name: "cross-enclaves-usable",
    description: `Nitro Enclaves switched on are usable: the node group's launch template user data (MIME multipart) configures and starts nitro-enclaves-allocator with CPUs and memory, the nodes carry ${ENCLAVE_LABEL}=enabled, and the enclave device plugin DaemonSet selects that label and tolerates the nodes' taints.`,
    controls: ["DATA-ENC-IN-MEMORY"],
    severity: "high",
    validate: (args, report) => {
        const templates = ofType(args.resources, T.launchTemplate).filter(
            (lt) => asObject(lt.props.enclaveOptions).enabled === true,
        );
        const plugins = ofType(args.resources, T.daemonSet).filter((d) => {
            const pod = asObject(asObject(asObject(d.props.spec).template).spec);
            return (
                asObject(pod.nodeSelector)[ENCLAVE_LABEL] === "enabled" &&
                asArray(pod.containers as Props[] | undefined).some((c) =>
                    String(c.image ?? "").includes("/aws-nitro-enclaves-k8s-device-plugin:"),
                )
            );
        });
        for (const g of ofType(args.resources, T.nodeGroup)) {
            const lt = templates.find((t) => t.props.id === asObject(g.props.launchTemplate).id);
            if (!lt) {
                continue;
            }
            const group = asString(g.props.nodeGroupName) ?? g.name;
            const userData = decodeUserData(lt.props.userData);
            const allocation = (key: string) => Number(new RegExp(`^${key}:\\s*(\\d+)`, "m").exec(userData)?.[1] ?? 0);
            const configured =
                /^Content-Type: multipart\/mixed/m.test(userData) &&
                userData.includes("/etc/nitro_enclaves/allocator.yaml") &&
                /systemctl (enable --now|start|restart) nitro-enclaves-allocator/.test(userData) &&
                allocation("cpu_count") > 0 &&
                allocation("memory_mib") > 0;
            if (!configured) {
                report(
                    `[DATA-ENC-IN-MEMORY] node group ${group} enables Nitro Enclaves but its launch template user data (MIME multipart) does not configure and start nitro-enclaves-allocator with cpu_count and memory_mib: no enclave can start`,
                    lt.urn,
                );
            }
            if (asObject(g.props.labels)[ENCLAVE_LABEL] !== "enabled") {
                report(
                    `[DATA-ENC-IN-MEMORY] node group ${group} enables Nitro Enclaves but its nodes lack the label ${ENCLAVE_LABEL}=enabled the device plugin selects`,
                    g.urn,
                );
            }
            const taints = asArray(g.props.taints as Props[] | undefined);
            const tolerated = plugins.some((d) => {
                const tolerations = asArray(
                    asObject(asObject(asObject(d.props.spec).template).spec).tolerations as Props[] | undefined,
                );
                return taints.every((t) =>
                    tolerations.some(
                        (x) =>
                            (x.operator === "Exists" && (x.key === undefined || x.key === t.key)) ||
                            (x.key === t.key &&
                                x.value === t.value &&
                                (x.effect === undefined || x.effect === EKS_TAINT_EFFECT[String(t.effect)])),
                    ),
                );
            });
            if (!tolerated) {
                report(
                    `[DATA-ENC-IN-MEMORY] no Nitro Enclaves device plugin DaemonSet (nodeSelector ${ENCLAVE_LABEL}=enabled) runs on node group ${group}'s nodes (tolerating their taints): pods cannot get ${"aws.ec2.nitro/nitro_enclaves"}`,
                    g.urn,
                );
            }
        }
    },
});

export const crossServicePolicies = [
    configDeliveryBucket,
    trailKeyDecrypt,
    eventBridgeTopicKey,
    isolationPerInterface,
    managedLoginBranding,
    noNodePatchInstall,
    logGroupsReachBuckets,
    enclavesUsable,
];
