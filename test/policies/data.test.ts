import {
    agentMessageKeys,
    backupCoverage,
    backupPlanRules,
    cadenceOf,
    classificationTag,
    cloudTrailSettings,
    dataAccessPolicies,
    inMemoryEnclave,
    kmsKeySettings,
    logBucketRetention,
    logGroupSettings,
    macieDiscovery,
    messageKeys,
    protectedInProd,
    rotationHours,
    s3BucketBaseline,
} from "../../policy-pack/policies/data";
import { StackResourceCase, validateResource, validateStack } from "../harness/policy";
import { fixture as iamFixture, Fixture, resources as iamResources } from "../lib/iam/fixture";

type Props = Record<string, unknown>;
const ROOT = "arn:aws:iam::123456789012:root";
const provider = (tags: Record<string, string>) => ({
    type: "pulumi:providers:aws",
    props: { defaultTags: JSON.stringify({ tags }) },
});
const messages = (v: { message: string }[]) => v.map((x) => x.message);
/** Replaces the resources of `type` named `name` in a baseline with `props` (undefined: removes it). */
function change(list: StackResourceCase[], name: string, props: Props | undefined): StackResourceCase[] {
    return list.flatMap((r) => (r.name === name ? (props === undefined ? [] : [{ ...r, props }]) : [r]));
}
function propsOf(list: StackResourceCase[], name: string): Props {
    return list.find((r) => r.name === name)?.props as Props;
}

