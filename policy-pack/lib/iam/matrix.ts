import { DATA_STORE_TAG, LOG_SOURCE_TAG } from "../../catalog/data";
import {
    ACCESS_MATRIX,
    ACCESS_MATRIX_ALSO_ALLOWED,
    ACCESS_MATRIX_CONTROLS,
    METRICS_NAMESPACE_ROOT,
    POD_NAMESPACE_SESSION_TAG,
    PRIVILEGED_PROBES,
    SERVICE_DATA_EXEMPTIONS,
} from "../../catalog/identity";
import { RequestContext } from "./conditions";
import { parseDocument } from "./document";
import { Decision, evaluate, Principal, Request } from "./evaluate";
import { buildModel, IamModel, ModelResource, ModelRole, PlanResource } from "./model";
import { GENERIC_OUTSIDER_ACCOUNT, outsiderContext, outsiderLabel, outsidersOf } from "./outsiders";

/** A principal of the matrix: a group of the plan's roles with identical permissions, or a synthetic one. */
export interface MatrixPrincipal {
    /** rbac role, "service:<svc>" or "unlisted" / "external-account" / "anonymous". */
    id: string;
    label: string;
    roles: ModelRole[];
    principal: Principal;
}

export interface MatrixRow {
    data: string;
    action: string;
    principal: string;
    /** Number of roles of the plan this row stands for (0 for synthetic principals). */
    roles: number;
    allowed: "yes" | "no" | "conditional";
    /** Context keys without which the request is denied. */
    requiredConditions: string[];
    expected: "allow" | "deny" | "either";
    reason?: string;
    control: string;
    ok: boolean;
    /** Why: the policy statements that allow it, or the deny that stops it. */
    why: string;
    /** Resource the cell is about (URN), for violations. */
    urn?: string;
}

/** Context keys a caller can satisfy, and the guide condition each one stands for. */
const FAVORABLE: { key: string; good: string; bad: string; guide: string }[] = [
    { key: "aws:multifactorauthpresent", good: "true", bad: "false", guide: "mfa_verified" },
    { key: "aws:securetransport", good: "true", bad: "false", guide: "encryption_verified" },
    { key: "s3:signatureversion", good: "AWS4-HMAC-SHA256", bad: "AWS", guide: "signature_verified" },
];
const KEY_NAMES: Record<string, string> = {
    "aws:multifactorauthpresent": "aws:MultiFactorAuthPresent",
    "aws:securetransport": "aws:SecureTransport",
    "s3:signatureversion": "s3:signatureversion",
};

function favorable(): RequestContext {
    return Object.fromEntries(FAVORABLE.map((f) => [f.key, [f.good]]));
}

/** Groups roles whose permissions are identical (1,000 agent roles share one policy set: one evaluation). */
function principalsOf(model: IamModel): MatrixPrincipal[] {
    const mentioned = new Set<string>();
    const texts = [...model.buckets, ...model.keys, ...model.others].map((r) =>
        JSON.stringify(r.policy?.document ?? ""),
    );
    for (const role of model.roles) {
        if (texts.some((t) => t.includes(role.arn))) {
            mentioned.add(role.arn);
        }
    }
    const groups = new Map<string, MatrixPrincipal>();
    for (const role of model.roles) {
        const id = role.rbac ?? `service:${role.trustedServices.join(",") || role.name}`;
        const sig = JSON.stringify([
            id,
            role.principal.identity.map((d) => d.name).sort(),
            role.principal.boundary?.name,
            role.principal.tags,
            mentioned.has(role.arn) ? role.arn : "",
            role.unreadable.length,
            role.unexpandable,
        ]);
        const g = groups.get(sig);
        if (g) {
            g.roles.push(role);
            g.label = `${id} (${g.roles.length} roles)`;
        } else {
            groups.set(sig, {
                id,
                label: role.rbac ? `${id} ${role.name}` : role.name,
                roles: [role],
                principal: role.principal,
            });
        }
    }
    const everything = parseDocument({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })!;
    const admin = { name: "AdministratorAccess (assumed)", document: everything };
    return [
        ...groups.values(),
        {
            id: "unlisted",
            label: "any other role of the account (administrator, no boundary)",
            roles: [],
            principal: {
                kind: "role",
                arn: `arn:${model.partition}:iam::${model.account}:role/unlisted-administrator`,
                account: model.account,
                identity: [admin],
            },
        },
        {
            id: "external-account",
            label: "a role of another account (administrator there)",
            roles: [],
            principal: {
                kind: "role",
                arn: `arn:${model.partition}:iam::999999999999:role/outsider`,
                account: "999999999999",
                identity: [admin],
            },
        },
        { id: "anonymous", label: "anonymous caller", roles: [], principal: { kind: "anonymous", identity: [] } },
    ];
}

