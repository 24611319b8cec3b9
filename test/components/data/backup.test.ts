import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { ACCT, KEY, program, doc, arnOf } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program("dev");
    prod = await program("prod");
});

describe("Backup (BAK-CRITICAL, BAK-SENSITIVE, BAK-INTERNAL, BAK-RESTORE-TEST)", () => {
    const rules = (run: ProgramRun, level: string) =>
        (named(run, "aws:backup/plan:Plan", `mas-backup-${level}`).inputs.rules as Record<string, unknown>[]).map(
            (r) => [
                r.ruleName,
                r.schedule,
                r.enableContinuousBackup,
                (r.lifecycle as { deleteAfter: number }).deleteAfter,
            ],
        );

    it("critical: continuous backup kept 35 days plus a daily recovery point kept 2557 days", () => {
        expect(rules(prod, "critical")).toEqual([
            ["continuous", "cron(0 3 ? * * *)", true, 35],
            ["daily-retained", "cron(0 3 ? * * *)", false, 2557],
        ]);
    });
    it("sensitive: daily kept 365 days; internal: weekly kept 90 days", () => {
        expect(rules(prod, "sensitive")).toEqual([["daily", "cron(0 3 ? * * *)", false, 365]]);
        expect(rules(prod, "internal")).toEqual([["weekly", "cron(0 3 ? * SUN *)", false, 90]]);
    });
    it("selects resources by their classification tag into the vault", () => {
        for (const level of ["critical", "sensitive", "internal"]) {
            expect(named(prod, "aws:backup/selection:Selection", `mas-backup-${level}`).inputs).toMatchObject({
                selectionTags: [{ type: "STRINGEQUALS", key: "classification", value: level }],
                iamRoleArn: `arn:aws:iam::${ACCT}:role/mas-prod-backup`,
            });
        }
        for (const r of named(prod, "aws:backup/plan:Plan", "mas-backup-critical").inputs.rules as {
            targetVaultName: string;
        }[]) {
            expect(r.targetVaultName).toBe("mas-prod-vault");
        }
    });
    it("the vault is encrypted with the backup key, protected, and locked 35–2557 days (compliance in prod)", () => {
        const vault = named(prod, "aws:backup/vault:Vault", "mas-backup-vault");
        expect(vault.inputs.kmsKeyArn).toBe(arnOf(prod, KEY, "mas-keys-backup"));
        expect([vault.protect, vault.retainOnDelete]).toEqual([true, true]);
        expect(
            named(prod, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "mas-backup-vault-lock").inputs,
        ).toEqual({
            backupVaultName: "mas-prod-vault",
            minRetentionDays: 35,
            maxRetentionDays: 2557,
            changeableForDays: 3,
        });
        const devLock = named(dev, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "mas-backup-vault-lock");
        expect(devLock.inputs.changeableForDays).toBeUndefined();
        expect(devLock.inputs.minRetentionDays).toBe(35);
    });
    it("the backup role has AWS Backup's managed policies, S3 included", () => {
        const arns = ofType(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.name.startsWith("mas-backup-"))
            .map((a) => a.inputs.policyArn)
            .sort();
        expect(arns).toEqual([
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
        expect(doc(named(prod, "aws:iam/role:Role", "mas-backup-role"), "assumeRolePolicy")[0].Principal).toEqual({
            Service: "backup.amazonaws.com",
        });
    });
    it("BAK-RESTORE-TEST: a weekly restore test of the latest critical S3 recovery point", () => {
        expect(
            named(prod, "aws:backup/restoreTestingPlan:RestoreTestingPlan", "mas-backup-restore-test").inputs,
        ).toMatchObject({
            name: "mas_prod_weekly_restore",
            scheduleExpression: "cron(0 6 ? * MON *)",
            recoveryPointSelection: {
                algorithm: "LATEST_WITHIN_WINDOW",
                includeVaults: [arnOf(prod, "aws:backup/vault:Vault", "mas-backup-vault")],
                recoveryPointTypes: ["SNAPSHOT"],
            },
        });
        expect(
            named(prod, "aws:backup/restoreTestingSelection:RestoreTestingSelection", "mas-backup-restore-test-s3")
                .inputs,
        ).toMatchObject({
            restoreTestingPlanName: "mas_prod_weekly_restore",
            protectedResourceType: "S3",
            protectedResourceConditions: {
                stringEquals: [{ key: "aws:ResourceTag/classification", value: "critical" }],
            },
        });
    });
});
