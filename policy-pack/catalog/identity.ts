import { guide } from "./guide";
import { Control } from "./types";

const idm = guide.identityManagement;

/**
 * Privileged access (the architecture diagram's PAM box): the guide gives it no number; one hour is this
 * stack's choice for privileged sessions and for the age of the MFA sign-in that opens them.
 */
export const PAM_MAX_SESSION_HOURS = 1;

/** Tag that names a role's (or its policy's) RBAC role of the guide; policies find roles by it. */
export const RBAC_ROLE_TAG = "rbac-role";
export const RBAC_ROLES = ["system_admin", "operator", "monitoring_agent", "resource_manager", "agent"] as const;
export type RbacRole = (typeof RBAC_ROLES)[number];
/** Roles people assume (through the account, with MFA); the others are workload roles. */
export const HUMAN_ROLES: readonly RbacRole[] = ["system_admin", "operator", "resource_manager"];

/** Tag on the permissions boundary policy. */
export const BOUNDARY_TAG = "mas/permissions-boundary";

/** Kubernetes groups the EKS access entries map the human roles to. */
export const K8S_GROUPS = {
    systemAdmin: "mas:system-admins",
    operator: "mas:operators",
    resourceManager: "mas:resource-managers",
} as const;

/** Label on every agent namespace (value: the agent's name); policies find agent namespaces by it. */
export const AGENT_LABEL = "mas/agent";
/** Label on the stack's ClusterRoles naming the RBAC role they implement. */
export const K8S_RBAC_LABEL = "mas/rbac-role";

/** Session tags EKS Pod Identity sets when it assumes a role (EKS user guide, pod-id-abac). */
export const POD_IDENTITY_TAGS = {
    namespace: "aws:RequestTag/kubernetes-namespace",
    serviceAccount: "aws:RequestTag/kubernetes-service-account",
    cluster: "aws:RequestTag/eks-cluster-name",
} as const;
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** KMS actions that change keys, their policies, grants or material (everything but using and reading keys). */
export const KMS_MANAGEMENT_ACTIONS = [
    "kms:Create*",
    "kms:Put*",
    "kms:Update*",
    "kms:Delete*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Schedule*",
    "kms:Cancel*",
    "kms:Revoke*",
    "kms:Retire*",
    "kms:Tag*",
    "kms:Untag*",
    "kms:ImportKeyMaterial",
    "kms:ReplicateKey",
    "kms:RotateKeyOnDemand",
] as const;

/**
 * What the operator role may never do (guide: operator no_config_changes, no_security_changes). The
 * component denies at least these; the policy checks that the operator's policies deny each of them.
 */
export const OPERATOR_DENIED_ACTIONS = [
    "iam:*",
    // Key management, not key use: operators read agent_data / metrics_data (kms:Decrypt through S3).
    ...KMS_MANAGEMENT_ACTIONS,
    "eks:Update*",
    "eks:Create*",
    "eks:Delete*",
    "eks:Associate*",
    "eks:Disassociate*",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:ModifySecurityGroupRules",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "secretsmanager:*",
    "wafv2:Update*",
    "network-firewall:Update*",
    "guardduty:Update*",
    "autoscaling:SetDesiredCapacity",
    "autoscaling:UpdateAutoScalingGroup",
] as const;

/** What the permissions boundary denies to every role of the stack (audit trail and the boundary itself). */
export const BOUNDARY_DENIED_ACTIONS = [
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "iam:DeleteRolePermissionsBoundary",
    "iam:CreateUser",
    "iam:CreateAccessKey",
] as const;

