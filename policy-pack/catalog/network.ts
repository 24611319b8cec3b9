import { guide } from "./guide";
import { Control } from "./types";

const seg = guide.infrastructureSecurity.segmentation;

export const networkControls: Control[] = [
    {
        id: "NET-SEG-AGENT",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.segmentation.networks[agent_network]",
        requirement: `Agent workloads live in ${seg.agent.cidr} with ${seg.agent.access} access: only mesh / service ports to the service segment, egress only through the firewall.`,
        iso27001: ["A.8.20", "A.8.22"],
        soc2: ["CC6.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "NET-SEG-SERVICE",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.segmentation.networks[service_network]",
        requirement: `Shared services live in ${seg.service.cidr} with ${seg.service.access} access: reachable from the agent and management segments only.`,
        iso27001: ["A.8.20", "A.8.22"],
        soc2: ["CC6.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
    {
        id: "NET-SEG-MGMT",
        section: "infrastructure_security",
        guidePath: "infrastructure_security.network_protection.segmentation.networks[management_network]",
        requirement: `Administration lives in ${seg.management.cidr} with ${seg.management.access} access: only from the configured admin CIDRs / SSM, never from agents.`,
        iso27001: ["A.8.20", "A.8.22", "A.8.2"],
        soc2: ["CC6.1", "CC6.6"],
        how: { kind: "infrastructure" },
    },
];
