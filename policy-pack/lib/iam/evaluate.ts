import { ANY, evaluateConditions, RequestContext, substitute, Tri } from "./conditions";
import { actionMatches, glob, PolicyDocument, PrincipalSet, Statement } from "./document";

/**
 * The request evaluator: AWS's policy evaluation logic for one request ("How AWS enforcement code logic
 * evaluates requests to allow or deny access", IAM User Guide), reduced to what a stack defines:
 * - an explicit Deny in any applicable policy (identity, boundary, resource) denies;
 * - same account: allowed when an identity policy OR the resource policy allows, and the permissions boundary
 *   allows (a resource-policy grant to a role ARN is limited by the role's boundary; the model has no role
 *   sessions); KMS keys are the exception: the key policy must allow, directly or by naming the account
 *   (delegation to IAM, then the identity policy must allow);
 * - cross account: the resource policy AND the identity policy (within the boundary) must allow;
 * - SCPs, RCPs and session policies are out of scope (the stack defines none).
 * Conditions are three-valued (conditions.ts). The result says whether the request is possibly allowed
 * (undecidable conditions read as met on Allow and not met on Deny: "can it happen?") and definitely allowed
 * (the opposite reading). A must-deny check uses `possible`; a must-allow check uses `definite`.
 */

export interface Principal {
    kind: "role" | "service" | "anonymous";
    /** Role ARN (kind role) */
    arn?: string;
    account?: string;
    /** Service principal, e.g. backup.amazonaws.com (kind service). */
    service?: string;
    identity: NamedDocument[];
    boundary?: NamedDocument;
    tags?: Record<string, string>;
}

export interface NamedDocument {
    name: string;
    document: PolicyDocument;
}

export interface Request {
    action: string;
    resource: string;
    /** Account that owns the resource. */
    resourceAccount: string;
    /** The resource's own policy (bucket, key, secret, topic policy), if it has one. */
    resourcePolicy?: NamedDocument;
    /** KMS keys: the key policy is the only root of trust. */
    isKmsKey?: boolean;
    context?: RequestContext;
}

export interface Decision {
    possible: boolean;
    definite: boolean;
    /** Policy / statement of a Deny that certainly applies. */
    deniedBy?: string;
    /** Policies / statements whose Allow applies (or may apply). */
    allowedBy: string[];
}

const triOr = (a: Tri, b: Tri): Tri =>
    a === "yes" || b === "yes" ? "yes" : a === "maybe" || b === "maybe" ? "maybe" : "no";
const triAnd = (a: Tri, b: Tri): Tri =>
    a === "no" || b === "no" ? "no" : a === "maybe" || b === "maybe" ? "maybe" : "yes";

/** Action patterns of a statement, split once: exact names (a set) and wildcard patterns. */
interface CompiledActions {
    exact: Set<string>;
    patterns: string[];
}
const compiledActions = new WeakMap<string[], CompiledActions>();

function compile(list: string[]): CompiledActions {
    let c = compiledActions.get(list);
    if (!c) {
        c = { exact: new Set(), patterns: [] };
        for (const p of list) {
            if (p.includes("*") || p.includes("?")) {
                c.patterns.push(p);
            } else {
                c.exact.add(p.toLowerCase());
            }
        }
        compiledActions.set(list, c);
    }
    return c;
}

function listHas(list: string[], action: string): boolean {
    const c = compile(list);
    return c.exact.has(action.toLowerCase()) || c.patterns.some((p) => actionMatches(p, action));
}

function actionIn(s: Statement, action: string): boolean {
    if (s.actions) {
        return listHas(s.actions, action);
    }
    if (s.notActions) {
        return !listHas(s.notActions, action);
    }
    return false;
}

/**
 * Statements of a document by the service of their actions, so a request looks only at the statements that
 * can name its action: those listing its service, and those whose service part is a wildcard or that use
 * NotAction. Built once per document.
 */
interface StatementIndex {
    byService: Map<string, Statement[]>;
    always: Statement[];
    /** always + byService, per service asked. */
    merged: Map<string, Statement[]>;
}
const indexes = new WeakMap<PolicyDocument, StatementIndex>();

