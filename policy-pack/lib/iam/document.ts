/**
 * IAM policy documents, normalised once: every "one or many" element becomes a list, patterns are compiled
 * once and cached, and unreadable documents are `undefined` (the caller decides: cannot evaluate, never a pass).
 */

export type Effect = "Allow" | "Deny";

/** Principal element: "*" (everyone) or typed lists (AWS account / ARN, Service, Federated, CanonicalUser). */
export type PrincipalSet = "*" | Record<string, string[]>;

export interface ConditionEntry {
    /** Operator as written, e.g. StringEquals, ForAnyValue:StringLike, ArnNotLikeIfExists. */
    operator: string;
    /** Condition key, lower-cased (keys are case-insensitive). */
    key: string;
    values: string[];
}

export interface Statement {
    sid: string;
    effect: Effect;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principal?: PrincipalSet;
    notPrincipal?: PrincipalSet;
    conditions: ConditionEntry[];
}

export interface PolicyDocument {
    statements: Statement[];
}

type Obj = Record<string, unknown>;

function list(value: unknown): string[] | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    const items = Array.isArray(value) ? value : [value];
    return items.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

function principalSet(value: unknown): PrincipalSet | undefined {
    if (value === undefined || value === null) {
        return undefined;
    }
    if (value === "*") {
        return "*";
    }
    if (typeof value !== "object" || Array.isArray(value)) {
        return { AWS: list(value) ?? [] };
    }
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(value as Obj)) {
        out[k] = list(v) ?? [];
    }
    // {"AWS": "*"} is everyone as well (AWS documents it as equivalent to "*" for IAM principals).
    return out.AWS?.includes("*") ? "*" : out;
}

function conditionsOf(value: unknown): ConditionEntry[] {
    const out: ConditionEntry[] = [];
    if (!value || typeof value !== "object") {
        return out;
    }
    for (const [operator, block] of Object.entries(value as Obj)) {
        for (const [key, v] of Object.entries((block ?? {}) as Obj)) {
            out.push({
                operator,
                key: key.toLowerCase(),
                values: (Array.isArray(v) ? v : [v]).map((x) => String(x)),
            });
        }
    }
    return out;
}

/** Parses a policy document (JSON string or object); undefined when it is not a readable policy. */
export function parseDocument(doc: unknown): PolicyDocument | undefined {
    let parsed: unknown = doc;
    if (typeof doc === "string") {
        try {
            parsed = JSON.parse(doc);
        } catch {
            return undefined;
        }
    }
    if (!parsed || typeof parsed !== "object") {
        return undefined;
    }
    const raw = (parsed as Obj).Statement;
    if (raw === undefined) {
        return undefined;
    }
    const statements: Statement[] = [];
    for (const [i, s] of (Array.isArray(raw) ? raw : [raw]).entries()) {
        if (!s || typeof s !== "object") {
            return undefined;
        }
        const o = s as Obj;
        if (o.Effect !== "Allow" && o.Effect !== "Deny") {
            return undefined;
        }
        statements.push({
            sid: typeof o.Sid === "string" && o.Sid !== "" ? o.Sid : `#${i}`,
            effect: o.Effect,
            actions: list(o.Action),
            notActions: list(o.NotAction),
            resources: list(o.Resource),
            notResources: list(o.NotResource),
            principal: principalSet(o.Principal),
            notPrincipal: principalSet(o.NotPrincipal),
            conditions: conditionsOf(o.Condition),
        });
    }
    return { statements };
}

const compiled = { i: new Map<string, RegExp>(), c: new Map<string, RegExp>() };

/** IAM glob (* any run, ? one character), compiled once per pattern and case mode. */
export function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
    if (!pattern.includes("*") && !pattern.includes("?")) {
        return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
    }
    const cache = ignoreCase ? compiled.i : compiled.c;
    let re = cache.get(pattern);
    if (!re) {
        const body = pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".");
        re = new RegExp(`^${body}$`, ignoreCase ? "is" : "s");
        cache.set(pattern, re);
    }
    return re.test(value);
}

/** Action patterns are case-insensitive ("s3:getobject" = "s3:GetObject"). */
export const actionMatches = (pattern: string, action: string): boolean => glob(pattern, action, true);

/**
 * ARN matching as ArnLike does it: each of the six colon-separated parts separately (a * does not cross a
 * colon, except in the last part, the resource, which may itself contain colons).
 */
export function arnMatches(pattern: string, arn: string): boolean {
    if (pattern === "*") {
        return true;
    }
    const p = pattern.split(":");
    const a = arn.split(":");
    if (p.length < 6 || a.length < 6) {
        return glob(pattern, arn, false);
    }
    for (let i = 0; i < 5; i++) {
        if (!glob(p[i], a[i], false)) {
            return false;
        }
    }
    return glob(p.slice(5).join(":"), a.slice(5).join(":"), false);
}
