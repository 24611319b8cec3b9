// The network firewall judged by what it does: probe flows the guide does not allow (egress to hosts off the
// allow-list, to ports other than 443/80, UDP / ICMP; ingress to anything but the ALB) are run through each
// firewall's policy, stateless groups then the stateful groups in STRICT_ORDER (lib/firewall), and none may
// pass. A `pass` placed before the domain allow-list, a widened list or a stateless pass is caught by what it
// lets through, not by its name.

import { PolicyResource } from "@pulumi/policy";
import { networkDesign } from "../../catalog/network";
import { contains } from "../../lib/cidr";
import { Flow } from "../../lib/firewall/suricata";
import { firewallModel, verdict } from "../../lib/firewall/verdict";
import { asArray, asObject, asString, stackPolicy } from "../lib";
import { stackConfigList } from "../../lib/stack-config";
import { segmentsOf } from "./shared";

const FIREWALL = "aws:networkfirewall/firewall:Firewall";
const POLICY = "aws:networkfirewall/firewallPolicy:FirewallPolicy";
const GROUP = "aws:networkfirewall/ruleGroup:RuleGroup";
const OUTSIDE = "203.0.113.10";
const UNLISTED = "exfil.attacker.invalid";

type Rec = Record<string, unknown>;

/** The n-th address of a CIDR (a probe address inside a segment). */
function hostIn(cidr: string, n = 10): string {
    const base = cidr.split("/")[0].split(".").map(Number);
    const v = (((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0) + n;
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}

const homeNetOf = (g: PolicyResource): string[] => {
    const sets = asArray(asObject(asObject(g.props.ruleGroup).ruleVariables).ipSets as Rec[]).map(asObject);
    return asArray(asObject(sets.find((s) => s.key === "HOME_NET")?.ipSet).definitions as string[]);
};
const listTargets = (g: PolicyResource): string[] => {
    const l = asObject(asObject(asObject(g.props.ruleGroup).rulesSource).rulesSourceList);
    return l.generatedRulesType === "ALLOWLIST" ? asArray(l.targets as string[]) : [];
};
/** Domain-like strings a rule group's own rules name (content of tls.sni / http.host). */
const namedHosts = (g: PolicyResource): string[] => {
    const text = asString(asObject(asObject(g.props.ruleGroup).rulesSource).rulesString) ?? "";
    return [...text.matchAll(/(?:tls\.sni|http\.host);[^)]*?content:\s*"([^"]+)"/g)].map((m) => m[1]);
};

/** The workloads' allowed egress hosts: the stack's egressAllowedDomains (its config), else the plan's lists. */
function configuredDomains(): string[] | undefined {
    return stackConfigList("egressAllowedDomains");
}

const allowedBy = (list: string[]) => (host: string) =>
    list.some((t) => (t.startsWith(".") ? host === t.slice(1) || host.endsWith(t) : host === t));

export const firewallFlows = stackPolicy({
    name: "network-firewall-effective-flows",
    description: `Each network firewall's policy is evaluated (stateless groups, then stateful groups in STRICT_ORDER, rule by rule, then the default actions) against flows the guide does not allow: egress to a host off the workloads' (or the deploy runner's) allow-list, to a look-alike of a listed host, on a port other than ${networkDesign.ports.https}/${networkDesign.ports.http}, over UDP or ICMP; ingress from the internet to a segment. None may pass.`,
    controls: ["PER-FW-EGRESS", "PER-FW-INGRESS"],
    severity: "critical",
    validate: (args, report) => {
        const rs = args.resources;
        const vpcs = rs.filter((r) => r.type === "aws:ec2/vpc:Vpc").map((v) => asString(v.props.cidrBlock) ?? "");
        const home = vpcs.filter(Boolean);
        if (home.length === 0) {
            return;
        }
        const groups = rs.filter((r) => r.type === GROUP);
        const byArn = new Map(
            groups.map((g) => [asString(g.props.arn) ?? "", { name: g.name, props: g.props }] as const),
        );
        const attached = new Set(rs.filter((r) => r.type === FIREWALL).map((f) => asString(f.props.firewallPolicyArn)));
        const segments = segmentsOf(rs);
        const ipIn = (cidr: string, ip: string) => contains(cidr.includes("/") ? cidr : `${cidr}/32`, `${ip}/32`);

        // Sources: the workloads (agent and service segments) and the deploy runner's NAT address, if any.
        const deploy = groups.map(homeNetOf).find((h) => h.length === 1 && h[0].endsWith("/32"))?.[0];
        const deployTargets = groups.filter((g) => homeNetOf(g)[0] === deploy).flatMap(listTargets);
        const workloadTargets =
            configuredDomains() ?? groups.filter((g) => homeNetOf(g)[0] !== deploy || !deploy).flatMap(listTargets);
        const sources = [
            {
                name: "agent segment",
                ip: hostIn(segments.agent),
                allowed: allowedBy(workloadTargets),
                listed: workloadTargets,
            },
            {
                name: "service segment",
                ip: hostIn(segments.service),
                allowed: allowedBy(workloadTargets),
                listed: workloadTargets,
            },
            ...(deploy
                ? [
                      {
                          name: "deploy runner",
                          ip: deploy.split("/")[0],
                          allowed: allowedBy(deployTargets),
                          listed: deployTargets,
                      },
                  ]
                : []),
        ];
        // Every host some rule or list names, and look-alikes of the listed ones.
        const named = [...new Set([...groups.flatMap(listTargets), ...groups.flatMap(namedHosts)])].map((h) =>
            h.replace(/^\./, ""),
        );

        for (const p of rs.filter(
            (r) => r.type === POLICY && (attached.size === 0 || attached.has(asString(r.props.arn))),
        )) {
            const model = firewallModel(p.props, byArn, home, ipIn);
            // Probes that get through, grouped by what lets them (one report per rule / default and kind).
            const leaks = new Map<string, string[]>();
            const check = (control: string, what: string, flow: Flow, detail = "") => {
                const v = verdict(model, flow);
                if (v.passes) {
                    const key = `[${control}] firewall policy ${p.name} lets ${what} through: ${v.by}`;
                    leaks.set(key, [...(leaks.get(key) ?? []), ...(detail ? [detail] : [])]);
                }
            };
            for (const s of sources) {
                const tls = (host: string, port: number = networkDesign.ports.https): Flow => ({
                    proto: "tcp",
                    app: "tls",
                    src: s.ip,
                    srcPort: 40000,
                    dst: OUTSIDE,
                    dstPort: port,
                    host,
                });
                const hosts = [UNLISTED, ...named.filter((h) => !s.allowed(h))];
                for (const h of hosts) {
                    check("PER-FW-EGRESS", `TLS from the ${s.name} to hosts off its allow-list`, tls(h), h);
                    check(
                        "PER-FW-EGRESS",
                        `HTTP from the ${s.name} to hosts off its allow-list`,
                        { ...tls(h, networkDesign.ports.http), app: "http" },
                        h,
                    );
                }
                for (const t of s.listed.slice(0, 50)) {
                    const bare = t.replace(/^\./, "");
                    for (const look of [`${bare}.attacker.invalid`, `x${bare}`]) {
                        if (!s.allowed(look)) {
                            check(
                                "PER-FW-EGRESS",
                                `TLS from the ${s.name} to look-alikes of listed hosts`,
                                tls(look),
                                look,
                            );
                        }
                    }
                }
                const listed = s.listed.find((t) => !t.startsWith("."));
                if (listed) {
                    check("PER-FW-EGRESS", `TLS from the ${s.name} to ${listed} on port 8443`, tls(listed, 8443));
                }
                check("PER-FW-EGRESS", `TCP 443 that is neither TLS nor HTTP from the ${s.name} to the internet`, {
                    proto: "tcp",
                    src: s.ip,
                    srcPort: 40000,
                    dst: OUTSIDE,
                    dstPort: networkDesign.ports.https,
                });
                check("PER-FW-EGRESS", `SSH (TCP 22) from the ${s.name} to the internet`, {
                    proto: "tcp",
                    app: "ssh",
                    src: s.ip,
                    srcPort: 40000,
                    dst: OUTSIDE,
                    dstPort: networkDesign.ports.ssh,
                });
                check("PER-FW-EGRESS", `UDP (DNS) from the ${s.name} to the internet`, {
                    proto: "udp",
                    app: "dns",
                    src: s.ip,
                    srcPort: 40000,
                    dst: OUTSIDE,
                    dstPort: networkDesign.ports.dns,
                });
                check("PER-FW-EGRESS", `ICMP from the ${s.name} to the internet`, {
                    proto: "icmp",
                    src: s.ip,
                    srcPort: 0,
                    dst: OUTSIDE,
                    dstPort: 0,
                });
            }
            for (const [segment, cidr] of Object.entries(segments)) {
                for (const port of [networkDesign.ports.ssh, networkDesign.ports.https]) {
                    check("PER-FW-INGRESS", `TCP ${port} from the internet to the ${segment} segment`, {
                        proto: "tcp",
                        src: OUTSIDE,
                        srcPort: 40000,
                        dst: hostIn(cidr),
                        dstPort: port,
                    });
                }
            }
            for (const [message, hosts] of leaks) {
                const shown = hosts.slice(0, 3).join(", ");
                report(
                    hosts.length > 0
                        ? message.replace(
                              " through: ",
                              ` through (${hosts.length}: ${shown}${hosts.length > 3 ? ", ..." : ""}): `,
                          )
                        : message,
                    p.urn,
                );
            }
        }
    },
});
