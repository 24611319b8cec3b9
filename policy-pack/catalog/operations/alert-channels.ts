// Where security alerts may go: a subscription of an alert topic is an alert path only when its protocol
// carries the alert encrypted to a receiver the stack knows. The guide's monitor_alerts / notify_stakeholders
// mean people (or the stack's own automation) read them.

/** Protocols an alert topic's subscription may use, and what its endpoint must be. */
export const ALERT_PROTOCOLS = {
    /** People: the on-call addresses of the stack config (alertEmails). */
    email: "mail address",
    "email-json": "mail address",
    /** A paging / chat webhook over TLS. */
    https: "https URL",
    /** The stack's own automation, in its own account (an alert must not leave the account). */
    sqs: "queue ARN",
    lambda: "function ARN",
    firehose: "delivery stream ARN",
} as const;

export type AlertProtocol = keyof typeof ALERT_PROTOCOLS;

/** Why the protocols SNS offers beyond ALERT_PROTOCOLS are not alert paths. */
export const REFUSED_PROTOCOLS: Record<string, string> = {
    http: "plaintext HTTP: the alert crosses the network unencrypted and the receiver is not authenticated",
    sms: "SMS: cleartext over carrier networks, truncated to a text message, not a monitored security inbox",
    application: "mobile push: a device token, not a monitored recipient",
};

/** Endpoint values that stand for "fill me in". */
export const PLACEHOLDER =
    /^(|x+|-+|none|null|todo|tbd|changeme|change-me|placeholder|replace-?me|your[-_.].*|.*<[^>]*>.*)$/i;
