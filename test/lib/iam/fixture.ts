import type { StackResourceCase } from "../../harness/policy";
import * as docs from "../../../components/identity/documents";

/**
 * A small plan written the way the stack writes it: the identity section's real policy documents
 * (components/identity/documents.ts), the data stores' bucket policies and the data keys' policies, as a
 * stack policy sees them (outputs). Tests break one thing at a time.
 */
export const ACCT = "123456789012";
export const REGION = "eu-west-1";
const ctx: docs.IamContext = {
    partition: "aws",
    account: ACCT,
    region: REGION,
    prefix: "mas-dev",
    clusterName: "mas-dev-eks",
    stack: "dev",
};
export const roleArn = (name: string) => `arn:aws:iam::${ACCT}:role/mas-dev-${name}`;
const policyArn = (name: string) => `arn:aws:iam::${ACCT}:policy/mas-dev-${name}`;
export const AGENT_BUCKET = `mas-dev-agent-data-${ACCT}-${REGION}`;
export const METRICS_BUCKET = `mas-dev-metrics-data-${ACCT}-${REGION}`;
export const AUDIT_BUCKET = "mas-logging-audit-1";
const keyArn = (id: string) => `arn:aws:kms:${REGION}:${ACCT}:key/${id}`;

type Doc = { Version?: string; Statement: Record<string, unknown>[] };
export interface Fixture {
    boundary: Doc;
    policies: Record<string, Doc>;
    attachments: { role: string; policyArn: string }[];
    bucketPolicies: { agent: Doc; metrics: Doc; audit: Doc };
    keyPolicies: { critical: Doc; sensitive: Doc };
}

const READ = ["s3:GetObject", "s3:GetObjectVersion"];
const WRITE = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"];
const denyUnless = (Sid: string, Action: string[], bucket: string, allowed: string[]) => ({
    Sid,
    Effect: "Deny",
    Principal: "*",
    Action,
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { ArnNotLike: { "aws:PrincipalArn": allowed } },
});
const tls = (bucket: string) => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
});
const viaS3 = (Sid: string, principals: string[], Action: string[]) => ({
    Sid,
    Effect: "Allow",
    Principal: "*",
    Action,
    Resource: "*",
    Condition: {
        ArnLike: { "aws:PrincipalArn": principals },
        StringEquals: { "kms:CallerAccount": ACCT, "kms:ViaService": `s3.${REGION}.amazonaws.com` },
    },
});
const rootAdmin = {
    Sid: "AccountAdministration",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
    Action: "kms:*",
    Resource: "*",
};

export function fixture(): Fixture {
    const admin = roleArn("system-admin");
    const operator = roleArn("operator");
    const monitoring = roleArn("monitoring-agent");
    const agents = roleArn("agent-*");
    return JSON.parse(
        JSON.stringify({
            boundary: docs.permissionsBoundary(ctx),
            policies: {
                "system-admin": docs.systemAdminPolicy(ctx),
                operator: docs.operatorPolicy(ctx),
                "resource-manager": docs.resourceManagerPolicy(ctx),
                "monitoring-agent": docs.monitoringAgentPolicy(ctx),
                agent: docs.agentPolicy(ctx),
            },
            attachments: [
                { role: "system-admin", policyArn: policyArn("system-admin") },
                { role: "operator", policyArn: policyArn("operator") },
                { role: "resource-manager", policyArn: policyArn("resource-manager") },
                { role: "monitoring-agent", policyArn: policyArn("monitoring-agent") },
                { role: "agent-a", policyArn: policyArn("agent") },
                { role: "agent-b", policyArn: policyArn("agent") },
            ],
            bucketPolicies: {
                agent: {
                    Statement: [
                        tls(AGENT_BUCKET),
                        denyUnless("AgentDataRead", READ, AGENT_BUCKET, [admin, operator]),
                        denyUnless("AgentDataWrite", WRITE, AGENT_BUCKET, [admin]),
                        {
                            Sid: "AgentDataWriteRequiresMfa",
                            Effect: "Deny",
                            Principal: "*",
                            Action: WRITE,
                            Resource: `arn:aws:s3:::${AGENT_BUCKET}/*`,
                            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
                        },
                    ],
                },
                metrics: {
                    Statement: [
                        tls(METRICS_BUCKET),
                        denyUnless("MetricsDataRead", READ, METRICS_BUCKET, [admin, operator, agents]),
                        denyUnless("MetricsDataWrite", WRITE, METRICS_BUCKET, [monitoring]),
                        {
                            Sid: "MetricsDataWriteRequiresSigV4",
                            Effect: "Deny",
                            Principal: "*",
                            Action: WRITE,
                            Resource: `arn:aws:s3:::${METRICS_BUCKET}/*`,
                            Condition: { StringNotEquals: { "s3:signatureversion": "AWS4-HMAC-SHA256" } },
                        },
                    ],
                },
                audit: { Statement: [tls(AUDIT_BUCKET)] },
            },
            keyPolicies: {
                critical: {
                    Statement: [
                        rootAdmin,
                        viaS3("AgentDataReadViaS3", [admin, operator], ["kms:Decrypt", "kms:DescribeKey"]),
                        viaS3("AgentDataWriteViaS3", [admin], ["kms:GenerateDataKey*", "kms:Decrypt"]),
                    ],
                },
                sensitive: {
                    Statement: [
                        rootAdmin,
                        viaS3("MetricsDataReadViaS3", [admin, operator, agents], ["kms:Decrypt", "kms:DescribeKey"]),
                        viaS3("MetricsDataWriteViaS3", [monitoring], ["kms:GenerateDataKey*", "kms:Decrypt"]),
                    ],
                },
            },
        }),
    ) as Fixture;
}