function indexOf(doc: PolicyDocument): StatementIndex {
    let idx = indexes.get(doc);
    if (!idx) {
        idx = { byService: new Map(), always: [], merged: new Map() };
        for (const s of doc.statements) {
            const services = (s.actions ?? []).map((a) => a.split(":")[0].toLowerCase());
            if (!s.actions || services.some((svc) => svc.includes("*") || svc.includes("?"))) {
                idx.always.push(s);
                continue;
            }
            for (const svc of new Set(services)) {
                idx.byService.set(svc, [...(idx.byService.get(svc) ?? []), s]);
            }
        }
        indexes.set(doc, idx);
    }
    return idx;
}

function candidates(doc: PolicyDocument, action: string): Statement[] {
    const idx = indexOf(doc);
    const svc = action.slice(0, action.indexOf(":")).toLowerCase();
    let list = idx.merged.get(svc);
    if (!list) {
        const own = idx.byService.get(svc);
        list = own ? [...idx.always, ...own] : idx.always;
        idx.merged.set(svc, list);
    }
    return list;
}

function resourcePattern(pattern: string, resource: string, ctx: RequestContext): Tri {
    const p = substitute(pattern, ctx);
    if (p === ANY) {
        return "maybe";
    }
    return p !== undefined && glob(p, resource, false) ? "yes" : "no";
}

function resourceIn(s: Statement, resource: string, ctx: RequestContext): Tri {
    if (s.resources) {
        return s.resources.reduce<Tri>((acc, p) => triOr(acc, resourcePattern(p, resource, ctx)), "no");
    }
    if (s.notResources) {
        const hit = s.notResources.reduce<Tri>((acc, p) => triOr(acc, resourcePattern(p, resource, ctx)), "no");
        return hit === "yes" ? "no" : hit === "maybe" ? "maybe" : "yes";
    }
    // Resource policies may leave Resource out (KMS key policies use "*"; SNS and S3 name themselves).
    return "yes";
}

/** How a Principal element names the requester: directly, through its account (delegation), or not. */
type PrincipalMatch = "direct" | "account" | "none";

const accounts = new Map<string, string | undefined>();
function accountOf(entry: string): string | undefined {
    if (!accounts.has(entry)) {
        accounts.set(
            entry,
            /^\d{12}$/.test(entry) ? entry : (/^arn:[^:]+:iam::(\d{12}):root$/.exec(entry)?.[1] ?? undefined),
        );
    }
    return accounts.get(entry);
}

function principalIn(set: PrincipalSet, p: Principal): PrincipalMatch {
    if (set === "*") {
        return "direct";
    }
    if (p.kind === "service") {
        return (set.Service ?? []).includes(p.service ?? "") ? "direct" : "none";
    }
    if (p.kind === "anonymous") {
        return "none";
    }
    for (const entry of set.AWS ?? []) {
        if (entry === p.arn) {
            return "direct";
        }
        if (accountOf(entry) !== undefined && accountOf(entry) === p.account) {
            return "account";
        }
    }
    return "none";
}

function statementApplies(s: Statement, req: Request, ctx: RequestContext): Tri {
    if (!actionIn(s, req.action)) {
        return "no";
    }
    const r = resourceIn(s, req.resource, ctx);
    return r === "no" ? "no" : triAnd(r, evaluateConditions(s.conditions, ctx));
}

interface Scan {
    allow: Tri;
    deny: Tri;
    allowedBy: string[];
    deniedBy?: string;
}

function scan(doc: NamedDocument, req: Request, ctx: RequestContext, filter?: (s: Statement) => boolean): Scan {
    const out: Scan = { allow: "no", deny: "no", allowedBy: [] };
    for (const s of candidates(doc.document, req.action)) {
        if (filter && !filter(s)) {
            continue;
        }
        const applies = statementApplies(s, req, ctx);
        if (applies === "no") {
            continue;
        }
        if (s.effect === "Deny") {
            out.deny = triOr(out.deny, applies);
            if (applies === "yes" && !out.deniedBy) {
                out.deniedBy = `${doc.name}:${s.sid}`;
            }
        } else {
            out.allow = triOr(out.allow, applies);
            out.allowedBy.push(`${doc.name}:${s.sid}`);
        }
    }
    return out;
}