/** EKS control plane log types; the guide's audit logging needs all of them. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

const SUBST_VAULT =
    "Vault → AWS-native: AWS KMS holds the keys (EKS secrets, EBS), the mesh's internal CA (istiod with a plugged-in CA; optionally ACM Private CA / the ALB mTLS trust store) issues workload certificates, Secrets Manager holds client secrets. One less stateful system to run and patch; KMS and ACM are FIPS 140-validated and CloudTrail-logged.";

const INFRA = { kind: "infrastructure" } as const;

export const identityControls: Control[] = [
    {
        id: "AUTH-CERT",
        section: "identity_management",
        guidePath: "identity_management.authentication.methods.primary.type",
        requirement: `Agents authenticate primarily with certificates, rotated at least every ${idm.certificateRotationDays} days (mesh mTLS identities; the mesh section enforces rotation on the certificates the stack issues).`,
        iso27001: ["A.5.17", "A.8.5", "A.8.24"],
        soc2: ["CC6.1", "CC6.7"],
        how: INFRA,
        substitution: SUBST_VAULT,
    },
    {
        id: "AUTH-TOKEN",
        section: "identity_management",
        guidePath: "identity_management.authentication.methods.secondary.type",
        requirement: `Secondary authentication is OAuth2 tokens (Cognito) whose access and ID tokens expire after at most ${idm.tokenExpiryHours} h.`,
        iso27001: ["A.5.17", "A.8.5"],
        soc2: ["CC6.1"],
        how: INFRA,
        substitution:
            "OAuth2 provider → Amazon Cognito user pool (authorization code + client_credentials). The client_credentials client is for callers outside the VPC: Cognito serves its token endpoint only on the pool's public domain, not through PrivateLink, and the workloads' egress allow-list does not hold it.",
    },
    {
        id: "AUTH-MFA",
        section: "identity_management",
        guidePath: "identity_management.authentication.mfa.required",
        requirement:
            "MFA is required: the Cognito user pool has MFA ON, and every human IAM role is assumable only with MFA.",
        iso27001: ["A.8.5", "A.5.17"],
        soc2: ["CC6.1"],
        how: INFRA,
    },
    {
        id: "AUTH-MFA-TOTP",
        section: "identity_management",
        guidePath: "identity_management.authentication.mfa.methods[totp]",
        requirement: "TOTP is an MFA method (Cognito software token MFA enabled; IAM virtual MFA devices).",
        iso27001: ["A.8.5"],
        soc2: ["CC6.1"],
        how: INFRA,
    },
    {
        id: "AUTH-MFA-HARDWARE",
        section: "identity_management",
        guidePath: "identity_management.authentication.mfa.methods[hardware_token]",
        requirement:
            "Hardware tokens are an MFA method: the human IAM roles' MFA condition accepts FIDO2 security keys and hardware TOTP devices, and Cognito's WebAuthn relying party requires user verification. Not met in full: neither requires a hardware token (see the gap).",
        iso27001: ["A.8.5"],
        soc2: ["CC6.1"],
        how: INFRA,
    },
    {
        id: "RBAC-ADMIN-PERMS",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.system_admin.permissions[manage_agents]",
        requirement:
            "system_admin manages agents, resources and security through policies scoped to this stack's cluster, node groups, roles and keys; no Allow of * on *.",
        iso27001: ["A.5.15", "A.5.18", "A.8.2"],
        soc2: ["CC6.1", "CC6.3"],
        how: INFRA,
    },
    {
        id: "RBAC-ADMIN-MFA",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.system_admin.restrictions[require_mfa]",
        requirement: `system_admin is assumable only with MFA (aws:MultiFactorAuthPresent, MFA age ≤ ${PAM_MAX_SESSION_HOURS} h).`,
        iso27001: ["A.8.2", "A.8.5"],
        soc2: ["CC6.1"],
        how: INFRA,
    },
    {
        id: "RBAC-ADMIN-AUDIT",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.system_admin.restrictions[audit_logging]",
        requirement:
            "Every system_admin action is logged: CloudTrail (data section) records each AssumeRole and the operations section alarms on it; EKS audit logs are on; the permissions boundary forbids stopping the trail.",
        iso27001: ["A.8.15", "A.8.2"],
        soc2: ["CC7.2", "CC6.1"],
        how: INFRA,
    },
    {
        id: "RBAC-OPERATOR-PERMS",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.operator.permissions[view_status]",
        requirement:
            "operator may view status, restart agents (patch deployments) and view logs; nothing else in Kubernetes or AWS.",
        iso27001: ["A.5.15", "A.8.2"],
        soc2: ["CC6.3"],
        how: INFRA,
    },
    {
        id: "RBAC-OPERATOR-NO-CONFIG",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.operator.restrictions[no_config_changes]",
        requirement:
            "operator cannot change configuration: explicit IAM Deny on cluster / node group / bucket policy changes; no Kubernetes write on configmaps, secrets or RBAC.",
        iso27001: ["A.8.9", "A.8.32"],
        soc2: ["CC6.3", "CC8.1"],
        how: INFRA,
    },
    {
        id: "RBAC-OPERATOR-NO-SECURITY",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.operator.restrictions[no_security_changes]",
        requirement:
            "operator cannot change security: explicit IAM Deny on iam:*, KMS key management (not key use), security groups, CloudTrail, WAF, firewall, GuardDuty; never bound to cluster-admin.",
        iso27001: ["A.8.2", "A.8.9"],
        soc2: ["CC6.3"],
        how: INFRA,
    },
    {
        id: "RBAC-AGENT-PERMS",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.agent.permissions[execute_tasks]",
        requirement:
            "Agents may execute_tasks, report_status and request_resources, nothing more: each runs as its own service account with its own IAM role (EKS Pod Identity); execute_tasks is the mesh rule to the coordinator, report_status its metrics in its own namespace and its own configuration; request_resources has no grant (resource_manager allocates compute).",
        iso27001: ["A.5.15", "A.8.2"],
        soc2: ["CC6.1", "CC6.3"],
        how: INFRA,
    },
    {
        id: "RBAC-AGENT-NS",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.agent.restrictions[namespace_bound]",
        requirement:
            "Agents are namespace-bound: one namespace per agent, IAM trust bound to that namespace / service account / cluster, Kubernetes rights only through a namespaced RoleBinding.",
        iso27001: ["A.8.2", "A.8.22"],
        soc2: ["CC6.1", "CC6.3"],
        how: INFRA,
    },
    {
        id: "RBAC-AGENT-RATE",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.agent.restrictions[rate_limited]",
        requirement: `Agents are rate limited: Kubernetes API Priority and Fairness caps agent service accounts' API calls; the mesh caps agent traffic at ${guide.serviceMesh.rateLimiting.perAgentRps} rps (mesh section).`,
        iso27001: ["A.8.6"],
        soc2: ["A1.1", "CC6.1"],
        how: INFRA,
    },
    {
        id: "ACC-RES-ALLOCATE",
        section: "access_control",
        guidePath: "access_control.resource_access.policies[compute_resources].access.allocate.roles[resource_manager]",
        requirement:
            "Only resource_manager allocates compute: node group scaling (IAM, scoped to this cluster's node groups by tag) and quotas / priority classes in Kubernetes.",
        iso27001: ["A.8.6", "A.5.15"],
        soc2: ["CC6.3", "A1.1"],
        how: INFRA,
    },
    {
        id: "ACC-RES-QUOTA",
        section: "access_control",
        guidePath: "access_control.resource_access.policies[compute_resources].access.allocate.conditions[quota_check]",
        requirement:
            "Allocation passes a quota check: every agent namespace has a ResourceQuota and a LimitRange (values from stack config).",
        iso27001: ["A.8.6"],
        soc2: ["A1.1"],
        how: INFRA,
    },
    {
        id: "ACC-RES-PRIORITY",
        section: "access_control",
        guidePath:
            "access_control.resource_access.policies[compute_resources].access.allocate.conditions[priority_verified]",
        requirement:
            "Priority is verified: the stack's PriorityClasses may be used only by the resource-manager group, enforced by a ValidatingAdmissionPolicy (Deny).",
        iso27001: ["A.8.6"],
        soc2: ["A1.1", "CC6.3"],
        how: INFRA,
    },
    {
        id: "ACC-RES-MONITOR",
        section: "access_control",
        guidePath: "access_control.resource_access.policies[compute_resources].access.monitor.roles[system_admin]",
        requirement:
            "system_admin and operator monitor compute after authentication: EKS authenticates only IAM principals through access entries (authentication mode API); both roles require MFA.",
        iso27001: ["A.8.5", "A.8.16"],
        soc2: ["CC6.1", "CC7.2"],
        how: INFRA,
    },
    {
        id: "IAM-PAM",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.system_admin.restrictions[require_mfa]",
        requirement: `Privileged access is time-boxed and strong: privileged sessions last at most ${PAM_MAX_SESSION_HOURS} h, need fresh MFA, and every role carries the permissions boundary.`,
        iso27001: ["A.8.2", "A.8.18"],
        soc2: ["CC6.1", "CC6.3"],
        how: INFRA,
    },
    {
        id: "IAM-BOUNDARY",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.system_admin.restrictions[audit_logging]",
        requirement:
            "Least privilege: every IAM role of the stack has the permissions boundary (which forbids stopping the audit trail, removing the boundary and creating users / access keys); no policy allows * on *.",
        iso27001: ["A.5.15", "A.8.2"],
        soc2: ["CC6.1", "CC6.3"],
        how: INFRA,
    },
    {
        id: "EKS-ENDPOINT",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.segmentation.networks[management_network].access",
        requirement:
            "The Kubernetes API is admin_only: private endpoint reachable from the management segment; no public endpoint in prod, in dev only from listed CIDRs (never 0.0.0.0/0).",
        iso27001: ["A.8.20", "A.8.22"],
        soc2: ["CC6.6"],
        how: INFRA,
    },
    {
        id: "EKS-SECRETS",
        section: "data_protection",
        guidePath: "data_protection.encryption.at_rest.method",
        requirement: `Kubernetes secrets are envelope-encrypted with a customer-managed KMS key (${guide.dataProtection.atRest}).`,
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "CC6.7"],
        how: INFRA,
        substitution: "Vault key management → AWS KMS customer-managed key for EKS secrets encryption.",
    },
    {
        id: "EKS-LOGS",
        section: "security_monitoring",
        guidePath: "security_monitoring.log_collection.sources[audit_logs].level",
        requirement: `All EKS control plane logs (${EKS_LOG_TYPES.join(", ")}) go to the cluster's log group.`,
        iso27001: ["A.8.15"],
        soc2: ["CC7.2"],
        how: INFRA,
    },
    {
        id: "EKS-AUTH-API",
        section: "identity_management",
        guidePath: "identity_management.authentication.mfa.required",
        requirement:
            "The cluster authenticates through EKS access entries only (authentication mode API, no aws-auth ConfigMap, no implicit admin for the creator).",
        iso27001: ["A.8.5", "A.5.18"],
        soc2: ["CC6.1", "CC6.2"],
        how: INFRA,
    },
    {
        id: "EKS-NODE-IMDS",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.agent.restrictions[namespace_bound]",
        requirement:
            "Nodes require IMDSv2 with hop limit 1, so pods cannot borrow the node role; agents get credentials only through Pod Identity.",
        iso27001: ["A.8.2", "A.8.9"],
        soc2: ["CC6.1"],
        how: INFRA,
    },
    {
        id: "EKS-NODE-EBS",
        section: "data_protection",
        guidePath: "data_protection.encryption.at_rest.method",
        requirement: "Node volumes are encrypted with the stack's EBS KMS key; nodes have no SSH key pair.",
        iso27001: ["A.8.24"],
        soc2: ["CC6.1", "CC6.7"],
        how: INFRA,
    },
    {
        id: "K8S-PSA",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.agent.restrictions[namespace_bound]",
        requirement:
            "Every agent namespace enforces the Pod Security Standard 'restricted' (enforce, audit, warn) and has mesh injection on.",
        iso27001: ["A.8.9", "A.8.2"],
        soc2: ["CC6.8"],
        how: INFRA,
    },
    {
        id: "K8S-NETPOL",
        section: "identity_management",
        guidePath: "identity_management.authorization.rbac.roles.agent.restrictions[namespace_bound]",
        requirement:
            "Every agent namespace has a default-deny NetworkPolicy (ingress and egress) plus only the flows the mesh needs (DNS, istiod, the Pod Identity agent, same namespace, the coordinator) and HTTPS out of the VPC or, inside it, only to the subnets of the Kubernetes API endpoint and the interface endpoints.",
        iso27001: ["A.8.22", "A.8.20"],
        soc2: ["CC6.6"],
        how: INFRA,
    },
];

// ------------------------------------------------------------------------------ IAM evaluation model data

/** Root of the CloudWatch namespaces the stack's workloads write; an agent reports only under `<root>/Agents/<its namespace>`. */
export const METRICS_NAMESPACE_ROOT = "MAS";
/** Session tag EKS Pod Identity sets to the pod's Kubernetes namespace (the agent policy's ABAC key). */
export const POD_NAMESPACE_SESSION_TAG = "kubernetes-namespace";

