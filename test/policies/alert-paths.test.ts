// policy-pack/policies/alert-paths.ts: every alert topic's subscription is a real alert path (DET-UNAUTH, DET-ANOMALY).

import { alertSubscriptions } from "../../policy-pack/policies/alert-paths";
import { alarmNotification, subscriptionProblem, targetMessage } from "../../policy-pack/lib/detection/subscriptions";
import { StackResourceCase, validateStack } from "../harness/policy";

const ACCT = "123456789012";
const topicArn = (s: string) => `arn:aws:sns:eu-west-1:${ACCT}:alerts-${s}`;
type Mut = (rs: StackResourceCase[]) => void;

function fixture(): StackResourceCase[] {
    return [
        ...["high", "medium", "low"].flatMap((s) => [
            { type: "aws:sns/topic:Topic", name: `topic-${s}`, props: { arn: topicArn(s), tags: { severity: s } } },
            {
                type: "aws:sns/topicSubscription:TopicSubscription",
                name: `sub-${s}`,
                props: { topic: topicArn(s), protocol: "email", endpoint: "soc@corp.test" },
            },
        ]),
        {
            type: "aws:cloudwatch/metricAlarm:MetricAlarm",
            name: "failed-auth",
            props: {
                name: "failed-auth",
                arn: `arn:aws:cloudwatch:eu-west-1:${ACCT}:alarm:failed-auth`,
                namespace: "MAS/Security",
                metricName: "FailedAuthentication",
                alarmActions: [topicArn("high")],
                tags: { detection: "failed-authentication" },
            },
        },
        {
            type: "aws:cloudwatch/eventRule:EventRule",
            name: "gd-medium",
            props: {
                name: "gd-medium",
                eventPattern: JSON.stringify({
                    source: ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    detail: { severity: [{ numeric: [">=", 4, "<", 7] }] },
                }),
            },
        },
        {
            type: "aws:cloudwatch/eventTarget:EventTarget",
            name: "gd-medium-t",
            props: { rule: "gd-medium", arn: topicArn("medium") },
        },
    ];
}

const get = (rs: StackResourceCase[], name: string) => rs.find((x) => x.name === name)!;
const run = (m: Mut = () => {}) => {
    const rs = fixture();
    m(rs);
    return validateStack(alertSubscriptions, rs).map((v) => v.message);
};

