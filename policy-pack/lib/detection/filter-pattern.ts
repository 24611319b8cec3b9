/**
 * CloudWatch Logs filter patterns ("Filter pattern syntax for metric filters, subscription filters and filter
 * log events", CloudWatch Logs User Guide), evaluated against one log event:
 * - "" matches every event;
 * - unstructured: terms (case-sensitive, AND), "quoted phrases", `?term ?term` (OR of the ?-terms), `-term`
 *   (the event must not contain it), `%regex%`;
 * - JSON: `{ $.a.b = value && ($.c != "x*" || $.n >= 3) }`, `IS NULL`, `NOT EXISTS`, `IS TRUE` / `IS FALSE`,
 *   `*` wildcards in string values, array indexes (`$.a[0]`), numeric comparisons;
 * - space-delimited: `[ip, user, status=4*, bytes>100, ...]`: the event's fields split on spaces ("quoted" and
 *   [bracketed] fields are one), matched by position; `...` stands for any number of fields; a field's condition
 *   is `=` / `!=` (with `*` wildcards) or `<` `<=` `>` `>=` (numbers), several joined by `&&` / `||`.
 */

export type FilterMatcher = (event: string) => boolean;

export class FilterPatternError extends Error {}

/** Compiles a pattern once; throws FilterPatternError for what it cannot read. */
export function compileFilterPattern(pattern: string): FilterMatcher {
    const p = pattern.trim();
    if (p === "") {
        return () => true;
    }
    if (p.startsWith("{")) {
        const expr = parseJsonPattern(p);
        return (event) => {
            let doc: unknown;
            try {
                doc = JSON.parse(event);
            } catch {
                return false;
            }
            return expr(doc);
        };
    }
    if (p.startsWith("[")) {
        return compileSpaceDelimited(p);
    }
    return compileTerms(p);
}

/** Does the pattern match the event? (compile + run) */
export function filterMatches(pattern: string, event: string): boolean {
    return compileFilterPattern(pattern)(event);
}

// --- space-delimited ---------------------------------------------------------------------------------------

/** The fields of a space-delimited event: "quoted" and [bracketed] runs are one field each. */
function eventFields(event: string): string[] {
    return [...event.trim().matchAll(/"[^"]*"|\[[^\]]*\]|\S+/g)].map((m) =>
        m[0].startsWith('"') ? m[0].slice(1, -1) : m[0],
    );
}

