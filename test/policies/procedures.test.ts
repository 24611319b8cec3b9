import {
    blockAccess,
    collectEvidence,
    isolateSystems,
    gatheredReport,
    notifyStakeholders,
    revokeAccess,
} from "../../components/operations/runbooks";
import { gatherStep } from "../../components/operations/audit-scripts";
import { SUBJECTS } from "../../components/operations/report-queries";
import { ReportKey, REPORTS, reportSlug } from "../../policy-pack/catalog/operations";
import { proceduresDoTheirSteps } from "../../policy-pack/policies/procedures";
import { StackResourceCase, validateStack } from "../harness/policy";

const ROLE = "arn:aws:iam::123456789012:role/ir";
const SG = "sg-0quarantine";
type Doc = { mainSteps: Record<string, unknown>[] } & Record<string, unknown>;

function fixture(): StackResourceCase[] {
    const ir = (step: string, content: string) => ({
        type: "aws:ssm/document:Document",
        name: step,
        props: { name: `mas-ir-${step.replace(/_/g, "-")}`, content, tags: { "incident-response": step } },
    });
    const topic = (name: string, severity: string): StackResourceCase[] => [
        {
            type: "aws:sns/topic:Topic",
            name,
            props: { arn: `arn:aws:sns:eu-west-1:123456789012:${name}`, tags: { severity } },
        },
        {
            type: "aws:sns/topicSubscription:TopicSubscription",
            name: `${name}-sub`,
            props: {
                topic: `arn:aws:sns:eu-west-1:123456789012:${name}`,
                protocol: "email",
                endpoint: "oncall@corp.test",
            },
        },
    ];
    return [
        ...topic("high", "high"),
        ...topic("reports", "low"),
        ...topic("low", "low"),
        {
            type: "aws:ec2/securityGroup:SecurityGroup",
            name: "q",
            props: { id: SG, tags: { "incident-response": "isolate_systems" } },
        },
        ir("isolate_systems", isolateSystems(ROLE, SG)),
        ir("block_access", blockAccess(ROLE, { name: "block", id: "ipset-1", scope: "REGIONAL" })),
        ir("revoke_access", revokeAccess(ROLE)),
        ir("collect_evidence", collectEvidence(ROLE)),
        ir("notify_stakeholders", notifyStakeholders(ROLE, "arn:aws:sns:eu-west-1:123456789012:high")),
        ...(Object.keys(REPORTS) as ReportKey[]).map((key) => ({
            type: "aws:ssm/document:Document",
            name: key,
            props: {
                name: `mas-${reportSlug(key)}`,
                content: gatheredReport(
                    SUBJECTS[key],
                    ROLE,
                    "arn:aws:sns:eu-west-1:123456789012:reports",
                    SUBJECTS[key],
                    gatherStep(key, "pack", "arn:analyzer"),
                ),
            },
        })),
    ];
}

const edit = (rs: StackResourceCase[], name: string, f: (d: Doc) => void) => {
    const r = rs.find((x) => x.name === name);
    if (!r) throw new Error(name);
    const d = JSON.parse(String(r.props.content)) as Doc;
    f(d);
    r.props.content = JSON.stringify(d);
};
const run = (m: (rs: StackResourceCase[]) => void = () => {}) => {
    const rs = fixture();
    m(rs);
    return validateStack(proceduresDoTheirSteps, rs).map((v) => v.message);
};
const noOp = { action: "aws:sleep", inputs: { Duration: "PT1S" } };

