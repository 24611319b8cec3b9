// The detection's alert topics: one KMS-encrypted SNS topic per severity, publishable by CloudWatch alarms and
// EventBridge of this account over TLS only, with the configured e-mail subscriptions.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlertSeverity } from "../../policy-pack/catalog/operations";
import { policyJson } from "./iam";

export interface AlertTopicArgs {
    prefix: string;
    severity: AlertSeverity;
    /** KMS key of the topic. */
    alertsKeyArn: pulumi.Input<string>;
    account: pulumi.Output<string>;
    /** Subscribed to the topic. */
    alertEmails: string[];
}

/** The topic of one severity, its policy and its e-mail subscriptions. */
export function alertTopic(parent: pulumi.Resource, name: string, args: AlertTopicArgs): aws.sns.Topic {
    const { prefix, severity } = args;
    const topic = new aws.sns.Topic(
        `${name}-alerts-${severity}`,
        {
            name: `${prefix}-alerts-${severity}`,
            displayName: `MAS ${severity} security alerts`,
            kmsMasterKeyId: args.alertsKeyArn,
            tags: { severity },
        },
        { parent },
    );
    new aws.sns.TopicPolicy(
        `${name}-alerts-${severity}`,
        {
            arn: topic.arn,
            policy: pulumi.all([topic.arn, args.account]).apply(([arn, acct]) =>
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
        { parent },
    );
    args.alertEmails.forEach(
        (endpoint, i) =>
            new aws.sns.TopicSubscription(
                `${name}-alerts-${severity}-email-${i}`,
                { topic: topic.arn, protocol: "email", endpoint },
                { parent },
            ),
    );
    return topic;
}
