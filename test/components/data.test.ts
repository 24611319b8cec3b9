import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { validateResource, validateStack } from "../harness/policy";
import { named, ofType, plain, runIsolated, stackConfig } from "../harness/program";

const ACCT = "123456789012";
const ROLES = {
    systemAdmin: `arn:aws:iam::${ACCT}:role/mas-system-admin`,
    operator: `arn:aws:iam::${ACCT}:role/mas-operator`,
    monitoringAgent: `arn:aws:iam::${ACCT}:role/mas-monitoring-agent`,
};
const KEY = "aws:kms/key:Key";
const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

function program(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack, overrides), stack, () => {
        const { loadConfig } = require("../../components/config");
        const { EvidenceRegistry } = require("../../components/evidence");
        const { DataProtection } = require("../../components/data");
        const evidence = new EvidenceRegistry();
        const data = new DataProtection("mas", { config: loadConfig(), evidence, roleArns: ROLES });
        return { evidence: evidence.output(), keyCount: Object.keys(data.keys).length };
    });
}

let dev: ProgramRun;
let prod: ProgramRun;
let longer: ProgramRun;
beforeAll(async () => {
    dev = await program("dev");
    prod = await program("prod");
    longer = await program("dev", { systemLogRetentionDays: 120, securityLogRetentionDays: 400 });
});

interface Stmt {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}
function doc(r: RecordedResource, prop = "policy"): Stmt[] {
    return (JSON.parse(plain<string>(r.inputs[prop])) as { Statement: Stmt[] }).Statement;
}
function sid(list: Stmt[], id: string): Stmt {
    const s = list.find((x) => x.Sid === id);
    if (!s) {
        throw new Error(`no statement ${id}; have ${list.map((x) => x.Sid).join(", ")}`);
    }
    return s;
}
const arnOf = (run: ProgramRun, type: string, name: string) => named(run, type, name).outputs.arn as string;
const bucketName = (run: ProgramRun, name: string) => named(run, BUCKET, name).outputs.bucket as string;

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

