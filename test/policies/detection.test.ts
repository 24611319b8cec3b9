import { detectionFires } from "../../policy-pack/policies/detection";
import { FAILED_AUTH_PATTERNS } from "../../policy-pack/catalog/operations";
import { StackResourceCase, validateStack } from "../harness/policy";

// A detection stack shaped like the plan's: trail → log group, EKS authenticator logs, the failed-auth and
// privileged-assumption filters and alarms, an anomaly alarm, three severity topics with e-mail subscriptions,
// and the finding routes.
const ACCT = "123456789012";
const topicArn = (s: string) => `arn:aws:sns:eu-west-1:${ACCT}:alerts-${s}`;
const ADMIN = `arn:aws:iam::${ACCT}:role/system-admin`;
type Mut = (rs: StackResourceCase[]) => void;

function fixture(): StackResourceCase[] {
    const filter = (name: string, group: string, pattern: string, metric = "FailedAuthentication") => ({
        type: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
        name,
        props: {
            name,
            logGroupName: group,
            pattern,
            metricTransformation: { namespace: "MAS/Security", name: metric, value: "1" },
        },
    });
    const alarm = (name: string, detection: string, metric: string, severity: string) => ({
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        name,
        props: {
            name,
            namespace: "MAS/Security",
            metricName: metric,
            alarmActions: [topicArn(severity)],
            tags: { detection, severity },
        },
    });
    const route = (name: string, severity: string, pattern: object) => [
        {
            type: "aws:cloudwatch/eventRule:EventRule",
            name,
            props: { name, eventPattern: JSON.stringify(pattern), tags: { severity } },
        },
        {
            type: "aws:cloudwatch/eventTarget:EventTarget",
            name: `${name}-t`,
            props: { rule: name, arn: topicArn(severity) },
        },
    ];
    return [
        {
            type: "aws:cloudtrail/trail:Trail",
            name: "trail",
            props: { cloudWatchLogsGroupArn: `arn:aws:logs:eu-west-1:${ACCT}:log-group:/mas/cloudtrail:*` },
        },
        {
            type: "aws:eks/cluster:Cluster",
            name: "eks",
            props: { name: "eks", enabledClusterLogTypes: ["api", "audit", "authenticator"] },
        },
        { type: "aws:iam/role:Role", name: "admin", props: { arn: ADMIN, tags: { "rbac-role": "system_admin" } } },
        {
            type: "aws:iam/role:Role",
            name: "op",
            props: { arn: `arn:aws:iam::${ACCT}:role/operator`, tags: { "rbac-role": "operator" } },
        },
        filter("fa-console", "/mas/cloudtrail", FAILED_AUTH_PATTERNS.consoleLogin),
        filter("fa-denied", "/mas/cloudtrail", FAILED_AUTH_PATTERNS.accessDenied),
        filter("fa-eks", "/aws/eks/eks/cluster", FAILED_AUTH_PATTERNS.eksAuthenticator),
        filter(
            "priv",
            "/mas/cloudtrail",
            `{ ($.eventName = "AssumeRole*") && ($.requestParameters.roleArn = "${ADMIN}") }`,
            "PrivilegedRoleAssumption",
        ),
        alarm("failed-auth", "failed-authentication", "FailedAuthentication", "high"),
        alarm("privileged", "privileged-assumption", "PrivilegedRoleAssumption", "high"),
        {
            type: "aws:cloudwatch/metricAlarm:MetricAlarm",
            name: "anomaly",
            props: { name: "anomaly", alarmActions: [topicArn("medium")], tags: { detection: "anomaly" } },
        },
        ...["high", "medium", "low"].flatMap((s) => [
            { type: "aws:sns/topic:Topic", name: `topic-${s}`, props: { arn: topicArn(s), tags: { severity: s } } },
            {
                type: "aws:sns/topicSubscription:TopicSubscription",
                name: `sub-${s}`,
                props: { topic: topicArn(s), protocol: "email", endpoint: "soc@corp.test" },
            },
        ]),
        { type: "aws:guardduty/detector:Detector", name: "gd", props: { enable: true } },
        { type: "aws:securityhub/account:Account", name: "hub", props: {} },
        { type: "aws:macie2/account:Account", name: "macie", props: {} },
        ...route("gd-high", "high", {
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", 7] }] },
        }),
        ...route("gd-medium", "medium", {
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", 4, "<", 7] }] },
        }),
        ...route("sh-high", "high", {
            source: ["aws.securityhub"],
            "detail-type": ["Security Hub Findings - Imported"],
            detail: { findings: { Severity: { Label: ["HIGH", "CRITICAL"] } } },
        }),
        ...route("sh-medium", "medium", {
            source: ["aws.securityhub"],
            "detail-type": ["Security Hub Findings - Imported"],
            detail: { findings: { Severity: { Label: ["MEDIUM"] } } },
        }),
        ...route("macie-high", "high", {
            source: ["aws.macie"],
            "detail-type": ["Macie Finding"],
            detail: { severity: { description: ["High"] } },
        }),
        ...route("macie-medium", "medium", {
            source: ["aws.macie"],
            "detail-type": ["Macie Finding"],
            detail: { severity: { description: ["Medium", "Low"] } },
        }),
    ];
}

