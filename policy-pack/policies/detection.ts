// Can each alarm and rule fire, and does its alert reach people? The metric filters are evaluated against a
// synthetic log event of each failure the guide names (and events they must not count); EventBridge rules
// against documented sample events of their sources; every alert path ends in a topic of the guide's
// severity with a subscription whose filter policy admits the message.

import { PolicyResource } from "@pulumi/policy";
import { ANOMALY, AlertSeverity, FAILED_AUTH, INCIDENT_RESPONSE_TAG, RUNBOOKS } from "../catalog/operations";
import {
    BENIGN_AUTH_SAMPLES,
    EVENT_SAMPLES,
    EventSample,
    FAILED_AUTH_SAMPLES,
    LogSample,
    LogSourceKind,
    PRIVILEGED_SAMPLES,
    SAMPLED_SOURCES,
} from "../catalog/operations/samples";
import { AWS_EVENT_SOURCES, DEFAULT_EVENT_BUS } from "../catalog/operations/event-sources";
import { NODE_AMI_ROLL } from "../catalog/operations/maintenance";
import { eventMatches, snsFilterAdmits } from "../lib/detection/event-pattern";
import { compileFilterPattern, FilterMatcher } from "../lib/detection/filter-pattern";
import { alarmNotification, subscriptionProblem, targetMessage } from "../lib/detection/subscriptions";
import { asArray, asObject, asString, stackPolicy } from "./lib";

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    filter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    trail: "aws:cloudtrail/trail:Trail",
    cluster: "aws:eks/cluster:Cluster",
    role: "aws:iam/role:Role",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
} as const;

type Rec = Record<string, unknown>;
const tags = (r: PolicyResource): Record<string, string> =>
    ({ ...asObject(r.props.tagsAll), ...asObject(r.props.tags) }) as Record<string, string>;
const nameOf = (r: PolicyResource) => asString(r.props.name) ?? r.name;
const ofType = (rs: PolicyResource[], t: string) => rs.filter((r) => r.type === t);

/** The finding sources whose findings must be routed, when the plan turns them on. */
const FINDING_SOURCES: Record<string, string> = {
    "aws.guardduty": "aws:guardduty/detector:Detector",
    "aws.securityhub": "aws:securityhub/account:Account",
    "aws.macie": "aws:macie2/account:Account",
};

/** What each detection alarm (by its `detection` tag) must count, its control and the guide's severity. */
const ALARM_DUTIES: Record<
    string,
    { control: string; severity: AlertSeverity; fires: LogSample[]; quiet: LogSample[] }
> = {
    "failed-authentication": {
        control: "DET-UNAUTH",
        severity: FAILED_AUTH.severity,
        fires: FAILED_AUTH_SAMPLES,
        quiet: BENIGN_AUTH_SAMPLES,
    },
    "privileged-assumption": {
        control: "DET-UNAUTH",
        severity: FAILED_AUTH.severity,
        fires: PRIVILEGED_SAMPLES.fires,
        quiet: PRIVILEGED_SAMPLES.quiet,
    },
    anomaly: { control: "DET-ANOMALY", severity: ANOMALY.severity, fires: [], quiet: [] },
};

/** Log groups each log source lands in: the trails' CloudWatch groups; EKS clusters' authenticator logs. */
function logGroups(rs: PolicyResource[]): Record<LogSourceKind, Set<string>> {
    const cloudtrail = new Set(
        ofType(rs, T.trail)
            .filter((t) => t.props.enableLogging !== false)
            .map((t) => /:log-group:(.+?)(?::\*)?$/.exec(asString(t.props.cloudWatchLogsGroupArn) ?? "")?.[1])
            .filter((g): g is string => g !== undefined),
    );
    const eks = new Set(
        ofType(rs, T.cluster)
            .filter((c) => asArray(c.props.enabledClusterLogTypes as string[]).includes("authenticator"))
            .map((c) => `/aws/eks/${nameOf(c)}/cluster`),
    );
    return { cloudtrail, "eks-authenticator": eks };
}

interface Feed {
    filter: PolicyResource;
    match: FilterMatcher;
}

