import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClassificationLevel } from "../../policy-pack/catalog";
import { KMS_DELETION_WINDOW_DAYS, KMS_ROTATION_DAYS, SIGNING_KEY_SPEC } from "../../policy-pack/catalog/data";
import { PLATFORM_STACK_TAG, RBAC_ROLE_TAG } from "../../policy-pack/catalog/identity";
import { EvidenceRegistry } from "../evidence";
import { arn, AwsEnv, awsEnv, classified, DataConfig, dataNames, policyDocument, roleArn, Statement } from "./common";
import type { DataRoleArns } from "./data-stores";

export const KEY_PURPOSES = [
    "logs",
    "audit",
    "eks",
    "ebs",
    "backup",
    "critical",
    "sensitive",
    "payload",
    "alerts",
] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

const KEY_CLASSIFICATION: Record<KeyPurpose, ClassificationLevel> = {
    logs: "sensitive",
    audit: "critical",
    eks: "sensitive",
    ebs: "sensitive",
    backup: "critical",
    critical: "critical",
    sensitive: "sensitive",
    payload: "sensitive",
    alerts: "internal",
};

const KEY_DESCRIPTION: Record<KeyPurpose, string> = {
    logs: "CloudWatch Logs groups and the system / security log buckets",
    audit: "CloudTrail and the audit log bucket",
    eks: "EKS Kubernetes secrets envelope encryption",
    ebs: "EBS volumes of the EKS nodes",
    backup: "the AWS Backup vault",
    critical: "critical-classified data (agent_data)",
    sensitive: "sensitive-classified data (metrics_data)",
    payload: "the message-payload data key in Secrets Manager",
    alerts: "SNS alert topics",
};

export interface KeysArgs {
    config: DataConfig;
    evidence: EvidenceRegistry;
    /** Roles of access_control.data_access: they use the critical / sensitive keys through S3. */
    roleArns: DataRoleArns;
}

/** Symmetric use of a key (what services and roles need; never kms:* outside the admin statement). */
const USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * Customer-managed KMS keys, one per purpose (data_protection.encryption.at_rest, key_management: vault →
 * KMS), each with a key policy that names only the services and roles that use it, plus the Ed25519
 * message-signing key (message_security.integrity.signatures).
 */
export class Keys extends pulumi.ComponentResource {
    readonly keys: Record<KeyPurpose, aws.kms.Key>;
    readonly aliases: Record<KeyPurpose, aws.kms.Alias>;
    /** Ed25519 (ECC_NIST_EDWARDS25519, SIGN_VERIFY) key for message signatures. */
    readonly signingKey: aws.kms.Key;

    constructor(name: string, args: KeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:Keys", name, {}, opts);
        const cfg = args.config;
        const names = dataNames(cfg);
        const env = awsEnv(this);
        // Keys hold every encrypted byte: never deleted by an update, kept if the stack is destroyed.
        const keep: pulumi.CustomResourceOptions = {
            parent: this,
            protect: cfg.deletionProtection,
            retainOnDelete: true,
        };

        const statements = servicesStatements(env, names);
        const dataAccess = dataAccessStatements(env, args.roleArns, cfg.stack);
        statements.critical.push(...dataAccess.critical);
        statements.sensitive.push(...dataAccess.sensitive);
        this.keys = {} as Record<KeyPurpose, aws.kms.Key>;
        this.aliases = {} as Record<KeyPurpose, aws.kms.Alias>;
        for (const purpose of KEY_PURPOSES) {
            const key = new aws.kms.Key(
                `${name}-${purpose}`,
                {
                    description: `${names.prefix}: ${KEY_DESCRIPTION[purpose]}`,
                    keyUsage: "ENCRYPT_DECRYPT",
                    customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                    enableKeyRotation: true,
                    rotationPeriodInDays: KMS_ROTATION_DAYS,
                    deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
                    policy: policyDocument([adminStatement(env), ...statements[purpose]]),
                    tags: classified(KEY_CLASSIFICATION[purpose], { purpose }),
                },
                keep,
            );
            this.keys[purpose] = key;
            this.aliases[purpose] = new aws.kms.Alias(
                `${name}-${purpose}`,
                { name: `alias/${names.prefix}-${purpose}`, targetKeyId: key.keyId },
                { parent: this },
            );
        }

        // Asymmetric keys cannot rotate automatically: a new signing key is introduced by re-pointing the alias.
        this.signingKey = new aws.kms.Key(
            `${name}-signing`,
            {
                description: `${names.prefix}: Ed25519 message signatures`,
                keyUsage: "SIGN_VERIFY",
                customerMasterKeySpec: SIGNING_KEY_SPEC,
                enableKeyRotation: false,
                deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
                policy: policyDocument([adminStatement(env)]),
                tags: classified("sensitive", { purpose: "signing" }),
            },
            keep,
        );
        const signingAlias = new aws.kms.Alias(
            `${name}-signing`,
            { name: `alias/${names.prefix}-signing`, targetKeyId: this.signingKey.keyId },
            { parent: this },
        );

        const all = KEY_PURPOSES.map((p) => this.keys[p]);
        args.evidence.record("KMS-AT-REST", ...all);
        args.evidence.record("KMS-KEY-MGMT", ...all, ...KEY_PURPOSES.map((p) => this.aliases[p]), this.signingKey);
        args.evidence.record("MSG-SIG-ALG", this.signingKey, signingAlias);
        args.evidence.record("MSG-PAYLOAD-KEY-STORAGE", this.keys.payload);
        args.evidence.record("DATA-CLS-CRITICAL", this.keys.critical);
        args.evidence.record("DATA-CLS-SENSITIVE", this.keys.sensitive);
        args.evidence.record("LOG-AGG-ENCRYPTION", this.keys.logs, this.keys.audit);

        this.registerOutputs({
            keyArns: Object.fromEntries(KEY_PURPOSES.map((p) => [p, this.keys[p].arn])),
            signingKeyArn: this.signingKey.arn,
        });
    }
}

