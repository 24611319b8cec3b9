import {
    BOUNDARY_DENIED_ACTIONS,
    METRICS_NAMESPACE_ROOT,
    OPERATOR_DENIED_ACTIONS,
    PAM_MAX_SESSION_HOURS,
    POD_IDENTITY_PRINCIPAL,
    POD_IDENTITY_TAGS,
    PLATFORM_STACK_TAG,
    RBAC_ROLE_TAG,
} from "../../policy-pack/catalog/identity";
import { AGENT_SIGNING } from "../../policy-pack/catalog/data";
import { DataStoreBucket, dataStoreBucketName } from "../config";

/** Plain (resolved) values the IAM documents are built from. */
export interface IamContext {
    partition: string;
    account: string;
    region: string;
    /** `namePrefix(cfg)`: the stack's IAM names start with it. */
    prefix: string;
    clusterName: string;
    /** The stack name; the provider's default tag `stack` marks the stack's KMS keys. */
    stack: string;
}

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean | number>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

const doc = (...Statement: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });

/** Scaling the cluster's node groups (their Auto Scaling groups carry the eks:cluster-name tag). */
const nodeCapacity = (Sid: string, c: IamContext): Statement => ({
    Sid,
    Effect: "Allow",
    Action: ["autoscaling:SetDesiredCapacity", "autoscaling:UpdateAutoScalingGroup"],
    Resource: "*",
    Condition: { StringEquals: { "aws:ResourceTag/eks:cluster-name": c.clusterName } },
});

/** Namespace of custom CloudWatch metrics the stack's workloads write ("MAS/..."); the catalog owns it. */
export { METRICS_NAMESPACE_ROOT };

/**
 * Services whose actions the permissions boundary lets any role of the stack use at all (the ceiling, not a
 * grant). Roles of other sections take the same boundary: a role that needs another service must add it here.
 */
export const BOUNDARY_SERVICES = [
    "access-analyzer",
    "acm",
    "acm-pca",
    "autoscaling",
    "backup",
    "backup-storage",
    "cloudtrail",
    "cloudwatch",
    // The deploy runner's CodeBuild service role reads its GitHub connection token.
    "codeconnections",
    "codestar-connections",
    "cognito-idp",
    "config",
    "ec2",
    "ec2messages",
    "ecr",
    "eks",
    "eks-auth",
    "elasticfilesystem",
    "elasticloadbalancing",
    "events",
    "firehose",
    "guardduty",
    "inspector2",
    "kms",
    "lambda",
    "logs",
    "macie2",
    "network-firewall",
    "route53",
    "s3",
    "secretsmanager",
    "securityhub",
    "shield",
    "sns",
    "sqs",
    "ssm",
    "ssmmessages",
    "sts",
    "tag",
    "wafv2",
    "xray",
] as const;

/**
 * Read-only actions AWS Config's recorder role (operations: AWS_ConfigRole, under this boundary) needs to
 * describe resource types the stack creates whose service no role of the stack otherwise uses: EventBridge
 * Scheduler's schedules (the actions of the AWS managed AmazonEventBridgeSchedulerReadOnlyAccess). Every other
 * recorded type of the stack belongs to a service in BOUNDARY_SERVICES (iam through IamReadAndPass).
 */
export const CONFIG_RECORDER_READ_ACTIONS = [
    "scheduler:GetSchedule",
    "scheduler:GetScheduleGroup",
    "scheduler:ListSchedules",
    "scheduler:ListScheduleGroups",
    "scheduler:ListTagsForResource",
] as const;

export function boundaryArn(c: IamContext): string {
    return `arn:${c.partition}:iam::${c.account}:policy/${c.prefix}-permissions-boundary`;
}

/** The data stores' bucket ARNs (access_control.data_access); their names are fixed by dataStoreBucketName. */
function dataStores(c: IamContext): Record<"agentData" | "metricsData", string> {
    const bucket = (store: DataStoreBucket) =>
        `arn:${c.partition}:s3:::${dataStoreBucketName({ stack: c.stack }, store, c.account, c.region)}`;
    return { agentData: bucket("agent-data"), metricsData: bucket("metrics-data") };
}

/** S3 object reads and writes of access_control.data_access (the buckets' policies deny everyone else). */
export const DATA_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"];
export const DATA_WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"];

