import {
    atomsOf,
    covered,
    isolated,
    Namespace,
    parseNetPol,
    selectorMatches,
    selectorWithin,
} from "../../policy-pack/lib/k8s-netpol";

const universe: Namespace[] = ["a", "b", "kube-system"].map((name) => ({
    name,
    labels: { "kubernetes.io/metadata.name": name, ...(name !== "kube-system" ? { tier: "agents" } : {}) },
}));

describe("reading a NetworkPolicy", () => {
    it("defaults policyTypes to Ingress, plus Egress when egress rules exist", () => {
        expect(parseNetPol({ metadata: { name: "x", namespace: "a" }, spec: { podSelector: {} } }).types).toEqual([
            "Ingress",
        ]);
        expect(parseNetPol({ metadata: { namespace: "a" }, spec: { podSelector: {}, egress: [{}] } }).types).toEqual([
            "Ingress",
            "Egress",
        ]);
    });

    it("ignores egress rules of a policy whose policyTypes leave Egress out", () => {
        const np = parseNetPol({ metadata: { namespace: "a" }, spec: { policyTypes: ["Ingress"], egress: [{}] } });
        expect(np.egress).toEqual([]);
    });
});

describe("selectors", () => {
    it("match labels and expressions", () => {
        const sel = {
            matchLabels: { app: "x" },
            matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }],
        };
        expect(selectorMatches(sel, { app: "x" })).toBe(true);
        expect(selectorMatches(sel, { app: "x", tier: "db" })).toBe(false);
        expect(selectorMatches({ matchExpressions: [{ key: "k", operator: "Exists" }] }, {})).toBe(false);
    });

    it("a narrower selector lies within a wider one, not the reverse", () => {
        expect(selectorWithin({ matchLabels: { app: "x", v: "1" } }, { matchLabels: { app: "x" } })).toBe(true);
        expect(selectorWithin({}, { matchLabels: { app: "x" } })).toBe(false);
    });
});

describe("allowances as atoms", () => {
    it("a rule without peers admits every namespace and every address", () => {
        const atoms = atomsOf({}, "a", universe);
        expect(atoms.filter((x) => x.kind === "pods").map((x) => (x.kind === "pods" ? x.namespace : ""))).toEqual([
            "a",
            "b",
            "kube-system",
        ]);
        expect(atoms.filter((x) => x.kind === "ip")).toEqual([
            { kind: "ip", first: 0, last: 2 ** 32 - 1, port: "all" },
        ]);
    });

    it("a podSelector-only peer means the policy's own namespace; namespaceSelector picks by labels", () => {
        expect(atomsOf({ peers: [{ podSelector: {} }] }, "b", universe)).toEqual([
            { kind: "pods", namespace: "b", pods: {}, port: "all" },
        ]);
        expect(
            atomsOf({ peers: [{ namespaceSelector: { matchLabels: { tier: "agents" } } }] }, "b", universe).length,
        ).toBe(2);
    });

    it("ipBlock except splits the range; coverage may need several intended ranges", () => {
        const actual = atomsOf(
            { peers: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }] },
            "a",
            universe,
        );
        expect(actual).toHaveLength(2);
        const intended = atomsOf(
            { peers: [{ ipBlock: { cidr: "10.0.0.0/9" } }, { ipBlock: { cidr: "10.128.0.0/9" } }] },
            "a",
            universe,
        );
        expect(actual.every((x) => covered(x, intended))).toBe(true);
        expect(covered(atomsOf({ peers: [{ ipBlock: { cidr: "11.0.0.0/8" } }] }, "a", universe)[0], intended)).toBe(
            false,
        );
    });

    it("ports: a specific port is within all ports; all ports is not within one port", () => {
        const one = atomsOf({ peers: [{ podSelector: {} }], ports: [{ protocol: "TCP", port: 443 }] }, "a", universe);
        const all = atomsOf({ peers: [{ podSelector: {} }] }, "a", universe);
        expect(covered(one[0], all)).toBe(true);
        expect(covered(all[0], one)).toBe(false);
    });
});

describe("isolation", () => {
    it("a pod is isolated for a direction iff a selecting policy lists it", () => {
        const ingressOnly = parseNetPol({
            metadata: { namespace: "a" },
            spec: { podSelector: {}, policyTypes: ["Ingress"] },
        });
        const forApp = parseNetPol({
            metadata: { namespace: "a" },
            spec: { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Egress"] },
        });
        expect(isolated([ingressOnly, forApp], "a", {})).toMatchObject({ ingress: true, egress: false });
        expect(isolated([ingressOnly, forApp], "a", { app: "x" })).toMatchObject({ ingress: true, egress: true });
        expect(isolated([ingressOnly, forApp], "b", {})).toMatchObject({ ingress: false, egress: false });
    });
});