describe("data-kms-key-settings (KMS-AT-REST, KMS-KEY-MGMT)", () => {
    const policy = JSON.stringify({
        Statement: [
            { Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
            {
                Sid: "Logs",
                Effect: "Allow",
                Principal: { Service: "logs.eu-west-1.amazonaws.com" },
                Action: ["kms:Encrypt*"],
                Resource: "*",
            },
        ],
    });
    const key = (over: Props = {}): Props => ({
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        rotationPeriodInDays: 90,
        deletionWindowInDays: 30,
        policy,
        ...over,
    });
    const check = (props: Props) => validateResource(kmsKeySettings, { type: "aws:kms/key:Key", props });

    it("passes a compliant symmetric key and an Ed25519 signing key", () => {
        expect(check(key())).toEqual([]);
        expect(
            check(
                key({
                    keyUsage: "SIGN_VERIFY",
                    customerMasterKeySpec: "ECC_NIST_EDWARDS25519",
                    enableKeyRotation: false,
                    rotationPeriodInDays: undefined,
                }),
            ),
        ).toEqual([]);
    });
    it("fails a non-AES encryption key spec", () => {
        expect(check(key({ customerMasterKeySpec: "RSA_2048" }))).toEqual([
            "[KMS-AT-REST] encryption key has spec RSA_2048; data at rest needs SYMMETRIC_DEFAULT (AES-256-GCM)",
        ]);
    });
    it("fails rotation off", () => {
        expect(check(key({ enableKeyRotation: false }))).toEqual([
            "[KMS-KEY-MGMT] automatic key rotation is off (enableKeyRotation must be true)",
        ]);
    });
    it("fails a rotation period above 90 days (and the 365-day default)", () => {
        expect(check(key({ rotationPeriodInDays: 180 }))).toEqual([
            "[KMS-KEY-MGMT] key rotates every 180 days; the catalog asks at most 90",
        ]);
        expect(check(key({ rotationPeriodInDays: undefined }))).toEqual([
            "[KMS-KEY-MGMT] key rotates every 365 days; the catalog asks at most 90",
        ]);
    });
    it("fails a deletion window other than 30 days", () => {
        expect(check(key({ deletionWindowInDays: 7 }))).toEqual([
            "[KMS-KEY-MGMT] deletion window is 7 days; the catalog asks 30",
        ]);
    });
    it("fails a key without an explicit policy", () => {
        expect(check(key({ policy: undefined }))).toEqual([
            "[KMS-KEY-MGMT] key has no explicit key policy naming the services that may use it",
        ]);
    });
    it("fails kms:* granted to anyone but the account root", () => {
        const bad = JSON.stringify({
            Statement: [{ Sid: "Wide", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
        });
        expect(check(key({ policy: bad }))).toEqual([
            "[KMS-KEY-MGMT] a principal of another account can kms:Decrypt with this key (key policy:Wide)",
            "[KMS-KEY-MGMT] a principal of another account can kms:Encrypt with this key (key policy:Wide)",
            "[KMS-KEY-MGMT] a principal of another account can kms:GenerateDataKey with this key (key policy:Wide)",
            "[KMS-KEY-MGMT] a principal of another account can kms:CreateGrant with this key (key policy:Wide)",
            "[KMS-KEY-MGMT] a principal of another account can kms:PutKeyPolicy with this key (key policy:Wide)",
            "[KMS-KEY-MGMT] a principal of another account can kms:ScheduleKeyDeletion with this key (key policy:Wide)",
            "[KMS-KEY-MGMT] key policy statement Wide grants kms:* to a principal other than the account root",
        ]);
    });
    it('fails Principal "*" use without a restricting condition, passes it restricted to the account', () => {
        const grant = (Condition?: object) =>
            JSON.stringify({
                Statement: [
                    {
                        Sid: "Admin",
                        Effect: "Allow",
                        Principal: { AWS: "arn:aws:iam::123456789012:root" },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        Sid: "Use",
                        Effect: "Allow",
                        Principal: "*",
                        Action: "kms:Decrypt",
                        Resource: "*",
                        ...(Condition ? { Condition } : {}),
                    },
                ],
            });
        expect(check(key({ policy: grant(), arn: "arn:aws:kms:eu-west-1:123456789012:key/k" }))).toEqual([
            "[KMS-KEY-MGMT] a principal of another account can kms:Decrypt with this key (key policy:Use)",
        ]);
        expect(
            check(
                key({
                    policy: grant({ StringEquals: { "kms:CallerAccount": "123456789012" } }),
                    arn: "arn:aws:kms:eu-west-1:123456789012:key/k",
                }),
            ),
        ).toEqual([]);
        // kms:ViaService alone does not restrict: another account's principal can call through S3 as well.
        expect(
            check(
                key({
                    policy: grant({ StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } }),
                    arn: "arn:aws:kms:eu-west-1:123456789012:key/k",
                }),
            ),
        ).toEqual(["[KMS-KEY-MGMT] a principal of another account can kms:Decrypt with this key (key policy:Use)"]);
    });
});

/** A compliant bucket with its configuration resources, as a stack policy sees them. */
function bucketSet(name: string, tags: Record<string, string>, over: Record<string, Props | undefined> = {}) {
    const arn = `arn:aws:s3:::${name}`;
    const base: Record<string, StackResourceCase> = {
        bucket: { type: "aws:s3/bucket:Bucket", name: `${name}`, props: { bucket: name, arn, tags } },
        sse: {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: `${name}-sse`,
            props: {
                bucket: name,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" } }],
            },
        },
        pab: {
            type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            name: `${name}-pab`,
            props: {
                bucket: name,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        },
        versioning: {
            type: "aws:s3/bucketVersioning:BucketVersioning",
            name: `${name}-versioning`,
            props: { bucket: name, versioningConfiguration: { status: "Enabled" } },
        },
        policy: {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: `${name}-policy`,
            props: {
                bucket: name,
                policy: JSON.stringify({
                    Statement: [
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [arn, `${arn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                }),
            },
        },
    };
    return Object.entries(base).flatMap(([k, r]) =>
        k in over ? (over[k] === undefined ? [] : [{ ...r, props: { ...r.props, ...over[k] } }]) : [r],
    );
}

describe("data-s3-bucket-baseline (KMS-AT-REST, LOG-AGG-ENCRYPTION, LOG-AGG-STORAGE)", () => {
    const alb = (over: Record<string, Props | undefined> = {}) =>
        bucketSet(
            "alb-logs",
            { "sse-kms-exemption": "elb-access-logs" },
            {
                sse: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
                ...over,
            },
        );
    const run = (list: StackResourceCase[]) => messages(validateStack(s3BucketBaseline, list));

    it("passes KMS buckets and the one tagged ELB access-log bucket on SSE-S3", () => {
        expect(run([...bucketSet("data", {}), ...alb()])).toEqual([]);
    });
    it("fails a bucket without an encryption configuration", () => {
        expect(run(bucketSet("data", {}, { sse: undefined }))).toEqual([
            "[KMS-AT-REST] bucket data has no server-side encryption configuration",
        ]);
    });
    it("fails SSE-S3 on a bucket without the exemption", () => {
        expect(
            run(
                bucketSet(
                    "data",
                    {},
                    { sse: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] } },
                ),
            ),
        ).toEqual(["[KMS-AT-REST] bucket data encrypts with AES256, not aws:kms (a customer-managed KMS key)"]);
    });
    it("fails an exemption tag with another value", () => {
        expect(
            run(
                bucketSet(
                    "other",
                    { "sse-kms-exemption": "because" },
                    {
                        sse: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
                    },
                ),
            ),
        ).toEqual(["[KMS-AT-REST] bucket other encrypts with AES256, not aws:kms (a customer-managed KMS key)"]);
    });
    it("fails a second exempt bucket", () => {
        const second = bucketSet(
            "alb-2",
            { "sse-kms-exemption": "elb-access-logs" },
            {
                sse: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            },
        );
        expect(run([...alb(), ...second])).toEqual([
            "[LOG-AGG-ENCRYPTION] only one bucket may carry sse-kms-exemption=elb-access-logs; found alb-logs, alb-2",
        ]);
    });
    it("fails an exempt bucket that is not on SSE-S3", () => {
        expect(
            run(alb({ sse: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } }] } })),
        ).toEqual(["[LOG-AGG-ENCRYPTION] ELB access-log bucket alb-logs must use SSE-S3 (AES256)"]);
    });
    it("fails a public access block with a flag off, or none", () => {
        expect(run(bucketSet("data", {}, { pab: { restrictPublicBuckets: false } }))).toEqual([
            "[LOG-AGG-STORAGE] bucket data does not block public access with all four flags",
        ]);
        expect(run(bucketSet("data", {}, { pab: undefined }))).toEqual([
            "[LOG-AGG-STORAGE] bucket data does not block public access with all four flags",
        ]);
    });
    it("fails suspended versioning", () => {
        expect(
            run(bucketSet("data", {}, { versioning: { versioningConfiguration: { status: "Suspended" } } })),
        ).toEqual(["[LOG-AGG-STORAGE] bucket data does not have versioning Enabled"]);
    });
    it("fails a policy that does not deny non-TLS requests", () => {
        const allowOnly = JSON.stringify({
            Statement: [{ Sid: "X", Effect: "Allow", Principal: { AWS: ROOT }, Action: "s3:GetObject", Resource: "*" }],
        });
        expect(run(bucketSet("data", {}, { policy: { policy: allowOnly } }))).toEqual([
            "[LOG-AGG-STORAGE] bucket data has no policy statement denying requests without TLS (aws:SecureTransport=false)",
        ]);
    });
});

describe("data-log-bucket-retention (LOG-SYSTEM-RETENTION, LOG-SECURITY-RETENTION, LOG-AUDIT-RETENTION, LOG-AGG-CENTRAL)", () => {
    const lifecycle = (bucket: string, days: number): StackResourceCase => ({
        type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        name: `${bucket}-lc`,
        props: { bucket, rules: [{ id: "retention", status: "Enabled", expiration: { days } }] },
    });
    const baseline = (): StackResourceCase[] => [
        { type: "aws:s3/bucket:Bucket", name: "sys", props: { bucket: "sys", tags: { "log-source": "system" } } },
        lifecycle("sys", 90),
        { type: "aws:s3/bucket:Bucket", name: "sec", props: { bucket: "sec", tags: { "log-source": "security" } } },
        lifecycle("sec", 365),
        {
            type: "aws:s3/bucket:Bucket",
            name: "aud",
            props: { bucket: "aud", objectLockEnabled: true, tagsAll: { "log-source": "audit" } },
        },
        lifecycle("aud", 2557),
        {
            type: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            name: "aud-lock",
            props: { bucket: "aud", rule: { defaultRetention: { mode: "COMPLIANCE", days: 2557 } } },
        },
    ];
    const run = (list: StackResourceCase[], config?: Props) =>
        messages(validateStack(logBucketRetention, list, config));

    it("passes the three log buckets at 90 / 365 / 2557 days with a COMPLIANCE lock (years also count)", () => {
        expect(run(baseline())).toEqual([]);
        const years = change(baseline(), "aud-lock", {
            bucket: "aud",
            rule: { defaultRetention: { mode: "COMPLIANCE", years: 8 } },
        });
        expect(run(years)).toEqual([]);
    });
    it("fails a missing source bucket", () => {
        expect(run(change(change(baseline(), "sys", undefined), "sys-lc", undefined))).toEqual([
            "[LOG-AGG-CENTRAL] no bucket is tagged log-source=system",
        ]);
    });
    it("fails an unknown log-source", () => {
        const list = [
            ...baseline(),
            { type: "aws:s3/bucket:Bucket", name: "x", props: { bucket: "x", tags: { "log-source": "debug" } } },
        ];
        expect(run(list)).toEqual([
            "[LOG-AGG-CENTRAL] bucket x has log-source=debug; expected one of system, security, audit",
        ]);
    });
    it("fails a log bucket whose expiry is not its source's retention", () => {
        expect(run(change(baseline(), "sec-lc", lifecycle("sec", 400).props))).toEqual([
            "[LOG-SECURITY-RETENTION] log bucket sec expires objects after 400 days; security logs are kept 365 days",
        ]);
    });
    it("fails a log bucket without an expiring lifecycle", () => {
        expect(run(change(baseline(), "sys-lc", undefined))).toEqual([
            "[LOG-SYSTEM-RETENTION] log bucket sys has no enabled lifecycle expiration; system logs expire after 90 days",
        ]);
    });
    it("reads retention from policy config when a stack keeps logs longer", () => {
        const list = change(baseline(), "sys-lc", lifecycle("sys", 120).props);
        expect(run(list, { logRetentionDays: { system: 120, security: 365, audit: 2557 } })).toEqual([]);
    });
    it("fails an audit bucket without Object Lock", () => {
        expect(run(change(baseline(), "aud-lock", undefined))).toEqual([
            "[LOG-AUDIT-RETENTION] audit bucket aud is not under S3 Object Lock",
        ]);
    });
    it("fails GOVERNANCE mode or a shorter lock", () => {
        expect(
            run(
                change(baseline(), "aud-lock", {
                    bucket: "aud",
                    rule: { defaultRetention: { mode: "GOVERNANCE", days: 2557 } },
                }),
            ),
        ).toEqual([
            "[LOG-AUDIT-RETENTION] audit bucket aud Object Lock is GOVERNANCE for 2557 days; the catalog asks COMPLIANCE for 2557 days",
        ]);
        expect(
            run(
                change(baseline(), "aud-lock", {
                    bucket: "aud",
                    rule: { defaultRetention: { mode: "COMPLIANCE", days: 365 } },
                }),
            ),
        ).toEqual([
            "[LOG-AUDIT-RETENTION] audit bucket aud Object Lock is COMPLIANCE for 365 days; the catalog asks COMPLIANCE for 2557 days",
        ]);
    });
});

describe("data-log-group-settings (LOG-*-RETENTION, LOG-AGG-CENTRAL, LOG-AGG-ENCRYPTION)", () => {
    const group = (over: Props = {}): Props => ({
        name: "/mas-dev/system",
        retentionInDays: 90,
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc",
        tags: { "log-source": "system" },
        ...over,
    });
    const check = (props: Props, config?: Props) =>
        validateResource(logGroupSettings, { type: "aws:cloudwatch/logGroup:LogGroup", props, config });

    it("passes a system / security / audit group with its retention and a KMS key", () => {
        expect(check(group())).toEqual([]);
        expect(check(group({ retentionInDays: 365, tags: { "log-source": "security" } }))).toEqual([]);
        expect(check(group({ retentionInDays: 2557, tags: { "log-source": "audit" } }))).toEqual([]);
    });
    it("fails a group without a log-source tag, or an unknown one", () => {
        expect(check(group({ tags: {} }))).toEqual([
            "[LOG-AGG-CENTRAL] log group has no log-source tag; expected one of system, security, audit",
        ]);
        expect(check(group({ tags: { "log-source": "app" } }))).toEqual([
            "[LOG-AGG-CENTRAL] log group has an unknown (app) log-source tag; expected one of system, security, audit",
        ]);
    });
    it("fails a wrong or missing retention", () => {
        expect(check(group({ retentionInDays: 30, tags: { "log-source": "security" } }))).toEqual([
            "[LOG-SECURITY-RETENTION] log group keeps logs 30 days; security logs are kept 365 days",
        ]);
        expect(check(group({ retentionInDays: undefined, tags: { "log-source": "audit" } }))).toEqual([
            "[LOG-AUDIT-RETENTION] log group keeps logs forever; audit logs are kept 2557 days",
        ]);
    });
    it("uses the configured retention", () => {
        expect(check(group({ retentionInDays: 120 }), { logRetentionDays: { system: 120 } })).toEqual([]);
    });
    it("fails a retention CloudWatch Logs does not accept, even when configured", () => {
        expect(check(group({ retentionInDays: 100 }), { logRetentionDays: { system: 100 } })).toEqual([
            "[LOG-SYSTEM-RETENTION] retentionInDays 100 is not a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
        ]);
    });
    it("fails a group without KMS", () => {
        expect(check(group({ kmsKeyId: undefined }))).toEqual([
            "[LOG-AGG-ENCRYPTION] log group is not encrypted with a KMS key (kmsKeyId)",
        ]);
    });
});

describe("data-cloudtrail-settings (LOG-AUDIT-TRAIL, ACC-DATA-AGENT-WRITE)", () => {
    const trail = (over: Props = {}): Props => ({
        isMultiRegionTrail: true,
        enableLogFileValidation: true,
        kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/audit",
        cloudWatchLogsGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/mas/cloudtrail:*",
        advancedEventSelectors: [
            { fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
            {
                fieldSelectors: [
                    { field: "eventCategory", equals: ["Data"] },
                    { field: "resources.type", equals: ["AWS::S3::Object"] },
                ],
            },
        ],
        ...over,
    });
    const check = (props: Props) => validateResource(cloudTrailSettings, { type: "aws:cloudtrail/trail:Trail", props });

    it("passes the compliant trail", () => {
        expect(check(trail())).toEqual([]);
    });
    it("fails a single-region trail", () => {
        expect(check(trail({ isMultiRegionTrail: false }))).toEqual([
            "[LOG-AUDIT-TRAIL] trail is not multi-region (isMultiRegionTrail)",
        ]);
    });
    it("fails without log file validation", () => {
        expect(check(trail({ enableLogFileValidation: undefined }))).toEqual([
            "[LOG-AUDIT-TRAIL] trail does not validate log files (enableLogFileValidation)",
        ]);
    });
    it("fails without KMS", () => {
        expect(check(trail({ kmsKeyId: undefined }))).toEqual([
            "[LOG-AUDIT-TRAIL] trail is not encrypted with a KMS key (kmsKeyId)",
        ]);
    });
    it("fails without CloudWatch Logs delivery", () => {
        expect(check(trail({ cloudWatchLogsGroupArn: undefined }))).toEqual([
            "[LOG-AUDIT-TRAIL] trail does not deliver to a CloudWatch log group",
        ]);
    });
    it("fails write-only management events", () => {
        const sel = trail().advancedEventSelectors as Props[];
        const writeOnly = [
            {
                fieldSelectors: [
                    { field: "eventCategory", equals: ["Management"] },
                    { field: "readOnly", equals: ["false"] },
                ],
            },
            sel[1],
        ];
        expect(check(trail({ advancedEventSelectors: writeOnly }))).toEqual([
            "[LOG-AUDIT-TRAIL] trail does not record all management events (read and write)",
        ]);
    });
    it("fails without S3 data events", () => {
        const sel = trail().advancedEventSelectors as Props[];
        expect(check(trail({ advancedEventSelectors: [sel[0]] }))).toEqual([
            "[ACC-DATA-AGENT-WRITE] trail records no S3 object data events (writes are not audit-logged)",
        ]);
        expect(check(trail({ advancedEventSelectors: undefined }))).toEqual([
            "[ACC-DATA-AGENT-WRITE] trail has no advanced event selectors: S3 object data events are not recorded",
        ]);
    });
});

describe("data-classification-tag (DATA-CLS-TAG)", () => {
    const check = (type: string, props: Props, defaults?: Record<string, string>) =>
        validateResource(classificationTag, { type, props, ...(defaults ? { provider: provider(defaults) } : {}) });

    it("passes own tags and the provider's default classification", () => {
        expect(check("aws:sns/topic:Topic", { tags: { classification: "sensitive" } })).toEqual([]);
        expect(check("aws:kms/key:Key", {}, { classification: "internal" })).toEqual([]);
    });
    it("ignores non-taggable and non-AWS resources", () => {
        expect(check("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r" })).toEqual([]);
        expect(check("kubernetes:core/v1:Namespace", { tags: {} })).toEqual([]);
    });
    it("fails a taggable resource without the tag (data-holding types even without a tags property)", () => {
        expect(check("aws:ec2/vpc:Vpc", { tags: { Name: "x" } })).toEqual([
            "resource has no classification tag; expected one of critical, sensitive, internal",
        ]);
        expect(check("aws:s3/bucket:Bucket", {})).toEqual([
            "resource has no classification tag; expected one of critical, sensitive, internal",
        ]);
    });
    it("fails an unknown level, even over a valid default", () => {
        expect(
            check("aws:ec2/vpc:Vpc", { tags: { classification: "secret" } }, { classification: "internal" }),
        ).toEqual(["classification=secret is not one of critical, sensitive, internal"]);
    });
});

describe("data-backup-plan-rules (BAK-CRITICAL, BAK-SENSITIVE, BAK-INTERNAL)", () => {
    const rule = (schedule: string, deleteAfter: number, continuous = false): Props => ({
        ruleName: "r",
        targetVaultName: "v",
        schedule,
        enableContinuousBackup: continuous,
        lifecycle: { deleteAfter },
    });
    const DAILY = "cron(0 3 ? * * *)";
    const WEEKLY = "cron(0 3 ? * SUN *)";
    const check = (level: string | undefined, rules: Props[]) =>
        validateResource(backupPlanRules, {
            type: "aws:backup/plan:Plan",
            props: { rules, ...(level ? { tags: { classification: level } } : {}) },
        });

    it("passes the catalog's rules per level", () => {
        expect(check("critical", [rule(DAILY, 35, true), rule(DAILY, 2557)])).toEqual([]);
        expect(check("sensitive", [rule(DAILY, 365)])).toEqual([]);
        expect(check("internal", [rule(WEEKLY, 90)])).toEqual([]);
    });
    it("fails critical without continuous backup", () => {
        expect(check("critical", [rule(DAILY, 2557)])).toEqual([
            "[BAK-CRITICAL] critical backup plan lacks a continuous rule (daily schedule) kept 35 days",
        ]);
    });
    it("fails critical kept less than 7 years", () => {
        expect(check("critical", [rule(DAILY, 35, true), rule(DAILY, 365)])).toEqual([
            "[BAK-CRITICAL] critical backup plan lacks a daily rule (daily schedule) kept 2557 days",
        ]);
    });
    it("fails sensitive backed up weekly", () => {
        expect(check("sensitive", [rule(WEEKLY, 365)])).toEqual([
            "[BAK-SENSITIVE] sensitive backup plan lacks a daily rule (daily schedule) kept 365 days",
        ]);
    });
    it("fails internal kept 30 days", () => {
        expect(check("internal", [rule(WEEKLY, 30)])).toEqual([
            "[BAK-INTERNAL] internal backup plan lacks a weekly rule (weekly schedule) kept 90 days",
        ]);
    });
    it("fails a plan without a classification tag", () => {
        expect(check(undefined, [rule(DAILY, 365)])).toEqual([
            "[DATA-CLS-TAG] backup plan has no classification tag naming the level it backs up",
        ]);
    });
    it("reads cron cadences", () => {
        expect(cadenceOf("cron(0 3 ? * * *)")).toBe("daily");
        expect(cadenceOf("cron(0 3 * * ? *)")).toBe("daily");
        expect(cadenceOf("cron(0 3 ? * MON *)")).toBe("weekly");
        expect(cadenceOf("cron(0 */6 ? * * *)")).toBe("other");
        expect(cadenceOf("cron(0 3 1 * ? *)")).toBe("other");
        expect(cadenceOf("rate(1 day)")).toBe("other");
    });
});

describe("data-backup-coverage (BAK-*, BAK-RESTORE-TEST, KMS-AT-REST)", () => {
    const baseline = (): StackResourceCase[] => [
        ...["critical", "sensitive", "internal"].flatMap((level): StackResourceCase[] => [
            {
                type: "aws:backup/plan:Plan",
                name: `plan-${level}`,
                props: {
                    arn: `arn:aws:backup:eu-west-1:123456789012:backup-plan:id-${level}`,
                    tags: { classification: level },
                },
            },
            {
                type: "aws:backup/selection:Selection",
                name: `sel-${level}`,
                props: {
                    planId: `id-${level}`,
                    selectionTags: [{ type: "STRINGEQUALS", key: "classification", value: level }],
                },
            },
        ]),
        { type: "aws:backup/vault:Vault", name: "vault", props: { name: "v", kmsKeyArn: "arn:aws:kms:k" } },
        {
            type: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
            name: "lock",
            props: { backupVaultName: "v", minRetentionDays: 35, maxRetentionDays: 2557, changeableForDays: 3 },
        },
        {
            type: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
            name: "rtp",
            props: { name: "weekly", scheduleExpression: "cron(0 6 ? * MON *)" },
        },
        {
            type: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
            name: "rts",
            props: { restoreTestingPlanName: "weekly" },
        },
    ];
    const run = (list: StackResourceCase[], environment = "prod") =>
        messages(validateStack(backupCoverage, list, { environment }));

    it("passes plans, selections, a locked KMS vault and a weekly restore test", () => {
        expect(run(baseline())).toEqual([]);
    });
    it("fails a level without a selection (also selections by condition count)", () => {
        expect(run(change(baseline(), "sel-sensitive", undefined))).toEqual([
            "[BAK-SENSITIVE] no backup plan tagged classification=sensitive has a selection of resources tagged classification=sensitive",
        ]);
        const byCondition = change(baseline(), "sel-sensitive", {
            planId: "id-sensitive",
            conditions: [{ stringEquals: [{ key: "aws:ResourceTag/classification", value: "sensitive" }] }],
        });
        expect(run(byCondition)).toEqual([]);
    });
    it("fails a selection of another level", () => {
        const wrong = change(baseline(), "sel-internal", {
            planId: "id-internal",
            selectionTags: [{ type: "STRINGEQUALS", key: "classification", value: "sensitive" }],
        });
        expect(run(wrong)).toEqual([
            "[BAK-INTERNAL] no backup plan tagged classification=internal has a selection of resources tagged classification=internal",
        ]);
    });
    it("fails a vault without KMS", () => {
        expect(run(change(baseline(), "vault", { name: "v" }))).toEqual([
            "[KMS-AT-REST] backup vault v is not encrypted with a customer-managed KMS key",
        ]);
    });
    it("fails an unlocked vault", () => {
        expect(run(change(baseline(), "lock", undefined))).toEqual(["[BAK-CRITICAL] backup vault v has no vault lock"]);
    });
    it("fails a lock range that excludes the plans' retention", () => {
        expect(run(change(baseline(), "lock", { ...propsOf(baseline(), "lock"), maxRetentionDays: 365 }))).toEqual([
            "[BAK-CRITICAL] backup vault v lock admits 35–365 days; the plans keep 35–2557 days",
        ]);
    });
    it("fails governance mode in prod only", () => {
        const governance = change(baseline(), "lock", {
            backupVaultName: "v",
            minRetentionDays: 35,
            maxRetentionDays: 2557,
        });
        expect(run(governance)).toEqual([
            "[BAK-CRITICAL] backup vault v lock is in governance mode; prod needs compliance mode (changeableForDays ≥ 3)",
        ]);
        expect(run(governance, "dev")).toEqual([]);
    });
    it("fails without a weekly restore test", () => {
        expect(run(change(baseline(), "rtp", { name: "weekly", scheduleExpression: "cron(0 6 1 * ? *)" }))).toEqual([
            "[BAK-RESTORE-TEST] no weekly restore testing plan verifies the backups",
        ]);
    });
    it("fails a restore test without a selection", () => {
        expect(run(change(baseline(), "rts", undefined))).toEqual([
            "[BAK-RESTORE-TEST] the weekly restore testing plan has no restore testing selection",
        ]);
    });
});

describe("data-protected-in-prod (DATA-CLS-CRITICAL, DATA-CLS-SENSITIVE, DATA-CLS-INTERNAL)", () => {
    const check = (type: string, protect: boolean, env: string, tags: Record<string, string> = {}) =>
        validateResource(protectedInProd, { type, props: { tags }, protect, provider: provider({ environment: env }) });

    it("passes protected prod resources and unprotected dev ones", () => {
        expect(check("aws:kms/key:Key", true, "prod")).toEqual([]);
        expect(check("aws:s3/bucket:Bucket", false, "dev")).toEqual([]);
    });
    it("fails an unprotected prod resource, naming its classification's control", () => {
        expect(check("aws:s3/bucket:Bucket", false, "prod", { classification: "critical" })).toEqual([
            "[DATA-CLS-CRITICAL] aws:s3/bucket:Bucket is not protected (protect: true) in prod",
        ]);
        expect(check("aws:backup/vault:Vault", false, "prod")).toEqual([
            "[DATA-CLS-INTERNAL] aws:backup/vault:Vault is not protected (protect: true) in prod",
        ]);
    });
});

describe("data-message-keys (MSG-SIG-ALG, MSG-PAYLOAD-KEY-STORAGE, MSG-PAYLOAD-ROTATION)", () => {
    const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mas/message-payload-key-abc";
    const baseline = (): StackResourceCase[] => [
        {
            type: "aws:kms/key:Key",
            name: "signing",
            props: { customerMasterKeySpec: "ECC_NIST_EDWARDS25519", keyUsage: "SIGN_VERIFY" },
        },
        {
            type: "aws:secretsmanager/secret:Secret",
            name: "secret",
            props: { arn: SECRET_ARN, kmsKeyId: "arn:aws:kms:k", tags: { "data-key": "message-payload" } },
        },
        {
            type: "aws:secretsmanager/secretRotation:SecretRotation",
            name: "rotation",
            props: { secretId: SECRET_ARN, rotationEnabled: true, rotationRules: { automaticallyAfterDays: 1 } },
        },
    ];
    const run = (list: StackResourceCase[]) => messages(validateStack(messageKeys, list));

    it("passes the Ed25519 key and the daily-rotated payload key", () => {
        expect(run(baseline())).toEqual([]);
        expect(
            run(
                change(baseline(), "rotation", {
                    secretId: SECRET_ARN,
                    rotationRules: { scheduleExpression: "rate(12 hours)" },
                }),
            ),
        ).toEqual([]);
    });
    it("fails without an Ed25519 signing key", () => {
        expect(
            run(change(baseline(), "signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" })),
        ).toEqual(["[MSG-SIG-ALG] no KMS key of spec ECC_NIST_EDWARDS25519 with usage SIGN_VERIFY signs messages"]);
    });
    it("fails without the payload key secret", () => {
        expect(run(change(baseline(), "secret", undefined))).toEqual([
            "[MSG-PAYLOAD-KEY-STORAGE] no Secrets Manager secret is tagged data-key=message-payload",
        ]);
    });
    it("fails a secret on the AWS-managed key", () => {
        expect(run(change(baseline(), "secret", { arn: SECRET_ARN, tags: { "data-key": "message-payload" } }))).toEqual(
            ["[MSG-PAYLOAD-KEY-STORAGE] the payload key secret is not encrypted with a customer-managed KMS key"],
        );
    });
    it("fails a secret without rotation", () => {
        expect(run(change(baseline(), "rotation", undefined))).toEqual([
            "[MSG-PAYLOAD-ROTATION] the payload key secret has no rotation",
        ]);
    });
    it("fails a rotation slower than 24 h", () => {
        expect(
            run(change(baseline(), "rotation", { secretId: SECRET_ARN, rotationRules: { automaticallyAfterDays: 7 } })),
        ).toEqual(["[MSG-PAYLOAD-ROTATION] the payload key rotates every 168 h; the guide asks 24 h"]);
    });
    it("reads rotation intervals", () => {
        expect(rotationHours({ automaticallyAfterDays: 1 })).toBe(24);
        expect(rotationHours({ scheduleExpression: "rate(4 hours)" })).toBe(4);
        expect(rotationHours({ scheduleExpression: "rate(2 days)" })).toBe(48);
        expect(rotationHours({ scheduleExpression: "cron(0 0 * * ? *)" })).toBeUndefined();
    });
});

describe("data-access-bucket-policies (ACC-DATA-AGENT-READ, ACC-DATA-AGENT-WRITE, ACC-DATA-METRICS-READ, ACC-DATA-METRICS-WRITE)", () => {
    // Simulated requests over the stack's documents (test/lib/iam/fixture.ts); more breaks in test/lib/iam.
    const run = (f: Fixture) => messages(validateStack(dataAccessPolicies, iamResources(f)));
    it("passes the stack's roles, bucket and key policies", () => {
        expect(run(iamFixture())).toEqual([]);
    });
    it("fails a missing data store", () => {
        const rs = iamResources(iamFixture()).filter(
            (r) => !(r.type === "aws:s3/bucket:Bucket" && r.name?.includes("metrics-data")),
        );
        expect(messages(validateStack(dataAccessPolicies, rs))).toEqual([
            "[ACC-DATA-METRICS-READ] no bucket is tagged data-store=metrics_data",
        ]);
    });
    it("fails agent_data reads open to other principals (the read deny removed)", () => {
        const f = iamFixture();
        f.bucketPolicies.agent.Statement = f.bucketPolicies.agent.Statement.filter((s) => s.Sid !== "AgentDataRead");
        expect(run(f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-AGENT-READ\] any other role of the account \(administrator, no boundary\): read agent_data is allowed, the guide says deny/,
            ),
        ]);
    });
    it("fails metrics_data writes without SigV4 (the SigV4 deny removed)", () => {
        const f = iamFixture();
        f.bucketPolicies.metrics.Statement = f.bucketPolicies.metrics.Statement.filter(
            (s) => s.Sid !== "MetricsDataWriteRequiresSigV4",
        );
        expect(run(f)).toEqual([
            expect.stringMatching(
                /^\[ACC-DATA-METRICS-WRITE\] monitoring_agent mas-dev-monitoring-agent: write metrics_data is allowed, the guide says allow \(requires aws:SecureTransport\) \(.*not required: signature_verified\)$/,
            ),
        ]);
    });
});

describe("data-macie-discovery (DATA-CLS-DISCOVERY)", () => {
    const baseline = (): StackResourceCase[] => [
        { type: "aws:macie2/account:Account", name: "macie", props: { status: "ENABLED" } },
        {
            type: "aws:macie2/classificationJob:ClassificationJob",
            name: "job",
            props: {
                jobType: "SCHEDULED",
                s3JobDefinition: { bucketDefinitions: [{ accountId: "1", buckets: ["agent"] }] },
            },
        },
        {
            type: "aws:s3/bucket:Bucket",
            name: "agent",
            props: { bucket: "agent", tags: { "data-store": "agent_data" } },
        },
        { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "logs", tags: {} } },
    ];
    const run = (list: StackResourceCase[]) => messages(validateStack(macieDiscovery, list));

    it("passes Macie enabled with a scheduled job over the data stores", () => {
        expect(run(baseline())).toEqual([]);
    });
    it("fails Macie paused", () => {
        expect(run(change(baseline(), "macie", { status: "PAUSED" }))).toEqual([
            "Amazon Macie is not enabled (aws.macie2.Account status ENABLED)",
        ]);
    });
    it("fails a data store not covered by a scheduled job", () => {
        const oneTime = change(baseline(), "job", { ...propsOf(baseline(), "job"), jobType: "ONE_TIME" });
        expect(run(oneTime)).toEqual([
            "data store bucket agent is not covered by a scheduled Macie classification job",
        ]);
    });
});

describe("data-in-memory-enclave (DATA-ENC-IN-MEMORY)", () => {
    const lt = (enabled: boolean): StackResourceCase => ({
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "agent-nodes",
        props: { enclaveOptions: { enabled } },
    });
    it("passes a launch template with Nitro Enclaves enabled", () => {
        expect(messages(validateStack(inMemoryEnclave, [lt(true)]))).toEqual([]);
    });
    it("fails when no launch template enables enclaves", () => {
        expect(messages(validateStack(inMemoryEnclave, [lt(false)]))).toEqual([
            "no launch template enables Nitro Enclaves (enclaveOptions.enabled) for the agent nodes",
        ]);
    });
});

describe("data-agent-message-keys (MSG-SIG-ALG)", () => {
    const caller = "$" + "{aws:PrincipalTag/kubernetes-service-account}";
    const policyArn = "arn:aws:iam::1:policy/mas-dev-agent-message-crypto";
    const signStatement = (condition: Record<string, string>) => ({
        Sid: "SignAsSelf",
        Effect: "Allow",
        Action: "kms:Sign",
        Resource: "arn:aws:kms:eu-west-1:1:key/*",
        Condition: { StringEquals: condition },
    });
    const base = (
        sign = signStatement({ "aws:ResourceTag/purpose": "agent-signing", "aws:ResourceTag/agent": caller }),
    ) =>
        [
            ...["coordinator", "planner"].flatMap((agent) => [
                {
                    type: "aws:iam/role:Role",
                    name: `role-${agent}`,
                    props: { name: `mas-dev-agent-${agent}`, tags: { "rbac-role": "agent" } },
                },
                {
                    type: "aws:kms/key:Key",
                    name: `key-${agent}`,
                    props: {
                        keyUsage: "SIGN_VERIFY",
                        customerMasterKeySpec: "ECC_NIST_EDWARDS25519",
                        tags: { purpose: "agent-signing", agent },
                    },
                },
                {
                    type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    name: `attach-${agent}`,
                    props: { role: `mas-dev-agent-${agent}`, policyArn },
                },
            ]),
            {
                type: "aws:iam/policy:Policy",
                name: "crypto",
                props: {
                    name: "mas-dev-agent-message-crypto",
                    arn: policyArn,
                    tags: { "rbac-role": "agent" },
                    policy: JSON.stringify({ Version: "2012-10-17", Statement: [sign] }),
                },
            },
        ] as StackResourceCase[];
    const run = (list: StackResourceCase[]) => messages(validateStack(agentMessageKeys, list));

    it("passes one own key per agent and a Sign grant bound to the caller's service account", () =>
        expect(run(base())).toEqual([]));
    it("fails a Sign grant that any agent may use on any agent key", () =>
        expect(run(base(signStatement({ "aws:ResourceTag/purpose": "agent-signing" })))).toEqual([
            `[MSG-SIG-ALG] agent policy mas-dev-agent-message-crypto statement SignAsSelf allows kms:Sign without binding the key's agent tag to the caller (${caller}): an agent could sign as another`,
            "[MSG-SIG-ALG] agent role mas-dev-agent-coordinator may not sign with its own key (no attached signing policy)",
            "[MSG-SIG-ALG] agent role mas-dev-agent-planner may not sign with its own key (no attached signing policy)",
        ]));
    it("fails an agent without a key of its own", () =>
        expect(run(change(base(), "key-planner", undefined))).toEqual([
            "[MSG-SIG-ALG] agent planner has 0 signing keys; it needs exactly one of its own",
        ]));
    it("fails an agent key of another spec", () =>
        expect(
            run(
                change(base(), "key-planner", {
                    keyUsage: "SIGN_VERIFY",
                    customerMasterKeySpec: "ECC_NIST_P256",
                    tags: { purpose: "agent-signing", agent: "planner" },
                }),
            ),
        ).toEqual(["[MSG-SIG-ALG] agent planner's signing key is not ECC_NIST_EDWARDS25519 SIGN_VERIFY"]));
    it("fails an agent role without the signing policy attached", () =>
        expect(run(change(base(), "attach-coordinator", undefined))).toEqual([
            "[MSG-SIG-ALG] agent role mas-dev-agent-coordinator may not sign with its own key (no attached signing policy)",
        ]));
});
