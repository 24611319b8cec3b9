import {
    EVENT_HISTORY,
    EVENT_HISTORY_READS,
    READ_ALLOW_LIST,
    RUN_AS_TYPES,
    SENSITIVE_READ_TYPES,
    SurfaceGrant,
    surfaceControlOf,
    TargetSelector,
    WRITE_ALLOW_LIST,
} from "../../catalog/iam-allow";
import { createHash } from "crypto";
import { changingActionsOn, isPermissionsManagement, readingActionsOn } from "./actions";
import { ANY, RequestContext } from "./conditions";
import { actionMatches, arnMatches, glob, PolicyDocument, Statement } from "./document";
import { evaluate, Principal } from "./evaluate";
import { inventoryOf, Target } from "./inventory";
import { buildModel, IamModel, ModelRole, PlanResource } from "./model";
import { GENERIC_OUTSIDER_ACCOUNT, outsiderContext, outsiderLabel, outsidersOf } from "./outsiders";

/**
 * The write surface: for every principal of the plan and outside it, every action of the catalog that changes
 * a resource (Write, Permissions management, Tagging) on every resource the stack owns and on the targets an
 * escalation aims at, evaluated; whatever is possible and the catalog's allow-list (the guide's matrix and
 * role permissions, catalog/iam-allow.ts) does not grant is a finding. Conditions on keys the caller supplies
 * or the model does not know are undecided (any value), so a grant that some request can use counts.
 *
 * Cost: only actions some Allow statement can name are evaluated (statements' action lists are matched once
 * per statement and resource type), and roles with identical policies are evaluated once.
 */
export interface SurfaceFinding {
    control: string;
    principal: string;
    target: string;
    urn?: string;
    actions: string[];
    escalation: boolean;
    why: string[];
}

interface SurfacePrincipal {
    id: string;
    label: string;
    principal: Principal;
    roles: ModelRole[];
    outsider: boolean;
}

/**
 * Roles a resource policy of the plan names by ARN (a key, bucket, secret or topic policy): each is its own
 * principal, since what that policy gives it is not what it gives the roles it is grouped with.
 */
function rolesNamedByResourcePolicies(resources: PlanResource[], model: IamModel): Set<string> {
    const text = resources
        .filter((r) => !r.type.startsWith("aws:iam/"))
        .flatMap((r) => Object.entries(r.props).filter(([k, v]) => /polic/i.test(k) && typeof v === "string"))
        .map(([, v]) => v as string)
        .join("\n");
    return new Set(model.roles.map((r) => r.arn).filter((arn) => arn && text.includes(arn)));
}

function groups(model: IamModel, named: Set<string> = new Set()): SurfacePrincipal[] {
    const out = new Map<string, SurfacePrincipal>();
    for (const role of model.roles) {
        if (role.unreadable.length > 0) {
            continue; // cannot evaluate; the access matrix reports it
        }
        const id = role.rbac ?? `service:${role.trustedServices.join(",") || role.name}`;
        const sig = JSON.stringify([
            id,
            role.principal.identity.map((d) => d.name).sort(),
            role.principal.boundary?.name,
            role.rbac && !named.has(role.arn) ? role.principal.tags : role.arn,
        ]);
        const g = out.get(sig);
        if (g) {
            g.roles.push(role);
            g.label = `${id} (${g.roles.length} roles)`;
        } else {
            out.set(sig, {
                id,
                label: role.rbac ? `${id} ${role.name}` : `service role ${role.name}`,
                principal: role.principal,
                roles: [role],
                outsider: false,
            });
        }
    }
    return [
        ...out.values(),
        {
            id: "account-role",
            label: "any other role of the account",
            // Its own identity policies are the account's, not the stack's: what the stack's resource policies
            // give it directly is what is judged.
            principal: {
                kind: "role",
                arn: `arn:${model.partition}:iam::${model.account}:role/any-other-role`,
                account: model.account,
                identity: [],
            },
            roles: [],
            outsider: true,
        },
    ];
}

