// Each report's gathering step (auditing.processes, security_procedures.routine, the policy reviews): one
// aws:executeScript step (Python 3.11, boto3) that reads every page of what the guide's scope lists and raises
// on any failed call, so the execution fails (onFailure Abort) instead of publishing a partial report.
// aws:executeAwsApi would read one page.
import { FINDING_SEVERITY, ReportKey } from "../../policy-pack/catalog/operations";
import { AutomationStep } from "./runbooks";

/** Name of the gathering step; the publish step quotes its `Report` output. */
export const GATHER_STEP = "Gather";

/** Days of IAM / EKS / Kubernetes RBAC changes the access audit reads (a month and a day of overlap). */
export const CHANGE_WINDOW_DAYS = 31;

/** Days each report looks back over, where it reads events or jobs (a day of overlap with the previous run). */
const LOOKBACK_DAYS: Record<ReportKey, number> = {
    daily: 2,
    weekly: 8,
    accessAudit: CHANGE_WINDOW_DAYS,
    systemAudit: CHANGE_WINDOW_DAYS,
    policyReview: CHANGE_WINDOW_DAYS,
    monthlyPolicyReview: CHANGE_WINDOW_DAYS,
};

const COMMON = `
import datetime, json, time
import boto3

def pages(client, op, key, **kw):
    out = []
    for page in client.get_paginator(op).paginate(**kw):
        out.extend(page.get(key, []))
    return out

def non_compliant(pack):
    cfg = boto3.client("config")
    rules = pages(cfg, "describe_conformance_pack_compliance", "ConformancePackRuleComplianceList",
                  ConformancePackName=pack, Filters={"ComplianceType": "NON_COMPLIANT"})
    return sorted(r["ConfigRuleName"] for r in rules)

def clusters():
    eks = boto3.client("eks")
    return [eks.describe_cluster(name=n)["cluster"] for n in pages(eks, "list_clusters", "clusters")]

def user_pools():
    idp = boto3.client("cognito-idp")
    return pages(idp, "list_user_pools", "UserPools", MaxResults=60)

def report(title, sections):
    text = json.dumps({"audit": title, **sections}, default=str, sort_keys=True)
    # SNS takes 256 KB: a larger report is cut, and says so.
    return {"report": text if len(text) < 240000 else text[:240000] + " ... [cut: report over 240 KB]"}
`;

const ACCESS = `
def rbac_changes(cluster, since):
    logs = boto3.client("logs")
    q = logs.start_query(
        logGroupName="/aws/eks/%s/cluster" % cluster, startTime=int(since.timestamp()), endTime=int(time.time()),
        queryString='fields @timestamp, verb, objectRef.resource, objectRef.namespace, objectRef.name, user.username'
                    ' | filter objectRef.apiGroup = "rbac.authorization.k8s.io" and verb in ["create", "update", "patch", "delete"]'
                    ' | sort @timestamp desc | limit 10000')
    while True:
        r = logs.get_query_results(queryId=q["queryId"])
        if r["status"] in ("Complete",):
            return [{f["field"]: f["value"] for f in row} for row in r["results"]]
        if r["status"] in ("Failed", "Cancelled", "Timeout", "Unknown"):
            raise RuntimeError("RBAC change query on %s: %s" % (cluster, r["status"]))
        time.sleep(2)

def handler(events, context):
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=int(events["Days"]))
    iam = boto3.client("iam")
    users = []
    for u in pages(iam, "list_users", "Users"):
        keys = pages(iam, "list_access_keys", "AccessKeyMetadata", UserName=u["UserName"])
        mfa = pages(iam, "list_mfa_devices", "MFADevices", UserName=u["UserName"])
        users.append({"user": u["UserName"], "mfaDevices": len(mfa),
                      "accessKeys": [{"id": k["AccessKeyId"], "status": k["Status"], "created": k["CreateDate"]} for k in keys]})
    roles = []
    for r in pages(iam, "get_account_authorization_details", "RoleDetailList", Filter=["Role"]):
        trust = r.get("AssumeRolePolicyDocument", {}).get("Statement", [])
        roles.append({"role": r["RoleName"],
                      "trust": [{"principal": s.get("Principal"), "condition": s.get("Condition")} for s in trust],
                      "managed": [p["PolicyName"] for p in r.get("AttachedManagedPolicies", [])],
                      "inline": [p["PolicyName"] for p in r.get("RolePolicyList", [])],
                      "boundary": r.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")})
    eks = boto3.client("eks")
    entries = {}
    rbac = {}
    for c in clusters():
        name = c["name"]
        entries[name] = [{"principal": p, "policies": [a["policyArn"] for a in pages(
                              eks, "list_associated_access_policies", "associatedAccessPolicies", clusterName=name, principalArn=p)]}
                         for p in pages(eks, "list_access_entries", "accessEntries", clusterName=name)]
        rbac[name] = rbac_changes(name, since)
    idp = boto3.client("cognito-idp")
    groups = {}
    for pool in user_pools():
        groups[pool["Name"]] = [{"group": g["GroupName"], "role": g.get("RoleArn"),
                                 "members": [u["Username"] for u in pages(idp, "list_users_in_group", "Users",
                                                                          UserPoolId=pool["Id"], GroupName=g["GroupName"])]}
                                for g in pages(idp, "list_groups", "Groups", UserPoolId=pool["Id"])]
    # IAM and STS are global services: CloudTrail records their events in us-east-1, and LookupEvents in any
    # other Region does not show them. EKS and Cognito events are in the stack's Region.
    changes = []
    for source, region in (("iam.amazonaws.com", "us-east-1"), ("sts.amazonaws.com", "us-east-1"),
                           ("eks.amazonaws.com", None), ("cognito-idp.amazonaws.com", None)):
        ct = boto3.client("cloudtrail", region_name=region) if region else boto3.client("cloudtrail")
        for e in pages(ct, "lookup_events", "Events", StartTime=since,
                       LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": source}]):
            if e.get("ReadOnly") == "false":
                changes.append({"time": e["EventTime"], "event": e["EventName"], "source": source, "by": e.get("Username")})
    return report("access_audit", {
        "user_accounts": {"iamUsers": users, "cognitoGroups": groups},
        "role_assignments": {"iamRoles": roles, "eksAccessEntries": entries},
        "permission_changes": {"since": since, "apiChanges": changes, "kubernetesRbacChanges": rbac},
        "externalAccess": active_findings(events["AnalyzerArn"], int(events["Days"])),
        "nonCompliantRules": non_compliant(events["ConformancePack"]),
    })
`;

