import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ReportKey, REPORTS } from "../../policy-pack/catalog/operations";
import { namePrefix, patchGroupName } from "../config";
import { EvidenceRegistry } from "../evidence";
import { awsContext } from "./iam";
import { NodeGroupsToRoll, patching } from "./patching";
import { reports } from "./reporting";

/** The stack config the operations cadence reads (keys as validated in components/config). */
export interface OperationsConfig {
    /** Stack name: physical names and the nodes' patch group derive from it. */
    stack: string;
    /** IANA time zone of the maintenance window and the report / reminder schedules. */
    operationsTimezone: pulumi.Input<string>;
    /** Weekly patch maintenance window (SSM cron). */
    maintenanceWindowSchedule: pulumi.Input<string>;
    /** Days before a non-critical patch is approved. */
    nonCriticalPatchDelayDays: pulumi.Input<number>;
}

export interface OperationsArgs {
    config: OperationsConfig;
    evidence: EvidenceRegistry;
    /** Low-severity topic the routine and audit reports go to (Detection.topics.low.arn). */
    reportTopicArn: pulumi.Input<string>;
    /** KMS key of the alert topics (data: keys.alerts.arn). */
    alertsKeyArn: pulumi.Input<string>;
    /** IAM Access Analyzer (Compliance.accessAnalyzer.arn); none with accountServices adopt. */
    accessAnalyzerArn?: pulumi.Input<string>;
    /** The ISO 27001 / SOC 2 conformance pack (Compliance.conformancePack.name). */
    conformancePackName: pulumi.Input<string>;
    /** Permissions boundary for the roles created here (identity: permissionsBoundary.arn). */
    permissionsBoundaryArn?: pulumi.Input<string>;
    /** The EKS managed node groups critical patches roll through (cluster: cluster.name, nodeGroups). */
    nodeGroups: NodeGroupsToRoll;
    /** Who approves a node roll (identity: roles.systemAdmin.arn). */
    patchApproverArns: pulumi.Input<string>[];
    /** Topic the approval request goes to (Detection.topics.high.arn). */
    approvalTopicArn: pulumi.Input<string>;
}

/**
 * auditing, security_procedures.routine and security_maintenance: report runbooks started by EventBridge
 * Scheduler at the guide's cadences, compliance-audit reminders (reporting.ts), and Patch Manager (baseline,
 * patch group, weekly maintenance window running AWS-RunPatchBaseline) with the approved node roll
 * (patching.ts). Every resource's parent is this component.
 */
export class Operations extends pulumi.ComponentResource {
    readonly reportDocuments: Record<ReportKey, aws.ssm.Document>;
    readonly schedules: aws.scheduler.Schedule[];
    readonly patchBaseline: aws.ssm.PatchBaseline;
    readonly maintenanceWindow: aws.ssm.MaintenanceWindow;
    readonly patchGroup: string;
    /** Approved roll of the EKS node groups onto the latest AMI (critical patches). */
    readonly nodeRollDocument: aws.ssm.Document;

    constructor(name: string, args: OperationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:operations:Operations", name, {}, opts);
        const cfg = args.config;
        const prefix = namePrefix(cfg);
        const ctx = awsContext(this);
        const keys = Object.keys(REPORTS) as ReportKey[];

        const routine = reports(this, name, {
            prefix,
            timezone: cfg.operationsTimezone,
            ctx,
            evidence: args.evidence,
            reportTopicArn: args.reportTopicArn,
            alertsKeyArn: args.alertsKeyArn,
            accessAnalyzerArn: args.accessAnalyzerArn,
            conformancePackName: args.conformancePackName,
            permissionsBoundaryArn: args.permissionsBoundaryArn,
        });
        this.reportDocuments = routine.reportDocuments;
        this.schedules = routine.schedules;

        this.patchGroup = patchGroupName(cfg);
        const patch = patching(this, name, {
            prefix,
            patchGroup: this.patchGroup,
            maintenanceWindowSchedule: cfg.maintenanceWindowSchedule,
            timezone: cfg.operationsTimezone,
            nonCriticalPatchDelayDays: cfg.nonCriticalPatchDelayDays,
            ctx,
            nodeGroups: args.nodeGroups,
            patchApproverArns: args.patchApproverArns,
            approvalTopicArn: args.approvalTopicArn,
            alertsKeyArn: args.alertsKeyArn,
            permissionsBoundaryArn: args.permissionsBoundaryArn,
        });
        this.patchBaseline = patch.patchBaseline;
        this.maintenanceWindow = patch.maintenanceWindow;
        this.nodeRollDocument = patch.nodeRollDocument;

        const e = args.evidence;
        const { target, task, windowRoll } = patch;
        e.record(
            "MNT-PATCH-CRITICAL",
            this.patchBaseline,
            patch.patchGroup,
            this.nodeRollDocument,
            patch.criticalFound,
            patch.rollTarget,
        );
        e.record("MNT-PATCH-NONCRITICAL", this.patchBaseline, this.maintenanceWindow, target, task, windowRoll);
        e.record("OPS-M-PATCH", this.maintenanceWindow, task, windowRoll);
        e.record("IR-SB-PATCH", this.patchBaseline, this.maintenanceWindow, task);

        this.registerOutputs({
            reportDocumentNames: Object.fromEntries(keys.map((k) => [k, this.reportDocuments[k].name])),
            patchBaselineId: this.patchBaseline.id,
            patchGroup: this.patchGroup,
            maintenanceWindowId: this.maintenanceWindow.id,
        });
    }
}
