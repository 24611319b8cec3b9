// Identity + Cluster run under mocks with fake network / data inputs, and helpers to read their resources.
import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { runShared, stackConfig } from "../../harness/program";

export const ACCT = "123456789012";
export const EKS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/eks-0001";
export const EBS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/ebs-0001";
export const AGENT_SG = "sg-0a0a0a0a0a0a0a0a0";
export const SERVICE_SG = "sg-05e05e05e05e05e05";

/** Runs Identity + Cluster under mocks with fake network / data inputs. */
export function runCluster(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    return runShared("cluster", stackConfig(stack, overrides), stack, () => {
        const pulumi = require("@pulumi/pulumi");
        const { loadConfig } = require("../../../components/config");
        const { EvidenceRegistry } = require("../../../components/evidence");
        const { Identity } = require("../../../components/identity");
        const { Cluster } = require("../../../components/cluster");
        const config = loadConfig();
        const evidence = new EvidenceRegistry();
        const identity = new Identity("mas", { config, evidence });
        const cluster = new Cluster("mas", {
            config,
            evidence,
            vpcId: "vpc-0123",
            subnetIds: { agent: ["subnet-a0", "subnet-a1"], service: ["subnet-s0", "subnet-s1"] },
            segmentSecurityGroupIds: { agent: AGENT_SG, service: SERVICE_SG },
            managementCidr: "10.0.3.0/24",
            eksKeyArn: EKS_KEY,
            ebsKeyArn: EBS_KEY,
            roles: identity.roles,
            agentRoles: identity.agentRoles,
            permissionsBoundaryArn: identity.permissionsBoundaryArn,
        });
        return {
            evidence: evidence.output(),
            kubeconfigIsSecret: pulumi.output(cluster.kubeconfig.isSecret),
            kubeconfig: cluster.kubeconfig,
            asgNames: cluster.autoScalingGroupNames,
        };
    });
}

export const spec = (r: RecordedResource) => r.inputs.spec as Record<string, unknown>;
