/**
 * SSM Automation document contents (schemaVersion 0.3, JSON). Pure functions of resolved values, so tests
 * and the pack can parse exactly what is deployed.
 */

export interface AutomationStep {
    name: string;
    action: string;
    inputs: Record<string, unknown>;
    outputs?: { Name: string; Selector: string; Type: string }[];
    onFailure?: string;
    isEnd?: boolean;
    nextStep?: string;
}

export interface AutomationDocument {
    schemaVersion: "0.3";
    description: string;
    assumeRole: string;
    parameters: Record<string, { type: string; description: string; default?: unknown; allowedPattern?: string }>;
    mainSteps: AutomationStep[];
}

function doc(
    description: string,
    roleArn: string,
    parameters: AutomationDocument["parameters"],
    mainSteps: AutomationStep[],
): string {
    const content: AutomationDocument = {
        schemaVersion: "0.3",
        description,
        assumeRole: "{{ AutomationAssumeRole }}",
        parameters: {
            ...parameters,
            AutomationAssumeRole: {
                type: "String",
                description: "Role the automation runs as.",
                default: roleArn,
            },
        },
        mainSteps,
    };
    return JSON.stringify(content, null, 2);
}

const incidentId = {
    IncidentId: {
        type: "String",
        description: "Incident (finding) id, recorded on what the runbook creates.",
        allowedPattern: "^[A-Za-z0-9:_./-]{1,128}$",
    },
};

/** Step names of isolate_systems that the pack checks. */
export const ISOLATE_STEPS = { describe: "RecordNetworkInterfaces", loop: "QuarantineEachInterface" } as const;

/**
 * isolate_systems: swap the security groups of every network interface attached to an instance for the
 * quarantine group (no rules). ModifyInstanceAttribute `Groups` fails on an instance with more than one ENI
 * (EC2 API reference), which is every EKS node under the VPC CNI; the pods' addresses live on those same
 * attached ENIs (the stack does not use security groups for pods, so there are no branch ENIs).
 */
export function isolateSystems(roleArn: string, quarantineSecurityGroupId: string): string {
    return doc(
        "isolate_systems: replace the security groups of each network interface of an EC2 instance (node and pod addresses) with the quarantine group (no ingress, no egress).",
        roleArn,
        {
            InstanceId: { type: "String", description: "Instance to isolate.", allowedPattern: "^i-[a-f0-9]{8,17}$" },
            ...incidentId,
        },
        [
            {
                name: ISOLATE_STEPS.describe,
                action: "aws:executeAwsApi",
                inputs: {
                    Service: "ec2",
                    Api: "DescribeNetworkInterfaces",
                    Filters: [{ Name: "attachment.instance-id", Values: ["{{ InstanceId }}"] }],
                },
                outputs: [
                    {
                        Name: "NetworkInterfaceIds",
                        Selector: "$.NetworkInterfaces..NetworkInterfaceId",
                        Type: "StringList",
                    },
                    // Kept in the execution history: what to restore after the investigation.
                    {
                        Name: "PreviousSecurityGroupIds",
                        Selector: "$.NetworkInterfaces..Groups..GroupId",
                        Type: "StringList",
                    },
                ],
            },
            {
                name: ISOLATE_STEPS.loop,
                action: "aws:loop",
                inputs: {
                    Iterators: `{{ ${ISOLATE_STEPS.describe}.NetworkInterfaceIds }}`,
                    IteratorDataType: "String",
                    Steps: [
                        {
                            name: "AttachQuarantineGroup",
                            action: "aws:executeAwsApi",
                            inputs: {
                                Service: "ec2",
                                Api: "ModifyNetworkInterfaceAttribute",
                                NetworkInterfaceId: `{{ ${ISOLATE_STEPS.loop}.CurrentIteratorValue }}`,
                                Groups: [quarantineSecurityGroupId],
                            },
                        },
                    ],
                },
            },
            {
                name: "TagIsolated",
                action: "aws:createTags",
                inputs: {
                    ResourceType: "EC2",
                    ResourceIds: ["{{ InstanceId }}"],
                    Tags: [
                        { Key: "incident-id", Value: "{{ IncidentId }}" },
                        { Key: "isolated", Value: "true" },
                    ],
                },
                isEnd: true,
            },
        ],
    );
}

