/** One observation of a control operating (or not) in the period, from one AWS API. */
export interface OperatingCheck {
    control: string;
    /** ok: it ran / is on; failed: an execution or job failed, or the thing is absent or off; never-ran: a
     *  scheduled operation with no run in the period; partial: it operates with a gap (an alarm left in ALARM past
     *  its response time, a window evidenced only by a later run). */
    result: "ok" | "failed" | "never-ran" | "partial";
    source: string;
    detail: string;
}

/** What `--collect` attaches to a control. */
export interface OperatingEvidence {
    result: OperatingCheck["result"];
    checks: Omit<OperatingCheck, "control">[];
}

export interface OperatingSummary {
    account: string;
    region: string;
    collectedAt: string;
    period: { days: number; from: string; to: string };
    /** Automation executions per document of the stack: counts by status. */
    automation: {
        document: string;
        controls: string[];
        scheduled: boolean;
        byStatus: Record<string, number>;
        /** The schedule's cadence, how many of its windows were due in the period, and those with no Success. */
        cadence?: string;
        due?: number;
        missing?: string[];
        /** Due windows older than the execution history the API returns, with no run shown. */
        unevidenced?: string[];
    }[];
    alarms: { alarm: string; controls: string[]; state: string; toAlarm: number }[];
    restoreTests: { plan: string; byStatus: Record<string, number> }[];
    conformance: { pack: string; compliance: string; nonCompliantRules: string[] }[];
    /** Active, unresolved Security Hub findings by severity label. */
    securityHubFindings: Record<string, number>;
    accountServices: { service: string; state: string; ok: boolean }[];
    /** The stack's Macie classification jobs: status and last run. */
    classificationJobs?: { job: string; status: string; lastRunTime?: string }[];
    /** The stack's topics: confirmed and pending subscriptions (a topic with none confirmed reaches no one). */
    topics?: { topic: string; confirmed: number; pending: number }[];
    /** Deploys through the approved environment, and GitHub subjects that assumed a role without one. */
    deploys?: { environment: string; approved: number; unapproved: string[] };
    checks: OperatingCheck[];
}