describe("operations-alert-subscriptions (DET-UNAUTH, DET-ANOMALY)", () => {
    it("passes e-mail subscriptions without filters", () => expect(run()).toEqual([]));

    it.each<[string, Mut]>([
        [
            "a body filter that admits the alarm (MessageBody scope)",
            (rs) =>
                Object.assign(get(rs, "sub-high").props, {
                    filterPolicy: JSON.stringify({
                        NewStateValue: ["ALARM"],
                        Trigger: { Namespace: ["MAS/Security"] },
                    }),
                    filterPolicyScope: "MessageBody",
                }),
        ],
        [
            "a body filter on the finding's severity (GuardDuty medium)",
            (rs) =>
                Object.assign(get(rs, "sub-medium").props, {
                    filterPolicy: JSON.stringify({ detail: { severity: [{ numeric: [">=", 4] }] } }),
                    filterPolicyScope: "MessageBody",
                }),
        ],
        [
            "one more recipient over https and an SQS queue of the account",
            (rs) =>
                rs.push(
                    {
                        type: "aws:sns/topicSubscription:TopicSubscription",
                        name: "pager",
                        props: {
                            topic: topicArn("high"),
                            protocol: "https",
                            endpoint: "https://events.pager.corp.io/sns",
                        },
                    },
                    {
                        type: "aws:sns/topicSubscription:TopicSubscription",
                        name: "queue",
                        props: {
                            topic: topicArn("high"),
                            protocol: "sqs",
                            endpoint: `arn:aws:sqs:eu-west-1:${ACCT}:alert-intake`,
                        },
                    },
                ),
        ],
    ])("passes a compliant variation: %s", (_what, m) => expect(run(m)).toEqual([]));

    it("fails a subscription whose filter drops the alarm (attribute scope: alarms carry no attributes)", () =>
        expect(run((rs) => (get(rs, "sub-high").props.filterPolicy = '{"severity":["high"]}'))).toEqual([
            "[DET-UNAUTH] subscription sub-high (email → soc@corp.test) of alert topic topic-high: its filter policy (scope MessageAttributes) admits none of the 1 alerts the topic carries (e.g. alarm failed-auth's notification); alarm and EventBridge messages carry no message attributes",
        ]));

    it("fails a body filter that drops the routed finding (wrong severity range)", () => {
        const found = run((rs) =>
            Object.assign(get(rs, "sub-medium").props, {
                filterPolicy: JSON.stringify({ detail: { severity: [{ numeric: [">=", 7] }] } }),
                filterPolicyScope: "MessageBody",
            }),
        );
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(
            /^\[DET-ANOMALY\] subscription sub-medium .* admits none of the \d+ alerts the topic carries \(e\.g\. GuardDuty /,
        );
    });

    it("fails plaintext http, an empty endpoint, a placeholder, and a queue of another account", () => {
        const found = run((rs) => {
            Object.assign(get(rs, "sub-high").props, { protocol: "http", endpoint: "http://hooks.corp.io/alerts" });
            Object.assign(get(rs, "sub-medium").props, { endpoint: "" });
            Object.assign(get(rs, "sub-low").props, { endpoint: "changeme@corp.io" });
            rs.push({
                type: "aws:sns/topicSubscription:TopicSubscription",
                name: "leak",
                props: {
                    topic: topicArn("high"),
                    protocol: "sqs",
                    endpoint: "arn:aws:sqs:eu-west-1:444455556666:intake",
                },
            });
        });
        expect(found).toEqual([
            "[DET-UNAUTH] subscription sub-high (http → http://hooks.corp.io/alerts) of alert topic topic-high is no alert path: plaintext HTTP: the alert crosses the network unencrypted and the receiver is not authenticated",
            "[DET-UNAUTH] subscription leak (sqs → arn:aws:sqs:eu-west-1:444455556666:intake) of alert topic topic-high is no alert path: its endpoint arn:aws:sqs:eu-west-1:444455556666:intake is in account 444455556666, not the topic's (123456789012): alerts leave the account",
            '[DET-ANOMALY] subscription sub-medium (email → ) of alert topic topic-medium is no alert path: its endpoint "" is empty or a placeholder',
            '[DET-ANOMALY] subscription sub-low (email → changeme@corp.io) of alert topic topic-low is no alert path: its endpoint "changeme@corp.io" is empty or a placeholder',
        ]);
    });
});

describe("operations-alert-subscriptions: recipients from the stack config", () => {
    const saved = { config: process.env.PULUMI_CONFIG, project: process.env.PULUMI_NODEJS_PROJECT };
    beforeEach(() => {
        process.env.PULUMI_NODEJS_PROJECT = "multi-agent-security";
        process.env.PULUMI_CONFIG = JSON.stringify({
            "multi-agent-security:alertEmails": JSON.stringify(["soc@corp.test", "oncall@corp.test"]),
        });
    });
    afterEach(() => {
        for (const [k, v] of [
            ["PULUMI_CONFIG", saved.config],
            ["PULUMI_NODEJS_PROJECT", saved.project],
        ] as const) {
            if (v === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = v;
            }
        }
    });

    it("passes the configured addresses (any case)", () =>
        expect(run((rs) => (get(rs, "sub-low").props.endpoint = "OnCall@corp.test"))).toEqual([]));

    it("fails an e-mail subscription to an address the config does not list", () =>
        expect(run((rs) => (get(rs, "sub-high").props.endpoint = "someone@mail.corp.io"))).toEqual([
            "[DET-UNAUTH] subscription sub-high (email → someone@mail.corp.io) of alert topic topic-high is no alert path: someone@mail.corp.io is not one of the stack's alertEmails (Pulumi.<stack>.yaml: soc@corp.test, oncall@corp.test); a subscriber added by hand is an exfiltration path. To alert a new recipient, add the address to alertEmails in Pulumi.<stack>.yaml, and the stack subscribes it to every alert topic",
        ]));
});

describe("operations-alert-subscriptions: CloudWatch can deliver to the alarm's topic (topic and key policies)", () => {
    const KEY = `arn:aws:kms:eu-west-1:${ACCT}:key/alerts`;
    const cloudWatchKey = (condition: Record<string, unknown>) => ({
        Sid: "CloudWatchAlarms",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: condition,
    });
    const keyPolicy = (...extra: object[]) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountAdministration",
                    Effect: "Allow",
                    Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
                ...extra,
            ],
        });
    const topicPolicy = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
    const publish = {
        Sid: "AlarmsAndEvents",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: "sns:Publish",
        Resource: topicArn("high"),
        Condition: { StringEquals: { "aws:SourceAccount": ACCT } },
    };
    const encrypted: Mut = (rs) => {
        get(rs, "topic-high").props.kmsMasterKeyId = KEY;
        rs.push(
            {
                type: "aws:kms/key:Key",
                name: "alerts-key",
                props: { arn: KEY, policy: keyPolicy(cloudWatchKey({ StringEquals: { "aws:SourceAccount": ACCT } })) },
            },
            {
                type: "aws:sns/topicPolicy:TopicPolicy",
                name: "high-policy",
                props: { arn: topicArn("high"), policy: topicPolicy(publish) },
            },
        );
    };
    const both =
        (m: Mut): Mut =>
        (rs) => {
            encrypted(rs);
            m(rs);
        };
    const gap = (what: string) =>
        `[DET-UNAUTH] 1 alarm(s) (e.g. failed-auth) publish to alert topic topic-high, but CloudWatch cannot deliver: ${what}`;

    it("passes the stack's key and topic policies, and an extra TLS-only deny", () => {
        expect(run(encrypted)).toEqual([]);
        expect(
            run(
                both((rs) => {
                    get(rs, "high-policy").props.policy = topicPolicy(publish, {
                        Sid: "TlsOnly",
                        Effect: "Deny",
                        Principal: { AWS: "*" },
                        Action: "sns:Publish",
                        Resource: topicArn("high"),
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    });
                }),
            ),
        ).toEqual([]);
    });

    it("fails a key policy without CloudWatch, or one that admits it only for another account's alarms", () => {
        expect(run(both((rs) => (get(rs, "alerts-key").props.policy = keyPolicy())))).toEqual([
            gap("key alerts-key does not let cloudwatch.amazonaws.com kms:GenerateDataKey and kms:Decrypt"),
        ]);
        expect(
            run(
                both(
                    (rs) =>
                        (get(rs, "alerts-key").props.policy = keyPolicy(
                            cloudWatchKey({ StringEquals: { "aws:SourceAccount": "444455556666" } }),
                        )),
                ),
            ),
        ).toEqual([gap("key alerts-key does not let cloudwatch.amazonaws.com kms:GenerateDataKey and kms:Decrypt")]);
    });

    it("fails a topic policy that lets only EventBridge publish, and the AWS managed key", () => {
        expect(
            run(
                both(
                    (rs) =>
                        (get(rs, "high-policy").props.policy = topicPolicy({
                            ...publish,
                            Principal: { Service: "events.amazonaws.com" },
                        })),
                ),
            ),
        ).toEqual([gap("the topic policy does not let cloudwatch.amazonaws.com sns:Publish")]);
        expect(run((rs) => (get(rs, "topic-high").props.kmsMasterKeyId = "alias/aws/sns"))).toEqual([
            gap("the topic is encrypted with the AWS managed key alias/aws/sns, whose policy cannot grant CloudWatch"),
        ]);
    });
});

