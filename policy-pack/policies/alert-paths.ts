// Every subscription of an alert topic is a real alert path: an allowed protocol to a real receiver (the
// catalog's ALERT_PROTOCOLS), and a filter policy that admits at least one of the alerts the topic carries,
// judged against the messages the stack's alarms and EventBridge targets actually publish there.

import { PolicyResource } from "@pulumi/policy";
import { ALERT_SEVERITIES } from "../catalog/operations";
import { EVENT_SAMPLES } from "../catalog/operations/samples";
import { eventMatches, snsFilterAdmits } from "../lib/detection/event-pattern";
import { alarmNotification, subscriptionProblem, targetMessage } from "../lib/detection/subscriptions";
import { stackConfigFile, stackConfigList } from "../lib/stack-config";
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

export const alertSubscriptions = stackPolicy({
    name: "operations-alert-subscriptions",
    description:
        "Every subscription of an alert topic (a topic of a guide severity, or one an alarm or EventBridge rule of the stack publishes to) uses an alert channel the catalog allows (e-mail to an address of the stack config's alertEmails, https to a named host, or SQS / Lambda / Firehose of the topic's own account; never plaintext http, SMS or mobile push), has a real endpoint (no empty value or placeholder), and its filter policy (MessageAttributes or MessageBody scope) admits at least one of the alerts the topic carries: the alarm notifications and the routed findings as the stack publishes them.",
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
        for (const topic of topics) {
            const arn = asString(topic.props.arn) ?? "";
            const alerts = carried.get(arn) ?? [];
            const controls = [...new Set(alerts.map((a) => a.control))];
            const say = (m: string, urn: string) =>
                (controls.length > 0 ? controls : ["DET-ANOMALY"]).forEach((c) => report(`[${c}] ${m}`, urn));
            for (const sub of ofType(rs, T.subscription).filter((s) => s.props.topic === arn)) {
                const what = `subscription ${sub.name} (${asString(sub.props.protocol) ?? "no protocol"} → ${asString(sub.props.endpoint) ?? "no endpoint"}) of alert topic ${nameOf(topic)}`;
                const endpoint = (asString(sub.props.endpoint) ?? "").toLowerCase();
                const problem =
                    subscriptionProblem(sub.props) ??
                    (recipients && /^email/.test(asString(sub.props.protocol) ?? "") && !recipients.includes(endpoint)
                        ? `${endpoint} is not one of the stack's alertEmails (${stackConfigFile()}: ${recipients.join(", ")})`
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
