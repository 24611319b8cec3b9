// The detection's finding routes: EventBridge rules that send GuardDuty (numeric score), Security Hub (label)
// and Macie (description) findings to the alert topic of their severity.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlertSeverity, FINDING_SEVERITY } from "../../policy-pack/catalog/operations";

const gd = FINDING_SEVERITY.guardDuty;
const sh = FINDING_SEVERITY.securityHub;
const mc = FINDING_SEVERITY.macie;

/** Route name, severity and event pattern, in rule order. */
const ROUTES: [string, AlertSeverity, object][] = [
    [
        "guardduty-high",
        "high",
        {
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", gd.high.min] }] },
        },
    ],
    [
        "guardduty-medium",
        "medium",
        {
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", gd.medium.min, "<", gd.medium.below] }] },
        },
    ],
    ...(["high", "medium"] as const).map((sev): [string, AlertSeverity, object] => [
        `securityhub-${sev}`,
        sev,
        {
            source: ["aws.securityhub"],
            "detail-type": ["Security Hub Findings - Imported"],
            detail: {
                findings: {
                    Severity: { Label: [...sh[sev]] },
                    RecordState: ["ACTIVE"],
                    Workflow: { Status: ["NEW"] },
                },
            },
        },
    ]),
    ...(["high", "medium"] as const).map((sev): [string, AlertSeverity, object] => [
        `macie-${sev}`,
        sev,
        {
            source: ["aws.macie"],
            "detail-type": ["Macie Finding"],
            detail: { severity: { description: [...mc[sev]] } },
        },
    ]),
];

/** One rule per route, each with a target on its severity's topic. */
export function findingRoutes(
    parent: pulumi.Resource,
    name: string,
    args: { prefix: string; topics: Record<AlertSeverity, aws.sns.Topic> },
) {
    const targets: aws.cloudwatch.EventTarget[] = [];
    const rules = ROUTES.map(([route, severity, pattern]) => {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-${route}`,
            {
                name: `${args.prefix}-findings-${route}`,
                description: `Route ${route.split("-")[0]} findings of ${severity} severity to the ${severity} alert topic.`,
                eventPattern: JSON.stringify(pattern),
                tags: { severity },
            },
            { parent },
        );
        targets.push(
            new aws.cloudwatch.EventTarget(
                `${name}-${route}`,
                { rule: rule.name, arn: args.topics[severity].arn },
                { parent },
            ),
        );
        return rule;
    });
    return { rules, targets };
}