const ACCOUNT_KEYS = /^(aws:principalaccount|aws:sourceaccount|aws:resourceaccount|kms:calleraccount|aws:sourceowner)$/;
const ARN_KEYS = /^(aws:principalarn|aws:sourcearn|aws:userid)$/;

/**
 * Outsiders a policy names: in its principals (outsidersOf), in its conditions (an account in
 * aws:PrincipalAccount / kms:CallerAccount, a role ARN in aws:PrincipalArn) and in wildcard patterns (an
 * account `*` or `1111*` stands for an account matching it).
 */
export function outsidersNamed(doc: PolicyDocument, own: string, partition: string): Principal[] {
    const base = outsidersOf(doc, own, partition);
    const seen = new Set(base.map((p) => p.arn ?? p.kind));
    const admin = base.find((p) => p.kind === "role")?.identity ?? [];
    const addRole = (arn: string, account: string) => {
        if (account !== own && !seen.has(arn)) {
            seen.add(arn);
            base.push({ kind: "role", arn, account, identity: admin });
        }
    };
    // An account a pattern admits, told apart from the generic outsider (999999999999).
    const fill = (pattern: string) => pattern.replace(/\?/g, "8").replace(/\*/g, "").padEnd(12, "8").slice(0, 12);
    for (const s of doc.statements.filter((x) => x.effect === "Allow")) {
        const entries = s.principal && s.principal !== "*" ? (s.principal.AWS ?? []) : [];
        for (const e of entries) {
            const m = /^arn:[^:]+:(?:iam|sts)::([^:]+):(.*)$/.exec(e);
            const account = m?.[1] ?? (/^[\d*?]{1,12}$/.test(e) ? e : undefined);
            if (account && /[*?]/.test(account)) {
                const acct = fill(account);
                const rest = (m?.[2] ?? "root").replace(/\*/g, "x");
                addRole(`arn:${partition}:iam::${acct}:${rest.startsWith("role/") ? rest : "role/outsider"}`, acct);
            }
        }
        for (const c of s.conditions) {
            for (const v of c.values) {
                if (ACCOUNT_KEYS.test(c.key) && /^[\d*?]{1,12}$/.test(v)) {
                    const acct = /[*?]/.test(v) ? fill(v) : v;
                    addRole(`arn:${partition}:iam::${acct}:role/outsider`, acct);
                } else if (ARN_KEYS.test(c.key)) {
                    const m = /^arn:[^:]+:(?:iam|sts)::([\d*?]+):(.*)$/.exec(v);
                    if (m) {
                        const acct = /[*?]/.test(m[1]) ? fill(m[1]) : m[1];
                        const rest = m[2].replace(/\*/g, "x").replace(/\?/g, "x");
                        addRole(
                            `arn:${partition}:iam::${acct}:${rest.startsWith("role/") ? rest : "role/outsider"}`,
                            acct,
                        );
                    }
                }
            }
        }
    }
    return base;
}

// ------------------------------------------------------------------------------------------------ allow-list

function selects(sel: TargetSelector, t: Target, model: IamModel, keyArns: Map<string, string[]>): boolean {
    if (sel.synthetic && t.synthetic && sel.synthetic.includes(t.synthetic)) {
        return true;
    }
    if (t.synthetic) {
        return false;
    }
    if (sel.types && !sel.types.includes(t.type)) {
        return false;
    }
    if (sel.tags && !Object.entries(sel.tags).every(([k, v]) => t.tags[k] === v)) {
        return false;
    }
    if (sel.keyOfBucketTagged) {
        const [k, v] = Object.entries(sel.keyOfBucketTagged)[0];
        if (!(keyArns.get(`${k}=${v}`) ?? []).includes(t.arns[0])) {
            return false;
        }
    }
    if (sel.arnLike) {
        const vars: Record<string, string> = {
            partition: model.partition,
            account: model.account,
            region: model.region,
            cluster: model.clusterName ?? "",
        };
        const patterns = sel.arnLike.map((p) => p.replace(/\$\{(\w+)\}/g, (_, n: string) => vars[n] ?? ""));
        if (!t.arns.some((a) => patterns.some((p) => arnMatches(p, a)))) {
            return false;
        }
    }
    return sel.types !== undefined || sel.tags !== undefined || sel.keyOfBucketTagged !== undefined || !!sel.arnLike;
}

