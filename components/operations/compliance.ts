import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    CONFIG_RULES,
    configRuleName,
    ConfigRuleDef,
    SECURITY_HUB_STANDARDS,
} from "../../policy-pack/catalog/operations";
import { namePrefix } from "../config";
import { CONFIG_KEY_PREFIX } from "../data/logging";
import { EvidenceRegistry } from "../evidence";
import { awsContext, policyJson, serviceTrust } from "./iam";

/** The stack config the compliance section reads (keys as validated in components/config). */
export interface ComplianceConfig {
    /** Stack name: physical names derive from it. */
    stack: string;
    /** `adopt`: the landing zone owns Config's recorder, Security Hub and Access Analyzer (none is created here). */
    accountServices: "create" | "adopt";
}

export interface ComplianceArgs {
    config: ComplianceConfig;
    evidence: EvidenceRegistry;
    /**
     * Bucket for Config snapshots / history (data: configBucket.bucket). Not the Object Lock audit bucket:
     * AWS Config does not support a delivery channel to a bucket with Object Lock enabled.
     */
    configBucketName: pulumi.Input<string>;
    /** KMS key of that bucket (data: keys.audit.arn), when the bucket uses SSE-KMS. */
    auditKeyArn?: pulumi.Input<string>;
    /** Permissions boundary for the Config role (identity: permissionsBoundary.arn). */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/** The AWS-managed policy AWS Config's recorder role needs to read resource configurations. */
export const CONFIG_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole";

/** CloudFormation logical id of a rule in the conformance pack template. */
function logicalId(identifier: string): string {
    return identifier
        .toLowerCase()
        .split("_")
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join("");
}

/**
 * The conformance pack template (JSON, which CloudFormation and Config accept as YAML), generated from
 * the catalog table: one AWS::Config::ConfigRule per row, its ISO 27001 / SOC 2 mapping in the description.
 */
export function conformancePackTemplate(rules: ConfigRuleDef[] = CONFIG_RULES): string {
    const resources = Object.fromEntries(
        rules.map((r) => [
            logicalId(r.identifier),
            {
                Type: "AWS::Config::ConfigRule",
                Properties: {
                    ConfigRuleName: configRuleName(r.identifier),
                    Description: `${r.controls.join(", ")} | ISO/IEC 27001:2022 ${r.iso27001.join(", ")} | SOC 2 ${r.soc2.join(", ")}`,
                    Source: { Owner: "AWS", SourceIdentifier: r.identifier },
                    ...(r.inputParameters ? { InputParameters: r.inputParameters } : {}),
                    ...(r.maximumExecutionFrequency ? { MaximumExecutionFrequency: r.maximumExecutionFrequency } : {}),
                },
            },
        ]),
    );
    return JSON.stringify({ Resources: resources }, null, 2);
}

/**
 * compliance: AWS Config recording every resource into its own delivery bucket, a generated ISO 27001 / SOC 2
 * conformance pack, Security Hub with FSBP, CIS 3.0.0 and NIST 800-53 r5, and an IAM Access Analyzer.
 */
export class Compliance extends pulumi.ComponentResource {
    /** The account's singletons: undefined with `accountServices: adopt` (the landing zone's). */
    readonly recorder?: aws.cfg.Recorder;
    readonly deliveryChannel?: aws.cfg.DeliveryChannel;
    readonly conformancePack: aws.cfg.ConformancePack;
    readonly securityHub?: aws.securityhub.Account;
    readonly standards: aws.securityhub.StandardsSubscription[];
    readonly accessAnalyzer?: aws.accessanalyzer.Analyzer;

