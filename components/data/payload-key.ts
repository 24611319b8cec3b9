import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import { DATA_KEY_PAYLOAD, DATA_KEY_TAG } from "../../policy-pack/catalog/data";
import { EvidenceRegistry } from "../evidence";
import { classified, DataConfig, dataNames, policyDocument, serviceTrust } from "./common";

export interface PayloadKeyArgs {
    config: DataConfig;
    evidence: EvidenceRegistry;
    /** KMS key that encrypts the secret and generates the data keys. */
    payloadKeyArn: pulumi.Input<string>;
    /** Log group the rotation function writes to (system logs). */
    logGroupName: pulumi.Input<string>;
    logGroupArn: pulumi.Input<string>;
    /** identity section: the permissions boundary every role of the stack carries. */
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/** Rotation every guide.messageSecurity.payload.keyRotationHours, in Secrets Manager's whole days. */
export function payloadRotationDays(): number {
    const hours = guide.messageSecurity.payload.keyRotationHours;
    if (hours % 24 !== 0) {
        throw new Error(`payload key rotation of ${hours} h is not a whole number of days`);
    }
    return hours / 24;
}

/**
 * The four Secrets Manager rotation steps for a 32-byte AES-256 data key made by kms:GenerateDataKey. The
 * secret holds the plaintext key (base64) and its KMS-wrapped copy; Secrets Manager encrypts the whole
 * secret with the payload key.
 */
export const ROTATION_HANDLER = `"use strict";
const sm = require("@aws-sdk/client-secrets-manager");
const kms = require("@aws-sdk/client-kms");
const secrets = new sm.SecretsManagerClient({});
const keys = new kms.KMSClient({});

exports.handler = async (event) => {
    const { SecretId: id, ClientRequestToken: token, Step: step } = event;
    const meta = await secrets.send(new sm.DescribeSecretCommand({ SecretId: id }));
    if (!meta.RotationEnabled) throw new Error("rotation is not enabled for " + id);
    const stages = (meta.VersionIdsToStages || {})[token];
    if (!stages) throw new Error("version " + token + " is not a version of " + id);
    if (stages.includes("AWSCURRENT")) return;
    if (!stages.includes("AWSPENDING")) throw new Error("version " + token + " is not AWSPENDING");

    if (step === "createSecret") {
        try {
            await secrets.send(new sm.GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: "AWSPENDING" }));
            return;
        } catch (e) {
            if (e.name !== "ResourceNotFoundException") throw e;
        }
        const dk = await keys.send(new kms.GenerateDataKeyCommand({
            KeyId: process.env.PAYLOAD_KEY_ARN,
            KeySpec: "AES_256",
            EncryptionContext: { purpose: "message-payload" },
        }));
        const value = {
            algorithm: "AES_256_GCM",
            key: Buffer.from(dk.Plaintext).toString("base64"),
            wrappedKey: Buffer.from(dk.CiphertextBlob).toString("base64"),
            createdAt: new Date().toISOString(),
        };
        await secrets.send(new sm.PutSecretValueCommand({
            SecretId: id,
            ClientRequestToken: token,
            SecretString: JSON.stringify(value),
            VersionStages: ["AWSPENDING"],
        }));
    } else if (step === "setSecret") {
        // No downstream system holds the key: consumers read it from Secrets Manager.
    } else if (step === "testSecret") {
        const pending = await secrets.send(new sm.GetSecretValueCommand({ SecretId: id, VersionId: token, VersionStage: "AWSPENDING" }));
        if (Buffer.from(JSON.parse(pending.SecretString).key, "base64").length !== 32) {
            throw new Error("pending payload key is not 32 bytes");
        }
    } else if (step === "finishSecret") {
        const current = Object.keys(meta.VersionIdsToStages).find((v) => meta.VersionIdsToStages[v].includes("AWSCURRENT"));
        await secrets.send(new sm.UpdateSecretVersionStageCommand({
            SecretId: id,
            VersionStage: "AWSCURRENT",
            MoveToVersionId: token,
            ...(current ? { RemoveFromVersionId: current } : {}),
        }));
    } else {
        throw new Error("unknown rotation step " + step);
    }
};
`;

/**
 * The message-payload data key (message_security.encryption.payload): a Secrets Manager secret encrypted
 * with the payload KMS key and rotated every 24 h by a small Lambda. Encrypting payloads with it
 * (AES-256-GCM) is the agents' job.
 */
export class PayloadKey extends pulumi.ComponentResource {
    readonly secret: aws.secretsmanager.Secret;
    readonly rotation: aws.secretsmanager.SecretRotation;
    readonly rotationFunction: aws.lambda.Function;