describe("alert messages and channels", () => {
    it("an alarm's notification is the JSON CloudWatch publishes", () => {
        expect(
            alarmNotification(
                {
                    arn: `arn:aws:cloudwatch:eu-west-1:${ACCT}:alarm:a`,
                    namespace: "MAS/Security",
                    metricName: "X",
                    threshold: 5,
                },
                "a",
            ),
        ).toMatchObject({
            AlarmName: "a",
            AWSAccountId: ACCT,
            NewStateValue: "ALARM",
            Region: "eu-west-1",
            Trigger: { Namespace: "MAS/Security", MetricName: "X", Threshold: 5 },
        });
    });

    it("an input transformer's template is filled from the event", () => {
        const event = { source: "aws.guardduty", detail: { severity: 8, type: "Recon:EC2/Portscan" } };
        expect(
            targetMessage(
                {
                    inputTransformer: {
                        inputPaths: { sev: "$.detail.severity", type: "$.detail.type" },
                        inputTemplate: '{"severity": <sev>, "finding": "<type>"}',
                    },
                },
                event,
            ),
        ).toEqual({ severity: 8, finding: "Recon:EC2/Portscan" });
        expect(targetMessage({ input: '{"a":1}' }, event)).toEqual({ a: 1 });
        expect(targetMessage({ inputPath: "$.detail" }, event)).toEqual(event.detail);
    });

    it("channels: lambda of the topic's account, firehose with its role, no SMS or push", () => {
        const topic = topicArn("high");
        expect(
            subscriptionProblem({
                topic,
                protocol: "lambda",
                endpoint: `arn:aws:lambda:eu-west-1:${ACCT}:function:triage`,
            }),
        ).toBeUndefined();
        expect(
            subscriptionProblem({
                topic,
                protocol: "firehose",
                endpoint: `arn:aws:firehose:eu-west-1:${ACCT}:deliverystream/a`,
            }),
        ).toBe("a firehose subscription without subscriptionRoleArn delivers nothing");
        expect(subscriptionProblem({ topic, protocol: "sms", endpoint: "+15555550100" })).toMatch(/^SMS: cleartext/);
        expect(subscriptionProblem({ topic, protocol: "https", endpoint: "https://10.0.0.5/hook" })).toMatch(
            /is an address/,
        );
        expect(subscriptionProblem({ topic, protocol: "https", endpoint: "https://hooks.example.com/x" })).toMatch(
            /reserved name/,
        );
    });
});
