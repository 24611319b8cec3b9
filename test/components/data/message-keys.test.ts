import { named, ofType, plain, runStack } from "../../harness/program";
import type { ProgramRun } from "../../../tools/lib/program";
import { controls } from "../../../policy-pack/catalog";

// Message-security primitives the agents can use (MSG-SIG-ALG, MSG-SIG-VERIFY, MSG-PAYLOAD-ALG).
describe("MessageKeys", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runStack("prod");
    });

    it("gives every agent one Ed25519 key of its own, protected in prod", () => {
        const keys = ofType(run, "aws:kms/key:Key").filter(
            (k) => plain<any>(k.inputs).tags?.purpose === "agent-signing",
        );
        expect(keys.map((k) => [k.name, plain<any>(k.inputs).tags.agent]).sort()).toEqual([
            ["mas-message-signing-coordinator", "coordinator"],
            ["mas-message-signing-planner", "planner"],
            ["mas-message-signing-task-executor", "task-executor"],
        ]);
        for (const k of keys) {
            expect(plain<any>(k.inputs)).toMatchObject({
                keyUsage: "SIGN_VERIFY",
                customerMasterKeySpec: "ECC_NIST_EDWARDS25519",
                deletionWindowInDays: 30,
            });
            // system_admin manages its platform's agents' keys (agent stacks' too) by this tag.
            expect(plain<any>(k.inputs).tags["platform-stack"]).toBe("prod");
            expect(k.protect).toBe(true);
        }
    });

    it("lets an agent sign only as itself, verify any agent, and use the payload key only as sender", () => {
        const policy = named(run, "aws:iam/policy:Policy", "mas-message-agent-message-crypto");
        const doc = JSON.parse(plain<any>(policy.inputs).policy);
        const caller = "$" + "{aws:PrincipalTag/kubernetes-service-account}";
        const bySid = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
        expect(bySid.SignAsSelf).toEqual({
            Sid: "SignAsSelf",
            Effect: "Allow",
            Action: "kms:Sign",
            Resource: "arn:aws:kms:eu-west-1:123456789012:key/*",
            Condition: {
                StringEquals: {
                    "aws:ResourceTag/purpose": "agent-signing",
                    "aws:ResourceTag/agent": caller,
                    // Only the key its own stack built: an agent of the same name in another stack has its own.
                    "aws:ResourceTag/agent-stack": "$" + "{aws:PrincipalTag/agent-stack}",
                },
            },
        });
        const keyTags = (k: string) => plain<any>(named(run, "aws:kms/key:Key", k).inputs).tags;
        const roleTags = (r: string) => plain<any>(named(run, "aws:iam/role:Role", r).inputs).tags;
        expect(keyTags("mas-message-signing-planner")["agent-stack"]).toBe("prod");
        expect(roleTags("mas-agent-planner")["agent-stack"]).toBe("prod");
        expect(bySid.VerifyAnyAgent.Action).toEqual(["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"]);
        expect(bySid.VerifyAnyAgent.Condition).toEqual({
            StringEquals: { "aws:ResourceTag/purpose": "agent-signing" },
        });
        expect(bySid.EncryptAsSender.Condition).toEqual({ StringEquals: { "kms:EncryptionContext:sender": caller } });
        expect(bySid.DecryptPayloadDataKeyThroughSecretsManager.Condition).toEqual({
            StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
        });
        expect(bySid.DecryptAgentMessages.Condition).toEqual({ Null: { "kms:EncryptionContext:sender": "false" } });
        // Least privilege: no key management, nothing else.
        const actions = doc.Statement.flatMap((s: any) => [].concat(s.Action));
        expect(actions.sort()).toEqual(
            [
                "kms:Sign",
                "kms:Verify",
                "kms:GetPublicKey",
                "kms:DescribeKey",
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:GenerateDataKey",
                "kms:Decrypt",
            ].sort(),
        );
        const attached = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => a.name.startsWith("mas-message-agent-message-crypto-"))
            .map((a) => plain<any>(a.inputs).role)
            .sort();
        expect(attached).toEqual([
            "mas-prod-agent-coordinator",
            "mas-prod-agent-planner",
            "mas-prod-agent-task-executor",
        ]);
    });

    it("MSG-SIG-ALG's evidence says what is built: the keys and who may sign, not that messages are signed", () => {
        const text = controls.find((c) => c.id === "MSG-SIG-ALG")!.requirement;
        expect(text).toMatch(/^ED25519 keys for message signatures and who may sign with them: /);
        expect(text).toContain(
            "That messages are signed with these keys is the agents' code, which this repository does not hold",
        );
        // As it says: the stack's own signing key is Ed25519 and no agent may sign with it (not tagged agent-signing).
        const own = ofType(run, "aws:kms/key:Key").filter((k) => plain<any>(k.inputs).tags?.purpose === "signing");
        expect(own.map((k) => [plain<any>(k.inputs).customerMasterKeySpec, plain<any>(k.inputs).tags.agent])).toEqual([
            ["ECC_NIST_EDWARDS25519", undefined],
        ]);
    });
});