    constructor(name: string, args: PayloadKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:PayloadKey", name, {}, opts);
        const cfg = args.config;
        const names = dataNames(cfg);

        this.secret = new aws.secretsmanager.Secret(
            `${name}-secret`,
            {
                name: `${names.prefix}/message-payload-key`,
                description: "AES-256-GCM data key for message payloads (rotated daily)",
                kmsKeyId: args.payloadKeyArn,
                recoveryWindowInDays: 30,
                tags: classified("sensitive", { [DATA_KEY_TAG]: DATA_KEY_PAYLOAD }),
            },
            { parent: this, protect: cfg.deletionProtection },
        );

        const role = new aws.iam.Role(
            `${name}-rotation`,
            {
                description: "Rotates the message-payload data key",
                assumeRolePolicy: serviceTrust("lambda.amazonaws.com"),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags: classified("sensitive"),
            },
            { parent: this },
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-rotation`,
            {
                role: role.id,
                policy: policyDocument(
                    pulumi
                        .all([this.secret.arn, args.payloadKeyArn, args.logGroupArn])
                        .apply(([secret, key, group]) => [
                            {
                                Sid: "RotateThisSecret",
                                Effect: "Allow" as const,
                                Action: [
                                    "secretsmanager:DescribeSecret",
                                    "secretsmanager:GetSecretValue",
                                    "secretsmanager:PutSecretValue",
                                    "secretsmanager:UpdateSecretVersionStage",
                                ],
                                Resource: secret,
                            },
                            {
                                Sid: "PayloadKey",
                                Effect: "Allow" as const,
                                Action: ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"],
                                Resource: key,
                            },
                            {
                                Sid: "Logs",
                                Effect: "Allow" as const,
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                                Resource: `${group}:log-stream:*`,
                            },
                        ]),
                ),
            },
            { parent: this },
        );

        this.rotationFunction = new aws.lambda.Function(
            `${name}-rotation`,
            {
                description: "Secrets Manager rotation of the message-payload data key",
                // nodejs20.x left standard support on 2026-04-30; nodejs22.x bundles the AWS SDK v3 as well.
                runtime: "nodejs22.x",
                handler: "index.handler",
                role: role.arn,
                timeout: 30,
                memorySize: 128,
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(ROTATION_HANDLER) }),
                environment: { variables: { PAYLOAD_KEY_ARN: args.payloadKeyArn } },
                loggingConfig: { logFormat: "JSON", logGroup: args.logGroupName },
                tags: classified("sensitive"),
            },
            { parent: this, dependsOn: [rolePolicy] },
        );
        const permission = new aws.lambda.Permission(
            `${name}-rotation`,
            {
                action: "lambda:InvokeFunction",
                function: this.rotationFunction.name,
                principal: "secretsmanager.amazonaws.com",
                sourceArn: this.secret.arn,
            },
            { parent: this },
        );
        this.rotation = new aws.secretsmanager.SecretRotation(
            `${name}-rotation`,
            {
                // The ARN, which is also the secret's id, so that audits can match rotation and secret.
                secretId: this.secret.arn,
                rotationLambdaArn: this.rotationFunction.arn,
                rotationRules: { automaticallyAfterDays: payloadRotationDays() },
                rotateImmediately: true,
            },
            { parent: this, dependsOn: [permission] },
        );

        args.evidence.record("MSG-PAYLOAD-ROTATION", this.rotation, this.rotationFunction);
        args.evidence.record("MSG-PAYLOAD-KEY-STORAGE", this.secret);
        args.evidence.record("KMS-AT-REST", this.secret);

        this.registerOutputs({ secretArn: this.secret.arn });
    }
}
