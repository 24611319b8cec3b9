import { ConfigError, parseConfig, segmentSubnets, CONFIG_KEYS, PROJECT, ParseOptions } from "../components/config";

const P = PROJECT;
/** A contact at a real domain: alertEmails has no default. */
const REAL = "security@mas-agents.io";

/** Parses `values` (plus alertEmails: [REAL] unless given; `undefined` leaves a key out). */
function parse(values: Record<string, unknown>, region: string | null = "eu-west-1", opts: ParseOptions = {}) {
    const raw = Object.fromEntries(
        Object.entries({ alertEmails: [REAL], ...values })
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [`${P}:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    return parseConfig(raw, region ?? undefined, P, "test", opts);
}

function configError(values: Record<string, unknown>, region?: string | null, opts?: ParseOptions): ConfigError {
    try {
        parse(values, region, opts);
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return e as ConfigError;
    }
    throw new Error("expected a ConfigError");
}

function problems(values: Record<string, unknown>, region?: string | null, opts?: ParseOptions): string[] {
    return configError(values, region, opts).problems;
}

describe("stack config", () => {
    it("defaults to the guide's segments, VPC and retention", () => {
        const cfg = parse({});
        expect(cfg.vpcCidr).toBe("10.0.0.0/16");
        expect(cfg.agentSegmentCidr).toBe("10.0.1.0/24");
        expect(cfg.serviceSegmentCidr).toBe("10.0.2.0/24");
        expect(cfg.managementSegmentCidr).toBe("10.0.3.0/24");
        expect(cfg.systemLogRetentionDays).toBe(90);
        expect(cfg.securityLogRetentionDays).toBe(365);
        expect(cfg.auditLogRetentionDays).toBe(2557);
        expect(cfg.azCount).toBe(2);
        expect(cfg.region).toBe("eu-west-1");
    });

    it("splits each /24 into one subnet per AZ inside the segment", () => {
        expect(segmentSubnets(parse({ azCount: "2" }))).toEqual({
            agent: ["10.0.1.0/25", "10.0.1.128/25"],
            service: ["10.0.2.0/25", "10.0.2.128/25"],
            management: ["10.0.3.0/25", "10.0.3.128/25"],
        });
        expect(segmentSubnets(parse({ azCount: "3" })).agent).toEqual(["10.0.1.0/26", "10.0.1.64/26", "10.0.1.128/26"]);
    });

    it.each([
        ["a malformed CIDR", { agentSegmentCidr: "10.0.1.0/33" }, `${P}:agentSegmentCidr: expected an IPv4 CIDR block`],
        [
            "a CIDR with host bits",
            { serviceSegmentCidr: "10.0.2.7/24" },
            `${P}:serviceSegmentCidr: expected an IPv4 CIDR block`,
        ],
        [
            "overlapping segments",
            { serviceSegmentCidr: "10.0.1.128/25" },
            `${P}:serviceSegmentCidr: 10.0.1.128/25 overlaps agentSegmentCidr`,
        ],
        [
            "a segment outside the VPC",
            { managementSegmentCidr: "192.168.3.0/24" },
            `${P}:managementSegmentCidr: 192.168.3.0/24 must lie inside vpcCidr`,
        ],
        [
            "retention shorter than the guide's",
            { systemLogRetentionDays: "89" },
            `${P}:systemLogRetentionDays: Too small: expected number to be >=90`,
        ],
        [
            "audit retention shorter than 7 years",
            { auditLogRetentionDays: "2556" },
            `${P}:auditLogRetentionDays: Too small: expected number to be >=2557`,
        ],
        ["fewer than two AZs", { azCount: "1" }, `${P}:azCount: Too small: expected number to be >=2`],
        ["a non-integer AZ count", { azCount: "two" }, `${P}:azCount: expected an integer`],
        ["an unknown key", { vpcCidrs: "10.0.0.0/16" }, `${P}:vpcCidrs: unknown key`],
        [
            "a malformed e-mail",
            { alertEmails: ["soc@example.com", "not-an-email"] },
            `${P}:alertEmails[1]: expected an e-mail address`,
        ],
        ["a non-boolean flag", { shieldAdvanced: "yes" }, `${P}:shieldAdvanced: expected true or false`],
        ["a list that isn't one", { agents: "coordinator" }, `${P}:agents: expected a list`],
        [
            "an agent name Kubernetes rejects",
            { agents: ["Task_Executor"] },
            `${P}:agents[0]: expected a lowercase DNS-1123 label`,
        ],
        [
            "an unsupported Kubernetes version",
            { kubernetesVersion: "1.29" },
            `${P}:kubernetesVersion: expected a Kubernetes version in EKS standard support`,
        ],
    ])("rejects %s, naming the key", (_what, values, expected) => {
        const found = problems(values);
        expect(found.some((p) => p.startsWith(expected))).toBe(true);
    });

    it("rejects a missing or malformed region", () => {
        expect(problems({}, null)).toEqual([`aws:region: expected an AWS region such as eu-west-1 (got null)`]);
        expect(problems({}, "Ireland")[0]).toMatch(/^aws:region: expected an AWS region/);
    });

    it("holds prod to its safety settings", () => {
        const found = problems({
            environment: "prod",
            eksPublicAccessCidrs: ["203.0.113.0/24"],
            ipsMode: "alert",
            deletionProtection: "false",
            natGatewayPerAz: "false",
        });
        expect(found).toEqual([
            `${P}:eksPublicAccessCidrs: must be empty in prod (the EKS API endpoint stays private)`,
            `${P}:deletionProtection: must be true in prod (data is never lost by an update)`,
            `${P}:natGatewayPerAz: must be true in prod (no single-AZ egress)`,
            `${P}:ipsMode: must be prevent in prod (the guide's IPS mode)`,
        ]);
    });

    // One profile decides: environment dev has the dev profile, every other name (staging, qa, ...) prod's.
    it.each([
        ["dev", { natGatewayPerAz: false, deletionProtection: false, shieldAdvanced: false }],
        ["prod", { natGatewayPerAz: true, deletionProtection: true, shieldAdvanced: true }],
        ["staging", { natGatewayPerAz: true, deletionProtection: true, shieldAdvanced: true }],
        ["qa-eu", { natGatewayPerAz: true, deletionProtection: true, shieldAdvanced: true }],
    ])("gives environment %s its profile's defaults for the costly and safety keys", (environment, expected) => {
        const cfg = parse({ environment });
        expect(cfg.profile).toBe(environment === "dev" ? "dev" : "prod");
        expect({
            natGatewayPerAz: cfg.natGatewayPerAz,
            deletionProtection: cfg.deletionProtection,
            shieldAdvanced: cfg.shieldAdvanced,
        }).toEqual(expected);
    });

    it("refuses an admin CIDR wider than a /16, and takes a /16 or narrower", () => {
        expect(problems({ adminCidrs: ["128.0.0.0/1", "198.51.100.0/24"] })).toEqual([
            `${P}:adminCidrs: 128.0.0.0/1 is wider than a /16; list your administrators' networks, not a share of the internet (SSM Session Manager needs none)`,
        ]);
        expect(parse({ adminCidrs: ["172.16.0.0/16", "198.51.100.7/32"] }).adminCidrs).toHaveLength(2);
    });

    it("names shieldAdvanced and its 1-year commitment when a prod-profile stack turns it off", () => {
        expect(problems({ environment: "staging", shieldAdvanced: "false" })).toEqual([
            `${P}:shieldAdvanced: must be true in prod (environment staging has the prod profile; only environment dev has the dev profile): the pack requires Shield Advanced on the internet-facing ALB (PER-DDOS). The subscription is a 1-year commitment billed monthly per organisation; leave the key unset (prod default true) or use environment dev`,
        ]);
        // A dev stack may still opt in.
        expect(parse({ environment: "dev", shieldAdvanced: "true" }).shieldAdvanced).toBe(true);
    });

    it("refuses node group maxima whose pod addresses outgrow the segment subnets (NET-POD-CAPACITY)", () => {
        // 3 AZs: /26 per AZ, 59 usable; nodeMaxCount 4 → 2 per AZ + 2 surging, × 15 addresses (MAX_ENI 1) = 60.
        const found = problems({ azCount: "3", nodeMaxCount: "4" });
        expect(found).toContain(
            `${P}:nodeMaxCount / serviceNodeInstanceType / agentNodeInstanceType: subnet 10.0.1.0/26 has 59 usable addresses but needs 60 with its node groups at their maximum plus a rolling update (agent: 4 nodes × 15 addresses (m6i.xlarge))`,
        );
        expect(found).toContain(
            `${P}:nodeMaxCount / serviceNodeInstanceType / agentNodeInstanceType: subnet 10.0.2.0/26 has 59 usable addresses but needs 66 with its node groups at their maximum plus a rolling update (service: 4 nodes × 10 addresses (m6i.large); EKS control plane (4 ENIs + 6 free): 10; 16 interface endpoints: 16)`,
        );
        expect(found).toHaveLength(6);
        expect(() => parse({ azCount: "3", nodeMaxCount: "3" })).not.toThrow();
        expect(problems({ serviceNodeInstanceType: "x9z.large" })).toEqual([
            `${P}:nodeMaxCount / serviceNodeInstanceType / agentNodeInstanceType: node group service: instance type x9z.large has no known ENI limits, so its pod addresses cannot be checked against the subnets`,
        ]);
    });

    it("counts the interface endpoints and the EKS control plane in the service subnets (the old prod m6i.xlarge overflows)", () => {
        // 3 AZs, max 3: 1 + 2 surging service nodes × 15 addresses (m6i.xlarge, MAX_ENI 1) + 16 endpoints + 4 EKS ENIs
        // + 6 free for EKS = 71 > 59; m6i.large (10 addresses a node) needs 56.
        const xlarge = problems({ azCount: "3", nodeMaxCount: "3", serviceNodeInstanceType: "m6i.xlarge" });
        expect(xlarge).toEqual(
            ["10.0.2.0/26", "10.0.2.64/26", "10.0.2.128/26"].map(
                (c) =>
                    `${P}:nodeMaxCount / serviceNodeInstanceType / agentNodeInstanceType: subnet ${c} has 59 usable addresses but needs 71 with its node groups at their maximum plus a rolling update (service: 3 nodes × 15 addresses (m6i.xlarge); EKS control plane (4 ENIs + 6 free): 10; 16 interface endpoints: 16)`,
            ),
        );
        expect(() => parse({ azCount: "3", nodeMaxCount: "3", serviceNodeInstanceType: "m6i.large" })).not.toThrow();
    });

    it("refuses egress wildcards over shared object stores, and a runner without its connection", () => {
        expect(problems({ egressAllowedDomains: [".amazonaws.com", "quay.io"] })).toEqual([
            `${P}:egressAllowedDomains: .amazonaws.com admits any host of a shared object store (anyone's bucket): list exact hosts instead`,
        ]);
        expect(problems({ deployRunnerRepository: "my-org/my-repo" })).toEqual([
            `${P}:deployRunnerConnectionArn: deployRunnerRepository and deployRunnerConnectionArn are set together (the runner registers through the connection)`,
        ]);
        expect(problems({ deployRunnerRepository: "not a repo" })[0]).toMatch(
            /^multi-agent-security:deployRunnerRepository: expected a repository/,
        );
    });

    it("reports every bad key at once", () => {
        expect(problems({ azCount: "1", vpcCidr: "nope" })).toHaveLength(2);
    });

    it("declares a description and a valid default for every key but the required ones (alertEmails)", () => {
        for (const [name, decl] of Object.entries(CONFIG_KEYS)) {
            expect(decl.description.length).toBeGreaterThan(10);
            if (decl.byProfile !== undefined) {
                expect(decl.schema.safeParse(decl.byProfile.dev).success).toBe(true);
                expect(decl.schema.safeParse(decl.byProfile.prod).success).toBe(true);
            } else if (decl.default === undefined) {
                expect(decl.expected).toMatch(/^expected /);
            } else {
                expect(decl.schema.safeParse(decl.default).success).toBe(true);
            }
            expect([name, decl.default === undefined && decl.byProfile === undefined]).toEqual([
                name,
                name === "alertEmails",
            ]);
        }
    });
});

