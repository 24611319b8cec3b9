import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { ACCT, KEY, BUCKET, LIFECYCLE, SSE, POLICY, LOG_GROUP, program, doc, sid, arnOf, bucketName } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
let longer: ProgramRun;
beforeAll(async () => {
    dev = await program("dev");
    prod = await program("prod");
    longer = await program("dev", { systemLogRetentionDays: 120, securityLogRetentionDays: 400 });
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

    it("LOG-AGG-ENCRYPTION: SSE-KMS with the logs / audit key and bucket keys; the ALB bucket SSE-S3; SSE-C blocked", () => {
        const rule = (name: string) => (named(prod, SSE, name).inputs.rules as Record<string, unknown>[])[0];
        const logsKey = arnOf(prod, KEY, "mas-keys-logs");
        expect(rule("mas-logging-system")).toEqual({
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: logsKey },
            bucketKeyEnabled: true,
            blockedEncryptionTypes: ["SSE-C"],
        });
        expect(rule("mas-logging-security")).toMatchObject({
            applyServerSideEncryptionByDefault: { kmsMasterKeyId: logsKey },
        });
        expect(rule("mas-logging-audit")).toMatchObject({
            applyServerSideEncryptionByDefault: { kmsMasterKeyId: arnOf(prod, KEY, "mas-keys-audit") },
        });
        expect(rule("mas-logging-alb-access")).toEqual({
            applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
            blockedEncryptionTypes: ["SSE-C"],
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
