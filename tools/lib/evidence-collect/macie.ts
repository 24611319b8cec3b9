// The stack's own Macie classification job (the stack creates it whether or not Macie itself is the landing
// zone's): it must exist, not be cancelled or paused, and have run in the period without a run error.
import { DescribeClassificationJobCommand, Macie2Client, paginateListClassificationJobs } from "@aws-sdk/client-macie2";
import type { ControlEvidence } from "../evidence-report";
import { OperatingCheck } from "./types";

const JOB = "aws:macie2/classificationJob:ClassificationJob";

/** Job statuses under which the job no longer runs. */
const STOPPED = ["CANCELLED", "USER_PAUSED", "PAUSED"];

export async function classificationJobs(
    macie: Macie2Client,
    controls: ControlEvidence[],
    from: Date,
    checks: OperatingCheck[],
): Promise<{ job: string; status: string; lastRunTime?: string }[]> {
    const out: { job: string; status: string; lastRunTime?: string }[] = [];
    for (const c of controls) {
        for (const r of c.resources.filter((x) => x.type === JOB)) {
            const name = typeof r.configuration?.name === "string" ? r.configuration.name : (r.id ?? "");
            let jobId: string | undefined;
            try {
                for await (const page of paginateListClassificationJobs(
                    { client: macie },
                    { filterCriteria: { includes: [{ comparator: "EQ", key: "name", values: [name] }] } },
                )) {
                    jobId ??= (page.items ?? []).find((j) => j.name === name)?.jobId;
                }
            } catch (e) {
                // Macie off: the account-services check reports it; the job cannot have run.
                const why = `Macie not readable (${(e as Error).name})`;
                out.push({ job: name, status: why });
                checks.push({
                    control: c.id,
                    result: "failed",
                    source: "macie2:ListClassificationJobs",
                    detail: `classification job ${name}: ${why}`,
                });
                continue;
            }
            if (!jobId) {
                out.push({ job: name, status: "absent" });
                checks.push({
                    control: c.id,
                    result: "failed",
                    source: "macie2:ListClassificationJobs",
                    detail: `classification job ${name} is not in the account`,
                });
                continue;
            }
            const j = await macie.send(new DescribeClassificationJobCommand({ jobId }));
            const status = j.jobStatus ?? "UNKNOWN";
            const last = j.lastRunTime;
            const error = j.lastRunErrorStatus?.code === "ERROR";
            out.push({ job: name, status, ...(last ? { lastRunTime: last.toISOString() } : {}) });
            const problems = [
                ...(STOPPED.includes(status) ? [`status ${status}`] : []),
                ...(error ? ["its last run ended in error"] : []),
            ];
            const ran = !!last && last.getTime() >= from.getTime();
            checks.push({
                control: c.id,
                result: problems.length ? "failed" : ran ? "ok" : "never-ran",
                source: "macie2:DescribeClassificationJob",
                detail: `classification job ${name} (${jobId}): ${status}, last run ${last ? last.toISOString() : "never"}${ran ? " (in the period)" : " (none in the period)"}${problems.length ? `; ${problems.join(", ")}` : ""}`,
            });
        }
    }
    return out;
}