// Mesh lane (issue 12): config checks a real deploy needs before anything is registered.
describe("stack config: mesh deployability", () => {
    const { agentQuota, meshedPodResources } = require("../components/config") as typeof import("../components/config");
    const { podsThatFit } = require("../policy-pack/lib/quantity") as typeof import("../policy-pack/lib/quantity");

    it("fits the pods quota with default container and sidecar settings: 8 meshed pods in 4 CPU / 8Gi", () => {
        const cfg = parse({});
        const perPod = meshedPodResources(cfg);
        // 250m container + 250m sidecar limit; 256Mi + 256Mi.
        expect(perPod).toEqual({
            requestsCpu: 350,
            limitsCpu: 500,
            requestsMemory: 384 * 2 ** 20,
            limitsMemory: 512 * 2 ** 20,
        });
        expect(cfg.agentQuotaPods).toBe(8);
        expect(podsThatFit(agentQuota(cfg), perPod)).toBe(8);
    });

    it("with Istio's default sidecar limits (2 CPU / 1Gi) only 1 pod fits, and config validation names the key", () => {
        const cfg = parse({ sidecarCpuLimit: "2000m", sidecarMemoryLimit: "1024Mi", agentQuotaPods: "1" });
        expect(podsThatFit(agentQuota(cfg), meshedPodResources(cfg))).toBe(1);
        expect(problems({ sidecarCpuLimit: "2000m", sidecarMemoryLimit: "1024Mi" })).toEqual([
            `${P}:agentQuotaPods: 8 pods do not fit the agent namespace quota (agentQuotaCpu 4, agentQuotaMemory 8Gi): a meshed pod with default settings takes 2250m CPU / 1280Mi memory (container default + sidecar limits), so only 1 fit; raise the quota or lower the sidecar / container defaults`,
        ]);
    });

    it("rejects an example.com ACME contact when a Let's Encrypt issuer will be created, naming the key", () => {
        const domain = { domainName: "agents.mas.io", hostedZoneId: "Z0123456789ABC" };
        expect(problems({ ...domain, alertEmails: ["soc@example.com"] })).toEqual([
            `${P}:alertEmails[0]: soc@example.com is the Let's Encrypt account contact (domainName is set) and Let's Encrypt refuses contacts at example.com; put a real address first`,
        ]);
        expect(problems({ ...domain, alertEmails: ["soc@sub.example.org"] })).toHaveLength(1);
        expect(parse({ ...domain, alertEmails: ["soc@mas.io", "x@example.com"] }).alertEmails[0]).toBe("soc@mas.io");
        // No domain, no ACME issuer: an example.com alert address only warns in a preview (see "contacts" below).
        expect(parse({ alertEmails: ["soc@example.com"] }).alertEmails).toEqual(["soc@example.com"]);
        // The reserved TLDs too (Let's Encrypt takes only contacts under a public suffix).
        expect(problems({ ...domain, alertEmails: ["soc@corp.test"] })).toEqual([
            `${P}:alertEmails[0]: soc@corp.test is the Let's Encrypt account contact (domainName is set) and Let's Encrypt refuses contacts at corp.test; put a real address first`,
        ]);
    });

    it("reports a reserved ACME contact once in a real update, and still refuses the other reserved contacts", () => {
        const domain = { domainName: "agents.mas.io", hostedZoneId: "Z0123456789ABC" };
        expect(
            problems({ ...domain, alertEmails: ["soc@example.com", "x@example.net"] }, undefined, { deploying: true }),
        ).toEqual([
            `${P}:alertEmails[0]: soc@example.com is the Let's Encrypt account contact (domainName is set) and Let's Encrypt refuses contacts at example.com; put a real address first`,
            `${P}:alertEmails[1]: x@example.net is at a reserved domain (example.net) where no one reads mail; \`pulumi up\` needs an address people read`,
        ]);
    });

    it("pins an Istio release that exists: 1.30.3 is the newest 1.30 patch tagged in istio/istio", () => {
        expect(parse({}).istioChartVersion).toBe("1.30.3");
        expect(parse({}).certManagerChartVersion).toBe("v1.20.2");
    });
});

