import { named, ofType, runIsolated, stackConfig } from "../../harness/program";
import type { ProgramRun } from "../../../tools/lib/program";
import { ACCOUNT, REGION, KEY, ADMIN, program, ALARM, FILTER, RULE, TARGET, policy } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await runIsolated(stackConfig("dev"), "dev", program("dev"));
    prod = await runIsolated(stackConfig("prod"), "prod", program("prod"));
});

describe("Detection DET-UNAUTH: failed authentication", () => {
    it("feeds five metric filters, the guide's OAuth2 (Cognito) failures among them, into one metric MAS/Security FailedAuthentication", () => {
        const filters = ["console-login", "access-denied", "eks-authenticator", "oauth2-sign-in", "oauth2-token"].map(
            (s) => named(dev, FILTER, `mas-failed-auth-${s}`),
        );
        expect(filters.map((f) => f.inputs.pattern)).toEqual([
            '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
            '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
            '"access denied"',
            '{ ($.eventSource = "cognito-idp.amazonaws.com") && ($.errorCode = "NotAuthorizedException") }',
            '{ ($.eventSource = "cognito-idp.amazonaws.com") && ($.eventName = "Token_POST") && ($.additionalEventData.responseParameters.status >= 400) }',
        ]);
        expect(filters.map((f) => f.inputs.logGroupName)).toEqual([
            "/aws/cloudtrail/mas-dev",
            "/aws/cloudtrail/mas-dev",
            "/aws/eks/mas-dev-eks/cluster",
            "/aws/cloudtrail/mas-dev",
            "/aws/cloudtrail/mas-dev",
        ]);
        for (const f of filters) {
            expect(f.inputs.metricTransformation).toEqual({
                namespace: "MAS/Security",
                name: "FailedAuthentication",
                value: "1",
            });
        }
    });

    it("alarms on more than 5 in one 300 s period to the high topic", () => {
        const a = named(dev, ALARM, "mas-failed-auth").inputs;
        expect(a).toMatchObject({
            name: "mas-dev-failed-authentication",
            namespace: "MAS/Security",
            metricName: "FailedAuthentication",
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 5,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`],
        });
    });

    it("alarms on any system_admin role assumption (PAM)", () => {
        expect(named(dev, FILTER, "mas-privileged-assumption").inputs.pattern).toBe(
            `{ ($.eventName = "AssumeRole*") && ($.requestParameters.roleArn = "${ADMIN}") }`,
        );
        expect(named(dev, ALARM, "mas-privileged-assumption").inputs).toMatchObject({
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`],
        });
    });
});

