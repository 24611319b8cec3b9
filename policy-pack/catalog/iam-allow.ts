import { DATA_STORE_TAG } from "./data";
import { ACCESS_MATRIX, RbacRole } from "./identity";

/** Which plan resources (or targets outside the plan) a grant covers. All given parts must hold. */
export interface TargetSelector {
    /** Pulumi type tokens. */
    types?: string[];
    /** Tags the resource carries. */
    tags?: Record<string, string>;
    /** The default encryption key of the bucket with this tag (one entry). */
    keyOfBucketTagged?: Record<string, string>;
    /** ARN patterns (ArnLike) with ${partition}, ${account}, ${region}, ${cluster}. */
    arnLike?: string[];
    synthetic?: ("account-role" | "iam-user" | "node")[];
    /** Roles whose trust admits only these services (passing them hands them to nothing else). */
    trustedOnlyBy?: string[];
}

/** One line of the allow-list: who may make which changing requests on what, and the guide line that grants it. */
export interface SurfaceGrant {
    /** RBAC roles, or `service:<principal>` for service roles (by the service their trust admits). */
    who: (RbacRole | `service:${string}`)[];
    actions: string[];
    on: TargetSelector;
    guide: string;
    /** Granted only through these AWS-managed policies (a customer policy granting the same is not covered). */
    viaManaged?: string[];
}

const T = {
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    key: "aws:kms/key:Key",
    bucket: "aws:s3/bucket:Bucket",
    eks: [
        "aws:eks/cluster:Cluster",
        "aws:eks/nodeGroup:NodeGroup",
        "aws:eks/addon:Addon",
        "aws:eks/accessEntry:AccessEntry",
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    ],
};

/** Object writes of S3 and the key use they need (S3 encrypts with the bucket's key: data keys, and Decrypt for multipart uploads). */
const OBJECT_WRITES = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:AbortMultipartUpload"];
const KEY_WRITE_USE = ["kms:GenerateDataKey*", "kms:Encrypt", "kms:Decrypt"];

/** access_control.data_access as grants: writers write the store's objects and use its key; readers decrypt with it. */
function dataGrants(): SurfaceGrant[] {
    return Object.entries(ACCESS_MATRIX.data_access).flatMap(([data, access]) => [
        {
            who: [...access.write.roles],
            actions: OBJECT_WRITES,
            on: { types: [T.bucket], tags: { [DATA_STORE_TAG]: data } },
            guide: `access_control.data_access.${data}.write`,
        },
        {
            who: [...access.write.roles],
            actions: KEY_WRITE_USE,
            on: { keyOfBucketTagged: { [DATA_STORE_TAG]: data } },
            guide: `access_control.data_access.${data}.write`,
        },
        {
            who: [...access.read.roles],
            actions: ["kms:Decrypt"],
            on: { keyOfBucketTagged: { [DATA_STORE_TAG]: data } },
            guide: `access_control.data_access.${data}.read`,
        },
    ]);
}

const BACKUP_POLICIES = [
    "AWSBackupServiceRolePolicyForBackup",
    "AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
];

/**
 * The allow-list of changing requests (Write, Permissions management, Tagging): the guide's access matrix and
 * role permissions, and for service roles the escalation-class requests their job needs. Anything a principal
 * can do that no line grants is a violation.
 */
