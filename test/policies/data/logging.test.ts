// policy-pack/policies/data/logging.ts

import { cloudTrailSettings, logBucketRetention, logGroupSettings } from "../../../policy-pack/policies/data";
import { StackResourceCase, validateResource, validateStack } from "../../harness/policy";
import { change, messages, Props } from "./fixtures";

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
    it("passes a log bucket kept longer than its source's retention (stricter)", () => {
        expect(run(change(baseline(), "sec-lc", lifecycle("sec", 400).props))).toEqual([]);
    });
    it("fails a log bucket whose expiry is shorter than its source's retention", () => {
        expect(run(change(baseline(), "sec-lc", lifecycle("sec", 300).props))).toEqual([
            "[LOG-SECURITY-RETENTION] log bucket sec expires objects after 300 days; security logs are kept at least 365 days",
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
            "[LOG-SECURITY-RETENTION] log group keeps logs 30 days; security logs are kept at least 365 days",
        ]);
        expect(check(group({ retentionInDays: 400, tags: { "log-source": "security" } }))).toEqual([]);
        expect(check(group({ retentionInDays: undefined, tags: { "log-source": "audit" } }))).toEqual([
            "[LOG-AUDIT-RETENTION] log group keeps logs forever; audit logs are kept at least 2557 days",
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
