import {
    backupSelectsClassified,
    bucketRefusesOtherEncryption,
    logSubscriptionsStayHome,
} from "../../../policy-pack/policies/data";
import { StackResourceCase, validateStack } from "../../harness/policy";

const ACCT = "123456789012";
type Mut = (rs: StackResourceCase[]) => void;
const get = (rs: StackResourceCase[], name: string) => {
    const r = rs.find((x) => x.name === name);
    if (!r) throw new Error(name);
    return r;
};
const runWith =
    (policy: Parameters<typeof validateStack>[0], base: () => StackResourceCase[]) =>
    (m: Mut = () => {}) => {
        const rs = base();
        m(rs);
        return validateStack(policy, rs).map((v) => v.message);
    };

describe("data-log-subscriptions-stay-home (LOG-AGG-STORAGE)", () => {
    const stream = `arn:aws:firehose:eu-west-1:${ACCT}:deliverystream/security`;
    const base = (): StackResourceCase[] => [
        { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "logs", arn: "arn:aws:s3:::logs" } },
        {
            type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            name: "fh",
            props: { name: "security", arn: stream, extendedS3Configuration: { bucketArn: "arn:aws:s3:::logs" } },
        },
        {
            type: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
            name: "sub",
            props: {
                name: "sub",
                logGroup: "/mas/security",
                destinationArn: stream,
                arn: `arn:aws:logs:eu-west-1:${ACCT}:subscriptionfilter/1`,
            },
        },
        {
            type: "aws:cloudwatch/logGroup:LogGroup",
            name: "lg",
            props: { arn: `arn:aws:logs:eu-west-1:${ACCT}:log-group:/mas/security` },
        },
    ];
    const run = runWith(logSubscriptionsStayHome, base);
    it("passes subscriptions into the stack's own stream and bucket", () => expect(run()).toEqual([]));
    it("passes a second subscription into the same stream, and a log destination in the account pointing at it", () =>
        expect(
            run((rs) =>
                rs.push(
                    {
                        type: "aws:cloudwatch/logDestination:LogDestination",
                        name: "d",
                        props: { name: "d", arn: `arn:aws:logs:eu-west-1:${ACCT}:destination:d`, targetArn: stream },
                    },
                    {
                        type: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
                        name: "sub2",
                        props: {
                            name: "sub2",
                            logGroup: "/mas/system",
                            destinationArn: `arn:aws:logs:eu-west-1:${ACCT}:destination:d`,
                        },
                    },
                ),
            ),
        ).toEqual([]));
    it("fails a subscription to a destination in another account", () =>
        expect(
            run(
                (rs) =>
                    (get(rs, "sub").props.destinationArn = "arn:aws:logs:eu-west-1:444455556666:destination:collector"),
            ),
        ).toEqual([
            "[LOG-AGG-STORAGE] subscription filter sub of /mas/security sends logs to arn:aws:logs:eu-west-1:444455556666:destination:collector, in account 444455556666, not the stack's account 123456789012",
        ]));
    it("fails a same-account destination the stack does not define, and a stream delivering outside the stack", () => {
        expect(
            run((rs) => (get(rs, "sub").props.destinationArn = `arn:aws:kinesis:eu-west-1:${ACCT}:stream/other`)),
        ).toEqual([
            `[LOG-AGG-STORAGE] subscription filter sub of /mas/security sends logs to arn:aws:kinesis:eu-west-1:${ACCT}:stream/other, which the stack does not define`,
        ]);
        expect(
            run((rs) => (get(rs, "fh").props.extendedS3Configuration = { bucketArn: "arn:aws:s3:::someone-elses" })),
        ).toEqual([
            "[LOG-AGG-STORAGE] subscription filter sub of /mas/security feeds Firehose stream security, which delivers to arn:aws:s3:::someone-elses, not a bucket of the stack",
        ]);
    });
    it("fails a stack log destination forwarding to another account, and an account-wide subscription policy", () => {
        const out = run((rs) =>
            rs.push(
                {
                    type: "aws:cloudwatch/logDestination:LogDestination",
                    name: "d",
                    props: {
                        name: "fwd",
                        arn: `arn:aws:logs:eu-west-1:${ACCT}:destination:fwd`,
                        targetArn: "arn:aws:kinesis:eu-west-1:444455556666:stream/x",
                    },
                },
                {
                    type: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
                    name: "s3",
                    props: {
                        name: "s3",
                        logGroup: "/mas/audit",
                        destinationArn: `arn:aws:logs:eu-west-1:${ACCT}:destination:fwd`,
                    },
                },
                {
                    type: "aws:cloudwatch/logAccountPolicy:LogAccountPolicy",
                    name: "acct",
                    props: {
                        policyName: "all",
                        policyType: "SUBSCRIPTION_FILTER_POLICY",
                        policyDocument: JSON.stringify({
                            DestinationArn: "arn:aws:lambda:eu-west-1:444455556666:function:f",
                            FilterPattern: "",
                        }),
                    },
                },
            ),
        );
        expect(out).toEqual([
            "[LOG-AGG-STORAGE] log destination fwd sends logs to arn:aws:kinesis:eu-west-1:444455556666:stream/x, in account 444455556666, not the stack's account 123456789012",
            "[LOG-AGG-STORAGE] account subscription policy acct sends logs to arn:aws:lambda:eu-west-1:444455556666:function:f, in account 444455556666, not the stack's account 123456789012",
        ]);
    });
});