const RBAC: Record<string, string> = {
    "system-admin": "system_admin",
    operator: "operator",
    "resource-manager": "resource_manager",
    "monitoring-agent": "monitoring_agent",
    "agent-a": "agent",
    "agent-b": "agent",
};

/** The fixture as the resources a stack policy receives. */
export function resources(f: Fixture): StackResourceCase[] {
    const json = (d: Doc) => JSON.stringify({ Version: "2012-10-17", ...d });
    const bucket = (name: string, tags: Record<string, string>, key: string | undefined, policy: Doc) => [
        { type: "aws:s3/bucket:Bucket", name, props: { bucket: name, arn: `arn:aws:s3:::${name}`, tags } },
        {
            type: "aws:s3/bucketPolicy:BucketPolicy",
            name: `${name}-policy`,
            props: { bucket: name, policy: json(policy) },
        },
        ...(key
            ? [
                  {
                      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                      name: `${name}-sse`,
                      props: {
                          bucket: name,
                          rules: [
                              { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key } },
                          ],
                      },
                  },
              ]
            : []),
    ];
    return [
        {
            type: "aws:iam/policy:Policy",
            name: "boundary",
            props: {
                name: "mas-dev-permissions-boundary",
                arn: policyArn("permissions-boundary"),
                policy: json(f.boundary),
            },
        },
        ...Object.entries(f.policies).map(([name, d]) => ({
            type: "aws:iam/policy:Policy",
            name,
            props: { name: `mas-dev-${name}`, arn: policyArn(name), policy: json(d) },
        })),
        ...Object.entries(RBAC).map(([name, rbac]) => ({
            type: "aws:iam/role:Role",
            name,
            props: {
                name: `mas-dev-${name}`,
                arn: roleArn(name),
                permissionsBoundary: policyArn("permissions-boundary"),
                tags: { "rbac-role": rbac },
            },
        })),
        ...f.attachments.map((a, i) => ({
            type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            name: `attachment-${i}`,
            props: { role: `mas-dev-${a.role}`, policyArn: a.policyArn },
        })),
        {
            type: "aws:kms/key:Key",
            name: "critical",
            props: { arn: keyArn("critical"), policy: json(f.keyPolicies.critical) },
        },
        {
            type: "aws:kms/key:Key",
            name: "sensitive",
            props: { arn: keyArn("sensitive"), policy: json(f.keyPolicies.sensitive) },
        },
        {
            type: "aws:eks/cluster:Cluster",
            name: "eks",
            props: { name: "mas-dev-eks", arn: `arn:aws:eks:${REGION}:${ACCT}:cluster/mas-dev-eks` },
        },
        { type: "aws:eks/nodeGroup:NodeGroup", name: "agent-nodes", props: { nodeGroupName: "agent" } },
        ...bucket(AGENT_BUCKET, { "data-store": "agent_data" }, keyArn("critical"), f.bucketPolicies.agent),
        ...bucket(METRICS_BUCKET, { "data-store": "metrics_data" }, keyArn("sensitive"), f.bucketPolicies.metrics),
        ...bucket(AUDIT_BUCKET, { "log-source": "audit" }, undefined, f.bucketPolicies.audit),
    ];
}
