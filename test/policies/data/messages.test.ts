// policy-pack/policies/data/messages.ts

import { agentMessageKeys, messageKeys, rotationHours } from "../../../policy-pack/policies/data";
import { StackResourceCase, validateStack } from "../../harness/policy";
import { change, messages } from "./fixtures";

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
