import { Flow, groupRules, parseRule } from "../../policy-pack/lib/firewall/suricata";

const vars = { HOME_NET: ["10.0.0.0/16"], EXTERNAL_NET: ["![10.0.0.0/16]"] };
const out = (o: Partial<Flow> = {}): Flow => ({
    proto: "tcp",
    src: "10.0.1.10",
    srcPort: 40000,
    dst: "203.0.113.10",
    dstPort: 443,
    ...o,
});

describe("Suricata rules", () => {
    it("reads actions, negated port lists, ranges and variables", () => {
        const r = parseRule("drop tcp $HOME_NET any -> $EXTERNAL_NET ![443,80] (flow:to_server; sid:1;)", vars);
        expect(r?.action).toBe("drop");
        expect(r?.matches(out({ dstPort: 22 }))).toBe(true);
        expect(r?.matches(out({ dstPort: 443 }))).toBe(false);
        expect(r?.matches(out({ dst: "10.0.2.5", dstPort: 22 }))).toBe(false);
        expect(
            parseRule("pass udp any 1024: -> [10.0.0.0/8,!10.0.3.0/24] :1023 (sid:2;)", vars)?.matches(
                out({ proto: "udp", dst: "10.0.2.1", dstPort: 53 }),
            ),
        ).toBe(true);
        expect(
            parseRule("pass udp any 1024: -> [10.0.0.0/8,!10.0.3.0/24] :1023 (sid:2;)", vars)?.matches(
                out({ proto: "udp", dst: "10.0.3.1", dstPort: 53 }),
            ),
        ).toBe(false);
        expect(parseRule("rejectboth tcp any any <> 203.0.113.0/24 any (sid:3;)", vars)?.action).toBe("reject");
        expect(parseRule("# drop ip any any -> any any (sid:4;)", vars)).toBeUndefined();
    });
    it("matches application protocols and the host buffers with their modifiers", () => {
        const exact = parseRule(
            'pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"quay.io"; nocase; startswith; endswith; sid:5;)',
            vars,
        );
        expect(exact?.matches(out({ app: "tls", host: "QUAY.io" }))).toBe(true);
        expect(exact?.matches(out({ app: "tls", host: "cdn.quay.io" }))).toBe(false);
        expect(exact?.matches(out({ app: "http", host: "quay.io" }))).toBe(false);
        const dot = parseRule(
            'pass http any any -> any any (http.host; dotprefix; content:".example.org"; endswith; sid:6;)',
            vars,
        );
        expect(dot?.matches(out({ app: "http", host: "example.org" }))).toBe(true);
        expect(dot?.matches(out({ app: "http", host: "a.example.org" }))).toBe(true);
        expect(dot?.matches(out({ app: "http", host: "badexample.org" }))).toBe(false);
        const loose = parseRule('pass tls any any -> any any (tls.sni; content:"quay.io"; endswith; sid:7;)', vars);
        expect(loose?.matches(out({ app: "tls", host: "evilquay.io" }))).toBe(true);
        expect(parseRule("drop ip any any -> any any (sid:8;)", vars)?.matches(out({ proto: "icmp" }))).toBe(true);
    });
    it("marks rules with keywords it does not evaluate as opaque, and ignores to_client rules for outbound flows", () => {
        expect(parseRule('pass tls any any -> any any (ja3.hash; content:"abc"; sid:9;)', vars)?.opaque).toBe(true);
        expect(parseRule("pass tcp any any -> any any (flow:to_client; sid:10;)", vars)?.matches(out())).toBe(false);
    });
    it("generates a domain list's rules as AWS does: a pass per target, then a drop of the rest", () => {
        const rules = groupRules(
            {
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI"],
                        targets: ["a.io", ".b.io"],
                    },
                },
            },
            ["10.0.0.0/16"],
        );
        expect(rules.map((r) => r.action)).toEqual(["pass", "pass", "drop"]);
        const first = (host: string) => rules.find((r) => r.matches(out({ app: "tls", host })))?.action;
        expect(first("a.io")).toBe("pass");
        expect(first("x.b.io")).toBe("pass");
        expect(first("x.a.io")).toBe("drop");
        expect(first("evilb.io")).toBe("drop");
    });
    it("reads 5-tuple statefulRules", () => {
        const rules = groupRules(
            {
                rulesSource: {
                    statefulRules: [
                        {
                            action: "PASS",
                            header: {
                                protocol: "TCP",
                                source: "$HOME_NET",
                                sourcePort: "ANY",
                                direction: "FORWARD",
                                destination: "ANY",
                                destinationPort: "22",
                            },
                            ruleOptions: [{ keyword: "sid", settings: ["1"] }],
                        },
                    ],
                },
            },
            ["10.0.0.0/16"],
        );
        expect(rules[0].matches(out({ dstPort: 22 }))).toBe(true);
        expect(rules[0].matches(out({ dstPort: 23 }))).toBe(false);
    });
});
