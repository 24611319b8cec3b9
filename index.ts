import * as aws from "@pulumi/aws";
import { loadConfig } from "./components/config";
import { EvidenceRegistry } from "./components/evidence";
import { Network } from "./components/network";

// Validate all config first: a bad value fails here, before any resource is registered.
const cfg = loadConfig();
const evidence = new EvidenceRegistry();

// One explicit AWS provider: every resource gets the stack's default tags (classification, environment).
const awsProvider = new aws.Provider("aws", {
    region: cfg.region as aws.Region,
    defaultTags: {
        tags: {
            project: cfg.project,
            environment: cfg.environment,
            stack: cfg.stack,
            "managed-by": "pulumi",
        },
    },
});
const providers = { aws: awsProvider };

const network = new Network("mas", { config: cfg, evidence }, { providers });

export const vpcId = network.vpc.id;
export const segmentSubnetIds = {
    agent: network.segmentSubnets.agent.map((s) => s.id),
    service: network.segmentSubnets.service.map((s) => s.id),
    management: network.segmentSubnets.management.map((s) => s.id),
};
export const auditEvidence = evidence.output();
