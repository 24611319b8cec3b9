// identity_management.authorization on AWS as an allow-list: every changing request of every principal, evaluated.

import { PolicyResource } from "@pulumi/policy";
import { computeSurface, SurfaceFinding } from "../../lib/iam/surface";
import { TYPES } from "../../lib/iam/model";
import { stackPolicy } from "../lib";

/** Types the surface reads beyond the IAM model's: grant-like resources and everything with an ARN. */
let last: { key: string; findings: SurfaceFinding[] } | undefined;
const MODEL_TYPES = new Set<string>(Object.values(TYPES));

function surfaceOf(resources: PolicyResource[]): SurfaceFinding[] {
    // The analyzer hands each stack policy its own copy; the key is the input the surface reads.
    const key = JSON.stringify(
        resources.map((r) => [r.urn, MODEL_TYPES.has(r.type) || r.type.includes("olicy") ? r.props : r.props.arn]),
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
        "Every action of the catalog's Write, Permissions management and Tagging access levels, for every role of the plan, any other role of the account, every account a policy names (in principals, conditions or patterns) and anonymous callers, on every resource the stack owns plus another role, an IAM user and the cluster's nodes: whatever is possible and the guide's access matrix and role permissions (catalog/iam-allow.ts) do not grant fails. Service roles are held to their job's lines (by the service that assumes them; AWS-managed service-role policies only where the line names them).",
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