const SYSTEM = `
def handler(events, context):
    iam = boto3.client("iam")
    summary = iam.get_account_summary()["SummaryMap"]
    no_mfa = [u["UserName"] for u in pages(iam, "list_users", "Users")
              if not pages(iam, "list_mfa_devices", "MFADevices", UserName=u["UserName"])]
    idp = boto3.client("cognito-idp")
    pools = [{"pool": p["Name"], "mfa": idp.get_user_pool_mfa_config(UserPoolId=p["Id"]).get("MfaConfiguration")}
             for p in user_pools()]
    eks = [{"cluster": c["name"], "authenticationMode": c.get("accessConfig", {}).get("authenticationMode"),
            "publicEndpoint": c["resourcesVpcConfig"].get("endpointPublicAccess"),
            "secretsEncryption": bool(c.get("encryptionConfig"))} for c in clusters()]
    admin = []
    for p in pages(iam, "get_account_authorization_details", "Policies", Filter=["LocalManagedPolicy"]):
        for v in p.get("PolicyVersionList", []):
            if v.get("IsDefaultVersion"):
                doc = v["Document"] if isinstance(v["Document"], dict) else json.loads(v["Document"])
                stmts = doc.get("Statement", [])
                for s in stmts if isinstance(stmts, list) else [stmts]:
                    if s.get("Effect") == "Allow" and s.get("Action") in ("*", ["*"]) and s.get("Resource") in ("*", ["*"]):
                        admin.append(p["PolicyName"])
    kms = boto3.client("kms")
    keys = []
    for k in pages(kms, "list_keys", "Keys"):
        meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        if meta["KeyManager"] == "CUSTOMER" and meta["KeyState"] == "Enabled" and meta["KeySpec"] == "SYMMETRIC_DEFAULT":
            keys.append({"key": k["KeyId"], "rotation": kms.get_key_rotation_status(KeyId=k["KeyId"])["KeyRotationEnabled"]})
    hub = boto3.client("securityhub")
    standards = [{"standard": s["StandardsArn"], "status": s["StandardsStatus"]}
                 for s in pages(hub, "get_enabled_standards", "StandardsSubscriptions")]
    return report("system_audit", {
        "authentication_systems": {"rootMfa": summary.get("AccountMFAEnabled") == 1, "iamUsersWithoutMfa": no_mfa,
                                   "cognitoPools": pools, "eksClusters": eks,
                                   "meshMtls": "enforced by the CrossGuard pack at deploy; the cluster API is private, outside Automation's reach"},
        "authorization_policies": {"adminPolicies": admin, "externalAccess": active_findings(events["AnalyzerArn"], int(events["Days"])),
                                   "nonCompliantRules": non_compliant(events["ConformancePack"])},
        "encryption_mechanisms": {"customerKeys": keys, "keysWithoutRotation": [k["key"] for k in keys if not k["rotation"]],
                                  "securityHubStandards": standards},
    })
`;

