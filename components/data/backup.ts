import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLASSIFICATION_LEVELS, ClassificationLevel } from "../../policy-pack/catalog";
import {
    BACKUP_SCHEDULES,
    backupRules,
    CLASSIFICATION_TAG,
    RESTORE_TEST_SCHEDULE,
} from "../../policy-pack/catalog/data";
import { Profile } from "../config";
import { EvidenceRegistry } from "../evidence";
import { awsEnv, classified, DataConfig, dataNames, serviceTrust } from "./common";

/** Days a compliance-mode lock stays removable after creation (AWS minimum: 3). */
export const VAULT_LOCK_COOLING_OFF_DAYS = 3;

/** The stack config the backup section reads (keys as validated in components/config). */
export interface BackupConfig extends DataConfig {
    /** prod locks the vault in compliance mode (after the cooling-off period). */
    profile: Profile;
}

export interface BackupArgs {
    config: BackupConfig;
    evidence: EvidenceRegistry;
    /** KMS key of the vault. */
    backupKeyArn: pulumi.Input<string>;
    /** identity section: the permissions boundary every role of the stack carries. */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * AWS Backup per classification level (data_protection.classification.levels[*].backup): one plan per
 * level with the catalog's rules, selecting resources by their `classification` tag, into one KMS-encrypted
 * vault whose lock enforces the retention range; plus the weekly restore test (verify_backups).
 */
export class Backup extends pulumi.ComponentResource {
    readonly vault: aws.backup.Vault;
    readonly vaultLock: aws.backup.VaultLockConfiguration;
    readonly role: aws.iam.Role;
    readonly plans: Record<ClassificationLevel, aws.backup.Plan>;
    readonly restoreTestingPlan: aws.backup.RestoreTestingPlan;

    constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:Backup", name, {}, opts);
        const cfg = args.config;
        const names = dataNames(cfg);
        const env = awsEnv(this);

        this.vault = new aws.backup.Vault(
            `${name}-vault`,
            { name: names.vault, kmsKeyArn: args.backupKeyArn, forceDestroy: false, tags: classified("critical") },
            { parent: this, protect: cfg.deletionProtection, retainOnDelete: true },
        );
        const retentions = CLASSIFICATION_LEVELS.flatMap((l) => backupRules(l).map((r) => r.deleteAfterDays));
        // Compliance mode (changeableForDays set) is immutable after the cooling-off period: prod only. Dev keeps
        // the same retention range in governance mode so that a dev vault can still be torn down.
        this.vaultLock = new aws.backup.VaultLockConfiguration(
            `${name}-vault-lock`,
            {
                backupVaultName: this.vault.name,
                minRetentionDays: Math.min(...retentions),
                maxRetentionDays: Math.max(...retentions),
                ...(cfg.profile === "prod" ? { changeableForDays: VAULT_LOCK_COOLING_OFF_DAYS } : {}),
            },
            { parent: this, protect: cfg.deletionProtection },
        );

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                name: names.backupRole,
                description: "AWS Backup: back up and restore classified resources",
                assumeRolePolicy: serviceTrust("backup.amazonaws.com"),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: classified("critical"),
            },
            { parent: this },
        );
        const managed = [
            "service-role/AWSBackupServiceRolePolicyForBackup",
            "service-role/AWSBackupServiceRolePolicyForRestores",
            "AWSBackupServiceRolePolicyForS3Backup",
            "AWSBackupServiceRolePolicyForS3Restore",
        ];
        const attachments = managed.map(
            (p) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-${p.split("/").pop()}`,
                    { role: this.role.name, policyArn: pulumi.interpolate`arn:${env.partition}:iam::aws:policy/${p}` },
                    { parent: this },
                ),
        );

        this.plans = {} as Record<ClassificationLevel, aws.backup.Plan>;
        const selections: aws.backup.Selection[] = [];
        for (const level of CLASSIFICATION_LEVELS) {
            const plan = new aws.backup.Plan(
                `${name}-${level}`,
                {
                    name: `${names.prefix}-${level}`,
                    rules: backupRules(level).map((r) => ({
                        ruleName: r.name,
                        targetVaultName: this.vault.name,
                        schedule: BACKUP_SCHEDULES[r.cadence],
                        enableContinuousBackup: r.continuous,
                        startWindow: 60,
                        completionWindow: 24 * 60,
                        lifecycle: { deleteAfter: r.deleteAfterDays },
                        recoveryPointTags: classified(level),
                    })),
                    tags: classified(level),
                },
                { parent: this, dependsOn: [this.vaultLock] },
            );
            this.plans[level] = plan;
            selections.push(
                new aws.backup.Selection(
                    `${name}-${level}`,
                    {
                        name: `${names.prefix}-${level}`,
                        planId: plan.id,
                        iamRoleArn: this.role.arn,
                        selectionTags: [{ type: "STRINGEQUALS", key: CLASSIFICATION_TAG, value: level }],
                    },
                    { parent: this, dependsOn: attachments },
                ),
            );
            args.evidence.record(
                `BAK-${level.toUpperCase()}`,
                plan,
                selections[selections.length - 1],
                this.vault,
                this.vaultLock,
            );
        }

        // Restore testing names allow letters, digits and underscores only.
        const testName = `${names.prefix.replace(/-/g, "_")}_weekly_restore`;
        this.restoreTestingPlan = new aws.backup.RestoreTestingPlan(
            `${name}-restore-test`,
            {
                name: testName,
                scheduleExpression: RESTORE_TEST_SCHEDULE,
                startWindowHours: 24,
                recoveryPointSelection: {
                    algorithm: "LATEST_WITHIN_WINDOW",
                    includeVaults: [this.vault.arn],
                    recoveryPointTypes: ["SNAPSHOT"],
                    selectionWindowDays: 7,
                },
                tags: classified("internal"),
            },
            { parent: this },
        );
        const restoreSelection = new aws.backup.RestoreTestingSelection(
            `${name}-restore-test-s3`,
            {
                name: `${testName}_s3`,
                restoreTestingPlanName: this.restoreTestingPlan.name,
                protectedResourceType: "S3",
                iamRoleArn: this.role.arn,
                protectedResourceArns: ["*"],
                protectedResourceConditions: {
                    stringEquals: [{ key: `aws:ResourceTag/${CLASSIFICATION_TAG}`, value: "critical" }],
                },
                validationWindowHours: 4,
            },
            { parent: this, dependsOn: attachments },
        );
        args.evidence.record("BAK-RESTORE-TEST", this.restoreTestingPlan, restoreSelection);
        args.evidence.record("KMS-AT-REST", this.vault);

        this.registerOutputs({
            vaultArn: this.vault.arn,
            planIds: Object.fromEntries(CLASSIFICATION_LEVELS.map((l) => [l, this.plans[l].id])),
        });
    }
}
