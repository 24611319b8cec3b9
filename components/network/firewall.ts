import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logDeliveryPolicy } from "./log-delivery";
import { isRealUpdate, namePrefix } from "../config";
import { EvidenceRegistry } from "../evidence";
import { firewallPolicy, ruleGroups } from "./firewall-policy";
import { GUARDDUTY_NEEDS } from "../../policy-pack/catalog/account-services";

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
    /** `adopt`: the landing zone owns the account's GuardDuty detector; the stack only looks it up. */
    accountServices: "create" | "adopt";
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
    /** The account's GuardDuty detector: this stack's (create) or the landing zone's, looked up (adopt). */
    readonly guardDutyDetectorId: pulumi.Output<string>;

    constructor(name: string, args: FirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mas:network:Firewall", name, {}, opts);
        const cfg = args.config;
        const prefix = namePrefix(cfg);

        const groups = ruleGroups(this, name, {
            prefix,
            vpcCidr: cfg.vpcCidr,
            publicSubnetCidrs: args.publicSubnetCidrs,
            egressAllowedDomains: cfg.egressAllowedDomains,
            deploySourceCidr: args.deploySourceCidr,
        });
        this.ingressRules = groups.ingress;
        this.egressHygieneRules = groups.egressHygiene;
        this.egressDomains = groups.egressDomains;
        this.deployDomains = groups.deployDomains;

        const region = aws.getRegionOutput({}, { parent: this }).region;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        this.policy = firewallPolicy(this, name, {
            prefix,
            region,
            partition,
            ipsMode: cfg.ipsMode,
            ruleGroups: groups,
        });
        this.firewall = networkFirewall(this, name, {
            prefix,
            vpcId: args.vpcId,
            policyArn: this.policy.arn,
            subnetIds: args.subnetIds,
            deletionProtection: cfg.deletionProtection,
        });
        this.logging = firewallLogging(this, name, {
            prefix,
            region,
            partition,
            firewallArn: this.firewall.arn,
            logGroupName: args.firewallLogGroupName,
        });
        const guardDuty = cfg.accountServices === "create" ? guardDutyDetector(this, name) : undefined;
        this.guardDutyDetectorId = guardDuty ? guardDuty.detector.id : adoptedDetectorId(this);

        const ev = args.evidence;
        ev.record("PER-FW-INGRESS", this.firewall, this.policy, this.ingressRules);
        ev.record("PER-FW-EGRESS", this.firewall, this.policy, this.egressHygieneRules, this.egressDomains);
        if (this.deployDomains) {
            ev.record("NET-DEPLOY-PATH", this.deployDomains);
        }
        ev.record("IDS-SIGNATURE", this.policy, this.logging);
        ev.record("IDS-AUTO-UPDATE", this.policy);
        ev.record("IPS-PREVENT", this.policy);
        if (guardDuty) {
            ev.record("IPS-BEHAVIORAL", guardDuty.detector, guardDuty.eksAudit, guardDuty.runtime);
        }

        this.registerOutputs({
            firewallArn: this.firewall.arn,
            policyArn: this.policy.arn,
            guardDutyDetectorId: this.guardDutyDetectorId,
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

/** The firewall in the firewall subnets, one endpoint per AZ. */
function networkFirewall(
    parent: pulumi.Resource,
    name: string,
    args: {
        prefix: string;
        vpcId: pulumi.Input<string>;
        policyArn: pulumi.Input<string>;
        subnetIds: pulumi.Input<string>[];
        deletionProtection: boolean;
    },
): aws.networkfirewall.Firewall {
    return new aws.networkfirewall.Firewall(
        `${name}-fw`,
        {
            name: `${args.prefix}-fw`,
            vpcId: args.vpcId,
            firewallPolicyArn: args.policyArn,
            subnetMappings: args.subnetIds.map((subnetId) => ({ subnetId })),
            deleteProtection: args.deletionProtection,
            firewallPolicyChangeProtection: args.deletionProtection,
            subnetChangeProtection: args.deletionProtection,
        },
        { parent },
    );
}

/** ALERT and FLOW logs into the data section's log group, which a resource policy opens to log delivery. */
function firewallLogging(
    parent: pulumi.Resource,
    name: string,
    args: {
        prefix: string;
        region: pulumi.Input<string>;
        partition: pulumi.Input<string>;
        firewallArn: pulumi.Input<string>;
        logGroupName: pulumi.Input<string>;
    },
): aws.networkfirewall.LoggingConfiguration {
    const account = aws.getCallerIdentityOutput({}, { parent });
    const logGroupArn = pulumi.interpolate`arn:${args.partition}:logs:${args.region}:${account.accountId}:log-group:${args.logGroupName}`;
    const deliveryPolicy = logDeliveryPolicy(
        `${name}-log-delivery`,
        { policyName: `${args.prefix}-firewall-log-delivery`, logGroupArn },
        parent,
    );
    return new aws.networkfirewall.LoggingConfiguration(
        `${name}-logging`,
        {
            firewallArn: args.firewallArn,
            loggingConfiguration: {
                logDestinationConfigs: ["ALERT", "FLOW"].map((logType) => ({
                    logType,
                    logDestinationType: "CloudWatchLogs",
                    logDestination: { logGroup: args.logGroupName },
                })),
            },
        },
        { parent, dependsOn: [deliveryPolicy] },
    );
}

/** What the guide's behavioural detection needs of a detector (IPS-BEHAVIORAL), the agent add-on included. */

/**
 * What IPS-BEHAVIORAL needs and an adopted detector lacks, in words; undefined when it has all of it. A member
 * account cannot turn these on: only the landing zone's delegated administrator can.
 */
export function detectorShortfall(
    d: Pick<aws.guardduty.GetDetectorResult, "id" | "status" | "features">,
): string | undefined {
    const on = new Set<string>();
    for (const f of d.features.filter((x) => x.status === "ENABLED")) {
        on.add(f.name);
        for (const c of f.additionalConfigurations.filter((x) => x.status === "ENABLED")) {
            on.add(`${f.name}/${c.name}`);
        }
    }
    const missing = GUARDDUTY_NEEDS.filter((n) => !on.has(n));
    return d.status !== "ENABLED" || missing.length > 0
        ? `accountServices adopt: the account's GuardDuty detector ${d.id} is ${d.status}${missing.length ? ` without ${missing.join(", ")}` : ""}; IPS-BEHAVIORAL needs it ENABLED with ${GUARDDUTY_NEEDS.join(", ")}: ask the landing zone's delegated administrator to enable them for this account`
        : undefined;
}

/**
 * The landing zone's detector (one per account and Region; the lookup fails preview and deploy when there is
 * none). A shortfall is a warning in a preview or offline plan and fails a real `pulumi up`.
 */
function adoptedDetectorId(parent: pulumi.Resource): pulumi.Output<string> {
    return aws.guardduty.getDetectorOutput({}, { parent }).apply((d) => {
        const shortfall = detectorShortfall(d);
        if (shortfall && isRealUpdate()) {
            throw new Error(shortfall);
        }
        if (shortfall) {
            void pulumi.log.warn(shortfall, parent);
        }
        return d.id;
    });
}

/**
 * One detector per account and Region: behavioral detection over flow logs, DNS, EKS audit logs and node
 * runtime (RUNTIME_MONITORING with the EKS add-on managed by GuardDuty).
 */
function guardDutyDetector(parent: pulumi.Resource, name: string) {
    const detector = new aws.guardduty.Detector(
        `${name}-guardduty`,
        { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" },
        { parent },
    );
    const eksAudit = new aws.guardduty.DetectorFeature(
        `${name}-guardduty-eks-audit`,
        { detectorId: detector.id, name: "EKS_AUDIT_LOGS", status: "ENABLED" },
        { parent },
    );
    const runtime = new aws.guardduty.DetectorFeature(
        `${name}-guardduty-runtime`,
        {
            detectorId: detector.id,
            name: "RUNTIME_MONITORING",
            status: "ENABLED",
            additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
        },
        { parent },
    );
    return { detector, eksAudit, runtime };
}
