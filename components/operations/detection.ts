import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ALERT_SEVERITIES,
    AlertSeverity,
    ANOMALY,
    anomalyBand,
    FAILED_AUTH,
    FAILED_AUTH_PATTERNS,
    FINDING_SEVERITY,
    PRIVILEGED_ASSUMPTION,
} from "../../policy-pack/catalog/operations";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { awsContext, policyJson } from "./iam";

/** The stack config the detection reads (keys as validated in components/config). */
export interface DetectionConfig {
    /** Stack name: physical names derive from it. */
    stack: string;
    /** Subscribed to every alert topic. */
    alertEmails: string[];
}

export interface DetectionArgs {
    config: DetectionConfig;
    evidence: EvidenceRegistry;
    /** CloudTrail's CloudWatch log group name (data: logGroups.cloudtrail.name). */
    auditLogGroupName: pulumi.Input<string>;
    /** EKS control-plane log group name with the authenticator log enabled (data: logGroups.eks.name). */
    eksLogGroupName: pulumi.Input<string>;
    /** KMS key ARN for the alert topics (data: keys.alerts.arn); its policy must let CloudWatch and EventBridge use it. */
    alertsKeyArn: pulumi.Input<string>;
    /** ARN of the system_admin role (identity: roles.systemAdmin.arn): every assumption alerts. */
    systemAdminRoleArn: pulumi.Input<string>;
    /** The ALB's arnSuffix (network: alb.arnSuffix): agent traffic for the anomaly alarms. */
    albArnSuffix: pulumi.Input<string>;
}

/** Which alarm a MetricAlarm is, as a tag the pack reads. */
export const DETECTION_TAG = "detection";

/**
 * security_monitoring.threat_detection: the failed-authentication alarm (unauthorized_access), anomaly
 * alarms on agent traffic (abnormal_behavior), one encrypted SNS topic per severity, and EventBridge rules
 * that route GuardDuty / Security Hub / Macie findings to the topic of their severity.
 */
export class Detection extends pulumi.ComponentResource {
    readonly topics: Record<AlertSeverity, aws.sns.Topic>;
    readonly failedAuthAlarm: aws.cloudwatch.MetricAlarm;
    readonly privilegedAssumptionAlarm: aws.cloudwatch.MetricAlarm;
    readonly anomalyAlarms: aws.cloudwatch.MetricAlarm[];
    readonly findingRules: aws.cloudwatch.EventRule[];

