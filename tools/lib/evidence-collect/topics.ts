// A report or alert "sent" reaches people only through a confirmed subscription of its topic: an email or
// HTTPS subscription stays "PendingConfirmation" until the receiver confirms it, and SNS delivers nothing to it
// meanwhile. A topic of the stack with no confirmed subscription fails the controls that rely on it.
import { paginateListSubscriptionsByTopic, SNSClient } from "@aws-sdk/client-sns";
import type { ControlEvidence } from "../evidence-report";
import { OperatingCheck } from "./types";

const TOPIC = "aws:sns/topic:Topic";
const PENDING = "PendingConfirmation";

export async function topicSubscriptions(
    sns: SNSClient,
    controls: ControlEvidence[],
    checks: OperatingCheck[],
): Promise<{ topic: string; confirmed: number; pending: number }[]> {
    const byTopic = new Map<string, string[]>();
    for (const c of controls) {
        for (const r of c.resources.filter((x) => x.type === TOPIC && x.arn)) {
            byTopic.set(r.arn!, [...(byTopic.get(r.arn!) ?? []), c.id]);
        }
    }
    const out: { topic: string; confirmed: number; pending: number }[] = [];
    for (const [topic, ids] of byTopic) {
        let confirmed = 0;
        let pending = 0;
        try {
            for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topic })) {
                for (const s of page.Subscriptions ?? []) {
                    if (s.SubscriptionArn === PENDING) {
                        pending++;
                    } else if (s.SubscriptionArn) {
                        confirmed++;
                    }
                }
            }
        } catch (e) {
            if ((e as Error).name !== "NotFoundException") {
                throw e;
            }
            pending = -1;
        }
        out.push({ topic, confirmed, pending: Math.max(pending, 0) });
        const detail =
            pending < 0
                ? `topic ${topic} is not in the account`
                : `topic ${topic}: ${confirmed} confirmed subscription(s), ${pending} pending confirmation` +
                  (confirmed ? "" : ": what it publishes reaches no one");
        for (const control of new Set(ids)) {
            checks.push({
                control,
                result: confirmed ? "ok" : "failed",
                source: "sns:ListSubscriptionsByTopic",
                detail,
            });
        }
    }
    return out;
}
