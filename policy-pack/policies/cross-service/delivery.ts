// Delivery between services: AWS Config and CloudTrail into their bucket and key, EventBridge into encrypted
// SNS topics, log groups into their log buckets.

import { PolicyResource } from "@pulumi/policy";
import { LOG_SOURCE_TAG } from "../../catalog/data";
import { asArray, asObject, asString, stackPolicy } from "../lib";
import {
    bucketNamed,
    conditionKeys,
    conditionValues,
    configsOf,
    covers,
    keyOf,
    nameOf,
    ofType,
    Props,
    servicePrincipals,
    statements,
    Stmt,
    T,
} from "./shared";

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