describe("operations-procedures-do-their-steps (IR-*, OPS-*, AUD-*, MNT-POLICY-REVIEW)", () => {
    it("passes the stack's runbooks and reports", () => expect(run()).toEqual([]));

    it.each<[string, (rs: StackResourceCase[]) => void]>([
        [
            "an extra step (a tag before isolating)",
            (rs) =>
                edit(rs, "isolate_systems", (d) =>
                    d.mainSteps.unshift({
                        name: "Tag",
                        action: "aws:createTags",
                        inputs: { ResourceType: "EC2", ResourceIds: ["{{ InstanceId }}"], Tags: [] },
                    }),
                ),
        ],
        [
            "collect_evidence through CreateSnapshot instead of CreateSnapshots",
            (rs) =>
                edit(rs, "collect_evidence", (d) =>
                    Object.assign(d.mainSteps[0].inputs as object, { Api: "CreateSnapshot" }),
                ),
        ],
        [
            "a report with one more query it publishes",
            (rs) =>
                edit(rs, "daily", (d) => {
                    d.mainSteps.splice(0, 0, {
                        name: "Trail",
                        action: "aws:executeAwsApi",
                        inputs: { Service: "cloudtrail", Api: "LookupEvents" },
                        outputs: [{ Name: "Result", Selector: "$.Events", Type: "StringList" }],
                    });
                    const pub = d.mainSteps[d.mainSteps.length - 1].inputs as { Message: string };
                    pub.Message += "\ntrail: {{Trail.Result}}";
                }),
        ],
        [
            "an access audit reading roles through a ListRoles paginator and ListAttachedRolePolicies",
            (rs) =>
                edit(rs, "accessAudit", (d) => {
                    const inputs = d.mainSteps.find((x) => x.action === "aws:executeScript")!.inputs as {
                        Script: string;
                    };
                    const before = inputs.Script;
                    inputs.Script = inputs.Script.replace(
                        'pages(iam, "get_account_authorization_details", "RoleDetailList", Filter=["Role"])',
                        'pages(iam, "list_roles", "Roles")',
                    ).replace(
                        'r.get("AttachedManagedPolicies", [])',
                        'pages(iam, "list_attached_role_policies", "AttachedPolicies", RoleName=r["RoleName"])',
                    );
                    expect(inputs.Script).not.toContain("get_account_authorization_details");
                    expect(inputs.Script).not.toBe(before);
                }),
        ],
    ])("passes a compliant variation: %s", (_n, m) => expect(run(m)).toEqual([]));

    it("fails a runbook whose working step is replaced by a no-op", () =>
        expect(
            run((rs) =>
                edit(
                    rs,
                    "collect_evidence",
                    (d) => (d.mainSteps[0] = { name: d.mainSteps[0].name, ...noOp, isEnd: true }),
                ),
            ),
        ).toEqual([
            "[IR-SB-EVIDENCE] runbook mas-ir-collect-evidence does not collect_evidence: no reachable step calls ec2:CreateSnapshots or ec2:CreateSnapshot",
        ]));
    it("fails a runbook whose step is cut off by an earlier isEnd", () =>
        expect(run((rs) => edit(rs, "isolate_systems", (d) => (d.mainSteps[0].isEnd = true)))).toEqual([
            "[IR-SB-ISOLATE] runbook mas-ir-isolate-systems does not isolate_systems: no reachable step calls ec2:ModifyNetworkInterfaceAttribute or ec2:ModifyInstanceAttribute",
        ]));
    it("fails a script step that only reads (get_ip_set, no update_ip_set)", () =>
        expect(
            run((rs) =>
                edit(rs, "block_access", (d) => {
                    const inputs = d.mainSteps[0].inputs as { Script: string };
                    inputs.Script = inputs.Script.replace(/waf\.update_ip_set\(/g, "print(");
                }),
            ),
        ).toEqual([
            "[IR-SB-BLOCK] runbook mas-ir-block-access does not block_access: no reachable step calls wafv2:UpdateIPSet or ec2:CreateNetworkAclEntry",
        ]));
    it("fails isolation onto a group other than the quarantine group", () =>
        expect(
            run((rs) =>
                edit(rs, "isolate_systems", (d) => {
                    const loop = d.mainSteps[1].inputs as { Steps: { inputs: { Groups: string[] } }[] };
                    loop.Steps[0].inputs.Groups = ["sg-0default"];
                }),
            ),
        ).toEqual([
            "[IR-SB-ISOLATE] runbook mas-ir-isolate-systems step AttachQuarantineGroup attaches sg-0default, not only the quarantine security group",
        ]));
    it("fails a notify runbook that publishes nothing, and a revoke runbook whose branches skip every revocation", () => {
        expect(
            run((rs) =>
                edit(
                    rs,
                    "notify_stakeholders",
                    (d) => (d.mainSteps = d.mainSteps.filter((s) => (s.inputs as { Api?: string }).Api !== "Publish")),
                ),
            ),
        ).toEqual([
            "[IR-SB-NOTIFY] runbook mas-ir-notify-stakeholders does not notify_stakeholders: no reachable step calls sns:Publish",
        ]);
        expect(
            run((rs) =>
                edit(rs, "revoke_access", (d) => {
                    for (const s of d.mainSteps.filter((x) => x.action === "aws:branch")) {
                        const inputs = s.inputs as { Choices: { NextStep: string }[]; Default: string };
                        inputs.Choices.forEach((c) => (c.NextStep = "Done"));
                        inputs.Default = "Done";
                    }
                }),
            ),
        ).toEqual([
            "[IR-DL-REVOKE] runbook mas-ir-revoke-access does not revoke_access: no reachable step calls iam:UpdateAccessKey or iam:DeleteAccessKey or iam:PutRolePolicy or eks:DeleteAccessEntry",
        ]);
    });
    it("fails an audit report missing a scope item, under each of its controls", () =>
        expect(
            run((rs) =>
                edit(rs, "accessAudit", (d) => {
                    // The gathering script's CloudTrail reads removed (permission changes are no longer read).
                    const gather = d.mainSteps.find((x) => x.action === "aws:executeScript")!.inputs as {
                        Script: string;
                    };
                    gather.Script = gather.Script.split("\n")
                        .filter((l) => !l.includes("lookup_events"))
                        .join("\n");
                }),
            ),
        ).toEqual(
            REPORTS.accessAudit.controls.map(
                (c) =>
                    `[${c}] report mas-report-access-audit does not permission_changes: no reachable step calls cloudtrail:LookupEvents`,
            ),
        ));
    const gatherOf = (d: Doc) => d.mainSteps.find((x) => x.action === "aws:executeScript")! as Record<string, any>;
    const ACCESS = REPORTS.accessAudit.controls;

    it("fails an access audit that lists role names and one page of 50 CloudTrail events", () =>
        expect(
            run((rs) =>
                edit(rs, "accessAudit", (d) => {
                    const inputs = gatherOf(d).inputs;
                    // The audit the outside review found: names only, no trust policies, one unpaginated page.
                    inputs.Script = [
                        "import boto3",
                        "def handler(events, context):",
                        '    iam = boto3.client("iam")',
                        '    ct = boto3.client("cloudtrail")',
                        '    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]',
                        '    users = [u["UserName"] for u in iam.list_users()["Users"]]',
                        "    details = iam.get_account_authorization_details()",
                        "    events = ct.lookup_events(MaxResults=50)",
                        '    return {"report": str([roles, users, details, events])}',
                    ].join("\n");
                }),
            ).sort(),
        ).toEqual(
            [
                "does not read each IAM user's MFA devices for user_accounts: no reachable step calls iam:ListMFADevices",
                "does not read each IAM user's access keys for user_accounts: no reachable step calls iam:ListAccessKeys",
                "does not read the Cognito groups for user_accounts: no reachable step calls cognito-idp:ListGroups",
                "does not read each Cognito group's members for user_accounts: no reachable step calls cognito-idp:ListUsersInGroup",
                "reads every role with its trust policy for role_assignments one page only: iam:GetAccountAuthorizationDetails / iam:ListRoles is not called through a paginator",
                "does not read the EKS access entries for role_assignments: no reachable step calls eks:ListAccessEntries",
                "does not read each access entry's access policies for role_assignments: no reachable step calls eks:ListAssociatedAccessPolicies",
                "does not read Kubernetes RoleBinding / ClusterRoleBinding changes (cluster audit log) for role_assignments: no reachable step calls logs:StartQuery",
                "reads every page of the period's CloudTrail events for permission_changes one page only: cloudtrail:LookupEvents is not called through a paginator",
            ]
                .flatMap((m) => ACCESS.map((c) => `[${c}] report mas-report-access-audit ${m}`))
                .sort(),
        ));

    it("fails a system audit that checks root-account MFA only", () =>
        expect(
            run((rs) =>
                edit(rs, "systemAudit", (d) => {
                    const inputs = gatherOf(d).inputs;
                    inputs.Script = inputs.Script.replace(
                        /def handler\(events, context\):[^]*$/,
                        [
                            "def handler(events, context):",
                            '    summary = boto3.client("iam").get_account_summary()["SummaryMap"]',
                            '    return report("system_audit", {"rootMfa": summary.get("AccountMFAEnabled") == 1,',
                            '        "nonCompliantRules": non_compliant(events["ConformancePack"])})',
                        ].join("\n"),
                    );
                }),
            ),
        ).toEqual([
            "[AUD-SYS] report mas-report-system-audit does not read IAM users without MFA for authentication_systems: no reachable step calls iam:ListMFADevices",
            "[AUD-SYS] report mas-report-system-audit does not read each Cognito user pool's MFA setting for authentication_systems: no reachable step calls cognito-idp:GetUserPoolMfaConfig",
            "[AUD-SYS] report mas-report-system-audit does not read each EKS cluster's authentication mode for authentication_systems: no reachable step calls eks:DescribeCluster",
            "[AUD-SYS] report mas-report-system-audit does not read every customer managed policy's document for authorization_policies: no reachable step calls iam:GetAccountAuthorizationDetails",
            "[AUD-SYS] report mas-report-system-audit does not read each customer key's rotation for encryption_mechanisms: no reachable step calls kms:GetKeyRotationStatus",
        ]));

    it.each<[string, (d: Doc) => void, string]>([
        [
            "onFailure Continue",
            (d) => (gatherOf(d).onFailure = "Continue"),
            "continues past a failed step Gather (onFailure Continue)",
        ],
        [
            "isCritical false",
            (d) => (gatherOf(d).isCritical = false),
            "marks step Gather not critical (isCritical false)",
        ],
        [
            "a read wrapped in try / except: pass",
            (d) => {
                const inputs = gatherOf(d).inputs;
                inputs.Script = inputs.Script.replace(
                    "    rbac = {}\n",
                    "    rbac = {}\n    try:\n        pass\n    except Exception:\n        pass\n",
                );
            },
            "step Gather catches an error without raising it again",
        ],
    ])("fails an access audit whose failed read passes quietly: %s", (_n, m, problem) =>
        expect(run((rs) => edit(rs, "accessAudit", m))).toEqual(
            ACCESS.map(
                (c) =>
                    `[${c}] report mas-report-access-audit ${problem}: a failed read would publish as a complete report`,
            ),
        ),
    );

    it("counts only what the script's handler reaches: a helper defined but never called reads nothing", () => {
        const found = run((rs) =>
            edit(rs, "weekly", (d) => {
                const gather = d.mainSteps.find((x) => x.action === "aws:executeScript")!.inputs as { Script: string };
                // The handler no longer calls the backup read; the helper stays defined.
                gather.Script = gather.Script.replace(/backup = boto3\.client\("backup"\)\n[^\n]*\n/, "failed = []\n");
            }),
        );
        expect(found).toEqual(
            REPORTS.weekly.controls.map(
                (c) =>
                    `[${c}] report mas-report-weekly does not verify_backups: no reachable step calls backup:ListBackupJobs or backup:ListRestoreJobs`,
            ),
        );
    });
    it("fails a report that reads but does not publish, and one that publishes nothing", () => {
        expect(
            run((rs) =>
                edit(rs, "weekly", (d) => {
                    const pub = d.mainSteps[d.mainSteps.length - 1].inputs as { Message: string };
                    // The gathered report left out of the message: what was read reaches no one.
                    pub.Message = pub.Message.split("\n")
                        .filter((l) => !l.includes("Gather."))
                        .join("\n");
                }),
            ),
        ).toEqual(
            ["review_access_patterns", "verify_backups"].flatMap((item) =>
                REPORTS.weekly.controls.map(
                    (c) => `[${c}] report mas-report-weekly reads ${item} (Gather) but does not publish it`,
                ),
            ),
        );
        const silent = run((rs) =>
            edit(
                rs,
                "systemAudit",
                (d) => (d.mainSteps[d.mainSteps.length - 1] = { name: "PublishReport", ...noOp, isEnd: true }),
            ),
        );
        expect(silent).toContain(
            "[AUD-SYS] report mas-report-system-audit does not reporting: no reachable step calls sns:Publish",
        );
        expect(silent).toContain(
            "[AUD-SYS] report mas-report-system-audit reads authentication_systems (Gather) but does not publish it",
        );
    });
    it("fails a notify runbook paging a low-severity topic, and a report whose topic lost its subscription", () => {
        expect(
            run((rs) =>
                edit(rs, "notify_stakeholders", (d) => {
                    for (const st of d.mainSteps) {
                        const inputs = st.inputs as { Api?: string; TopicArn?: string };
                        if (inputs.Api === "Publish") inputs.TopicArn = "arn:aws:sns:eu-west-1:123456789012:low";
                    }
                }),
            ),
        ).toEqual([
            "[IR-SB-NOTIFY] runbook mas-ir-notify-stakeholders publishes to arn:aws:sns:eu-west-1:123456789012:low, which is not a high-severity topic of the stack with a subscription that admits it",
        ]);
        const out = run((rs) =>
            rs.splice(
                rs.findIndex((r) => r.name === "reports-sub"),
                1,
            ),
        );
        expect(out).toContain(
            "[OPS-D-INTEGRITY] report mas-report-daily publishes to arn:aws:sns:eu-west-1:123456789012:reports, which is not a topic of the stack with a subscription that admits it",
        );
        expect(out).toHaveLength(Object.values(REPORTS).flatMap((r) => r.controls).length);
    });
    it("fails a document that is not an Automation document with steps", () =>
        expect(
            run(
                (rs) =>
                    ((rs.find((r) => r.name === "daily") as StackResourceCase).props.content = "schemaVersion: '0.3'"),
            ),
        ).toEqual(REPORTS.daily.controls.map((c) => `[${c}] report mas-report-daily has no readable mainSteps`)));
});