interface Cell {
    /** Why the cell cannot be evaluated (a policy of its resources is unknown or unreadable). */
    unevaluable?: string;
    data: string;
    action: string;
    control: string;
    roles: readonly string[];
    conditions: readonly string[];
    requests: Request[];
    urn?: string;
}

function dataCells(model: IamModel): Cell[] {
    const cells: Cell[] = [];
    const s3 = `s3.${model.region}.amazonaws.com`;
    for (const [data, access] of Object.entries(ACCESS_MATRIX.data_access)) {
        const bucket = model.buckets.find((b) => b.tags[DATA_STORE_TAG] === data);
        for (const [action, spec] of Object.entries(access)) {
            const control = ACCESS_MATRIX_CONTROLS[`${data}/${action}`];
            if (!bucket) {
                cells.push({ data, action, control, roles: spec.roles, conditions: spec.conditions, requests: [] });
                continue;
            }
            const keyArn = model.bucketKeys.get(bucket.arn);
            const key = model.keys.find((k) => k.arn === keyArn);
            const object = `${bucket.arn}/access-matrix-probe`;
            const s3Actions = action === "read" ? ["s3:GetObject"] : ["s3:PutObject"];
            const kmsActions = action === "read" ? ["kms:Decrypt"] : ["kms:GenerateDataKey"];
            const requests: Request[] = [
                ...s3Actions.map((a) => ({
                    action: a,
                    resource: object,
                    resourceAccount: model.account,
                    ...(bucket.policy ? { resourcePolicy: bucket.policy } : {}),
                })),
                ...(key
                    ? kmsActions.map((a) => ({
                          action: a,
                          resource: key.arn,
                          resourceAccount: model.account,
                          isKmsKey: true,
                          ...(key.policy ? { resourcePolicy: key.policy } : {}),
                          context: { "kms:viaservice": [s3] } as RequestContext,
                      }))
                    : []),
            ];
            const unreadable = [bucket, ...(key ? [key] : [])].filter((r) => r.unreadable);
            cells.push({
                data,
                action,
                control,
                roles: spec.roles,
                conditions: spec.conditions,
                requests,
                urn: bucket.resource.urn,
                ...(unreadable.length > 0
                    ? {
                          unevaluable: `unknown or unreadable policy of ${unreadable.map((r) => r.resource.name).join(", ")}`,
                      }
                    : {}),
            });
        }
    }
    return cells;
}

function computeCells(model: IamModel, resources: PlanResource[]): Cell[] {
    const spec = ACCESS_MATRIX.resource_access.compute_resources;
    const cluster = model.clusterName ?? "";
    const groups = resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup");
    const ng = String(groups[0]?.props.nodeGroupName ?? groups[0]?.name ?? "nodes");
    const p = model.partition;
    const asg = `arn:${p}:autoscaling:${model.region}:${model.account}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/eks-${ng}`;
    const nodegroup = `arn:${p}:eks:${model.region}:${model.account}:nodegroup/${cluster}/${ng}/probe`;
    const tagged: RequestContext = { "aws:resourcetag/eks:cluster-name": [cluster] };
    const req = (action: string, resource: string, context: RequestContext = {}): Request => ({
        action,
        resource,
        resourceAccount: model.account,
        context,
    });
    return [
        {
            data: "compute_resources",
            action: "allocate",
            control: ACCESS_MATRIX_CONTROLS["compute_resources/allocate"],
            roles: spec.allocate.roles,
            conditions: spec.allocate.conditions,
            requests: [req("autoscaling:SetDesiredCapacity", asg, tagged), req("eks:UpdateNodegroupConfig", nodegroup)],
            urn: groups[0]?.urn,
        },
        {
            data: "compute_resources",
            action: "monitor",
            control: ACCESS_MATRIX_CONTROLS["compute_resources/monitor"],
            roles: spec.monitor.roles,
            conditions: spec.monitor.conditions,
            requests: [
                req("cloudwatch:GetMetricData", "*"),
                req("cloudwatch:DescribeAlarms", `arn:${p}:cloudwatch:${model.region}:${model.account}:alarm:*`),
            ],
            urn: groups[0]?.urn,
        },
    ];
}

