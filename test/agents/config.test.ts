import { ConfigError, namePrefix, parseConfig } from "../../components/config";
import { AGENT_STACK_KEYS, CONFIG_KEYS } from "../../components/config/keys";

const P = "multi-agent-security";
const base = { [`${P}:alertEmails`]: JSON.stringify(["secops@corp.test"]) };
const parse = (raw: Record<string, string>, stack = "agents-a") => parseConfig(raw, "eu-west-1", P, stack);
const problems = (raw: Record<string, string>, stack = "agents-a"): string[] => {
    try {
        parse(raw, stack);
    } catch (e) {
        return (e as ConfigError).problems;
    }
    return [];
};

describe("platformStack", () => {
    it("defaults to empty: a platform stack", () => {
        expect(parse(base, "prod").platformStack).toBe("");
    });

    it.each(["prod", "my-org/multi-agent-security/prod", "team_a.prod-2"])("accepts %s", (value) => {
        const cfg = parse({ [`${P}:platformStack`]: value });
        expect(cfg.platformStack).toBe(value);
        expect(cfg.agents).toEqual(["coordinator", "task-executor"]);
    });

    it.each(["org/prod", "a/b/c/d", "prod stack", "org//prod"])("rejects %s, naming the key", (value) => {
        const found = problems({ ...base, [`${P}:platformStack`]: value });
        expect(found).toHaveLength(1);
        expect(found[0]).toContain(`${P}:platformStack: expected a stack name (prod) or a fully qualified stack`);
    });

    it("requires agents in an agent stack", () => {
        expect(problems({ [`${P}:platformStack`]: "prod", [`${P}:agents`]: "[]" })).toEqual([
            `${P}:agents: an agent stack (platformStack prod) needs at least one agent; without agents it has nothing to build`,
        ]);
    });

    it("still lets a platform run no agents of its own", () => {
        expect(parse({ ...base, [`${P}:agents`]: "[]" }, "prod").agents).toEqual([]);
    });

    it.each([
        ["prod", "prod"],
        ["my-org/multi-agent-security/agents-a", "agents-a"],
    ])("rejects a reference to the stack itself (%s from %s)", (value, stack) => {
        expect(problems({ [`${P}:platformStack`]: value }, stack)).toEqual([
            `${P}:platformStack: ${value} is this stack; name the platform stack`,
        ]);
    });

    it("accepts a stack of the same name in another project", () => {
        expect(parse({ [`${P}:platformStack`]: "my-org/platform/agents-a" }).platformStack).toBe(
            "my-org/platform/agents-a",
        );
    });

    it("does not require the platform's alertEmails in an agent stack, but a platform still needs them", () => {
        expect(parse({ [`${P}:platformStack`]: "prod" }).alertEmails).toEqual([]);
        expect(problems({}, "prod")[0]).toMatch(new RegExp(`^${P}:alertEmails: required, no default`));
    });

    it("still validates the agent keys in an agent stack", () => {
        expect(problems({ [`${P}:platformStack`]: "prod", [`${P}:agents`]: JSON.stringify(["Bad_Name"]) })).toEqual([
            `${P}:agents[0]: expected a lowercase DNS-1123 label (a-z, 0-9, -) (got ["Bad_Name"])`,
        ]);
    });

    it("ignores the platform's keys in an agent stack only as documented: a copy of a valid platform file is valid", () => {
        // The declared agent keys exist; every other declared key is the platform's.
        for (const k of AGENT_STACK_KEYS) {
            expect(CONFIG_KEYS).toHaveProperty(k);
        }
        expect(AGENT_STACK_KEYS).not.toContain("vpcCidr");
        expect(AGENT_STACK_KEYS).not.toContain("meshTrustDomain");
        // vpcCidr outside the segments would fail a platform; an agent stack does not read it.
        const raw = { ...base, [`${P}:vpcCidr`]: "10.9.0.0/16", [`${P}:environment`]: "prod" };
        expect(problems(raw, "prod")).toContain(
            `${P}:agentSegmentCidr: 10.0.1.0/24 must lie inside vpcCidr 10.9.0.0/16`,
        );
        expect(parse({ ...raw, [`${P}:platformStack`]: "prod" }).platformStack).toBe("prod");
    });

    it("checks that an agent stack's quota holds its pods", () => {
        expect(problems({ [`${P}:platformStack`]: "prod", [`${P}:agentQuotaPods`]: "20" })[0]).toMatch(
            new RegExp(`^${P}:agentQuotaPods: 20 pods do not fit the agent namespace quota`),
        );
    });
});

describe("an agent stack's name prefix", () => {
    it("is mas-<stack> for a platform and mas<hash of project/stack>-<stack> for an agent stack", () => {
        expect(namePrefix({ stack: "prod" })).toBe("mas-prod");
        expect(namePrefix({ stack: "agents-a", project: P, platformStack: "prod" })).toBe("mas629026-agents-a");
        // An agent stack named like its platform, in another project: neither the platform's names nor under them.
        const other = namePrefix({
            stack: "prod",
            project: "team-a-agents",
            platformStack: "org/multi-agent-security/prod",
        });
        expect(other).toMatch(/^mas[0-9a-f]{6}-prod$/);
        expect(other.startsWith("mas-prod")).toBe(false);
        expect(namePrefix({ stack: "prod", project: "team-b-agents", platformStack: "prod" })).not.toBe(other);
        // README's prod-agents-01 no longer falls under mas-prod-* by accident.
        expect(namePrefix({ stack: "prod-agents-01", project: P, platformStack: "prod" }).startsWith("mas-prod-")).toBe(
            false,
        );
    });

    it("rejects an agent whose role name, with the stack's prefix, exceeds IAM's 64 characters (a config error)", () => {
        const long = "a".repeat(46); // fits the 57-character agent name, not the role name mas629026-agents-a-agent-<46>
        const found = problems({ [`${P}:platformStack`]: "prod", [`${P}:agents`]: JSON.stringify(["ok", long]) });
        expect(found).toEqual([
            `${P}:agents: agent ${long} makes the IAM role name mas629026-agents-a-agent-${long} 71 characters long; IAM allows 64: with this stack's prefix mas629026-agents-a-agent- an agent name has at most 39 characters`,
        ]);
        expect(problems({ [`${P}:platformStack`]: "prod", [`${P}:agents`]: JSON.stringify(["a".repeat(39)]) })).toEqual(
            [],
        );
        // A platform's own agents: mas-prod-agent- leaves 49.
        expect(problems({ ...base, [`${P}:agents`]: JSON.stringify(["b".repeat(50)]) }, "prod")).toHaveLength(1);
    });
});