/** Metric filters that add to the alarm's metric (same namespace, name and dimensions, a positive value). */
/** The metrics an alarm watches: its own metric, or every metric of its metric queries (a math expression sums). */
function watched(alarm: PolicyResource): { namespace: unknown; name: unknown; dims: string }[] {
    const queries = asArray(alarm.props.metricQueries as Rec[]).map((q) => asObject(asObject(q).metric));
    return [
        {
            namespace: alarm.props.namespace,
            name: alarm.props.metricName,
            dims: JSON.stringify(asObject(alarm.props.dimensions)),
        },
        ...queries.map((m) => ({
            namespace: m.namespace,
            name: m.metricName,
            dims: JSON.stringify(asObject(m.dimensions)),
        })),
    ].filter((w) => typeof w.name === "string");
}

/** Metric filters that add to a metric the alarm watches (same namespace, name and dimensions, a positive value). */
function feeds(alarm: PolicyResource, filters: PolicyResource[], report: (m: string, urn?: string) => void): Feed[] {
    const metrics = watched(alarm);
    return filters.flatMap((f) => {
        const m = asObject(f.props.metricTransformation);
        const value = asString(m.value) ?? String(m.value ?? "");
        const counts = value.startsWith("$") || Number(value) > 0;
        const dims = JSON.stringify(asObject(m.dimensions));
        if (!counts || !metrics.some((w) => w.namespace === m.namespace && w.name === m.name && w.dims === dims)) {
            return [];
        }
        try {
            return [{ filter: f, match: compileFilterPattern(asString(f.props.pattern) ?? "") }];
        } catch (e) {
            report(`metric filter ${nameOf(f)} has a pattern the pack cannot read: ${(e as Error).message}`, f.urn);
            return [];
        }
    });
}

/**
 * Topics by ARN, each with whether some subscription admits a message (body undefined: not known): a real
 * alert channel (protocol and endpoint, subscriptions.ts) whose filter policy admits it.
 */
function topicIndex(rs: PolicyResource[]) {
    const subscriptions = ofType(rs, T.subscription);
    const topics = new Map(ofType(rs, T.topic).map((t) => [asString(t.props.arn) ?? "", t] as const));
    const admitted = (arn: string, body: unknown): boolean =>
        subscriptions.some((s) => {
            if (s.props.topic !== arn || subscriptionProblem(s.props) !== undefined) {
                return false;
            }
            if (body === undefined && s.props.filterPolicyScope === "MessageBody" && s.props.filterPolicy) {
                return false;
            }
            try {
                return snsFilterAdmits(s.props.filterPolicy, s.props.filterPolicyScope, {
                    body: body ?? {},
                    attributes: {},
                });
            } catch {
                return false;
            }
        });
    return { topics, admitted };
}

