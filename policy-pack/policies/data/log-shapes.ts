// The shapes of log event the stack writes to CloudWatch Logs, for judging what a subscription filter forwards:
// the detection samples (CloudTrail records, EKS authenticator lines) plus one event of each other source.

import {
    BENIGN_AUTH_SAMPLES,
    FAILED_AUTH_SAMPLES,
    LogSample,
    PRIVILEGED_SAMPLES,
} from "../../catalog/operations/samples";

const other = (what: string, line: string): LogSample => ({ what, source: "cloudtrail", event: () => line });

export const LOG_SHAPES: LogSample[] = [
    ...FAILED_AUTH_SAMPLES,
    ...BENIGN_AUTH_SAMPLES,
    ...PRIVILEGED_SAMPLES.fires,
    // A VPC flow log record (default format, version 2).
    other(
        "a VPC flow log record",
        "2 123456789012 eni-0a1b2c3d4e5f67890 10.0.1.5 10.0.2.9 49152 443 6 10 840 1764921600 1764921660 ACCEPT OK",
    ),
    other(
        "a WAF log record",
        JSON.stringify({
            timestamp: 1764921600000,
            formatVersion: 1,
            webaclId: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/mas/1",
            terminatingRuleId: "Default_Action",
            action: "ALLOW",
            httpRequest: { clientIp: "198.51.100.7", country: "NL", uri: "/agents", httpMethod: "POST" },
        }),
    ),
    other(
        "a Network Firewall alert record",
        JSON.stringify({
            firewall_name: "mas",
            availability_zone: "eu-west-1a",
            event_timestamp: "1764921600",
            event: { event_type: "alert", alert: { action: "blocked", signature_id: 1000001 }, proto: "TCP" },
        }),
    ),
    other("an application log line", "2026-12-05T01:00:00Z INFO agent planner started request_id=4f2a"),
    other("an application JSON log", JSON.stringify({ level: "info", msg: "tool call", agent: "planner" })),
];
