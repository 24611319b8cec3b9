/**
 * Istio authorization as Istio evaluates it (istio.io "Authorization Policy" reference, security.istio.io/v1):
 * for a request to a workload, CUSTOM policies first, then DENY (any match denies), then ALLOW: when any ALLOW
 * policy applies to the workload, a request matching none of them is denied; when none applies, it is allowed.
 * A policy applies to a workload when it sits in the root namespace (mesh-wide) or the workload's namespace and
 * its selector matches. An ALLOW policy with no rules matches nothing (so `spec: {}` denies all); a rule `{}`
 * matches everything; inside a rule `from`, `to` and `when` are ANDed, entries of each list ORed; inside one
 * source or operation the fields are ANDed and the values of one field ORed; `not*` fields exclude.
 */

type Obj = Record<string, unknown>;

export interface AuthzPolicy {
    name: string;
    namespace: string;
    action: "ALLOW" | "DENY" | "CUSTOM" | "AUDIT";
    /** matchLabels of spec.selector; undefined: the whole namespace (or mesh, in the root namespace). */
    selector?: Record<string, string>;
    /** targetRef(s) set: applies to a gateway / service, not to sidecar workloads we model. */
    targeted: boolean;
    rules: Obj[];
}

/** One request as the sidecar of the destination workload sees it. */
export interface Request {
    /** Source principal (`<trustDomain>/ns/<ns>/sa/<sa>`), or undefined for a plain-text / unauthenticated peer. */
    principal?: string;
    method: string;
    path: string;
    port?: number;
}

export interface Workload {
    namespace: string;
    labels: Record<string, string>;
}

function obj(v: unknown): Obj {
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

function strs(v: unknown): string[] {
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((s): s is string => typeof s === "string");
}

function objs(v: unknown): Obj[] {
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(obj);
}

/** Reads an AuthorizationPolicy object (metadata + spec) as the plan holds it. */
export function parseAuthz(props: Obj): AuthzPolicy {
    const m = obj(props.metadata);
    const spec = obj(props.spec);
    const action = typeof spec.action === "string" ? spec.action : "ALLOW";
    const sel = obj(spec.selector);
    return {
        name: String(m.name ?? "?"),
        namespace: String(m.namespace ?? "default"),
        action: (["ALLOW", "DENY", "CUSTOM", "AUDIT"].includes(action) ? action : "ALLOW") as AuthzPolicy["action"],
        selector: spec.selector === undefined ? undefined : (obj(sel.matchLabels) as Record<string, string>),
        targeted: spec.targetRef !== undefined || spec.targetRefs !== undefined,
        rules: objs(spec.rules),
    };
}

/** Istio string match: exact, `prefix*`, `*suffix` or `*`. */
export function matchValue(pattern: string, value: string | undefined): boolean {
    if (value === undefined) {
        return false;
    }
    if (pattern === "*") {
        return true;
    }
    if (pattern.endsWith("*")) {
        return value.startsWith(pattern.slice(0, -1));
    }
    if (pattern.startsWith("*")) {
        return value.endsWith(pattern.slice(1));
    }
    return pattern === value;
}

/** A field with values and not-values: matches when some value matches (or none given) and no not-value does. */
function field(values: string[], notValues: string[], value: string | undefined): boolean {
    if (values.length > 0 && !values.some((p) => matchValue(p, value))) {
        return false;
    }
    return !notValues.some((p) => matchValue(p, value));
}

/** Namespace and service account of a SPIFFE-style principal. */
export function principalParts(principal: string | undefined): { namespace?: string; serviceAccount?: string } {
    const m = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal ?? "");
    return m ? { namespace: m[1], serviceAccount: m[2] } : {};
}