export const detectionFires = stackPolicy({
    name: "operations-detection-fires",
    description:
        "Every detection alarm can fire and reaches people: its metric filters count a synthetic log event of each failure the guide names (failed console sign-in, AccessDenied / UnauthorizedOperation API calls, EKS authenticator rejections; system_admin assumptions) in the log group that receives it, and count none of the benign ones; every EventBridge rule names AWS event sources that exist (catalog event-sources), every rule the stack relies on (incident response, severity routing, patching, alert or runbook targets) matches a documented sample event, and a rule on another bus than the default one sees AWS events only through a forwarding rule; each finding of high / medium severity reaches a topic of that severity; every alarm and route ends in a topic of the guide's severity with a subscription whose filter policy admits the message.",
    controls: ["DET-UNAUTH", "DET-ANOMALY", "MNT-PATCH-CRITICAL", ...Object.values(RUNBOOKS).map((r) => r.control)],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const groups = logGroups(rs);
        const filters = ofType(rs, T.filter);
        const { topics, admitted } = topicIndex(rs);
        const roles = ofType(rs, T.role);
        const adminArn = asString(roles.find((r) => tags(r)["rbac-role"] === "system_admin")?.props.arn);
        const otherArn =
            asString(roles.find((r) => tags(r)["rbac-role"] && tags(r)["rbac-role"] !== "system_admin")?.props.arn) ??
            "arn:aws:iam::111122223333:role/another";
        const ctx = {
            systemAdminRoleArn: adminArn ?? "arn:aws:iam::111122223333:role/system-admin",
            otherRoleArn: otherArn,
        };

        // A failure is missed when no alarm of its kind counts it (one more alarm of the kind is compliant).
        const uncounted = new Map<string, { covered: boolean; messages: [string, string][] }>();
        for (const alarm of ofType(rs, T.alarm)) {
            const duty = ALARM_DUTIES[tags(alarm)["detection"] ?? ""];
            if (!duty) {
                continue;
            }
            const n = nameOf(alarm);
            const say = (m: string, urn = alarm.urn) => report(`[${duty.control}] ${m}`, urn);
            const fed = feeds(alarm, filters, say);
            const counting = (s: LogSample) =>
                fed.filter(
                    (f) => groups[s.source].has(asString(f.filter.props.logGroupName) ?? "") && f.match(s.event(ctx)),
                );
            if (tags(alarm)["detection"] !== "privileged-assumption" || adminArn) {
                for (const s of duty.fires) {
                    const key = `${tags(alarm)["detection"]}|${s.what}`;
                    const entry = uncounted.get(key) ?? { covered: false, messages: [] };
                    if (counting(s).length > 0) {
                        entry.covered = true;
                    } else {
                        entry.messages.push([
                            `[${duty.control}] alarm ${n} can never count ${s.what}: no metric filter feeding ${
                                watched(alarm)
                                    .map((w) => `${String(w.namespace)}/${String(w.name)}`)
                                    .join(", ") || "its metric"
                            } on the log group it lands in (${[...groups[s.source]].join(", ") || "none: that log is not collected"}) matches it`,
                            alarm.urn,
                        ]);
                    }
                    uncounted.set(key, entry);
                }
                for (const s of duty.quiet) {
                    for (const f of counting(s)) {
                        say(`metric filter ${nameOf(f.filter)} of alarm ${n} counts ${s.what}`, f.filter.urn);
                    }
                }
            }
            if (alarm.props.actionsEnabled === false) {
                say(`alarm ${n} has its actions disabled (actionsEnabled false): it notifies no one`);
            }
            const body = alarmNotification(alarm.props, n);
            const reached = asArray(alarm.props.alarmActions as string[]).filter((a) => {
                const topic = topics.get(a);
                return topic && tags(topic)["severity"] === duty.severity && admitted(a, body);
            });
            if (reached.length === 0) {
                say(
                    `alarm ${n} reaches no ${duty.severity}-severity topic with a subscription that admits its notification (actions: ${asArray(alarm.props.alarmActions as string[]).join(", ") || "none"})`,
                );
            }
        }
        for (const { covered, messages } of uncounted.values()) {
            if (!covered) {
                messages.forEach(([m, urn]) => report(m, urn));
            }
        }

        // EventBridge: each rule on a sampled source can fire; each finding reaches its severity's topic.
        const targets = ofType(rs, T.target);
        const rules = ofType(rs, T.rule).filter((r) => asString(r.props.eventPattern) && r.props.state !== "DISABLED");
        const parsed = new Map<PolicyResource, Rec>();
        for (const r of rules) {
            try {
                parsed.set(r, JSON.parse(asString(r.props.eventPattern) ?? "") as Rec);
            } catch {
                report(`[DET-ANOMALY] EventBridge rule ${nameOf(r)} has an event pattern that is not JSON`, r.urn);
            }
        }
        // AWS service events arrive on the default bus only; a rule on another bus sees the ones a rule of the
        // default bus forwards to it (a target of the bus's ARN).
        const busOf = (x: PolicyResource) =>
            (asString(x.props.eventBusName) ?? DEFAULT_EVENT_BUS).replace(
                /^arn:[^:]+:events:[^:]*:\d*:event-bus\//,
                "",
            );
        const targetsOf = (r: PolicyResource) =>
            targets.filter((t) => t.props.rule === nameOf(r) && busOf(t) === busOf(r));
        const patternMatches = (r: PolicyResource, s: EventSample) => {
            try {
                return eventMatches(parsed.get(r), s.event);
            } catch {
                return false;
            }
        };
        const matches = (r: PolicyResource, s: EventSample) =>
            patternMatches(r, s) &&
            (busOf(r) === DEFAULT_EVENT_BUS ||
                [...parsed.keys()].some(
                    (f) =>
                        busOf(f) === DEFAULT_EVENT_BUS &&
                        patternMatches(f, s) &&
                        targetsOf(f).some((t) => (asString(t.props.arn) ?? "").endsWith(`:event-bus/${busOf(r)}`)),
                ));
        // Rules the stack relies on: incident response, severity routing, patching, or routing to a topic / runbook.
        const reliedOn = (r: PolicyResource) =>
            tags(r)[INCIDENT_RESPONSE_TAG] !== undefined ||
            tags(r)["severity"] !== undefined ||
            tags(r)["patching"] !== undefined ||
            targetsOf(r).some(
                (t) =>
                    topics.has(asString(t.props.arn) ?? "") ||
                    /:automation-definition\//.test(asString(t.props.arn) ?? ""),
            );
        const controlOf = (r: PolicyResource): string[] => {
            if (tags(r)["patching"] === NODE_AMI_ROLL) {
                return ["MNT-PATCH-CRITICAL"];
            }
            if (!tags(r)[INCIDENT_RESPONSE_TAG]) {
                return ["DET-ANOMALY"];
            }
            const own = targets.filter((t) => t.props.rule === nameOf(r)).map((t) => asString(t.props.arn) ?? "");
            const started = Object.values(RUNBOOKS).filter((rb) =>
                own.some((a) => a.includes(`-ir-${rb.step.replace(/_/g, "-")}:`)),
            );
            return started.length > 0 ? started.map((rb) => rb.control) : ["IR-SB-ISOLATE"];
        };
        for (const [r, pattern] of parsed) {
            const sources = asArray(pattern.source as unknown[]).filter((s): s is string => typeof s === "string");
            const say = (m: string) =>
                controlOf(r).forEach((c) => report(`[${c}] EventBridge rule ${nameOf(r)} ${m}`, r.urn));
            // An aws.* source no AWS service emits: the rule listens to nothing (catalog event-sources).
            const unknown = sources.filter((s) => s.startsWith("aws.") && !AWS_EVENT_SOURCES.includes(s));
            if (unknown.length > 0) {
                say(
                    `can never fire: ${unknown.join(", ")} is no AWS event source (known: the catalog's ${AWS_EVENT_SOURCES.length} services, e.g. aws.guardduty, aws.securityhub, aws.ssm)`,
                );
                continue;
            }
            const sampled = sources.length > 0 && sources.every((s) => SAMPLED_SOURCES.includes(s));
            if (!sampled && !reliedOn(r)) {
                continue; // a source without documented samples, on a rule nothing relies on
            }
            if (!sampled) {
                say(
                    `is relied on (incident response, severity routing, patching or an alert / runbook target) but listens to ${sources.join(", ") || "no source"}, of which the pack has no documented sample events: it cannot be shown to fire`,
                );
                continue;
            }
            if (!EVENT_SAMPLES.some((s) => matches(r, s))) {
                say(
                    busOf(r) !== DEFAULT_EVENT_BUS && EVENT_SAMPLES.some((s) => patternMatches(r, s))
                        ? `can never fire: it is on event bus ${busOf(r)}, but AWS service events (${sources.join(", ")}) arrive on the default bus and no rule there forwards them to ${busOf(r)}`
                        : `can never fire: none of the documented sample events of ${sources.join(", ")} matches its pattern (a misspelt source, detail-type or field?)`,
                );
            }
        }
        const enabled = new Set(
            Object.entries(FINDING_SOURCES)
                .filter(([, type]) => rs.some((r) => r.type === type && r.props.enable !== false))
                .map(([source]) => source),
        );
        for (const s of EVENT_SAMPLES.filter((x) => x.severity !== undefined && enabled.has(String(x.event.source)))) {
            const reached = [...parsed.keys()]
                .filter((r) => matches(r, s))
                .flatMap((r) => targetsOf(r))
                .filter((t) => {
                    const arn = asString(t.props.arn) ?? "";
                    const topic = topics.get(arn);
                    // What the topic receives: the event, a constant input, or a transformer's output.
                    const body = targetMessage(t.props, s.event as Rec);
                    return topic && tags(topic)["severity"] === s.severity && admitted(arn, body);
                });
            if (reached.length === 0) {
                report(
                    `[DET-ANOMALY] ${s.what} reaches no ${String(s.severity)}-severity alert topic with a subscription that admits it (no enabled EventBridge rule routes it there)`,
                );
            }
        }
    },
});

export const detectionPolicies = [detectionFires];
