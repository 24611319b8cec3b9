// policy-pack/policies/data/logging.ts

import {
    cloudTrailSettings,
    logBucketRetention,
    logGroupSettings,
    trailRecordsDataWrites,
} from "../../../policy-pack/policies/data";
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
    it("fails an extra rule that expires every object on a fixed date (whatever its age)", () => {
        const dated = lifecycle("sec", 365).props;
        (dated.rules as Props[]).push({
            id: "cleanup",
            status: "Enabled",
            expiration: { date: "2027-01-01T00:00:00Z" },
        });
        expect(run(change(baseline(), "sec-lc", dated))).toEqual([
            "[LOG-SECURITY-RETENTION] log bucket sec rule cleanup expires every object on 2027-01-01T00:00:00Z, whatever its age; security logs are kept at least 365 days",
        ]);
        // Disabled, it deletes nothing.
        (dated.rules as Props[])[1].status = "Disabled";
        expect(run(change(baseline(), "sec-lc", dated))).toEqual([]);
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
    it("fails write-only management events (no read, no KMS use, no role assumption)", () => {
        const writeOnly = [
            {
                fieldSelectors: [
                    { field: "eventCategory", equals: ["Management"] },
                    { field: "readOnly", equals: ["false"] },
                ],
            },
        ];
        expect(check(trail({ advancedEventSelectors: writeOnly }))).toEqual([
            "[LOG-AUDIT-TRAIL] trail does not record management read (iam:GetRole): its event selectors (or includeGlobalServiceEvents) leave it out",
            "[LOG-AUDIT-TRAIL] trail does not record KMS use (kms:Decrypt): its event selectors (or includeGlobalServiceEvents) leave it out",
            "[LOG-AUDIT-TRAIL] trail does not record role assumption (sts:AssumeRole): its event selectors (or includeGlobalServiceEvents) leave it out",
        ]);
    });
    it("fails a trail excluding KMS events (advanced: eventSource notEquals kms; basic: excludeManagementEventSources)", () => {
        const kms = ["KMS use (kms:Decrypt)", "KMS key change (kms:ScheduleKeyDeletion)"].map(
            (w) =>
                `[LOG-AUDIT-TRAIL] trail does not record ${w}: its event selectors (or includeGlobalServiceEvents) leave it out`,
        );
        const noKms = [
            {
                fieldSelectors: [
                    { field: "eventCategory", equals: ["Management"] },
                    { field: "eventSource", notEquals: ["kms.amazonaws.com"] },
                ],
            },
        ];
        expect(check(trail({ advancedEventSelectors: noKms }))).toEqual(kms);
        expect(
            check(
                trail({
                    advancedEventSelectors: undefined,
                    eventSelectors: [
                        { includeManagementEvents: true, excludeManagementEventSources: ["kms.amazonaws.com"] },
                    ],
                }),
            ),
        ).toEqual(kms);
    });
    it("fails a trail that records no management events, or only reads", () => {
        const data = [(trail().advancedEventSelectors as Props[])[1]];
        expect(check(trail({ advancedEventSelectors: data }))).toHaveLength(6);
        expect(
            check(trail({ advancedEventSelectors: undefined, eventSelectors: [{ readWriteType: "ReadOnly" }] })),
        ).toEqual(
            [
                "management write (iam:PutRolePolicy)",
                "KMS key change (kms:ScheduleKeyDeletion)",
                "console sign-in (signin:ConsoleLogin)",
            ].map(
                (w) =>
                    `[LOG-AUDIT-TRAIL] trail does not record ${w}: its event selectors (or includeGlobalServiceEvents) leave it out`,
            ),
        );
    });
    it("fails a trail without global service events (IAM and sign-in are global)", () => {
        expect(check(trail({ includeGlobalServiceEvents: false }))).toEqual(
            [
                "management write (iam:PutRolePolicy)",
                "management read (iam:GetRole)",
                "console sign-in (signin:ConsoleLogin)",
            ].map(
                (w) =>
                    `[LOG-AUDIT-TRAIL] trail does not record ${w}: its event selectors (or includeGlobalServiceEvents) leave it out`,
            ),
        );
    });
    it("passes equivalent selectors: basic All, no selectors (all management), read and write split in two", () => {
        expect(check(trail({ advancedEventSelectors: undefined }))).toEqual([]);
        expect(check(trail({ advancedEventSelectors: undefined, eventSelectors: [{ readWriteType: "All" }] }))).toEqual(
            [],
        );
        const split = ["true", "false"].map((ro) => ({
            fieldSelectors: [
                { field: "eventCategory", equals: ["Management"] },
                { field: "readOnly", equals: [ro] },
            ],
        }));
        expect(check(trail({ advancedEventSelectors: split }))).toEqual([]);
    });
});

describe("data-trail-records-data-writes (ACC-DATA-AGENT-WRITE)", () => {
    const bucket = {
        type: "aws:s3/bucket:Bucket",
        name: "agent",
        props: { bucket: "agent-data", arn: "arn:aws:s3:::agent-data", tags: { "data-store": "agent_data" } },
    };
    const run = (selectors: Props[], extra: Props = {}) =>
        validateStack(trailRecordsDataWrites, [
            bucket,
            { type: "aws:cloudtrail/trail:Trail", name: "t", props: { advancedEventSelectors: selectors, ...extra } },
        ]).map((v) => v.message);
    const mgmt = { fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] };
    const data = (arnField: Props) => ({
        fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            ...(Object.keys(arnField).length ? [{ field: "resources.ARN", ...arnField }] : []),
        ],
    });
    const missing = (ops: string[]) =>
        ops.map(
            (op) =>
                `[ACC-DATA-AGENT-WRITE] no logging trail records s3:${op} on arn:aws:s3:::agent-data (agent_data writes must be audit-logged)`,
        );
    it("passes S3 object events of every bucket, or of the agent data bucket by prefix", () => {
        expect(run([mgmt, data({})])).toEqual([]);
        expect(run([mgmt, data({ startsWiths: ["arn:aws:s3:::agent-data/"] })])).toEqual([]);
    });
    it("fails without S3 data events, or with them for other buckets only", () => {
        expect(run([mgmt])).toEqual(missing(["PutObject", "DeleteObject"]));
        expect(run([mgmt, data({ startsWiths: ["arn:aws:s3:::logs/"] })])).toEqual(
            missing(["PutObject", "DeleteObject"]),
        );
    });
    it("fails data events of reads only, or with the agent bucket excluded", () => {
        const readOnly = data({});
        (readOnly.fieldSelectors as Props[]).push({ field: "readOnly", equals: ["true"] });
        expect(run([mgmt, readOnly])).toEqual(missing(["PutObject", "DeleteObject"]));
        expect(run([mgmt, data({ notStartsWiths: ["arn:aws:s3:::agent-data/"] })])).toEqual(
            missing(["PutObject", "DeleteObject"]),
        );
    });
    it("fails when the only trail that records them is not logging", () => {
        expect(run([mgmt, data({})], { enableLogging: false })).toEqual(missing(["PutObject", "DeleteObject"]));
    });
});
