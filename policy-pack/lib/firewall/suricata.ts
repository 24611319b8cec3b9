/**
 * Suricata rules as AWS Network Firewall runs them ("Working with stateful rule groups", "Suricata compatible
 * rule strings", Suricata's rule format): `action proto src sport -> dst dport (options)`. Read: the action
 * (pass, drop, reject*, alert), the protocol (ip, tcp, udp, icmp and the application protocols tls, http,
 * dns, ssh, ...), addresses ($VARS, CIDRs, lists, `!`), ports (lists, ranges `a:b`, `!`), the direction (->,
 * <>), flow:to_server / to_client, and the domain keywords tls.sni / http.host with content, nocase,
 * startswith, endswith, dotprefix and pcre. A rule with a keyword the evaluator does not know is marked
 * `opaque`: its match is unknown (callers read a pass as possibly matching, a drop as not).
 */

import { contains, isCidr } from "../cidr";

export type Action = "pass" | "drop" | "reject" | "alert";

export interface Flow {
    /** Transport. */
    proto: "tcp" | "udp" | "icmp";
    /** Application protocol the flow carries, if any. */
    app?: "tls" | "http" | "dns" | "ssh";
    src: string;
    srcPort: number;
    dst: string;
    dstPort: number;
    /** TLS SNI or HTTP Host. */
    host?: string;
}

export interface Rule {
    text: string;
    action: Action;
    matches(flow: Flow): boolean;
    opaque: boolean;
}

export type Variables = Record<string, string[]>;

const APP = new Set(["tls", "http", "http2", "dns", "ssh", "ftp", "smtp", "smb", "ntp", "dhcp", "krb5", "quic"]);
const KNOWN_OPTIONS = new Set([
    "msg",
    "sid",
    "rev",
    "flow",
    "classtype",
    "priority",
    "metadata",
    "reference",
    "tls.sni",
    "http.host",
    "content",
    "nocase",
    "startswith",
    "endswith",
    "dotprefix",
    "pcre",
    "ssl_state",
    "noalert",
    "app-layer-protocol",
]);

/** An address spec → a predicate on an IPv4 address. */
function addressSpec(spec: string, vars: Variables): ((ip: string) => boolean) | undefined {
    const s = spec.trim();
    if (s.toLowerCase() === "any") {
        return () => true;
    }
    if (s.startsWith("!")) {
        const inner = addressSpec(s.slice(1), vars);
        return inner && ((ip) => !inner(ip));
    }
    if (s.startsWith("[") && s.endsWith("]")) {
        const parts = splitList(s.slice(1, -1)).map((p) => addressSpec(p, vars));
        if (parts.some((p) => !p)) {
            return undefined;
        }
        const pos = parts.filter((_p, i) => !splitList(s.slice(1, -1))[i].trim().startsWith("!"));
        const neg = parts.filter((_p, i) => splitList(s.slice(1, -1))[i].trim().startsWith("!"));
        return (ip) => (pos.length === 0 || pos.some((p) => p?.(ip))) && neg.every((p) => p?.(ip));
    }
    if (s.startsWith("$")) {
        const v = vars[s.slice(1)];
        return v ? addressSpec(v.length === 1 ? v[0] : `[${v.join(",")}]`, vars) : undefined;
    }
    const cidr = s.includes("/") ? s : `${s}/32`;
    return isCidr(cidr) ? (ip) => contains(cidr, `${ip}/32`) : undefined;
}

function splitList(s: string): string[] {
    const out: string[] = [];
    let depth = 0;
    let cur = "";
    for (const c of s) {
        if (c === "[") depth++;
        if (c === "]") depth--;
        if (c === "," && depth === 0) {
            out.push(cur);
            cur = "";
        } else {
            cur += c;
        }
    }
    return cur.trim() ? [...out, cur] : out;
}

function portSpec(spec: string, vars: Variables): ((p: number) => boolean) | undefined {
    const s = spec.trim();
    if (s.toLowerCase() === "any") {
        return () => true;
    }
    if (s.startsWith("!")) {
        const inner = portSpec(s.slice(1), vars);
        return inner && ((p) => !inner(p));
    }
    if (s.startsWith("[") && s.endsWith("]")) {
        const items = splitList(s.slice(1, -1));
        const parts = items.map((x) => portSpec(x, vars));
        if (parts.some((p) => !p)) {
            return undefined;
        }
        const pos = parts.filter((_p, i) => !items[i].trim().startsWith("!"));
        const neg = parts.filter((_p, i) => items[i].trim().startsWith("!"));
        return (p) => (pos.length === 0 || pos.some((f) => f?.(p))) && neg.every((f) => f?.(p));
    }
    if (s.startsWith("$")) {
        const v = vars[s.slice(1)];
        return v ? portSpec(v.length === 1 ? v[0] : `[${v.join(",")}]`, vars) : undefined;
    }
    const range = /^(\d*):(\d*)$/.exec(s);
    if (range) {
        const lo = range[1] ? Number(range[1]) : 0;
        const hi = range[2] ? Number(range[2]) : 65535;
        return (p) => p >= lo && p <= hi;
    }
    return /^\d+$/.test(s) ? (p) => p === Number(s) : undefined;
}