/** block_access: add an IPv4 address (/32) to the WAF block IP set, with the IP set's lock token. */
export function blockAccess(roleArn: string, ipSet: { name: string; id: string; scope: string }): string {
    const script = [
        "import boto3",
        "",
        "def handler(event, context):",
        "    waf = boto3.client('wafv2')",
        "    cidr = event['SourceIp'] + '/32'",
        "    for _ in range(5):",
        "        got = waf.get_ip_set(Name=event['Name'], Scope=event['Scope'], Id=event['Id'])",
        "        addresses = got['IPSet']['Addresses']",
        "        if cidr in addresses:",
        "            return {'Addresses': len(addresses)}",
        "        try:",
        "            waf.update_ip_set(Name=event['Name'], Scope=event['Scope'], Id=event['Id'],",
        "                              Addresses=addresses + [cidr], LockToken=got['LockToken'])",
        "            return {'Addresses': len(addresses) + 1}",
        "        except waf.exceptions.WAFOptimisticLockException:",
        "            continue",
        "    raise Exception('IP set kept changing; retry the runbook')",
    ].join("\n");
    return doc(
        "block_access: add the attacker's IPv4 address to the WAF block IP set.",
        roleArn,
        {
            SourceIp: {
                type: "String",
                description: "IPv4 address to block.",
                allowedPattern: "^(\\d{1,3}\\.){3}\\d{1,3}$",
            },
            ...incidentId,
        },
        [
            {
                name: "AddToBlockIpSet",
                action: "aws:executeScript",
                inputs: {
                    Runtime: "python3.11",
                    Handler: "handler",
                    Script: script,
                    InputPayload: { SourceIp: "{{ SourceIp }}", Name: ipSet.name, Id: ipSet.id, Scope: ipSet.scope },
                },
                isEnd: true,
            },
        ],
    );
}

/** revoke_access: deactivate an IAM access key and / or delete an EKS access entry (each when given). */
export function revokeAccess(roleArn: string): string {
    return doc(
        "revoke_access: deactivate a compromised IAM access key; remove a principal's EKS access entry.",
        roleArn,
        {
            UserName: { type: "String", description: "IAM user owning the key (none: skip).", default: "none" },
            AccessKeyId: { type: "String", description: "Access key to deactivate (none: skip).", default: "none" },
            ClusterName: { type: "String", description: "EKS cluster (none: skip).", default: "none" },
            PrincipalArn: {
                type: "String",
                description: "Principal whose access entry to delete (none: skip).",
                default: "none",
            },
            ...incidentId,
        },
        [
            {
                name: "HasAccessKey",
                action: "aws:branch",
                inputs: {
                    Choices: [{ NextStep: "HasAccessEntry", Variable: "{{ AccessKeyId }}", StringEquals: "none" }],
                    Default: "DeactivateAccessKey",
                },
            },
            {
                name: "DeactivateAccessKey",
                action: "aws:executeAwsApi",
                inputs: {
                    Service: "iam",
                    Api: "UpdateAccessKey",
                    UserName: "{{ UserName }}",
                    AccessKeyId: "{{ AccessKeyId }}",
                    Status: "Inactive",
                },
                nextStep: "HasAccessEntry",
            },
            {
                name: "HasAccessEntry",
                action: "aws:branch",
                inputs: {
                    Choices: [{ Variable: "{{ PrincipalArn }}", StringEquals: "none", NextStep: "Done" }],
                    Default: "DeleteAccessEntry",
                },
            },
            {
                name: "DeleteAccessEntry",
                action: "aws:executeAwsApi",
                inputs: {
                    Service: "eks",
                    Api: "DeleteAccessEntry",
                    clusterName: "{{ ClusterName }}",
                    principalArn: "{{ PrincipalArn }}",
                },
                nextStep: "Done",
            },
            { name: "Done", action: "aws:sleep", inputs: { Duration: "PT1S" }, isEnd: true },
        ],
    );
}

/** collect_evidence: crash-consistent snapshots of every EBS volume of an instance, tagged with the incident. */
export function collectEvidence(roleArn: string): string {
    return doc(
        "collect_evidence: snapshot all EBS volumes of an instance, tagged incident-id.",
        roleArn,
        {
            InstanceId: { type: "String", description: "Instance to preserve.", allowedPattern: "^i-[a-f0-9]{8,17}$" },
            ...incidentId,
        },
        [
            {
                name: "SnapshotVolumes",
                action: "aws:executeAwsApi",
                inputs: {
                    Service: "ec2",
                    Api: "CreateSnapshots",
                    InstanceSpecification: { InstanceId: "{{ InstanceId }}" },
                    Description: "Incident {{ IncidentId }} evidence of {{ InstanceId }}",
                    CopyTagsFromSource: "volume",
                    TagSpecifications: [
                        {
                            ResourceType: "snapshot",
                            Tags: [
                                { Key: "incident-id", Value: "{{ IncidentId }}" },
                                { Key: "evidence-of", Value: "{{ InstanceId }}" },
                            ],
                        },
                    ],
                },
                outputs: [{ Name: "SnapshotIds", Selector: "$.Snapshots..SnapshotId", Type: "StringList" }],
                isEnd: true,
            },
        ],
    );
}

