// The guide's infrastructure_security leaves, in the guide's order (see ../requirements.ts for how leaves are counted).

import { GuideRequirement } from "../types";

export const infrastructureSecurityRequirements: readonly GuideRequirement[] = [
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[network].rules[ingress_rules]",
        value: "ingress_rules",
        controls: ["PER-FW-INGRESS", "PER-LB"],
    },
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[network].rules[egress_rules]",
        value: "egress_rules",
        controls: ["PER-FW-EGRESS"],
    },
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[application].rules[waf_rules]",
        value: "waf_rules",
        controls: ["PER-WAF-RULES"],
    },
    {
        path: "infrastructure_security.network_protection.perimeter.firewalls[application].rules[ddos_protection]",
        value: "ddos_protection",
        controls: ["PER-DDOS"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[agent_network].cidr",
        value: "10.0.1.0/24",
        controls: ["NET-SEG-AGENT", "NET-POD-CAPACITY"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[agent_network].access",
        value: "restricted",
        controls: ["NET-SEG-AGENT"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[service_network].cidr",
        value: "10.0.2.0/24",
        controls: ["NET-SEG-SERVICE", "NET-POD-CAPACITY"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[service_network].access",
        value: "internal",
        controls: ["NET-SEG-SERVICE"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[management_network].cidr",
        value: "10.0.3.0/24",
        controls: ["NET-SEG-MGMT"],
    },
    {
        path: "infrastructure_security.network_protection.segmentation.networks[management_network].access",
        value: "admin_only",
        controls: ["NET-SEG-MGMT", "EKS-ENDPOINT", "NET-DEPLOY-PATH"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ids.type",
        value: "signature_based",
        controls: ["IDS-SIGNATURE"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ids.updates",
        value: "automatic",
        controls: ["IDS-AUTO-UPDATE"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ips.type",
        value: "behavioral",
        controls: ["IPS-BEHAVIORAL", "NET-FLOW-LOGS"],
    },
    {
        path: "infrastructure_security.network_protection.monitoring.ips.mode",
        value: "prevent",
        controls: ["IPS-PREVENT"],
    },
];