/** The guide's access_control section as data (its words; role ids of RBAC_ROLES). */
export const ACCESS_MATRIX = {
    data_access: {
        agent_data: {
            read: { roles: ["system_admin", "operator"], conditions: ["encryption_verified"] },
            write: { roles: ["system_admin"], conditions: ["mfa_verified", "audit_logged"] },
        },
        metrics_data: {
            read: { roles: ["system_admin", "operator", "agent"], conditions: ["authentication_verified"] },
            write: { roles: ["monitoring_agent"], conditions: ["signature_verified"] },
        },
    },
    resource_access: {
        compute_resources: {
            allocate: { roles: ["resource_manager"], conditions: ["quota_check", "priority_verified"] },
            monitor: { roles: ["system_admin", "operator"], conditions: ["authentication_verified"] },
        },
    },
} as const satisfies Record<
    string,
    Record<string, Record<string, { roles: readonly RbacRole[]; conditions: readonly string[] }>>
>;

/** Control of each matrix cell. */
export const ACCESS_MATRIX_CONTROLS: Record<string, string> = {
    "agent_data/read": "ACC-DATA-AGENT-READ",
    "agent_data/write": "ACC-DATA-AGENT-WRITE",
    "metrics_data/read": "ACC-DATA-METRICS-READ",
    "metrics_data/write": "ACC-DATA-METRICS-WRITE",
    "compute_resources/allocate": "ACC-RES-ALLOCATE",
    "compute_resources/monitor": "ACC-RES-MONITOR",
};