const get = (rs: StackResourceCase[], name: string) => {
    const r = rs.find((x) => x.name === name);
    if (!r) throw new Error(name);
    return r;
};
const run = (m: Mut = () => {}) => {
    const rs = fixture();
    m(rs);
    return validateStack(detectionFires, rs).map((v) => v.message);
};

describe("operations-detection-fires (DET-UNAUTH, DET-ANOMALY, IR-*)", () => {
    it("passes the plan's detection", () => expect(run()).toEqual([]));

    it.each<[string, Mut]>([
        [
            "a stricter extra filter (failed MFA sign-ins)",
            (rs) =>
                rs.push({
                    ...get(rs, "fa-console"),
                    name: "fa-mfa",
                    props: {
                        ...get(rs, "fa-console").props,
                        pattern:
                            '{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed = "Yes" && $.errorMessage = "*" }',
                    },
                }),
        ],
        [
            "one combined JSON filter instead of two",
            (rs) => {
                get(rs, "fa-console").props.pattern =
                    '{ (($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication")) || ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }';
                rs.splice(rs.indexOf(get(rs, "fa-denied")), 1);
            },
        ],
        [
            "an EKS filter with ?-alternatives",
            (rs) => (get(rs, "fa-eks").props.pattern = '?"access denied" ?"Unauthorized"'),
        ],
        [
            "a subscription filtered on the message body that admits alarms and findings",
            (rs) =>
                Object.assign(get(rs, "sub-high").props, {
                    filterPolicy: JSON.stringify({
                        $or: [{ NewStateValue: ["ALARM"] }, { source: [{ prefix: "aws." }] }],
                    }),
                    filterPolicyScope: "MessageBody",
                }),
        ],
        [
            "an extra high route for medium GuardDuty findings (over-alerting)",
            (rs) =>
                (get(rs, "gd-high").props.eventPattern = JSON.stringify({
                    source: ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    detail: { severity: [{ numeric: [">=", 4] }] },
                })),
        ],
        [
            "alarms notifying a second topic too, and extra tags",
            (rs) => {
                (get(rs, "failed-auth").props.alarmActions as string[]).push(topicArn("low"));
                Object.assign(get(rs, "failed-auth").props.tags as object, { owner: "secops" });
            },
        ],
        [
            "a route formatting the finding with an input transformer",
            (rs) =>
                (get(rs, "gd-high-t").props.inputTransformer = {
                    inputPaths: { type: "$.detail.type" },
                    inputTemplate: '"GuardDuty <type>"',
                }),
        ],
        [
            "the alarm written as metric math over the same metric",
            (rs) => {
                const p = get(rs, "failed-auth").props;
                delete p.namespace;
                delete p.metricName;
                p.metricQueries = [
                    {
                        id: "m1",
                        metric: {
                            namespace: "MAS/Security",
                            metricName: "FailedAuthentication",
                            stat: "Sum",
                            period: 300,
                        },
                    },
                    { id: "e1", expression: "m1", returnData: true },
                ];
            },
        ],
        [
            "one more failed-auth alarm, fed by the EKS filter only",
            (rs) => {
                rs.push({
                    ...get(rs, "fa-eks"),
                    name: "fa-eks-2",
                    props: {
                        ...get(rs, "fa-eks").props,
                        metricTransformation: { namespace: "MAS/Security", name: "EksDenied", value: "1" },
                    },
                });
                rs.push({
                    ...get(rs, "failed-auth"),
                    name: "failed-auth-eks",
                    props: { ...get(rs, "failed-auth").props, name: "failed-auth-eks", metricName: "EksDenied" },
                });
            },
        ],
    ])("passes a compliant variation: %s", (_n, m) => expect(run(m)).toEqual([]));

    it("fails a metric filter whose pattern matches nothing it should (a misspelt error code)", () =>
        expect(
            run(
                (rs) =>
                    (get(rs, "fa-denied").props.pattern =
                        '{ ($.errorCode = "*UnauthorisedOperation") || ($.errorCode = "AccesDenied*") }'),
            ),
        ).toEqual(
            [
                "an API call denied (AccessDenied)",
                "an API call denied (AccessDeniedException)",
                "an EC2 API call denied (Client.UnauthorizedOperation)",
            ].map(
                (w) =>
                    `[DET-UNAUTH] alarm failed-auth can never count ${w}: no metric filter feeding MAS/Security/FailedAuthentication on the log group it lands in (/mas/cloudtrail) matches it`,
            ),
        ));
    it("fails a filter on the wrong log group (the EKS pattern on the trail's group)", () =>
        expect(run((rs) => (get(rs, "fa-eks").props.logGroupName = "/mas/cloudtrail"))).toEqual([
            "[DET-UNAUTH] alarm failed-auth can never count a Kubernetes API request the EKS authenticator rejects: no metric filter feeding MAS/Security/FailedAuthentication on the log group it lands in (/aws/eks/eks/cluster) matches it",
        ]));
    it("fails when the authenticator log is not collected", () =>
        expect(run((rs) => (get(rs, "eks").props.enabledClusterLogTypes = ["api", "audit"]))).toEqual([
            "[DET-UNAUTH] alarm failed-auth can never count a Kubernetes API request the EKS authenticator rejects: no metric filter feeding MAS/Security/FailedAuthentication on the log group it lands in (none: that log is not collected) matches it",
        ]));
    it("fails a filter feeding another metric, or adding 0", () => {
        expect(
            run((rs) => ((get(rs, "fa-console").props.metricTransformation as { name: string }).name = "FailedAuth")),
        ).toEqual([
            "[DET-UNAUTH] alarm failed-auth can never count a failed console sign-in: no metric filter feeding MAS/Security/FailedAuthentication on the log group it lands in (/mas/cloudtrail) matches it",
        ]);
        expect(
            run((rs) => ((get(rs, "fa-eks").props.metricTransformation as { value: string }).value = "0")),
        ).toHaveLength(1);
    });
    it("fails a filter that counts successes (matches everything)", () =>
        expect(run((rs) => (get(rs, "fa-console").props.pattern = '{ $.eventName = "ConsoleLogin" }'))).toEqual([
            "[DET-UNAUTH] metric filter fa-console of alarm failed-auth counts a successful console sign-in",
        ]));
    it("fails the privileged filter on another role, and one that counts every AssumeRole", () => {
        expect(
            run(
                (rs) =>
                    (get(rs, "priv").props.pattern =
                        '{ $.eventName = "AssumeRole" && $.requestParameters.roleArn = "arn:aws:iam::123456789012:role/system_admin" }'),
            ),
        ).toHaveLength(3);
        expect(run((rs) => (get(rs, "priv").props.pattern = '{ $.eventName = "AssumeRole*" }'))).toEqual([
            "[DET-UNAUTH] metric filter priv of alarm privileged counts AssumeRole of another role",
        ]);
    });
    it("fails an alarm sent to a topic of the wrong severity, one with actions disabled, and a topic with no subscription left", () => {
        expect(run((rs) => (get(rs, "failed-auth").props.alarmActions = [topicArn("low")]))).toEqual([
            `[DET-UNAUTH] alarm failed-auth reaches no high-severity topic with a subscription that admits its notification (actions: ${topicArn("low")})`,
        ]);
        expect(run((rs) => (get(rs, "anomaly").props.actionsEnabled = false))).toEqual([
            "[DET-ANOMALY] alarm anomaly has its actions disabled (actionsEnabled false): it notifies no one",
        ]);
        const noSub = run((rs) => rs.splice(rs.indexOf(get(rs, "sub-medium")), 1));
        expect(noSub).toContain(
            `[DET-ANOMALY] alarm anomaly reaches no medium-severity topic with a subscription that admits its notification (actions: ${topicArn("medium")})`,
        );
        expect(noSub).toContain(
            "[DET-ANOMALY] GuardDuty Recon:EC2/PortProbeUnprotectedPort of severity 5 reaches no medium-severity alert topic with a subscription that admits it (no enabled EventBridge rule routes it there)",
        );
    });
    it("fails a subscription whose filter policy drops every alarm (attribute scope, no attributes)", () =>
        expect(run((rs) => (get(rs, "sub-high").props.filterPolicy = '{"severity":["high"]}'))).toContain(
            `[DET-UNAUTH] alarm failed-auth reaches no high-severity topic with a subscription that admits its notification (actions: ${topicArn("high")})`,
        ));
    it("fails an EventBridge rule with a misspelt detail-type: it never fires, and high findings go nowhere", () => {
        const out = run(
            (rs) =>
                (get(rs, "sh-high").props.eventPattern = JSON.stringify({
                    source: ["aws.securityhub"],
                    "detail-type": ["Security Hub Finding - Imported"],
                    detail: { findings: { Severity: { Label: ["HIGH", "CRITICAL"] } } },
                })),
        );
        expect(out).toEqual([
            "[DET-ANOMALY] EventBridge rule sh-high can never fire: none of the documented sample events of aws.securityhub matches its pattern (a misspelt source, detail-type or field?)",
            "[DET-ANOMALY] Security Hub finding of label CRITICAL reaches no high-severity alert topic with a subscription that admits it (no enabled EventBridge rule routes it there)",
            "[DET-ANOMALY] Security Hub finding of label HIGH reaches no high-severity alert topic with a subscription that admits it (no enabled EventBridge rule routes it there)",
        ]);
    });
    it("fails a route narrowed so that critical findings are dropped, and a disabled rule", () => {
        expect(
            run(
                (rs) =>
                    (get(rs, "sh-high").props.eventPattern = JSON.stringify({
                        source: ["aws.securityhub"],
                        "detail-type": ["Security Hub Findings - Imported"],
                        detail: { findings: { Severity: { Label: ["HIGH"] } } },
                    })),
            ),
        ).toEqual([
            "[DET-ANOMALY] Security Hub finding of label CRITICAL reaches no high-severity alert topic with a subscription that admits it (no enabled EventBridge rule routes it there)",
        ]);
        expect(run((rs) => (get(rs, "macie-high").props.state = "DISABLED"))).toEqual([
            "[DET-ANOMALY] Macie finding of severity High reaches no high-severity alert topic with a subscription that admits it (no enabled EventBridge rule routes it there)",
        ]);
    });
    it("fails an incident-response rule that can never fire, under its runbook's control", () => {
        const out = run((rs) =>
            rs.push(
                {
                    type: "aws:cloudwatch/eventRule:EventRule",
                    name: "ir",
                    props: {
                        name: "ir",
                        eventPattern: JSON.stringify({
                            source: ["aws.guardduty"],
                            "detail-type": ["GuardDuty Finding"],
                            detail: { resource: { resourceType: ["Ec2Instance"] } },
                        }),
                        tags: { "incident-response": "ec2" },
                    },
                },
                {
                    type: "aws:cloudwatch/eventTarget:EventTarget",
                    name: "ir-t",
                    props: {
                        rule: "ir",
                        arn: `arn:aws:ssm:eu-west-1:${ACCT}:automation-definition/mas-ir-isolate-systems:$DEFAULT`,
                    },
                },
            ),
        );
        expect(out).toEqual([
            "[IR-SB-ISOLATE] EventBridge rule ir can never fire: none of the documented sample events of aws.guardduty matches its pattern (a misspelt source, detail-type or field?)",
        ]);
    });
    it("requires no route for a finding source the plan does not turn on", () =>
        expect(
            run((rs) => {
                rs.splice(rs.indexOf(get(rs, "macie")), 1);
                rs.splice(rs.indexOf(get(rs, "macie-high")), 1);
            }),
        ).toEqual([]));
});