function grantFor(
    sp: SurfacePrincipal,
    action: string,
    t: Target,
    model: IamModel,
    keyArns: Map<string, string[]>,
    allowedBy: string[],
): SurfaceGrant | undefined {
    const services = sp.roles[0]?.trustedServices ?? [];
    // The identity statements that grant it (the boundary only limits).
    const sources = allowedBy.filter(
        (a) => !a.startsWith("boundary ") && !(t.policy && a.startsWith(`${t.policy.name}:`)),
    );
    return [...WRITE_ALLOW_LIST, ...READ_ALLOW_LIST].find(
        (g) =>
            g.who.some((w) => w === sp.id || (w.startsWith("service:") && services.includes(w.slice(8)))) &&
            g.actions.some((p) => actionMatches(p, action)) &&
            selects(g.on, t, model, keyArns) &&
            (!g.viaManaged || sources.every((a) => g.viaManaged!.some((m) => a.startsWith(`${m}:`)))) &&
            (!g.on.trustedOnlyBy ||
                (() => {
                    const role = model.roles.find((r) => r.arn === t.arns[0]);
                    return (
                        role !== undefined &&
                        role.trustedServices.length > 0 &&
                        role.trustedServices.every((x) => g.on.trustedOnlyBy!.includes(x))
                    );
                })()),
    );
}

/** Request-context keys that describe the caller: absent for an anonymous caller, never "any value". */
const CALLER_KEYS = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltype",
    "aws:principalservicename",
    "aws:principalservicenameslist",
    "kms:calleraccount",
    "aws:userid",
    "aws:username",
];

function isEscalation(action: string, t: Target): boolean {
    const svc = action.split(":")[0].toLowerCase();
    return (
        isPermissionsManagement(action) ||
        svc === "iam" ||
        svc === "sts" ||
        t.synthetic === "node" ||
        RUN_AS_TYPES.includes(t.type)
    );
}

/**
 * iam:PassRole on a role: the services it can be passed to (those its trust admits; any for a role outside the
 * plan), or null when no service may assume it. undefined for every other action.
 */
function passTargets(action: string, t: Target, model: IamModel): string[] | null | undefined {
    if (action !== "iam:passrole") {
        return undefined;
    }
    if (t.synthetic === "account-role") {
        return undefined; // any service: the key stays undecided
    }
    const role = model.roles.find((r) => r.arn === t.arns[0]);
    return role && role.trustedServices.length > 0 ? role.trustedServices : null;
}

// --------------------------------------------------------------------------------------------- evaluation

/** Actions of a statement that can name a resource type, matched once per statement and type. */
const matched = new WeakMap<Statement, Map<string[], string[]>>();
function statementActions(s: Statement, catalog: string[]): string[] {
    let m = matched.get(s);
    if (!m) {
        m = new Map();
        matched.set(s, m);
    }
    let out = m.get(catalog);
    if (!out) {
        const test = matcher(s.actions ?? s.notActions ?? []);
        out = s.actions ? catalog.filter((a) => test(a)) : catalog.filter((a) => !test(a));
        m.set(catalog, out);
    }
    return out;
}

/** An action list as one test: exact names in a set, patterns only for the services they can name. */
function matcher(patterns: string[]): (action: string) => boolean {
    if (patterns.includes("*")) {
        return () => true;
    }
    const exact = new Set(patterns.filter((p) => !/[*?]/.test(p)).map((p) => p.toLowerCase()));
    const wild = patterns.filter((p) => /[*?]/.test(p));
    return (a) => exact.has(a.toLowerCase()) || wild.some((p) => actionMatches(p, a));
}

