// The deploy approvals CI leaves in the account: a prod-profile deploy job assumes its AWS role through GitHub's
// OIDC provider only after a reviewer approves environment deploy-<stack> (README "Continuous integration"),
// so each AssumeRoleWithWebIdentity with subject `repo:<owner>/<repo>:environment:deploy-<stack>` is one
// approved deploy. An assumption by a GitHub subject of no environment went around the approval. The
// reviewers' names are in GitHub's deployment review log, not in the account.
import { CloudTrailClient, paginateLookupEvents } from "@aws-sdk/client-cloudtrail";
import { OperatingCheck, OperatingSummary } from "./types";

/** The controls the deploy approvals evidence: change management and validated policy updates. */
export const DEPLOY_APPROVAL_CONTROLS = ["MNT-CHANGE-MGMT", "MNT-VALIDATION"];

const GITHUB_OIDC = "token.actions.githubusercontent.com";

export async function deployApprovals(
    cloudtrail: CloudTrailClient,
    stack: string,
    from: Date,
    checks: OperatingCheck[],
): Promise<NonNullable<OperatingSummary["deploys"]>> {
    const environment = `deploy-${stack}`;
    let approved = 0;
    const unapproved: string[] = [];
    for await (const page of paginateLookupEvents(
        { client: cloudtrail },
        {
            LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "AssumeRoleWithWebIdentity" }],
            StartTime: from,
        },
    )) {
        for (const e of page.Events ?? []) {
            const detail = JSON.parse(e.CloudTrailEvent ?? "{}") as {
                userIdentity?: { identityProvider?: string; userName?: string };
            };
            const subject = detail.userIdentity?.userName ?? "";
            if (!detail.userIdentity?.identityProvider?.includes(GITHUB_OIDC)) {
                continue;
            }
            if (subject.endsWith(`:environment:${environment}`)) {
                approved++;
            } else if (!/:environment:/.test(subject)) {
                unapproved.push(subject);
            }
        }
    }
    const detail = `${approved} deploy role assumption(s) by environment ${environment} (each after a reviewer's approval)${unapproved.length ? `; ${unapproved.length} by GitHub subjects of no environment: ${[...new Set(unapproved)].join(", ")}` : ""}`;
    for (const control of DEPLOY_APPROVAL_CONTROLS) {
        checks.push({
            control,
            result: unapproved.length ? "failed" : approved ? "ok" : "never-ran",
            source: "cloudtrail:LookupEvents AssumeRoleWithWebIdentity",
            detail,
        });
    }
    return { environment, approved, unapproved: [...new Set(unapproved)] };
}
