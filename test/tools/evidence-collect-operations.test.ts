import { emptyEvidence } from "../harness/evidence";
// `evidence --collect`, what each operation must show in the period, against recorded AWS responses
// (aws-sdk-client-mock): every cadence window ran, restore tests completed and validated, no open CRITICAL / HIGH
// Security Hub finding on a control, every required standard READY, the stack's Macie job ran.
import { BackupClient, ListRestoreJobsCommand, RestoreJobsListMember } from "@aws-sdk/client-backup";
import { DescribeClassificationJobCommand, ListClassificationJobsCommand, Macie2Client } from "@aws-sdk/client-macie2";
import {
    AwsSecurityFinding,
    DescribeStandardsControlsCommand,
    GetEnabledStandardsCommand,
    GetFindingsCommand,
    SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { DescribeAutomationExecutionsCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import * as fs from "fs";
import * as path from "path";
import { awsSdkClients } from "../../tools/lib/evidence-provenance";
import { automation, restoreTests } from "../../tools/lib/evidence-collect";
import { classificationJobs } from "../../tools/lib/evidence-collect/macie";
import { findings, standardsState } from "../../tools/lib/evidence-collect/securityhub";
import { OperatingCheck } from "../../tools/lib/evidence-collect/types";
import { dueWindows } from "../../tools/lib/evidence-collect/windows";
import type { ControlEvidence } from "../../tools/lib/evidence-report";
import { applyOperating } from "../../tools/lib/evidence-collect/apply";
import { renderSummary } from "../../tools/lib/evidence-summary";

const ssm = mockClient(SSMClient);
const backup = mockClient(BackupClient);
const hub = mockClient(SecurityHubClient);
const macie = mockClient(Macie2Client);

const NOW = new Date("2026-12-01T00:00:00.000Z");
const FROM = new Date("2026-09-02T00:00:00.000Z");

function control(id: string, resources: ControlEvidence["resources"]): ControlEvidence {
    return { id, resources } as ControlEvidence;
}

beforeEach(() => {
    for (const m of [ssm, backup, hub, macie]) {
        m.reset();
    }
});

describe("cadence windows", () => {
    it("a monthly access audit needs a Success in each monthly window of the period", async () => {
        // Scheduled at 08:00 on the 1st in Tokyo: 23:00 UTC the day before. 90 days to 15 December.
        const now = new Date("2026-12-15T00:00:00.000Z");
        const from = new Date("2026-09-16T00:00:00.000Z");
        const controls = [
            control("AUD-ACCESS", [
                {
                    urn: "d",
                    type: "aws:ssm/document:Document",
                    configuration: { name: "mas-prod-report-access-audit", tags: { cadence: "monthly" } },
                },
                {
                    urn: "s",
                    type: "aws:scheduler/schedule:Schedule",
                    configuration: {
                        scheduleExpression: "cron(0 8 1 * ? *)",
                        scheduleExpressionTimezone: "Asia/Tokyo",
                        target: { input: JSON.stringify({ DocumentName: "mas-prod-report-access-audit" }) },
                    },
                },
            ]),
        ];
        const run = (at: string) => ({
            DocumentName: "mas-prod-report-access-audit",
            AutomationExecutionId: at,
            AutomationExecutionStatus: "Success" as const,
            ExecutionStartTime: new Date(at),
        });
        const collectWith = async (...runs: string[]) => {
            ssm.reset();
            ssm.on(DescribeAutomationExecutionsCommand).resolves({ AutomationExecutionMetadataList: runs.map(run) });
            const checks: OperatingCheck[] = [];
            const out = await automation(new SSMClient({}), controls, from, now, checks);
            return { out, checks };
        };
        const detail = (c: OperatingCheck[]) => c.map((x) => [x.result, x.detail]);

        // In Tokyo's calendar the runs fall in October, November and December (in UTC: September to November).
        const ok = await collectWith("2026-09-30T23:00:01Z", "2026-10-31T23:00:02Z", "2026-11-30T23:00:00Z");
        expect(ok.out).toEqual([
            {
                document: "mas-prod-report-access-audit",
                controls: ["AUD-ACCESS"],
                scheduled: true,
                byStatus: { Success: 3 },
                cadence: "monthly",
                due: 3,
                missing: [],
            },
        ]);
        expect(ok.checks).toEqual([
            {
                control: "AUD-ACCESS",
                result: "ok",
                source: "ssm:DescribeAutomationExecutions",
                detail: "3 execution(s) of mas-prod-report-access-audit (3 Success); a successful run in each of 3 monthly window(s)",
            },
        ]);

        // December's run missing: two runs in November (one a retry) do not cover it.
        const gap = await collectWith("2026-09-30T23:00:01Z", "2026-10-31T23:00:02Z", "2026-11-12T09:00:00Z");
        expect(detail(gap.checks)).toEqual([
            [
                "failed",
                "3 execution(s) of mas-prod-report-access-audit (3 Success); no successful run in 1 of 3 monthly window(s): 2026-12",
            ],
        ]);

        // Windows older than the 30-day execution history with no run shown: not evidenced, at most partial.
        const old = await collectWith("2026-11-30T23:00:00Z");
        expect(old.out[0]).toMatchObject({ missing: [], unevidenced: ["2026-10", "2026-11"] });
        expect(detail(old.checks)).toEqual([
            [
                "never-ran",
                "1 execution(s) of mas-prod-report-access-audit (1 Success); a successful run in each monthly window the execution history still holds; 2 window(s) older than the 30-day execution history show no run: not evidenced (2026-10, 2026-11); the reports are not kept anywhere that outlasts the history (no copy in the Object Lock audit bucket): only an earlier --publish of the evidence shows those runs",
            ],
        ]);

        // No run at all: December failed, the older two not evidenced.
        const none = await collectWith();
        expect(detail(none.checks)).toEqual([
            [
                "failed",
                "0 execution(s) of mas-prod-report-access-audit; no successful run in 1 of 3 monthly window(s): 2026-12; 2 window(s) older than the 30-day execution history show no run: not evidenced (2026-10, 2026-11); the reports are not kept anywhere that outlasts the history (no copy in the Object Lock audit bucket): only an earlier --publish of the evidence shows those runs",
            ],
        ]);
    });

    it("names the windows due in the period for each cadence", () => {
        // 2 September (Wednesday) to 1 December 2026 (Tuesday): windows that start after the first day and
        // before the last.
        expect(dueWindows(FROM, NOW, "weekly", "UTC")).toEqual(
            [
                "09-07",
                "09-14",
                "09-21",
                "09-28",
                "10-05",
                "10-12",
                "10-19",
                "10-26",
                "11-02",
                "11-09",
                "11-16",
                "11-23",
                "11-30",
            ].map((d) => `week of 2026-${d}`),
        );
        expect(dueWindows(FROM, NOW, "quarterly", "UTC")).toEqual(["2026-Q4"]);
        expect(dueWindows(FROM, NOW, "semi_annual", "UTC")).toEqual([]);
        expect(dueWindows(FROM, NOW, "daily", "UTC")).toHaveLength(89);
        expect(dueWindows(new Date("2026-01-01T00:00:00Z"), NOW, "annual", "UTC")).toEqual([
            "2026-01-15 to 2027-01-14",
        ]);
    });
});

describe("restore-testing jobs", () => {
    const PLAN = "arn:aws:backup:eu-west-1:210987654321:restoretestingplan/weekly";
    const controls = [
        control("BAK-RESTORE-TEST", [
            { urn: "p", type: "aws:backup/restoreTestingPlan:RestoreTestingPlan", arn: PLAN },
        ]),
    ];
    const job = (id: string, x: Partial<RestoreJobsListMember>): RestoreJobsListMember => ({
        RestoreJobId: id,
        CreationDate: new Date("2026-11-23T06:00:00Z"),
        ...x,
    });

    it("passes completed, validated jobs; a job started within the day is under way", async () => {
        backup.on(ListRestoreJobsCommand).resolves({
            RestoreJobs: [
                job("j1", { Status: "COMPLETED", ValidationStatus: "SUCCESSFUL" }),
                job("j2", { Status: "COMPLETED" }),
                job("j3", { Status: "RUNNING", CreationDate: new Date("2026-11-30T20:00:00Z") }),
            ],
        });
        const checks: OperatingCheck[] = [];
        await restoreTests(new BackupClient({}), controls, FROM, NOW, checks);
        expect(checks).toEqual([
            {
                control: "BAK-RESTORE-TEST",
                result: "ok",
                source: "backup:ListRestoreJobs",
                detail: `3 restore-testing job(s) of ${PLAN} (1 COMPLETED/validation SUCCESSFUL, 1 COMPLETED, 1 RUNNING); 1 under way`,
            },
        ]);
    });

    it("fails a job whose validation failed and one stuck RUNNING for days", async () => {
        backup.on(ListRestoreJobsCommand).resolves({
            RestoreJobs: [
                job("j1", { Status: "COMPLETED", ValidationStatus: "SUCCESSFUL" }),
                job("j2", { Status: "COMPLETED", ValidationStatus: "FAILED" }),
                job("j3", { Status: "RUNNING" }),
                job("j4", { Status: "ABORTED" }),
            ],
        });
        const checks: OperatingCheck[] = [];
        await restoreTests(new BackupClient({}), controls, FROM, NOW, checks);
        expect(checks.map((c) => [c.result, c.detail])).toEqual([
            [
                "failed",
                `4 restore-testing job(s) of ${PLAN} (1 COMPLETED/validation SUCCESSFUL, 1 COMPLETED/validation FAILED, 1 RUNNING, 1 ABORTED); not passed: j2 validation FAILED, j3 RUNNING after 24 h, j4 ABORTED`,
            ],
        ]);
    });
});

describe("Security Hub", () => {
    const BUCKET = "arn:aws:s3:::mas-prod-agent-data-210987654321-eu-west-1";
    const controls = [
        control("DATA-ENC-AT-REST", [{ urn: "b", type: "aws:s3/bucketV2:BucketV2", arn: BUCKET }]),
        control("CMP-ISO-OPS", []),
        control("CMP-SOC2-SECURITY", []),
    ];
    const finding = (x: Partial<AwsSecurityFinding>) => x as AwsSecurityFinding;

    it("fails a control with an open HIGH finding on its resource and the standard controls on a CRITICAL one", async () => {
        hub.on(GetFindingsCommand).resolves({
            Findings: [
                finding({
                    Title: "S3 general purpose buckets should block public access",
                    Severity: { Label: "HIGH" },
                    Resources: [{ Type: "AwsS3Bucket", Id: BUCKET }],
                }),
                finding({
                    Title: "Hardware MFA should be enabled for the root user",
                    Severity: { Label: "CRITICAL" },
                    Resources: [{ Type: "AwsAccount", Id: "AWS::::Account:210987654321" }],
                    Compliance: {
                        SecurityControlId: "IAM.6",
                        AssociatedStandards: [{ StandardsId: "standards/cis-aws-foundations-benchmark/v/3.0.0" }],
                    },
                }),
                // Medium: counted, changes no status.
                finding({
                    Title: "versioning",
                    Severity: { Label: "MEDIUM" },
                    Resources: [{ Type: "AwsS3Bucket", Id: BUCKET }],
                }),
            ],
        });
        const checks: OperatingCheck[] = [];
        const counts = await findings(new SecurityHubClient({}), controls, checks);
        expect(counts).toEqual({ HIGH: 1, CRITICAL: 1, MEDIUM: 1 });
        // Only open findings are read.
        expect(hub.commandCalls(GetFindingsCommand)[0].args[0].input.Filters).toEqual({
            RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
            WorkflowStatus: [
                { Value: "NEW", Comparison: "EQUALS" },
                { Value: "NOTIFIED", Comparison: "EQUALS" },
            ],
        });
        expect(checks).toEqual([
            {
                control: "DATA-ENC-AT-REST",
                result: "failed",
                source: "securityhub:GetFindings",
                detail: "1 open CRITICAL/HIGH Security Hub finding(s): HIGH S3 general purpose buckets should block public access",
            },
            ...["CMP-SOC2-SECURITY", "CMP-ISO-OPS"].map((c) => ({
                control: c,
                result: "failed",
                source: "securityhub:GetFindings",
                detail: "1 open CRITICAL/HIGH Security Hub finding(s): CRITICAL IAM.6 Hardware MFA should be enabled for the root user",
            })),
        ]);
    });

    it("with only lower findings the standard controls hold", async () => {
        hub.on(GetFindingsCommand).resolves({
            Findings: [
                finding({ Title: "t", Severity: { Label: "LOW" }, Resources: [{ Type: "AwsS3Bucket", Id: BUCKET }] }),
            ],
        });
        const checks: OperatingCheck[] = [];
        await findings(new SecurityHubClient({}), controls, checks);
        expect(checks.map((c) => [c.control, c.result])).toEqual([
            ["CMP-SOC2-SECURITY", "ok"],
            ["CMP-ISO-OPS", "ok"],
        ]);
    });

    it("every standard the catalog requires must be READY", async () => {
        const sub = (path: string, status: string) => ({
            StandardsArn: `arn:aws:securityhub:eu-west-1::${path}`,
            StandardsStatus: status,
        });
        const all = [
            "standards/aws-foundational-security-best-practices/v/1.0.0",
            "standards/cis-aws-foundations-benchmark/v/3.0.0",
            "standards/nist-800-53/v/5.0.0",
        ];
        hub.on(GetEnabledStandardsCommand).resolves({
            StandardsSubscriptions: all.map((p) => sub(p, "READY")) as never,
        });
        expect(await standardsState(new SecurityHubClient({}))).toEqual({
            ok: true,
            state: "3 of 3 required standard(s) READY",
        });
        hub.reset();
        hub.on(GetEnabledStandardsCommand).resolves({
            StandardsSubscriptions: [sub(all[0], "READY"), sub(all[1], "INCOMPLETE"), sub(all[2], "READY")] as never,
        });
        expect(await standardsState(new SecurityHubClient({}))).toEqual({
            ok: false,
            state: "2 of 3 required standard(s) READY; not READY: cis-aws-foundations-benchmark/v/3.0.0 (INCOMPLETE)",
        });
    });

    it("a READY standard with controls disabled inside it does not hold", async () => {
        const subArn = (p: string) =>
            `arn:aws:securityhub:eu-west-1:210987654321:subscription/${p.replace("standards/", "")}`;
        const all = [
            "standards/aws-foundational-security-best-practices/v/1.0.0",
            "standards/cis-aws-foundations-benchmark/v/3.0.0",
            "standards/nist-800-53/v/5.0.0",
        ];
        hub.on(GetEnabledStandardsCommand).resolves({
            StandardsSubscriptions: all.map((p) => ({
                StandardsArn: `arn:aws:securityhub:eu-west-1::${p}`,
                StandardsSubscriptionArn: subArn(p),
                StandardsStatus: "READY",
            })) as never,
        });
        hub.on(DescribeStandardsControlsCommand).resolves({
            Controls: [{ ControlId: "X.1", ControlStatus: "ENABLED" }],
        });
        // Two pages for FSBP: the disabled control is on the second.
        hub.on(DescribeStandardsControlsCommand, { StandardsSubscriptionArn: subArn(all[0]) })
            .resolvesOnce({ Controls: [{ ControlId: "IAM.1", ControlStatus: "ENABLED" }], NextToken: "n" })
            .resolvesOnce({
                Controls: [{ ControlId: "CloudTrail.4", ControlStatus: "DISABLED", DisabledReason: "landing zone" }],
            });
        expect(await standardsState(new SecurityHubClient({}))).toEqual({
            ok: false,
            state: "3 of 3 required standard(s) READY; aws-foundational-security-best-practices/v/1.0.0: 1 control(s) disabled: CloudTrail.4 (landing zone)",
        });
    });
});

describe("Macie classification job", () => {
    const controls = [
        control("DATA-CLS-DISCOVERY", [
            {
                urn: "j",
                type: "aws:macie2/classificationJob:ClassificationJob",
                configuration: { name: "mas-prod-data-stores" },
            },
        ]),
    ];
    const listed = () =>
        macie
            .on(ListClassificationJobsCommand)
            .resolves({ items: [{ jobId: "abc123", name: "mas-prod-data-stores" }] });

    it("passes a job that ran in the period", async () => {
        listed();
        macie.on(DescribeClassificationJobCommand, { jobId: "abc123" }).resolves({
            jobStatus: "IDLE",
            lastRunTime: new Date("2026-11-30T03:00:00Z"),
            lastRunErrorStatus: { code: "NONE" },
        });
        const checks: OperatingCheck[] = [];
        await classificationJobs(new Macie2Client({}), controls, FROM, checks);
        expect(macie.commandCalls(ListClassificationJobsCommand)[0].args[0].input.filterCriteria).toEqual({
            includes: [{ comparator: "EQ", key: "name", values: ["mas-prod-data-stores"] }],
        });
        expect(checks).toEqual([
            {
                control: "DATA-CLS-DISCOVERY",
                result: "ok",
                source: "macie2:DescribeClassificationJob",
                detail: "classification job mas-prod-data-stores (abc123): IDLE, last run 2026-11-30T03:00:00.000Z (in the period)",
            },
        ]);
    });

    it("fails a paused job, one absent, and counts none that last ran before the period", async () => {
        listed();
        macie.on(DescribeClassificationJobCommand).resolves({
            jobStatus: "USER_PAUSED",
            lastRunTime: new Date("2026-11-01T03:00:00Z"),
        });
        let checks: OperatingCheck[] = [];
        await classificationJobs(new Macie2Client({}), controls, FROM, checks);
        expect(checks.map((c) => [c.result, c.detail])).toEqual([
            [
                "failed",
                "classification job mas-prod-data-stores (abc123): USER_PAUSED, last run 2026-11-01T03:00:00.000Z (in the period); status USER_PAUSED",
            ],
        ]);
        macie.reset();
        listed();
        macie.on(DescribeClassificationJobCommand).resolves({
            jobStatus: "IDLE",
            lastRunTime: new Date("2026-08-01T03:00:00Z"),
        });
        checks = [];
        await classificationJobs(new Macie2Client({}), controls, FROM, checks);
        expect(checks.map((c) => c.result)).toEqual(["never-ran"]);
        macie.reset();
        macie.on(ListClassificationJobsCommand).resolves({ items: [] });
        checks = [];
        await classificationJobs(new Macie2Client({}), controls, FROM, checks);
        expect(checks.map((c) => [c.result, c.detail])).toEqual([
            ["failed", "classification job mas-prod-data-stores is not in the account"],
        ]);
    });
});

describe("provenance of the collector", () => {
    it("names every AWS SDK client the collector and publisher import, at the version package-lock.json pins", () => {
        const root = path.join(__dirname, "..", "..");
        const dir = path.join(root, "tools", "lib", "evidence-collect");
        const imported = new Set(
            fs
                .readdirSync(dir)
                .flatMap((f) => [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/from "(@aws-sdk\/[\w-]+)"/g)])
                .map((m) => m[1]),
        );
        const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
            packages: Record<string, { version: string }>;
        };
        const listed = awsSdkClients(root);
        expect(imported.size).toBeGreaterThanOrEqual(12);
        for (const client of imported) {
            expect([client, listed[client]]).toEqual([client, lock.packages[`node_modules/${client}`].version]);
        }
        expect(listed["@aws-sdk/client-macie2"]).toBe("3.1048.0");
    });
});