/** A principal's identity Allow statements, listed once. */
const allows = new WeakMap<Principal, Statement[]>();
function allowsOf(p: Principal): Statement[] {
    let out = allows.get(p);
    if (!out) {
        out = p.identity.flatMap((d) => d.document.statements.filter((s) => s.effect === "Allow"));
        allows.set(p, out);
    }
    return out;
}

const resourceMayMatch = (s: Statement, arn: string): boolean =>
    s.resources
        ? s.resources.some((p) => p.includes("${") || glob(p, arn, false))
        : !(s.notResources ?? []).some((p) => !p.includes("${") && glob(p, arn, false));

/**
 * Whether a resource-policy statement can grant the principal anything of its own. Naming the principal's own
 * account delegates to its identity policies (already candidates), except for a caller of another account,
 * whose identity is taken to allow everything.
 */
function principalMayMatch(s: Statement, p: Principal, foreign: boolean): boolean {
    if (s.notPrincipal || s.principal === "*") {
        return true;
    }
    const aws = s.principal?.AWS ?? [];
    return (
        p.kind === "role" &&
        aws.some(
            (e) =>
                e === p.arn ||
                (e.includes("*") && glob(e, p.arn ?? "", false)) ||
                (foreign && (e.includes(`:${p.account}:`) || e === p.account)),
        )
    );
}

const memo = new Map<string, { action: string; allowedBy: string[] }[]>();
const MEMO_LIMIT = 200_000;
const hash = (v: unknown): string =>
    createHash("sha1")
        .update(JSON.stringify(v) ?? "")
        .digest("base64");
const principalSigs = new WeakMap<Principal, string>();
function principalSig(p: Principal): string {
    let sig = principalSigs.get(p);
    if (!sig) {
        sig = hash([p.kind, p.arn, p.account, p.service, p.tags, p.identity, p.boundary]);
        principalSigs.set(p, sig);
    }
    return sig;
}

/** Every changing request a principal can possibly make on a target (its ARN and those under it). */
/**
 * A role of the plan carries the tags the plan gives it: a principal tag it lacks is absent, except the session
 * tags EKS Pod Identity sets (kubernetes-namespace, ...), which are the session's, not the role's.
 */
function ownTagsOnly(p: Principal, tagsAbsent: RequestContext): RequestContext {
    const own = new Set(Object.keys(p.tags ?? {}).map((k) => `aws:principaltag/${k.toLowerCase()}`));
    return Object.fromEntries(Object.entries(tagsAbsent).filter(([k]) => !own.has(k) && !POD_SESSION_TAG.test(k)));
}

const POD_SESSION_TAG =
    /^aws:principaltag\/(eks-cluster-(arn|name)|kubernetes-(namespace|service-account|pod-name|pod-uid))$/;

