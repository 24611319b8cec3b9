import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALERT_SEVERITIES, AlertSeverity } from "../../policy-pack/catalog/operations";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { alertTopic } from "./alert-topics";
import { anomalyAlarms, eastWestAnomalyAlarm, failedAuthAlarm, privilegedAssumptionAlarm } from "./detection-alarms";
import { findingRoutes } from "./finding-routes";
import { awsContext } from "./iam";

export { DETECTION_TAG } from "./detection-alarms";

/** The stack config the detection reads (keys as validated in components/config). */
export interface DetectionConfig {
    /** Stack name: physical names derive from it. */
    stack: string;
    /** Subscribed to every alert topic. */
    alertEmails: string[];
    /** The agent and service segments: east-west agent traffic is what flows between them. */
    agentSegmentCidr: string;
    serviceSegmentCidr: string;
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
    /** The VPC flow-log group (data: logGroups.vpcFlow.name): east-west agent traffic. */
    flowLogGroupName: pulumi.Input<string>;
}

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
            ALERT_SEVERITIES.map((severity) => [
                severity,
                alertTopic(this, name, {
                    prefix,
                    severity,
                    alertsKeyArn: args.alertsKeyArn,
                    account: ctx.account,
                    alertEmails: cfg.alertEmails,
                }),
            ]),
        ) as Record<AlertSeverity, aws.sns.Topic>;
        const high = this.topics.high;
        const medium = this.topics.medium;

        const failedAuth = failedAuthAlarm(this, name, {
            prefix,
            auditLogGroupName: args.auditLogGroupName,
            eksLogGroupName: args.eksLogGroupName,
            highTopicArn: high.arn,
        });
        this.failedAuthAlarm = failedAuth.alarm;
        const pam = privilegedAssumptionAlarm(this, name, {
            prefix,
            auditLogGroupName: args.auditLogGroupName,
            systemAdminRoleArn: args.systemAdminRoleArn,
            highTopicArn: high.arn,
        });
        this.privilegedAssumptionAlarm = pam.alarm;
        const eastWest = eastWestAnomalyAlarm(this, name, {
            prefix,
            flowLogGroupName: args.flowLogGroupName,
            agentCidr: cfg.agentSegmentCidr,
            serviceCidr: cfg.serviceSegmentCidr,
            mediumTopicArn: medium.arn,
        });
        this.anomalyAlarms = [
            ...anomalyAlarms(this, name, { prefix, albArnSuffix: args.albArnSuffix, mediumTopicArn: medium.arn }),
            eastWest.alarm,
        ];
        const routes = findingRoutes(this, name, { prefix, topics: this.topics });
        this.findingRules = routes.rules;

        args.evidence.record(
            "DET-UNAUTH",
            ...failedAuth.filters,
            this.failedAuthAlarm,
            pam.filter,
            this.privilegedAssumptionAlarm,
            high,
        );
        args.evidence.record(
            "DET-ANOMALY",
            ...eastWest.filters,
            ...this.anomalyAlarms,
            medium,
            ...this.findingRules,
            ...routes.targets,
        );

        this.registerOutputs({
            topicArns: Object.fromEntries(ALERT_SEVERITIES.map((s) => [s, this.topics[s].arn])),
            failedAuthAlarmArn: this.failedAuthAlarm.arn,
            anomalyAlarmArns: this.anomalyAlarms.map((a) => a.arn),
        });
    }
}
