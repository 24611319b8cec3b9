import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FINDING_SEVERITY, INCIDENT_RESPONSE_TAG, RunbookKey, RUNBOOKS } from "../../policy-pack/catalog/operations";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { awsContext, policyJson, serviceTrust } from "./iam";
import * as runbooks from "./runbooks";

export interface WafIpSetRef {
    name: pulumi.Input<string>;
    id: pulumi.Input<string>;
    /** REGIONAL for an ALB web ACL. */
    scope: pulumi.Input<string>;
    arn: pulumi.Input<string>;
}

/** The stack config the incident response reads (keys as validated in components/config). */
export interface IncidentResponseConfig {
    /** Stack name: physical names derive from it. */
    stack: string;
}

export interface IncidentResponseArgs {
    config: IncidentResponseConfig;
    evidence: EvidenceRegistry;
    /** VPC of the workloads (network: vpc.id): the quarantine security group lives there. */
    vpcId: pulumi.Input<string>;
    /** High-severity alert topic (Detection.topics.high.arn). */
    highTopicArn: pulumi.Input<string>;
    /** KMS key of the alert topics (data: keys.alerts.arn): publishing needs GenerateDataKey / Decrypt. */
    alertsKeyArn: pulumi.Input<string>;
    /** The WAF IP set block_access adds to (network: wafBlockIpSet). */
    wafIpSet: WafIpSetRef;
    /** Permissions boundary for the roles created here (identity: permissionsBoundary.arn). */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/** A GuardDuty high-severity finding pattern, narrowed by `detail`. */
function highFinding(detail: Record<string, unknown>): string {
    return JSON.stringify({
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        detail: { severity: [{ numeric: [">=", FINDING_SEVERITY.guardDuty.high.min] }], ...detail },
    });
}

/**
 * incident_response: the guide's automatable steps as SSM Automation runbooks (isolate_systems,
 * block_access, revoke_access, collect_evidence, notify_stakeholders), the least-privilege roles they and
 * EventBridge run as, and EventBridge rules that start them on high-severity GuardDuty findings.
 */
export class IncidentResponse extends pulumi.ComponentResource {
    readonly quarantineSecurityGroup: aws.ec2.SecurityGroup;
    readonly automationRole: aws.iam.Role;
    readonly documents: Record<RunbookKey, aws.ssm.Document>;
    readonly rules: aws.cloudwatch.EventRule[];

    constructor(name: string, args: IncidentResponseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:operations:IncidentResponse", name, {}, opts);
        const prefix = namePrefix(args.config);
        const ctx = awsContext(this);

        // No ingress and no egress: `egress: []` also removes the default allow-all egress rule.
        this.quarantineSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-quarantine`,
            {
                name: `${prefix}-quarantine`,
                description: "Incident quarantine: no traffic in or out",
                vpcId: args.vpcId,
                ingress: [],
                egress: [],
                tags: { Name: `${prefix}-quarantine`, [INCIDENT_RESPONSE_TAG]: "isolate_systems" },
            },
            { parent: this },
        );

        this.automationRole = new aws.iam.Role(
            `${name}-automation`,
            {
                name: `${prefix}-incident-automation`,
                description: "Runs the incident-response SSM Automation runbooks.",
                assumeRolePolicy: serviceTrust("ssm.amazonaws.com", ctx.account),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-automation`,
            {
                role: this.automationRole.id,
                policy: pulumi
                    .all([ctx.account, ctx.region, args.wafIpSet.arn, args.highTopicArn, args.alertsKeyArn])
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
            { parent: this },
        );

        const role = this.automationRole.arn;
        const contents: Record<RunbookKey, pulumi.Output<string>> = {
            isolateSystems: pulumi
                .all([role, this.quarantineSecurityGroup.id])
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
        this.documents = Object.fromEntries(
            (Object.keys(RUNBOOKS) as RunbookKey[]).map((key) => {
                const step = RUNBOOKS[key].step;
                return [
                    key,
                    new aws.ssm.Document(
                        `${name}-${step.replace(/_/g, "-")}`,
                        {
                            name: `${prefix}-ir-${step.replace(/_/g, "-")}`,
                            documentType: "Automation",
                            documentFormat: "JSON",
                            content: contents[key],
                            tags: { control: RUNBOOKS[key].control, [INCIDENT_RESPONSE_TAG]: step },
                        },
                        { parent: this },
                    ),
                ];
            }),
        ) as Record<RunbookKey, aws.ssm.Document>;

        const definitionArn = (key: RunbookKey) =>
            pulumi.interpolate`arn:aws:ssm:${ctx.region}:${ctx.account}:automation-definition/${this.documents[key].name}:$DEFAULT`;

        const eventsRole = new aws.iam.Role(
            `${name}-events`,
            {
                name: `${prefix}-incident-events`,
                description: "Lets EventBridge start the incident-response runbooks.",
                assumeRolePolicy: serviceTrust("events.amazonaws.com", ctx.account),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            { parent: this },
        );
        const keys = Object.keys(RUNBOOKS) as RunbookKey[];
        new aws.iam.RolePolicy(
            `${name}-events`,
            {
                role: eventsRole.id,
                policy: pulumi
                    .all([pulumi.all(keys.map((k) => definitionArn(k))), this.automationRole.arn])
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
            { parent: this },
        );

        // Which findings start which runbooks; input transformers map finding fields to runbook parameters.
        const triggers: {
            rule: string;
            description: string;
            pattern: string;
            targets: { key: RunbookKey; paths: Record<string, string>; template: string }[];
        }[] = [
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
        const targetsByRunbook = new Map<RunbookKey, pulumi.Resource[]>();
        this.rules = triggers.map((t) => {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-${t.rule}`,
                {
                    name: `${prefix}-ir-${t.rule}`,
                    description: t.description,
                    eventPattern: t.pattern,
                    tags: { [INCIDENT_RESPONSE_TAG]: t.rule, severity: "high" },
                },
                { parent: this },
            );
            for (const target of t.targets) {
                const step = RUNBOOKS[target.key].step.replace(/_/g, "-");
                const et = new aws.cloudwatch.EventTarget(
                    `${name}-${t.rule}-${step}`,
                    {
                        rule: rule.name,
                        arn: definitionArn(target.key),
                        roleArn: eventsRole.arn,
                        inputTransformer: { inputPaths: target.paths, inputTemplate: target.template },
                    },
                    { parent: this },
                );
                targetsByRunbook.set(target.key, [...(targetsByRunbook.get(target.key) ?? []), rule, et]);
            }
            return rule;
        });

        for (const key of keys) {
            args.evidence.record(RUNBOOKS[key].control, this.documents[key], ...(targetsByRunbook.get(key) ?? []));
        }
        args.evidence.record("IR-SB-ISOLATE", this.quarantineSecurityGroup, this.automationRole);
        args.evidence.record("OPS-E-ISOLATE", this.quarantineSecurityGroup, this.documents.isolateSystems);

        this.registerOutputs({
            quarantineSecurityGroupId: this.quarantineSecurityGroup.id,
            documentNames: Object.fromEntries(keys.map((k) => [k, this.documents[k].name])),
            automationRoleArn: this.automationRole.arn,
        });
    }
}