/** Grants outside a matrix cell that another guide line gives (RBAC permissions), with the line. */
export const ACCESS_MATRIX_ALSO_ALLOWED: { cell: string; role: RbacRole; reason: string }[] = [
    {
        cell: "compute_resources/allocate",
        role: "system_admin",
        reason: "identity_management.rbac.roles.system_admin.permissions: manage_resources",
    },
];

/**
 * Service roles of the stack (by the service that assumes them) that reach the data stores although the guide
 * names no such role, with the reason; the stores' policies exempt them by ARN.
 */
export const SERVICE_DATA_EXEMPTIONS: { service: string; cells: string[]; reason: string }[] = [
    {
        service: "backup.amazonaws.com",
        cells: ["agent_data/read", "agent_data/write", "metrics_data/read", "metrics_data/write"],
        reason: "AWS Backup backs up (reads) and restores (writes) the data stores under the backup plans of their classification",
    },
];

/**
 * AWS-managed policies the model may not be able to expand (missing from the managed-policy data) that the
 * stack itself attaches, each with its reason and the services it is read as granting (an upper bound: the
 * policy is taken to allow every action of these services on every resource). Any other unexpandable
 * attachment is a violation.
 */
export const MANAGED_POLICY_ALLOW_LIST: { arn: string; services: string[]; reason: string }[] = [
    {
        arn: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        services: ["ecr"],
        reason: "EKS nodes pull images (added 2024; older managed-policy data lacks it)",
    },
];