describe("data-backup-selects-classified (BAK-*)", () => {
    const bucket = (name: string, level: string, extra: Record<string, string> = {}) => ({
        type: "aws:s3/bucket:Bucket",
        name,
        props: { bucket: name, arn: `arn:aws:s3:::${name}`, tags: { classification: level, ...extra } },
    });
    const base = (): StackResourceCase[] => [
        ...["critical", "sensitive", "internal"].flatMap((l) => [
            { type: "aws:backup/plan:Plan", name: `plan-${l}`, props: { id: `p-${l}`, tags: { classification: l } } },
            {
                type: "aws:backup/selection:Selection",
                name: `sel-${l}`,
                props: { planId: `p-${l}`, selectionTags: [{ type: "STRINGEQUALS", key: "classification", value: l }] },
            },
        ]),
        bucket("agent-data", "critical", { "data-store": "agent_data" }),
        bucket("metrics", "sensitive"),
        bucket("system-logs", "internal"),
        {
            type: "aws:dynamodb/table:Table",
            name: "state",
            props: {
                name: "state",
                arn: `arn:aws:dynamodb:eu-west-1:${ACCT}:table/state`,
                tags: { classification: "critical" },
            },
        },
    ];
    const run = runWith(backupSelectsClassified, base);
    const missing = (name: string, level = "critical") =>
        `[BAK-${level.toUpperCase()}] ${name} (classification=${level}) is assigned by no selection of a ${level} backup plan (its resources / tags, conditions and notResources leave it out)`;
    it("passes selections by classification tag", () => expect(run()).toEqual([]));
    it.each<[string, Mut]>([
        [
            "by ARN wildcard instead of tags",
            (rs) =>
                Object.assign(get(rs, "sel-critical").props, {
                    selectionTags: [],
                    resources: ["arn:aws:s3:::*", `arn:aws:dynamodb:eu-west-1:${ACCT}:table/*`],
                }),
        ],
        [
            "by conditions alone",
            (rs) =>
                Object.assign(get(rs, "sel-critical").props, {
                    selectionTags: [],
                    conditions: [{ stringEquals: [{ key: "aws:ResourceTag/classification", value: "critical" }] }],
                }),
        ],
        [
            "an extra exclusion that excludes nothing classified",
            (rs) => (get(rs, "sel-critical").props.notResources = ["arn:aws:s3:::scratch-*"]),
        ],
        [
            "extra tags on the bucket",
            (rs) => Object.assign(get(rs, "agent-data").props.tags as object, { owner: "data" }),
        ],
    ])("passes a compliant variation: %s", (_n, m) => expect(run(m)).toEqual([]));
    it("fails a selection that drops the critical bucket with notResources", () =>
        expect(run((rs) => (get(rs, "sel-critical").props.notResources = ["arn:aws:s3:::agent-*"]))).toEqual([
            missing("agent-data"),
        ]));
    it("fails a selection whose condition excludes it (stringNotEquals on its data-store tag)", () =>
        expect(
            run(
                (rs) =>
                    (get(rs, "sel-critical").props.conditions = [
                        { stringNotEquals: [{ key: "aws:ResourceTag/data-store", value: "agent_data" }] },
                    ]),
            ),
        ).toEqual([missing("agent-data")]));
    it("fails a selection narrowed by a condition no resource meets (stringLikes)", () =>
        expect(
            run(
                (rs) =>
                    (get(rs, "sel-critical").props.conditions = [
                        { stringLikes: [{ key: "aws:ResourceTag/backup", value: "yes*" }] },
                    ]),
            ),
        ).toEqual([missing("agent-data"), missing("state")]));
    it("fails a critical resource only in the sensitive (daily) plan, and ARNs that miss the table", () => {
        expect(
            run((rs) => {
                get(rs, "sel-critical").props.selectionTags = [];
                get(rs, "sel-sensitive").props.selectionTags = [
                    { type: "STRINGEQUALS", key: "classification", value: "sensitive" },
                    { type: "STRINGEQUALS", key: "classification", value: "critical" },
                ];
            }),
        ).toEqual([missing("agent-data"), missing("state")]);
        expect(
            run((rs) =>
                Object.assign(get(rs, "sel-critical").props, { selectionTags: [], resources: ["arn:aws:s3:::*"] }),
            ),
        ).toEqual([missing("state")]);
    });
});

