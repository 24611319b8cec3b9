// The incident response's automation: the quarantine security group, the role the SSM Automation runbooks run
// as, the runbook documents, and the role EventBridge starts them with.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { INCIDENT_RESPONSE_TAG, RunbookKey, RUNBOOKS } from "../../policy-pack/catalog/operations";
import { AwsContext, policyJson, serviceTrust } from "./iam";
import * as runbooks from "./runbooks";

/** What the runbooks need of the WAF IP set block_access adds to. */
export interface WafIpSetRef {
    name: pulumi.Input<string>;
    id: pulumi.Input<string>;
    /** REGIONAL for an ALB web ACL. */
    scope: pulumi.Input<string>;
    arn: pulumi.Input<string>;
}

/** isolate_systems' security group: no ingress and no egress (`egress: []` also removes the default allow-all). */
export function quarantineSecurityGroup(
    parent: pulumi.Resource,
    name: string,
    args: { prefix: string; vpcId: pulumi.Input<string> },
): aws.ec2.SecurityGroup {
    return new aws.ec2.SecurityGroup(
        `${name}-quarantine`,
        {
            name: `${args.prefix}-quarantine`,
            description: "Incident quarantine: no traffic in or out",
            vpcId: args.vpcId,
            ingress: [],
            egress: [],
            tags: { Name: `${args.prefix}-quarantine`, [INCIDENT_RESPONSE_TAG]: "isolate_systems" },
        },
        { parent },
    );
}

export interface AutomationRoleArgs {
    prefix: string;
    ctx: AwsContext;
    permissionsBoundaryArn?: pulumi.Input<string>;
    /** The IP set block_access updates. */
    wafIpSetArn: pulumi.Input<string>;
    /** The topic notify_stakeholders publishes to, and its KMS key. */
    highTopicArn: pulumi.Input<string>;
    alertsKeyArn: pulumi.Input<string>;
}