// Adoptable by a real organisation: no placeholder where a person must be reached.
describe("stack config: contacts", () => {
    const warned = (values: Record<string, unknown>, deploying = false) => {
        const warnings: string[] = [];
        parse(values, "eu-west-1", { deploying, warn: (m) => warnings.push(m) });
        return warnings;
    };

    it("requires alertEmails (no default), naming the key and what is expected", () => {
        const err = configError({ alertEmails: undefined });
        expect(err.problems).toEqual([
            `${P}:alertEmails: required, no default; expected a list of one or more e-mail addresses that people read (the security alerts go there)`,
        ]);
        expect(err.missing).toEqual([`${P}:alertEmails`]);
        // An empty list is no contact either.
        expect(problems({ alertEmails: [] })).toEqual([
            `${P}:alertEmails: Too small: expected array to have >=1 items (got [])`,
        ]);
        // A missing region is a missing key too (ESC environments often provide aws:region).
        expect(configError({ alertEmails: undefined }, null).missing).toEqual([`${P}:alertEmails`, "aws:region"]);
    });

    it("warns in a preview or offline plan about each contact at a reserved domain, naming key and value", () => {
        expect(warned({ alertEmails: ["security-oncall@example.com", REAL, "soc@Mail.Example.ORG"] })).toEqual([
            `${P}:alertEmails[0]: security-oncall@example.com is at a reserved domain (example.com) where no one reads mail; replace it before \`pulumi up\`, which refuses it`,
            `${P}:alertEmails[2]: soc@Mail.Example.ORG is at a reserved domain (example.org) where no one reads mail; replace it before \`pulumi up\`, which refuses it`,
        ]);
    });

    it.each([
        ["soc@example.net", "example.net"],
        ["soc@corp.test", ".test"],
        ["soc@nowhere.invalid", ".invalid"],
        ["soc@corp.example", ".example"],
        ["soc@dev.localhost", ".localhost"],
    ])("refuses %s (%s) in a real update, naming key and value", (address, reserved) => {
        expect(problems({ alertEmails: [address] }, undefined, { deploying: true })).toEqual([
            `${P}:alertEmails[0]: ${address} is at a reserved domain (${reserved}) where no one reads mail; \`pulumi up\` needs an address people read`,
        ]);
        expect(warned({ alertEmails: [address] })).toHaveLength(1);
    });

    it("neither warns about nor refuses a real address, even one that merely resembles a reserved name", () => {
        const addresses = [REAL, "soc@example.co.uk", "soc@notexample.com", "soc@testing.io", "soc@example.com.au"];
        expect(warned({ alertEmails: addresses })).toEqual([]);
        expect(warned({ alertEmails: addresses }, true)).toEqual([]);
        expect(parse({ alertEmails: addresses }, "eu-west-1", { deploying: true }).alertEmails).toEqual(addresses);
    });

    it("warns only about a config that is otherwise valid (an invalid one fails first)", () => {
        const warnings: string[] = [];
        expect(() =>
            parse({ alertEmails: ["soc@example.com"], azCount: "1" }, "eu-west-1", { warn: (m) => warnings.push(m) }),
        ).toThrow(ConfigError);
        expect(warnings).toEqual([]);
    });
});