describe("Log buckets (LOG-SYSTEM-RETENTION, LOG-SECURITY-RETENTION, LOG-AUDIT-RETENTION, LOG-AGG-STORAGE)", () => {
    const lifecycle = (run: ProgramRun, name: string) =>
        (named(run, LIFECYCLE, name).inputs.rules as Record<string, unknown>[])[0];

    it("system logs expire after 90 days, security after 365, audit after 2557", () => {
        expect(lifecycle(prod, "mas-logging-system")).toMatchObject({
            status: "Enabled",
            expiration: { days: 90 },
            transitions: [{ days: 30, storageClass: "STANDARD_IA" }],
            noncurrentVersionExpiration: { noncurrentDays: 30 },
        });
        expect(lifecycle(prod, "mas-logging-security")).toMatchObject({
            expiration: { days: 365 },
            transitions: [
                { days: 30, storageClass: "STANDARD_IA" },
                { days: 90, storageClass: "GLACIER_IR" },
            ],
        });
        expect(lifecycle(prod, "mas-logging-audit")).toMatchObject({
            expiration: { days: 2557 },
            transitions: [
                { days: 30, storageClass: "STANDARD_IA" },
                { days: 90, storageClass: "GLACIER_IR" },
                { days: 365, storageClass: "DEEP_ARCHIVE" },
            ],
        });
        expect(lifecycle(prod, "mas-logging-alb-access")).toMatchObject({ expiration: { days: 365 } });
    });

    it("small log objects transition too (not the 128 KB default)", () => {
        for (const l of ofType(prod, LIFECYCLE)) {
            expect(l.inputs.transitionDefaultMinimumObjectSize).toBe("varies_by_storage_class");
        }
    });

    it("retention follows the config keys when a stack keeps logs longer", () => {
        expect(lifecycle(longer, "mas-logging-system")).toMatchObject({ expiration: { days: 120 } });
        expect(lifecycle(longer, "mas-logging-security")).toMatchObject({ expiration: { days: 400 } });
        expect(named(longer, LOG_GROUP, "mas-logging-system").inputs.retentionInDays).toBe(120);
        expect(named(longer, LOG_GROUP, "mas-logging-waf").inputs.retentionInDays).toBe(400);
    });

    it("LOG-AGG-ENCRYPTION: SSE-KMS with the logs / audit key and bucket keys; the ALB bucket SSE-S3", () => {
        const rule = (name: string) => (named(prod, SSE, name).inputs.rules as Record<string, unknown>[])[0];
        const logsKey = arnOf(prod, KEY, "mas-keys-logs");
        expect(rule("mas-logging-system")).toEqual({
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: logsKey },
            bucketKeyEnabled: true,
        });
        expect(rule("mas-logging-security")).toMatchObject({
            applyServerSideEncryptionByDefault: { kmsMasterKeyId: logsKey },
        });
        expect(rule("mas-logging-audit")).toMatchObject({
            applyServerSideEncryptionByDefault: { kmsMasterKeyId: arnOf(prod, KEY, "mas-keys-audit") },
        });
        expect(rule("mas-logging-alb-access")).toEqual({
            applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
        });
    });

    it("every bucket blocks public access, enforces ownership, is versioned and denies non-TLS requests", () => {
        const buckets = ofType(prod, BUCKET).map((b) => b.name);
        expect(buckets.sort()).toEqual(
            [
                "mas-logging-system",
                "mas-logging-security",
                "mas-logging-audit",
                "mas-logging-alb-access",
                "mas-logging-config",
                "mas-stores-agent-data",
                "mas-stores-metrics-data",
            ].sort(),
        );
        for (const b of buckets) {
            expect(named(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", b).inputs).toMatchObject({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            expect(named(prod, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", b).inputs.rule).toEqual({
                objectOwnership: "BucketOwnerEnforced",
            });
            expect(named(prod, "aws:s3/bucketVersioning:BucketVersioning", b).inputs.versioningConfiguration).toEqual({
                status: "Enabled",
            });
            const arn = arnOf(prod, BUCKET, b);
            expect(sid(doc(named(prod, POLICY, b)), "DenyInsecureTransport")).toEqual({
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
            expect(named(prod, BUCKET, b)).toMatchObject({ protect: true, retainOnDelete: true });
        }
    });

    it("KMS buckets deny puts with another encryption or another key", () => {
        const list = doc(named(prod, POLICY, "mas-logging-audit"));
        const arn = arnOf(prod, BUCKET, "mas-logging-audit");
        const key = arnOf(prod, KEY, "mas-keys-audit");
        expect(sid(list, "DenyNonKmsEncryption")).toMatchObject({
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: {
                Null: { "s3:x-amz-server-side-encryption": "false" },
                StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
            },
        });
        expect(sid(list, "DenyOtherKmsKey").Condition).toEqual({
            Null: { "s3:x-amz-server-side-encryption": "false" },
            StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": key },
        });
        // IAM condition semantics of the operators used: a put without SSE headers (bucket default, log
        // delivery) passes; any explicit request other than aws:kms under this key is denied.
        const SSE = "s3:x-amz-server-side-encryption";
        const KEY_ID = "s3:x-amz-server-side-encryption-aws-kms-key-id";
        const denied = (ctx: Record<string, string>) =>
            ["DenyNonKmsEncryption", "DenyOtherKmsKey"].some((id) =>
                Object.entries(sid(list, id).Condition as Record<string, Record<string, string>>).every(([op, kv]) =>
                    Object.entries(kv).every(([k, v]) => {
                        const got = ctx[k];
                        if (op === "Null") return (got === undefined) === (v === "true");
                        if (op === "StringNotEquals") return got === undefined || got !== v;
                        if (op === "StringNotEqualsIfExists") return got === undefined || got !== v;
                        throw new Error(`operator ${op} not modelled`);
                    }),
                ),
            );
        expect(denied({})).toBe(false);
        expect(denied({ [SSE]: "aws:kms", [KEY_ID]: key })).toBe(false);
        expect(denied({ [SSE]: "AES256" })).toBe(true);
        expect(denied({ [SSE]: "aws:kms" })).toBe(true);
        expect(denied({ [SSE]: "aws:kms", [KEY_ID]: `${key}-other` })).toBe(true);
        expect(doc(named(prod, POLICY, "mas-logging-alb-access")).map((s) => s.Sid)).not.toContain(
            "DenyNonKmsEncryption",
        );
    });

    it("LOG-AUDIT-RETENTION: the audit bucket is under Object Lock COMPLIANCE for 2557 days", () => {
        expect(named(prod, BUCKET, "mas-logging-audit").inputs.objectLockEnabled).toBe(true);
        expect(
            named(prod, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "mas-logging-audit")
                .inputs,
        ).toMatchObject({
            objectLockEnabled: "Enabled",
            rule: { defaultRetention: { mode: "COMPLIANCE", days: 2557 } },
        });
        expect(named(prod, BUCKET, "mas-logging-system").inputs.objectLockEnabled).toBeUndefined();
    });

    it("the audit bucket admits CloudTrail writes from this stack's trail only", () => {
        const list = doc(named(prod, POLICY, "mas-logging-audit"));
        const arn = arnOf(prod, BUCKET, "mas-logging-audit");
        const trail = `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/mas-prod-trail`;
        expect(sid(list, "AWSCloudTrailAclCheck")).toEqual({
            Sid: "AWSCloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: arn,
            Condition: { StringEquals: { "aws:SourceArn": trail } },
        });
        expect(sid(list, "AWSCloudTrailWrite")).toEqual({
            Sid: "AWSCloudTrailWrite",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${arn}/AWSLogs/${ACCT}/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail } },
        });
    });

    it("the ALB access-log bucket admits ELB log delivery (service principal and eu-west-1's ELB account)", () => {
        const list = doc(named(prod, POLICY, "mas-logging-alb-access"));
        // With and without a key prefix (the ALB writes under alb/AWSLogs/<account>/).
        const bucketArn = arnOf(prod, BUCKET, "mas-logging-alb-access");
        const resource = [`${bucketArn}/AWSLogs/${ACCT}/*`, `${bucketArn}/*/AWSLogs/${ACCT}/*`];
        expect(sid(list, "ElbLogDelivery")).toMatchObject({
            Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: resource,
        });
        expect(sid(list, "ElbRegionalAccount")).toMatchObject({
            Principal: { AWS: "arn:aws:iam::156460612806:root" },
            Resource: resource,
        });
        expect(named(prod, BUCKET, "mas-logging-alb-access").inputs.tags).toEqual({
            classification: "sensitive",
            "log-source": "security",
            "sse-kms-exemption": "elb-access-logs",
        });
    });

    it("system / security buckets admit log delivery from this account", () => {
        const write = sid(doc(named(prod, POLICY, "mas-logging-security")), "AWSLogDeliveryWrite");
        expect(write.Condition).toEqual({
            StringEquals: { "aws:SourceAccount": ACCT, "s3:x-amz-acl": "bucket-owner-full-control" },
            ArnLike: { "aws:SourceArn": `arn:aws:logs:eu-west-1:${ACCT}:*` },
        });
    });
});

