import { arnMatches, ConditionEntry, glob } from "./document";

/**
 * A request context value: the key's values, or ANY when the caller can make it whatever it likes (or when
 * the model does not know it). Keys absent from the context are absent from the request.
 */
export const ANY = Symbol("any value");
export type ContextValue = string[] | typeof ANY;
/** Keys lower-cased. The key "*" gives the value of every key not listed (ANY: "any request context"). */
export type RequestContext = Record<string, ContextValue>;

const lookup = (ctx: RequestContext, key: string): ContextValue | undefined =>
    Object.prototype.hasOwnProperty.call(ctx, key) ? ctx[key] : ctx["*"];

/** Three-valued: a condition is met, not met, or cannot be decided from the context. */
export type Tri = "yes" | "no" | "maybe";

const triAnd = (a: Tri, b: Tri): Tri =>
    a === "no" || b === "no" ? "no" : a === "maybe" || b === "maybe" ? "maybe" : "yes";

interface Op {
    match(policy: string, ctx: string): boolean;
    negated: boolean;
}

const num = (s: string) => (s.trim() === "" ? NaN : Number(s));
const date = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));
const cmp =
    (f: (p: number, c: number) => boolean, parse: (s: string) => number) =>
    (p: string, c: string): boolean => {
        const pv = parse(p);
        const cv = parse(c);
        return !Number.isNaN(pv) && !Number.isNaN(cv) && f(pv, cv);
    };

/** The operators the evaluator implements (AWS "IAM JSON policy elements: Condition operators"). */
const OPERATORS: Record<string, Op> = {
    stringequals: { match: (p, c) => p === c, negated: false },
    stringnotequals: { match: (p, c) => p === c, negated: true },
    stringequalsignorecase: { match: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false },
    stringnotequalsignorecase: { match: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: true },
    stringlike: { match: (p, c) => glob(p, c, false), negated: false },
    stringnotlike: { match: (p, c) => glob(p, c, false), negated: true },
    arnequals: { match: (p, c) => arnMatches(p, c), negated: false },
    arnlike: { match: (p, c) => arnMatches(p, c), negated: false },
    arnnotequals: { match: (p, c) => arnMatches(p, c), negated: true },
    arnnotlike: { match: (p, c) => arnMatches(p, c), negated: true },
    bool: { match: (p, c) => p.toLowerCase() === c.toLowerCase(), negated: false },
    numericequals: { match: cmp((p, c) => c === p, num), negated: false },
    numericnotequals: { match: cmp((p, c) => c === p, num), negated: true },
    numericlessthan: { match: cmp((p, c) => c < p, num), negated: false },
    numericlessthanequals: { match: cmp((p, c) => c <= p, num), negated: false },
    numericgreaterthan: { match: cmp((p, c) => c > p, num), negated: false },
    numericgreaterthanequals: { match: cmp((p, c) => c >= p, num), negated: false },
    dateequals: { match: cmp((p, c) => c === p, date), negated: false },
    datenotequals: { match: cmp((p, c) => c === p, date), negated: true },
    datelessthan: { match: cmp((p, c) => c < p, date), negated: false },
    datelessthanequals: { match: cmp((p, c) => c <= p, date), negated: false },
    dategreaterthan: { match: cmp((p, c) => c > p, date), negated: false },
    dategreaterthanequals: { match: cmp((p, c) => c >= p, date), negated: false },
};

/** Replaces ${aws:...} policy variables from the context; undefined when one is absent, ANY when unknown. */
export function substitute(value: string, ctx: RequestContext): string | undefined | typeof ANY {
    if (!value.includes("${")) {
        return value;
    }
    let unknown = false;
    let missing = false;
    const out = value.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name === "*" || name === "?" || name === "$") {
            return name;
        }
        const v = lookup(ctx, name.toLowerCase());
        if (v === ANY) {
            unknown = true;
            return "";
        }
        if (!v || v.length !== 1) {
            missing = true;
            return "";
        }
        return v[0];
    });
    return unknown ? ANY : missing ? undefined : out;
}

/**
 * Evaluates one condition entry against the request context, following AWS's rules: values of one key are
 * ORed (for negated operators: the context matches none of them); a key absent from the context makes a
 * positive operator false and a negated one true; ...IfExists is true when the key is absent; Null tests
 * presence; ForAllValues is true for an absent or empty key, ForAnyValue false. An operator the evaluator does
 * not implement is "maybe": the caller reads it conservatively (see evaluate.ts).
 */
export function evaluateCondition(entry: ConditionEntry, ctx: RequestContext): Tri {
    let op = entry.operator.toLowerCase();
    let set: "any" | "all" | undefined;
    if (op.startsWith("forallvalues:")) {
        set = "all";
        op = op.slice("forallvalues:".length);
    } else if (op.startsWith("foranyvalue:")) {
        set = "any";
        op = op.slice("foranyvalue:".length);
    }
    const value = lookup(ctx, entry.key);
    if (op === "null") {
        if (value === ANY) {
            return "maybe";
        }
        const absent = value === undefined || value.length === 0;
        return entry.values.some((v) => (v.toLowerCase() === "true") === absent) ? "yes" : "no";
    }
    let ifExists = false;
    if (op.endsWith("ifexists")) {
        ifExists = true;
        op = op.slice(0, -"ifexists".length);
    }
    const operator = OPERATORS[op];
    if (!operator) {
        return "maybe";
    }
    if (value === ANY) {
        return "maybe";
    }
    if (value === undefined || value.length === 0) {
        if (ifExists) {
            return "yes";
        }
        if (set === "all") {
            return "yes";
        }
        if (set === "any") {
            return "no";
        }
        return operator.negated ? "yes" : "no";
    }
    const policyValues: string[] = [];
    let unknown = false;
    for (const raw of entry.values) {
        const v = substitute(raw, ctx);
        if (v === ANY) {
            unknown = true;
        } else if (v !== undefined) {
            policyValues.push(v);
        }
    }
    if (unknown) {
        return "maybe";
    }
    const matchesOne = (c: string) => policyValues.some((p) => operator.match(p, c));
    // A negated operator is true when the context value matches none of the policy values.
    const holds = (c: string) => (operator.negated ? !matchesOne(c) : matchesOne(c));
    if (set === "all") {
        return value.every(holds) ? "yes" : "no";
    }
    if (operator.negated && set === undefined) {
        return value.every(holds) ? "yes" : "no";
    }
    return value.some(holds) ? "yes" : "no";
}

/** All entries of a statement's Condition block must hold (AND across operators and keys). */
export function evaluateConditions(entries: ConditionEntry[], ctx: RequestContext): Tri {
    let result: Tri = "yes";
    for (const e of entries) {
        result = triAnd(result, evaluateCondition(e, ctx));
        if (result === "no") {
            return "no";
        }
    }
    return result;
}
