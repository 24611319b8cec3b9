import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";
import { networkDesign } from "../../policy-pack/catalog/network";
import { coversSharedStorage, platformDesign } from "../../policy-pack/catalog/platform";
import { capacityProblems, fixedDemands } from "../../policy-pack/lib/capacity";
import { contains, overlaps, parseCidr } from "../../policy-pack/lib/cidr";
import { podsThatFit } from "../../policy-pack/lib/quantity";
import { agentQuota, meshedPodResources, segmentCidrs, segmentSubnets } from "./derived";
import { StackConfig } from "./keys";

/** The agent namespace quota must hold agentQuotaPods meshed pods (the one cross-key check of an agent stack). */
export function agentQuotaProblems(cfg: StackConfig, prefix: string): string[] {
    const perPod = meshedPodResources(cfg);
    const fit = podsThatFit(agentQuota(cfg), perPod);
    return fit < cfg.agentQuotaPods
        ? [
              `${prefix}agentQuotaPods: ${cfg.agentQuotaPods} pods do not fit the agent namespace quota (agentQuotaCpu ${cfg.agentQuotaCpu}, agentQuotaMemory ${cfg.agentQuotaMemory}): a meshed pod with default settings takes ${perPod.limitsCpu}m CPU / ${perPod.limitsMemory / 2 ** 20}Mi memory (container default + sidecar limits), so only ${fit} fit; raise the quota or lower the sidecar / container defaults`,
          ]
        : [];
}

/** Relations between keys that no single key's schema can see. */
export function crossChecks(cfg: StackConfig, prefix: string): string[] {
    const problems: string[] = [];
    const vpc = parseCidr(cfg.vpcCidr);
    const cidrs = segmentCidrs(cfg);
    const keyOf: Record<SegmentName, string> = {
        agent: "agentSegmentCidr",
        service: "serviceSegmentCidr",
        management: "managementSegmentCidr",
    };
    for (const s of SEGMENTS) {
        if (!contains(vpc, cidrs[s])) {
            problems.push(`${prefix}${keyOf[s]}: ${cidrs[s]} must lie inside vpcCidr ${cfg.vpcCidr}`);
        }
        if (parseCidr(cidrs[s]).prefix + Math.ceil(Math.log2(cfg.azCount)) > 28) {
            problems.push(`${prefix}${keyOf[s]}: ${cidrs[s]} is too small to split over ${cfg.azCount} AZs`);
        }
    }
    SEGMENTS.forEach((a, i) =>
        SEGMENTS.slice(i + 1).forEach((b) => {
            if (overlaps(cidrs[a], cidrs[b])) {
                problems.push(
                    `${prefix}${keyOf[b]}: ${cidrs[b]} overlaps ${keyOf[a]} ${cidrs[a]}; segments must be disjoint`,
                );
            }
        }),
    );
    if (cfg.profile === "prod") {
        const why = `environment ${cfg.environment} has the prod profile; only environment dev has the dev profile`;
        if (!cfg.shieldAdvanced) {
            problems.push(
                `${prefix}shieldAdvanced: must be true in prod (${why}): the pack requires Shield Advanced on the internet-facing ALB (PER-DDOS). The subscription is a 1-year commitment billed monthly per organisation; leave the key unset (prod default true) or use environment dev`,
            );
        }
        if (cfg.eksPublicAccessCidrs.length > 0) {
            problems.push(`${prefix}eksPublicAccessCidrs: must be empty in prod (the EKS API endpoint stays private)`);
        }
        if (!cfg.deletionProtection) {
            problems.push(`${prefix}deletionProtection: must be true in prod (data is never lost by an update)`);
        }
        if (!cfg.natGatewayPerAz) {
            problems.push(`${prefix}natGatewayPerAz: must be true in prod (no single-AZ egress)`);
        }
    }
    for (const c of cfg.adminCidrs.filter((x) => parseCidr(x).prefix < networkDesign.adminCidrWidestPrefix)) {
        problems.push(
            `${prefix}adminCidrs: ${c} is wider than a /${networkDesign.adminCidrWidestPrefix}; list your administrators' networks, not a share of the internet (SSM Session Manager needs none)`,
        );
    }
    if (cfg.domainName !== "" && cfg.hostedZoneId === "") {
        problems.push(`${prefix}hostedZoneId: required when domainName is set (ACM DNS validation)`);
    }
    if (cfg.ipsMode === "alert" && cfg.profile === "prod") {
        problems.push(`${prefix}ipsMode: must be prevent in prod (the guide's IPS mode)`);
    }
    problems.push(...agentQuotaProblems(cfg, prefix));
    if ((cfg.deployRunnerRepository === "") !== (cfg.deployRunnerConnectionArn === "")) {
        problems.push(
            `${prefix}deployRunnerConnectionArn: deployRunnerRepository and deployRunnerConnectionArn are set together (the runner registers through the connection)`,
        );
    }
    for (const entry of cfg.egressAllowedDomains.filter(coversSharedStorage)) {
        problems.push(
            `${prefix}egressAllowedDomains: ${entry} admits any host of a shared object store (anyone's bucket): list exact hosts instead`,
        );
    }
    // Addresses: the node groups at their maximum plus a rolling update, the interface endpoints and the EKS
    // control plane (all in the service subnets) must fit the segment subnets.
    const subnets = segmentSubnets(cfg);
    const capacity = capacityProblems(
        [
            {
                name: "agent",
                instanceType: cfg.agentNodeInstanceType,
                maxSize: cfg.nodeMaxCount,
                subnetCidrs: subnets.agent,
            },
            {
                name: "service",
                instanceType: cfg.serviceNodeInstanceType,
                maxSize: cfg.nodeMaxCount,
                subnetCidrs: subnets.service,
            },
        ],
        { maxEni: platformDesign.vpcCni.maxEni },
        fixedDemands({
            clusterSubnetCidrs: subnets.service,
            endpointSubnetCidrs: subnets.service,
            interfaceEndpoints: networkDesign.interfaceEndpoints.length,
        }),
    );
    for (const p of capacity) {
        problems.push(`${prefix}nodeMaxCount / serviceNodeInstanceType / agentNodeInstanceType: ${p}`);
    }
    if (cfg.nodeMaxCount < Math.max(cfg.agentNodeCount, cfg.serviceNodeCount)) {
        problems.push(`${prefix}nodeMaxCount: ${cfg.nodeMaxCount} is below a node group's desired count`);
    }
    return problems;
}