/** notify_stakeholders: publish the incident to the high-severity topic. */
export function notifyStakeholders(roleArn: string, highTopicArn: string): string {
    return doc(
        "notify_stakeholders: publish an incident notice to the high-severity alert topic.",
        roleArn,
        {
            ...incidentId,
            Summary: { type: "String", description: "What happened.", default: "Security incident opened" },
        },
        [
            {
                name: "Publish",
                action: "aws:executeAwsApi",
                inputs: {
                    Service: "sns",
                    Api: "Publish",
                    TopicArn: highTopicArn,
                    Subject: "[incident {{ IncidentId }}] security incident",
                    Message:
                        "Incident {{ IncidentId }}: {{ Summary }}. Runbook execution {{ automation:EXECUTION_ID }}.",
                },
                isEnd: true,
            },
        ],
    );
}

/** A report runbook: one gathering step (every page; audit-scripts.ts), then publish its report to the topic. */
export function gatheredReport(
    description: string,
    roleArn: string,
    topicArn: string,
    subject: string,
    gather: AutomationStep,
    preSteps: AutomationStep[] = [],
): string {
    return doc(description, roleArn, {}, [
        ...preSteps,
        gather,
        {
            name: "PublishReport",
            action: "aws:executeAwsApi",
            inputs: {
                Service: "sns",
                Api: "Publish",
                TopicArn: topicArn,
                Subject: subject,
                Message: `${description} (execution {{ automation:EXECUTION_ID }})\n{{ ${gather.name}.Report }}`,
            },
            isEnd: true,
        },
    ]);
}

/**
 * Critical patches for EKS nodes: an approver (system_admin) approves, then each managed node group moves to
 * the latest AMI release of its Kubernetes version (UpdateNodegroupVersion without releaseVersion). EKS
 * replaces nodes behind the node group's maxUnavailable, cordoning and draining each one (respecting
 * PodDisruptionBudgets; force stays false), which Patch Manager's in-place install + reboot would not.
 */
export function rollNodeAmis(
    roleArn: string,
    approvalTopicArn: string,
    approverArns: string[],
    clusterName: string,
    groups: { name: string; launchTemplateId: string; amiParameter: string }[],
): string {
    const nodeGroupNames = groups.map((g) => g.name);
    return doc(
        "security_maintenance critical_patches: after approval, roll each EKS managed node group onto the latest AMI release (nodes drained one at a time).",
        roleArn,
        {
            Reason: {
                type: "String",
                description: "Why (finding or patch compliance change).",
                default: "Critical patch available",
            },
            Approval: {
                type: "String",
                description:
                    "required (default: critical patches, outside the window) or skipped (the scheduled maintenance window itself is the approved slot).",
                default: "required",
                allowedPattern: "^(required|skipped)$",
            },
        },
        [
            {
                name: "NeedsApproval",
                action: "aws:branch",
                inputs: {
                    Choices: [{ NextStep: "Roll0", Variable: "{{ Approval }}", StringEquals: "skipped" }],
                    Default: "Approve",
                },
            },
            {
                name: "Approve",
                action: "aws:approve",
                inputs: {
                    NotificationArn: approvalTopicArn,
                    Message: `Roll EKS node groups ${nodeGroupNames.join(", ")} of ${clusterName} onto the latest AMI release: {{ Reason }}`,
                    MinRequiredApprovals: 1,
                    Approvers: approverArns,
                },
                onFailure: "Abort",
                nextStep: "Roll0",
            },
            // Custom-AMI node groups: the newest recommended AMI into a new launch template version, then the
            // group rolled onto it (UpdateNodegroupVersion refuses a release version for a custom AMI).
            ...groups.flatMap((g, i): AutomationStep[] => [
                {
                    name: `Roll${i}`,
                    action: "aws:executeAwsApi",
                    inputs: { Service: "ssm", Api: "GetParameter", Name: g.amiParameter },
                    outputs: [{ Name: "ImageId", Selector: "$.Parameter.Value", Type: "String" }],
                },
                {
                    name: `Template${i}`,
                    action: "aws:executeAwsApi",
                    inputs: {
                        Service: "ec2",
                        Api: "CreateLaunchTemplateVersion",
                        LaunchTemplateId: g.launchTemplateId,
                        SourceVersion: "$Latest",
                        VersionDescription: "{{ Reason }}",
                        LaunchTemplateData: { ImageId: `{{ Roll${i}.ImageId }}` },
                    },
                    outputs: [{ Name: "Version", Selector: "$.LaunchTemplateVersion.VersionNumber", Type: "Integer" }],
                },
                {
                    name: `Update${i}`,
                    action: "aws:executeAwsApi",
                    inputs: {
                        Service: "eks",
                        Api: "UpdateNodegroupVersion",
                        clusterName,
                        nodegroupName: g.name,
                        launchTemplate: { id: g.launchTemplateId, version: `{{ Template${i}.Version }}` },
                        force: false,
                    },
                    ...(i === groups.length - 1 ? { isEnd: true } : {}),
                },
            ]),
        ],
    );
}