export const WRITE_ALLOW_LIST: SurfaceGrant[] = [
    ...dataGrants(),
    {
        who: ["system_admin"],
        actions: ["eks:*"],
        on: { types: T.eks },
        guide: "identity_management.rbac.roles.system_admin.permissions: manage_agents",
    },
    {
        who: ["system_admin"],
        actions: ["iam:*"],
        on: { types: [T.role, T.policy] },
        guide: "identity_management.rbac.roles.system_admin.permissions: manage_security (the stack's roles and policies)",
    },
    {
        who: ["system_admin"],
        actions: [
            "kms:PutKeyPolicy",
            "kms:CreateGrant",
            "kms:RevokeGrant",
            "kms:RetireGrant",
            "kms:EnableKeyRotation",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:UpdateKeyDescription",
        ],
        on: { types: [T.key] },
        guide: "identity_management.rbac.roles.system_admin.permissions: manage_security (the stack's keys; never their deletion)",
    },
    {
        who: ["system_admin"],
        actions: ["guardduty:*", "securityhub:*", "wafv2:*", "network-firewall:*"],
        on: {
            arnLike: [
                "arn:${partition}:guardduty:${region}:${account}:*",
                "arn:${partition}:securityhub:${region}:${account}:*",
                "arn:${partition}:wafv2:${region}:${account}:*",
                "arn:${partition}:network-firewall:${region}:${account}:*",
            ],
        },
        guide: "identity_management.rbac.roles.system_admin.permissions: manage_security (detection, WAF, firewall)",
    },
    {
        who: ["system_admin", "resource_manager"],
        actions: ["eks:UpdateNodegroupConfig", "autoscaling:SetDesiredCapacity", "autoscaling:UpdateAutoScalingGroup"],
        on: { types: ["aws:eks/nodeGroup:NodeGroup", "aws:autoscaling/group:Group"] },
        guide: "access_control.resource_access.compute_resources.allocate (resource_manager; system_admin: manage_resources)",
    },
    {
        who: ["agent"],
        actions: ["kms:Sign", "kms:Verify"],
        on: { types: [T.key], tags: { purpose: "agent-signing" } },
        guide: "message_security.integrity.signatures (ED25519, verification required): agents sign with their own key and verify the others'",
    },
    {
        who: ["agent"],
        actions: ["kms:Encrypt", "kms:GenerateDataKey", "kms:Decrypt"],
        on: { types: [T.key], tags: { purpose: "payload" } },
        guide: "message_security.encryption.payload (AES-256-GCM): agents encrypt and decrypt message payloads",
    },
    // Service roles: escalation-class requests their job needs.
    {
        who: ["service:events.amazonaws.com", "service:scheduler.amazonaws.com", "service:ssm.amazonaws.com"],
        actions: ["iam:PassRole"],
        on: { types: [T.role], trustedOnlyBy: ["ssm.amazonaws.com"] },
        guide: "incident_response / security_procedures: rules, schedules and maintenance windows start the stack's automation runbooks with their own automation role",
    },
    {
        who: ["service:ssm.amazonaws.com"],
        actions: ["iam:UpdateAccessKey"],
        on: { synthetic: ["iam-user"] },
        guide: "incident_response.procedures: revoke_access (deactivate a compromised access key)",
    },
    {
        who: ["service:ssm.amazonaws.com"],
        actions: ["eks:DeleteAccessEntry"],
        on: { types: ["aws:eks/accessEntry:AccessEntry"] },
        guide: "incident_response.procedures: revoke_access (remove a compromised principal's cluster access)",
    },
    {
        who: ["service:ssm.amazonaws.com"],
        actions: ["ec2:CreateSnapshots", "ec2:CreateTags"],
        on: { synthetic: ["node"] },
        guide: "incident_response.procedures: collect_evidence (snapshot a node's volumes)",
    },
    {
        who: ["service:eks.amazonaws.com"],
        actions: ["ec2:AttachVolume", "ec2:DetachVolume", "ec2:CreateTags", "ec2:ModifyInstanceAttribute"],
        on: { synthetic: ["node"] },
        guide: "the EKS control plane manages its nodes' volumes and attributes (AWS-managed AmazonEKSClusterPolicy)",
        viaManaged: ["AmazonEKSClusterPolicy"],
    },
    {
        who: ["service:ec2.amazonaws.com"],
        actions: [
            "ec2:AttachNetworkInterface",
            "ec2:DetachNetworkInterface",
            "ec2:ModifyNetworkInterfaceAttribute",
            "ssm:UpdateInstanceInformation",
            "ssm:UpdateInstanceAssociationStatus",
            "ssm:UpdateAssociationStatus",
            "ssm:PutComplianceItems",
        ],
        on: { synthetic: ["node"], types: ["aws:ssm/document:Document"] },
        guide: "nodes attach pod network interfaces (AmazonEKS_CNI_Policy) and report to Systems Manager for patching (AmazonSSMManagedInstanceCore)",
        viaManaged: ["AmazonEKS_CNI_Policy", "AmazonSSMManagedInstanceCore"],
    },
    {
        who: ["service:backup.amazonaws.com"],
        actions: [
            "kms:CreateGrant",
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "s3:PutObjectAcl",
            "s3:PutObjectVersionAcl",
            "s3:PutBucketOwnershipControls",
            "s3:PutBucketNotification",
            "s3:PutInventoryConfiguration",
            "s3:CreateBucket",
            "s3:PutBucketVersioning",
            "s3:PutObject",
            "s3:PutObjectTagging",
            "s3:DeleteObject",
            "backup:CopyIntoBackupVault",
            "eks:*",
            "ec2:CreateImage",
            "ec2:CreateTags",
            "ec2:RunInstances",
            "ec2:TerminateInstances",
            "ssm:SendCommand",
            "iam:PassRole",
        ],
        on: {
            types: [T.key, T.bucket, ...T.eks, T.role, "aws:backup/vault:Vault", "aws:ec2/subnet:Subnet"],
            synthetic: ["node", "account-role"],
        },
        guide: "data_protection.classification backups and their restores (AWS Backup's managed service-role policies; only backup.amazonaws.com assumes the role)",
        viaManaged: BACKUP_POLICIES,
    },
    // Service roles: the writes their job needs.
    {
        who: ["service:eks.amazonaws.com"],
        actions: ["ec2:CreateTags", "ec2:CreateSecurityGroup", "elasticloadbalancing:*"],
        on: {
            arnLike: [
                "arn:${partition}:ec2:${region}:${account}:*",
                "arn:${partition}:elasticloadbalancing:${region}:${account}:*",
            ],
        },
        guide: "the EKS control plane tags the cluster's network and manages the load balancers of its Services (AWS-managed AmazonEKSClusterPolicy)",
        viaManaged: ["AmazonEKSClusterPolicy"],
    },
    {
        who: ["service:ec2.amazonaws.com"],
        actions: ["ec2:CreateNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"],
        on: { types: ["aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup"] },
        guide: "nodes create pod network interfaces in their subnets (AWS-managed AmazonEKS_CNI_Policy)",
        viaManaged: ["AmazonEKS_CNI_Policy"],
    },
    {
        who: ["service:codebuild.amazonaws.com"],
        actions: ["ec2:CreateNetworkInterface"],
        on: { types: ["aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup"] },
        guide: "the in-VPC deploy runner's build network interfaces (CodeBuild VPC configuration)",
    },
    ...(["system", "security"] as const).map((source): SurfaceGrant => ({
        who: ["service:firehose.amazonaws.com"],
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        on: { types: [T.bucket], tags: { "log-source": source } },
        guide: `security_monitoring.log_collection: ${source} logs delivered to their bucket`,
    })),
    {
        who: ["service:firehose.amazonaws.com"],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        on: { types: [T.key], tags: { purpose: "logs" } },
        guide: "security_monitoring.log_collection: log deliveries encrypted with the logs key",
    },
    {
        who: ["service:config.amazonaws.com"],
        actions: ["s3:PutObject"],
        on: { types: [T.bucket], tags: { purpose: "config-history" } },
        guide: "compliance: AWS Config delivers configuration history to its bucket",
    },
    {
        who: ["service:config.amazonaws.com"],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        on: { types: [T.key], tags: { purpose: "audit" } },
        guide: "compliance: configuration history encrypted with the audit key",
    },
    {
        who: ["service:ssm.amazonaws.com", "service:scheduler.amazonaws.com"],
        actions: ["sns:Publish"],
        on: { types: ["aws:sns/topic:Topic"] },
        guide: "incident_response.procedures: notify_stakeholders; security_procedures: reports and reminders to the alert topics",
    },
    {
        who: ["service:ssm.amazonaws.com", "service:scheduler.amazonaws.com"],
        actions: ["kms:GenerateDataKey*", "kms:Decrypt"],
        on: { types: [T.key], tags: { purpose: "alerts" } },
        guide: "alert topics are encrypted with the alerts key: publishing needs its data keys",
    },
    {
        who: ["service:ssm.amazonaws.com"],
        actions: ["wafv2:UpdateIPSet"],
        on: { types: ["aws:wafv2/ipSet:IpSet"] },
        guide: "incident_response.procedures: block_access (the WAF's blocked-address set)",
    },
    {
        who: ["service:events.amazonaws.com", "service:scheduler.amazonaws.com", "service:ssm.amazonaws.com"],
        actions: ["ssm:StartAutomationExecution"],
        on: { arnLike: ["arn:${partition}:ssm:${region}:${account}:automation-definition/*"] },
        guide: "incident_response / security_procedures: rules, schedules and maintenance windows start the stack's runbooks",
    },
    {
        who: ["service:lambda.amazonaws.com"],
        actions: ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
        on: { types: ["aws:secretsmanager/secret:Secret"], tags: { "data-key": "message-payload" } },
        guide: "message_security.encryption.payload.key_rotation: the rotation function rotates the payload data key",
    },
    {
        who: ["service:lambda.amazonaws.com"],
        actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
        on: { types: [T.key], tags: { purpose: "payload" } },
        guide: "message_security.encryption.payload.key_rotation: a new data key under the payload key",
    },
];

