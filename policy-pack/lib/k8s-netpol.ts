import { parseCidr } from "./cidr";

/**
 * Kubernetes NetworkPolicy semantics (kubernetes.io "Network Policies", networking.k8s.io/v1): a pod is
 * isolated for a direction iff some policy selecting it lists that policyType; what it may then exchange is
 * the union of the rules of every policy selecting it. A rule without `from`/`to` (or with an empty list)
 * admits every peer; `namespaceSelector: {}` is every namespace and `podSelector: {}` every pod; a peer with
 * only `podSelector` means the policy's own namespace; `ipBlock` admits its CIDR minus `except`; a rule
 * without `ports` admits every port.
 */

type Obj = Record<string, unknown>;

export interface Selector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Peer {
    namespaceSelector?: Selector;
    podSelector?: Selector;
    ipBlock?: { cidr: string; except?: string[] };
}

export interface Port {
    protocol: string;
    /** undefined: every port; a string: a named port (any number). */
    port?: number | string;
    endPort?: number;
}

export interface Rule {
    /** undefined: every peer. */
    peers?: Peer[];
    /** undefined: every port. */
    ports?: Port[];
}

export interface NetPol {
    name: string;
    namespace: string;
    podSelector: Selector;
    types: ("Ingress" | "Egress")[];
    ingress: Rule[];
    egress: Rule[];
}

export interface Namespace {
    name: string;
    labels: Record<string, string>;
}

function obj(v: unknown): Obj {
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}

function arr(v: unknown): Obj[] {
    return Array.isArray(v) ? v.map(obj) : [];
}

function readRule(r: Obj, key: "from" | "to"): Rule {
    const peers = arr(r[key]);
    const ports = arr(r.ports);
    return {
        peers: peers.length === 0 ? undefined : peers.map((p) => p as Peer),
        ports:
            ports.length === 0
                ? undefined
                : ports.map((p) => ({
                      protocol: typeof p.protocol === "string" ? p.protocol : "TCP",
                      port: typeof p.port === "number" || typeof p.port === "string" ? p.port : undefined,
                      endPort: typeof p.endPort === "number" ? p.endPort : undefined,
                  })),
    };
}

/** Reads a NetworkPolicy (metadata + spec) as the plan holds it. */
export function parseNetPol(props: Obj): NetPol {
    const m = obj(props.metadata);
    const spec = obj(props.spec);
    const ingress = arr(spec.ingress).map((r) => readRule(r, "from"));
    const egress = arr(spec.egress).map((r) => readRule(r, "to"));
    const listed = Array.isArray(spec.policyTypes) ? (spec.policyTypes as string[]) : undefined;
    // Kubernetes' default: Ingress always, Egress when the policy has egress rules.
    const types = (listed ?? ["Ingress", ...(egress.length ? ["Egress"] : [])]).filter(
        (t): t is "Ingress" | "Egress" => t === "Ingress" || t === "Egress",
    );
    return {
        name: String(m.name ?? "?"),
        namespace: String(m.namespace ?? "default"),
        podSelector: obj(spec.podSelector) as Selector,
        types,
        ingress: types.includes("Ingress") ? ingress : [],
        egress: types.includes("Egress") ? egress : [],
    };
}

/** Does a label selector match these labels? */
export function selectorMatches(sel: Selector, labels: Record<string, string>): boolean {
    for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
        if (labels[k] !== v) {
            return false;
        }
    }
    for (const e of sel.matchExpressions ?? []) {
        const has = e.key in labels;
        const inValues = has && (e.values ?? []).includes(labels[e.key]);
        const ok =
            e.operator === "In"
                ? inValues
                : e.operator === "NotIn"
                  ? !inValues
                  : e.operator === "Exists"
                    ? has
                    : e.operator === "DoesNotExist"
                      ? !has
                      : false;
        if (!ok) {
            return false;
        }
    }
    return true;
}

/**
 * Does selector `narrow` select only pods that `wide` selects too (for every label set)? Exact for
 * matchLabels; for expressions, `narrow` must repeat each of `wide`'s expressions.
 */
export function selectorWithin(narrow: Selector, wide: Selector): boolean {
    const nl = narrow.matchLabels ?? {};
    for (const [k, v] of Object.entries(wide.matchLabels ?? {})) {
        if (nl[k] !== v) {
            return false;
        }
    }
    const ne = (narrow.matchExpressions ?? []).map((e) => JSON.stringify(e));
    return (wide.matchExpressions ?? []).every(
        (e) => ne.includes(JSON.stringify(e)) || (e.operator === "Exists" && e.key in nl),
    );
}

/** A concrete allowance: a pod set in one namespace, or an address range, on some ports. */
export type Atom =
    | { kind: "pods"; namespace: string; pods: Selector; port: Port | "all" }
    | { kind: "ip"; first: number; last: number; port: Port | "all" };

const ALL_IPV4 = "0.0.0.0/0";

