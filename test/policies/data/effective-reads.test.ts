// policies/data/effective.ts, judged by effects: what a subscription filter forwards, and whether a backup
// selection's role can actually read what it selects (identity policies, bucket policy, key policy).

import { backupSelectsClassified, logSubscriptionsStayHome } from "../../../policy-pack/policies/data";
import { StackResourceCase, validateStack } from "../../harness/policy";

const ACCT = "123456789012";
const STREAM = `arn:aws:firehose:eu-west-1:${ACCT}:deliverystream/security`;
type Mut = (rs: StackResourceCase[]) => void;
const get = (rs: StackResourceCase[], name: string) => rs.find((x) => x.name === name)!;

describe("data-log-subscriptions-stay-home: the pattern forwards every event (LOG-AGG-CENTRAL)", () => {
    const base = (pattern: string): StackResourceCase[] => [
        { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "logs", arn: "arn:aws:s3:::logs" } },
        {
            type: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
            name: "fh",
            props: { name: "security", arn: STREAM, extendedS3Configuration: { bucketArn: "arn:aws:s3:::logs" } },
        },
        {
            type: "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
            name: "sub",
            props: { name: "sub", logGroup: "/mas/security", destinationArn: STREAM, filterPattern: pattern },
        },
    ];
    const run = (pattern: string) => validateStack(logSubscriptionsStayHome, base(pattern)).map((v) => v.message);

    it("passes the empty pattern (every event) and a blank one", () => {
        expect(run("")).toEqual([]);
        expect(run("  ")).toEqual([]);
    });

    it("fails a pattern that forwards only errors, a JSON pattern, and one the pack cannot read", () => {
        expect(run("?ERROR ?Error")).toEqual([
            '[LOG-AGG-CENTRAL] subscription filter sub of /mas/security forwards only what its pattern "?ERROR ?Error" matches: it drops a failed console sign-in; an API call denied (AccessDenied); an API call denied (AccessDeniedException); and 13 more (the central store must receive every event)',
        ]);
        expect(run('{ $.errorCode = "*" }')[0]).toMatch(/drops a failed console sign-in; .* and 10 more/);
        expect(run("{ $.a = ")[0]).toMatch(/forwards only what its pattern "\{ \$\.a = " matches: it drops/);
    });
});

describe("data-backup-selects-classified: the selection's role can read what it selects (BAK-*)", () => {
    const bucketArn = "arn:aws:s3:::agent-data";
    const keyArn = `arn:aws:kms:eu-west-1:${ACCT}:key/agent`;
    const roleArn = `arn:aws:iam::${ACCT}:role/backup`;
    const keyPolicy = (principal: unknown) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "Account", Effect: "Allow", Principal: { AWS: principal }, Action: "kms:*", Resource: "*" },
            ],
        });
    const attach = (name: string, arn: string): StackResourceCase => ({
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name,
        props: { role: "backup", policyArn: arn },
    });
    const base = (): StackResourceCase[] => [
        {
            type: "aws:backup/plan:Plan",
            name: "plan",
            props: { id: "p-critical", tags: { classification: "critical" } },
        },
        {
            type: "aws:backup/selection:Selection",
            name: "sel",
            props: {
                name: "critical",
                planId: "p-critical",
                iamRoleArn: roleArn,
                selectionTags: [{ type: "STRINGEQUALS", key: "classification", value: "critical" }],
            },
        },
        { type: "aws:iam/role:Role", name: "backup", props: { name: "backup", arn: roleArn } },
        attach("b", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"),
        attach("s3b", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"),
        attach("s3r", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"),
        {
            type: "aws:s3/bucket:Bucket",
            name: "agent",
            props: { bucket: "agent-data", arn: bucketArn, tags: { classification: "critical" } },
        },
        {
            type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            name: "sse",
            props: {
                bucket: "agent-data",
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn } }],
            },
        },
        {
            type: "aws:kms/key:Key",
            name: "key",
            props: { arn: keyArn, policy: keyPolicy(`arn:aws:iam::${ACCT}:root`) },
        },
        {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: "pol",
            props: {
                bucket: "agent-data",
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [bucketArn, `${bucketArn}/*`],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                }),
            },
        },
    ];
    const run = (m: Mut = () => {}) => {
        const rs = base();
        m(rs);
        return validateStack(backupSelectsClassified, rs).map((v) => v.message);
    };
    const cannot = (what: string) =>
        `[BAK-CRITICAL] agent-data (classification=critical) is assigned by selection critical, whose role ${roleArn} cannot back it up: ${what} is not allowed`;

    it("passes the AWS Backup service policies with a key that delegates to the account", () =>
        expect(run()).toEqual([]));

    it.each<[string, Mut]>([
        ["the key policy naming the backup role itself", (rs) => (get(rs, "key").props.policy = keyPolicy(roleArn))],
        [
            "an extra deny for another principal in the bucket policy",
            (rs) => {
                const doc = JSON.parse(String(get(rs, "pol").props.policy));
                doc.Statement.push({
                    Sid: "NoAgentsDelete",
                    Effect: "Deny",
                    Principal: { AWS: `arn:aws:iam::${ACCT}:role/agent` },
                    Action: "s3:DeleteObject",
                    Resource: `${bucketArn}/*`,
                });
                get(rs, "pol").props.policy = JSON.stringify(doc);
            },
        ],
        ["extra tags on the bucket", (rs) => Object.assign(get(rs, "agent").props.tags as object, { team: "data" })],
    ])("passes a compliant variation: %s", (_w, m) => expect(run(m)).toEqual([]));

    it("fails a role left with the restore policies only (S3 backup policy detached)", () => {
        const found = run((rs) => rs.splice(rs.indexOf(get(rs, "s3b")), 1));
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(/cannot back it up: s3:GetInventoryConfiguration on arn:aws:s3:::agent-data, /);
    });

    it("fails a bucket policy that denies the backup role's reads", () =>
        expect(
            run((rs) => {
                const doc = JSON.parse(String(get(rs, "pol").props.policy));
                doc.Statement.push({
                    Sid: "OnlyWriters",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:GetObject*",
                    Resource: `${bucketArn}/*`,
                    Condition: { ArnNotEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCT}:role/agent` } },
                });
                get(rs, "pol").props.policy = JSON.stringify(doc);
            }),
        ).toEqual([
            cannot(
                "s3:GetObjectVersion on arn:aws:s3:::agent-data/probe.json, s3:GetObjectVersionTagging on arn:aws:s3:::agent-data/probe.json",
            ),
        ]));

    it("fails a key policy that no longer lets the account (or the role) decrypt", () =>
        expect(run((rs) => (get(rs, "key").props.policy = keyPolicy(`arn:aws:iam::${ACCT}:role/key-admin`)))).toEqual([
            cannot(`kms:Decrypt on ${keyArn}`),
        ]));
});
