/**
 * EventBridge event patterns ("Amazon EventBridge event patterns", "Content filtering in Amazon EventBridge
 * event patterns") and SNS subscription filter policies (the same matching language), evaluated against one
 * event. A leaf is an array of alternatives; an alternative is a literal (string, number, null, boolean:
 * exact, numbers compared as numbers) or a filter: prefix, suffix (both optionally equals-ignore-case),
 * equals-ignore-case, wildcard, anything-but (a value, a list, or a prefix / suffix / wildcard), numeric
 * (ranges), exists, cidr. An array in the event matches when any element does. `$or` takes alternatives.
 */

type Json = unknown;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export class EventPatternError extends Error {}

/** Does `pattern` (object or JSON text) match `event`? Throws EventPatternError on a malformed pattern. */
export function eventMatches(pattern: Json, event: Json): boolean {
    const p = typeof pattern === "string" ? (JSON.parse(pattern) as Json) : pattern;
    if (!isObj(p)) {
        throw new EventPatternError("an event pattern is a JSON object");
    }
    return matchObject(p, event);
}

function matchObject(pattern: Obj, value: Json): boolean {
    return Object.entries(pattern).every(([key, sub]) => {
        if (key === "$or") {
            if (!Array.isArray(sub)) {
                throw new EventPatternError("$or takes an array of patterns");
            }
            return sub.some((alt) => isObj(alt) && matchObject(alt, value));
        }
        const field = isObj(value) ? value[key] : undefined;
        if (isObj(sub)) {
            // Nested pattern: into an object, or any object of an array.
            const candidates = Array.isArray(field) ? field : [field];
            return candidates.some((c) => isObj(c) && matchObject(sub, c));
        }
        if (!Array.isArray(sub)) {
            throw new EventPatternError(`the pattern of ${key} must be an array or an object`);
        }
        return matchLeaf(sub, field);
    });
}

/** Scalars of an event field (arrays flattened); absent: []. */
function scalars(field: Json): Json[] {
    if (field === undefined) {
        return [];
    }
    return Array.isArray(field) ? field.flatMap(scalars) : isObj(field) ? [] : [field];
}

function matchLeaf(alternatives: Json[], field: Json): boolean {
    const values = scalars(field);
    return alternatives.some((alt) => {
        if (isObj(alt)) {
            if ("exists" in alt) {
                return alt.exists === (field !== undefined && !isObj(field));
            }
            return values.some((v) => matchFilter(alt, v));
        }
        return values.some((v) => literalEquals(alt, v));
    });
}

function literalEquals(a: Json, v: Json): boolean {
    if (typeof a === "number" && typeof v === "number") {
        return a === v;
    }
    return a === v;
}

const str = (v: Json): string | undefined => (typeof v === "string" ? v : undefined);

function glob(pattern: string, value: string): boolean {
    const parts = pattern.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${parts.join(".*")}$`, "s").test(value);
}

/** prefix / suffix: a string, or { "equals-ignore-case": string }. */
function affix(spec: Json, v: string, kind: "prefix" | "suffix"): boolean {
    const ci = isObj(spec) ? str(spec["equals-ignore-case"]) : undefined;
    const s = ci ?? str(spec);
    if (s === undefined) {
        throw new EventPatternError(`${kind} takes a string`);
    }
    const [a, b] = ci !== undefined ? [v.toLowerCase(), s.toLowerCase()] : [v, s];
    return kind === "prefix" ? a.startsWith(b) : a.endsWith(b);
}

function matchFilter(f: Obj, v: Json): boolean {
    const s = str(v);
    if ("prefix" in f) {
        return s !== undefined && affix(f.prefix, s, "prefix");
    }
    if ("suffix" in f) {
        return s !== undefined && affix(f.suffix, s, "suffix");
    }
    if ("equals-ignore-case" in f) {
        return s !== undefined && s.toLowerCase() === String(f["equals-ignore-case"]).toLowerCase();
    }
    if ("wildcard" in f) {
        return s !== undefined && glob(String(f.wildcard), s);
    }
    if ("anything-but" in f) {
        const but = f["anything-but"];
        if (isObj(but)) {
            return !matchFilter(but, v);
        }
        return !(Array.isArray(but) ? but : [but]).some((b) => literalEquals(b, v));
    }
    if ("numeric" in f) {
        return typeof v === "number" && numeric(f.numeric, v);
    }
    if ("cidr" in f) {
        return s !== undefined && inCidr(String(f.cidr), s);
    }
    throw new EventPatternError(`unknown filter ${Object.keys(f).join(", ")}`);
}

function numeric(spec: Json, v: number): boolean {
    if (!Array.isArray(spec) || spec.length % 2 !== 0) {
        throw new EventPatternError("numeric takes operator / number pairs");
    }
    for (let i = 0; i < spec.length; i += 2) {
        const [op, n] = [spec[i], Number(spec[i + 1])];
        const ok =
            op === "="
                ? v === n
                : op === ">"
                  ? v > n
                  : op === ">="
                    ? v >= n
                    : op === "<"
                      ? v < n
                      : op === "<="
                        ? v <= n
                        : undefined;
        if (ok === undefined) {
            throw new EventPatternError(`unknown numeric operator ${String(op)}`);
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

function inCidr(cidr: string, ip: string): boolean {
    const [base, bits] = cidr.split("/");
    const toInt = (a: string) => {
        const p = a.split(".").map(Number);
        return p.length === 4 && p.every((x) => x >= 0 && x < 256)
            ? ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0
            : NaN;
    };
    const [b, i, n] = [toInt(base), toInt(ip), Number(bits ?? 32)];
    if (Number.isNaN(b) || Number.isNaN(i)) {
        return false;
    }
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    return (b & mask) === (i & mask);
}

/**
 * Does an SNS subscription's filter policy admit a message? Scope MessageAttributes (SNS's default) matches
 * the message attributes' values; MessageBody matches the JSON body. No policy admits everything.
 */
export function snsFilterAdmits(
    filterPolicy: unknown,
    scope: unknown,
    message: { body: Json; attributes: Record<string, Json> },
): boolean {
    if (filterPolicy === undefined || filterPolicy === null || filterPolicy === "") {
        return true;
    }
    const policy = typeof filterPolicy === "string" ? (JSON.parse(filterPolicy) as Json) : filterPolicy;
    if (!isObj(policy) || Object.keys(policy).length === 0) {
        return true;
    }
    return eventMatches(policy, scope === "MessageBody" ? message.body : message.attributes);
}
