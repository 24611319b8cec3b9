// What runs on a schedule: the guide's frequencies as cron expressions, the routine and audit reports.

import { guide } from "../guide";

/** Guide frequencies as EventBridge Scheduler cron expressions (derived once; run in operationsTimezone). */
export const CADENCE = {
    daily: "cron(0 6 * * ? *)",
    weekly: "cron(0 7 ? * MON *)",
    monthly: "cron(0 8 1 * ? *)",
    quarterly: "cron(0 9 1 1,4,7,10 ? *)",
    semi_annual: "cron(0 9 1 1,7 ? *)",
    annual: "cron(0 9 15 1 ? *)",
} as const;
export type Cadence = keyof typeof CADENCE;

/** Routine / audit reports (SSM Automation documents started by EventBridge Scheduler). */
export const REPORTS = {
    daily: { cadence: "daily", controls: ["OPS-D-INTEGRITY", "OPS-D-LOGS", "OPS-D-ALERTS"] },
    weekly: { cadence: "weekly", controls: ["OPS-W-ACCESS", "OPS-W-BACKUPS"] },
    accessAudit: {
        cadence: guide.auditing.accessAudit.frequency,
        controls: ["AUD-ACCESS", "AUD-ACCESS-REPORT", "OPS-M-CREDENTIALS"],
    },
    systemAudit: { cadence: guide.auditing.systemAudit.frequency, controls: ["AUD-SYS"] },
    policyReview: { cadence: guide.maintenance.policyReview, controls: ["MNT-POLICY-REVIEW"] },
    monthlyPolicyReview: { cadence: "monthly", controls: ["OPS-M-POLICIES"] },
} as const satisfies Record<string, { cadence: Cadence; controls: string[] }>;
export type ReportKey = keyof typeof REPORTS;

/** Physical-name suffix of a report's runbook and schedule (`<prefix>-report-access-audit`). */
export function reportSlug(key: ReportKey): string {
    return `report-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The EventBridge Scheduler universal target that starts an SSM Automation runbook. */
export const START_AUTOMATION_TARGET = "arn:aws:scheduler:::aws-sdk:ssm:startAutomationExecution";
