// security_maintenance: Patch Manager for the EKS nodes (baseline, patch group, weekly maintenance window that
// scans), and the approved roll of the node groups onto the latest AMI that critical patches start.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import { NODE_AMI_ROLL, PATCHING } from "../../policy-pack/catalog/operations";
import { policyJson, serviceTrust } from "./iam";
import { rollNodeAmis } from "./runbooks";

/**
 * The EKS managed node groups the roll updates, in one order: their names, launch templates, and the SSM
 * parameter of the recommended AMI each launches (a custom AMI: a roll is a new launch template version).
 */
export interface NodeGroupsToRoll {
    clusterName: pulumi.Input<string>;
    names: pulumi.Input<string>[];
    launchTemplateIds: pulumi.Input<string>[];
    amiParameters: pulumi.Input<string>[];
}

export interface PatchingArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    /** The nodes' SSM patch group (their launch templates tag instances with it). */
    patchGroup: string;
    /** Weekly maintenance window (SSM cron) in `timezone`. */
    maintenanceWindowSchedule: pulumi.Input<string>;
    timezone: pulumi.Input<string>;
    /** Days before a non-critical patch is approved. */
    nonCriticalPatchDelayDays: pulumi.Input<number>;
    /** The stack's account and region. */
    ctx: { account: pulumi.Input<string>; region: pulumi.Input<string> };
    /** The EKS managed node groups the roll updates. */
    nodeGroups: NodeGroupsToRoll;
    /** Who approves a node roll, and the topic (with its KMS key) the approval request goes to. */
    patchApproverArns: pulumi.Input<string>[];
    approvalTopicArn: pulumi.Input<string>;
    alertsKeyArn: pulumi.Input<string>;
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * Patch Manager for the EKS nodes (Amazon Linux 2023) scans only: an in-place install reboots a node without
 * cordoning or draining it. The baseline still rates missing patches (critical / important security ones
 * approved at release), and critical ones roll the node groups below.
 */