/**
 * Resources whose content a Read / List request reveals (security and audit logs, the trail and its configuration,
 * secrets, SSM parameters): the surface judges every Read / List action of the catalog that names their type
 * too, and the account's CloudTrail event history (LookupEvents names no resource type) as one more target.
 */
export const SENSITIVE_READ_TYPES: string[] = [
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudtrail/trail:Trail",
    "aws:secretsmanager/secret:Secret",
    "aws:ssm/parameter:Parameter",
];
/** The account's API history: read by cloudtrail:LookupEvents on "*". */
export const EVENT_HISTORY = "cloudtrail:event-history";
export const EVENT_HISTORY_READS = ["cloudtrail:LookupEvents"];

/**
 * Who may read the sensitive content (identity_management.rbac.roles: view_logs is the operator's, system_admin
 * manages security). Anything else that can read it (an agent reading security or audit logs, the event history,
 * a secret) is a finding like a write.
 */
export const READ_ALLOW_LIST: SurfaceGrant[] = [
    {
        who: ["operator", "system_admin"],
        actions: ["logs:*"],
        on: { types: ["aws:cloudwatch/logGroup:LogGroup"] },
        guide: "identity_management.rbac.roles.operator.permissions: view_logs; system_admin: manage_security",
    },
    {
        who: ["operator", "system_admin"],
        actions: ["cloudtrail:LookupEvents"],
        on: { types: [EVENT_HISTORY] },
        guide: "identity_management.rbac.roles.operator.permissions: view_logs (the account's API history); system_admin: manage_security",
    },
    {
        who: ["system_admin"],
        actions: ["cloudtrail:*"],
        on: { types: ["aws:cloudtrail/trail:Trail"] },
        guide: "identity_management.rbac.roles.system_admin.permissions: manage_security (the trail)",
    },
    {
        who: ["agent"],
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        on: { types: ["aws:secretsmanager/secret:Secret"], tags: { "data-key": "message-payload" } },
        guide: "message_security.encryption.payload (AES-256-GCM): agents read the payload data key",
    },
    {
        who: ["service:lambda.amazonaws.com"],
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        on: {
            types: ["aws:secretsmanager/secret:Secret"],
            tags: { "data-key": "message-payload" },
        },
        guide: "data_protection.encryption.key_management rotation: the rotation function reads the secret it rotates",
    },
    {
        // Configuration recording reads metadata and policies, never log events or secret values.
        who: ["service:config.amazonaws.com"],
        actions: [
            "logs:Describe*",
            "logs:List*",
            "logs:GetDataProtectionPolicy",
            "cloudtrail:Get*",
            "cloudtrail:List*",
            "cloudtrail:Describe*",
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:ListSecretVersionIds",
            "ssm:DescribeParameters",
            "ssm:ListTagsForResource",
        ],
        on: { types: SENSITIVE_READ_TYPES },
        guide: "compliance: AWS Config records the configuration of every resource (AWS-managed AWS_ConfigRole)",
        viaManaged: ["AWS_ConfigRole"],
    },
    {
        who: ["service:vpc-flow-logs.amazonaws.com"],
        actions: ["logs:DescribeLogGroups", "logs:DescribeLogStreams"],
        on: { types: ["aws:cloudwatch/logGroup:LogGroup"] },
        guide: "security_monitoring.log_collection: VPC flow logs find their log group's streams",
    },
    {
        // The daily check_security_logs and the audits' change history (security_procedures.routine, auditing).
        who: ["service:ssm.amazonaws.com"],
        actions: ["logs:StartQuery", "logs:GetQueryResults", "logs:StopQuery", "cloudtrail:LookupEvents"],
        on: { types: ["aws:cloudwatch/logGroup:LogGroup", EVENT_HISTORY] },
        guide: "security_procedures.routine.daily: check_security_logs; auditing.processes: permission_changes (report runbooks)",
    },
];

/** Resource types whose change runs code as another principal or decides who reaches the cluster. */
export const RUN_AS_TYPES: string[] = [
    "aws:lambda/function:Function",
    "aws:codebuild/project:Project",
    "aws:ssm/document:Document",
    "aws:eks/cluster:Cluster",
    "aws:eks/accessEntry:AccessEntry",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:scheduler/schedule:Schedule",
    "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
];

const CONTROL: Record<string, string> = {
    system_admin: "RBAC-ADMIN-PERMS",
    operator: "RBAC-OPERATOR-NO-SECURITY",
    resource_manager: "ACC-RES-ALLOCATE",
    monitoring_agent: "ACC-DATA-METRICS-WRITE",
    agent: "RBAC-AGENT-PERMS",
};

/** The control a finding of the write surface is reported under. */
export function surfaceControlOf(rbac: string | undefined, outsider: boolean): string {
    return outsider || !rbac ? "IAM-BOUNDARY" : (CONTROL[rbac] ?? "IAM-BOUNDARY");
}
