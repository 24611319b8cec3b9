// Security Hub in the operating evidence: every standard the catalog requires READY, and the open CRITICAL / HIGH
// findings held against the controls they concern. The mapping (a finding is open when RecordState is ACTIVE and
// Workflow.Status NEW or NOTIFIED):
// - a finding whose Resources[].Id is the ARN (or id) of a resource a control lists fails that control: the
//   resource that implements it is out of line;
// - a finding of a security control (Compliance.SecurityControlId) of a standard the catalog requires
//   (Compliance.AssociatedStandards[].StandardsId) fails the controls whose evidence is conformance to those
//   standards (catalog account-services: the controls Security Hub serves), whatever resource it is on.
// MEDIUM and lower findings are counted in the summary and change no status.
import {
    AwsSecurityFinding,
    GetFindingsCommandInput,
    paginateDescribeStandardsControls,
    paginateGetEnabledStandards,
    paginateGetFindings,
    SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { ACCOUNT_SERVICES } from "../../../policy-pack/catalog/account-services";
import { SECURITY_HUB_DISABLE_ALLOWED, SECURITY_HUB_STANDARDS } from "../../../policy-pack/catalog/operations";
import type { ControlEvidence } from "../evidence-report";
import { OperatingCheck } from "./types";

/** Security Hub pages read at most (100 findings each); past that the counts say they are a lower bound. */
const MAX_FINDING_PAGES = 50;

/** Severity labels that hold a control back from a pass. */
export const BLOCKING_SEVERITIES = ["CRITICAL", "HIGH"] as const;

/** The controls whose evidence is conformance to the Security Hub standards (catalog account-services). */
export const STANDARD_CONTROLS = ACCOUNT_SERVICES.find((s) => s.key === "securityhub")?.controls ?? [];

const REQUIRED = Object.values(SECURITY_HUB_STANDARDS) as string[];

const eq = (Value: string) => ({ Value, Comparison: "EQUALS" as const });

export const OPEN_FINDINGS: GetFindingsCommandInput["Filters"] = {
    RecordState: [eq("ACTIVE")],
    WorkflowStatus: [eq("NEW"), eq("NOTIFIED")],
};

/**
 * Each required standard's subscription status, and the controls disabled inside it: ok only when every one is
 * READY with none of its controls disabled but those the catalog lets the organisation disable
 * (SECURITY_HUB_DISABLE_ALLOWED; none today): a READY standard with controls off checks less than it names.
 */
export async function standardsState(hub: SecurityHubClient): Promise<{ ok: boolean; state: string }> {
    const status = new Map<string, string>();
    const subscription = new Map<string, string>();
    for await (const page of paginateGetEnabledStandards({ client: hub }, {})) {
        for (const s of page.StandardsSubscriptions ?? []) {
            const path = REQUIRED.find((p) => s.StandardsArn?.endsWith(`::${p}`));
            if (path) {
                status.set(path, s.StandardsStatus ?? "UNKNOWN");
                if (s.StandardsSubscriptionArn) {
                    subscription.set(path, s.StandardsSubscriptionArn);
                }
            }
        }
    }
    const not = REQUIRED.filter((p) => status.get(p) !== "READY");
    const name = (p: string) => p.replace(/^standards\//, "");
    const disabled: string[] = [];
    for (const p of REQUIRED.filter((x) => status.get(x) === "READY" && subscription.has(x))) {
        const off: string[] = [];
        for await (const page of paginateDescribeStandardsControls(
            { client: hub },
            { StandardsSubscriptionArn: subscription.get(p) },
        )) {
            off.push(
                ...(page.Controls ?? [])
                    .filter(
                        (c) =>
                            c.ControlStatus === "DISABLED" && !SECURITY_HUB_DISABLE_ALLOWED.includes(c.ControlId ?? ""),
                    )
                    .map((c) => `${c.ControlId}${c.DisabledReason ? ` (${c.DisabledReason})` : ""}`),
            );
        }
        if (off.length) {
            disabled.push(`${name(p)}: ${off.length} control(s) disabled: ${off.join(", ")}`);
        }
    }
    return {
        ok: not.length === 0 && disabled.length === 0,
        state:
            `${REQUIRED.length - not.length} of ${REQUIRED.length} required standard(s) READY` +
            (not.length
                ? `; not READY: ${not.map((p) => `${name(p)} (${status.get(p) ?? "not enabled"})`).join(", ")}`
                : "") +
            (disabled.length ? `; ${disabled.join("; ")}` : ""),
    };
}

/** Resource ARNs / ids the controls list, to the controls that list them. */
function resourceIndex(controls: ControlEvidence[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const c of controls) {
        for (const r of c.resources) {
            for (const key of [r.arn, r.id].filter((x): x is string => typeof x === "string" && x !== "")) {
                out.set(key, (out.get(key) ?? new Set()).add(c.id));
            }
        }
    }
    return out;
}

function label(f: AwsSecurityFinding): string {
    const control = f.Compliance?.SecurityControlId;
    return `${f.Severity?.Label} ${control ? `${control} ` : ""}${f.Title ?? f.Id ?? "finding"}`;
}

/**
 * Open findings by severity, and a failed check per control an open CRITICAL / HIGH finding concerns (an ok one
 * for each standard control when there is none). Without Security Hub the account-services check reports it.
 */
export async function findings(
    hub: SecurityHubClient,
    controls: ControlEvidence[],
    checks: OperatingCheck[],
): Promise<Record<string, number>> {
    const bySeverity: Record<string, number> = {};
    const against = new Map<string, string[]>();
    const hold = (control: string, what: string) => against.set(control, [...(against.get(control) ?? []), what]);
    const index = resourceIndex(controls);
    let pages = 0;
    try {
        for await (const page of paginateGetFindings({ client: hub, pageSize: 100 }, { Filters: OPEN_FINDINGS })) {
            for (const f of page.Findings ?? []) {
                const severity = f.Severity?.Label ?? "UNKNOWN";
                bySeverity[severity] = (bySeverity[severity] ?? 0) + 1;
                if (!(BLOCKING_SEVERITIES as readonly string[]).includes(severity)) {
                    continue;
                }
                const on = new Set<string>();
                for (const r of f.Resources ?? []) {
                    for (const c of index.get(r.Id ?? "") ?? []) {
                        on.add(c);
                    }
                }
                const ofStandard = (f.Compliance?.AssociatedStandards ?? []).some((s) =>
                    REQUIRED.includes(s.StandardsId ?? ""),
                );
                if (f.Compliance?.SecurityControlId && ofStandard) {
                    STANDARD_CONTROLS.forEach((c) => on.add(c));
                }
                on.forEach((c) => hold(c, label(f)));
            }
            pages++;
            if (pages >= MAX_FINDING_PAGES && page.NextToken) {
                bySeverity.truncatedAfterPages = pages;
                break;
            }
        }
    } catch (e) {
        if ((e as Error).name !== "InvalidAccessException") {
            throw e;
        }
        return bySeverity;
    }
    const source = "securityhub:GetFindings";
    for (const [control, list] of against) {
        const shown = [...new Set(list)];
        checks.push({
            control,
            result: "failed",
            source,
            detail: `${list.length} open ${BLOCKING_SEVERITIES.join("/")} Security Hub finding(s): ${shown.slice(0, 5).join("; ")}${shown.length > 5 ? `; and ${shown.length - 5} more` : ""}`,
        });
    }
    // Past the page limit the rest is unread: no "none open" claim then.
    for (const control of STANDARD_CONTROLS.filter((c) => !against.has(c) && !bySeverity.truncatedAfterPages)) {
        checks.push({
            control,
            result: "ok",
            source,
            detail: `no open ${BLOCKING_SEVERITIES.join("/")} finding of the required standards or on the control's resources`,
        });
    }
    return bySeverity;
}
