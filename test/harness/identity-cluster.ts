/**
 * Builds the Identity and Cluster components with fake network / key inputs. Call it inside `runIsolated`'s
 * load callback: the modules are required there, in the isolated registry that holds the mocks.
 */
export function buildIdentityAndCluster(): { evidence: unknown } {
    const { loadConfig } = require("../../components/config") as typeof import("../../components/config");
    const { EvidenceRegistry } = require("../../components/evidence") as typeof import("../../components/evidence");
    const { Identity } = require("../../components/identity") as typeof import("../../components/identity");
    const { Cluster } = require("../../components/cluster") as typeof import("../../components/cluster");
    const config = loadConfig();
    const evidence = new EvidenceRegistry();
    const identity = new Identity("mas", { config, evidence });
    new Cluster("mas", {
        config,
        evidence,
        vpcId: "vpc-0123",
        subnetIds: { agent: ["subnet-a0", "subnet-a1"], service: ["subnet-s0", "subnet-s1"] },
        managementCidr: "10.0.3.0/24",
        eksKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/eks",
        ebsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/ebs",
        roles: identity.roles,
        agentRoles: identity.agentRoles,
        permissionsBoundaryArn: identity.permissionsBoundaryArn,
    });
    return { evidence: evidence.output() };
}
