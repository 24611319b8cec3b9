import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RunbookKey, RUNBOOKS } from "../../policy-pack/catalog/operations";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { awsContext } from "./iam";
import {
    automationRole,
    eventsRole,
    quarantineSecurityGroup,
    runbookDocuments,
    WafIpSetRef,
} from "./incident-automation";
import { triggerRules } from "./incident-triggers";

export type { WafIpSetRef } from "./incident-automation";

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
        const boundary = args.permissionsBoundaryArn;

        this.quarantineSecurityGroup = quarantineSecurityGroup(this, name, { prefix, vpcId: args.vpcId });
        this.automationRole = automationRole(this, name, {
            prefix,
            ctx,
            permissionsBoundaryArn: boundary,
            wafIpSetArn: args.wafIpSet.arn,
            highTopicArn: args.highTopicArn,
            alertsKeyArn: args.alertsKeyArn,
        });
        this.documents = runbookDocuments(this, name, {
            prefix,
            automationRoleArn: this.automationRole.arn,
            quarantineSecurityGroupId: this.quarantineSecurityGroup.id,
            wafIpSet: args.wafIpSet,
            highTopicArn: args.highTopicArn,
        });

        const definitionArn = (key: RunbookKey) =>
            pulumi.interpolate`arn:aws:ssm:${ctx.region}:${ctx.account}:automation-definition/${this.documents[key].name}:$DEFAULT`;
        const keys = Object.keys(RUNBOOKS) as RunbookKey[];
        const events = eventsRole(this, name, {
            prefix,
            ctx,
            permissionsBoundaryArn: boundary,
            definitionArns: keys.map((k) => definitionArn(k)),
            automationRoleArn: this.automationRole.arn,
        });
        const triggers = triggerRules(this, name, { prefix, definitionArn, eventsRoleArn: events.arn });
        this.rules = triggers.rules;

        recordEvidence(args.evidence, this, triggers.targetsByRunbook);

        this.registerOutputs({
            quarantineSecurityGroupId: this.quarantineSecurityGroup.id,
            documentNames: Object.fromEntries(keys.map((k) => [k, this.documents[k].name])),
            automationRoleArn: this.automationRole.arn,
        });
    }
}

/** Each runbook's control met by its document and the rules and targets that start it; isolation's controls. */
function recordEvidence(
    ev: EvidenceRegistry,
    ir: IncidentResponse,
    targetsByRunbook: Map<RunbookKey, pulumi.Resource[]>,
): void {
    for (const key of Object.keys(RUNBOOKS) as RunbookKey[]) {
        ev.record(RUNBOOKS[key].control, ir.documents[key], ...(targetsByRunbook.get(key) ?? []));
    }
    ev.record("IR-SB-ISOLATE", ir.quarantineSecurityGroup, ir.automationRole);
    ev.record("OPS-E-ISOLATE", ir.quarantineSecurityGroup, ir.documents.isolateSystems);
}