/** The request context AWS adds for a principal: its ARN, account, tags; the caller's keys win. */
const baseContexts = new WeakMap<Principal, RequestContext>();

export function principalContext(p: Principal, extra: RequestContext = {}): RequestContext {
    const cached = baseContexts.get(p);
    if (cached) {
        return { ...cached, ...extra };
    }
    const ctx: RequestContext = {};
    if (p.kind === "role" && p.arn) {
        ctx["aws:principalarn"] = [p.arn];
        ctx["aws:principaltype"] = ["AssumedRole"];
    }
    if (p.account && p.kind === "role") {
        ctx["aws:principalaccount"] = [p.account];
        ctx["kms:calleraccount"] = [p.account];
    }
    if (p.kind === "service" && p.service) {
        ctx["aws:principalservicename"] = [p.service];
    }
    for (const [k, v] of Object.entries(p.tags ?? {})) {
        ctx[`aws:principaltag/${k.toLowerCase()}`] = [v];
    }
    baseContexts.set(p, ctx);
    return { ...ctx, ...extra };
}

/** Evaluates one request by one principal. */
export function evaluate(p: Principal, req: Request): Decision {
    const ctx = principalContext(p, req.context);
    const identity = p.identity.map((d) => scan(d, req, ctx));
    const boundary = p.boundary ? scan(p.boundary, req, ctx) : undefined;
    let direct: Scan = { allow: "no", deny: "no", allowedBy: [] };
    let viaAccount: Tri = "no";
    if (req.resourcePolicy) {
        const doc = req.resourcePolicy;
        const matching = (s: Statement) => {
            if (s.notPrincipal) {
                return principalIn(s.notPrincipal, p) === "none";
            }
            return s.principal !== undefined && principalIn(s.principal, p) !== "none";
        };
        direct = scan(doc, req, ctx, matching);
        const accountOnly = scan(
            doc,
            req,
            ctx,
            (s) => s.effect === "Allow" && s.principal !== undefined && principalIn(s.principal, p) === "account",
        );
        viaAccount = accountOnly.allow;
        // Allows through the account are delegation, not a grant of their own.
        const directAllow = scan(
            doc,
            req,
            ctx,
            (s) =>
                s.effect === "Allow" &&
                ((s.notPrincipal !== undefined && principalIn(s.notPrincipal, p) === "none") ||
                    (s.principal !== undefined && principalIn(s.principal, p) === "direct")),
        );
        direct = { ...direct, allow: directAllow.allow, allowedBy: directAllow.allowedBy };
    }

    const deny = [...identity, ...(boundary ? [boundary] : []), direct].reduce<Tri>(
        (acc, s) => triOr(acc, s.deny),
        "no",
    );
    const deniedBy = [...identity, ...(boundary ? [boundary] : []), direct].find((s) => s.deniedBy)?.deniedBy;
    const identityAllow = identity.reduce<Tri>((acc, s) => triOr(acc, s.allow), "no");
    const boundaryAllow: Tri = boundary ? boundary.allow : "yes";
    const idWithinBoundary = triAnd(identityAllow, boundaryAllow);

    let allow: Tri;
    if (p.kind !== "role") {
        // Services and anonymous callers have no identity policies here: only the resource policy grants.
        allow = direct.allow;
    } else if (req.isKmsKey) {
        allow = triOr(triAnd(direct.allow, boundaryAllow), triAnd(viaAccount, idWithinBoundary));
    } else if (p.account === req.resourceAccount) {
        allow = triAnd(triOr(identityAllow, direct.allow), boundaryAllow);
    } else {
        allow = triAnd(triOr(direct.allow, viaAccount), idWithinBoundary);
    }
    const allowedBy = [
        ...identity.flatMap((s) => s.allowedBy),
        ...direct.allowedBy,
        ...(boundary ? boundary.allowedBy : []),
    ];
    return {
        possible: deny !== "yes" && allow !== "no",
        definite: deny === "no" && allow === "yes",
        ...(deniedBy ? { deniedBy } : {}),
        allowedBy,
    };
}
