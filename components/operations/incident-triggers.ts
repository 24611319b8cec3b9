// Which high-severity GuardDuty findings start which incident-response runbooks, and the EventBridge rules
// and targets that do it; input transformers map finding fields to runbook parameters.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FINDING_SEVERITY, INCIDENT_RESPONSE_TAG, RunbookKey, RUNBOOKS } from "../../policy-pack/catalog/operations";

/** A GuardDuty high-severity finding pattern, narrowed by `detail`. */
function highFinding(detail: Record<string, unknown>): string {
    return JSON.stringify({
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        detail: { severity: [{ numeric: [">=", FINDING_SEVERITY.guardDuty.high.min] }], ...detail },
    });
}

interface Trigger {
    rule: string;
    description: string;
    pattern: string;
    targets: { key: RunbookKey; paths: Record<string, string>; template: string }[];
}

const TRIGGERS: Trigger[] = [
    {
        rule: "ec2-compromise",
        description: "High-severity GuardDuty finding on an EC2 instance: preserve evidence, then isolate.",
        pattern: highFinding({ resource: { resourceType: ["Instance"] } }),
        targets: (["collectEvidence", "isolateSystems"] as const).map((key) => ({
            key,
            paths: { instance: "$.detail.resource.instanceDetails.instanceId", finding: "$.detail.id" },
            template: '{"InstanceId":[<instance>],"IncidentId":[<finding>]}',
        })),
    },
    {
        rule: "inbound-attack",
        description: "High-severity inbound GuardDuty finding: block the remote IP in WAF.",
        pattern: highFinding({
            service: {
                action: {
                    actionType: ["NETWORK_CONNECTION"],
                    networkConnectionAction: { connectionDirection: ["INBOUND"] },
                },
            },
        }),
        targets: [
            {
                key: "blockAccess",
                paths: {
                    ip: "$.detail.service.action.networkConnectionAction.remoteIpDetails.ipAddressV4",
                    finding: "$.detail.id",
                },
                template: '{"SourceIp":[<ip>],"IncidentId":[<finding>]}',
            },
        ],
    },
    {
        rule: "access-key-compromise",
        description: "High-severity GuardDuty finding on an IAM user's access key: deactivate it.",
        pattern: highFinding({
            resource: { resourceType: ["AccessKey"], accessKeyDetails: { userType: ["IAMUser"] } },
        }),
        targets: [
            {
                key: "revokeAccess",
                paths: {
                    user: "$.detail.resource.accessKeyDetails.userName",
                    key: "$.detail.resource.accessKeyDetails.accessKeyId",
                    finding: "$.detail.id",
                },
                template: '{"UserName":[<user>],"AccessKeyId":[<key>],"IncidentId":[<finding>]}',
            },
        ],
    },
    {
        rule: "eks-compromise",
        description: "High-severity GuardDuty finding on the EKS cluster: notify stakeholders.",
        pattern: highFinding({ resource: { resourceType: ["EKSCluster"] } }),
        targets: [
            {
                key: "notifyStakeholders",
                paths: { type: "$.detail.type", finding: "$.detail.id" },
                template: '{"IncidentId":[<finding>],"Summary":[<type>]}',
            },
        ],
    },
];

export interface TriggerRulesArgs {
    prefix: string;
    /** A runbook's automation definition ARN (the targets' ARN). */
    definitionArn: (key: RunbookKey) => pulumi.Input<string>;
    /** The role EventBridge starts the runbooks with. */
    eventsRoleArn: pulumi.Input<string>;
}

/** One EventBridge rule per trigger with a target per runbook it starts; also the rules and targets per runbook. */
export function triggerRules(parent: pulumi.Resource, name: string, args: TriggerRulesArgs) {
    const targetsByRunbook = new Map<RunbookKey, pulumi.Resource[]>();
    const rules = TRIGGERS.map((t) => {
        const rule = new aws.cloudwatch.EventRule(
            `${name}-${t.rule}`,
            {
                name: `${args.prefix}-ir-${t.rule}`,
                description: t.description,
                eventPattern: t.pattern,
                tags: { [INCIDENT_RESPONSE_TAG]: t.rule, severity: "high" },
            },
            { parent },
        );
        for (const target of t.targets) {
            const step = RUNBOOKS[target.key].step.replace(/_/g, "-");
            const et = new aws.cloudwatch.EventTarget(
                `${name}-${t.rule}-${step}`,
                {
                    rule: rule.name,
                    arn: args.definitionArn(target.key),
                    roleArn: args.eventsRoleArn,
                    inputTransformer: { inputPaths: target.paths, inputTemplate: target.template },
                },
                { parent },
            );
            targetsByRunbook.set(target.key, [...(targetsByRunbook.get(target.key) ?? []), rule, et]);
        }
        return rule;
    });
    return { rules, targetsByRunbook };
}
