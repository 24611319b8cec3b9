// The network firewall's rules: this stack's stateful rule groups (ingress, egress hygiene, the domain
// allow-lists) and the firewall policy that orders them after AWS's managed threat signatures.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { networkDesign } from "../../policy-pack/catalog/network";
import { platformDesign } from "../../policy-pack/catalog/platform";

/** Stateful rule-group priorities (STRICT_ORDER: lowest first). Signatures run before any `pass` rule. */
const PRIORITY = { managed: 10, ingress: 100, egressHygiene: 200, deployDomains: 250, domains: 300 } as const;

/** Suricata sid range of this stack's own rules. */
const SID = 1_000_000;

const strict = { ruleOrder: "STRICT_ORDER" };

export interface RuleGroupsArgs {
    prefix: string;
    /** HOME_NET of the signatures and the egress rules. */
    vpcCidr: string;
    /** Public (ALB / NAT) subnet CIDRs: the only inbound destinations the ingress rules admit. */
    publicSubnetCidrs: string[];
    /** The workloads' egress allow-list (TLS SNI / HTTP Host). */
    egressAllowedDomains: string[];
    /** The deploy NAT gateway's address (a /32); absent: no deploy runner, no deploy allow-list. */
    deploySourceCidr?: string;
}

export interface RuleGroups {
    ingress: aws.networkfirewall.RuleGroup;
    egressHygiene: aws.networkfirewall.RuleGroup;
    egressDomains: aws.networkfirewall.RuleGroup;
    deployDomains?: aws.networkfirewall.RuleGroup;
}

/** The stack's own stateful rule groups, in priority order. */
export function ruleGroups(parent: pulumi.Resource, name: string, args: RuleGroupsArgs): RuleGroups {
    const { prefix } = args;
    const ports = networkDesign.ports;
    const homeNet = { key: "HOME_NET", ipSet: { definitions: [args.vpcCidr] } };
    const publicNet = { key: "PUBLIC_NET", ipSet: { definitions: args.publicSubnetCidrs } };

    // Inbound: only new TCP connections to the ALB on 443/80; `pass` passes the whole flow, replies
    // included. Any other connection attempt from outside is dropped and alerted.
    const ingressRules = [
        `pass tcp $EXTERNAL_NET any -> $PUBLIC_NET ${ports.https} (flow:to_server; msg:"ingress HTTPS to the ALB"; sid:${SID + 1}; rev:1;)`,
        `pass tcp $EXTERNAL_NET any -> $PUBLIC_NET ${ports.http} (flow:to_server; msg:"ingress HTTP to the ALB (redirected to HTTPS)"; sid:${SID + 2}; rev:1;)`,
        `drop tcp $EXTERNAL_NET any -> $HOME_NET any (flow:to_server; msg:"ingress to anything but the ALB"; sid:${SID + 3}; rev:1;)`,
        `drop udp $EXTERNAL_NET any -> $HOME_NET any (msg:"ingress UDP"; sid:${SID + 4}; rev:1;)`,
        `drop icmp $EXTERNAL_NET any -> $HOME_NET any (msg:"ingress ICMP"; sid:${SID + 5}; rev:1;)`,
    ].join("\n");
    const ingress = new aws.networkfirewall.RuleGroup(
        `${name}-ingress`,
        {
            name: `${prefix}-ingress`,
            type: "STATEFUL",
            // Capacity is fixed at creation: room to grow without a replacement.
            capacity: 100,
            description: "Inbound: only HTTPS/HTTP to the ALB.",
            ruleGroup: {
                ruleVariables: { ipSets: [homeNet, publicNet] },
                rulesSource: { rulesString: ingressRules },
                statefulRuleOptions: strict,
            },
        },
        { parent },
    );

    // Outbound: only TCP 443/80 leaves (DNS goes to the VPC resolver, time to Amazon Time Sync; neither
    // crosses the firewall). The domain allow-list below decides which 443/80 flows pass.
    const hygiene = [
        `drop tcp $HOME_NET any -> $EXTERNAL_NET ![${ports.https},${ports.http}] (flow:to_server; msg:"egress TCP to a port other than 443/80"; sid:${SID + 11}; rev:1;)`,
        `drop udp $HOME_NET any -> $EXTERNAL_NET any (msg:"egress UDP"; sid:${SID + 12}; rev:1;)`,
        `drop icmp $HOME_NET any -> $EXTERNAL_NET any (msg:"egress ICMP"; sid:${SID + 13}; rev:1;)`,
    ].join("\n");
    const egressHygiene = new aws.networkfirewall.RuleGroup(
        `${name}-egress-hygiene`,
        {
            name: `${prefix}-egress-hygiene`,
            type: "STATEFUL",
            capacity: 100,
            description: "Outbound: only TCP 443/80 may leave.",
            ruleGroup: {
                ruleVariables: { ipSets: [homeNet] },
                rulesSource: { rulesString: hygiene },
                statefulRuleOptions: strict,
            },
        },
        { parent },
    );

    const egressDomains = new aws.networkfirewall.RuleGroup(
        `${name}-egress-domains`,
        {
            name: `${prefix}-egress-domains`,
            type: "STATEFUL",
            capacity: 1000,
            description: "Outbound: the domain allow-list (TLS SNI and HTTP Host); the default action drops the rest.",
            ruleGroup: {
                ruleVariables: { ipSets: [homeNet] },
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI", "HTTP_HOST"],
                        targets: args.egressAllowedDomains,
                    },
                },
                statefulRuleOptions: strict,
            },
        },
        { parent },
    );

    // The deploy runner's list, before the workloads' one: the firewall sees traffic after NAT, so the
    // deploy NAT gateway's own address is what tells the runner's flows apart. Its generated rules also
    // drop that source's TLS / HTTP to anything else, so the list holds everything a deploy job needs.
    const deployDomains = args.deploySourceCidr
        ? new aws.networkfirewall.RuleGroup(
              `${name}-deploy-domains`,
              {
                  name: `${prefix}-deploy-domains`,
                  type: "STATEFUL",
                  capacity: 100,
                  description:
                      "Outbound from the deploy runner's NAT gateway only: GitHub, npm, Pulumi, charts, AWS APIs.",
                  ruleGroup: {
                      ruleVariables: {
                          ipSets: [{ key: "HOME_NET", ipSet: { definitions: [args.deploySourceCidr] } }],
                      },
                      rulesSource: {
                          rulesSourceList: {
                              generatedRulesType: "ALLOWLIST",
                              targetTypes: ["TLS_SNI", "HTTP_HOST"],
                              targets: [...platformDesign.deployRunner.egressDomains],
                          },
                      },
                      statefulRuleOptions: strict,
                  },
                  tags: { role: "deploy-runner" },
              },
              { parent },
          )
        : undefined;
    return { ingress, egressHygiene, egressDomains, deployDomains };
}