/**
 * Requests no principal of the stack may be able to make (privilege escalation, destroying keys or audit
 * logs, services outside the stack), except the roles listed, with the reason. Targets: resources of the
 * plan the probe is made against.
 */
export interface PrivilegedProbe {
    id: string;
    action: string;
    /** anyRole: a role of the account the stack does not define (iam:PassRole lets a new compute resource act as it). */
    target: "stackRole" | "key" | "auditLogBucket" | "dataBucket" | "foreign" | "anyRole";
    allowedFor: RbacRole[];
    /** Service roles (by the service that assumes them) allowed it, with the reason. */
    allowedForServices?: { service: string; reason: string }[];
    reason: string;
}
export const PRIVILEGED_PROBES: PrivilegedProbe[] = [
    {
        id: "attach-policy-to-stack-role",
        action: "iam:AttachRolePolicy",
        target: "stackRole",
        allowedFor: ["system_admin"],
        reason: "attaching a policy to a role escalates privileges (system_admin: manage_security)",
    },
    {
        id: "put-inline-policy",
        action: "iam:PutRolePolicy",
        target: "stackRole",
        allowedFor: ["system_admin"],
        reason: "an inline policy escalates privileges (system_admin: manage_security)",
    },
    {
        id: "create-user",
        action: "iam:CreateUser",
        target: "foreign",
        allowedFor: [],
        reason: "long-lived identities bypass MFA and the boundary",
    },
    {
        id: "schedule-key-deletion",
        action: "kms:ScheduleKeyDeletion",
        target: "key",
        allowedFor: [],
        reason: "deleting a key destroys the data it protects",
    },
    {
        id: "put-key-policy",
        action: "kms:PutKeyPolicy",
        target: "key",
        allowedFor: ["system_admin"],
        reason: "a key policy decides who uses the key (system_admin: manage_security)",
    },
    {
        id: "delete-audit-log",
        action: "s3:DeleteObject",
        target: "auditLogBucket",
        allowedFor: [],
        reason: "audit logs are immutable evidence",
        allowedForServices: [
            {
                service: "backup.amazonaws.com",
                reason: "AWS Backup restores S3 objects (AWSBackupServiceRolePolicyForS3Restore grants s3:DeleteObject on *); the audit bucket's Object Lock keeps every version for the audit retention",
            },
        ],
    },
    {
        id: "replace-data-store-policy",
        action: "s3:PutBucketPolicy",
        target: "dataBucket",
        allowedFor: [],
        reason: "the data stores' policies enforce access_control.data_access",
    },
    {
        id: "assume-admin-role",
        action: "sts:AssumeRole",
        target: "stackRole",
        allowedFor: [],
        reason: "a role that can become system_admin has system_admin's rights (its trust admits the account, so an identity grant is enough)",
    },
    {
        id: "pass-any-role",
        action: "iam:PassRole",
        target: "anyRole",
        allowedFor: ["system_admin"],
        reason: "passing an arbitrary role to a new Lambda function, instance or task runs code with that role's rights (system_admin: manage_security)",
    },
    {
        id: "create-key-grant",
        action: "kms:CreateGrant",
        target: "key",
        allowedFor: ["system_admin"],
        reason: "a grant lets any principal use the key outside its key policy (system_admin: manage_security)",
    },
    {
        id: "service-outside-stack",
        action: "dynamodb:DeleteTable",
        target: "foreign",
        allowedFor: [],
        reason: "the permissions boundary limits every role to the services the stack uses",
    },
];
