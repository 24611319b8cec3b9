import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { ACCT, KEY, program, doc, sid } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program("dev");
    prod = await program("prod");
});

describe("Keys (KMS-AT-REST, KMS-KEY-MGMT)", () => {
    const purposes = ["logs", "audit", "eks", "ebs", "backup", "critical", "sensitive", "payload", "alerts"];

    it("creates exactly the nine purpose keys plus the signing key", () => {
        expect(
            ofType(prod, KEY)
                .map((k) => k.name)
                .sort(),
        ).toEqual([...purposes.map((p) => `mas-keys-${p}`), "mas-keys-signing"].sort());
        expect(prod.stackOutputs.keyCount).toBe(9);
    });

    it.each(purposes)("%s key: symmetric, rotated every 90 days, 30-day deletion window, alias", (purpose) => {
        const key = named(prod, KEY, `mas-keys-${purpose}`);
        expect(key.inputs).toMatchObject({
            keyUsage: "ENCRYPT_DECRYPT",
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
            enableKeyRotation: true,
            rotationPeriodInDays: 90,
            deletionWindowInDays: 30,
        });
        expect(named(prod, "aws:kms/alias:Alias", `mas-keys-${purpose}`).inputs.name).toBe(`alias/mas-prod-${purpose}`);
        const statements = doc(key);
        expect(sid(statements, "AccountAdministration")).toEqual({
            Sid: "AccountAdministration",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
            Action: "kms:*",
            Resource: "*",
        });
        // kms:* appears in the administration statement only.
        expect(statements.filter((s) => JSON.stringify(s.Action).includes("kms:*"))).toHaveLength(1);
    });

    it("keys are protected in prod, not in dev, and always retained on delete", () => {
        for (const k of ofType(prod, KEY)) {
            expect([k.name, k.protect, k.retainOnDelete]).toEqual([k.name, true, true]);
        }
        for (const k of ofType(dev, KEY)) {
            expect([k.name, k.protect, k.retainOnDelete]).toEqual([k.name, false, true]);
        }
    });

    it("MSG-SIG-ALG: the signing key is Ed25519 (ECC_NIST_EDWARDS25519, SIGN_VERIFY) without automatic rotation", () => {
        const key = named(prod, KEY, "mas-keys-signing");
        expect(key.inputs).toMatchObject({
            customerMasterKeySpec: "ECC_NIST_EDWARDS25519",
            keyUsage: "SIGN_VERIFY",
            enableKeyRotation: false,
            deletionWindowInDays: 30,
        });
        expect(key.inputs.rotationPeriodInDays).toBeUndefined();
        expect(named(prod, "aws:kms/alias:Alias", "mas-keys-signing").inputs.name).toBe("alias/mas-prod-signing");
    });

    it("logs key: CloudWatch Logs of this account's log groups and log delivery only", () => {
        const list = doc(named(prod, KEY, "mas-keys-logs"));
        expect(sid(list, "CloudWatchLogs")).toMatchObject({
            Principal: { Service: "logs.eu-west-1.amazonaws.com" },
            Condition: {
                ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${ACCT}:log-group:*` },
            },
        });
        expect(sid(list, "LogDeliveryToS3")).toMatchObject({
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Condition: {
                StringEquals: { "aws:SourceAccount": ACCT },
                ArnLike: { "aws:SourceArn": `arn:aws:logs:eu-west-1:${ACCT}:*` },
            },
        });
        expect(sid(list, "BackupRoleUse").Condition).toEqual({
            ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCT}:role/mas-prod-backup` },
            StringEquals: { "kms:CallerAccount": ACCT },
        });
    });

    it("audit key: CloudTrail only for this stack's trail", () => {
        const list = doc(named(prod, KEY, "mas-keys-audit"));
        expect(sid(list, "CloudTrailEncrypt")).toEqual({
            Sid: "CloudTrailEncrypt",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "kms:GenerateDataKey*",
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/mas-prod-trail` },
                StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${ACCT}:trail/*` },
            },
        });
    });

    it("eks / ebs / payload keys are usable only through their service; ebs also by the Auto Scaling role", () => {
        expect(sid(doc(named(prod, KEY, "mas-keys-eks")), "EksSecrets").Condition).toEqual({
            StringEquals: { "kms:ViaService": "eks.eu-west-1.amazonaws.com", "kms:CallerAccount": ACCT },
        });
        const ebs = doc(named(prod, KEY, "mas-keys-ebs"));
        expect(sid(ebs, "Ec2Volumes").Condition?.StringEquals["kms:ViaService"]).toBe("ec2.eu-west-1.amazonaws.com");
        expect(sid(ebs, "AutoScalingGrant")).toMatchObject({
            Principal: "*",
            Action: ["kms:CreateGrant"],
            Condition: {
                ArnEquals: {
                    "aws:PrincipalArn": `arn:aws:iam::${ACCT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
                },
                Bool: { "kms:GrantIsForAWSResource": "true" },
            },
        });
        expect(sid(doc(named(prod, KEY, "mas-keys-payload")), "SecretsManager").Condition?.StringEquals).toEqual({
            "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
            "kms:CallerAccount": ACCT,
        });
    });

    it("alerts key: CloudWatch alarms (bound to this account) and EventBridge (no source conditions) publish to encrypted topics", () => {
        const alerts = doc(named(prod, KEY, "mas-keys-alerts"));
        expect(sid(alerts, "CloudWatchAlarms")).toMatchObject({
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Condition: { StringEquals: { "aws:SourceAccount": ACCT } },
        });
        // SNS key management: source conditions are not supported for EventBridge to encrypted topics.
        expect(sid(alerts, "EventBridgeRules")).toEqual({
            Sid: "EventBridgeRules",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:eu-west-1:${ACCT}:*` } },
        });
    });

    it("audit key: CloudTrail may decrypt (S3 Bucket Key on the audit bucket), only for this trail", () => {
        expect(sid(doc(named(prod, KEY, "mas-keys-audit")), "CloudTrailDecrypt")).toEqual({
            Sid: "CloudTrailDecrypt",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
                StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/mas-prod-trail` },
            },
        });
    });
});
