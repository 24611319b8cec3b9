import { detectionFires } from "../../policy-pack/policies/detection";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { runStack } from "../harness/program";
import { copy, editJson, find, Rec, set, stackViolations } from "./review-plan";

// EventBridge rules on the prod plan: a source no AWS service emits, a relied-on rule without sample events, and a
// rule on a custom bus without forwarding can never fire (the outside review's b48, b48b, b48d, b89).
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";

let prod: ProgramRun;
beforeAll(async () => {
    prod = await runStack("prod");
}, 120_000);

const run = (edit: (rs: RecordedResource[]) => void) => {
    const rs = copy(prod);
    edit(rs);
    return stackViolations([detectionFires], rs);
};
const source = (rs: RecordedResource[], rule: string, s: unknown[]) =>
    editJson(find(rs, RULE, rule), "eventPattern", (d) => {
        d.source = s;
    });
/** A copy of a record under another name, with its inputs and outputs edited. */
const clone = (rs: RecordedResource[], type: string, name: string, as: string, apply: (p: Rec) => void) => {
    const c = JSON.parse(JSON.stringify(find(rs, type, name))) as RecordedResource & { inputs: Rec; outputs: Rec };
    c.name = as;
    c.urn = c.urn.replace(/::[^:]+$/, `::${as}`);
    set(c, apply);
    rs.push(c);
};
const toCustomBus = (rs: RecordedResource[]) => {
    set(find(rs, RULE, "mas-guardduty-high"), (p) => (p.eventBusName = "mas-prod-custom"));
    set(find(rs, TARGET, "mas-guardduty-high"), (p) => (p.eventBusName = "mas-prod-custom"));
};

describe("EventBridge rules can fire on the prod plan", () => {
    it("pass the plan as built", () => expect(run(() => {})).toEqual([]));

    it.each<[string, RegExp, (rs: RecordedResource[]) => void]>([
        [
            "the EKS incident rule listens to aws.guard-duty",
            /\[IR-SB-NOTIFY\] EventBridge rule mas-prod-ir-eks-compromise can never fire: aws.guard-duty is no AWS event source/,
            (rs) => source(rs, "mas-eks-compromise", ["aws.guard-duty"]),
        ],
        [
            "the EC2 incident rule listens to aws.guardduty.findings",
            /\[IR-SB-ISOLATE\] EventBridge rule mas-prod-ir-ec2-compromise can never fire: aws.guardduty.findings is no AWS event source/,
            (rs) => source(rs, "mas-ec2-compromise", ["aws.guardduty.findings"]),
        ],
        [
            "the critical-patch rule listens to aws.ssm-patch",
            /\[MNT-PATCH-CRITICAL\] EventBridge rule mas-prod-critical-patch-missing can never fire: aws.ssm-patch is no AWS event source/,
            (rs) => source(rs, "mas-critical-patch", ["aws.ssm-patch"]),
        ],
        [
            "the inbound-attack rule listens to AWS Health only (no sample: cannot be shown to fire)",
            /\[IR-SB-BLOCK\] EventBridge rule mas-prod-ir-inbound-attack is relied on .* listens to aws.health, of which the pack has no documented sample events/,
            (rs) => source(rs, "mas-inbound-attack", ["aws.health"]),
        ],
        [
            "the GuardDuty high route on a custom bus (findings arrive on the default bus)",
            /\[DET-ANOMALY\] EventBridge rule mas-prod-findings-guardduty-high can never fire: it is on event bus mas-prod-custom, .* no rule there forwards them/,
            toCustomBus,
        ],
    ])("fails: %s", (_what, message, edit) => {
        expect(run(edit).some((m) => message.test(m))).toBe(true);
    });

    it("fails the custom-bus route also as a finding that reaches no high topic", () => {
        expect(run(toCustomBus)).toContain(
            "operations-detection-fires: [DET-ANOMALY] GuardDuty UnauthorizedAccess:EC2/SSHBruteForce of severity 8 reaches no high-severity alert topic with a subscription that admits it (no enabled EventBridge rule routes it there)",
        );
    });

    it.each<[string, (rs: RecordedResource[]) => void]>([
        [
            "the GuardDuty high route on a custom bus that a default-bus rule forwards GuardDuty findings to",
            (rs) => {
                toCustomBus(rs);
                clone(rs, RULE, "mas-guardduty-medium", "mas-forward", (p) => {
                    p.name = "mas-prod-forward-guardduty";
                    p.eventPattern = JSON.stringify({ source: ["aws.guardduty"] });
                    p.tags = {};
                });
                clone(rs, TARGET, "mas-guardduty-medium", "mas-forward", (p) => {
                    p.rule = "mas-prod-forward-guardduty";
                    p.arn = "arn:aws:events:eu-west-1:123456789012:event-bus/mas-prod-custom";
                });
            },
        ],
        [
            "one more rule nothing relies on, on a service without samples (AWS Health, no target)",
            (rs) =>
                clone(rs, RULE, "mas-guardduty-medium", "mas-health", (p) => {
                    p.name = "mas-prod-health";
                    p.eventPattern = JSON.stringify({ source: ["aws.health"], "detail-type": ["AWS Health Event"] });
                    p.tags = {};
                }),
        ],
        [
            "the EKS incident rule also listening to Security Hub (a source with samples)",
            (rs) => source(rs, "mas-eks-compromise", ["aws.guardduty", "aws.securityhub"]),
        ],
    ])("passes: %s", (_what, edit) => {
        expect(run(edit)).toEqual([]);
    });
});