    constructor(name: string, args: DetectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:operations:Detection", name, {}, opts);
        const cfg = args.config;
        const prefix = namePrefix(cfg);
        const ctx = awsContext(this);

        this.topics = Object.fromEntries(
            ALERT_SEVERITIES.map((severity) => [severity, this.topic(name, prefix, severity, args, ctx.account)]),
        ) as Record<AlertSeverity, aws.sns.Topic>;
        const high = this.topics.high;
        const medium = this.topics.medium;

        // unauthorized_access: every failed-authentication source feeds one metric, so the threshold counts them together.
        const failedAuthSources: [string, pulumi.Input<string>, string][] = [
            ["console-login", args.auditLogGroupName, FAILED_AUTH_PATTERNS.consoleLogin],
            ["access-denied", args.auditLogGroupName, FAILED_AUTH_PATTERNS.accessDenied],
            ["eks-authenticator", args.eksLogGroupName, FAILED_AUTH_PATTERNS.eksAuthenticator],
        ];
        const filters = failedAuthSources.map(
            ([source, logGroupName, pattern]) =>
                new aws.cloudwatch.LogMetricFilter(
                    `${name}-failed-auth-${source}`,
                    {
                        name: `${prefix}-failed-auth-${source}`,
                        logGroupName,
                        pattern,
                        metricTransformation: {
                            namespace: FAILED_AUTH.namespace,
                            name: FAILED_AUTH.metricName,
                            value: "1",
                        },
                    },
                    { parent: this },
                ),
        );
        this.failedAuthAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-failed-auth`,
            {
                name: `${prefix}-failed-authentication`,
                alarmDescription: `unauthorized_access: more than ${FAILED_AUTH.threshold} failed authentications in ${FAILED_AUTH.periodSeconds / 60} minutes`,
                namespace: FAILED_AUTH.namespace,
                metricName: FAILED_AUTH.metricName,
                statistic: "Sum",
                period: FAILED_AUTH.periodSeconds,
                evaluationPeriods: 1,
                threshold: FAILED_AUTH.threshold,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [high.arn],
                tags: { control: "DET-UNAUTH", [DETECTION_TAG]: "failed-authentication", severity: "high" },
            },
            { parent: this, dependsOn: filters },
        );

        // PAM: any assumption of the system_admin role (AssumeRole, ...WithSAML, ...WithWebIdentity) alerts.
        const pamFilter = new aws.cloudwatch.LogMetricFilter(
            `${name}-privileged-assumption`,
            {
                name: `${prefix}-privileged-assumption`,
                logGroupName: args.auditLogGroupName,
                pattern: pulumi.interpolate`{ ($.eventName = "AssumeRole*") && ($.requestParameters.roleArn = "${args.systemAdminRoleArn}") }`,
                metricTransformation: {
                    namespace: PRIVILEGED_ASSUMPTION.namespace,
                    name: PRIVILEGED_ASSUMPTION.metricName,
                    value: "1",
                },
            },
            { parent: this },
        );
        this.privilegedAssumptionAlarm = new aws.cloudwatch.MetricAlarm(
            `${name}-privileged-assumption`,
            {
                name: `${prefix}-privileged-role-assumption`,
                alarmDescription: "The system_admin role was assumed: every privileged session is reviewed.",
                namespace: PRIVILEGED_ASSUMPTION.namespace,
                metricName: PRIVILEGED_ASSUMPTION.metricName,
                statistic: "Sum",
                period: 60,
                evaluationPeriods: 1,
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [high.arn],
                tags: { control: "DET-UNAUTH", [DETECTION_TAG]: "privileged-assumption", severity: "high" },
            },
            { parent: this, dependsOn: [pamFilter] },
        );

        // abnormal_behavior: a learned band of ±sigma around each agent-traffic metric over the guide's window.
        this.anomalyAlarms = ANOMALY.metrics.map(
            (m) =>
                new aws.cloudwatch.MetricAlarm(
                    `${name}-anomaly-${m.key}`,
                    {
                        name: `${prefix}-anomaly-${m.key}`,
                        alarmDescription: `abnormal_behavior: ${m.metricName} outside ${ANOMALY.deviationSigma} standard deviations over ${ANOMALY.periodSeconds / 60} minutes`,
                        comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
                        evaluationPeriods: 1,
                        thresholdMetricId: "ad1",
                        treatMissingData: "notBreaching",
                        metricQueries: [
                            {
                                id: "m1",
                                returnData: true,
                                metric: {
                                    namespace: ANOMALY.namespace,
                                    metricName: m.metricName,
                                    stat: m.stat,
                                    period: ANOMALY.periodSeconds,
                                    dimensions: { LoadBalancer: args.albArnSuffix },
                                },
                            },
                            {
                                id: "ad1",
                                expression: anomalyBand(),
                                label: `${m.metricName} (expected band)`,
                                returnData: true,
                            },
                        ],
                        alarmActions: [medium.arn],
                        tags: { control: "DET-ANOMALY", [DETECTION_TAG]: "anomaly", severity: "medium" },
                    },
                    { parent: this },
                ),
        );

        // Findings by severity: GuardDuty (numeric score), Security Hub (label), Macie (description).
        const gd = FINDING_SEVERITY.guardDuty;
        const sh = FINDING_SEVERITY.securityHub;
        const mc = FINDING_SEVERITY.macie;
        const routes: [string, AlertSeverity, object][] = [
            [
                "guardduty-high",
                "high",
                {
                    source: ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    detail: { severity: [{ numeric: [">=", gd.high.min] }] },
                },
            ],
            [
                "guardduty-medium",
                "medium",
                {
                    source: ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    detail: { severity: [{ numeric: [">=", gd.medium.min, "<", gd.medium.below] }] },
                },
            ],
            ...(["high", "medium"] as const).map((sev): [string, AlertSeverity, object] => [
                `securityhub-${sev}`,
                sev,
                {
                    source: ["aws.securityhub"],
                    "detail-type": ["Security Hub Findings - Imported"],
                    detail: {
                        findings: {
                            Severity: { Label: [...sh[sev]] },
                            RecordState: ["ACTIVE"],
                            Workflow: { Status: ["NEW"] },
                        },
                    },
                },
            ]),
            ...(["high", "medium"] as const).map((sev): [string, AlertSeverity, object] => [
                `macie-${sev}`,
                sev,
                {
                    source: ["aws.macie"],
                    "detail-type": ["Macie Finding"],
                    detail: { severity: { description: [...mc[sev]] } },
                },
            ]),
        ];
        const targets: aws.cloudwatch.EventTarget[] = [];
        this.findingRules = routes.map(([route, severity, pattern]) => {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-${route}`,
                {
                    name: `${prefix}-findings-${route}`,
                    description: `Route ${route.split("-")[0]} findings of ${severity} severity to the ${severity} alert topic.`,
                    eventPattern: JSON.stringify(pattern),
                    tags: { severity },
                },
                { parent: this },
            );
            targets.push(
                new aws.cloudwatch.EventTarget(
                    `${name}-${route}`,
                    { rule: rule.name, arn: this.topics[severity].arn },
                    { parent: this },
                ),
            );
            return rule;
        });

        args.evidence.record(
            "DET-UNAUTH",
            ...filters,
            this.failedAuthAlarm,
            pamFilter,
            this.privilegedAssumptionAlarm,
            high,
        );
        args.evidence.record("DET-ANOMALY", ...this.anomalyAlarms, medium, ...this.findingRules, ...targets);

        this.registerOutputs({
            topicArns: Object.fromEntries(ALERT_SEVERITIES.map((s) => [s, this.topics[s].arn])),
            failedAuthAlarmArn: this.failedAuthAlarm.arn,
            anomalyAlarmArns: this.anomalyAlarms.map((a) => a.arn),
        });
    }

    private topic(
        name: string,
        prefix: string,
        severity: AlertSeverity,
        args: DetectionArgs,
        account: pulumi.Output<string>,
    ): aws.sns.Topic {
        const topic = new aws.sns.Topic(
            `${name}-alerts-${severity}`,
            {
                name: `${prefix}-alerts-${severity}`,
                displayName: `MAS ${severity} security alerts`,
                kmsMasterKeyId: args.alertsKeyArn,
                tags: { severity },
            },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${name}-alerts-${severity}`,
            {
                arn: topic.arn,
                policy: pulumi.all([topic.arn, account]).apply(([arn, acct]) =>
                    policyJson([
                        {
                            Sid: "AccountOwner",
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${acct}:root` },
                            Action: [
                                "sns:Publish",
                                "sns:Subscribe",
                                "sns:GetTopicAttributes",
                                "sns:ListSubscriptionsByTopic",
                            ],
                            Resource: arn,
                        },
                        {
                            Sid: "AlarmsAndEvents",
                            Effect: "Allow",
                            Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
                            Action: "sns:Publish",
                            Resource: arn,
                            Condition: { StringEquals: { "aws:SourceAccount": acct } },
                        },
                        {
                            Sid: "TlsOnly",
                            Effect: "Deny",
                            Principal: { AWS: "*" },
                            Action: "sns:Publish",
                            Resource: arn,
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ]),
                ),
            },
            { parent: this },
        );
        args.config.alertEmails.forEach(
            (endpoint, i) =>
                new aws.sns.TopicSubscription(
                    `${name}-alerts-${severity}-email-${i}`,
                    { topic: topic.arn, protocol: "email", endpoint },
                    { parent: this },
                ),
        );
        return topic;
    }
}
