// Self-test breaks for infrastructure_security: segments, perimeter, detection and prevention.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Mutation, remove, set, T } from "./plan";

export const networkMutations: readonly Mutation[] = [
    // infrastructure_security
    set(
        "NET-POD-CAPACITY",
        "agent node group allowed to grow to 20 nodes (maxSize 20): its subnets cannot address them (a /26 in prod, a /25 in dev)",
        (p) => {
            p.inputs(T.nodeGroup, "mas-agent").scalingConfig.maxSize = 20;
        },
    ),
    set("NET-DEPLOY-PATH", "deploy runner webhook started on PUSH instead of WORKFLOW_JOB_QUEUED", (p) => {
        p.inputs(T.codebuildWebhook, "mas-deploy-runner").filterGroups[0].filters[0].pattern = "PUSH";
    }),
    // 192.0.2.0/24 (TEST-NET-1) lies outside any segment whatever the stack's address plan.
    set("NET-SEG-AGENT", "subnet mas-agent-0 moved outside its segment (cidrBlock 192.0.2.0/26)", (p) => {
        p.inputs(T.subnet, "mas-agent-0").cidrBlock = "192.0.2.0/26";
    }),
    set("NET-SEG-SERVICE", "subnet mas-service-0 moved outside its segment (cidrBlock 192.0.2.64/26)", (p) => {
        p.inputs(T.subnet, "mas-service-0").cidrBlock = "192.0.2.64/26";
    }),
    set("NET-SEG-MGMT", "subnet mas-management-0 moved outside its segment (cidrBlock 192.0.2.128/26)", (p) => {
        p.inputs(T.subnet, "mas-management-0").cidrBlock = "192.0.2.128/26";
    }),
    set("NET-FLOW-LOGS", "VPC flow log records only REJECT traffic (trafficType REJECT)", (p) => {
        p.inputs(T.flowLog, "mas-flow-logs").trafficType = "REJECT";
    }),
    set("PER-FW-EGRESS", "agent default route sent to the internet gateway instead of NAT", (p) => {
        const r = p.inputs(T.route, "mas-agent-default-0");
        delete r.natGatewayId;
        r.gatewayId = "igw-e6bc7393a86b2df89";
    }),
    set("PER-FW-INGRESS", "Kubernetes API rule mas-api-from-mgmt opened to 0.0.0.0/0", (p) => {
        p.inputs(T.sgIngress, "mas-api-from-mgmt").cidrIpv4 = "0.0.0.0/0";
    }),
    set("PER-LB", "ALB access logs disabled (accessLogs.enabled false)", (p) => {
        p.inputs(T.alb, "mas-alb").accessLogs.enabled = false;
    }),
    remove("PER-WAF-RULES", T.aclLogging, "mas-waf-logging", "the web ACL without logging"),
    set("PER-DDOS", "the WAF global rate rule's limit doubled", (p) => {
        const rule = p
            .inputs(T.acl, "mas-waf")
            .rules.find((r: any) => r.statement?.rateBasedStatement?.aggregateKeyType === "CONSTANT");
        rule.statement.rateBasedStatement.limit *= 2;
    }),
    set("IDS-SIGNATURE", "firewall policy rule order DEFAULT_ACTION_ORDER instead of STRICT_ORDER", (p) => {
        p.inputs(T.fwPolicy, "mas-firewall-policy").firewallPolicy.statefulEngineOptions.ruleOrder =
            "DEFAULT_ACTION_ORDER";
    }),
    set("IDS-AUTO-UPDATE", "firewall policy references no AWS-managed threat-signature group", (p) => {
        const fp = p.inputs(T.fwPolicy, "mas-firewall-policy").firewallPolicy;
        fp.statefulRuleGroupReferences = fp.statefulRuleGroupReferences.filter(
            (g: any) => !String(g.resourceArn).includes(":aws-managed:"),
        );
    }),
    set("IPS-BEHAVIORAL", "GuardDuty runtime monitoring DISABLED", (p) => {
        p.inputs(T.detectorFeature, "mas-firewall-guardduty-runtime").status = "DISABLED";
    }),
    set("IPS-PREVENT", "firewall stateful default actions alert only (aws:alert_established)", (p) => {
        p.inputs(T.fwPolicy, "mas-firewall-policy").firewallPolicy.statefulDefaultActions = ["aws:alert_established"];
    }),
    set("EKS-ENDPOINT", "EKS API endpoint public to the internet (endpointPublicAccess true, 0.0.0.0/0)", (p) => {
        const vpc = p.inputs(T.eks, "mas-eks").vpcConfig;
        vpc.endpointPublicAccess = true;
        vpc.publicAccessCidrs = ["0.0.0.0/0"];
    }),
];
