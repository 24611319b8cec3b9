// identity_management.authorization on AWS as an allow-list: every changing request of every principal, evaluated.

import { PolicyResource } from "@pulumi/policy";
import { computeSurface, SurfaceFinding } from "../../lib/iam/surface";
import { stackPolicy } from "../lib";

/**
 * One evaluation per plan: the analyzer hands each stack policy its own copy of the resources, so the cache key
 * is what the surface reads (every resource's properties: ARNs, tags, policies, grants) and dependencies by URN.
 */
let last: { key: string; findings: SurfaceFinding[] } | undefined;

function surfaceOf(resources: PolicyResource[]): SurfaceFinding[] {
    const key = JSON.stringify(
        resources.map((r) => [
            r.urn,
            r.props,
            Object.entries(r.propertyDependencies ?? {}).map(([k, ds]) => [k, ds.map((d) => d.urn)]),
        ]),
    );
    if (last?.key !== key) {
        last = { key, findings: computeSurface(resources) };
    }
    return last.findings;
}

const MAX_ACTIONS = 8;

export const iamWriteAllowList = stackPolicy({
    name: "identity-iam-write-allow-list",
    description:
        "Every action of the catalog's Write, Permissions management and Tagging access levels, for every role of the plan, any other role of the account, every account a policy names (in principals, conditions or patterns) and anonymous callers, on every resource the stack owns plus another role, an IAM user and the cluster's nodes, and every Read and List action on sensitive content (log groups, the trail, secrets, SSM parameters, the account's CloudTrail event history; catalog SENSITIVE_READ_TYPES, view_logs for operator and system_admin only): whatever is possible and the guide's access matrix and role permissions (catalog/iam-allow.ts) do not grant fails. Service roles are held to their job's lines (by the service that assumes them; AWS-managed service-role policies only where the line names them).",
    controls: [
        "IAM-BOUNDARY",
        "RBAC-ADMIN-PERMS",
        "RBAC-AGENT-PERMS",
        "RBAC-OPERATOR-NO-SECURITY",
        "ACC-RES-ALLOCATE",
        "ACC-DATA-METRICS-WRITE",
    ],
    severity: "critical",
    validate: (args, report) => {
        for (const f of surfaceOf(args.resources)) {
            const more = f.actions.length > MAX_ACTIONS ? ` (+${f.actions.length - MAX_ACTIONS} more)` : "";
            report(
                `[${f.control}] ${f.principal} can ${f.actions.slice(0, MAX_ACTIONS).join(", ")}${more} on ${f.target}${f.escalation ? " (privilege escalation)" : ""}, which the guide does not grant it (allowed by ${f.why.join(", ") || "?"})`,
                f.urn,
            );
        }
    },
});
