// Events the detection must (and must not) react to: synthetic log events of each failure the guide's
// unauthorized_access rule names, and sample EventBridge events of the finding sources, shaped as the services
// document them (CloudTrail record contents; "GuardDuty finding format", "Security Hub Findings - Imported",
// "Macie finding", "Config Rules Compliance Change", "Configuration Compliance State Change").

import { AlertSeverity, FINDING_SEVERITY } from "./detection";

export type LogSourceKind = "cloudtrail" | "eks-authenticator";

export interface LogSample {
    what: string;
    source: LogSourceKind;
    /** The raw log event (a CloudTrail record is delivered to CloudWatch Logs as one JSON event). */
    event: (ctx: { systemAdminRoleArn: string; otherRoleArn: string }) => string;
}

const trail = (record: Record<string, unknown>) =>
    JSON.stringify({
        eventVersion: "1.09",
        userIdentity: { type: "IAMUser", accountId: "111122223333", userName: "probe" },
        eventTime: "2026-12-04T10:00:00Z",
        awsRegion: "eu-west-1",
        sourceIPAddress: "198.51.100.7",
        eventType: "AwsApiCall",
        ...record,
    });

/** Each failed authentication the guide's unauthorized_access counts: every one must feed the alarm's metric. */
export const FAILED_AUTH_SAMPLES: LogSample[] = [
    {
        what: "a failed console sign-in",
        source: "cloudtrail",
        event: () =>
            trail({
                eventSource: "signin.amazonaws.com",
                eventName: "ConsoleLogin",
                eventType: "AwsConsoleSignIn",
                errorMessage: "Failed authentication",
                responseElements: { ConsoleLogin: "Failure" },
            }),
    },
    {
        what: "an API call denied (AccessDenied)",
        source: "cloudtrail",
        event: () => trail({ eventSource: "s3.amazonaws.com", eventName: "GetObject", errorCode: "AccessDenied" }),
    },
    {
        what: "an API call denied (AccessDeniedException)",
        source: "cloudtrail",
        event: () =>
            trail({ eventSource: "kms.amazonaws.com", eventName: "Decrypt", errorCode: "AccessDeniedException" }),
    },
    {
        what: "an EC2 API call denied (Client.UnauthorizedOperation)",
        source: "cloudtrail",
        event: () =>
            trail({
                eventSource: "ec2.amazonaws.com",
                eventName: "RunInstances",
                errorCode: "Client.UnauthorizedOperation",
            }),
    },
    {
        what: "a Kubernetes API request the EKS authenticator rejects",
        source: "eks-authenticator",
        event: () =>
            'time="2026-12-04T10:00:00Z" level=warning msg="access denied" client="10.0.1.20:43512" error="sts getCallerIdentity failed: error from AWS (expected 200, got 403)" method=POST path=/authenticate',
    },
];

/** Events that are no failed authentication: no failed-auth filter may count them. */
export const BENIGN_AUTH_SAMPLES: LogSample[] = [
    {
        what: "a successful console sign-in",
        source: "cloudtrail",
        event: () =>
            trail({
                eventSource: "signin.amazonaws.com",
                eventName: "ConsoleLogin",
                eventType: "AwsConsoleSignIn",
                responseElements: { ConsoleLogin: "Success" },
            }),
    },
    {
        what: "a successful API call",
        source: "cloudtrail",
        event: () => trail({ eventSource: "s3.amazonaws.com", eventName: "GetObject" }),
    },
    {
        what: "a Kubernetes API request the EKS authenticator accepts",
        source: "eks-authenticator",
        event: () =>
            'time="2026-12-04T10:00:00Z" level=info msg="access granted" arn="arn:aws:iam::111122223333:role/operator" client="10.0.3.9:51544" method=POST path=/authenticate',
    },
];

/** PAM: an assumption of the system_admin role must count; another role's must not. */
export const PRIVILEGED_SAMPLES: { fires: LogSample[]; quiet: LogSample[] } = {
    fires: (["AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"] as const).map((eventName) => ({
        what: `${eventName} of the system_admin role`,
        source: "cloudtrail" as const,
        event: (c) =>
            trail({
                eventSource: "sts.amazonaws.com",
                eventName,
                requestParameters: { roleArn: c.systemAdminRoleArn, roleSessionName: "admin" },
            }),
    })),
    quiet: [
        {
            what: "AssumeRole of another role",
            source: "cloudtrail",
            event: (c) =>
                trail({
                    eventSource: "sts.amazonaws.com",
                    eventName: "AssumeRole",
                    requestParameters: { roleArn: c.otherRoleArn, roleSessionName: "ops" },
                }),
        },
    ],
};

// --- EventBridge sample events ----------------------------------------------------------------------------

export interface EventSample {
    what: string;
    /** The alert topic severity the guide routes it to; undefined: no alert is required. */
    severity?: AlertSeverity;
    event: Record<string, unknown>;
}

const envelope = (source: string, detailType: string, detail: Record<string, unknown>) => ({
    version: "0",
    id: "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": detailType,
    source,
    account: "111122223333",
    time: "2026-12-04T10:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail,
});

const gd = FINDING_SEVERITY.guardDuty;
const gdSeverity = (score: number): AlertSeverity | undefined =>
    score >= gd.high.min ? "high" : score >= gd.medium.min ? "medium" : undefined;

function guardDuty(score: number, type: string, resource: Record<string, unknown>, service = {}): EventSample {
    return {
        what: `GuardDuty ${type} of severity ${score}`,
        severity: gdSeverity(score),
        event: envelope("aws.guardduty", "GuardDuty Finding", {
            schemaVersion: "2.0",
            accountId: "111122223333",
            region: "eu-west-1",
            partition: "aws",
            id: "16afba5c5c43e07c9e3e5e2e544e95df",
            type,
            resource,
            service: { serviceName: "guardduty", count: 1, ...service },
            severity: score,
            title: type,
        }),
    };
}