/** Read (and list) both data stores: system_admin and operator. Keys: the data section's key policies. */
function readDataStores(c: IamContext): Statement[] {
    const d = dataStores(c);
    return [
        {
            Sid: "ReadDataStores",
            Effect: "Allow",
            Action: DATA_READ_ACTIONS,
            Resource: [`${d.agentData}/*`, `${d.metricsData}/*`],
        },
        { Sid: "ListDataStores", Effect: "Allow", Action: "s3:ListBucket", Resource: [d.agentData, d.metricsData] },
    ];
}

const arns = (c: IamContext) => ({
    cluster: `arn:${c.partition}:eks:${c.region}:${c.account}:cluster/${c.clusterName}`,
    clusterChildren: ["nodegroup", "addon", "podidentityassociation", "access-entry", "identityproviderconfig"].map(
        (k) => `arn:${c.partition}:eks:${c.region}:${c.account}:${k}/${c.clusterName}/*`,
    ),
    nodegroups: `arn:${c.partition}:eks:${c.region}:${c.account}:nodegroup/${c.clusterName}/*`,
    logGroups: `arn:${c.partition}:logs:${c.region}:${c.account}:log-group:*`,
    stackRoles: `arn:${c.partition}:iam::${c.account}:role/${c.prefix}-*`,
    stackPolicies: `arn:${c.partition}:iam::${c.account}:policy/${c.prefix}-*`,
    anyRole: `arn:${c.partition}:iam::${c.account}:role/*`,
    anyPolicy: `arn:${c.partition}:iam::${c.account}:policy/*`,
});

/**
 * The agent roles and policies of this platform's agent stacks (named with their own prefix), by tag: rbac-role
 * agent and platform-stack this stack. aws:ResourceTag holds for the actions on an existing role or customer-
 * managed policy; creating one (iam:CreateRole / CreatePolicy, aws:RequestTag) is not granted: agent stacks do.
 */
const platformAgentTags = (c: IamContext) => ({
    StringEquals: { [`aws:ResourceTag/${RBAC_ROLE_TAG}`]: "agent", [`aws:ResourceTag/${PLATFORM_STACK_TAG}`]: c.stack },
});

/** Read access to logs and metrics, shared by the human roles (view_logs / monitor). */
function observe(c: IamContext): Statement[] {
    return [
        {
            Sid: "ReadLogs",
            Effect: "Allow",
            Action: [
                "logs:DescribeLogGroups",
                "logs:DescribeLogStreams",
                "logs:GetLogEvents",
                "logs:FilterLogEvents",
                "logs:StartQuery",
                "logs:StopQuery",
                "logs:GetQueryResults",
            ],
            Resource: arns(c).logGroups,
        },
        {
            Sid: "ReadMetrics",
            Effect: "Allow",
            Action: [
                "cloudwatch:GetMetricData",
                "cloudwatch:GetMetricStatistics",
                "cloudwatch:ListMetrics",
                "cloudwatch:DescribeAlarms",
            ],
            Resource: "*",
        },
    ];
}

/**
 * The permissions boundary every role of the stack carries: a ceiling of the services the stack uses, and
 * denials no role's own policy can override (audit trail, the boundary itself, long-lived credentials).
 */
export function permissionsBoundary(c: IamContext): PolicyDocument {
    const a = arns(c);
    const self = boundaryArn(c);
    return doc(
        { Sid: "StackServices", Effect: "Allow", Action: BOUNDARY_SERVICES.map((s) => `${s}:*`), Resource: "*" },
        { Sid: "ConfigRecorderRead", Effect: "Allow", Action: [...CONFIG_RECORDER_READ_ACTIONS], Resource: "*" },
        {
            Sid: "IamReadAndPass",
            Effect: "Allow",
            // Credential report (operations' access review) and key deactivation (incident response).
            Action: [
                "iam:Get*",
                "iam:List*",
                "iam:PassRole",
                "iam:CreateServiceLinkedRole",
                "iam:GenerateCredentialReport",
                "iam:UpdateAccessKey",
            ],
            Resource: "*",
        },
        { Sid: "IamOwnRoles", Effect: "Allow", Action: "iam:*", Resource: [a.stackRoles, a.stackPolicies] },
        {
            Sid: "IamPlatformAgentRoles",
            Effect: "Allow",
            Action: "iam:*",
            Resource: [a.anyRole, a.anyPolicy],
            Condition: platformAgentTags(c),
        },
        { Sid: "DenyAuditAndIdentityTampering", Effect: "Deny", Action: [...BOUNDARY_DENIED_ACTIONS], Resource: "*" },
        {
            Sid: "DenyBoundaryChanges",
            Effect: "Deny",
            Action: [
                "iam:CreatePolicyVersion",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion",
            ],
            Resource: self,
        },
        {
            Sid: "DenyRolesWithoutBoundary",
            Effect: "Deny",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            Resource: "*",
            Condition: { StringNotEquals: { "iam:PermissionsBoundary": self } },
        },
    );
}