interface Option {
    key: string;
    value?: string;
}

function options(body: string): Option[] {
    const out: Option[] = [];
    let cur = "";
    let quoted = false;
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === "\\" && i + 1 < body.length) {
            cur += c + body[++i];
            continue;
        }
        if (c === '"') quoted = !quoted;
        if (c === ";" && !quoted) {
            if (cur.trim()) out.push(option(cur.trim()));
            cur = "";
        } else {
            cur += c;
        }
    }
    if (cur.trim()) out.push(option(cur.trim()));
    return out;
}
function option(s: string): Option {
    const i = s.indexOf(":");
    return i < 0 ? { key: s.toLowerCase() } : { key: s.slice(0, i).trim().toLowerCase(), value: s.slice(i + 1).trim() };
}
const unquote = (v = "") => v.replace(/^"(.*)"$/s, "$1").replace(/\\(.)/g, "$1");

/** A content match on the sticky buffer (tls.sni / http.host). */
function contentTest(content: string, mods: Set<string>): (host: string) => boolean {
    return (host) => {
        let buf = mods.has("dotprefix") ? `.${host}` : host;
        let c = content;
        if (mods.has("nocase")) {
            buf = buf.toLowerCase();
            c = c.toLowerCase();
        }
        if (mods.has("startswith") && mods.has("endswith")) return buf === c;
        if (mods.has("startswith")) return buf.startsWith(c);
        if (mods.has("endswith")) return buf.endsWith(c);
        return buf.includes(c);
    };
}

/** Parses one rule line; undefined for a comment, a blank line or what is not a rule. */
export function parseRule(line: string, vars: Variables): Rule | undefined {
    const m =
        /^\s*(\w+)\s+(\S+)\s+(\S+|\[[^\]]*\])\s+(\S+|\[[^\]]*\])\s+(->|<>)\s+(\S+|\[[^\]]*\])\s+(\S+|\[[^\]]*\])\s*\((.*)\)\s*$/s.exec(
            line,
        );
    if (!m || line.trim().startsWith("#")) {
        return undefined;
    }
    const [, rawAction, proto, src, sport, dir, dst, dport, body] = m;
    const a = rawAction.toLowerCase();
    const action: Action | undefined =
        a === "pass"
            ? "pass"
            : a === "drop"
              ? "drop"
              : a.startsWith("reject")
                ? "reject"
                : a === "alert"
                  ? "alert"
                  : undefined;
    if (!action) {
        return undefined;
    }
    const opts = options(body);
    let opaque = opts.some((o) => !KNOWN_OPTIONS.has(o.key));
    const specs = [addressSpec(src, vars), portSpec(sport, vars), addressSpec(dst, vars), portSpec(dport, vars)];
    if (specs.some((x) => !x)) {
        opaque = true;
    }
    const [srcOk, sportOk, dstOk, dportOk] = specs.map((x) => x ?? (() => true)) as [
        (ip: string) => boolean,
        (p: number) => boolean,
        (ip: string) => boolean,
        (p: number) => boolean,
    ];
    // Domain tests: every content after a sticky buffer keyword applies to that buffer.
    const hostTests: ((host: string) => boolean)[] = [];
    let buffer: string | undefined;
    let toClient = false;
    let dotTransform = false;
    for (let i = 0; i < opts.length; i++) {
        const o = opts[i];
        if (o.key === "tls.sni" || o.key === "http.host") {
            buffer = o.key;
            dotTransform = false;
        } else if (o.key === "dotprefix" && buffer && opts[i + 1]?.key === "content") {
            dotTransform = true; // the transform form: `tls.sni; dotprefix; content:".example.com"; endswith;`
        } else if (o.key === "flow" && /to_client|from_server/.test(o.value ?? "")) {
            toClient = true;
        } else if (o.key === "content" && buffer) {
            const mods = new Set<string>(dotTransform ? ["dotprefix"] : []);
            for (
                let j = i + 1;
                j < opts.length && ["nocase", "startswith", "endswith", "dotprefix"].includes(opts[j].key);
                j++
            ) {
                mods.add(opts[j].key);
            }
            const negated = (o.value ?? "").startsWith("!");
            const test = contentTest(unquote((o.value ?? "").replace(/^!/, "")), mods);
            hostTests.push(negated ? (h) => !test(h) : test);
        } else if (o.key === "content" || o.key === "pcre") {
            opaque = true; // a payload match outside the host buffers: unknown
        }
    }
    const p = proto.toLowerCase();
    const protoOk = (f: Flow) =>
        p === "ip" || p === f.proto || (APP.has(p) && f.app === p) || (p === "http2" && f.app === "http");
    const bufferApp = buffer === "tls.sni" ? "tls" : buffer === "http.host" ? "http" : undefined;
    const tuple = (f: Flow, s: string, sp: number, d: string, dp: number) =>
        srcOk(s) && sportOk(sp) && dstOk(d) && dportOk(dp) && !toClient && protoOk(f);
    return {
        text: line.trim(),
        action,
        opaque,
        matches: (f) =>
            (tuple(f, f.src, f.srcPort, f.dst, f.dstPort) ||
                (dir === "<>" && tuple(f, f.dst, f.dstPort, f.src, f.srcPort))) &&
            (bufferApp === undefined ||
                (f.app === bufferApp && f.host !== undefined && hostTests.every((t) => t(f.host as string)))),
    };
}

