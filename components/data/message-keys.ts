import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_STACK_TAG, RBAC_ROLE_TAG } from "../../policy-pack/catalog/identity";
import { AGENT_SIGNING, KMS_DELETION_WINDOW_DAYS, SIGNING_KEY_SPEC } from "../../policy-pack/catalog/data";
import { EvidenceRegistry } from "../evidence";
import { platformStackName } from "../config";
import { awsEnv, classified, DataConfig, dataNames, policyDocument, Statement } from "./common";

export interface MessageKeysArgs {
    config: DataConfig;
    evidence: EvidenceRegistry;
    /** One workload role per agent (identity section), keyed by agent name = its service account name. */
    agentRoles: Record<string, aws.iam.Role>;
    /** The payload KMS key and the Secrets Manager secret holding the rotated payload data key. */
    payloadKeyArn: pulumi.Input<string>;
    payloadSecretArn: pulumi.Input<string>;
}

/**
 * Message-security primitives the agents can use (message_security.integrity / encryption.payload):
 * - one Ed25519 signing key per agent, which only that agent may sign with (ABAC: the key's `agent` tag must
 *   equal the caller's Pod Identity service-account tag), so a valid signature attributes a message to one
 *   agent; every agent may verify with any agent key or fetch its public key;
 * - the payload data key: agents read the current key from Secrets Manager (decrypting through Secrets
 *   Manager only) and may envelope-encrypt with the payload KMS key only under an encryption context naming
 *   themselves as sender; any agent may decrypt a message that carries a sender.
 * One policy (constant size) is attached to every agent role, so the cost per agent is a key, an alias and an
 * attachment. The key policies delegate to IAM (account administration statement), as the stack's other keys.
 */
export class MessageKeys extends pulumi.ComponentResource {
    readonly signingKeys: Record<string, aws.kms.Key>;
    readonly policy: aws.iam.Policy;

    constructor(name: string, args: MessageKeysArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:data:MessageKeys", name, {}, opts);
        const cfg = args.config;
        const names = dataNames(cfg);
        const env = awsEnv(this);
        const root = pulumi.interpolate`arn:${env.partition}:iam::${env.accountId}:root`;
        const keyPolicy = policyDocument([
            root.apply((r) => ({
                Sid: "AccountAdministration",
                Effect: "Allow" as const,
                Principal: { AWS: r },
                Action: "kms:*",
                Resource: "*",
            })),
        ]);

        // The platform these agents belong to: its system_admin manages their keys and policy by this tag.
        const platformStack = platformStackName({ stack: cfg.stack, platformStack: cfg.platformStack ?? "" });
        this.signingKeys = {};
        const aliases: aws.kms.Alias[] = [];
        for (const agent of Object.keys(args.agentRoles)) {
            const key = new aws.kms.Key(
                `${name}-signing-${agent}`,
                {
                    description: `${names.prefix}: Ed25519 message signatures of agent ${agent}`,
                    keyUsage: "SIGN_VERIFY",
                    customerMasterKeySpec: SIGNING_KEY_SPEC,
                    enableKeyRotation: false,
                    deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
                    policy: keyPolicy,
                    tags: classified("sensitive", {
                        [AGENT_SIGNING.purposeTag]: AGENT_SIGNING.purpose,
                        [AGENT_SIGNING.agentTag]: agent,
                        [AGENT_SIGNING.stackTag]: cfg.stack,
                        [PLATFORM_STACK_TAG]: platformStack,
                    }),
                },
                { parent: this, protect: cfg.deletionProtection, retainOnDelete: true },
            );
            this.signingKeys[agent] = key;
            aliases.push(
                new aws.kms.Alias(
                    `${name}-signing-${agent}`,
                    { name: `alias/${names.prefix}-signing-${agent}`, targetKeyId: key.keyId },
                    { parent: this },
                ),
            );
        }

        const statements = pulumi
            .all([env.partition, env.region, env.accountId, args.payloadKeyArn, args.payloadSecretArn])
            .apply(([p, region, acct, payloadKey, secret]): Statement[] => {
                const anyKey = `arn:${p}:kms:${region}:${acct}:key/*`;
                const agentKeys = { [`aws:ResourceTag/${AGENT_SIGNING.purposeTag}`]: AGENT_SIGNING.purpose };
                return [
                    {
                        Sid: "SignAsSelf",
                        Effect: "Allow",
                        Action: "kms:Sign",
                        Resource: anyKey,
                        Condition: {
                            StringEquals: {
                                ...agentKeys,
                                [`aws:ResourceTag/${AGENT_SIGNING.agentTag}`]: AGENT_SIGNING.callerVariable,
                                [`aws:ResourceTag/${AGENT_SIGNING.stackTag}`]: AGENT_SIGNING.stackVariable,
                            },
                        },
                    },
                    {
                        Sid: "VerifyAnyAgent",
                        Effect: "Allow",
                        Action: ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
                        Resource: anyKey,
                        Condition: { StringEquals: agentKeys },
                    },
                    {
                        Sid: "ReadPayloadDataKey",
                        Effect: "Allow",
                        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                        Resource: secret,
                    },
                    {
                        Sid: "DecryptPayloadDataKeyThroughSecretsManager",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: payloadKey,
                        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
                    },
                    {
                        Sid: "EncryptAsSender",
                        Effect: "Allow",
                        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                        Resource: payloadKey,
                        Condition: {
                            StringEquals: {
                                [`kms:EncryptionContext:${AGENT_SIGNING.senderContextKey}`]:
                                    AGENT_SIGNING.callerVariable,
                            },
                        },
                    },
                    {
                        Sid: "DecryptAgentMessages",
                        Effect: "Allow",
                        Action: "kms:Decrypt",
                        Resource: payloadKey,
                        Condition: { Null: { [`kms:EncryptionContext:${AGENT_SIGNING.senderContextKey}`]: "false" } },
                    },
                ];
            });
        this.policy = new aws.iam.Policy(
            `${name}-agent-message-crypto`,
            {
                name: `${names.prefix}-agent-message-crypto`,
                description:
                    "Agents: sign with their own Ed25519 key, verify any agent's, use the payload key as sender",
                policy: policyDocument(statements),
                tags: { [RBAC_ROLE_TAG]: "agent", [PLATFORM_STACK_TAG]: platformStack },
            },
            { parent: this },
        );
        const attachments = Object.entries(args.agentRoles).map(
            ([agent, role]) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-agent-message-crypto-${agent}`,
                    { role: role.name, policyArn: this.policy.arn },
                    { parent: this },
                ),
        );

        const keys = Object.values(this.signingKeys);
        args.evidence.record("MSG-SIG-ALG", ...keys, ...aliases, this.policy, ...attachments);
        args.evidence.record("MSG-SIG-VERIFY", this.policy, ...keys);
        args.evidence.record("MSG-PAYLOAD-ALG", this.policy, ...attachments);
        args.evidence.record("KMS-KEY-MGMT", ...keys);

        this.registerOutputs({ signingKeyArns: keys.map((k) => k.arn), policyArn: this.policy.arn });
    }
}