function sourceMatches(source: Obj, req: Request): boolean {
    const { namespace: ns, serviceAccount: sa } = principalParts(req.principal);
    const nsSa = ns && sa ? `${ns}/${sa}` : undefined;
    // Fields we cannot evaluate for a mesh identity (IPs, JWT principals) match nothing of a request that has
    // none, which is how Istio treats a missing attribute.
    const requestPrincipals = strs(source.requestPrincipals);
    const ipFields = strs(source.ipBlocks).length + strs(source.remoteIpBlocks).length;
    return (
        field(strs(source.principals), strs(source.notPrincipals), req.principal) &&
        field(strs(source.namespaces), strs(source.notNamespaces), ns) &&
        field(strs(source.serviceAccounts), strs(source.notServiceAccounts), nsSa) &&
        (requestPrincipals.length === 0 || requestPrincipals.includes("*")) &&
        ipFields === 0
    );
}

function operationMatches(op: Obj, req: Request): boolean {
    const port = req.port === undefined ? undefined : String(req.port);
    return (
        field(strs(op.methods), strs(op.notMethods), req.method) &&
        field(strs(op.paths), strs(op.notPaths), req.path) &&
        field(strs(op.ports), strs(op.notPorts), port) &&
        strs(op.hosts).length === 0
    );
}

/** Does a rule match? `when` conditions we cannot evaluate are assumed to hold (the permissive reading). */
function ruleMatches(rule: Obj, req: Request, permissiveWhen: boolean): boolean {
    const from = objs(rule.from);
    const to = objs(rule.to);
    const when = objs(rule.when);
    const fromOk = from.length === 0 || from.some((f) => sourceMatches(obj(f.source), req));
    const toOk = to.length === 0 || to.some((t) => operationMatches(obj(t.operation), req));
    return fromOk && toOk && (when.length === 0 || permissiveWhen);
}

function selects(p: AuthzPolicy, w: Workload, rootNamespace: string): boolean {
    if (p.targeted) {
        return false;
    }
    if (p.namespace !== rootNamespace && p.namespace !== w.namespace) {
        return false;
    }
    return Object.entries(p.selector ?? {}).every(([k, v]) => w.labels[k] === v);
}

/**
 * Istio's decision for one request to one workload. ALLOW rules are read permissively (unknown `when`
 * conditions hold) and DENY rules strictly (they deny only when surely matching), so `allowed` is what an
 * attacker could at best obtain.
 */
export function decide(
    policies: AuthzPolicy[],
    w: Workload,
    req: Request,
    rootNamespace: string,
): { allowed: boolean; by?: string } {
    const applicable = policies.filter((p) => selects(p, w, rootNamespace));
    for (const p of applicable.filter((x) => x.action === "CUSTOM")) {
        // An external authorizer decides; we cannot know it allows, so it never widens access here.
        if (p.rules.some((r) => ruleMatches(r, req, true))) {
            return { allowed: false, by: `${p.namespace}/${p.name} (CUSTOM)` };
        }
    }
    for (const p of applicable.filter((x) => x.action === "DENY")) {
        if (p.rules.some((r) => ruleMatches(r, req, false))) {
            return { allowed: false, by: `${p.namespace}/${p.name} (DENY)` };
        }
    }
    const allows = applicable.filter((x) => x.action === "ALLOW");
    if (allows.length === 0) {
        return { allowed: true, by: "no ALLOW policy applies" };
    }
    const hit = allows.find((p) => p.rules.some((r) => ruleMatches(r, req, true)));
    return hit ? { allowed: true, by: `${hit.namespace}/${hit.name} (ALLOW)` } : { allowed: false };
}

/** Candidate values for a probe: the intended ones, plus ones any policy names, plus outsiders. */
export function probeValues(policies: AuthzPolicy[], key: "methods" | "paths", seed: string[]): string[] {
    const out = new Set(seed);
    for (const p of policies) {
        for (const r of p.rules) {
            for (const t of objs(r.to)) {
                const op = obj(t.operation);
                for (const v of [...strs(op[key]), ...strs(op[key === "methods" ? "notMethods" : "notPaths"])]) {
                    // A wildcard pattern stands for the values it matches: probe one concrete instance.
                    out.add(v.endsWith("*") ? `${v.slice(0, -1)}probe` : v.startsWith("*") ? `/probe${v.slice(1)}` : v);
                }
            }
        }
    }
    return [...out];
}
