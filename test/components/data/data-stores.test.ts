import type { ProgramRun } from "../../../tools/lib/program";
import { evaluate } from "../../../policy-pack/lib/iam/evaluate";
import { parseDocument } from "../../../policy-pack/lib/iam/document";
import { named } from "../../harness/program";
import { ACCT, ROLES, KEY, BUCKET, LIFECYCLE, SSE, POLICY, program, doc, sid, arnOf, bucketName } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program("dev");
    prod = await program("prod");
});

describe("Data stores (ACC-DATA-AGENT-READ, ACC-DATA-AGENT-WRITE, ACC-DATA-METRICS-READ, ACC-DATA-METRICS-WRITE, DATA-CLS-DISCOVERY)", () => {
    const backupRole = `arn:aws:iam::${ACCT}:role/mas-prod-backup`;
    const macieRole = `arn:aws:iam::${ACCT}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`;

    it("agent_data: critical key, read only by system_admin/operator, written only by system_admin with MFA", () => {
        const arn = arnOf(prod, BUCKET, "mas-stores-agent-data");
        expect(
            (named(prod, SSE, "mas-stores-agent-data").inputs.rules as Record<string, Record<string, string>>[])[0]
                .applyServerSideEncryptionByDefault.kmsMasterKeyId,
        ).toBe(arnOf(prod, KEY, "mas-keys-critical"));
        const list = doc(named(prod, POLICY, "mas-stores-agent-data"));
        expect(sid(list, "AgentDataReadOnlyAdminOperator")).toEqual({
            Sid: "AgentDataReadOnlyAdminOperator",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: `${arn}/*`,
            Condition: {
                ArnNotLike: { "aws:PrincipalArn": [ROLES.systemAdmin, ROLES.operator, backupRole, macieRole] },
            },
        });
        expect(sid(list, "AgentDataWriteOnlyAdmin").Condition).toEqual({
            ArnNotLike: { "aws:PrincipalArn": [ROLES.systemAdmin, backupRole] },
        });
        expect(sid(list, "AgentDataWriteRequiresMfa")).toMatchObject({
            Effect: "Deny",
            Action: ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            Condition: {
                BoolIfExists: { "aws:MultiFactorAuthPresent": "false" },
                ArnNotEquals: { "aws:PrincipalArn": backupRole },
            },
        });
        expect(named(prod, BUCKET, "mas-stores-agent-data").inputs.tags).toEqual({
            classification: "critical",
            "data-store": "agent_data",
        });
    });

    it("the data-store buckets have the fixed names the identity section's role policies grant", () => {
        expect(bucketName(prod, "mas-stores-agent-data")).toBe(`mas-prod-agent-data-${ACCT}-eu-west-1`);
        expect(bucketName(prod, "mas-stores-metrics-data")).toBe(`mas-prod-metrics-data-${ACCT}-eu-west-1`);
        expect(named(dev, BUCKET, "mas-stores-agent-data").inputs.bucket).toBe(`mas-dev-agent-data-${ACCT}-eu-west-1`);
    });

    it("ACC-DATA-AGENT-READ / ACC-DATA-AGENT-WRITE: the critical key lets system_admin / operator decrypt and system_admin encrypt, only through S3", () => {
        const list = doc(named(prod, KEY, "mas-keys-critical"));
        const via = { "kms:CallerAccount": ACCT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
        expect(sid(list, "AgentDataReadViaS3")).toEqual({
            Sid: "AgentDataReadViaS3",
            Effect: "Allow",
            Principal: "*",
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: "*",
            Condition: { ArnLike: { "aws:PrincipalArn": [ROLES.systemAdmin, ROLES.operator] }, StringEquals: via },
        });
        expect(sid(list, "AgentDataWriteViaS3")).toMatchObject({
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Condition: { ArnLike: { "aws:PrincipalArn": [ROLES.systemAdmin] }, StringEquals: via },
        });
        expect(list.map((x) => x.Sid)).not.toContain("MetricsDataReadViaS3");
    });

    it("ACC-DATA-METRICS-READ / ACC-DATA-METRICS-WRITE: the sensitive key lets admin / operator / agents decrypt and only monitoring_agent encrypt, only through S3", () => {
        const list = doc(named(prod, KEY, "mas-keys-sensitive"));
        const via = { "kms:CallerAccount": ACCT, "kms:ViaService": "s3.eu-west-1.amazonaws.com" };
        expect(sid(list, "MetricsDataReadViaS3")).toMatchObject({
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Condition: { ArnLike: { "aws:PrincipalArn": [ROLES.systemAdmin, ROLES.operator] }, StringEquals: via },
        });
        // Agents by tag, so an agent stack's roles (mas-<agent stack>-agent-*) of this platform read too.
        expect(sid(list, "MetricsDataReadViaS3Agents")).toEqual({
            Sid: "MetricsDataReadViaS3Agents",
            Effect: "Allow",
            Principal: "*",
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: "*",
            Condition: {
                StringEquals: {
                    "aws:PrincipalTag/rbac-role": "agent",
                    "aws:PrincipalTag/platform-stack": "prod",
                    ...via,
                },
            },
        });
        expect(sid(list, "MetricsDataWriteViaS3")).toMatchObject({
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Condition: { ArnLike: { "aws:PrincipalArn": [ROLES.monitoringAgent] }, StringEquals: via },
        });
        // Other keys carry no data-store grants.
        expect(doc(named(prod, KEY, "mas-keys-logs")).map((x) => x.Sid)).not.toContain("AgentDataReadViaS3");
    });

    it("metrics_data: sensitive key, read by admin/operator/agents, written only by the monitoring agent with SigV4", () => {
        const list = doc(named(prod, POLICY, "mas-stores-metrics-data"));
        // Deny reads unless admin / operator / a service, or an agent (rbac-role agent) of this platform (prod).
        const others = { "aws:PrincipalArn": [ROLES.systemAdmin, ROLES.operator, backupRole, macieRole] };
        expect(sid(list, "MetricsDataReadOnlyAdminOperatorAgents").Condition).toEqual({
            ArnNotLike: others,
            StringNotEquals: { "aws:PrincipalTag/rbac-role": "agent" },
        });
        expect(sid(list, "MetricsDataReadOnlyAgentsOfThisPlatform").Condition).toEqual({
            ArnNotLike: others,
            StringNotEquals: { "aws:PrincipalTag/platform-stack": "prod" },
        });
        expect(sid(list, "MetricsDataWriteOnlyMonitoringAgent").Condition).toEqual({
            ArnNotLike: { "aws:PrincipalArn": [ROLES.monitoringAgent, backupRole] },
        });
        expect(sid(list, "MetricsDataWriteRequiresSigV4").Condition).toEqual({
            StringNotEquals: { "s3:signatureversion": "AWS4-HMAC-SHA256" },
        });
        expect(
            (named(prod, SSE, "mas-stores-metrics-data").inputs.rules as Record<string, Record<string, string>>[])[0]
                .applyServerSideEncryptionByDefault.kmsMasterKeyId,
        ).toBe(arnOf(prod, KEY, "mas-keys-sensitive"));
    });

    it("ACC-DATA-METRICS-READ: agents of this platform's agent stacks read metrics_data by tag; other roles do not (IAM evaluator)", () => {
        const arn = arnOf(prod, BUCKET, "mas-stores-metrics-data");
        const bucketPolicy = parseDocument({
            Version: "2012-10-17",
            Statement: doc(named(prod, POLICY, "mas-stores-metrics-data")),
        });
        const canRead = (name: string, tags: Record<string, string>) =>
            evaluate(
                {
                    kind: "role",
                    arn: `arn:aws:iam::${ACCT}:role/${name}`,
                    account: ACCT,
                    tags,
                    identity: [
                        {
                            name: "read",
                            document: parseDocument({
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/*` }],
                            })!,
                        },
                    ],
                },
                {
                    action: "s3:GetObject",
                    resource: `${arn}/coordinator-a/m.json`,
                    resourceAccount: ACCT,
                    resourcePolicy: { name: "bucket", document: bucketPolicy! },
                    context: { "*": [] },
                },
            );
        const agent = { "rbac-role": "agent", "platform-stack": "prod" };
        expect(canRead("mas-agents-a-agent-coordinator-a", agent)).toMatchObject({ possible: true, definite: true });
        expect(canRead("mas-prod-agent-planner", agent)).toMatchObject({ possible: true, definite: true });
        // An agent of another platform (dev), an untagged role named like an agent, a non-agent tagged prod.
        expect(canRead("mas-dev-agent-x", { "rbac-role": "agent", "platform-stack": "dev" }).possible).toBe(false);
        expect(canRead("mas-prod-agent-x", {}).possible).toBe(false);
        expect(canRead("mas-prod-ops", { "rbac-role": "monitoring_agent", "platform-stack": "prod" }).possible).toBe(
            false,
        );
    });

    it("data is kept: superseded versions for the level's retention (2557 / 365 days), no expiry", () => {
        const rule = (n: string) => (named(prod, LIFECYCLE, n).inputs.rules as Record<string, unknown>[])[0];
        expect(rule("mas-stores-agent-data").noncurrentVersionExpiration).toEqual({ noncurrentDays: 2557 });
        expect(rule("mas-stores-agent-data").expiration).toBeUndefined();
        expect(rule("mas-stores-metrics-data").noncurrentVersionExpiration).toEqual({ noncurrentDays: 365 });
    });

    it("DATA-CLS-DISCOVERY: Macie is enabled and scans both data buckets daily", () => {
        expect(named(prod, "aws:macie2/account:Account", "mas-stores-macie").inputs.status).toBe("ENABLED");
        expect(
            named(prod, "aws:macie2/classificationJob:ClassificationJob", "mas-stores-macie-data").inputs,
        ).toMatchObject({
            jobType: "SCHEDULED",
            scheduleFrequency: { dailySchedule: true },
            s3JobDefinition: {
                bucketDefinitions: [
                    {
                        accountId: ACCT,
                        buckets: [
                            bucketName(prod, "mas-stores-agent-data"),
                            bucketName(prod, "mas-stores-metrics-data"),
                        ],
                    },
                ],
            },
        });
    });
});
