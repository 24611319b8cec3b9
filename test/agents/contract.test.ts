import { parseContract } from "../../components/platform/contract";
import { checkPlatform } from "../../programs/agents";
import { parseConfig } from "../../components/config";

/** A contract as the prod platform exports it (values of the offline prod plan). */
function contract(): Record<string, any> {
    return {
        version: 1,
        project: "multi-agent-security",
        stack: "prod",
        environment: "prod",
        profile: "prod",
        region: "eu-west-1",
        account: "123456789012",
        namePrefix: "mas-prod",
        cluster: {
            name: "mas-prod-eks",
            agentClusterRole: "mas:agent",
            resourceManagerAllocate: { clusterRole: "mas:resource-manager-allocate", group: "mas:resource-managers" },
            agentPriorityLevel: "mas-agents",
        },
        mesh: { trustDomain: "cluster.local", rootNamespace: "istio-system" },
        identity: {
            permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/mas-prod-permissions-boundary",
            agentPolicyArn: "arn:aws:iam::123456789012:policy/mas-prod-agent",
        },
        data: {
            payloadKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b",
            payloadSecretArn:
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mas-prod/message-payload-key-a1b2c3",
        },
        network: {
            vpcCidr: "10.0.0.0/16",
            segments: { agent: "10.0.1.0/24", service: "10.0.2.0/24", management: "10.0.3.0/24" },
            serviceSubnetCidrs: ["10.0.2.0/26", "10.0.2.64/26", "10.0.2.128/26"],
        },
        agents: ["coordinator", "task-executor", "planner"],
    };
}

describe("parseContract", () => {
    it("accepts the platform's contract", () => {
        expect(parseContract(contract(), "prod").cluster.name).toBe("mas-prod-eks");
    });

    it("names the platform stack and the missing field", () => {
        const c = contract();
        delete c.identity.agentPolicyArn;
        expect(() => parseContract(c, "my-org/multi-agent-security/prod")).toThrow(
            "platform stack my-org/multi-agent-security/prod, output agentPlatform: invalid contract: identity.agentPolicyArn:",
        );
    });

    it("names a field of the wrong shape", () => {
        const c = contract();
        c.network.serviceSubnetCidrs = ["10.0.2.0"];
        expect(() => parseContract(c, "prod")).toThrow(
            "platform stack prod, output agentPlatform: invalid contract: network.serviceSubnetCidrs.0: expected an IPv4 CIDR",
        );
    });

    it.each([
        [2, "contract version 2, this program reads version 1; update the agent stack's project to the same release"],
        [
            0,
            "contract version 0, this program reads version 1; update the platform stack's project to the same release",
        ],
        [undefined, "contract version null, this program reads version 1"],
    ])("refuses contract version %s before anything else", (version, message) => {
        const c = { ...contract(), version, cluster: undefined };
        expect(() => parseContract(c, "prod")).toThrow(`platform stack prod, output agentPlatform: ${message}`);
    });

    // Review finding 10: same major, newer minor (added fields) is read; an older minor than needed is refused.
    it("reads a contract of a newer minor version with a field this program does not know", () => {
        const c = { ...contract(), minor: 3, addedInMinor3: { anything: true } };
        expect(parseContract(c, "prod").minor).toBe(3);
        expect(parseContract(c, "prod")).not.toHaveProperty("addedInMinor3");
    });

    it("refuses a contract of an older minor than the program needs, naming the platform to update", () => {
        expect(() => parseContract({ ...contract(), minor: 1 }, "prod", 2)).toThrow(
            "platform stack prod, output agentPlatform: contract version 1.1, this program needs 1.2 or later (same major); update the platform stack first",
        );
        expect(() => parseContract(contract(), "prod", 1)).toThrow("contract version 1.0, this program needs 1.1");
        expect(parseContract({ ...contract(), minor: 2 }, "prod", 2).minor).toBe(2);
    });

    it("refuses an output that is not a contract", () => {
        expect(() => parseContract("mas-prod-eks", "prod")).toThrow(
            'platform stack prod, output agentPlatform: expected the agent-platform contract (an object with version 1), got "mas-prod-eks"',
        );
    });
});

describe("checkPlatform", () => {
    const P = "multi-agent-security";
    const cfg = (over: Record<string, string> = {}, region = "eu-west-1") =>
        parseConfig(
            {
                [`${P}:platformStack`]: "prod",
                [`${P}:environment`]: "prod",
                [`${P}:agents`]: JSON.stringify(["coordinator-a", "task-executor-a"]),
                ...over,
            },
            region,
            P,
            "agents-a",
        );

    it("accepts a platform in the same region and environment without the stack's agents", () => {
        expect(checkPlatform(contract(), cfg()).stack).toBe("prod");
    });

    it("refuses another region", () => {
        expect(() => checkPlatform(contract(), cfg({}, "us-east-1"))).toThrow(
            "platform stack prod is in region eu-west-1, this agent stack's aws:region is us-east-1",
        );
    });

    it("refuses another environment", () => {
        expect(() => checkPlatform(contract(), cfg({ [`${P}:environment`]: "staging" }))).toThrow(
            "platform stack prod has environment prod, this agent stack's environment is staging",
        );
    });

    it("refuses an agent the platform already runs", () => {
        const over = { [`${P}:agents`]: JSON.stringify(["planner", "coordinator-a"]) };
        expect(() => checkPlatform(contract(), cfg(over))).toThrow(
            "platform stack prod already runs agent planner: an agent (its namespace agent-<name>) belongs to one stack",
        );
    });
});