function possibleOn(
    sp: SurfacePrincipal,
    t: Target,
    ctx: RequestContext,
    callerAbsent: RequestContext,
    tagsAbsent: RequestContext,
    model: IamModel,
): { action: string; allowedBy: string[] }[] {
    const out: { action: string; allowedBy: string[] }[] = [];
    // A caller from another account (or none) needs the resource policy: its own policies alone grant nothing.
    const foreign = sp.principal.kind === "anonymous" || sp.principal.account !== model.account;
    for (const arn of t.arns) {
        // Changing actions everywhere; Read / List ones on sensitive content (catalog SENSITIVE_READ_TYPES).
        const catalog =
            t.type === EVENT_HISTORY
                ? EVENT_HISTORY_READS
                : SENSITIVE_READ_TYPES.includes(t.type)
                  ? readsAndChanges(arn)
                  : changingActionsOn(arn);
        if (catalog.length === 0) {
            continue;
        }
        // Cheapest test first: the statement's actions for this resource type are matched once.
        const candidates = new Set<string>();
        for (const s of foreign ? [] : allowsOf(sp.principal)) {
            const acts = statementActions(s, catalog);
            if (acts.length > 0 && resourceMayMatch(s, arn)) {
                acts.forEach((a) => candidates.add(a));
            }
        }
        for (const s of t.policy?.document.statements ?? []) {
            if (s.effect !== "Allow") {
                continue;
            }
            const acts = statementActions(s, catalog);
            if (acts.length > 0 && principalMayMatch(s, sp.principal, foreign) && resourceMayMatch(s, arn)) {
                acts.forEach((a) => candidates.add(a));
            }
        }
        for (const action of candidates) {
            const lower = action.toLowerCase();
            const sts = lower.startsWith("sts:");
            // Service-linked roles live under role/aws-service-role/ with permissions AWS fixes.
            if (/^iam:(create|delete)servicelinkedrole$/.test(lower) && !arn.includes(":role/aws-service-role/")) {
                continue;
            }
            // Passing a role hands it to a service it trusts: a role no service may assume gives nothing.
            const passedTo = passTargets(lower, t, model);
            if (passedTo === null) {
                continue;
            }
            const usesPolicy = t.policy && (!t.trust || sts);
            const context: RequestContext = sp.outsider
                ? {
                      ...ctx,
                      // Another role of the account: not one of the platform's (it carries none of the tags
                      // the platform and its agent stacks give their roles, as it bears none of their names).
                      ...(sp.principal.kind === "anonymous" ? callerAbsent : tagsAbsent),
                      ...(foreign ? outsiderContext() : {}),
                      // Another account assuming a role: without the ExternalId it was given, without MFA.
                      ...(t.trust ? { "sts:externalid": [], "aws:multifactorauthpresent": [] } : {}),
                  }
                : { ...ctx, ...ownTagsOnly(sp.principal, tagsAbsent) };
            const d = evaluate(sp.principal, {
                action,
                resource: arn,
                resourceAccount: model.account,
                ...(usesPolicy && t.policy ? { resourcePolicy: t.policy } : {}),
                ...(t.rootOfTrust && (!t.trust || sts) ? { isKmsKey: true } : {}),
                context: passedTo ? { ...context, "iam:passedtoservice": passedTo } : context,
            });
            if (d.possible) {
                out.push({ action, allowedBy: d.allowedBy });
            }
        }
    }
    return out;
}

const readsAndChangesOf = new Map<string, string[]>();
function readsAndChanges(arn: string): string[] {
    let out = readsAndChangesOf.get(arn);
    if (!out) {
        out = [...changingActionsOn(arn), ...readingActionsOn(arn)];
        readsAndChangesOf.set(arn, out);
    }
    return out;
}

/** Every possible changing request a principal can make on a target, granted by the allow-list or not. */
export type SurfaceTally = (principal: string, target: string, action: string, granted: boolean) => void;