/** The rules of a STATEFUL rule group's rulesSource, in order (rules string, 5-tuple rules, domain list). */
export function groupRules(ruleGroup: Record<string, unknown>, defaultHome: string[]): Rule[] {
    const obj = (v: unknown): Record<string, unknown> =>
        v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    const vars: Variables = { HOME_NET: defaultHome };
    for (const s of Array.isArray(obj(ruleGroup.ruleVariables).ipSets)
        ? (obj(ruleGroup.ruleVariables).ipSets as unknown[])
        : []) {
        const d = obj(obj(s).ipSet).definitions;
        if (typeof obj(s).key === "string" && Array.isArray(d)) {
            vars[obj(s).key as string] = d.filter((x): x is string => typeof x === "string");
        }
    }
    for (const s of Array.isArray(obj(ruleGroup.ruleVariables).portSets)
        ? (obj(ruleGroup.ruleVariables).portSets as unknown[])
        : []) {
        const d = obj(obj(s).portSet).definitions;
        if (typeof obj(s).key === "string" && Array.isArray(d)) {
            vars[obj(s).key as string] = d.filter((x): x is string => typeof x === "string");
        }
    }
    // EXTERNAL_NET: Suricata's default, the complement of HOME_NET, unless the group sets it.
    vars.EXTERNAL_NET ??= [`![${vars.HOME_NET.join(",")}]`];
    const src = obj(ruleGroup.rulesSource);
    const lines: string[] = [];
    if (typeof src.rulesString === "string") {
        lines.push(...src.rulesString.split("\n"));
    }
    for (const r of Array.isArray(src.statefulRules) ? src.statefulRules.map(obj) : []) {
        const h = obj(r.header);
        const opts = (Array.isArray(r.ruleOptions) ? r.ruleOptions.map(obj) : [])
            .map(
                (o) =>
                    `${String(o.keyword)}${Array.isArray(o.settings) && o.settings.length ? `:${o.settings.join(",")}` : ""};`,
            )
            .join(" ");
        const dir = h.direction === "ANY" ? "<>" : "->";
        lines.push(
            `${String(r.action).toLowerCase()} ${String(h.protocol).toLowerCase()} ${String(h.source)} ${String(h.sourcePort)} ${dir} ${String(h.destination)} ${String(h.destinationPort)} (${opts})`,
        );
    }
    const list = obj(src.rulesSourceList);
    if (Array.isArray(list.targets)) {
        // AWS's generated rules for a domain list: one rule per target and type, then (ALLOWLIST) a drop of
        // the rest of that type from HOME_NET; a leading dot matches the domain and its subdomains.
        const allow = list.generatedRulesType === "ALLOWLIST";
        const types = Array.isArray(list.targetTypes) ? list.targetTypes : [];
        for (const t of types) {
            const [proto, buffer] = t === "TLS_SNI" ? ["tls", "tls.sni"] : ["http", "http.host"];
            for (const target of list.targets.filter((x): x is string => typeof x === "string")) {
                const match = target.startsWith(".")
                    ? `content:"${target}"; nocase; endswith; dotprefix;`
                    : `content:"${target}"; nocase; startswith; endswith;`;
                lines.push(
                    `${allow ? "pass" : "drop"} ${proto} $HOME_NET any -> $EXTERNAL_NET any (${buffer}; ${match} flow:to_server; sid:1;)`,
                );
            }
            if (allow) {
                lines.push(`drop ${proto} $HOME_NET any -> $EXTERNAL_NET any (flow:to_server; sid:2;)`);
            }
        }
    }
    return lines.map((l) => parseRule(l, vars)).filter((r): r is Rule => r !== undefined);
}