/** Intervals of `cidr` minus `except`. IPv6 blocks are kept as the whole IPv4 space (conservative). */
function ipIntervals(block: { cidr: string; except?: string[] }): [number, number][] {
    let cidr;
    try {
        cidr = parseCidr(block.cidr);
    } catch {
        cidr = parseCidr(ALL_IPV4);
    }
    let out: [number, number][] = [[cidr.first, cidr.last]];
    for (const e of block.except ?? []) {
        let x;
        try {
            x = parseCidr(e);
        } catch {
            continue;
        }
        out = out.flatMap(([a, b]) => {
            if (x.last < a || x.first > b) {
                return [[a, b]] as [number, number][];
            }
            const parts: [number, number][] = [];
            if (x.first > a) {
                parts.push([a, x.first - 1]);
            }
            if (x.last < b) {
                parts.push([x.last + 1, b]);
            }
            return parts;
        });
    }
    return out;
}

const NAME_LABEL = "kubernetes.io/metadata.name";
const byNameIndex = new WeakMap<Namespace[], Map<string, Namespace>>();

/** Namespaces a selector picks; a selector on the name label alone is a lookup, not a scan. */
function namespacesMatching(sel: Selector, universe: Namespace[]): string[] {
    const labels = Object.keys(sel.matchLabels ?? {});
    if (labels.length === 1 && labels[0] === NAME_LABEL && !(sel.matchExpressions ?? []).length) {
        let index = byNameIndex.get(universe);
        if (!index) {
            index = new Map(universe.map((n) => [n.labels[NAME_LABEL] ?? n.name, n]));
            byNameIndex.set(universe, index);
        }
        const hit = index.get((sel.matchLabels ?? {})[NAME_LABEL]);
        return hit ? [hit.name] : [];
    }
    return universe.filter((n) => selectorMatches(sel, n.labels)).map((n) => n.name);
}

/**
 * The concrete allowances of a rule, over a universe of namespaces. The universe should contain every
 * namespace of the plan plus one unlabelled stranger, so that "all namespaces" shows up as such.
 */
export function atomsOf(rule: Rule, policyNamespace: string, universe: Namespace[]): Atom[] {
    const peers: Peer[] = rule.peers ?? [{ namespaceSelector: {}, podSelector: {} }, { ipBlock: { cidr: ALL_IPV4 } }];
    const ports: (Port | "all")[] = rule.ports ?? ["all"];
    const out: Atom[] = [];
    for (const peer of peers) {
        if (peer.ipBlock) {
            for (const [first, last] of ipIntervals(peer.ipBlock)) {
                out.push(...ports.map((port) => ({ kind: "ip" as const, first, last, port })));
            }
            continue;
        }
        if (!peer.namespaceSelector && !peer.podSelector) {
            continue;
        }
        const namespaces = peer.namespaceSelector
            ? namespacesMatching(peer.namespaceSelector, universe)
            : [policyNamespace];
        for (const namespace of namespaces) {
            out.push(
                ...ports.map((port) => ({ kind: "pods" as const, namespace, pods: peer.podSelector ?? {}, port })),
            );
        }
    }
    return out;
}

function portWithin(p: Port | "all", q: Port | "all"): boolean {
    if (q === "all") {
        return true;
    }
    if (p === "all" || p.protocol.toUpperCase() !== q.protocol.toUpperCase()) {
        return false;
    }
    if (q.port === undefined) {
        return true;
    }
    if (typeof p.port !== "number" || typeof q.port !== "number") {
        return p.port === q.port && p.endPort === q.endPort;
    }
    return p.port >= q.port && (p.endPort ?? p.port) <= (q.endPort ?? q.port);
}

/** Is `a` covered by one of `allowed`? IP ranges may be covered by several intended ranges together. */
export function covered(a: Atom, allowed: Atom[]): boolean {
    if (a.kind === "pods") {
        return allowed.some(
            (b) =>
                b.kind === "pods" &&
                b.namespace === a.namespace &&
                selectorWithin(a.pods, b.pods) &&
                portWithin(a.port, b.port),
        );
    }
    const ranges = allowed
        .filter((b): b is Extract<Atom, { kind: "ip" }> => b.kind === "ip" && portWithin(a.port, b.port))
        .sort((x, y) => x.first - y.first);
    let next = a.first;
    for (const r of ranges) {
        if (r.first <= next && r.last >= next) {
            next = r.last + 1;
        }
        if (next > a.last) {
            return true;
        }
    }
    return next > a.last;
}

/** Which pods of a namespace a set of policies isolates, per direction (pods with these labels). */
export function isolated(policies: NetPol[], namespace: string, podLabels: Record<string, string>) {
    const selecting = policies.filter((p) => p.namespace === namespace && selectorMatches(p.podSelector, podLabels));
    return {
        ingress: selecting.some((p) => p.types.includes("Ingress")),
        egress: selecting.some((p) => p.types.includes("Egress")),
        selecting,
    };
}

/** Describes an atom for messages. */
export function describeAtom(a: Atom): string {
    const port =
        a.port === "all"
            ? "all ports"
            : `${a.port.protocol}/${String(a.port.port ?? "any")}${a.port.endPort ? `-${a.port.endPort}` : ""}`;
    if (a.kind === "pods") {
        const sel = JSON.stringify(a.pods.matchLabels ?? {}) + (a.pods.matchExpressions?.length ? "+expr" : "");
        return `pods ${sel} in ${a.namespace} on ${port}`;
    }
    const ip = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
    return `${ip(a.first)}-${ip(a.last)} on ${port}`;
}