const inbound = {
    action: {
        actionType: "NETWORK_CONNECTION",
        networkConnectionAction: {
            connectionDirection: "INBOUND",
            remoteIpDetails: { ipAddressV4: "198.51.100.23" },
            localPortDetails: { port: 22 },
        },
    },
};
const instance = { resourceType: "Instance", instanceDetails: { instanceId: "i-0123456789abcdef0" } };

export const GUARDDUTY_SAMPLES: EventSample[] = [
    guardDuty(8, "UnauthorizedAccess:EC2/SSHBruteForce", instance, inbound),
    guardDuty(8, "Backdoor:EC2/C&CActivity.B", instance),
    guardDuty(5, "Recon:EC2/PortProbeUnprotectedPort", instance, inbound),
    guardDuty(2, "Recon:EC2/Portscan", instance),
    guardDuty(7.5, "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", {
        resourceType: "AccessKey",
        accessKeyDetails: { accessKeyId: "AKIAEXAMPLE", userName: "probe", userType: "IAMUser" },
    }),
    guardDuty(8, "PrivilegeEscalation:Kubernetes/PrivilegedContainer", {
        resourceType: "EKSCluster",
        eksClusterDetails: { name: "cluster" },
    }),
    guardDuty(6, "Policy:Kubernetes/AnonymousAccessGranted", { resourceType: "EKSCluster" }),
];

const sh = FINDING_SEVERITY.securityHub;
export const SECURITY_HUB_SAMPLES: EventSample[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"].map(
    (label) => ({
        what: `Security Hub finding of label ${label}`,
        severity: (sh.high as readonly string[]).includes(label)
            ? "high"
            : (sh.medium as readonly string[]).includes(label)
              ? "medium"
              : undefined,
        event: envelope("aws.securityhub", "Security Hub Findings - Imported", {
            findings: [
                {
                    SchemaVersion: "2018-10-08",
                    Id: "arn:aws:securityhub:eu-west-1:111122223333:finding/1",
                    ProductArn: "arn:aws:securityhub:eu-west-1::product/aws/securityhub",
                    Types: ["Software and Configuration Checks/Industry and Regulatory Standards"],
                    Severity: { Label: label, Normalized: 70 },
                    RecordState: "ACTIVE",
                    Workflow: { Status: "NEW" },
                    Compliance: { Status: "FAILED" },
                    Resources: [{ Type: "AwsS3Bucket", Id: "arn:aws:s3:::bucket" }],
                },
            ],
        }),
    }),
);

const mc = FINDING_SEVERITY.macie;
export const MACIE_SAMPLES: EventSample[] = ["High", "Medium", "Low"].map((description) => ({
    what: `Macie finding of severity ${description}`,
    severity: (mc.high as readonly string[]).includes(description)
        ? "high"
        : (mc.medium as readonly string[]).includes(description)
          ? "medium"
          : undefined,
    event: envelope("aws.macie", "Macie Finding", {
        schemaVersion: "1.0",
        id: "64b917aa-3843-014c-91d8-937ffb9b9c1d",
        type: "SensitiveData:S3Object/Credentials",
        severity: { description, score: description === "High" ? 3 : description === "Medium" ? 2 : 1 },
        category: "CLASSIFICATION",
    }),
}));

/** Config and SSM compliance events and CloudTrail API calls through EventBridge: no alert topic required. */
export const OTHER_SAMPLES: EventSample[] = [
    {
        what: "a Config rule turning NON_COMPLIANT",
        event: envelope("aws.config", "Config Rules Compliance Change", {
            resourceId: "bucket",
            awsRegion: "eu-west-1",
            awsAccountId: "111122223333",
            configRuleName: "s3-bucket-ssl-requests-only",
            messageType: "ComplianceChangeNotification",
            newEvaluationResult: { complianceType: "NON_COMPLIANT" },
            oldEvaluationResult: { complianceType: "COMPLIANT" },
            resourceType: "AWS::S3::Bucket",
        }),
    },
    {
        what: "a managed node missing a critical patch (SSM compliance)",
        event: envelope("aws.ssm", "Configuration Compliance State Change", {
            "last-runtime": "2026-12-04T10:00:00Z",
            "compliance-status": "non_compliant",
            "resource-type": "managed-instance",
            "resource-id": "i-0123456789abcdef0",
            "compliance-type": "Patch",
            "patch-baseline-id": "pb-0123456789abcdef0",
            severity: "CRITICAL",
        }),
    },
    {
        what: "an IAM policy change recorded by CloudTrail",
        event: envelope("aws.iam", "AWS API Call via CloudTrail", {
            eventSource: "iam.amazonaws.com",
            eventName: "PutRolePolicy",
            userIdentity: { type: "AssumedRole" },
        }),
    },
    {
        what: "a console sign-in recorded by CloudTrail",
        event: envelope("aws.signin", "AWS Console Sign In via CloudTrail", {
            eventSource: "signin.amazonaws.com",
            eventName: "ConsoleLogin",
            responseElements: { ConsoleLogin: "Failure" },
        }),
    },
];

export const EVENT_SAMPLES: EventSample[] = [
    ...GUARDDUTY_SAMPLES,
    ...SECURITY_HUB_SAMPLES,
    ...MACIE_SAMPLES,
    ...OTHER_SAMPLES,
];

/** Sources whose events the samples cover: a rule on one of them must match at least one sample. */
export const SAMPLED_SOURCES = [...new Set(EVENT_SAMPLES.map((s) => String(s.event.source)))];