export function computeSurface(
    resources: PlanResource[],
    model: IamModel = buildModel(resources),
    tally?: SurfaceTally,
): SurfaceFinding[] {
    const targets = [
        ...inventoryOf(resources, model),
        {
            label: "the account's CloudTrail event history",
            type: EVENT_HISTORY,
            arns: [`arn:${model.partition}:cloudtrail:${model.region}:${model.account}:event-history`],
            tags: {},
        },
    ];
    const principals = groups(model, rolesNamedByResourcePolicies(resources, model));
    // Keys of the data stores, for the allow-list's "key of the bucket tagged ..." selectors.
    const keyArns = new Map<string, string[]>();
    for (const b of model.buckets) {
        const key = model.bucketKeys.get(b.arn);
        for (const [k, v] of Object.entries(b.tags)) {
            if (key) {
                keyArns.set(`${k}=${v}`, [...(keyArns.get(`${k}=${v}`) ?? []), key]);
            }
        }
    }
    // Resource tag keys any policy tests: known from the plan (a tag the resource lacks is absent).
    const tagKeys = new Set<string>();
    const principalTagKeys = new Set<string>();
    const docs = [
        ...model.roles.flatMap((r) => [
            ...r.principal.identity,
            ...(r.principal.boundary ? [r.principal.boundary] : []),
        ]),
        ...targets.flatMap((t) => (t.policy ? [t.policy] : [])),
    ];
    for (const d of docs) {
        for (const s of d.document.statements) {
            for (const c of s.conditions) {
                if (c.key.includes(":resourcetag/")) {
                    tagKeys.add(c.key);
                } else if (c.key.startsWith("aws:principaltag/")) {
                    principalTagKeys.add(c.key);
                }
            }
        }
    }
    const findings = new Map<string, SurfaceFinding>();
    const record = (sp: SurfacePrincipal, t: Target, action: string, why: string[], escalation: boolean) => {
        const key = `${sp.label}|${t.label}`;
        const f = findings.get(key) ?? {
            control: surfaceControlOf(sp.roles[0]?.rbac, sp.outsider),
            principal: sp.label,
            target: t.label,
            ...((t.urn ?? sp.roles[0]?.resource.urn) ? { urn: t.urn ?? sp.roles[0]?.resource.urn } : {}),
            actions: [],
            escalation: false,
            why: [],
        };
        if (!f.actions.includes(action)) {
            f.actions.push(action);
        }
        f.escalation ||= escalation;
        for (const w of why) {
            if (!f.why.includes(w)) {
                f.why.push(w);
            }
        }
        findings.set(key, f);
    };

    // Principal keys of a caller from elsewhere: its own (set by principalContext) or none.
    const callerAbsent: RequestContext = Object.fromEntries(
        [...CALLER_KEYS, ...principalTagKeys].map((k) => [k, [] as string[]]),
    );
    // A role of another account carries its own ARN and account (principalContext), but none of our tags.
    const tagsAbsent: RequestContext = Object.fromEntries([...principalTagKeys].map((k) => [k, [] as string[]]));
    const runSig = hash([model.account, model.partition, model.region, [...tagKeys], [...principalTagKeys]]);
    for (const t of targets) {
        if (t.unreadable) {
            continue; // cannot evaluate against an unknown policy; the resource's own policy reports it
        }
        const ctx: RequestContext = { "*": ANY, "aws:resourceaccount": [model.account] };
        for (const k of tagKeys) {
            const tag = k.slice(k.indexOf("/") + 1);
            const value = Object.entries(t.tags).find(([n]) => n.toLowerCase() === tag)?.[1];
            ctx[k] = value !== undefined ? [value] : [];
        }
        const outsiders = t.policy
            ? outsidersNamed(t.policy.document, model.account, model.partition).map((o): SurfacePrincipal => ({
                  id: "outsider",
                  label: outsiderLabel(o, "a role of another account"),
                  principal: o,
                  roles: [],
                  outsider: true,
              }))
            : [];
        const targetSig = hash([t.arns, t.tags, t.policy?.document, t.rootOfTrust, t.trust, t.synthetic]);
        for (const sp of [...principals, ...outsiders]) {
            if (!sp.outsider && sp.id !== "account-role" && sp.roles.length === 0) {
                continue;
            }
            // What a principal can do to a target depends on both alone (and the run's context keys): a plan
            // that differs in one resource (a self-test variant) evaluates only what that resource touches.
            const key = `${runSig}|${principalSig(sp.principal)}|${targetSig}`;
            let possible = memo.get(key);
            if (!possible) {
                possible = possibleOn(sp, t, ctx, callerAbsent, tagsAbsent, model);
                if (memo.size > MEMO_LIMIT) {
                    memo.clear();
                }
                memo.set(key, possible);
            }
            for (const { action, allowedBy } of possible) {
                const granted = !sp.outsider && grantFor(sp, action, t, model, keyArns, allowedBy) !== undefined;
                tally?.(sp.label, t.label, action, granted);
                if (granted) {
                    continue;
                }
                record(sp, t, action, allowedBy, isEscalation(action, t));
            }
        }
    }
    return [...findings.values()];
}

export { GENERIC_OUTSIDER_ACCOUNT };