const DAILY = `
def handler(events, context):
    hub = boto3.client("securityhub")
    eq = lambda v: {"Value": v, "Comparison": "EQUALS"}
    high = pages(hub, "get_findings", "Findings", Filters={
        "SeverityLabel": [eq(v) for v in events["HighSeverities"]],
        "RecordState": [eq("ACTIVE")], "WorkflowStatus": [eq("NEW")]})
    cw = boto3.client("cloudwatch")
    firing = [a["AlarmName"] for a in pages(cw, "describe_alarms", "MetricAlarms", StateValue="ALARM")]
    firing += [a["AlarmName"] for a in pages(cw, "describe_alarms", "CompositeAlarms", StateValue="ALARM", AlarmTypes=["CompositeAlarm"])]
    return report("daily_routine", {
        "verify_system_integrity": {"nonCompliantRules": non_compliant(events["ConformancePack"])},
        "check_security_logs": {"newHighFindings": len(high), "titles": sorted({f["Title"] for f in high})},
        "monitor_alerts": {"alarmsInAlarm": sorted(firing)},
    })
`;

const WEEKLY = `
def handler(events, context):
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=int(events["Days"]))
    backup = boto3.client("backup")
    failed = pages(backup, "list_backup_jobs", "BackupJobs", ByState="FAILED", ByCreatedAfter=since)
    return report("weekly_routine", {
        "review_access_patterns": {"externalAccess": active_findings(events["AnalyzerArn"], int(events["Days"]))},
        "verify_backups": {"since": since, "failedBackupJobs": [{"resource": j.get("ResourceArn"), "message": j.get("StatusMessage")} for j in failed]},
    })
`;

const POLICY_REVIEW = `
def handler(events, context):
    iam = boto3.client("iam")
    local = [{"policy": p["PolicyName"], "attachments": p.get("AttachmentCount"), "updated": p.get("UpdateDate")}
             for p in pages(iam, "list_policies", "Policies", Scope="Local")]
    return report("policy_review", {
        "customerPolicies": local,
        "externalAccess": active_findings(events["AnalyzerArn"], int(events["Days"])),
        "nonCompliantRules": non_compliant(events["ConformancePack"]),
    })
`;

const HANDLERS: Record<ReportKey, string> = {
    daily: DAILY,
    weekly: WEEKLY,
    accessAudit: ACCESS,
    systemAudit: SYSTEM,
    policyReview: POLICY_REVIEW,
    monthlyPolicyReview: POLICY_REVIEW,
};

/** External access from this account's Access Analyzer. */
const ANALYZER_FINDINGS = `
def active_findings(analyzer, days):
    aa = boto3.client("accessanalyzer")
    found = pages(aa, "list_findings", "findings", analyzerArn=analyzer, filter={"status": {"eq": ["ACTIVE"]}})
    return sorted({f.get("resource", "?") for f in found})
`;

/** accountServices adopt: the organisation's analyzer is the landing zone's; review who assumed roles instead. */
const ROLE_ASSUMPTIONS = `
def active_findings(analyzer, days):
    ct = boto3.client("cloudtrail")
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    found = pages(ct, "lookup_events", "Events", StartTime=since,
                  LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "AssumeRole"}])
    return {"source": "CloudTrail AssumeRole events (the organisation's Access Analyzer is the landing zone's)",
            "assumedBy": sorted({e.get("Username", "?") for e in found})}
`;

/** The Python source of a report's gathering step; without an analyzer (adopt), access from CloudTrail. */
export function auditScript(key: ReportKey, withAnalyzer = true): string {
    return COMMON + (withAnalyzer ? ANALYZER_FINDINGS : ROLE_ASSUMPTIONS) + HANDLERS[key];
}

/**
 * The gathering step: every page of the report's scope, failing the execution on any error. An empty
 * analyzerArn (accountServices adopt: no analyzer of this account) reviews CloudTrail's role assumptions instead.
 */
export function gatherStep(key: ReportKey, conformancePack: string, analyzerArn: string): AutomationStep {
    return {
        name: GATHER_STEP,
        action: "aws:executeScript",
        inputs: {
            Runtime: "python3.11",
            Handler: "handler",
            Script: auditScript(key, analyzerArn !== ""),
            InputPayload: {
                ConformancePack: conformancePack,
                AnalyzerArn: analyzerArn,
                Days: LOOKBACK_DAYS[key],
                ...(key === "daily" ? { HighSeverities: [...FINDING_SEVERITY.securityHub.high] } : {}),
            },
        },
        outputs: [{ Name: "Report", Selector: "$.Payload.report", Type: "String" }],
        onFailure: "Abort",
    };
}

/** Read-only actions the gathering steps call (none takes resource-level permissions but the log query). */
export const AUDIT_READ_ACTIONS = [
    "iam:GetAccountAuthorizationDetails",
    "iam:ListAccessKeys",
    "iam:ListMFADevices",
    "eks:ListClusters",
    "eks:DescribeCluster",
    "eks:ListAccessEntries",
    "eks:ListAssociatedAccessPolicies",
    "cognito-idp:ListUserPools",
    "cognito-idp:ListGroups",
    "cognito-idp:ListUsersInGroup",
    "cognito-idp:GetUserPoolMfaConfig",
    "kms:ListKeys",
    "kms:DescribeKey",
    "kms:GetKeyRotationStatus",
    "logs:StartQuery",
    "logs:GetQueryResults",
] as const;