function run(principal: Principal, requests: Request[], extra: RequestContext): Decision[] {
    return requests.map((r) => evaluate(principal, { ...r, context: { ...extra, ...r.context } }));
}

function expectation(cell: Cell, mp: MatrixPrincipal): { expected: MatrixRow["expected"]; reason?: string } {
    const key = `${cell.data}/${cell.action}`;
    // Cannot evaluate (e.g. documents unknown during a preview): neither a pass nor a failure is claimed.
    const unknown = cell.unevaluable ?? unreadableOf(mp);
    if (unknown) {
        return { expected: "either", reason: `cannot evaluate: ${unknown}` };
    }
    if (mp.id === "unlisted" && !key.endsWith("_data/read") && !key.endsWith("_data/write")) {
        // Without a resource policy only identity policies decide: a role outside the stack is not the plan's.
        return { expected: "either", reason: "no resource policy: only the role's own policies decide" };
    }
    if (mp.roles.length > 0 && cell.roles.includes(mp.id)) {
        return { expected: "allow" };
    }
    const also = ACCESS_MATRIX_ALSO_ALLOWED.find((a) => a.cell === key && a.role === mp.id);
    if (also) {
        return { expected: "either", reason: also.reason };
    }
    const service = SERVICE_DATA_EXEMPTIONS.find(
        (e) => e.cells.includes(key) && mp.roles.some((r) => r.trustedServices.includes(e.service)),
    );
    if (service) {
        return { expected: "either", reason: service.reason };
    }
    return { expected: "deny" };
}

function unreadableOf(mp: MatrixPrincipal): string | undefined {
    const what = mp.roles.flatMap((r) => r.unreadable);
    return what.length > 0 ? `unknown or unreadable ${[...new Set(what)].join(", ")}` : undefined;
}

export interface AccessMatrix {
    rows: MatrixRow[];
    /** Privileged requests a principal can make that the catalog does not allow it. */
    privileged: { principal: string; message: string; urn: string; control: string }[];
    /** Resource-policy grants to principals outside the account. */
    external: {
        resource: string;
        action: string;
        principal: string;
        why: string;
        urn: string;
        kind: string;
        /** The outsider is an account the policy itself names (not the generic one, not anonymous). */
        named: boolean;
    }[];
    /** Roles the model cannot fully evaluate. */
    unevaluable: { role: string; urn: string; what: string[]; unexpandable: string[] }[];
}

const CONTROL_BY_ROLE: Record<string, string> = {
    agent: "RBAC-AGENT-PERMS",
    operator: "RBAC-OPERATOR-NO-SECURITY",
    system_admin: "RBAC-ADMIN-PERMS",
};

/** The guide's access matrix, simulated for every principal of the plan (and three it does not name). */
/** What no principal outside the account may do with a resource of the stack, per resource kind. */
export const OUTSIDER_PROBES: Record<"key" | "bucket" | "topic" | "secret", readonly string[]> = {
    key: [
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
    ],
    bucket: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy"],
    topic: ["sns:Publish", "sns:Subscribe", "sns:SetTopicAttributes"],
    secret: ["secretsmanager:GetSecretValue", "secretsmanager:PutResourcePolicy"],
};

