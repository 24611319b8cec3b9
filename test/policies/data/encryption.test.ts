// policy-pack/policies/data/encryption.ts

import { inMemoryEnclave, kmsKeySettings, s3BucketBaseline } from "../../../policy-pack/policies/data";
import { StackResourceCase, validateResource, validateStack } from "../../harness/policy";
import { bucketSet, messages, Props, ROOT } from "./fixtures";

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
