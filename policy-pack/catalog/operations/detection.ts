// security_monitoring.threat_detection: the alarms' metrics and patterns, how findings map onto alert severities.

import { guide } from "../guide";
import { Control } from "../types";
import { infra } from "./shared";

const unauth = guide.threatDetection.unauthorizedAccess;
const anomaly = guide.threatDetection.abnormalBehavior;

/** The failed-authentication metric every failed-auth metric filter feeds, and its alarm (DET-UNAUTH). */
export const FAILED_AUTH = {
    namespace: "MAS/Security",
    metricName: "FailedAuthentication",
    threshold: unauth.failedAuthThreshold,
    periodSeconds: unauth.windowMinutes * 60,
    severity: unauth.severity,
} as const;

/** Privileged (system_admin) role assumptions: every one alarms (PAM). */
export const PRIVILEGED_ASSUMPTION = { namespace: "MAS/Security", metricName: "PrivilegedRoleAssumption" } as const;

/**
 * CloudWatch Logs filter patterns for failed authentication. The first two are the CIS AWS Foundations
 * patterns on the CloudTrail log group; the third matches aws-iam-authenticator's rejection lines in the
 * EKS control-plane log group (`level=warning msg="access denied" ...`). The last two are the guide's OAuth2
 * method (Cognito, which logs user authentication to CloudTrail): rejected sign-ins (NotAuthorizedException)
 * and token-endpoint requests answered with an error status (Token_POST, responseParameters.status).
 */
export const FAILED_AUTH_PATTERNS = {
    consoleLogin: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    accessDenied: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    eksAuthenticator: '"access denied"',
    oauth2SignIn: '{ ($.eventSource = "cognito-idp.amazonaws.com") && ($.errorCode = "NotAuthorizedException") }',
    oauth2Token:
        '{ ($.eventSource = "cognito-idp.amazonaws.com") && ($.eventName = "Token_POST") && ($.additionalEventData.responseParameters.status >= 400) }',
} as const;

/**
 * East-west agent traffic for abnormal_behavior: bytes of accepted VPC flow-log records (default format, 14
 * space-separated fields) from the agent segment to the agent and service segments, as one metric.
 */
export const EAST_WEST = {
    key: "east-west",
    namespace: "MAS/Detection",
    metricName: "AgentEastWestBytes",
    stat: "Sum",
} as const;

/** A flow-log address match for a CIDR: its whole octets, then `*` (a superset when the mask is not /8, /16, /24). */
export function cidrWildcard(cidr: string): string {
    const [ip, bits] = cidr.split("/");
    const octets = Math.floor(Number(bits) / 8);
    return octets === 0 ? "*" : `${ip.split(".").slice(0, octets).join(".")}.*`;
}

/** The space-delimited filter of accepted flows from `src` to `dst`, valued by their bytes. */
export function eastWestPattern(src: string, dst: string): string {
    return `[version, account, eni, srcaddr=${cidrWildcard(src)}, dstaddr=${cidrWildcard(dst)}, srcport, dstport, protocol, packets, bytes, start, end, action="ACCEPT", status]`;
}

/** Metrics the abnormal_behavior anomaly alarms watch: agent traffic through the ALB (Istio ingress). */
export const ANOMALY = {
    deviationSigma: anomaly.deviationSigma,
    periodSeconds: anomaly.windowMinutes * 60,
    severity: anomaly.severity,
    namespace: "AWS/ApplicationELB",
    metrics: [
        { key: "requests", metricName: "RequestCount", stat: "Sum" },
        { key: "errors", metricName: "HTTPCode_Target_5XX_Count", stat: "Sum" },
    ],
} as const;

/** The band expression of an anomaly alarm; `m1` is the watched metric's query id. */
export function anomalyBand(sigma: number = ANOMALY.deviationSigma): string {
    return `ANOMALY_DETECTION_BAND(m1, ${sigma})`;
}

export const ALERT_SEVERITIES = ["high", "medium", "low"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/**
 * How each finding source's severity maps onto the alert topics. GuardDuty scores are 1.0-8.9 with
 * High ≥ 7.0 and Medium 4.0-6.9; Security Hub uses Severity.Label; Macie severity.description.
 */
export const FINDING_SEVERITY = {
    guardDuty: { high: { min: 7 }, medium: { min: 4, below: 7 } },
    securityHub: { high: ["HIGH", "CRITICAL"], medium: ["MEDIUM"] },
    macie: { high: ["High"], medium: ["Medium", "Low"] },
} as const;

export const securityMonitoringControls: Control[] = [
    // security_monitoring.threat_detection
    {
        id: "DET-UNAUTH",
        section: "security_monitoring",
        guidePath: "security_monitoring.threat_detection.rules[unauthorized_access].condition",
        requirement: `More than ${unauth.failedAuthThreshold} failed authentications within ${unauth.windowMinutes} minutes raise a ${unauth.severity}-severity alert (console, API AccessDenied, EKS authenticator); every system_admin assumption alerts too.`,
        iso27001: ["A.8.16", "A.5.25", "A.8.5"],
        soc2: ["CC7.2", "CC7.3"],
        how: infra,
    },
    {
        id: "DET-ANOMALY",
        section: "security_monitoring",
        guidePath: "security_monitoring.threat_detection.rules[abnormal_behavior].condition",
        requirement: `Agent traffic deviating more than ${anomaly.deviationSigma} standard deviations from its learned band over ${anomaly.windowMinutes} minutes raises a ${anomaly.severity}-severity alert; GuardDuty / Security Hub / Macie findings are routed by severity.`,
        iso27001: ["A.8.16"],
        soc2: ["CC7.2"],
        how: infra,
    },
];

/**
 * Hours an alarm may stay in ALARM before its alert counts as unanswered, by the alarm's alert severity. The
 * guide names no response times; these are the stack's own response expectations (the on-call acknowledges and
 * resolves or re-tunes a high alert within the working day, a medium one within three days). `evidence
 * --collect` makes a control whose alarm has been in ALARM longer than this partial, naming the alarm.
 */
export const ALARM_RESPONSE_HOURS: Record<AlertSeverity, number> = { high: 8, medium: 72, low: 168 };