/** Trust of a role people assume from the account: MFA present and at most PAM_MAX_SESSION_HOURS old. */
export function humanTrust(c: IamContext): PolicyDocument {
    return doc({
        Sid: "AccountPrincipalsWithMfa",
        Effect: "Allow",
        Principal: { AWS: `arn:${c.partition}:iam::${c.account}:root` },
        Action: "sts:AssumeRole",
        Condition: {
            Bool: { "aws:MultiFactorAuthPresent": "true" },
            NumericLessThanEquals: { "aws:MultiFactorAuthAge": String(PAM_MAX_SESSION_HOURS * 3600) },
        },
    });
}

/** Trust for EKS Pod Identity, bound to one cluster / namespace / service account through its session tags. */
export function podIdentityTrust(c: IamContext, namespace: string, serviceAccount: string): PolicyDocument {
    return doc({
        Sid: "EksPodIdentity",
        Effect: "Allow",
        Principal: { Service: POD_IDENTITY_PRINCIPAL },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
            StringEquals: {
                "aws:SourceAccount": c.account,
                [POD_IDENTITY_TAGS.cluster]: c.clusterName,
                [POD_IDENTITY_TAGS.namespace]: namespace,
                [POD_IDENTITY_TAGS.serviceAccount]: serviceAccount,
            },
        },
    });
}

/** Trust for an AWS service (EKS control plane, EC2 nodes). */
export function serviceTrust(service: string, tagSession = false): PolicyDocument {
    return doc({
        Effect: "Allow",
        Principal: { Service: service },
        Action: tagSession ? ["sts:AssumeRole", "sts:TagSession"] : "sts:AssumeRole",
    });
}

/** system_admin: manage agents (the cluster), resources (node capacity) and security (the stack's IAM, keys). */
export function systemAdminPolicy(c: IamContext): PolicyDocument {
    const a = arns(c);
    return doc(
        { Sid: "ManageCluster", Effect: "Allow", Action: "eks:*", Resource: [a.cluster, ...a.clusterChildren] },
        {
            Sid: "ReadInventory",
            Effect: "Allow",
            Action: ["eks:List*", "eks:Describe*", "ec2:Describe*", "autoscaling:Describe*"],
            Resource: "*",
        },
        nodeCapacity("ManageNodeCapacity", c),
        {
            Sid: "ManageStackIdentities",
            Effect: "Allow",
            Action: "iam:*",
            Resource: [a.stackRoles, a.stackPolicies],
        },
        {
            Sid: "ManageStackKeys",
            Effect: "Allow",
            Action: [
                "kms:Describe*",
                "kms:Get*",
                "kms:List*",
                "kms:EnableKeyRotation",
                "kms:TagResource",
                "kms:PutKeyPolicy",
            ],
            Resource: `arn:${c.partition}:kms:${c.region}:${c.account}:key/*`,
            Condition: { StringEquals: { "aws:ResourceTag/stack": c.stack } },
        },
        {
            // The agent stacks' identities and signing keys (their own prefix and stack tag), by their
            // platform-stack tag.
            Sid: "ManagePlatformAgentIdentities",
            Effect: "Allow",
            Action: "iam:*",
            Resource: [a.anyRole, a.anyPolicy],
            Condition: platformAgentTags(c),
        },
        {
            Sid: "ManagePlatformAgentKeys",
            Effect: "Allow",
            Action: [
                "kms:Describe*",
                "kms:Get*",
                "kms:List*",
                "kms:EnableKeyRotation",
                "kms:TagResource",
                "kms:PutKeyPolicy",
            ],
            Resource: `arn:${c.partition}:kms:${c.region}:${c.account}:key/*`,
            Condition: {
                StringEquals: {
                    [`aws:ResourceTag/${AGENT_SIGNING.purposeTag}`]: AGENT_SIGNING.purpose,
                    [`aws:ResourceTag/${PLATFORM_STACK_TAG}`]: c.stack,
                },
            },
        },
        {
            Sid: "ManageSecurityServices",
            Effect: "Allow",
            Action: ["guardduty:*", "securityhub:*", "wafv2:*", "network-firewall:*"],
            Resource: [
                `arn:${c.partition}:guardduty:${c.region}:${c.account}:detector/*`,
                `arn:${c.partition}:securityhub:${c.region}:${c.account}:*`,
                `arn:${c.partition}:wafv2:${c.region}:${c.account}:regional/*`,
                `arn:${c.partition}:network-firewall:${c.region}:${c.account}:*`,
            ],
        },
        ...readDataStores(c),
        {
            // agent_data write: system_admin only, with MFA (the bucket policy denies writes without it too).
            Sid: "WriteAgentData",
            Effect: "Allow",
            Action: DATA_WRITE_ACTIONS,
            Resource: `${dataStores(c).agentData}/*`,
            Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        },
        ...observe(c),
    );
}

