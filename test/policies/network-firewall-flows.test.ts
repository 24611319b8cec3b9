import { firewallFlows } from "../../policy-pack/policies/network";
import { StackResourceCase, validateStack } from "../harness/policy";

// A firewall shaped like the stack's: STRICT_ORDER, a managed group, ingress (pass to the ALB subnets, drop
// the rest), egress hygiene (only TCP 443/80), the deploy runner's list for its /32, then the workloads' list.
const ARN = (n: string) => `arn:aws:network-firewall:eu-west-1:123456789012:stateful-rulegroup/${n}`;
const home = { key: "HOME_NET", ipSet: { definitions: ["10.0.0.0/16"] } };
type Mut = (rs: StackResourceCase[]) => void;

const INGRESS = [
    "pass tcp $EXTERNAL_NET any -> $PUBLIC_NET 443 (flow:to_server; sid:1;)",
    "pass tcp $EXTERNAL_NET any -> $PUBLIC_NET 80 (flow:to_server; sid:2;)",
    "drop tcp $EXTERNAL_NET any -> $HOME_NET any (flow:to_server; sid:3;)",
    "drop udp $EXTERNAL_NET any -> $HOME_NET any (sid:4;)",
    "drop icmp $EXTERNAL_NET any -> $HOME_NET any (sid:5;)",
];
const HYGIENE = [
    "drop tcp $HOME_NET any -> $EXTERNAL_NET ![443,80] (flow:to_server; sid:11;)",
    "drop udp $HOME_NET any -> $EXTERNAL_NET any (sid:12;)",
    "drop icmp $HOME_NET any -> $EXTERNAL_NET any (sid:13;)",
];

function group(name: string, rulesSource: object, ipSets: object[] = [home]): StackResourceCase {
    return {
        type: "aws:networkfirewall/ruleGroup:RuleGroup",
        name,
        props: {
            name,
            arn: ARN(name),
            ruleGroup: { ruleVariables: { ipSets }, rulesSource, statefulRuleOptions: { ruleOrder: "STRICT_ORDER" } },
        },
    };
}
const list = (targets: string[]) => ({
    rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI", "HTTP_HOST"], targets },
});

function fixture(): StackResourceCase[] {
    return [
        { type: "aws:ec2/vpc:Vpc", name: "vpc", props: { cidrBlock: "10.0.0.0/16" } },
        { type: "aws:networkfirewall/firewall:Firewall", name: "fw", props: { firewallPolicyArn: "arn:policy" } },
        group("ingress", { rulesString: INGRESS.join("\n") }, [
            home,
            { key: "PUBLIC_NET", ipSet: { definitions: ["10.0.255.0/26"] } },
        ]),
        group("hygiene", { rulesString: HYGIENE.join("\n") }),
        group("deploy", list(["github.com", ".actions.githubusercontent.com"]), [
            { key: "HOME_NET", ipSet: { definitions: ["10.0.255.10/32"] } },
        ]),
        group("domains", list(["registry-1.docker.io", "quay.io", ".example.org"])),
        {
            type: "aws:networkfirewall/firewallPolicy:FirewallPolicy",
            name: "policy",
            props: {
                arn: "arn:policy",
                firewallPolicy: {
                    statelessDefaultActions: ["aws:forward_to_sfe"],
                    statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
                    statefulEngineOptions: { ruleOrder: "STRICT_ORDER" },
                    statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
                    statefulRuleGroupReferences: [
                        {
                            priority: 10,
                            resourceArn:
                                "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesBotnetStrictOrder",
                        },
                        { priority: 100, resourceArn: ARN("ingress") },
                        { priority: 200, resourceArn: ARN("hygiene") },
                        { priority: 250, resourceArn: ARN("deploy") },
                        { priority: 300, resourceArn: ARN("domains") },
                    ],
                },
            },
        },
    ];
}
const get = (rs: StackResourceCase[], name: string) => {
    const r = rs.find((x) => x.name === name);
    if (!r) throw new Error(name);
    return r;
};
const rules = (rs: StackResourceCase[], name: string) =>
    (get(rs, name).props.ruleGroup as { rulesSource: { rulesString: string } }).rulesSource;
const prepend =
    (name: string, line: string): Mut =>
    (rs) => {
        const src = rules(rs, name);
        src.rulesString = `${line}\n${src.rulesString}`;
    };
const addGroup =
    (priority: number, line: string): Mut =>
    (rs) => {
        rs.push(group(`extra-${priority}`, { rulesString: line }));
        const refs = fp(rs).statefulRuleGroupReferences as { priority: number; resourceArn: string }[];
        refs.push({ priority, resourceArn: ARN(`extra-${priority}`) });
    };