/** The standard administration statement: the account (through IAM) administers the key. */
function adminStatement(env: AwsEnv): pulumi.Output<Statement> {
    return pulumi.interpolate`arn:${env.partition}:iam::${env.accountId}:root`.apply((root) => ({
        Sid: "AccountAdministration",
        Effect: "Allow" as const,
        Principal: { AWS: root },
        Action: "kms:*",
        Resource: "*",
    }));
}

/**
 * A statement for one named role, written with a principal condition: a key policy that names a role in
 * `Principal` fails while the role does not exist yet (service-linked roles appear on first use).
 */
function forRole(sid: string, role: pulumi.Output<string>, env: AwsEnv, actions: string[]): pulumi.Output<Statement> {
    return pulumi.all([role, env.accountId]).apply(([r, acct]) => ({
        Sid: sid,
        Effect: "Allow" as const,
        Principal: "*" as const,
        Action: actions,
        Resource: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": r }, StringEquals: { "kms:CallerAccount": acct } },
    }));
}

/** Use by any IAM principal of the account that IAM allows, but only through one AWS service. */
function viaService(sid: string, service: string, env: AwsEnv, actions: string[]): pulumi.Output<Statement> {
    return pulumi.all([env.partition, env.accountId, env.region]).apply(([p, acct, region]) => ({
        Sid: sid,
        Effect: "Allow" as const,
        Principal: { AWS: `arn:${p}:iam::${acct}:root` },
        Action: actions,
        Resource: "*",
        Condition: {
            StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com`, "kms:CallerAccount": acct },
        },
    }));
}

/**
 * Key use of access_control.data_access, only through S3 (kms:ViaService): agent_data (critical key) is read
 * by system_admin and operator and written by system_admin; metrics_data (sensitive key) is read by
 * system_admin, operator and the agent roles and written by monitoring_agent. The buckets' policies decide
 * who reaches the objects; these statements let those principals decrypt / encrypt them.
 */
export function dataAccessStatements(
    env: AwsEnv,
    roles: DataRoleArns,
    /** This platform stack: its agents (its own and its agent stacks') carry it as their platform-stack tag. */
    platformStack: string,
): Record<"critical" | "sensitive", pulumi.Output<Statement>[]> {
    const viaS3 = (sid: string, principals: pulumi.Input<string>[], actions: string[]) =>
        pulumi.all([env.accountId, env.region, ...principals]).apply(([acct, region, ...arns]) => ({
            Sid: sid,
            Effect: "Allow" as const,
            Principal: "*" as const,
            Action: actions,
            Resource: "*",
            Condition: {
                ArnLike: { "aws:PrincipalArn": arns },
                StringEquals: { "kms:CallerAccount": acct, "kms:ViaService": `s3.${region}.amazonaws.com` },
            },
        }));
    const read = ["kms:Decrypt", "kms:DescribeKey"];
    // PutObject asks for a data key; multipart uploads decrypt it again for each part.
    const write = ["kms:GenerateDataKey*", "kms:Decrypt"];
    return {
        critical: [
            viaS3("AgentDataReadViaS3", [roles.systemAdmin, roles.operator], read),
            viaS3("AgentDataWriteViaS3", [roles.systemAdmin], write),
        ],
        sensitive: [
            viaS3("MetricsDataReadViaS3", [roles.systemAdmin, roles.operator], read),
            // The agents of this platform, by tag: agent stacks name their roles with their own prefix.
            pulumi.all([env.accountId, env.region]).apply(([acct, region]) => ({
                Sid: "MetricsDataReadViaS3Agents",
                Effect: "Allow" as const,
                Principal: "*" as const,
                Action: read,
                Resource: "*",
                Condition: {
                    StringEquals: {
                        [`aws:PrincipalTag/${RBAC_ROLE_TAG}`]: "agent",
                        [`aws:PrincipalTag/${PLATFORM_STACK_TAG}`]: platformStack,
                        "kms:CallerAccount": acct,
                        "kms:ViaService": `s3.${region}.amazonaws.com`,
                    },
                },
            })),
            viaS3("MetricsDataWriteViaS3", [roles.monitoringAgent], write),
        ],
    };
}

function servicesStatements(
    env: AwsEnv,
    names: ReturnType<typeof dataNames>,
): Record<KeyPurpose, pulumi.Output<Statement>[]> {
    const backupRole = roleArn(env, names.backupRole);
    const macieRole = roleArn(env, "aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie");
    const autoscalingRole = roleArn(env, "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling");
    const trailArn = arn(env, "cloudtrail", `trail/${names.trail}`);
    const grantForAws = { Bool: { "kms:GrantIsForAWSResource": "true" } };
    const backupUse = forRole("BackupRoleUse", backupRole, env, USE);
    const backupGrant = forRole("BackupRoleGrant", backupRole, env, ["kms:CreateGrant"]).apply((s) => ({
        ...s,
        Condition: { ...s.Condition, ...grantForAws },
    }));
    const macieDecrypt = forRole("MacieClassification", macieRole, env, ["kms:Decrypt"]);

    const logs = pulumi.all([env.partition, env.region, env.accountId]).apply(([p, region, acct]): Statement[] => [
        {
            Sid: "CloudWatchLogs",
            Effect: "Allow" as const,
            Principal: { Service: `logs.${region}.amazonaws.com` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: {
                ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${p}:logs:${region}:${acct}:log-group:*` },
            },
        },
        {
            // VPC flow logs, WAF and Network Firewall deliver to the SSE-KMS log buckets through this principal.
            Sid: "LogDeliveryToS3",
            Effect: "Allow" as const,
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: USE,
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceAccount": acct },
                ArnLike: { "aws:SourceArn": `arn:${p}:logs:${region}:${acct}:*` },
            },
        },
    ]);
    const audit = pulumi.all([env.partition, env.accountId, trailArn]).apply(([p, acct, trail]): Statement[] => [
        {
            Sid: "CloudTrailEncrypt",
            Effect: "Allow" as const,
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "kms:GenerateDataKey*",
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceArn": trail },
                StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${p}:cloudtrail:*:${acct}:trail/*` },
            },
        },
        {
            // With an S3 Bucket Key on the audit bucket, CloudTrail needs kms:Decrypt to create or update the
            // trail (CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail": the CloudTrail
            // service principal's decrypt statement). Bound to this trail like the other two.
            Sid: "CloudTrailDecrypt",
            Effect: "Allow" as const,
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceArn": trail } },
        },
        {
            Sid: "CloudTrailDescribe",
            Effect: "Allow" as const,
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "kms:DescribeKey",
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceArn": trail } },
        },
    ]);
    const alarms = env.accountId.apply((acct) => ({
        Sid: "CloudWatchAlarms",
        Effect: "Allow" as const,
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": acct } },
    }));
    // SNS key management ("Enable compatibility between event sources from AWS services and encrypted topics"):
    // aws:SourceAccount / aws:SourceArn / aws:SourceOrgID in the key policy are not supported for EventBridge
    // to encrypted topics; with them every rule target fails (FailedInvocations). The topic policies still bind
    // EventBridge's sns:Publish to this account.
    // SNS's encryption context (the topic ARN) still confines it to this account's topics.
    const events = pulumi.all([env.partition, env.region, env.accountId]).apply(([p, region, acct]): Statement => ({
        Sid: "EventBridgeRules",
        Effect: "Allow" as const,
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:sns:topicArn": `arn:${p}:sns:${region}:${acct}:*` } },
    }));
    const spread = (o: pulumi.Output<Statement[]>, i: number) => o.apply((l) => l[i]);

    return {
        logs: [spread(logs, 0), spread(logs, 1), backupUse, backupGrant],
        audit: [spread(audit, 0), spread(audit, 1), spread(audit, 2), backupUse, backupGrant],
        eks: [viaService("EksSecrets", "eks", env, [...USE, "kms:CreateGrant"])],
        ebs: [
            viaService("Ec2Volumes", "ec2", env, [...USE, "kms:CreateGrant"]),
            forRole("AutoScalingUse", autoscalingRole, env, USE),
            forRole("AutoScalingGrant", autoscalingRole, env, ["kms:CreateGrant"]).apply((s) => ({
                ...s,
                Condition: { ...s.Condition, ...grantForAws },
            })),
        ],
        backup: [backupUse, backupGrant],
        critical: [backupUse, backupGrant, macieDecrypt],
        sensitive: [backupUse, backupGrant, macieDecrypt],
        payload: [viaService("SecretsManager", "secretsmanager", env, USE)],
        alerts: [alarms, events],
    };
}