describe("Log groups (LOG-AGG-CENTRAL, LOG-AGG-ENCRYPTION)", () => {
    const expected: [string, string, number, string][] = [
        ["vpcFlow", "/mas-prod/vpc-flow-logs", 365, "security"],
        ["waf", "aws-waf-logs-mas-prod", 365, "security"],
        ["firewall", "/mas-prod/network-firewall", 365, "security"],
        ["eks", "/aws/eks/mas-prod-eks/cluster", 365, "security"],
        ["cloudtrail", "/mas-prod/cloudtrail", 2557, "audit"],
        ["system", "/mas-prod/system", 90, "system"],
    ];
    it.each(expected)("%s: %s kept %d days, tagged log-source=%s, KMS-encrypted", (key, name, days, source) => {
        const g = named(prod, LOG_GROUP, `mas-logging-${key}`);
        expect(g.inputs).toMatchObject({
            name,
            retentionInDays: days,
            kmsKeyId: arnOf(prod, KEY, "mas-keys-logs"),
            deletionProtectionEnabled: true,
        });
        expect((g.inputs.tags as Record<string, string>)["log-source"]).toBe(source);
        expect(g.protect).toBe(true);
        expect(named(dev, LOG_GROUP, `mas-logging-${key}`).protect).toBe(false);
    });
});

