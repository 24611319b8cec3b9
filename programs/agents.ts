// An agent stack (platformStack set): only the per-agent parts of its `agents`, joined to the platform stack's
// cluster, mesh and identity through a StackReference and the contract the platform exports
// (components/platform/contract.ts). README "Split an estate".
import * as pulumi from "@pulumi/pulumi";
import { AgentFleet } from "../components/agents";
import { pick, platformStackName, StackConfig } from "../components/config";
import { PLATFORM_STACK_TAG } from "../policy-pack/catalog/identity";
import { EvidenceRegistry } from "../components/evidence";
import { stackAwsProvider } from "./provider";
import {
    AgentPlatformContract,
    ContractError,
    CONTRACT_OUTPUT,
    KUBECONFIG_OUTPUT,
    parseContract,
} from "../components/platform/contract";

/**
 * The contract, validated, and checked against this stack: same region and environment (an agent stack of a
 * prod platform is held to prod's rules), no agent the platform already runs (a namespace has one owner).
 */
export function checkPlatform(value: unknown, cfg: StackConfig): AgentPlatformContract {
    const c = parseContract(value, cfg.platformStack);
    const where = `platform stack ${cfg.platformStack}`;
    if (c.region !== cfg.region) {
        throw new ContractError(
            `${where} is in region ${c.region}, this agent stack's aws:region is ${cfg.region}: set aws:region: ${c.region} (Pod Identity associations and keys live in the cluster's region)`,
        );
    }
    if (c.environment !== cfg.environment) {
        throw new ContractError(
            `${where} has environment ${c.environment}, this agent stack's environment is ${cfg.environment}: set environment: ${c.environment}`,
        );
    }
    const shared = cfg.agents.filter((a) => c.agents.includes(a));
    if (shared.length > 0) {
        throw new ContractError(
            `${where} already runs agent${shared.length > 1 ? "s" : ""} ${shared.join(", ")}: an agent (its namespace agent-<name>) belongs to one stack; rename or remove it in agents`,
        );
    }
    return c;
}

export function agentProgram(cfg: StackConfig) {
    const evidence = new EvidenceRegistry();
    // As the platform's provider: the stack's default tags, plus the platform it belongs to.
    const awsProvider = stackAwsProvider(cfg, { [PLATFORM_STACK_TAG]: platformStackName(cfg) });
    const platformRef = new pulumi.StackReference("platform", { name: cfg.platformStack });
    const platform = platformRef.requireOutput(CONTRACT_OUTPUT).apply((v) => checkPlatform(v, cfg));
    // requireOutput keeps the platform's secret output secret.
    const kubeconfig = platformRef.requireOutput(KUBECONFIG_OUTPUT).apply((v) => {
        if (typeof v !== "string" || v === "") {
            throw new ContractError(
                `platform stack ${cfg.platformStack}, output ${KUBECONFIG_OUTPUT}: expected the cluster's kubeconfig (a string)`,
            );
        }
        return v;
    });

    const fleet = new AgentFleet(
        "mas",
        {
            config: pick(
                cfg,
                "stack",
                "project",
                "platformStack",
                "agents",
                "deletionProtection",
                "agentQuotaCpu",
                "agentQuotaMemory",
                "agentQuotaPods",
                "agentContainerDefaultCpu",
                "agentContainerDefaultMemory",
                "agentContainerMaxCpu",
                "agentContainerMaxMemory",
            ),
            evidence,
            platform,
            kubeconfig: pulumi.secret(kubeconfig),
        },
        { providers: { aws: awsProvider } },
    );

    /** What the pack reads of this stack without its config: its role, its platform and its agents. */
    const stackSettings = {
        environment: cfg.environment,
        role: "agents",
        platformStack: cfg.platformStack,
        agents: [...cfg.agents].sort(),
    };
    return {
        stackSettings,
        platformStack: cfg.platformStack,
        clusterName: platform.cluster.name,
        agentRoleArns: pulumi.all(Object.fromEntries(Object.entries(fleet.agentRoles).map(([a, r]) => [a, r.arn]))),
        auditEvidence: evidence.output(),
    };
}
