// Every subscription of an alert topic is a real alert path: an allowed protocol to a real receiver (the
// catalog's ALERT_PROTOCOLS), and a filter policy that admits at least one of the alerts the topic carries,
// judged against the messages the stack's alarms and EventBridge targets actually publish there.

import { PolicyResource } from "@pulumi/policy";
import { ALERT_SEVERITIES } from "../catalog/operations";
import { EVENT_SAMPLES } from "../catalog/operations/samples";
import { eventMatches, snsFilterAdmits } from "../lib/detection/event-pattern";
import { alarmNotification, subscriptionProblem, targetMessage } from "../lib/detection/subscriptions";
import { evaluate, parseDocument } from "../lib/iam";
import type { Principal, RequestContext } from "../lib/iam";
import { stackConfigFile, stackConfigList } from "../lib/stack-config";
import { keyOf } from "./cross-service/shared";
import { asArray, asObject, asString, stackPolicy } from "./lib";

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
} as const;

type Rec = Record<string, unknown>;
const nameOf = (r: PolicyResource) => asString(r.props.name) ?? r.name;
const ofType = (rs: PolicyResource[], t: string) => rs.filter((r) => r.type === t);
const tagsOf = (r: PolicyResource) => ({ ...asObject(r.props.tagsAll), ...asObject(r.props.tags) }) as Rec;

/** Which control an alarm's alert serves (detection tag), DET-ANOMALY for routes and untagged alarms. */
const controlOfAlarm = (alarm: PolicyResource): string =>
    ["failed-authentication", "privileged-assumption"].includes(String(tagsOf(alarm)["detection"]))
        ? "DET-UNAUTH"
        : "DET-ANOMALY";

interface Carried {
    what: string;
    control: string;
    body: unknown;
}

/** The messages each topic receives from the plan's alarms and EventBridge targets (sampled events). */
function carriedByTopic(rs: PolicyResource[]): Map<string, Carried[]> {
    const out = new Map<string, Carried[]>();
    const add = (arn: string, c: Carried) => out.set(arn, [...(out.get(arn) ?? []), c]);
    for (const alarm of ofType(rs, T.alarm)) {
        const n = nameOf(alarm);
        for (const a of asArray(alarm.props.alarmActions as string[])) {
            add(a, {
                what: `alarm ${n}'s notification`,
                control: controlOfAlarm(alarm),
                body: alarmNotification(alarm.props, n),
            });
        }
    }
    const rules = new Map(ofType(rs, T.rule).map((r) => [nameOf(r), r] as const));
    for (const t of ofType(rs, T.target)) {
        const rule = rules.get(asString(t.props.rule) ?? "");
        let pattern: unknown;
        try {
            pattern = JSON.parse(asString(rule?.props.eventPattern) ?? "");
        } catch {
            continue;
        }
        for (const s of EVENT_SAMPLES) {
            let hit = false;
            try {
                hit = eventMatches(pattern as Rec, s.event);
            } catch {
                hit = false;
            }
            if (hit) {
                add(asString(t.props.arn) ?? "", {
                    what: `${s.what} (rule ${asString(t.props.rule)})`,
                    control: "DET-ANOMALY",
                    body: targetMessage(t.props, s.event),
                });
            }
        }
    }
    return out;
}

const CLOUDWATCH: Principal = { kind: "service", service: "cloudwatch.amazonaws.com", identity: [] };

/**
 * Why CloudWatch cannot deliver an alarm's notification to a topic: the topic policy (when the stack sets one)
 * must let cloudwatch.amazonaws.com publish, and an encrypted topic's key policy must let it
 * kms:GenerateDataKey* and kms:Decrypt (CloudWatch "Using Amazon SNS topics with CloudWatch alarms"; an AWS
 * managed key's policy cannot). Evaluated for the request CloudWatch makes: its service principal, the alarm as
 * aws:SourceArn, its account as aws:SourceAccount.
 */
function cloudWatchGaps(rs: PolicyResource[], topic: PolicyResource, alarm: PolicyResource): string[] {
    const topicArn = asString(topic.props.arn) ?? "";
    const alarmArn = asString(alarm.props.arn) ?? "";
    const account = alarmArn.split(":")[4] || topicArn.split(":")[4] || "";
    const context: RequestContext = {
        "aws:sourceaccount": [account],
        "aws:sourcearn": [alarmArn],
        "aws:securetransport": ["true"],
        "aws:principalisawsservice": ["true"],
        "kms:encryptioncontext:aws:sns:topicarn": [topicArn],
    };
    const gaps: string[] = [];
    const topicPolicy = ofType(rs, "aws:sns/topicPolicy:TopicPolicy")
        .filter((p) => p.props.arn === topicArn)
        .map((p) => parseDocument(p.props.policy))
        .find((d) => d !== undefined);
    const may = (
        action: string,
        resource: string,
        name: string,
        document: NonNullable<typeof topicPolicy>,
        kms = false,
    ) =>
        evaluate(CLOUDWATCH, {
            action,
            resource,
            resourceAccount: account,
            resourcePolicy: { name, document },
            ...(kms ? { isKmsKey: true } : {}),
            context,
        }).possible;
    if (topicPolicy && !may("sns:Publish", topicArn, "topic policy", topicPolicy)) {
        gaps.push("the topic policy does not let cloudwatch.amazonaws.com sns:Publish");
    }
    const keyRef = asString(topic.props.kmsMasterKeyId);
    if (keyRef && /alias\/aws\/sns$/.test(keyRef)) {
        gaps.push(
            "the topic is encrypted with the AWS managed key alias/aws/sns, whose policy cannot grant CloudWatch",
        );
    }
    const key = keyRef ? keyOf(rs, keyRef) : undefined;
    const keyPolicy = key ? parseDocument(key.props.policy) : undefined;
    if (key && keyPolicy) {
        const keyArn = asString(key.props.arn) ?? keyRef ?? "";
        const missing = ["kms:GenerateDataKey", "kms:Decrypt"].filter(
            (a) => !may(a, keyArn, "key policy", keyPolicy, true),
        );
        if (missing.length > 0) {
            gaps.push(`key ${nameOf(key)} does not let cloudwatch.amazonaws.com ${missing.join(" and ")}`);
        }
    }
    return gaps;
}

