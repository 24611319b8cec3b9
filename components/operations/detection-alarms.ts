// The detection's CloudWatch alarms: failed authentication and privileged role assumption (unauthorized_access,
// from metric filters on the audit and EKS logs), and anomaly bands on agent traffic (abnormal_behavior).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ANOMALY,
    anomalyBand,
    EAST_WEST,
    eastWestPattern,
    FAILED_AUTH,
    FAILED_AUTH_PATTERNS,
    PRIVILEGED_ASSUMPTION,
} from "../../policy-pack/catalog/operations";

/** Which alarm a MetricAlarm is, as a tag the pack reads. */
export const DETECTION_TAG = "detection";

export interface FailedAuthArgs {
    prefix: string;
    /** CloudTrail's log group and the EKS control-plane log group (authenticator log). */
    auditLogGroupName: pulumi.Input<string>;
    eksLogGroupName: pulumi.Input<string>;
    /** The high-severity topic the alarm notifies. */
    highTopicArn: pulumi.Input<string>;
}

/**
 * unauthorized_access: every failed-authentication source feeds one metric, so the threshold counts them
 * together.
 */
export function failedAuthAlarm(parent: pulumi.Resource, name: string, args: FailedAuthArgs) {
    const { prefix } = args;
    const sources: [string, pulumi.Input<string>, string][] = [
        ["console-login", args.auditLogGroupName, FAILED_AUTH_PATTERNS.consoleLogin],
        ["access-denied", args.auditLogGroupName, FAILED_AUTH_PATTERNS.accessDenied],
        ["eks-authenticator", args.eksLogGroupName, FAILED_AUTH_PATTERNS.eksAuthenticator],
        ["oauth2-sign-in", args.auditLogGroupName, FAILED_AUTH_PATTERNS.oauth2SignIn],
        ["oauth2-token", args.auditLogGroupName, FAILED_AUTH_PATTERNS.oauth2Token],
    ];
    const filters = sources.map(
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
                { parent },
            ),
    );
    const alarm = new aws.cloudwatch.MetricAlarm(
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
            alarmActions: [args.highTopicArn],
            tags: { control: "DET-UNAUTH", [DETECTION_TAG]: "failed-authentication", severity: "high" },
        },
        { parent, dependsOn: filters },
    );
    return { filters, alarm };
}

export interface PrivilegedAssumptionArgs {
    prefix: string;
    auditLogGroupName: pulumi.Input<string>;
    /** The system_admin role: every assumption alerts. */
    systemAdminRoleArn: pulumi.Input<string>;
    highTopicArn: pulumi.Input<string>;
}

/** PAM: any assumption of the system_admin role (AssumeRole, ...WithSAML, ...WithWebIdentity) alerts. */
export function privilegedAssumptionAlarm(parent: pulumi.Resource, name: string, args: PrivilegedAssumptionArgs) {
    const { prefix } = args;
    const filter = new aws.cloudwatch.LogMetricFilter(
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
        { parent },
    );
    const alarm = new aws.cloudwatch.MetricAlarm(
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
            alarmActions: [args.highTopicArn],
            tags: { control: "DET-UNAUTH", [DETECTION_TAG]: "privileged-assumption", severity: "high" },
        },
        { parent, dependsOn: [filter] },
    );
    return { filter, alarm };
}

/** abnormal_behavior: a learned band of ±sigma around each agent-traffic metric over the guide's window. */
export function anomalyAlarms(
    parent: pulumi.Resource,
    name: string,
    args: { prefix: string; albArnSuffix: pulumi.Input<string>; mediumTopicArn: pulumi.Input<string> },
): aws.cloudwatch.MetricAlarm[] {
    return ANOMALY.metrics.map(
        (m) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-anomaly-${m.key}`,
                {
                    name: `${args.prefix}-anomaly-${m.key}`,
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
                    alarmActions: [args.mediumTopicArn],
                    tags: { control: "DET-ANOMALY", [DETECTION_TAG]: "anomaly", severity: "medium" },
                },
                { parent },
            ),
    );
}

export interface EastWestArgs {
    prefix: string;
    /** The VPC flow-log group (data: logGroups.vpcFlow.name). */
    flowLogGroupName: pulumi.Input<string>;
    agentCidr: string;
    serviceCidr: string;
    mediumTopicArn: pulumi.Input<string>;
}

/** abnormal_behavior east-west: the band over bytes the agent segment sends to the agent and service segments. */
export function eastWestAnomalyAlarm(parent: pulumi.Resource, name: string, args: EastWestArgs) {
    const filters = (
        [
            ["agent", args.agentCidr],
            ["service", args.serviceCidr],
        ] as const
    ).map(
        ([to, cidr]) =>
            new aws.cloudwatch.LogMetricFilter(
                `${name}-east-west-${to}`,
                {
                    name: `${args.prefix}-east-west-agent-to-${to}`,
                    logGroupName: args.flowLogGroupName,
                    pattern: eastWestPattern(args.agentCidr, cidr),
                    metricTransformation: {
                        namespace: EAST_WEST.namespace,
                        name: EAST_WEST.metricName,
                        value: "$bytes",
                    },
                },
                { parent },
            ),
    );
    const alarm = new aws.cloudwatch.MetricAlarm(
        `${name}-anomaly-${EAST_WEST.key}`,
        {
            name: `${args.prefix}-anomaly-${EAST_WEST.key}`,
            alarmDescription: `abnormal_behavior: ${EAST_WEST.metricName} (agent segment → agent and service segments) outside ${ANOMALY.deviationSigma} standard deviations over ${ANOMALY.periodSeconds / 60} minutes`,
            comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
            evaluationPeriods: 1,
            thresholdMetricId: "ad1",
            treatMissingData: "notBreaching",
            metricQueries: [
                {
                    id: "m1",
                    returnData: true,
                    metric: {
                        namespace: EAST_WEST.namespace,
                        metricName: EAST_WEST.metricName,
                        stat: EAST_WEST.stat,
                        period: ANOMALY.periodSeconds,
                    },
                },
                {
                    id: "ad1",
                    expression: anomalyBand(),
                    label: `${EAST_WEST.metricName} (expected band)`,
                    returnData: true,
                },
            ],
            alarmActions: [args.mediumTopicArn],
            tags: { control: "DET-ANOMALY", [DETECTION_TAG]: "anomaly", severity: "medium" },
        },
        { parent, dependsOn: filters },
    );
    return { filters, alarm };
}
