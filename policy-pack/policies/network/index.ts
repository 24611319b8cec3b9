import { addressPlanPins } from "./address-plan";
import { endpointPolicies } from "./endpoints";
import { firewallFlows } from "./firewall-flows";
import { firewallLogging, firewallPolicy, guardDuty, vpcFlowLogs } from "./monitoring";
import { albHardening, listenerTls, noPublicIngress } from "./perimeter";
import { segmentReachability } from "./reachability";
import { segmentRoutes, subnetsInSegment } from "./segmentation";
import { albWaf, shieldAlb, wafLogging } from "./waf";

export * from "./segmentation";
export * from "./perimeter";
export * from "./waf";
export * from "./monitoring";
export * from "./reachability";
export * from "./address-plan";
export * from "./firewall-flows";
export * from "./endpoints";

/** The infrastructure_security.network_protection policies, in the pack's order. */
export const networkPolicies = [
    subnetsInSegment,
    noPublicIngress,
    segmentRoutes,
    vpcFlowLogs,
    listenerTls,
    albHardening,
    albWaf,
    wafLogging,
    firewallPolicy,
    firewallLogging,
    guardDuty,
    shieldAlb,
    segmentReachability,
    addressPlanPins,
    firewallFlows,
    endpointPolicies,
];
