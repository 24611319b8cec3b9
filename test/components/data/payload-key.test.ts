import type { ProgramRun } from "../../../tools/lib/program";
import { named } from "../../harness/program";
import { KEY, program, doc, sid, arnOf } from "./fixture";

let prod: ProgramRun;
beforeAll(async () => {
    prod = await program("prod");
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
        const { ROTATION_HANDLER } = require("../../../components/data/payload-key");
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