describe("a real update is neither a preview nor an offline plan", () => {
    const realUpdate = (preview: boolean, marker?: string) => {
        let result: boolean | undefined;
        jest.isolateModules(() => {
            const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
            const { isRealUpdate, OFFLINE_PLAN_ENV } =
                require("../components/config") as typeof import("../components/config");
            pulumi.runtime.setMocks(
                { newResource: () => ({ id: "id", state: {} }), call: () => ({}) },
                P,
                "test",
                preview,
            );
            const before = process.env[OFFLINE_PLAN_ENV];
            if (marker === undefined) {
                delete process.env[OFFLINE_PLAN_ENV];
            } else {
                process.env[OFFLINE_PLAN_ENV] = marker;
            }
            try {
                result = isRealUpdate();
            } finally {
                if (before === undefined) {
                    delete process.env[OFFLINE_PLAN_ENV];
                } else {
                    process.env[OFFLINE_PLAN_ENV] = before;
                }
            }
        });
        return result;
    };

    it("isRealUpdate: false in a preview, false in an offline plan (MAS_OFFLINE_PLAN=1), true otherwise", () => {
        expect(realUpdate(true)).toBe(false);
        expect(realUpdate(true, "1")).toBe(false);
        expect(realUpdate(false, "1")).toBe(false);
        expect(realUpdate(false)).toBe(true);
        expect(realUpdate(false, "0")).toBe(true);
    });
});