export interface FirewallPolicyArgs {
    prefix: string;
    region: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    /** prevent drops on the managed signatures; alert (dev only) downgrades them to alerts. */
    ipsMode: "prevent" | "alert";
    ruleGroups: RuleGroups;
}

/** The policy: AWS-managed signatures first, then the stack's groups; established and unmatched is dropped. */
export function firewallPolicy(
    parent: pulumi.Resource,
    name: string,
    args: FirewallPolicyArgs,
): aws.networkfirewall.FirewallPolicy {
    const groups = args.ruleGroups;
    // ipsMode "alert" (dev only; config refuses it in prod) downgrades the managed groups' drops.
    const managed = networkDesign.firewallManagedGroups.map((group, i) => ({
        resourceArn: pulumi.interpolate`arn:${args.partition}:network-firewall:${args.region}:aws-managed:stateful-rulegroup/${group}`,
        priority: PRIORITY.managed + i,
        ...(args.ipsMode === "alert" ? { override: { action: "DROP_TO_ALERT" } } : {}),
    }));
    return new aws.networkfirewall.FirewallPolicy(
        `${name}-policy`,
        {
            name: `${args.prefix}-policy`,
            firewallPolicy: {
                // Everything goes to the stateful engine; the stateless layer makes no decisions.
                statelessDefaultActions: ["aws:forward_to_sfe"],
                statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
                statefulEngineOptions: { ruleOrder: "STRICT_ORDER", streamExceptionPolicy: "DROP" },
                // drop_established (not drop_strict) lets the TCP handshake through so the SNI / Host
                // can be matched by the allow-list; anything established and unmatched is dropped.
                statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
                statefulRuleGroupReferences: [
                    ...managed,
                    { resourceArn: groups.ingress.arn, priority: PRIORITY.ingress },
                    { resourceArn: groups.egressHygiene.arn, priority: PRIORITY.egressHygiene },
                    ...(groups.deployDomains
                        ? [{ resourceArn: groups.deployDomains.arn, priority: PRIORITY.deployDomains }]
                        : []),
                    { resourceArn: groups.egressDomains.arn, priority: PRIORITY.domains },
                ],
            },
        },
        { parent },
    );
}