describe("operating evidence in the statement of applicability", () => {
    it("fails a passing audit with a missed window and names the window and the Macie job in summary.md", () => {
        const doc = emptyEvidence("prod");
        const audit = doc.controls.find((c) => c.id === "AUD-ACCESS")!;
        Object.assign(audit, { status: "pass", reason: "proven" });
        const detail =
            "2 execution(s) of mas-prod-report-access-audit (2 Success); no successful run in 1 of 2 monthly window(s): 2026-11";
        applyOperating(doc, {
            account: "210987654321",
            region: "eu-west-1",
            collectedAt: NOW.toISOString(),
            period: { days: 90, from: FROM.toISOString(), to: NOW.toISOString() },
            automation: [
                {
                    document: "mas-prod-report-access-audit",
                    controls: ["AUD-ACCESS"],
                    scheduled: true,
                    byStatus: { Success: 2 },
                    cadence: "monthly",
                    due: 2,
                    missing: ["2026-11"],
                },
            ],
            alarms: [],
            restoreTests: [],
            conformance: [],
            securityHubFindings: {},
            accountServices: [],
            classificationJobs: [
                { job: "mas-prod-data-stores", status: "IDLE", lastRunTime: "2026-11-30T03:00:00.000Z" },
            ],
            checks: [{ control: "AUD-ACCESS", result: "failed", source: "ssm:DescribeAutomationExecutions", detail }],
        });
        expect([audit.status, audit.reason]).toEqual([
            "fail",
            `operation failed in the 90 days to 2026-12-01: ${detail} (before: pass — proven)`,
        ]);
        const summary = renderSummary(doc, { "evidence.json": "a".repeat(64), "evidence.md": "b".repeat(64) });
        expect(summary).toContain(
            "\n- mas-prod-report-access-audit (monthly): no successful run in 1 of 2 window(s): 2026-11\n",
        );
        expect(summary).toContain(
            "\n- Macie classification job mas-prod-data-stores: IDLE, last run 2026-11-30T03:00:00.000Z\n",
        );
    });
});