    constructor(name: string, args: ComplianceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:operations:Compliance", name, {}, opts);
        const prefix = namePrefix(args.config);
        // One of each per account and Region: created only when this stack owns the account's services.
        const own = args.config.accountServices === "create" ? accountSingletons(this, name, args, prefix) : undefined;
        this.recorder = own?.recorder;
        this.deliveryChannel = own?.deliveryChannel;
        this.securityHub = own?.securityHub;
        this.standards = own?.standards ?? [];
        this.accessAnalyzer = own?.accessAnalyzer;

        // A conformance pack (not loose rules): one deployable, reviewable unit with its own compliance score. A
        // member account may deploy its own; it evaluates through the recorder the landing zone runs.
        this.conformancePack = new aws.cfg.ConformancePack(
            `${name}-iso27001-soc2`,
            { name: `${prefix}-iso27001-soc2`, templateBody: conformancePackTemplate() },
            { parent: this, dependsOn: own ? [own.status] : [] },
        );

        const e = args.evidence;
        const defined = <T>(xs: (T | undefined)[]) => xs.filter((x): x is T => x !== undefined);
        if (own) {
            e.record("CMP-SOC2-EVIDENCE", own.recorder, own.deliveryChannel, own.status);
        }
        e.record("CMP-ISO-ACCESS", ...defined([this.conformancePack, this.accessAnalyzer]));
        e.record("CMP-ISO-CRYPTO", this.conformancePack);
        e.record("CMP-ISO-OPS", ...defined([this.conformancePack, this.securityHub]), ...this.standards);
        e.record(
            "CMP-SOC2-SECURITY",
            ...defined([this.conformancePack, this.securityHub]),
            ...this.standards,
            ...defined([this.accessAnalyzer]),
        );
        e.record("CMP-SOC2-AVAILABILITY", this.conformancePack);
        e.record("CMP-SOC2-CONFIDENTIALITY", this.conformancePack);
        e.record("OPS-D-INTEGRITY", this.conformancePack);
        e.record("OPS-M-CREDENTIALS", this.conformancePack);

        this.registerOutputs({
            recorderName: this.recorder?.name,
            conformancePackName: this.conformancePack.name,
            accessAnalyzerArn: this.accessAnalyzer?.arn,
        });
    }
}

/**
 * The account-wide compliance services (AWS Config's recorder and delivery channel, Security Hub with its
 * standards, an account Access Analyzer): one per account and Region, so only a stack that owns the account
 * creates them.
 */
function accountSingletons(parent: Compliance, name: string, args: ComplianceArgs, prefix: string) {
    const ctx = awsContext(parent);
    const role = new aws.iam.Role(
        `${name}-config`,
        {
            name: `${prefix}-config-recorder`,
            description: "AWS Config recorder and delivery channel.",
            assumeRolePolicy: serviceTrust("config.amazonaws.com", ctx.account),
            permissionsBoundary: args.permissionsBoundaryArn,
        },
        { parent },
    );
    const managed = new aws.iam.RolePolicyAttachment(
        `${name}-config`,
        { role: role.name, policyArn: CONFIG_ROLE_POLICY },
        { parent },
    );
    const delivery = new aws.iam.RolePolicy(
        `${name}-config-delivery`,
        {
            role: role.id,
            policy: pulumi.all([args.configBucketName, ctx.account, args.auditKeyArn]).apply(([bucket, acct, keyArn]) =>
                policyJson([
                    {
                        Sid: "BucketAcl",
                        Effect: "Allow",
                        Action: ["s3:GetBucketAcl", "s3:ListBucket"],
                        Resource: `arn:aws:s3:::${bucket}`,
                    },
                    {
                        Sid: "Deliver",
                        Effect: "Allow",
                        Action: "s3:PutObject",
                        Resource: `arn:aws:s3:::${bucket}/${CONFIG_KEY_PREFIX}/AWSLogs/${acct}/Config/*`,
                        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } },
                    },
                    ...(keyArn
                        ? [
                              {
                                  Sid: "EncryptDeliveries",
                                  Effect: "Allow" as const,
                                  Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                                  Resource: keyArn,
                              },
                          ]
                        : []),
                ]),
            ),
        },
        { parent },
    );

    // One recorder per account and Region: every supported type, global ones (IAM) included.
    const recorder = new aws.cfg.Recorder(
        `${name}-recorder`,
        {
            name: `${prefix}-recorder`,
            roleArn: role.arn,
            recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
        },
        { parent, dependsOn: [managed] },
    );
    const deliveryChannel = new aws.cfg.DeliveryChannel(
        `${name}-delivery`,
        {
            name: `${prefix}-delivery`,
            s3BucketName: args.configBucketName,
            s3KeyPrefix: CONFIG_KEY_PREFIX,
            s3KmsKeyArn: args.auditKeyArn,
            snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
        },
        { parent, dependsOn: [recorder, delivery] },
    );
    const status = new aws.cfg.RecorderStatus(
        `${name}-recorder`,
        { name: recorder.name, isEnabled: true },
        { parent, dependsOn: [deliveryChannel] },
    );

    const securityHub = new aws.securityhub.Account(
        `${name}-securityhub`,
        { enableDefaultStandards: false, autoEnableControls: true },
        { parent },
    );
    const standards = Object.entries(SECURITY_HUB_STANDARDS).map(
        ([key, path]) =>
            new aws.securityhub.StandardsSubscription(
                `${name}-standard-${key}`,
                { standardsArn: pulumi.interpolate`arn:aws:securityhub:${ctx.region}::${path}` },
                { parent, dependsOn: [securityHub] },
            ),
    );

    const accessAnalyzer = new aws.accessanalyzer.Analyzer(
        `${name}-access-analyzer`,
        { analyzerName: `${prefix}-account`, type: "ACCOUNT" },
        { parent },
    );

    return { recorder, deliveryChannel, status, securityHub, standards, accessAnalyzer };
}