export const alertSubscriptions = stackPolicy({
    name: "operations-alert-subscriptions",
    description:
        "Every subscription of an alert topic (a topic of a guide severity, or one an alarm or EventBridge rule of the stack publishes to) uses an alert channel the catalog allows (e-mail to an address of the stack config's alertEmails, https to a named host, or SQS / Lambda / Firehose of the topic's own account; never plaintext http, SMS or mobile push), has a real endpoint (no empty value or placeholder), and its filter policy (MessageAttributes or MessageBody scope) admits at least one of the alerts the topic carries: the alarm notifications and the routed findings as the stack publishes them. CloudWatch can deliver the alarms' notifications: the topic policy and the topic key's policy, evaluated for cloudwatch.amazonaws.com, let it publish and encrypt.",
    controls: ["DET-UNAUTH", "DET-ANOMALY"],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const carried = carriedByTopic(rs);
        // The people alerts go to are the stack config's alertEmails (when the config reached the pack).
        const recipients = stackConfigList("alertEmails")?.map((a) => a.toLowerCase());
        const topics = ofType(rs, T.topic).filter(
            (t) =>
                (ALERT_SEVERITIES as readonly string[]).includes(String(tagsOf(t)["severity"])) ||
                carried.has(asString(t.props.arn) ?? ""),
        );
        const alarms = ofType(rs, T.alarm);
        for (const topic of topics) {
            const arn = asString(topic.props.arn) ?? "";
            const alerts = carried.get(arn) ?? [];
            // Alarms publishing here: CloudWatch must be able to deliver (one evaluation stands for all of them,
            // the topic and key policies name no alarm).
            const publishing = alarms.filter((a) => asArray(a.props.alarmActions as string[]).includes(arn));
            const gaps = publishing.length > 0 ? cloudWatchGaps(rs, topic, publishing[0]) : [];
            for (const c of new Set(publishing.map(controlOfAlarm))) {
                const own = publishing.filter((a) => controlOfAlarm(a) === c);
                for (const g of gaps) {
                    report(
                        `[${c}] ${own.length} alarm(s) (e.g. ${nameOf(own[0])}) publish to alert topic ${nameOf(topic)}, but CloudWatch cannot deliver: ${g}`,
                        topic.urn,
                    );
                }
            }
            const controls = [...new Set(alerts.map((a) => a.control))];
            const say = (m: string, urn: string) =>
                (controls.length > 0 ? controls : ["DET-ANOMALY"]).forEach((c) => report(`[${c}] ${m}`, urn));
            for (const sub of ofType(rs, T.subscription).filter((s) => s.props.topic === arn)) {
                const what = `subscription ${sub.name} (${asString(sub.props.protocol) ?? "no protocol"} → ${asString(sub.props.endpoint) ?? "no endpoint"}) of alert topic ${nameOf(topic)}`;
                const endpoint = (asString(sub.props.endpoint) ?? "").toLowerCase();
                const problem =
                    subscriptionProblem(sub.props) ??
                    (recipients && /^email/.test(asString(sub.props.protocol) ?? "") && !recipients.includes(endpoint)
                        ? `${endpoint} is not one of the stack's alertEmails (${stackConfigFile()}: ${recipients.join(", ")}); a subscriber added by hand is an exfiltration path. To alert a new recipient, add the address to alertEmails in ${stackConfigFile()}, and the stack subscribes it to every alert topic`
                        : undefined);
                if (problem) {
                    say(`${what} is no alert path: ${problem}`, sub.urn);
                    continue;
                }
                const admits = (body: unknown) => {
                    try {
                        return snsFilterAdmits(sub.props.filterPolicy, sub.props.filterPolicyScope, {
                            body: (body ?? {}) as Rec,
                            attributes: {},
                        });
                    } catch {
                        return false;
                    }
                };
                if (alerts.length > 0 && !alerts.some((a) => admits(a.body))) {
                    say(
                        `${what}: its filter policy (scope ${asString(sub.props.filterPolicyScope) ?? "MessageAttributes"}) admits none of the ${alerts.length} alerts the topic carries (e.g. ${alerts[0].what}); alarm and EventBridge messages carry no message attributes`,
                        sub.urn,
                    );
                }
            }
        }
    },
});

export const alertPathPolicies = [alertSubscriptions];