describe("data-bucket-refuses-other-encryption (KMS-AT-REST)", () => {
    const KEY = `arn:aws:kms:eu-west-1:${ACCT}:key/agent`;
    const arn = "arn:aws:s3:::agent-data";
    const explicit = { Null: { "s3:x-amz-server-side-encryption": "false" } };
    const statements = () => [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyNonKmsEncryption",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: { ...explicit, StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
        },
        {
            Sid: "DenyOtherKmsKey",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: {
                ...explicit,
                StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY },
            },
        },
        {
            Sid: "WriteOnlyAdmin",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: { ArnNotLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCT}:role/admin` } },
        },
    ];
    const base = (): StackResourceCase[] => [
        { type: "aws:s3/bucket:Bucket", name: "agent", props: { bucket: "agent-data", arn } },
        {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: "sse",
            props: {
                bucket: "agent-data",
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY },
                        blockedEncryptionTypes: ["SSE-C"],
                    },
                ],
            },
        },
        {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: "pol",
            props: { bucket: "agent-data", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements() }) },
        },
        {
            type: "aws:s3/bucket:Bucket",
            name: "alb",
            props: {
                bucket: "alb-logs",
                arn: "arn:aws:s3:::alb-logs",
                tags: { "sse-kms-exemption": "elb-access-logs" },
            },
        },
    ];
    const run = runWith(bucketRefusesOtherEncryption, base);
    const setStatements = (rs: StackResourceCase[], list: object[]) =>
        (get(rs, "pol").props.policy = JSON.stringify({ Version: "2012-10-17", Statement: list }));
    const fails = (what: string[]) =>
        what.map(
            (w) =>
                `[KMS-AT-REST] bucket agent-data's policy does not deny ${w}: objects may be stored under another key`,
        );
    const AES = "an upload asking for SSE-S3 (AES256)";
    const OTHER = "an upload asking for SSE-KMS with another key";
    it("passes the KMS-only statements, and an extra deny", () => {
        expect(run()).toEqual([]);
        expect(
            run((rs) =>
                setStatements(rs, [
                    ...statements(),
                    { Sid: "DenyDelete", Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: arn },
                ]),
            ),
        ).toEqual([]);
    });
    const SSEC = "an upload with a customer-provided key (SSE-C)";
    const rulesOf = (rs: StackResourceCase[]) => (get(rs, "sse").props.rules as Record<string, unknown>[])[0];
    it("fails SSE-C uploads once the encryption configuration stops blocking them (NONE, or left out)", () => {
        expect(run((rs) => (rulesOf(rs).blockedEncryptionTypes = ["NONE"]))).toEqual(fails([SSEC]));
        expect(run((rs) => delete rulesOf(rs).blockedEncryptionTypes)).toEqual(fails([SSEC]));
    });
    it("passes SSE-C refused by a Deny on the customer-algorithm header instead of the configuration", () =>
        expect(
            run((rs) => {
                delete rulesOf(rs).blockedEncryptionTypes;
                setStatements(rs, [
                    ...statements(),
                    {
                        Sid: "DenySseC",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:PutObject",
                        Resource: `${arn}/*`,
                        Condition: { Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } },
                    },
                ]);
            }),
        ).toEqual([]));
    it("passes one statement that covers both (StringNotEqualsIfExists on the key alone)", () =>
        expect(
            run((rs) =>
                setStatements(
                    rs,
                    statements().filter((s) => s.Sid !== "DenyNonKmsEncryption"),
                ),
            ),
        ).toEqual([]));
    it("fails when the KMS-only deny statements are removed (a principal-scoped deny does not count: it spares the writer)", () =>
        expect(
            run((rs) =>
                setStatements(
                    rs,
                    statements().filter((s) => !s.Sid.startsWith("DenyNonKms") && !s.Sid.startsWith("DenyOtherKms")),
                ),
            ),
        ).toEqual(fails([AES, OTHER])));
    it("fails a key deny that only checks the algorithm, and one scoped to another bucket", () => {
        expect(
            run((rs) =>
                setStatements(
                    rs,
                    statements().filter((s) => s.Sid !== "DenyOtherKmsKey"),
                ),
            ),
        ).toEqual(fails([OTHER]));
        expect(
            run((rs) =>
                setStatements(
                    rs,
                    statements().map((s) =>
                        s.Sid.startsWith("Deny") && s.Sid !== "DenyInsecureTransport"
                            ? { ...s, Resource: "arn:aws:s3:::other/*" }
                            : s,
                    ),
                ),
            ),
        ).toEqual(fails([AES, OTHER]));
    });
    it("fails a deny limited to one principal instead of everyone", () =>
        expect(
            run((rs) =>
                setStatements(
                    rs,
                    statements().map((s) =>
                        s.Sid.includes("Kms") ? { ...s, Principal: { AWS: `arn:aws:iam::${ACCT}:role/agent` } } : s,
                    ),
                ),
            ),
        ).toEqual(fails([AES, OTHER])));
});
