// Self-test breaks for access_control, security_monitoring, incident_response, compliance and procedures.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Mutation, packRule, remove, set, T } from "./plan";

export const operationsMutations: readonly Mutation[] = [
    // access_control
    set("ACC-DATA-AGENT-READ", "agent data bucket policy without its statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-agent-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set("ACC-DATA-AGENT-WRITE", "agent data bucket policy without its deny statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-agent-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set("ACC-DATA-METRICS-READ", "metrics data bucket policy without its deny statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-metrics-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set("ACC-DATA-METRICS-WRITE", "metrics data bucket policy without its deny statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-metrics-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set(
        "ACC-RES-ALLOCATE",
        "resource_manager may scale any Auto Scaling group (cluster-tag condition removed)",
        (p) => {
            p.json(T.iamPolicy, "mas-resource-manager", "policy", (doc) => {
                delete doc.Statement.find((x: any) => x.Sid === "SetNodeCapacity").Condition;
            });
        },
    ),
    set("ACC-RES-QUOTA", "the first agent namespace without its ResourceQuota", (p) => {
        const quota = p.resources.find((r) => r.type === T.quota);
        if (!quota) {
            throw new Error(`no ${T.quota} in this plan`);
        }
        p.remove(T.quota, quota.urn.split("::").pop() as string);
    }),
    remove(
        "ACC-RES-PRIORITY",
        T.vapBinding,
        "mas-priority-admission",
        "PriorityClasses without their admission binding",
    ),
    set("ACC-RES-MONITOR", "EKS authentication mode API_AND_CONFIG_MAP (aws-auth bypasses access entries)", (p) => {
        p.inputs(T.eks, "mas-eks").accessConfig.authenticationMode = "API_AND_CONFIG_MAP";
    }),
    // security_monitoring
    set("LOG-SYSTEM-RETENTION", "system logs expiring after 30 days instead of 90", (p) => {
        const rule = p.inputs(T.bucketLifecycle, "mas-logging-system").rules[0];
        rule.expiration.days = 30;
        delete rule.transitions;
    }),
    set("LOG-SECURITY-RETENTION", "security log group kept 90 days instead of 365", (p) => {
        p.inputs(T.logGroup, "mas-logging-vpcFlow").retentionInDays = 90;
    }),
    set("LOG-AUDIT-RETENTION", "audit bucket Object Lock in GOVERNANCE mode", (p) => {
        p.inputs(T.bucketLock, "mas-logging-audit").rule.defaultRetention.mode = "GOVERNANCE";
    }),
    set("LOG-AUDIT-TRAIL", "CloudTrail limited to one region", (p) => {
        p.inputs(T.trail, "mas-audit-trail").isMultiRegionTrail = false;
    }),
    remove("LOG-AGG-CENTRAL", T.bucket, "mas-logging-system", "the central system log bucket"),
    set("LOG-AGG-STORAGE", "security log bucket public access block off (blockPublicPolicy false)", (p) => {
        p.inputs(T.bucketPab, "mas-logging-security").blockPublicPolicy = false;
    }),
    set("LOG-AGG-ENCRYPTION", "system log group without its KMS key", (p) => {
        delete p.inputs(T.logGroup, "mas-logging-system").kmsKeyId;
    }),
    set("EKS-LOGS", "EKS scheduler log type not enabled", (p) => {
        const eks = p.inputs(T.eks, "mas-eks");
        eks.enabledClusterLogTypes = eks.enabledClusterLogTypes.filter((t: string) => t !== "scheduler");
    }),
    set("DET-UNAUTH", "failed-authentication alarm at 10 instead of 5", (p) => {
        p.inputs(T.alarm, "mas-failed-auth").threshold = 10;
    }),
    set("DET-ANOMALY", "anomaly band of 4 standard deviations (wider than 3)", (p) => {
        p.inputs(T.alarm, "mas-anomaly-requests").metricQueries[1].expression = "ANOMALY_DETECTION_BAND(m1, 4)";
    }),
    // incident_response
    remove(
        "IR-SB-EVIDENCE",
        T.eventTarget,
        "mas-ec2-compromise-collect-evidence",
        "collect_evidence without a responder rule",
    ),
    remove(
        "IR-SB-ISOLATE",
        T.eventTarget,
        "mas-ec2-compromise-isolate-systems",
        "isolate_systems without a responder rule",
    ),
    remove("IR-SB-BLOCK", T.eventTarget, "mas-inbound-attack-block-access", "block_access without a responder rule"),
    remove(
        "IR-SB-NOTIFY",
        T.eventTarget,
        "mas-eks-compromise-notify-stakeholders",
        "notify_stakeholders without a responder rule",
    ),
    remove(
        "IR-DL-REVOKE",
        T.eventTarget,
        "mas-access-key-compromise-revoke-access",
        "revoke_access without a responder rule",
    ),
    set("IR-SB-PATCH", "maintenance task runs AWS-RunShellScript instead of AWS-RunPatchBaseline", (p) => {
        p.inputs(T.maintenanceTask, "mas-maintenance-patch").taskArn = "AWS-RunShellScript";
    }),
    // compliance, auditing, procedures, maintenance
    remove("CMP-ISO-ACCESS", T.accessAnalyzer, "mas-access-analyzer", "the account without IAM Access Analyzer"),
    packRule("CMP-ISO-CRYPTO"),
    remove("CMP-ISO-OPS", T.securityHubStandard, "mas-standard-fsbp", "Security Hub without the FSBP standard"),
    remove("CMP-SOC2-SECURITY", T.securityHubAccount, "mas-securityhub", "the account without Security Hub"),
    packRule("CMP-SOC2-AVAILABILITY"),
    packRule("CMP-SOC2-CONFIDENTIALITY"),
    set("CMP-SOC2-EVIDENCE", "the Config recorder stopped (isEnabled false)", (p) => {
        p.inputs(T.recorderStatus, "mas-recorder").isEnabled = false;
    }),
    // The audits are proven by their content, not their schedule (the review found schedule-only passes).
    set(
        "AUD-SYS",
        "system audit checks root-account MFA only (no IAM user, Cognito, EKS, policy or key reads)",
        (p) => {
            p.json(T.document, "mas-report-system-audit", "content", (doc) => {
                const gather = doc.mainSteps.find((s: any) => s.action === "aws:executeScript");
                gather.inputs.Script = gather.inputs.Script.replace(
                    /def handler\(events, context\):[^]*$/,
                    'def handler(events, context):\n    s = boto3.client("iam").get_account_summary()["SummaryMap"]\n    return report("system_audit", {"rootMfa": s.get("AccountMFAEnabled") == 1})\n',
                );
            });
        },
    ),
    set("AUD-ACCESS", "access audit lists role and user names and one page of 50 CloudTrail events", (p) => {
        p.json(T.document, "mas-report-access-audit", "content", (doc) => {
            const gather = doc.mainSteps.find((s: any) => s.action === "aws:executeScript");
            gather.inputs.Script = gather.inputs.Script.replace(
                /def handler\(events, context\):[^]*$/,
                [
                    "def handler(events, context):",
                    '    iam = boto3.client("iam")',
                    '    ct = boto3.client("cloudtrail")',
                    '    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]',
                    '    users = [u["UserName"] for u in iam.list_users()["Users"]]',
                    '    return report("access_audit", {"roles": roles, "users": users, "events": ct.lookup_events(MaxResults=50)["Events"]})',
                    "",
                ].join("\n"),
            );
        });
    }),
    set("AUD-ACCESS-REPORT", "access audit continues past a failed gathering step (onFailure Continue)", (p) => {
        p.json(T.document, "mas-report-access-audit", "content", (doc) => {
            doc.mainSteps.find((s: any) => s.action === "aws:executeScript").onFailure = "Continue";
        });
    }),
    remove("BAK-RESTORE-TEST", T.restoreTest, "mas-backup-restore-test", "the account without a restore testing plan"),
    set("OPS-D-INTEGRITY", "daily report scheduled weekly", (p) => {
        p.inputs(T.schedule, "mas-report-daily").scheduleExpression = "cron(0 8 ? * MON *)";
    }),
    set("OPS-D-LOGS", "daily report schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-daily").state = "DISABLED";
    }),
    set("OPS-D-ALERTS", "daily report schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-daily").state = "DISABLED";
    }),
    set("OPS-W-ACCESS", "weekly report schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-weekly").state = "DISABLED";
    }),
    set("OPS-W-BACKUPS", "weekly report scheduled monthly", (p) => {
        p.inputs(T.schedule, "mas-report-weekly").scheduleExpression = "cron(0 8 1 * ? *)";
    }),
    set("OPS-M-CREDENTIALS", "monthly access audit schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-access-audit").state = "DISABLED";
    }),
    remove("OPS-M-PATCH", T.maintenanceTask, "mas-maintenance-patch", "the maintenance window without its patch task"),
    set("OPS-M-POLICIES", "monthly policy review schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-monthly-policy-review").state = "DISABLED";
    }),
    set("OPS-E-ISOLATE", "quarantine security group allows HTTPS in", (p) => {
        p.inputs(T.sg, "mas-quarantine").ingress = [
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] },
        ];
    }),
    set("MNT-PATCH-CRITICAL", "critical patches approved after 7 days", (p) => {
        p.inputs(T.patchBaseline, "mas-baseline").approvalRules[0].approveAfterDays = 7;
    }),
    remove("MNT-PATCH-NONCRITICAL", T.maintenanceWindow, "mas-maintenance", "the account without a maintenance window"),
    set("MNT-POLICY-REVIEW", "policy review schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-policy-review").state = "DISABLED";
    }),
];