const fp = (rs: StackResourceCase[]) => get(rs, "policy").props.firewallPolicy as Record<string, unknown>;
const run = (m: Mut = () => {}) => {
    const rs = fixture();
    m(rs);
    return validateStack(firewallFlows, rs).map((v) => v.message);
};

describe("network-firewall-effective-flows (PER-FW-EGRESS, PER-FW-INGRESS)", () => {
    afterEach(() => delete process.env.PULUMI_CONFIG);
    it("passes the stack's firewall", () => expect(run()).toEqual([]));

    it.each<[string, Mut]>([
        [
            "an extra drop of a listed host",
            prepend(
                "hygiene",
                'drop tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"quay.io"; nocase; startswith; endswith; sid:20;)',
            ),
        ],
        [
            "a redundant pass for a listed host between the deploy list and the workloads' list",
            addGroup(
                280,
                'pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"quay.io"; nocase; startswith; endswith; flow:to_server; sid:21;)',
            ),
        ],
        [
            "a pass for a subdomain of a listed .domain, in the transform form",
            addGroup(
                280,
                'pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; dotprefix; content:".example.org"; nocase; endswith; sid:22;)',
            ),
        ],
        [
            "a pass shadowed by an earlier drop (STRICT_ORDER)",
            (rs) => (rules(rs, "hygiene").rulesString += "\npass udp $HOME_NET any -> $EXTERNAL_NET 53 (sid:23;)"),
        ],
        [
            "drop_strict as the default action, and extra tags",
            (rs) => {
                fp(rs).statefulDefaultActions = ["aws:drop_strict"];
                get(rs, "domains").props.tags = { owner: "net" };
            },
        ],
        [
            "a stricter list than the stack config allows",
            (rs) => {
                process.env.PULUMI_CONFIG = JSON.stringify({
                    "p:egressAllowedDomains": JSON.stringify([
                        "registry-1.docker.io",
                        "quay.io",
                        ".example.org",
                        "ghcr.io",
                    ]),
                });
                (
                    (get(rs, "domains").props.ruleGroup as { rulesSource: ReturnType<typeof list> }).rulesSource
                        .rulesSourceList.targets as string[]
                ).pop();
            },
        ],
    ])("passes a compliant variation: %s", (_n, m) => expect(run(m)).toEqual([]));

    it("fails a pass rule for an unlisted host placed before the domain allow-list", () =>
        expect(
            run(
                prepend(
                    "hygiene",
                    'pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"pastebin.com"; nocase; endswith; sid:30;)',
                ),
            ),
        ).toEqual(
            ["agent segment", "service segment", "deploy runner"].map(
                (s) =>
                    `[PER-FW-EGRESS] firewall policy policy lets TLS from the ${s} to hosts off its allow-list through (1: pastebin.com): rule group hygiene (priority 200): pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"pastebin.com"; nocase; endswith; sid:30;)`,
            ),
        ));
    it("fails a port-wide pass for HOME_NET in the ingress group (it runs first)", () => {
        const out = run(prepend("ingress", "pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:to_server; sid:31;)"));
        expect(out).toContain(
            "[PER-FW-EGRESS] firewall policy policy lets TLS from the agent segment to hosts off its allow-list through (3: exfil.attacker.invalid, github.com, actions.githubusercontent.com): rule group ingress (priority 100): pass tcp $HOME_NET any -> $EXTERNAL_NET 443 (flow:to_server; sid:31;)",
        );
        expect(out.filter((m) => m.includes("look-alikes"))).toHaveLength(3);
    });
    it("fails an endswith match without a dot (evilquay.io passes), a look-alike of a listed host", () =>
        expect(
            run(
                prepend(
                    "hygiene",
                    'pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"quay.io"; nocase; endswith; sid:32;)',
                ),
            ),
        ).toEqual([
            ...["agent segment", "service segment"].map(
                (s) =>
                    `[PER-FW-EGRESS] firewall policy policy lets TLS from the ${s} to look-alikes of listed hosts through (1: xquay.io): rule group hygiene (priority 200): pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"quay.io"; nocase; endswith; sid:32;)`,
            ),
            // The deploy runner's address is in HOME_NET too: the pass runs before its own list.
            `[PER-FW-EGRESS] firewall policy policy lets TLS from the deploy runner to hosts off its allow-list through (1: quay.io): rule group hygiene (priority 200): pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"quay.io"; nocase; endswith; sid:32;)`,
        ]));
    it("fails a list holding a host the stack config does not allow", () => {
        process.env.PULUMI_CONFIG = JSON.stringify({
            "p:egressAllowedDomains": JSON.stringify(["registry-1.docker.io", "quay.io", ".example.org"]),
        });
        const out = run((rs) =>
            (
                (get(rs, "domains").props.ruleGroup as { rulesSource: ReturnType<typeof list> }).rulesSource
                    .rulesSourceList.targets as string[]
            ).push("transfer.sh"),
        );
        expect(out).toEqual(
            ["agent segment", "service segment"].flatMap((s) =>
                ["TLS", "HTTP"].map(
                    (k) =>
                        `[PER-FW-EGRESS] firewall policy policy lets ${k} from the ${s} to hosts off its allow-list through (1: transfer.sh): rule group domains (priority 300): pass ${k.toLowerCase()} $HOME_NET any -> $EXTERNAL_NET any (${k === "TLS" ? "tls.sni" : "http.host"}; content:"transfer.sh"; nocase; startswith; endswith; flow:to_server; sid:1;)`,
                ),
            ),
        );
    });
    it("fails a stateless pass (never inspected), and a stateless default of aws:pass", () => {
        const out = run((rs) => {
            rs.push({
                type: "aws:networkfirewall/ruleGroup:RuleGroup",
                name: "sl",
                props: {
                    name: "sl",
                    arn: "arn:sl",
                    ruleGroup: {
                        rulesSource: {
                            statelessRulesAndCustomActions: {
                                statelessRules: [
                                    {
                                        priority: 1,
                                        ruleDefinition: { actions: ["aws:pass"], matchAttributes: { protocols: [17] } },
                                    },
                                ],
                            },
                        },
                    },
                },
            });
            fp(rs).statelessRuleGroupReferences = [{ priority: 1, resourceArn: "arn:sl" }];
        });
        expect(out).toContain(
            "[PER-FW-EGRESS] firewall policy policy lets UDP (DNS) from the agent segment to the internet through: stateless rule group sl passes it uninspected",
        );
        expect(out).toHaveLength(3);
        const open = run((rs) => (fp(rs).statelessDefaultActions = ["aws:pass"]));
        expect(open).toContain(
            "[PER-FW-INGRESS] firewall policy policy lets TCP 22 from the internet to the agent segment through: the stateless default action aws:pass (never inspected)",
        );
        expect(open).toContain(
            "[PER-FW-EGRESS] firewall policy policy lets ICMP from the deploy runner to the internet through: the stateless default action aws:pass (never inspected)",
        );
    });
    it("fails default actions that no longer drop (plain TCP 443 falls through)", () =>
        expect(run((rs) => (fp(rs).statefulDefaultActions = ["aws:alert_established"]))).toEqual(
            ["agent segment", "service segment", "deploy runner"].map(
                (s) =>
                    `[PER-FW-EGRESS] firewall policy policy lets TCP 443 that is neither TLS nor HTTP from the ${s} to the internet through: no rule matched; the stateful default actions (aws:alert_established) let it through`,
            ),
        ));
    it("fails an ingress pass to a segment placed before the ingress drops", () =>
        expect(
            run(prepend("ingress", "pass tcp $EXTERNAL_NET any -> 10.0.3.0/24 22 (flow:to_server; sid:33;)")),
        ).toEqual([
            "[PER-FW-INGRESS] firewall policy policy lets TCP 22 from the internet to the management segment through: rule group ingress (priority 100): pass tcp $EXTERNAL_NET any -> 10.0.3.0/24 22 (flow:to_server; sid:33;)",
        ]));
    it("fails the same shadowed pass without STRICT_ORDER (pass rules win first)", () =>
        expect(
            run((rs) => {
                rules(rs, "hygiene").rulesString += "\npass udp $HOME_NET any -> $EXTERNAL_NET 53 (sid:23;)";
                (fp(rs).statefulEngineOptions as { ruleOrder: string }).ruleOrder = "DEFAULT_ACTION_ORDER";
            }),
        ).toEqual(
            expect.arrayContaining([
                ...["agent segment", "service segment", "deploy runner"].map(
                    (s) =>
                        `[PER-FW-EGRESS] firewall policy policy lets UDP (DNS) from the ${s} to the internet through: rule group hygiene (priority 200): pass udp $HOME_NET any -> $EXTERNAL_NET 53 (sid:23;)`,
                ),
                // Pass rules first: the allow-list's passes outrun the hygiene group's port drop.
                `[PER-FW-EGRESS] firewall policy policy lets TLS from the agent segment to registry-1.docker.io on port 8443 through: rule group domains (priority 300): pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"registry-1.docker.io"; nocase; startswith; endswith; flow:to_server; sid:1;)`,
            ]),
        ));
});