/** operator: view status, restart agents (Kubernetes RBAC), view logs; explicit Deny on config / security. */
export function operatorPolicy(c: IamContext): PolicyDocument {
    const a = arns(c);
    return doc(
        {
            Sid: "ViewCluster",
            Effect: "Allow",
            Action: [
                "eks:DescribeCluster",
                "eks:ListNodegroups",
                "eks:DescribeNodegroup",
                "eks:ListAddons",
                "eks:DescribeAddon",
                "eks:AccessKubernetesApi",
            ],
            Resource: [a.cluster, ...a.clusterChildren],
        },
        { Sid: "ListClusters", Effect: "Allow", Action: "eks:ListClusters", Resource: "*" },
        ...readDataStores(c),
        ...observe(c),
        { Sid: "DenyConfigAndSecurityChanges", Effect: "Deny", Action: [...OPERATOR_DENIED_ACTIONS], Resource: "*" },
    );
}

/** resource_manager: compute allocation, i.e. scaling this cluster's node groups (and quotas in Kubernetes). */
export function resourceManagerPolicy(c: IamContext): PolicyDocument {
    const a = arns(c);
    return doc(
        {
            Sid: "ScaleNodeGroups",
            Effect: "Allow",
            Action: [
                "eks:DescribeCluster",
                "eks:ListNodegroups",
                "eks:DescribeNodegroup",
                "eks:UpdateNodegroupConfig",
                "eks:AccessKubernetesApi",
            ],
            Resource: [a.cluster, a.nodegroups],
        },
        nodeCapacity("SetNodeCapacity", c),
        {
            Sid: "ReadCapacity",
            Effect: "Allow",
            Action: ["autoscaling:Describe*", "ec2:DescribeInstances", "ec2:DescribeInstanceTypes"],
            Resource: "*",
        },
        // No observe(): access_control.resource_access gives compute monitoring to system_admin and operator only.
    );
}

/** monitoring_agent: writes metrics under the stack's namespace and into metrics_data (its only writer). */
export function monitoringAgentPolicy(c: IamContext): PolicyDocument {
    return doc(
        {
            Sid: "WriteStackMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringLike: { "cloudwatch:namespace": `${METRICS_NAMESPACE_ROOT}/*` } },
        },
        {
            Sid: "WriteMetricsData",
            Effect: "Allow",
            Action: DATA_WRITE_ACTIONS,
            Resource: `${dataStores(c).metricsData}/*`,
        },
    );
}

/**
 * One policy shared by every agent role (ABAC): an agent reports status only into its own metric namespace,
 * named after the Kubernetes namespace that EKS Pod Identity puts in the session tags.
 */
export function agentPolicy(c: IamContext): PolicyDocument {
    return doc(
        {
            Sid: "ReportOwnStatus",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: {
                StringEquals: {
                    "cloudwatch:namespace":
                        `${METRICS_NAMESPACE_ROOT}/Agents/` + "${aws:PrincipalTag/kubernetes-namespace}",
                },
            },
        },
        // metrics_data is readable by the agent roles (access_control.data_access).
        {
            Sid: "ReadMetricsData",
            Effect: "Allow",
            Action: DATA_READ_ACTIONS,
            Resource: `${dataStores(c).metricsData}/*`,
        },
    );
}
