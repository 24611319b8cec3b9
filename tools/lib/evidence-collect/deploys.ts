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

/**
 * `repository` (owner/name, the stack's deployRunnerRepository) pins whose subjects count: an assumption that
 * failed (CloudTrail errorCode) is no deploy; one by another repository's subject went around this repository's
 * approval and fails. Without a repository nothing is pinned and no deploy counts as approved (never-ran).
 */
export async function deployApprovals(
    cloudtrail: CloudTrailClient,
    stack: string,
    from: Date,
    checks: OperatingCheck[],
    repository?: string,
): Promise<NonNullable<OperatingSummary["deploys"]>> {
    const environment = `deploy-${stack}`;
    let approved = 0;
    let failedCalls = 0;
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
                errorCode?: string;
                userIdentity?: { identityProvider?: string; userName?: string };
            };
            const subject = detail.userIdentity?.userName ?? "";
            if (!detail.userIdentity?.identityProvider?.includes(GITHUB_OIDC)) {
                continue;
            }
            // A refused assumption (AccessDenied, InvalidIdentityToken…) deployed nothing.
            if (detail.errorCode) {
                failedCalls++;
                continue;
            }
            if (!repository) {
                continue;
            }
            if (!subject.startsWith(`repo:${repository}:`)) {
                unapproved.push(subject);
            } else if (subject === `repo:${repository}:environment:${environment}`) {
                approved++;
            } else if (!/:environment:/.test(subject)) {
                unapproved.push(subject);
            }
        }
    }
    const detail = !repository
        ? `no repository pinned (config deployRunnerRepository unset): no role assumption counts as an approved deploy`
        : `${approved} deploy role assumption(s) by repo:${repository} environment ${environment} (each after a reviewer's approval)${unapproved.length ? `; ${unapproved.length} by GitHub subjects of another repository or of no environment: ${[...new Set(unapproved)].join(", ")}` : ""}${failedCalls ? `; ${failedCalls} refused assumption(s) (errorCode) not counted` : ""}`;
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
