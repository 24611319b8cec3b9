import { ALERT_PROTOCOLS, PLACEHOLDER, REFUSED_PROTOCOLS } from "../../catalog/operations/alert-channels";
import { reservedDomainOf } from "../reserved-domains";

/**
 * Whether an SNS subscription is a real alert path (ALERT_PROTOCOLS): its protocol is allowed and its endpoint
 * is a receiver of that protocol, in the topic's account for AWS receivers. Returns why not, or undefined.
 * (An e-mail address at a reserved domain is refused by the stack config before `pulumi up`; the plans of
 * this repository use them, so the pack judges the address form only.)
 */
export function subscriptionProblem(props: Record<string, unknown>): string | undefined {
    const protocol = typeof props.protocol === "string" ? props.protocol : "";
    const endpoint = typeof props.endpoint === "string" ? props.endpoint.trim() : "";
    const topicAccount = typeof props.topic === "string" ? props.topic.split(":")[4] : undefined;
    if (!(protocol in ALERT_PROTOCOLS)) {
        return REFUSED_PROTOCOLS[protocol] ?? `protocol ${protocol || "(none)"} is not an alert channel`;
    }
    const [local, domain] = endpoint.split("@");
    if (PLACEHOLDER.test(endpoint) || PLACEHOLDER.test(local ?? "")) {
        return `its endpoint ${JSON.stringify(endpoint)} is empty or a placeholder`;
    }
    switch (protocol) {
        case "email":
        case "email-json":
            return /^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(endpoint) && domain !== undefined
                ? undefined
                : `its endpoint ${endpoint} is not a mail address`;
        case "https": {
            let url: URL;
            try {
                url = new URL(endpoint);
            } catch {
                return `its endpoint ${endpoint} is not a URL`;
            }
            if (url.protocol !== "https:") {
                return `its endpoint ${endpoint} is not an https URL`;
            }
            const host = url.hostname;
            if (/^(\d+\.){3}\d+$|^\[/.test(host) || reservedDomainOf(host) || !host.includes(".")) {
                return `its endpoint host ${host} is an address, a single label or a reserved name, not a receiver a certificate names`;
            }
            return undefined;
        }
        default: {
            const service = protocol === "firehose" ? "firehose" : protocol;
            const m = new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:(\\d{12}):.+$`).exec(endpoint);
            if (!m) {
                return `its endpoint ${endpoint} is not a ${ALERT_PROTOCOLS[protocol as keyof typeof ALERT_PROTOCOLS]}`;
            }
            if (topicAccount && m[1] !== topicAccount) {
                return `its endpoint ${endpoint} is in account ${m[1]}, not the topic's (${topicAccount}): alerts leave the account`;
            }
            if (protocol === "firehose" && !props.subscriptionRoleArn) {
                return "a firehose subscription without subscriptionRoleArn delivers nothing";
            }
            return undefined;
        }
    }
}

/**
 * The JSON body CloudWatch publishes to SNS when an alarm enters ALARM ("Using Amazon SNS topics with
 * CloudWatch alarms"): what a MessageBody filter policy is matched against. Alarm notifications carry no
 * message attributes, so a MessageAttributes filter with any key drops them.
 */
export function alarmNotification(alarm: Record<string, unknown>, name: string): Record<string, unknown> {
    const arn = typeof alarm.arn === "string" ? alarm.arn : "";
    const [, , , region, account] = arn.split(":");
    const dims = alarm.dimensions && typeof alarm.dimensions === "object" ? alarm.dimensions : {};
    return {
        AlarmName: name,
        AlarmDescription: alarm.alarmDescription ?? null,
        AWSAccountId: account ?? "",
        NewStateValue: "ALARM",
        NewStateReason: "Threshold Crossed",
        StateChangeTime: "2026-01-01T00:00:00.000+0000",
        // CloudWatch writes the Region's display name (e.g. "EU (Ireland)"); the code stands in for it.
        Region: region ?? "",
        AlarmArn: arn,
        OldStateValue: "OK",
        AlarmActions: alarm.alarmActions ?? [],
        Trigger: {
            MetricName: alarm.metricName ?? null,
            Namespace: alarm.namespace ?? null,
            Statistic: typeof alarm.statistic === "string" ? alarm.statistic.toUpperCase() : null,
            Dimensions: Object.entries(dims).map(([k, v]) => ({ name: k, value: v })),
            Period: alarm.period ?? null,
            EvaluationPeriods: alarm.evaluationPeriods ?? null,
            ComparisonOperator: alarm.comparisonOperator ?? null,
            Threshold: alarm.threshold ?? null,
        },
    };
}

/**
 * What an EventBridge target sends for an event: the event itself, a constant Input, the InputPath's part, or an
 * input transformer's template filled from its paths (simple `$.a.b` paths; undefined when not computable).
 */
export function targetMessage(target: Record<string, unknown>, event: Record<string, unknown>): unknown {
    const at = (path: string): unknown =>
        path === "$"
            ? event
            : path
                  .replace(/^\$\.?/, "")
                  .split(".")
                  .reduce<unknown>(
                      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
                      event,
                  );
    if (typeof target.input === "string") {
        try {
            return JSON.parse(target.input);
        } catch {
            return target.input;
        }
    }
    if (typeof target.inputPath === "string") {
        return at(target.inputPath);
    }
    const t = target.inputTransformer as { inputPaths?: Record<string, string>; inputTemplate?: string } | undefined;
    if (t && typeof t.inputTemplate === "string") {
        let text = t.inputTemplate;
        for (const [k, path] of Object.entries(t.inputPaths ?? {})) {
            const v = at(path);
            // Inside quotes a value is spliced as text; outside as JSON.
            text = text
                .split(`"<${k}>"`)
                .join(JSON.stringify(typeof v === "string" ? v : JSON.stringify(v ?? null)))
                .split(`<${k}>`)
                .join(typeof v === "string" ? v : JSON.stringify(v ?? null));
        }
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return event;
}
