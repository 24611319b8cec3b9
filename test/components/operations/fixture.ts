// Detection, IncidentResponse, Compliance and Operations run together under mocks, and helpers to read them.
import type { RecordedResource } from "../../../tools/lib/program";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/alerts-key`;
export const AUDIT_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/audit-key`;
export const ADMIN = `arn:aws:iam::${ACCOUNT}:role/mas-dev-system-admin`;
export const IPSET_ARN = `arn:aws:wafv2:${REGION}:${ACCOUNT}:regional/ipset/mas-dev-block/ipset-id-1`;

export function program(stack: string) {
    return () => {
        const { loadConfig } = require("../../../components/config");
        const { EvidenceRegistry } = require("../../../components/evidence");
        const ops = require("../../../components/operations");
        const config = loadConfig();
        const evidence = new EvidenceRegistry();
        const detection = new ops.Detection("mas", {
            config,
            evidence,
            auditLogGroupName: `/aws/cloudtrail/mas-${stack}`,
            eksLogGroupName: `/aws/eks/mas-${stack}-eks/cluster`,
            alertsKeyArn: KEY,
            systemAdminRoleArn: ADMIN,
            albArnSuffix: "app/mas-alb/0123456789abcdef",
            flowLogGroupName: `/aws/vpc/mas-${stack}-flow-logs`,
        });
        const ir = new ops.IncidentResponse("mas", {
            config,
            evidence,
            vpcId: "vpc-0abc",
            highTopicArn: detection.topics.high.arn,
            alertsKeyArn: KEY,
            wafIpSet: { name: "mas-dev-block", id: "ipset-id-1", scope: "REGIONAL", arn: IPSET_ARN },
            permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/mas-boundary`,
        });
        const compliance = new ops.Compliance("mas", {
            config,
            evidence,
            configBucketName: "mas-config-history",
            auditKeyArn: AUDIT_KEY,
        });
        new ops.Operations("mas", {
            config,
            evidence,
            reportTopicArn: detection.topics.low.arn,
            alertsKeyArn: KEY,
            accessAnalyzerArn: compliance.accessAnalyzer?.arn,
            conformancePackName: compliance.conformancePack.name,
            nodeGroups: {
                clusterName: `mas-${stack}-eks`,
                names: [`mas-${stack}-agent`, `mas-${stack}-service`],
                launchTemplateIds: ["lt-0agent", "lt-0service"],
                amiParameters: ["agent", "service"].map(
                    () => "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id",
                ),
            },
            patchApproverArns: [ADMIN],
            approvalTopicArn: detection.topics.high.arn,
        });
        void ir;
        return { controls: evidence.controls() };
    };
}

export const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
export const FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
export const DOC = "aws:ssm/document:Document";
export const RULE = "aws:cloudwatch/eventRule:EventRule";
export const TARGET = "aws:cloudwatch/eventTarget:EventTarget";

export interface Step {
    name: string;
    action: string;
    inputs: Record<string, unknown>;
    outputs?: { Name: string; Selector: string; Type: string }[];
}
export interface Doc {
    schemaVersion: string;
    assumeRole: string;
    parameters: Record<string, { default?: unknown }>;
    mainSteps: Step[];
}
export const content = (r: RecordedResource) => JSON.parse(r.inputs.content as string) as Doc;
export const policy = (r: RecordedResource) =>
    JSON.parse(r.inputs.policy as string) as { Statement: Record<string, unknown>[] };