export function patching(parent: pulumi.Resource, name: string, args: PatchingArgs) {
    const prefix = args.prefix;
    const ctx = args.ctx;
    const patchBaseline = new aws.ssm.PatchBaseline(
        `${name}-baseline`,
        {
            name: `${prefix}-al2023`,
            description:
                "Critical security patches approved immediately; others after a delay (scan only on EKS nodes).",
            operatingSystem: PATCHING.operatingSystem,
            approvedPatchesEnableNonSecurity: false,
            approvalRules: [
                {
                    approveAfterDays: PATCHING.critical.approveAfterDays,
                    complianceLevel: "CRITICAL",
                    patchFilters: [
                        { key: "CLASSIFICATION", values: [...PATCHING.critical.classification] },
                        { key: "SEVERITY", values: [...PATCHING.critical.severity] },
                    ],
                },
                {
                    approveAfterDays: args.nonCriticalPatchDelayDays,
                    complianceLevel: "MEDIUM",
                    patchFilters: [{ key: "CLASSIFICATION", values: [...PATCHING.nonCritical.classification] }],
                },
            ],
        },
        { parent },
    );
    const group = new aws.ssm.PatchGroup(
        `${name}-patch-group`,
        { baselineId: patchBaseline.id, patchGroup: args.patchGroup },
        { parent },
    );
    const maintenanceWindow = new aws.ssm.MaintenanceWindow(
        `${name}-maintenance`,
        {
            name: `${prefix}-maintenance`,
            description: `security_maintenance: ${guide.maintenance.nonCriticalPatches} for patches`,
            schedule: args.maintenanceWindowSchedule,
            scheduleTimezone: args.timezone,
            duration: 3,
            cutoff: 1,
            allowUnassociatedTargets: false,
        },
        { parent },
    );
    const target = new aws.ssm.MaintenanceWindowTarget(
        `${name}-maintenance-nodes`,
        {
            windowId: maintenanceWindow.id,
            name: `${prefix}-nodes`,
            resourceType: "INSTANCE",
            targets: [{ key: "tag:Patch Group", values: [args.patchGroup] }],
        },
        { parent },
    );
    const task = new aws.ssm.MaintenanceWindowTask(
        `${name}-maintenance-patch`,
        {
            windowId: maintenanceWindow.id,
            name: `${prefix}-scan-patch-baseline`,
            taskType: "RUN_COMMAND",
            taskArn: "AWS-RunPatchBaseline",
            priority: 1,
            maxConcurrency: "1",
            maxErrors: "1",
            targets: [{ key: "WindowTargetIds", values: [target.id] }],
            taskInvocationParameters: {
                // Scan never reboots; the nodes' patches arrive as new AMIs through the node groups.
                runCommandParameters: {
                    timeoutSeconds: 3600,
                    parameters: [{ name: "Operation", values: ["Scan"] }],
                },
            },
        },
        { parent },
    );

    // critical_patches "immediate, approval required": a missing critical patch found by the scan starts
    // the node roll, which waits for an approver.
    const rollRole = new aws.iam.Role(
        `${name}-node-roll`,
        {
            name: `${prefix}-node-roll`,
            description: "Rolls the EKS node groups onto the latest AMI after approval.",
            assumeRolePolicy: serviceTrust("ssm.amazonaws.com", ctx.account),
            permissionsBoundary: args.permissionsBoundaryArn,
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-node-roll`,
        {
            role: rollRole.id,
            policy: pulumi
                .all([
                    ctx.region,
                    ctx.account,
                    args.nodeGroups.clusterName,
                    args.approvalTopicArn,
                    args.alertsKeyArn,
                    pulumi.all(args.nodeGroups.launchTemplateIds),
                ])
                .apply(([region, acct, clusterName, topic, key, lts]) =>
                    policyJson([
                        {
                            Sid: "RollNodeGroups",
                            Effect: "Allow",
                            Action: ["eks:UpdateNodegroupVersion", "eks:DescribeNodegroup"],
                            Resource: `arn:aws:eks:${region}:${acct}:nodegroup/${clusterName}/*`,
                        },
                        {
                            // The node groups launch a custom AMI: a roll is a new launch template version
                            // with the newest recommended AMI, read from its public SSM parameter.
                            Sid: "ReadRecommendedAmi",
                            Effect: "Allow",
                            Action: "ssm:GetParameter",
                            Resource: `arn:aws:ssm:${region}::parameter/aws/service/eks/optimized-ami/*`,
                        },
                        {
                            Sid: "NewLaunchTemplateVersion",
                            Effect: "Allow",
                            Action: ["ec2:CreateLaunchTemplateVersion", "ec2:DescribeLaunchTemplateVersions"],
                            Resource: lts.map((id) => `arn:aws:ec2:${region}:${acct}:launch-template/${id}`),
                        },
                        { Sid: "AskApproval", Effect: "Allow", Action: "sns:Publish", Resource: topic },
                        {
                            Sid: "AskApprovalEncrypted",
                            Effect: "Allow",
                            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                            Resource: key,
                        },
                    ]),
                ),
        },
        { parent },
    );
    const nodeRollDocument = new aws.ssm.Document(
        `${name}-node-ami-roll`,
        {
            name: `${prefix}-node-ami-roll`,
            documentType: "Automation",
            documentFormat: "JSON",
            content: pulumi
                .all([
                    rollRole.arn,
                    args.approvalTopicArn,
                    pulumi.all(args.patchApproverArns),
                    args.nodeGroups.clusterName,
                    pulumi.all(args.nodeGroups.names),
                    pulumi.all(args.nodeGroups.launchTemplateIds),
                    pulumi.all(args.nodeGroups.amiParameters),
                ])
                .apply(([role, topic, approvers, clusterName, names, lts, params]) =>
                    rollNodeAmis(
                        role,
                        topic,
                        approvers,
                        clusterName,
                        names.map((name, i) => ({ name, launchTemplateId: lts[i], amiParameter: params[i] })),
                    ),
                ),
            tags: { control: "MNT-PATCH-CRITICAL", patching: NODE_AMI_ROLL },
        },
        { parent },
    );
    // Who may start the node roll: EventBridge (critical patches, after approval) and the maintenance window
    // (non-critical patches), each a role that may only start the runbook and pass its role to SSM.
    const rollStarter = (suffix: string, service: string, description: string, readsExecutions: boolean) => {
        const role = new aws.iam.Role(
            `${name}-${suffix}`,
            {
                name: `${prefix}-${suffix}`,
                description,
                assumeRolePolicy: serviceTrust(service, ctx.account),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            { parent },
        );
        new aws.iam.RolePolicy(
            `${name}-${suffix}`,
            {
                role: role.id,
                policy: pulumi
                    .all([ctx.region, ctx.account, nodeRollDocument.name, rollRole.arn])
                    .apply(([region, acct, docName, passed]) => {
                        const definition = `arn:aws:ssm:${region}:${acct}:automation-definition/${docName}:*`;
                        return policyJson([
                            readsExecutions
                                ? {
                                      Sid: "StartNodeRoll",
                                      Effect: "Allow",
                                      Action: ["ssm:StartAutomationExecution", "ssm:GetAutomationExecution"],
                                      Resource: [definition, `arn:aws:ssm:${region}:${acct}:automation-execution/*`],
                                  }
                                : {
                                      Sid: "StartNodeRoll",
                                      Effect: "Allow",
                                      Action: "ssm:StartAutomationExecution",
                                      Resource: definition,
                                  },
                            {
                                Sid: "PassNodeRollRole",
                                Effect: "Allow",
                                Action: "iam:PassRole",
                                Resource: passed,
                                Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
                            },
                        ]);
                    }),
            },
            { parent },
        );
        return role;
    };
    const rollEventsRole = rollStarter(
        "node-roll-events",
        "events.amazonaws.com",
        "Lets EventBridge start the node roll runbook.",
        false,
    );
    // Non-critical patches: the same roll, without a separate approval, in the weekly maintenance window.
    const windowRole = rollStarter(
        "node-roll-window",
        "ssm.amazonaws.com",
        "Lets the maintenance window start the node roll runbook.",
        true,
    );
    const windowRoll = new aws.ssm.MaintenanceWindowTask(
        `${name}-maintenance-node-roll`,
        {
            windowId: maintenanceWindow.id,
            name: `${prefix}-roll-node-amis`,
            taskType: "AUTOMATION",
            taskArn: nodeRollDocument.name,
            serviceRoleArn: windowRole.arn,
            priority: 2,
            // No targets (the runbook names its node groups): SSM refuses MaxConcurrency / MaxErrors here.
            taskInvocationParameters: {
                automationParameters: {
                    documentVersion: "$DEFAULT",
                    parameters: [
                        { name: "Approval", values: ["skipped"] },
                        { name: "Reason", values: ["weekly maintenance window"] },
                    ],
                },
            },
        },
        { parent },
    );

    const criticalFound = new aws.cloudwatch.EventRule(
        `${name}-critical-patch`,
        {
            name: `${prefix}-critical-patch-missing`,
            description: "A node reports missing approved patches (scan): ask to roll the node groups.",
            eventPattern: JSON.stringify({
                source: ["aws.ssm"],
                "detail-type": ["Configuration Compliance State Change"],
                detail: { "compliance-type": ["Patch"], "compliance-status": ["non_compliant"] },
            }),
            tags: { patching: NODE_AMI_ROLL },
        },
        { parent },
    );
    const rollTarget = new aws.cloudwatch.EventTarget(
        `${name}-critical-patch`,
        {
            rule: criticalFound.name,
            arn: pulumi.interpolate`arn:aws:ssm:${ctx.region}:${ctx.account}:automation-definition/${nodeRollDocument.name}:$DEFAULT`,
            roleArn: rollEventsRole.arn,
            inputTransformer: {
                inputPaths: { instance: "$.detail.resource-id" },
                inputTemplate: '{"Reason":["missing approved patches on <instance>"]}',
            },
        },
        { parent },
    );
    return {
        patchBaseline,
        patchGroup: group,
        maintenanceWindow,
        target,
        task,
        nodeRollDocument,
        windowRoll,
        criticalFound,
        rollTarget,
    };
}
