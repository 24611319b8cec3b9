// network_protection.monitoring: VPC flow logs, the Network Firewall (strict order, managed threat signatures,
// drop) and its logs, GuardDuty (behavioral detection).

import { networkDesign } from "../../catalog/network";
import { adoptedType } from "../account-services";
import { asArray, environmentOf, environmentSchema, resourcePolicy, stackPolicy } from "../lib";
import { Props, Rec, rec, str } from "./shared";

export const vpcFlowLogs = stackPolicy({
    name: "network-vpc-flow-logs",
    description: "Every VPC has a flow log of ALL traffic.",
    controls: ["NET-FLOW-LOGS"],
    severity: "high",
    validate: (args, report) => {
        const logged = new Set(
            args.resources
                .filter((r) => r.type === "aws:ec2/flowLog:FlowLog" && r.props.trafficType === "ALL")
                .map((r) => str(r.props.vpcId)),
        );
        for (const vpc of args.resources.filter((r) => r.type === "aws:ec2/vpc:Vpc")) {
            const id = str(vpc.props.id);
            // An id unknown during preview cannot be matched yet; the update's own check sees it.
            if (id && !logged.has(id)) {
                report(`VPC ${vpc.name} (${id}) has no flow log with trafficType ALL`, vpc.urn);
            }
        }
    },
});

const DROP_DEFAULTS = ["aws:drop_strict", "aws:drop_established", "aws:drop_established_app_layer"];

export const firewallPolicy = resourcePolicy({
    name: "network-firewall-policy",
    description: `Network Firewall policies evaluate in STRICT_ORDER, forward all stateless traffic to the stateful engine, drop by default and reference the AWS-managed threat-signature groups ${networkDesign.firewallManagedGroups.join(", ")} (auto-updated); prod keeps their drop actions (no DROP_TO_ALERT).`,
    controls: ["IDS-SIGNATURE", "IDS-AUTO-UPDATE", "IPS-PREVENT", "PER-FW-EGRESS"],
    severity: "critical",
    types: ["aws:networkfirewall/firewallPolicy:FirewallPolicy"],
    configSchema: environmentSchema,
    validate: (args, report) => {
        const fp = rec((args.props as Props).firewallPolicy);
        const order = str(rec(fp.statefulEngineOptions).ruleOrder) ?? "DEFAULT_ACTION_ORDER";
        if (order !== "STRICT_ORDER") {
            report(`[IDS-SIGNATURE] firewall policy rule order is ${order}; use STRICT_ORDER`);
        }
        const stateless = asArray(fp.statelessDefaultActions as string[]);
        if (!stateless.includes("aws:forward_to_sfe")) {
            report(
                `[PER-FW-EGRESS] stateless default actions (${stateless.join(", ") || "none"}) do not forward to the stateful engine (aws:forward_to_sfe)`,
            );
        }
        const defaults = asArray(fp.statefulDefaultActions as string[]);
        if (!defaults.some((a) => DROP_DEFAULTS.includes(a))) {
            report(`[IPS-PREVENT] stateful default actions (${defaults.join(", ") || "none"}) do not drop`);
        }
        const refs = asArray(fp.statefulRuleGroupReferences as Rec[]).map(rec);
        const managedName = (r: Rec) => str(r.resourceArn)?.match(/:aws-managed:stateful-rulegroup\/(.+)$/)?.[1];
        const present = new Set(refs.map(managedName).filter((n): n is string => !!n));
        const missing = networkDesign.firewallManagedGroups.filter((g) => !present.has(g));
        if (missing.length > 0) {
            report(
                `[IDS-AUTO-UPDATE] firewall policy lacks the AWS-managed threat-signature groups ${missing.join(", ")}`,
            );
        }
        if (environmentOf(args) === "prod") {
            const alerting = refs
                .filter((r) => rec(r.override).action === "DROP_TO_ALERT")
                .map((r) => managedName(r) ?? str(r.resourceArn) ?? "?");
            if (alerting.length > 0) {
                report(`[IPS-PREVENT] managed groups overridden to DROP_TO_ALERT in prod: ${alerting.join(", ")}`);
            }
        }
    },
});

export const firewallLogging = stackPolicy({
    name: "network-firewall-logging",
    description: "Every Network Firewall logs ALERT and FLOW records.",
    controls: ["IDS-SIGNATURE"],
    severity: "high",
    validate: (args, report) => {
        const types = new Map<string, Set<string>>();
        for (const l of args.resources.filter(
            (r) => r.type === "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
        )) {
            const arn = str(l.props.firewallArn);
            const configs = asArray(rec(l.props.loggingConfiguration).logDestinationConfigs as Rec[]).map(rec);
            if (arn) {
                types.set(arn, new Set(configs.map((c) => String(c.logType))));
            }
        }
        for (const fw of args.resources.filter((r) => r.type === "aws:networkfirewall/firewall:Firewall")) {
            const arn = str(fw.props.arn);
            if (!arn) {
                continue;
            }
            const missing = ["ALERT", "FLOW"].filter((t) => !types.get(arn)?.has(t));
            if (missing.length > 0) {
                report(`network firewall ${fw.name} does not log ${missing.join(" and ")}`, fw.urn);
            }
        }
    },
});

export const guardDuty = stackPolicy({
    name: "network-guardduty",
    description:
        "The stack has an enabled GuardDuty detector with EKS_AUDIT_LOGS and RUNTIME_MONITORING (EKS_ADDON_MANAGEMENT) enabled.",
    controls: ["IPS-BEHAVIORAL"],
    severity: "high",
    validate: (args, report) => {
        const detectors = args.resources.filter(
            (r) => r.type === "aws:guardduty/detector:Detector" && r.props.enable !== false,
        );
        if (detectors.length === 0 && adoptedType("aws:guardduty/detector:Detector", args.resources)) {
            return; // the landing zone's detector, verified from the account
        }
        if (detectors.length === 0) {
            report("the stack has no enabled GuardDuty detector");
            return;
        }
        const features = args.resources.filter(
            (r) => r.type === "aws:guardduty/detectorFeature:DetectorFeature" && r.props.status === "ENABLED",
        );
        for (const d of detectors) {
            const id = str(d.props.id);
            if (!id) {
                continue;
            }
            const mine = features.filter((f) => f.props.detectorId === id);
            if (!mine.some((f) => f.props.name === "EKS_AUDIT_LOGS")) {
                report(`GuardDuty detector ${id} does not enable EKS_AUDIT_LOGS`, d.urn);
            }
            const runtime = mine.find((f) => f.props.name === "RUNTIME_MONITORING");
            const addon = asArray(runtime?.props.additionalConfigurations as Rec[])
                .map(rec)
                .some((c) => c.name === "EKS_ADDON_MANAGEMENT" && c.status === "ENABLED");
            if (!addon) {
                report(`GuardDuty detector ${id} does not enable RUNTIME_MONITORING with EKS_ADDON_MANAGEMENT`, d.urn);
            }
        }
    },
});