export function computeAccessMatrix(resources: PlanResource[], model: IamModel = buildModel(resources)): AccessMatrix {
    const principals = principalsOf(model);
    const rows: MatrixRow[] = [];
    for (const cell of [...dataCells(model), ...computeCells(model, resources)]) {
        for (const mp of principals) {
            const { expected, reason } = expectation(cell, mp);
            if (cell.requests.length === 0) {
                rows.push({
                    data: cell.data,
                    action: cell.action,
                    principal: mp.label,
                    roles: mp.roles.length,
                    allowed: "no",
                    requiredConditions: [],
                    expected,
                    control: cell.control,
                    ok: expected !== "allow",
                    why: `no resource of the plan is ${cell.data}`,
                });
                continue;
            }
            const best = run(mp.principal, cell.requests, favorable());
            const possible = best.every((d) => d.possible);
            const definite = best.every((d) => d.definite);
            const required: string[] = [];
            if (possible) {
                for (const f of FAVORABLE) {
                    const without = run(mp.principal, cell.requests, { ...favorable(), [f.key]: [f.bad] });
                    if (!without.every((d) => d.possible)) {
                        required.push(KEY_NAMES[f.key]);
                    }
                }
            }
            const allowed: MatrixRow["allowed"] = definite ? "yes" : possible ? "conditional" : "no";
            const missing = cell.conditions.filter((c) =>
                FAVORABLE.some(
                    (f) => f.guide === c && f.guide !== "encryption_verified" && !required.includes(KEY_NAMES[f.key]),
                ),
            );
            const ok = expected === "either" || (expected === "allow" ? definite && missing.length === 0 : !possible);
            const why = possible
                ? [...new Set(best.flatMap((d) => d.allowedBy))].join(", ") || "allowed"
                : (best.map((d) => d.deniedBy).find((d) => d) ?? "no policy allows it");
            rows.push({
                data: cell.data,
                action: cell.action,
                principal: mp.label,
                roles: mp.roles.length,
                allowed,
                requiredConditions: required,
                expected,
                ...(reason ? { reason } : {}),
                control: cell.control,
                ok,
                why: missing.length > 0 && expected === "allow" ? `${why}; not required: ${missing.join(", ")}` : why,
                ...(cell.urn ? { urn: cell.urn } : {}),
            });
        }
    }

    // identity_management.rbac.roles.agent: report_status, namespace_bound. An agent session carries its pod's
    // namespace as a session tag; it may report status only into its own metric namespace.
    for (const mp of principals.filter((p) => p.id === "agent" && !unreadableOf(p))) {
        const own = "agent-own";
        const cases: { action: string; namespace: string; expected: "allow" | "deny" }[] = [
            {
                action: "report status (own namespace)",
                namespace: `${METRICS_NAMESPACE_ROOT}/Agents/${own}`,
                expected: "allow",
            },
            {
                action: "report status (another agent's namespace)",
                namespace: `${METRICS_NAMESPACE_ROOT}/Agents/agent-other`,
                expected: "deny",
            },
            {
                action: "report status (outside the agents' namespaces)",
                namespace: `${METRICS_NAMESPACE_ROOT}/Platform`,
                expected: "deny",
            },
        ];
        for (const c of cases) {
            const d = evaluate(mp.principal, {
                action: "cloudwatch:PutMetricData",
                resource: "*",
                resourceAccount: model.account,
                context: {
                    [`aws:principaltag/${POD_NAMESPACE_SESSION_TAG}`]: [own],
                    "cloudwatch:namespace": [c.namespace],
                },
            });
            const ok = c.expected === "allow" ? d.definite : !d.possible;
            rows.push({
                data: "agent_status",
                action: c.action,
                principal: mp.label,
                roles: mp.roles.length,
                allowed: d.definite ? "yes" : d.possible ? "conditional" : "no",
                requiredConditions: [],
                expected: c.expected,
                control: "RBAC-AGENT-PERMS",
                ok,
                why: d.possible ? d.allowedBy.join(", ") : (d.deniedBy ?? "no policy allows it"),
                urn: mp.roles[0].resource.urn,
            });
        }
    }

    // Privileged probes for the stack's own roles.
    const privileged: AccessMatrix["privileged"] = [];
    const stackRole = model.roles.find((r) => r.rbac === "system_admin") ?? model.roles[0];
    const auditBuckets = model.buckets.filter((b) => b.tags[LOG_SOURCE_TAG] === "audit");
    const dataBuckets = model.buckets.filter((b) => b.tags[DATA_STORE_TAG] !== undefined);
    const targets = (
        t: string,
        action: string,
    ): { arn: string; res?: Pick<ModelResource, "policy" | "unreadable">; kms?: boolean }[] => {
        const svc = action.split(":")[0];
        switch (t) {
            case "stackRole": {
                if (!stackRole) {
                    return [];
                }
                // Assuming a role: its trust policy is the root of trust, like a key policy (it must allow,
                // directly or by naming the account, and then an identity policy must allow).
                const trust = svc === "sts" ? parseDocument(stackRole.resource.props.assumeRolePolicy) : undefined;
                return [
                    {
                        arn: stackRole.arn,
                        ...(trust ? { res: { policy: { name: `trust ${stackRole.name}`, document: trust } } } : {}),
                        ...(trust ? { kms: true } : {}),
                    },
                ];
            }
            case "anyRole":
                return [{ arn: `arn:${model.partition}:iam::${model.account}:role/probe` }];
            case "key":
                return model.keys.map((k) => ({ arn: k.arn, res: k, kms: true }));
            case "auditLogBucket":
                return auditBuckets.map((b) => ({ arn: `${b.arn}/probe`, res: b }));
            case "dataBucket":
                return dataBuckets.map((b) => ({ arn: b.arn, res: b }));
            default:
                return [
                    {
                        arn:
                            svc === "iam"
                                ? `arn:${model.partition}:iam::${model.account}:user/probe`
                                : `arn:${model.partition}:${svc}:${model.region}:${model.account}:probe/probe`,
                    },
                ];
        }
    };
    for (const mp of principals.filter((p) => p.roles.length > 0 && !unreadableOf(p))) {
        for (const probe of PRIVILEGED_PROBES) {
            if (
                probe.allowedFor.some((r) => r === mp.id) ||
                (probe.allowedForServices ?? []).some((e) => mp.roles[0].trustedServices.includes(e.service))
            ) {
                continue;
            }
            for (const t of targets(probe.target, probe.action)) {
                if (t.res?.unreadable) {
                    continue; // cannot evaluate against an unknown resource policy
                }
                const d = evaluate(mp.principal, {
                    action: probe.action,
                    resource: t.arn,
                    resourceAccount: model.account,
                    ...(t.res?.policy ? { resourcePolicy: t.res.policy } : {}),
                    ...(t.kms ? { isKmsKey: true } : {}),
                    // A fresh MFA sign-in is within the caller's reach too (trust policies bound its age).
                    context: { ...favorable(), "aws:multifactorauthage": ["60"] },
                });
                if (d.possible) {
                    privileged.push({
                        principal: mp.label,
                        message: `${mp.label} can ${probe.action} (${probe.reason}) on ${t.arn} (allowed by ${d.allowedBy.join(", ") || "?"})`,
                        urn: mp.roles[0].resource.urn,
                        control: (mp.roles[0].rbac && CONTROL_BY_ROLE[mp.roles[0].rbac]) || "IAM-BOUNDARY",
                    });
                    break;
                }
            }
        }
    }

    // Each boundary as a ceiling: even under administrator identity policies it must stop the requests no
    // role of the stack may make (a boundary that allows everything limits nothing).
    const everythingDoc = parseDocument({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })!;
    const seen = new Set<string>();
    for (const role of model.roles) {
        const b = role.principal.boundary;
        if (!b || seen.has(b.name)) {
            continue;
        }
        seen.add(b.name);
        for (const probe of PRIVILEGED_PROBES.filter((x) => x.target === "foreign" && x.allowedFor.length === 0)) {
            for (const t of targets(probe.target, probe.action)) {
                const d = evaluate(
                    {
                        ...role.principal,
                        identity: [{ name: "AdministratorAccess (assumed)", document: everythingDoc }],
                    },
                    { action: probe.action, resource: t.arn, resourceAccount: model.account, context: favorable() },
                );
                if (d.possible) {
                    const name = b.name.replace(/^boundary /, "");
                    privileged.push({
                        principal: `the permissions boundary ${name}`,
                        message: `the permissions boundary ${name} lets ${probe.action} through on ${t.arn} (${probe.reason}; allowed by ${d.allowedBy.join(", ")})`,
                        urn: role.boundaryUrn ?? role.resource.urn,
                        control: "IAM-BOUNDARY",
                    });
                }
            }
        }
    }

    // Resource policies that let another account (or anyone) in.
    const external: AccessMatrix["external"] = [];
    for (const res of [...model.keys, ...model.buckets, ...model.others]) {
        if (!res.policy) {
            continue;
        }
        for (const action of OUTSIDER_PROBES[res.kind]) {
            for (const o of outsidersOf(res.policy.document, model.account, model.partition)) {
                const d = evaluate(o, {
                    action,
                    resource: res.kind === "bucket" && action.endsWith("Object") ? `${res.arn}/probe` : res.arn,
                    resourceAccount: model.account,
                    resourcePolicy: res.policy,
                    isKmsKey: res.kind === "key",
                    context: { ...favorable(), ...outsiderContext() },
                });
                if (d.possible) {
                    external.push({
                        resource: res.arn,
                        action,
                        principal: outsiderLabel(o, "a role of another account (administrator there)"),
                        named: o.kind !== "anonymous" && o.account !== GENERIC_OUTSIDER_ACCOUNT,
                        why:
                            d.allowedBy.filter((a) => a.startsWith(`${res.policy?.name}:`)).join(", ") ||
                            `${res.policy?.name} names the account ${o.account ?? ""}`,
                        urn: res.resource.urn,
                        kind: res.kind,
                    });
                }
            }
        }
    }

    const unevaluable = model.roles
        .filter((r) => r.unreadable.length > 0 || r.unexpandable.length > 0)
        .map((r) => ({ role: r.name, urn: r.resource.urn, what: r.unreadable, unexpandable: r.unexpandable }));
    return { rows, privileged, external, unevaluable };
}