describe("Detection DET-ANOMALY: abnormal behaviour", () => {
    it("builds a 3-sigma band over 900 s on ALB requests and 5xx, to the medium topic", () => {
        for (const [key, metric] of [
            ["requests", "RequestCount"],
            ["errors", "HTTPCode_Target_5XX_Count"],
        ]) {
            const a = named(dev, ALARM, `mas-anomaly-${key}`).inputs;
            expect(a.comparisonOperator).toBe("LessThanLowerOrGreaterThanUpperThreshold");
            expect(a.thresholdMetricId).toBe("ad1");
            expect(a.threshold).toBeUndefined();
            expect(a.alarmActions).toEqual([`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-medium`]);
            expect(a.metricQueries).toEqual([
                {
                    id: "m1",
                    returnData: true,
                    metric: {
                        namespace: "AWS/ApplicationELB",
                        metricName: metric,
                        stat: "Sum",
                        period: 900,
                        dimensions: { LoadBalancer: "app/mas-alb/0123456789abcdef" },
                    },
                },
                {
                    id: "ad1",
                    expression: "ANOMALY_DETECTION_BAND(m1, 3)",
                    label: `${metric} (expected band)`,
                    returnData: true,
                },
            ]);
        }
    });

    it("watches east-west agent traffic: flow-log bytes from the agent segment to the agent and service segments, 3-sigma band over 900 s", () => {
        const filters = ["agent", "service"].map((to) => named(dev, FILTER, `mas-east-west-${to}`).inputs);
        expect(filters).toEqual([
            {
                name: "mas-dev-east-west-agent-to-agent",
                logGroupName: "/aws/vpc/mas-dev-flow-logs",
                pattern:
                    '[version, account, eni, srcaddr=10.0.1.*, dstaddr=10.0.1.*, srcport, dstport, protocol, packets, bytes, start, end, action="ACCEPT", status]',
                metricTransformation: { namespace: "MAS/Detection", name: "AgentEastWestBytes", value: "$bytes" },
            },
            {
                name: "mas-dev-east-west-agent-to-service",
                logGroupName: "/aws/vpc/mas-dev-flow-logs",
                pattern:
                    '[version, account, eni, srcaddr=10.0.1.*, dstaddr=10.0.2.*, srcport, dstport, protocol, packets, bytes, start, end, action="ACCEPT", status]',
                metricTransformation: { namespace: "MAS/Detection", name: "AgentEastWestBytes", value: "$bytes" },
            },
        ]);
        const a = named(dev, ALARM, "mas-anomaly-east-west").inputs;
        expect(a).toMatchObject({
            name: "mas-dev-anomaly-east-west",
            comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold",
            thresholdMetricId: "ad1",
            alarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-medium`],
            tags: { control: "DET-ANOMALY", detection: "anomaly", severity: "medium" },
        });
        expect(a.metricQueries).toEqual([
            {
                id: "m1",
                returnData: true,
                metric: { namespace: "MAS/Detection", metricName: "AgentEastWestBytes", stat: "Sum", period: 900 },
            },
            {
                id: "ad1",
                expression: "ANOMALY_DETECTION_BAND(m1, 3)",
                label: "AgentEastWestBytes (expected band)",
                returnData: true,
            },
        ]);
    });

    it("has one KMS-encrypted topic per severity, a publish policy for CloudWatch / EventBridge, e-mail subscriptions", () => {
        const topics = ofType(dev, "aws:sns/topic:Topic");
        expect(topics.map((t) => t.inputs.name)).toEqual([
            "mas-dev-alerts-high",
            "mas-dev-alerts-medium",
            "mas-dev-alerts-low",
        ]);
        expect(topics.every((t) => t.inputs.kmsMasterKeyId === KEY)).toBe(true);
        const stmt = policy(named(dev, "aws:sns/topicPolicy:TopicPolicy", "mas-alerts-high")).Statement.find(
            (s) => s.Sid === "AlarmsAndEvents",
        );
        expect(stmt).toEqual({
            Sid: "AlarmsAndEvents",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
            Action: "sns:Publish",
            Resource: `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`,
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        });
        const subs = (run: ProgramRun) =>
            ofType(run, "aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs);
        expect(subs(dev)).toHaveLength(3);
        expect(subs(dev).every((s) => s.protocol === "email" && s.endpoint === "security-dev@example.com")).toBe(true);
        expect(
            subs(prod)
                .map((s) => s.endpoint)
                .sort(),
        ).toEqual([
            "security-oncall@example.com",
            "security-oncall@example.com",
            "security-oncall@example.com",
            "soc@example.com",
            "soc@example.com",
            "soc@example.com",
        ]);
    });

    it("routes GuardDuty, Security Hub and Macie findings by severity", () => {
        const pattern = (n: string) => JSON.parse(named(dev, RULE, `mas-${n}`).inputs.eventPattern as string);
        expect(pattern("guardduty-high").detail).toEqual({ severity: [{ numeric: [">=", 7] }] });
        expect(pattern("guardduty-medium").detail).toEqual({ severity: [{ numeric: [">=", 4, "<", 7] }] });
        expect(pattern("securityhub-high").detail.findings.Severity.Label).toEqual(["HIGH", "CRITICAL"]);
        expect(pattern("securityhub-medium").detail.findings.Severity.Label).toEqual(["MEDIUM"]);
        expect(pattern("macie-high")).toEqual({
            source: ["aws.macie"],
            "detail-type": ["Macie Finding"],
            detail: { severity: { description: ["High"] } },
        });
        expect(named(dev, TARGET, "mas-macie-medium").inputs.arn).toBe(
            `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-medium`,
        );
        expect(named(dev, TARGET, "mas-guardduty-high").inputs.arn).toBe(
            `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`,
        );
    });
});
