import { AuthzPolicy, decide, matchValue, parseAuthz, principalParts } from "../../policy-pack/lib/mesh-authz";

const ROOT = "istio-system";
const TE = "cluster.local/ns/agent-te/sa/te";
const w = { namespace: "agent-co", labels: { app: "co" } };
const req = (principal: string | undefined, method = "GET", path = "/api/v1/tasks/1") => ({ principal, method, path });
const pol = (namespace: string, spec: Record<string, unknown>, name = "p"): AuthzPolicy =>
    parseAuthz({ metadata: { name, namespace }, spec });

describe("Istio string matching", () => {
    it("is exact, prefix*, *suffix or *", () => {
        expect(matchValue("/api/v1/tasks/*", "/api/v1/tasks/7")).toBe(true);
        expect(matchValue("/api/v1/tasks/*", "/api/v1/task")).toBe(false);
        expect(matchValue("*/sa/te", TE)).toBe(true);
        expect(matchValue("*", "x")).toBe(true);
        expect(matchValue("GET", "get")).toBe(false);
        expect(matchValue("*", undefined)).toBe(false);
    });

    it("reads namespace and service account out of a principal", () => {
        expect(principalParts(TE)).toEqual({ namespace: "agent-te", serviceAccount: "te" });
        expect(principalParts("spiffe-less")).toEqual({});
    });
});

describe("evaluation order and defaults", () => {
    it("allows everything when no ALLOW policy applies, denies everything with an empty ALLOW", () => {
        expect(decide([], w, req(undefined), ROOT).allowed).toBe(true);
        expect(decide([pol("agent-co", {})], w, req(TE), ROOT).allowed).toBe(false);
    });

    it("rules: [{}] allows every request", () => {
        expect(decide([pol("agent-co", { rules: [{}] })], w, req(undefined, "DELETE", "/x"), ROOT).allowed).toBe(true);
    });

    it("DENY wins over ALLOW, CUSTOM is evaluated first", () => {
        const allow = pol("agent-co", { rules: [{ from: [{ source: { principals: [TE] } }] }] }, "allow");
        const deny = pol(
            "agent-co",
            { action: "DENY", rules: [{ to: [{ operation: { methods: ["POST"] } }] }] },
            "deny",
        );
        expect(decide([allow, deny], w, req(TE, "GET"), ROOT)).toEqual({ allowed: true, by: "agent-co/allow (ALLOW)" });
        expect(decide([allow, deny], w, req(TE, "POST"), ROOT)).toEqual({ allowed: false, by: "agent-co/deny (DENY)" });
        const custom = pol("agent-co", { action: "CUSTOM", provider: { name: "ext" }, rules: [{}] }, "ext");
        expect(decide([allow, custom], w, req(TE), ROOT).by).toBe("agent-co/ext (CUSTOM)");
    });

    it("root-namespace policies apply to every namespace; others only to their own; selectors must match", () => {
        const meshWide = pol(ROOT, { rules: [{ from: [{ source: { namespaces: ["agent-te"] } }] }] });
        expect(decide([meshWide], w, req(TE), ROOT).allowed).toBe(true);
        expect(decide([meshWide], w, req("cluster.local/ns/other/sa/te"), ROOT).allowed).toBe(false);
        expect(decide([pol("elsewhere", {})], w, req(TE), ROOT).allowed).toBe(true);
        const otherPods = pol("agent-co", { selector: { matchLabels: { app: "db" } } });
        expect(decide([otherPods], w, req(TE), ROOT).allowed).toBe(true);
    });

    it("ANDs from / to, ORs their entries, and honours not-fields", () => {
        const p = pol("agent-co", {
            rules: [
                {
                    from: [{ source: { principals: [TE] } }, { source: { namespaces: ["ops"] } }],
                    to: [{ operation: { notMethods: ["DELETE"], notPaths: ["/admin*"] } }],
                },
            ],
        });
        expect(decide([p], w, req(TE, "PATCH", "/x"), ROOT).allowed).toBe(true);
        expect(decide([p], w, req("cluster.local/ns/ops/sa/any", "GET", "/x"), ROOT).allowed).toBe(true);
        expect(decide([p], w, req(TE, "DELETE", "/x"), ROOT).allowed).toBe(false);
        expect(decide([p], w, req(TE, "GET", "/admin/users"), ROOT).allowed).toBe(false);
        expect(decide([p], w, req(undefined, "GET", "/x"), ROOT).allowed).toBe(false);
    });

    it("judges serviceAccounts as namespace/name", () => {
        const p = pol("agent-co", { rules: [{ from: [{ source: { serviceAccounts: ["agent-te/te"] } }] }] });
        expect(decide([p], w, req(TE), ROOT).allowed).toBe(true);
        expect(decide([p], w, req("cluster.local/ns/agent-x/sa/te"), ROOT).allowed).toBe(false);
    });
});