describe("Audit trail (LOG-AUDIT-TRAIL, ACC-DATA-AGENT-WRITE audit_logged)", () => {
    it("is multi-region, validated, KMS-encrypted, delivered to the audit bucket and log group", () => {
        const t = named(prod, "aws:cloudtrail/trail:Trail", "mas-audit-trail");
        expect(t.inputs).toMatchObject({
            name: "mas-prod-trail",
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            kmsKeyId: arnOf(prod, KEY, "mas-keys-audit"),
            s3BucketName: bucketName(prod, "mas-logging-audit"),
            cloudWatchLogsGroupArn: `${arnOf(prod, LOG_GROUP, "mas-logging-cloudtrail")}:*`,
            cloudWatchLogsRoleArn: arnOf(prod, "aws:iam/role:Role", "mas-audit-cloudtrail-logs"),
        });
        const policyUrn = named(prod, POLICY, "mas-logging-audit").urn;
        expect(t.dependencies).toContain(policyUrn);
    });

    it("records all management events and S3 object events of every bucket but the audit bucket", () => {
        const selectors = named(prod, "aws:cloudtrail/trail:Trail", "mas-audit-trail").inputs
            .advancedEventSelectors as { fieldSelectors: Record<string, unknown>[] }[];
        expect(selectors[0].fieldSelectors).toEqual([{ field: "eventCategory", equals: ["Management"] }]);
        expect(selectors[1].fieldSelectors).toEqual([
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            {
                field: "resources.ARN",
                startsWiths: [
                    "mas-logging-system",
                    "mas-logging-security",
                    "mas-stores-agent-data",
                    "mas-stores-metrics-data",
                ].map((b) => `${arnOf(prod, BUCKET, b)}/`),
            },
        ]);
    });

    it("CloudTrail's log role trusts cloudtrail.amazonaws.com for this trail and writes only its log group", () => {
        const role = named(prod, "aws:iam/role:Role", "mas-audit-cloudtrail-logs");
        expect(doc(role, "assumeRolePolicy")[0]).toMatchObject({
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
                StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:eu-west-1:${ACCT}:trail/mas-prod-trail` },
            },
        });
        expect(doc(named(prod, "aws:iam/rolePolicy:RolePolicy", "mas-audit-cloudtrail-logs"))[0]).toMatchObject({
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${arnOf(prod, LOG_GROUP, "mas-logging-cloudtrail")}:log-stream:*`,
        });
    });
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

describe("Data stores (ACC-DATA-AGENT-READ, ACC-DATA-AGENT-WRITE, ACC-DATA-METRICS-READ, ACC-DATA-METRICS-WRITE, DATA-CLS-DISCOVERY)", () => {
    const backupRole = `arn:aws:iam::${ACCT}:role/mas-prod-backup`;
    const macieRole = `arn:aws:iam::${ACCT}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`;

    it("agent_data: critical key, read only by system_admin/operator, written only by system_admin with MFA", () => {
        const arn = arnOf(prod, BUCKET, "mas-stores-agent-data");
        expect(
            (named(prod, SSE, "mas-stores-agent-data").inputs.rules as Record<string, Record<string, string>>[])[0]
                .applyServerSideEncryptionByDefault.kmsMasterKeyId,
        ).toBe(arnOf(prod, KEY, "mas-keys-critical"));
        const list = doc(named(prod, POLICY, "mas-stores-agent-data"));
        expect(sid(list, "AgentDataReadOnlyAdminOperator")).toEqual({
            Sid: "AgentDataReadOnlyAdminOperator",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: `${arn}/*`,
            Condition: {
                ArnNotLike: { "aws:PrincipalArn": [ROLES.systemAdmin, ROLES.operator, backupRole, macieRole] },
            },
        });
        expect(sid(list, "AgentDataWriteOnlyAdmin").Condition).toEqual({
            ArnNotLike: { "aws:PrincipalArn": [ROLES.systemAdmin, backupRole] },
        });
        expect(sid(list, "AgentDataWriteRequiresMfa")).toMatchObject({
            Effect: "Deny",
            Action: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            Condition: {
                BoolIfExists: { "aws:MultiFactorAuthPresent": "false" },
                ArnNotEquals: { "aws:PrincipalArn": backupRole },
            },
        });
        expect(named(prod, BUCKET, "mas-stores-agent-data").inputs.tags).toEqual({
            classification: "critical",
            "data-store": "agent_data",
        });
    });

    it("the data-store buckets have the fixed names the identity section's role policies grant", () => {
        expect(bucketName(prod, "mas-stores-agent-data")).toBe(`mas-prod-agent-data-${ACCT}-eu-west-1`);
        expect(bucketName(prod, "mas-stores-metrics-data")).toBe(`mas-prod-metrics-data-${ACCT}-eu-west-1`);
        expect(named(dev, BUCKET, "mas-stores-agent-data").inputs.bucket).toBe(`mas-dev-agent-data-${ACCT}-eu-west-1`);
    });

    it("ACC-DATA-AGENT-READ / ACC-DATA-AGENT-WRITE: the critical key lets system_admin / operator decrypt and system_admin encrypt, only through S3", () => {
        const list = doc(named(prod, KEY, "mas-keys-critical"));
        const via = { "kms:CallerAccount": ACCT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
        expect(sid(list, "AgentDataReadViaS3")).toEqual({
            Sid: "AgentDataReadViaS3",
            Effect: "Allow",
            Principal: "*",
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: "*",
            Condition: { ArnLike: { "aws:PrincipalArn": [ROLES.systemAdmin, ROLES.operator] }, StringEquals: via },
        });
        expect(sid(list, "AgentDataWriteViaS3")).toMatchObject({
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Condition: { ArnLike: { "aws:PrincipalArn": [ROLES.systemAdmin] }, StringEquals: via },
        });
        expect(list.map((x) => x.Sid)).not.toContain("MetricsDataReadViaS3");
    });

    it("ACC-DATA-METRICS-READ / ACC-DATA-METRICS-WRITE: the sensitive key lets admin / operator / agents decrypt and only monitoring_agent encrypt, only through S3", () => {
        const list = doc(named(prod, KEY, "mas-keys-sensitive"));
        const via = { "kms:CallerAccount": ACCT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
        expect(sid(list, "MetricsDataReadViaS3")).toMatchObject({
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Condition: {
                ArnLike: {
                    "aws:PrincipalArn": [
                        ROLES.systemAdmin,
                        ROLES.operator,
                        `arn:aws:iam::${ACCT}:role/mas-prod-agent-*`,
                    ],
                },
                StringEquals: via,
            },
        });
        expect(sid(list, "MetricsDataWriteViaS3")).toMatchObject({
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Condition: { ArnLike: { "aws:PrincipalArn": [ROLES.monitoringAgent] }, StringEquals: via },
        });
        // Other keys carry no data-store grants.
        expect(doc(named(prod, KEY, "mas-keys-logs")).map((x) => x.Sid)).not.toContain("AgentDataReadViaS3");
    });

    it("metrics_data: sensitive key, read by admin/operator/agents, written only by the monitoring agent with SigV4", () => {
        const list = doc(named(prod, POLICY, "mas-stores-metrics-data"));
        expect(sid(list, "MetricsDataReadOnlyAdminOperatorAgents").Condition).toEqual({
            ArnNotLike: {
                "aws:PrincipalArn": [
                    ROLES.systemAdmin,
                    ROLES.operator,
                    `arn:aws:iam::${ACCT}:role/mas-prod-agent-*`,
                    backupRole,
                    macieRole,
                ],
            },
        });
        expect(sid(list, "MetricsDataWriteOnlyMonitoringAgent").Condition).toEqual({
            ArnNotLike: { "aws:PrincipalArn": [ROLES.monitoringAgent, backupRole] },
        });
        expect(sid(list, "MetricsDataWriteRequiresSigV4").Condition).toEqual({
            StringNotEquals: { "s3:signatureversion": "AWS4-HMAC-SHA256" },
        });
        expect(
            (named(prod, SSE, "mas-stores-metrics-data").inputs.rules as Record<string, Record<string, string>>[])[0]
                .applyServerSideEncryptionByDefault.kmsMasterKeyId,
        ).toBe(arnOf(prod, KEY, "mas-keys-sensitive"));
    });

    it("data is kept: superseded versions for the level's retention (2557 / 365 days), no expiry", () => {
        const rule = (n: string) => (named(prod, LIFECYCLE, n).inputs.rules as Record<string, unknown>[])[0];
        expect(rule("mas-stores-agent-data").noncurrentVersionExpiration).toEqual({ noncurrentDays: 2557 });
        expect(rule("mas-stores-agent-data").expiration).toBeUndefined();
        expect(rule("mas-stores-metrics-data").noncurrentVersionExpiration).toEqual({ noncurrentDays: 365 });
    });

    it("DATA-CLS-DISCOVERY: Macie is enabled and scans both data buckets daily", () => {
        expect(named(prod, "aws:macie2/account:Account", "mas-stores-macie").inputs.status).toBe("ENABLED");
        expect(
            named(prod, "aws:macie2/classificationJob:ClassificationJob", "mas-stores-macie-data").inputs,
        ).toMatchObject({
            jobType: "SCHEDULED",
            scheduleFrequency: { dailySchedule: true },
            s3JobDefinition: {
                bucketDefinitions: [
                    {
                        accountId: ACCT,
                        buckets: [
                            bucketName(prod, "mas-stores-agent-data"),
                            bucketName(prod, "mas-stores-metrics-data"),
                        ],
                    },
                ],
            },
        });
    });
});

describe("Payload key (MSG-PAYLOAD-ROTATION, MSG-PAYLOAD-KEY-STORAGE)", () => {
    it("the data key secret is encrypted with the payload key and rotated every day by the Lambda", () => {
        const secret = named(prod, "aws:secretsmanager/secret:Secret", "mas-payload-secret");
        expect(secret.inputs).toMatchObject({
            name: "mas-prod/message-payload-key",
            kmsKeyId: arnOf(prod, KEY, "mas-keys-payload"),
            tags: { classification: "sensitive", "data-key": "message-payload" },
        });
        const fn = named(prod, "aws:lambda/function:Function", "mas-payload-rotation");
        expect(
            named(prod, "aws:secretsmanager/secretRotation:SecretRotation", "mas-payload-rotation").inputs,
        ).toMatchObject({
            secretId: secret.outputs.arn,
            rotationLambdaArn: fn.outputs.arn,
            rotationRules: { automaticallyAfterDays: 1 },
        });
        expect(fn.inputs).toMatchObject({
            runtime: "nodejs22.x",
            handler: "index.handler",
            loggingConfig: { logFormat: "JSON", logGroup: "/mas-prod/system" },
            environment: { variables: { PAYLOAD_KEY_ARN: arnOf(prod, KEY, "mas-keys-payload") } },
        });
        expect(named(prod, "aws:lambda/permission:Permission", "mas-payload-rotation").inputs).toMatchObject({
            principal: "secretsmanager.amazonaws.com",
            sourceArn: secret.outputs.arn,
        });
    });

    it("the rotation role may touch only this secret and the payload key", () => {
        const list = doc(named(prod, "aws:iam/rolePolicy:RolePolicy", "mas-payload-rotation"));
        expect(sid(list, "RotateThisSecret").Resource).toBe(
            named(prod, "aws:secretsmanager/secret:Secret", "mas-payload-secret").outputs.arn,
        );
        expect(sid(list, "PayloadKey").Resource).toBe(arnOf(prod, KEY, "mas-keys-payload"));
    });
});

describe("Rotation handler (MSG-PAYLOAD-ROTATION): the four Secrets Manager steps", () => {
    type Cmd = { name: string; input: Record<string, unknown> };
    function harness(stages: Record<string, string[]>) {
        const calls: Cmd[] = [];
        const values: Record<string, string> = {};
        const cmd = (name: string) =>
            class {
                name = name;
                constructor(readonly input: Record<string, unknown>) {}
            };
        const sm = {
            SecretsManagerClient: class {
                async send(c: Cmd) {
                    calls.push(c);
                    if (c.name === "Describe") {
                        return { RotationEnabled: true, VersionIdsToStages: stages };
                    }
                    if (c.name === "Get") {
                        const v = values[c.input.VersionId as string];
                        if (!v) {
                            throw Object.assign(new Error("missing"), { name: "ResourceNotFoundException" });
                        }
                        return { SecretString: v };
                    }
                    if (c.name === "Put") {
                        values[c.input.ClientRequestToken as string] = c.input.SecretString as string;
                    }
                    return {};
                }
            },
            DescribeSecretCommand: cmd("Describe"),
            GetSecretValueCommand: cmd("Get"),
            PutSecretValueCommand: cmd("Put"),
            UpdateSecretVersionStageCommand: cmd("Stage"),
        };
        const kms = {
            KMSClient: class {
                async send(c: Cmd) {
                    calls.push(c);
                    return { Plaintext: new Uint8Array(32).fill(7), CiphertextBlob: new Uint8Array(64).fill(1) };
                }
            },
            GenerateDataKeyCommand: cmd("GenerateDataKey"),
        };
        const { ROTATION_HANDLER } = require("../../components/data/payload-key");
        const module = { exports: {} as { handler: (e: unknown) => Promise<void> } };
        const fakeRequire = (m: string) => (m.includes("secrets-manager") ? sm : kms);
        process.env.PAYLOAD_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/payload";
        new Function("require", "exports", "module", "process", ROTATION_HANDLER)(
            fakeRequire,
            module.exports,
            module,
            process,
        );
        return { calls, values, handler: module.exports.handler };
    }

    it("creates a 32-byte AES-256 key, tests it and moves AWSCURRENT to it", async () => {
        const h = harness({ old: ["AWSCURRENT"], tok: ["AWSPENDING"] });
        for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) {
            await h.handler({ SecretId: "s", ClientRequestToken: "tok", Step });
        }
        const gen = h.calls.find((c) => c.name === "GenerateDataKey");
        expect(gen?.input).toEqual({
            KeyId: "arn:aws:kms:eu-west-1:123456789012:key/payload",
            KeySpec: "AES_256",
            EncryptionContext: { purpose: "message-payload" },
        });
        const stored = JSON.parse(h.values.tok) as { algorithm: string; key: string };
        expect(stored.algorithm).toBe("AES_256_GCM");
        expect(Buffer.from(stored.key, "base64")).toHaveLength(32);
        expect(h.calls.find((c) => c.name === "Put")?.input.VersionStages).toEqual(["AWSPENDING"]);
        expect(h.calls.find((c) => c.name === "Stage")?.input).toEqual({
            SecretId: "s",
            VersionStage: "AWSCURRENT",
            MoveToVersionId: "tok",
            RemoveFromVersionId: "old",
        });
    });

    it("does nothing for a version that is already current and refuses a version that is not pending", async () => {
        const h = harness({ tok: ["AWSCURRENT"], other: [] });
        await h.handler({ SecretId: "s", ClientRequestToken: "tok", Step: "createSecret" });
        expect(h.calls.map((c) => c.name)).toEqual(["Describe"]);
        await expect(h.handler({ SecretId: "s", ClientRequestToken: "other", Step: "createSecret" })).rejects.toThrow(
            "is not AWSPENDING",
        );
    });
});

describe("Config delivery bucket and central log streams (CMP-SOC2-EVIDENCE, LOG-AGG-CENTRAL)", () => {
    it("Config gets its own bucket: no Object Lock, audit key, audit retention, Config's delivery grants only", () => {
        const b = named(prod, BUCKET, "mas-logging-config");
        expect(b.inputs.objectLockEnabled).toBeUndefined();
        expect(
            ofType(prod, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").map((r) => r.name),
        ).toEqual(["mas-logging-audit"]);
        const sse = named(prod, SSE, "mas-logging-config").inputs.rules as Record<string, any>[];
        expect(sse[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).toBe(arnOf(prod, KEY, "mas-keys-audit"));
        expect(sse[0].bucketKeyEnabled).toBe(true);
        expect((named(prod, LIFECYCLE, "mas-logging-config").inputs.rules as any[])[0].expiration).toEqual({
            days: 2557,
        });
        const policy = doc(named(prod, POLICY, "mas-logging-config"));
        const arn = `arn:aws:s3:::${bucketName(prod, "mas-logging-config")}`;
        expect(sid(policy, "AWSConfigBucketDelivery")).toEqual({
            Sid: "AWSConfigBucketDelivery",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${arn}/config/AWSLogs/${ACCT}/Config/*`,
            Condition: { StringEquals: { "aws:SourceAccount": ACCT, "s3:x-amz-acl": "bucket-owner-full-control" } },
        });
        expect(sid(policy, "AWSConfigBucketPermissionsCheck").Action).toBe("s3:GetBucketAcl");
        expect(sid(policy, "DenyHistoryDeletion")).toMatchObject({
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
        });
    });

    it("streams every system / security log group into its source's bucket through Firehose (SSE-KMS, logs key)", () => {
        const STREAM = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";
        for (const source of ["system", "security"]) {
            const s = named(prod, STREAM, `mas-logging-${source}-stream`).inputs;
            expect(s.destination).toBe("extended_s3");
            expect(s.extendedS3Configuration).toMatchObject({
                bucketArn: arnOf(prod, BUCKET, `mas-logging-${source}`),
                kmsKeyArn: arnOf(prod, KEY, "mas-keys-logs"),
                compressionFormat: "UNCOMPRESSED",
            });
        }
        const filters = ofType(prod, "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter");
        const streamOf = (g: string) =>
            filters.find((f) => f.inputs.logGroup === named(prod, LOG_GROUP, `mas-logging-${g}`).outputs.name)?.inputs
                .destinationArn;
        const arnOfStream = (source: string) => named(prod, STREAM, `mas-logging-${source}-stream`).outputs.arn;
        expect(streamOf("system")).toBe(arnOfStream("system"));
        for (const g of ["vpcFlow", "waf", "firewall", "eks"]) {
            expect([g, streamOf(g)]).toEqual([g, arnOfStream("security")]);
        }
        // CloudTrail delivers to the audit bucket itself; its log group is not streamed.
        expect(streamOf("cloudtrail")).toBeUndefined();
        for (const f of filters) {
            expect(f.inputs.filterPattern).toBe("");
        }
        const trust = JSON.parse(
            named(prod, "aws:iam/role:Role", "mas-logging-subscription").inputs.assumeRolePolicy as string,
        );
        expect(trust.Statement[0].Principal).toEqual({ Service: "logs.eu-west-1.amazonaws.com" });
    });
});

describe("Evidence and the pack's data policies on this component", () => {
    it("records every infrastructure control of the data area except DATA-ENC-IN-MEMORY (cluster section)", () => {
        const { dataControls } = require("../../policy-pack/catalog/data");
        const infra = (dataControls as { id: string; how: { kind: string } }[])
            .filter((c) => c.how.kind === "infrastructure")
            .map((c) => c.id)
            .filter((id) => id !== "DATA-ENC-IN-MEMORY")
            .sort();
        const recorded = Object.keys(plain<Record<string, unknown>>(prod.stackOutputs.evidence)).sort();
        expect(recorded).toEqual(infra);
    });

    it.each(["dev", "prod"] as const)(
        "%s: every data policy passes (the enclave one needs the cluster section)",
        (stack) => {
            const run = stack === "dev" ? dev : prod;
            const { dataPolicies, inMemoryEnclave } = require("../../policy-pack/policies/data");
            const provider = {
                type: "pulumi:providers:aws",
                props: { defaultTags: JSON.stringify({ tags: { classification: "internal", environment: stack } }) },
            };
            const violations: string[] = [];
            for (const p of dataPolicies) {
                if (p === inMemoryEnclave) {
                    continue;
                }
                if (p.validateResource) {
                    for (const r of run.resources) {
                        const v = validateResource(p, {
                            type: r.type,
                            props: plain(r.inputs),
                            protect: r.protect,
                            provider,
                        });
                        violations.push(...v.map((m) => `${p.name} ${r.name}: ${m}`));
                    }
                } else {
                    const resources = run.resources.map((r) => ({
                        type: r.type,
                        name: r.name,
                        props: plain<Record<string, unknown>>(r.outputs),
                    }));
                    violations.push(
                        ...validateStack(p, resources, { environment: stack }).map((v) => `${p.name}: ${v.message}`),
                    );
                }
            }
            expect(violations).toEqual([]);
        },
    );
});