/** The role the runbooks run as, allowed exactly the runbooks' steps. */
export function automationRole(parent: pulumi.Resource, name: string, args: AutomationRoleArgs): aws.iam.Role {
    const { ctx } = args;
    const role = new aws.iam.Role(
        `${name}-automation`,
        {
            name: `${args.prefix}-incident-automation`,
            description: "Runs the incident-response SSM Automation runbooks.",
            assumeRolePolicy: serviceTrust("ssm.amazonaws.com", ctx.account),
            permissionsBoundary: args.permissionsBoundaryArn,
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-automation`,
        {
            role: role.id,
            policy: pulumi
                .all([ctx.account, ctx.region, args.wafIpSetArn, args.highTopicArn, args.alertsKeyArn])
                .apply(([acct, region, ipSetArn, topicArn, keyArn]) =>
                    policyJson([
                        {
                            // Describe calls have no resource-level permissions.
                            Sid: "Describe",
                            Effect: "Allow",
                            Action: "ec2:DescribeNetworkInterfaces",
                            Resource: "*",
                        },
                        {
                            Sid: "Isolate",
                            Effect: "Allow",
                            Action: "ec2:ModifyNetworkInterfaceAttribute",
                            Resource: [
                                `arn:aws:ec2:${region}:${acct}:network-interface/*`,
                                `arn:aws:ec2:${region}:${acct}:security-group/*`,
                            ],
                        },
                        {
                            Sid: "Evidence",
                            Effect: "Allow",
                            Action: ["ec2:CreateSnapshots", "ec2:CreateTags"],
                            Resource: [
                                `arn:aws:ec2:${region}:${acct}:instance/*`,
                                `arn:aws:ec2:${region}:${acct}:volume/*`,
                                `arn:aws:ec2:${region}::snapshot/*`,
                            ],
                        },
                        {
                            Sid: "Block",
                            Effect: "Allow",
                            Action: ["wafv2:GetIPSet", "wafv2:UpdateIPSet"],
                            Resource: ipSetArn,
                        },
                        {
                            Sid: "RevokeKey",
                            Effect: "Allow",
                            Action: "iam:UpdateAccessKey",
                            Resource: `arn:aws:iam::${acct}:user/*`,
                        },
                        {
                            Sid: "RevokeEks",
                            Effect: "Allow",
                            Action: "eks:DeleteAccessEntry",
                            Resource: `arn:aws:eks:${region}:${acct}:access-entry/*`,
                        },
                        { Sid: "Notify", Effect: "Allow", Action: "sns:Publish", Resource: topicArn },
                        {
                            Sid: "NotifyEncrypted",
                            Effect: "Allow",
                            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                            Resource: keyArn,
                        },
                    ]),
                ),
        },
        { parent },
    );
    return role;
}

export interface RunbookDocumentsArgs {
    prefix: string;
    automationRoleArn: pulumi.Output<string>;
    quarantineSecurityGroupId: pulumi.Input<string>;
    wafIpSet: WafIpSetRef;
    highTopicArn: pulumi.Input<string>;
}

/** One SSM Automation document per runbook of the guide (RUNBOOKS order). */
export function runbookDocuments(
    parent: pulumi.Resource,
    name: string,
    args: RunbookDocumentsArgs,
): Record<RunbookKey, aws.ssm.Document> {
    const role = args.automationRoleArn;
    const contents: Record<RunbookKey, pulumi.Output<string>> = {
        isolateSystems: pulumi
            .all([role, args.quarantineSecurityGroupId])
            .apply(([r, sg]) => runbooks.isolateSystems(r, sg)),
        blockAccess: pulumi
            .all([role, args.wafIpSet.name, args.wafIpSet.id, args.wafIpSet.scope])
            .apply(([r, n, id, scope]) => runbooks.blockAccess(r, { name: n, id, scope })),
        revokeAccess: role.apply((r) => runbooks.revokeAccess(r)),
        collectEvidence: role.apply((r) => runbooks.collectEvidence(r)),
        notifyStakeholders: pulumi
            .all([role, args.highTopicArn])
            .apply(([r, topic]) => runbooks.notifyStakeholders(r, topic)),
    };
    return Object.fromEntries(
        (Object.keys(RUNBOOKS) as RunbookKey[]).map((key) => {
            const step = RUNBOOKS[key].step;
            return [
                key,
                new aws.ssm.Document(
                    `${name}-${step.replace(/_/g, "-")}`,
                    {
                        name: `${args.prefix}-ir-${step.replace(/_/g, "-")}`,
                        documentType: "Automation",
                        documentFormat: "JSON",
                        content: contents[key],
                        tags: { control: RUNBOOKS[key].control, [INCIDENT_RESPONSE_TAG]: step },
                    },
                    { parent },
                ),
            ];
        }),
    ) as Record<RunbookKey, aws.ssm.Document>;
}

export interface EventsRoleArgs {
    prefix: string;
    ctx: AwsContext;
    permissionsBoundaryArn?: pulumi.Input<string>;
    /** The runbooks' automation definitions (`...:$DEFAULT`) EventBridge may start. */
    definitionArns: pulumi.Input<string>[];
    /** The role the runbooks run as, passed to SSM. */
    automationRoleArn: pulumi.Input<string>;
}

/** The role EventBridge starts the runbooks with. */
export function eventsRole(parent: pulumi.Resource, name: string, args: EventsRoleArgs): aws.iam.Role {
    const role = new aws.iam.Role(
        `${name}-events`,
        {
            name: `${args.prefix}-incident-events`,
            description: "Lets EventBridge start the incident-response runbooks.",
            assumeRolePolicy: serviceTrust("events.amazonaws.com", args.ctx.account),
            permissionsBoundary: args.permissionsBoundaryArn,
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-events`,
        {
            role: role.id,
            policy: pulumi
                .all([pulumi.all(args.definitionArns), args.automationRoleArn])
                .apply(([arns, automationRoleArn]) =>
                    policyJson([
                        {
                            Sid: "StartRunbooks",
                            Effect: "Allow",
                            Action: "ssm:StartAutomationExecution",
                            Resource: arns.map((a) => a.replace(/:\$DEFAULT$/, ":*")),
                        },
                        {
                            Sid: "PassAutomationRole",
                            Effect: "Allow",
                            Action: "iam:PassRole",
                            Resource: automationRoleArn,
                            Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                        },
                    ]),
                ),
        },
        { parent },
    );
    return role;
}
