/**
 * What a Network Firewall policy does with one flow ("How Network Firewall filters traffic", "Evaluation order
 * for stateful rule groups"): stateless rule groups first (by priority; aws:pass lets the flow through
 * uninspected, aws:drop stops it, aws:forward_to_sfe hands it on), then the stateless default action; then,
 * under STRICT_ORDER, the stateful groups by priority and each group's rules in order: the first pass, drop
 * or reject decides (alert goes on); nothing matched: the stateful default actions (drop_strict /
 * drop_established drop, otherwise it passes). AWS-managed groups hold threat signatures only: a probe flow
 * to an ordinary host matches none of them.
 */

import { groupRules, Flow, Rule } from "./suricata";

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const objs = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(obj) : []);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export interface Verdict {
    passes: boolean;
    /** What decided: a rule (group and text), a stateless rule, or a default action. */
    by: string;
}

export interface FirewallModel {
    /** Stateless rules that can let flows through or stop them, by priority. */
    stateless: { group: string; priority: number; actions: string[]; match: (f: Flow) => boolean }[];
    statelessDefault: string[];
    stateful: { group: string; priority: number; rules: Rule[] }[];
    statefulDefault: string[];
    strictOrder: boolean;
}

const cidrsMatch = (list: Rec[], key: string, ip: string, contains: (c: string, ip: string) => boolean) =>
    list.length === 0 || list.some((a) => contains(String(a[key] ?? a.addressDefinition), ip));

/** Builds the model of one firewall policy from the plan's rule groups (by ARN). */
export function firewallModel(
    policyProps: Rec,
    groupsByArn: Map<string, { name: string; props: Rec }>,
    homeNet: string[],
    contains: (cidr: string, ip: string) => boolean,
): FirewallModel {
    const fp = obj(policyProps.firewallPolicy);
    const stateless = objs(fp.statelessRuleGroupReferences).flatMap((ref) => {
        const g = groupsByArn.get(String(ref.resourceArn));
        const rules = objs(obj(obj(obj(g?.props.ruleGroup).rulesSource).statelessRulesAndCustomActions).statelessRules);
        return rules.map((r) => {
            const def = obj(r.ruleDefinition);
            const m = obj(def.matchAttributes);
            const ports = (list: Rec[], p: number) =>
                list.length === 0 || list.some((x) => p >= Number(x.fromPort ?? 0) && p <= Number(x.toPort ?? 65535));
            const protos = (Array.isArray(m.protocols) ? m.protocols : []).map(Number);
            const num = { tcp: 6, udp: 17, icmp: 1 } as const;
            return {
                group: g?.name ?? String(ref.resourceArn),
                priority: Number(ref.priority ?? 0) * 100000 + Number(r.priority ?? 0),
                actions: strs(def.actions),
                match: (f: Flow) =>
                    cidrsMatch(objs(m.sources), "addressDefinition", f.src, contains) &&
                    cidrsMatch(objs(m.destinations), "addressDefinition", f.dst, contains) &&
                    ports(objs(m.sourcePorts), f.srcPort) &&
                    ports(objs(m.destinationPorts), f.dstPort) &&
                    (protos.length === 0 || protos.includes(num[f.proto])),
            };
        });
    });
    stateless.sort((a, b) => a.priority - b.priority);
    const stateful = objs(fp.statefulRuleGroupReferences)
        .map((ref) => {
            const g = groupsByArn.get(String(ref.resourceArn));
            return {
                group: g?.name ?? String(ref.resourceArn),
                priority: Number(ref.priority ?? 0),
                rules: g ? groupRules(obj(g.props.ruleGroup), homeNet) : [],
            };
        })
        .sort((a, b) => a.priority - b.priority);
    return {
        stateless,
        statelessDefault: strs(fp.statelessDefaultActions),
        stateful,
        statefulDefault: strs(fp.statefulDefaultActions),
        strictOrder: obj(fp.statefulEngineOptions).ruleOrder === "STRICT_ORDER",
    };
}

/** Can the flow get through? (An opaque pass rule is read as matching, an opaque drop as not.) */
export function verdict(model: FirewallModel, flow: Flow): Verdict {
    for (const r of model.stateless.filter((x) => x.match(flow))) {
        if (r.actions.includes("aws:pass")) {
            return { passes: true, by: `stateless rule group ${r.group} passes it uninspected` };
        }
        if (r.actions.includes("aws:drop")) {
            return { passes: false, by: `stateless rule group ${r.group}` };
        }
        if (r.actions.includes("aws:forward_to_sfe")) {
            break;
        }
    }
    if (model.stateless.every((r) => !r.match(flow)) && model.statelessDefault.includes("aws:pass")) {
        return { passes: true, by: "the stateless default action aws:pass (never inspected)" };
    }
    if (model.stateless.every((r) => !r.match(flow)) && model.statelessDefault.includes("aws:drop")) {
        return { passes: false, by: "the stateless default action aws:drop" };
    }
    // Without STRICT_ORDER, Suricata's action order applies: any pass rule that matches wins first.
    const ordered = model.strictOrder
        ? model.stateful.flatMap((g) => g.rules.map((rule) => ({ g, rule })))
        : (["pass", "drop", "reject", "alert"] as const).flatMap((a) =>
              model.stateful.flatMap((g) => g.rules.filter((r) => r.action === a).map((rule) => ({ g, rule }))),
          );
    for (const { g, rule } of ordered) {
        if (rule.action === "alert") {
            continue;
        }
        // matches() ignores keywords it does not know, so it over-approximates an opaque rule: decisive for a
        // pass (it may let the flow through), not for a drop (it may not stop it).
        if (rule.matches(flow) && (rule.action === "pass" || !rule.opaque)) {
            return {
                passes: rule.action === "pass",
                by: `rule group ${g.group} (priority ${g.priority}): ${rule.text}`,
            };
        }
    }
    const drops = model.statefulDefault.some((a) => a === "aws:drop_strict" || a === "aws:drop_established");
    return {
        passes: !drops,
        by: `no rule matched; the stateful default actions (${model.statefulDefault.join(", ") || "none"}) ${drops ? "drop it" : "let it through"}`,
    };
}
