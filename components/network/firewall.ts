import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logDeliveryPolicy } from "./log-delivery";
import { networkDesign } from "../../policy-pack/catalog/network";
import { platformDesign } from "../../policy-pack/catalog/platform";
import { namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";

/** The stack config the firewall reads (keys as validated in components/config). */
export interface FirewallConfig {
    /** Stack name: physical names derive from it. */
    stack: string;
    /** HOME_NET of the signatures and the egress rules. */
    vpcCidr: string;
    /** The workloads' egress allow-list (TLS SNI / HTTP Host). */
    egressAllowedDomains: string[];
    /** prevent drops on the managed signatures; alert (dev only) downgrades them to alerts. */
    ipsMode: "prevent" | "alert";
    deletionProtection: boolean;
}

export interface FirewallArgs {
    config: FirewallConfig;
    evidence: EvidenceRegistry;
    vpcId: pulumi.Input<string>;
    /** One firewall subnet per AZ, in AZ order. */
    subnetIds: pulumi.Input<string>[];
    /** Public (ALB / NAT) subnet CIDRs: the only inbound destinations the ingress rules admit. */
    publicSubnetCidrs: string[];
    /** Data section: CloudWatch log group (name) for ALERT and FLOW logs. */
    firewallLogGroupName: pulumi.Input<string>;
    /**
     * The deploy NAT gateway's private address (a /32): the only source the deploy runner's allow-list
     * (platformDesign.deployRunner.egressDomains) admits. Absent: no deploy runner.
     */
    deploySourceCidr?: string;
}

/** Stateful rule-group priorities (STRICT_ORDER: lowest first). Signatures run before any `pass` rule. */
const PRIORITY = { managed: 10, ingress: 100, egressHygiene: 200, deployDomains: 250, domains: 300 } as const;

/** Suricata sid range of this stack's own rules. */
const SID = 1_000_000;

/**
 * AWS Network Firewall between the public subnets and the internet gateway (the perimeter's network
 * firewall, ingress and egress rules), AWS-managed threat signatures (signature-based IDS, updated by AWS)
 * in drop mode (IPS prevent), and GuardDuty for behavioral detection.
 */
export class Firewall extends pulumi.ComponentResource {
    readonly firewall: aws.networkfirewall.Firewall;
    readonly policy: aws.networkfirewall.FirewallPolicy;
    readonly ingressRules: aws.networkfirewall.RuleGroup;
    readonly egressHygieneRules: aws.networkfirewall.RuleGroup;
    readonly egressDomains: aws.networkfirewall.RuleGroup;
    /** The deploy runner's allow-list, scoped to the deploy NAT gateway's address. */
    readonly deployDomains?: aws.networkfirewall.RuleGroup;
    readonly logging: aws.networkfirewall.LoggingConfiguration;
    readonly guardDutyDetector: aws.guardduty.Detector;

    constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:network:Firewall", name, {}, opts);
        const cfg = args.config;
        const ev = args.evidence;
        const prefix = namePrefix(cfg);
        const ports = networkDesign.ports;
        const strict = { ruleOrder: "STRICT_ORDER" };
        const homeNet = { key: "HOME_NET", ipSet: { definitions: [cfg.vpcCidr] } };
        const publicNet = { key: "PUBLIC_NET", ipSet: { definitions: args.publicSubnetCidrs } };

        // Inbound: only new TCP connections to the ALB on 443/80; `pass` passes the whole flow, replies
        // included. Any other connection attempt from outside is dropped and alerted.
        const ingress = [
            `pass tcp $EXTERNAL_NET any -> $PUBLIC_NET ${ports.https} (flow:to_server; msg:"ingress HTTPS to the ALB"; sid:${SID + 1}; rev:1;)`,
            `pass tcp $EXTERNAL_NET any -> $PUBLIC_NET ${ports.http} (flow:to_server; msg:"ingress HTTP to the ALB (redirected to HTTPS)"; sid:${SID + 2}; rev:1;)`,
            `drop tcp $EXTERNAL_NET any -> $HOME_NET any (flow:to_server; msg:"ingress to anything but the ALB"; sid:${SID + 3}; rev:1;)`,
            `drop udp $EXTERNAL_NET any -> $HOME_NET any (msg:"ingress UDP"; sid:${SID + 4}; rev:1;)`,
            `drop icmp $EXTERNAL_NET any -> $HOME_NET any (msg:"ingress ICMP"; sid:${SID + 5}; rev:1;)`,
        ].join("\n");
        this.ingressRules = new aws.networkfirewall.RuleGroup(
            `${name}-ingress`,
            {
                name: `${prefix}-ingress`,
                type: "STATEFUL",
                // Capacity is fixed at creation: room to grow without a replacement.
                capacity: 100,
                description: "Inbound: only HTTPS/HTTP to the ALB.",
                ruleGroup: {
                    ruleVariables: { ipSets: [homeNet, publicNet] },
                    rulesSource: { rulesString: ingress },
                    statefulRuleOptions: strict,
                },
            },
            { parent: this },
        );

        // Outbound: only TCP 443/80 leaves (DNS goes to the VPC resolver, time to Amazon Time Sync; neither
        // crosses the firewall). The domain allow-list below decides which 443/80 flows pass.
        const hygiene = [
            `drop tcp $HOME_NET any -> $EXTERNAL_NET ![${ports.https},${ports.http}] (flow:to_server; msg:"egress TCP to a port other than 443/80"; sid:${SID + 11}; rev:1;)`,
            `drop udp $HOME_NET any -> $EXTERNAL_NET any (msg:"egress UDP"; sid:${SID + 12}; rev:1;)`,
            `drop icmp $HOME_NET any -> $EXTERNAL_NET any (msg:"egress ICMP"; sid:${SID + 13}; rev:1;)`,
        ].join("\n");
        this.egressHygieneRules = new aws.networkfirewall.RuleGroup(
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
            { parent: this },
        );

        this.egressDomains = new aws.networkfirewall.RuleGroup(
            `${name}-egress-domains`,
            {
                name: `${prefix}-egress-domains`,
                type: "STATEFUL",
                capacity: 1000,
                description:
                    "Outbound: the domain allow-list (TLS SNI and HTTP Host); the default action drops the rest.",
                ruleGroup: {
                    ruleVariables: { ipSets: [homeNet] },
                    rulesSource: {
                        rulesSourceList: {
                            generatedRulesType: "ALLOWLIST",
                            targetTypes: ["TLS_SNI", "HTTP_HOST"],
                            targets: cfg.egressAllowedDomains,
                        },
                    },
                    statefulRuleOptions: strict,
                },
            },
            { parent: this },
        );

        // The deploy runner's list, before the workloads' one: the firewall sees traffic after NAT, so the
        // deploy NAT gateway's own address is what tells the runner's flows apart. Its generated rules also
        // drop that source's TLS / HTTP to anything else, so the list holds everything a deploy job needs.
        if (args.deploySourceCidr) {
            this.deployDomains = new aws.networkfirewall.RuleGroup(
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
                { parent: this },
            );
        }

        const region = aws.getRegionOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        // ipsMode "alert" (dev only; config refuses it in prod) downgrades the managed groups' drops.
        const managed = networkDesign.firewallManagedGroups.map((group, i) => ({
            resourceArn: pulumi.interpolate`arn:${partition.partition}:network-firewall:${region.region}:aws-managed:stateful-rulegroup/${group}`,
            priority: PRIORITY.managed + i,
            ...(cfg.ipsMode === "alert" ? { override: { action: "DROP_TO_ALERT" } } : {}),
        }));

        this.policy = new aws.networkfirewall.FirewallPolicy(
            `${name}-policy`,
            {
                name: `${prefix}-policy`,
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
                        { resourceArn: this.ingressRules.arn, priority: PRIORITY.ingress },
                        { resourceArn: this.egressHygieneRules.arn, priority: PRIORITY.egressHygiene },
                        ...(this.deployDomains
                            ? [{ resourceArn: this.deployDomains.arn, priority: PRIORITY.deployDomains }]
                            : []),
                        { resourceArn: this.egressDomains.arn, priority: PRIORITY.domains },
                    ],
                },
            },
            { parent: this },
        );

        this.firewall = new aws.networkfirewall.Firewall(
            `${name}-fw`,
            {
                name: `${prefix}-fw`,
                vpcId: args.vpcId,
                firewallPolicyArn: this.policy.arn,
                subnetMappings: args.subnetIds.map((subnetId) => ({ subnetId })),
                deleteProtection: cfg.deletionProtection,
                firewallPolicyChangeProtection: cfg.deletionProtection,
                subnetChangeProtection: cfg.deletionProtection,
            },
            { parent: this },
        );

        const account = aws.getCallerIdentityOutput({}, { parent: this });
        const logGroupArn = pulumi.interpolate`arn:${partition.partition}:logs:${region.region}:${account.accountId}:log-group:${args.firewallLogGroupName}`;
        const deliveryPolicy = logDeliveryPolicy(
            `${name}-log-delivery`,
            { policyName: `${prefix}-firewall-log-delivery`, logGroupArn },
            this,
        );
        this.logging = new aws.networkfirewall.LoggingConfiguration(
            `${name}-logging`,
            {
                firewallArn: this.firewall.arn,
                loggingConfiguration: {
                    logDestinationConfigs: ["ALERT", "FLOW"].map((logType) => ({
                        logType,
                        logDestinationType: "CloudWatchLogs",
                        logDestination: { logGroup: args.firewallLogGroupName },
                    })),
                },
            },
            { parent: this, dependsOn: [deliveryPolicy] },
        );

        // One detector per account and Region: behavioral detection over flow logs, DNS, EKS audit logs and
        // node runtime (RUNTIME_MONITORING with the EKS add-on managed by GuardDuty).
        this.guardDutyDetector = new aws.guardduty.Detector(
            `${name}-guardduty`,
            { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" },
            { parent: this },
        );
        const eksAudit = new aws.guardduty.DetectorFeature(
            `${name}-guardduty-eks-audit`,
            { detectorId: this.guardDutyDetector.id, name: "EKS_AUDIT_LOGS", status: "ENABLED" },
            { parent: this },
        );
        const runtime = new aws.guardduty.DetectorFeature(
            `${name}-guardduty-runtime`,
            {
                detectorId: this.guardDutyDetector.id,
                name: "RUNTIME_MONITORING",
                status: "ENABLED",
                additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
            },
            { parent: this },
        );

        ev.record("PER-FW-INGRESS", this.firewall, this.policy, this.ingressRules);
        ev.record("PER-FW-EGRESS", this.firewall, this.policy, this.egressHygieneRules, this.egressDomains);
        if (this.deployDomains) {
            ev.record("NET-DEPLOY-PATH", this.deployDomains);
        }
        ev.record("IDS-SIGNATURE", this.policy, this.logging);
        ev.record("IDS-AUTO-UPDATE", this.policy);
        ev.record("IPS-PREVENT", this.policy);
        ev.record("IPS-BEHAVIORAL", this.guardDutyDetector, eksAudit, runtime);

        this.registerOutputs({
            firewallArn: this.firewall.arn,
            policyArn: this.policy.arn,
            guardDutyDetectorId: this.guardDutyDetector.id,
        });
    }

    /** The firewall endpoint in an AZ (AZ-symmetric routing: each AZ's traffic uses its own endpoint). */
    endpointIn(availabilityZone: pulumi.Input<string>): pulumi.Output<string> {
        return pulumi.all([this.firewall.firewallStatuses, availabilityZone]).apply(([statuses, az]) => {
            const state = (statuses?.[0]?.syncStates ?? []).find((s) => s.availabilityZone === az);
            const endpointId = state?.attachments?.[0]?.endpointId;
            if (!endpointId) {
                throw new Error(`network firewall has no endpoint in ${az}`);
            }
            return endpointId;
        });
    }
}