const fieldWildcard = (v: string) => new RegExp(`^${v.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);

function fieldCondition(spec: string): (value: string) => boolean {
    const or = spec.split("||").map((part) =>
        part.split("&&").map((c) => {
            const m = /^\s*\w+\s*(=|!=|<=|>=|<|>)\s*(.+?)\s*$/.exec(c);
            if (!m) {
                throw new FilterPatternError(`unreadable condition ${c.trim()} in a space-delimited pattern`);
            }
            const [, op, raw] = m;
            const text = raw.replace(/^"(.*)"$/, "$1");
            if (op === "=" || op === "!=") {
                const re = fieldWildcard(text);
                return (v: string) => re.test(v) === (op === "=");
            }
            const n = Number(text);
            if (Number.isNaN(n)) {
                throw new FilterPatternError(`${op} needs a number in a space-delimited pattern (got ${text})`);
            }
            return (v: string) => {
                const x = Number(v);
                return !Number.isNaN(x) && (op === "<" ? x < n : op === "<=" ? x <= n : op === ">" ? x > n : x >= n);
            };
        }),
    );
    return (v) => or.some((all) => all.every((f) => f(v)));
}

function compileSpaceDelimited(p: string): FilterMatcher {
    if (!p.endsWith("]")) {
        throw new FilterPatternError("a space-delimited pattern must end with ]");
    }
    const specs = p
        .slice(1, -1)
        .split(",")
        .map((x) => x.trim());
    const parts = specs.map((spec) =>
        spec === "..." ? ("any" as const) : /^\w+$/.test(spec) ? ("field" as const) : fieldCondition(spec),
    );
    const match = (fields: string[], i: number, j: number): boolean => {
        if (i === parts.length) {
            return j === fields.length;
        }
        const part = parts[i];
        if (part === "any") {
            for (let k = j; k <= fields.length; k++) {
                if (match(fields, i + 1, k)) {
                    return true;
                }
            }
            return false;
        }
        return j < fields.length && (part === "field" || part(fields[j])) && match(fields, i + 1, j + 1);
    };
    return (event) => match(eventFields(event), 0, 0);
}

// --- unstructured terms ------------------------------------------------------------------------------------

function compileTerms(p: string): FilterMatcher {
    const tokens: { text: string; optional: boolean; negated: boolean; regex?: RegExp }[] = [];
    const re = /([?-]?)(?:"((?:[^"\\]|\\.)*)"|%([^%]*)%|(\S+))/g;
    for (let m = re.exec(p); m; m = re.exec(p)) {
        const [, flag, quoted, regex, bare] = m;
        tokens.push({
            text: quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? ""),
            optional: flag === "?",
            negated: flag === "-",
            regex: regex !== undefined ? new RegExp(regex) : undefined,
        });
    }
    const has = (t: (typeof tokens)[number], e: string) => (t.regex ? t.regex.test(e) : e.includes(t.text));
    const optional = tokens.filter((t) => t.optional);
    const required = tokens.filter((t) => !t.optional && !t.negated);
    const negated = tokens.filter((t) => t.negated);
    return (event) =>
        required.every((t) => has(t, event)) &&
        negated.every((t) => !has(t, event)) &&
        (optional.length === 0 || optional.some((t) => has(t, event)));
}

// --- JSON patterns -----------------------------------------------------------------------------------------

type Expr = (doc: unknown) => boolean;

interface Lexer {
    s: string;
    i: number;
}

const ws = (l: Lexer) => {
    while (l.i < l.s.length && /\s/.test(l.s[l.i])) {
        l.i++;
    }
};

function expect(l: Lexer, token: string): void {
    ws(l);
    if (!l.s.startsWith(token, l.i)) {
        throw new FilterPatternError(`expected ${token} at ${l.i} in ${l.s}`);
    }
    l.i += token.length;
}

function peek(l: Lexer, token: string): boolean {
    ws(l);
    return l.s.startsWith(token, l.i);
}

function parseJsonPattern(p: string): Expr {
    const l: Lexer = { s: p, i: 0 };
    expect(l, "{");
    const e = parseOr(l);
    expect(l, "}");
    ws(l);
    if (l.i !== l.s.length) {
        throw new FilterPatternError(`unexpected text after } in ${p}`);
    }
    return e;
}

function parseOr(l: Lexer): Expr {
    const parts = [parseAnd(l)];
    while (peek(l, "||")) {
        l.i += 2;
        parts.push(parseAnd(l));
    }
    return parts.length === 1 ? parts[0] : (d) => parts.some((x) => x(d));
}

function parseAnd(l: Lexer): Expr {
    const parts = [parseAtom(l)];
    while (peek(l, "&&")) {
        l.i += 2;
        parts.push(parseAtom(l));
    }
    return parts.length === 1 ? parts[0] : (d) => parts.every((x) => x(d));
}

/** `$.a.b[0].c` → the value(s) at that selector (undefined when absent). */
function selector(l: Lexer): (doc: unknown) => unknown {
    ws(l);
    const m = /^\$((?:\.[A-Za-z0-9_@$-]+|\[\d+\]|\.\*|\[\*\])*)/.exec(l.s.slice(l.i));
    if (!m) {
        throw new FilterPatternError(`expected a $. selector at ${l.i} in ${l.s}`);
    }
    l.i += m[0].length;
    const steps = [...m[1].matchAll(/\.([A-Za-z0-9_@$-]+)|\[(\d+)\]/g)].map((s) => s[1] ?? Number(s[2]));
    return (doc) =>
        steps.reduce<unknown>((v, k) => {
            if (v === null || typeof v !== "object") {
                return undefined;
            }
            return (v as Record<string | number, unknown>)[k];
        }, doc);
}

function parseAtom(l: Lexer): Expr {
    if (peek(l, "(")) {
        l.i++;
        const e = parseOr(l);
        expect(l, ")");
        return e;
    }
    const get = selector(l);
    ws(l);
    const rest = l.s.slice(l.i);
    const keyword = /^(IS\s+NULL|NOT\s+EXISTS|IS\s+TRUE|IS\s+FALSE)\b/.exec(rest);
    if (keyword) {
        l.i += keyword[0].length;
        const k = keyword[1].replace(/\s+/g, " ");
        return k === "IS NULL"
            ? (d) => get(d) === null
            : k === "NOT EXISTS"
              ? (d) => get(d) === undefined
              : k === "IS TRUE"
                ? (d) => get(d) === true
                : (d) => get(d) === false;
    }
    const op = /^(!=|>=|<=|=|>|<)/.exec(rest)?.[1];
    if (!op) {
        throw new FilterPatternError(`expected a comparison at ${l.i} in ${l.s}`);
    }
    l.i += op.length;
    ws(l);
    const value = literal(l);
    return (d) => compare(get(d), op, value);
}

type Literal = { kind: "string"; text: string } | { kind: "number"; n: number } | { kind: "regex"; re: RegExp };

function literal(l: Lexer): Literal {
    const rest = l.s.slice(l.i);
    const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (quoted) {
        l.i += quoted[0].length;
        return { kind: "string", text: quoted[1].replace(/\\(.)/g, "$1") };
    }
    const regex = /^%([^%]*)%/.exec(rest);
    if (regex) {
        l.i += regex[0].length;
        return { kind: "regex", re: new RegExp(regex[1]) };
    }
    const bare = /^[^\s()&|}]+/.exec(rest);
    if (!bare) {
        throw new FilterPatternError(`expected a value at ${l.i} in ${l.s}`);
    }
    l.i += bare[0].length;
    const n = Number(bare[0]);
    return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(bare[0]) && !Number.isNaN(n)
        ? { kind: "number", n }
        : { kind: "string", text: bare[0] };
}

/** `*` anywhere in a string value is a wildcard. */
function wildcard(pattern: string, value: string): boolean {
    const re = new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`, "s");
    return re.test(value);
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function compare(actual: unknown, op: string, value: Literal): boolean {
    if (actual === undefined || (actual !== null && typeof actual === "object")) {
        return false;
    }
    if (value.kind === "number") {
        const a = typeof actual === "number" ? actual : Number(actual);
        if (typeof actual === "boolean" || actual === null || Number.isNaN(a)) {
            return false;
        }
        const n = value.n;
        return op === "="
            ? a === n
            : op === "!="
              ? a !== n
              : op === ">"
                ? a > n
                : op === "<"
                  ? a < n
                  : op === ">="
                    ? a >= n
                    : a <= n;
    }
    if (op !== "=" && op !== "!=") {
        return false; // ordering comparisons take numbers only
    }
    const text = actual === null ? "null" : String(actual);
    const hit = value.kind === "regex" ? value.re.test(text) : wildcard(value.text, text);
    return op === "=" ? hit : !hit;
}
