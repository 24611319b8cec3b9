import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { WAF_LOG_GROUP, program, Rec, idOf } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program({}, "dev");
    prod = await program({}, "prod");
}, 60_000);

describe("Network Firewall (IDS-SIGNATURE, IDS-AUTO-UPDATE, IPS-PREVENT, PER-FW-EGRESS, PER-FW-INGRESS)", () => {
    const policy = (run: ProgramRun) =>
        named(run, "aws:networkfirewall/firewallPolicy:FirewallPolicy", "mas-firewall-policy").inputs
            .firewallPolicy as Rec;

    it("strict order, forward to the stateful engine, drop by default", () => {
        expect(policy(dev)).toMatchObject({
            statelessDefaultActions: ["aws:forward_to_sfe"],
            statelessFragmentDefaultActions: ["aws:forward_to_sfe"],
            statefulEngineOptions: { ruleOrder: "STRICT_ORDER", streamExceptionPolicy: "DROP" },
            statefulDefaultActions: ["aws:drop_established", "aws:alert_established"],
        });
    });

    it("references the managed threat-signature groups first, then our groups", () => {
        const rule = (n: string) => String(named(prod, "aws:networkfirewall/ruleGroup:RuleGroup", n).outputs.arn);
        expect(policy(prod).statefulRuleGroupReferences).toEqual([
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesBotnetStrictOrder",
                priority: 10,
            },
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesMalwareStrictOrder",
                priority: 11,
            },
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/ThreatSignaturesEmergingEventsStrictOrder",
                priority: 12,
            },
            {
                resourceArn:
                    "arn:aws:network-firewall:eu-west-1:aws-managed:stateful-rulegroup/AbusedLegitMalwareDomainsStrictOrder",
                priority: 13,
            },
            { resourceArn: rule("mas-firewall-ingress"), priority: 100 },
            { resourceArn: rule("mas-firewall-egress-hygiene"), priority: 200 },
            { resourceArn: rule("mas-firewall-deploy-domains"), priority: 250 },
            { resourceArn: rule("mas-firewall-egress-domains"), priority: 300 },
        ]);
    });

    it("ipsMode alert (dev only) downgrades the managed groups with DROP_TO_ALERT", async () => {
        const run = await program({ ipsMode: "alert" }, "dev");
        const refs = policy(run).statefulRuleGroupReferences as Rec[];
        expect(refs.slice(0, 4).map((r) => r.override)).toEqual(Array(4).fill({ action: "DROP_TO_ALERT" }));
        expect(refs.slice(4).every((r) => r.override === undefined)).toBe(true);
    });

    it("NET-DEPLOY-PATH: the deploy allow-list admits only the deploy NAT gateway's address", () => {
        const rg = named(prod, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-deploy-domains").inputs;
        expect(rg).toMatchObject({
            type: "STATEFUL",
            ruleGroup: {
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.255.10/32"] } }] },
                rulesSource: {
                    rulesSourceList: { generatedRulesType: "ALLOWLIST", targetTypes: ["TLS_SNI", "HTTP_HOST"] },
                },
                statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
            },
        });
        const targets = ((rg.ruleGroup as Rec).rulesSource as { rulesSourceList: Rec }).rulesSourceList
            .targets as string[];
        expect(targets).toEqual(
            expect.arrayContaining([
                "github.com",
                "api.github.com",
                ".actions.githubusercontent.com",
                "get.pulumi.com",
            ]),
        );
    });

    it("PER-FW-EGRESS: the S3 gateway endpoint admits the stack's account and named AWS-owned buckets only", () => {
        const policy = JSON.parse(named(dev, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-s3").inputs.policy as string);
        expect(policy.Statement[0]).toEqual({
            Sid: "StackAccountBuckets",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } },
        });
        expect(policy.Statement[1].Action).toBe("s3:GetObject");
        expect(policy.Statement[1].Resource).toContain("arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*");
        expect(policy.Statement).toHaveLength(2);
    });

    it("PER-FW-EGRESS: the default egress allow-list is the pinned charts' registries, the ACME endpoint and Route 53 (no .amazonaws.com)", () => {
        const rg = named(dev, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-egress-domains").inputs;
        expect(((rg.ruleGroup as Rec).rulesSource as { rulesSourceList: Rec }).rulesSourceList.targets).toEqual([
            "route53.amazonaws.com",
            "registry-1.docker.io",
            "auth.docker.io",
            "production.cloudflare.docker.com",
            "production.cloudfront.docker.com",
            "docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com",
            "quay.io",
            "cdn.quay.io",
            "cdn01.quay.io",
            "cdn02.quay.io",
            "cdn03.quay.io",
            "public.ecr.aws",
            "d2glxqk2uabbnd.cloudfront.net",
            "d5l0dvt14r5h8.cloudfront.net",
            "acme-v02.api.letsencrypt.org",
            // Helm chart repositories, fetched by the deploy runner behind the firewall (mesh lane, issue 12).
            "istio-release.storage.googleapis.com",
            "charts.jetstack.io",
        ]);
    });

    it("egress allow-list from egressAllowedDomains on TLS SNI and HTTP Host, strict order", () => {
        const rg = named(dev, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-egress-domains").inputs;
        expect(rg).toMatchObject({
            type: "STATEFUL",
            ruleGroup: {
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI", "HTTP_HOST"],
                    },
                },
                statefulRuleOptions: { ruleOrder: "STRICT_ORDER" },
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.0.0/16"] } }] },
            },
        });
    });

    it("ingress rules admit only TCP 443/80 to the public subnets and drop the rest", () => {
        const rg = named(dev, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-ingress").inputs
            .ruleGroup as Rec;
        const lines = String((rg.rulesSource as Rec).rulesString).split("\n");
        expect(lines.map((l) => l.split(" (")[0])).toEqual([
            "pass tcp $EXTERNAL_NET any -> $PUBLIC_NET 443",
            "pass tcp $EXTERNAL_NET any -> $PUBLIC_NET 80",
            "drop tcp $EXTERNAL_NET any -> $HOME_NET any",
            "drop udp $EXTERNAL_NET any -> $HOME_NET any",
            "drop icmp $EXTERNAL_NET any -> $HOME_NET any",
        ]);
        expect((rg.ruleVariables as Rec).ipSets).toContainEqual({
            key: "PUBLIC_NET",
            ipSet: { definitions: ["10.0.255.0/26", "10.0.255.64/26"] },
        });
    });

    it("sits in the firewall subnets and logs ALERT and FLOW to the firewall log group", () => {
        const fw = named(prod, "aws:networkfirewall/firewall:Firewall", "mas-firewall-fw");
        const fwSubnets = ofType(prod, "aws:ec2/subnet:Subnet")
            .filter((s) => (s.inputs.tags as Rec).tier === "firewall")
            .map((s) => ({ subnetId: idOf(s) }));
        expect(fw.inputs.subnetMappings).toEqual(fwSubnets);
        expect(fw.inputs.deleteProtection).toBe(true);
        const logging = named(
            dev,
            "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
            "mas-firewall-logging",
        );
        expect(logging.inputs.loggingConfiguration).toEqual({
            logDestinationConfigs: ["ALERT", "FLOW"].map((logType) => ({
                logType,
                logDestinationType: "CloudWatchLogs",
                logDestination: { logGroup: "/mas/dev/network-firewall" },
            })),
        });
    });
});

describe("IPS-BEHAVIORAL: GuardDuty", () => {
    it("enables the detector with EKS audit logs and runtime monitoring (EKS add-on managed)", () => {
        const detector = named(dev, "aws:guardduty/detector:Detector", "mas-firewall-guardduty");
        expect(detector.inputs.enable).toBe(true);
        const features = ofType(dev, "aws:guardduty/detectorFeature:DetectorFeature").map((f) => f.inputs);
        expect(features).toEqual([
            { detectorId: idOf(detector), name: "EKS_AUDIT_LOGS", status: "ENABLED" },
            {
                detectorId: idOf(detector),
                name: "RUNTIME_MONITORING",
                status: "ENABLED",
                additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
            },
        ]);
    });
});

describe("log delivery into CloudWatch (IDS-SIGNATURE, PER-WAF-RULES)", () => {
    it.each([
        [
            "mas-firewall-log-delivery",
            "mas-dev-firewall-log-delivery",
            "arn:aws:logs:eu-west-1:123456789012:log-group:/mas/dev/network-firewall:*",
        ],
        ["mas-waf-logs", "mas-dev-waf-log-delivery", `${WAF_LOG_GROUP}:*`],
    ])("%s lets only delivery.logs of this account write into its own log group", (name, policyName, resource) => {
        const r = named(dev, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy", name);
        expect(r.inputs.policyName).toBe(policyName);
        expect(JSON.parse(r.inputs.policyDocument as string).Statement).toEqual([
            {
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: resource,
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: { "aws:SourceArn": "arn:aws:logs:eu-west-1:123456789012:*" },
                },
            },
        ]);
    });
});

// accountServices adopt: the landing zone's detector must give IPS-BEHAVIORAL what it needs.
describe("an adopted GuardDuty detector", () => {
    const { detectorShortfall } =
        require("../../../components/network/firewall") as typeof import("../../../components/network/firewall");
    const feature = (name: string, status: string, extra: { name: string; status: string }[] = []) => ({
        name,
        status,
        additionalConfigurations: extra,
    });
    const full = [
        feature("EKS_AUDIT_LOGS", "ENABLED"),
        feature("RUNTIME_MONITORING", "ENABLED", [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }]),
    ];

    it("is enough when ENABLED with EKS audit logs, runtime monitoring and its EKS agent add-on", () => {
        expect(detectorShortfall({ id: "d1", status: "ENABLED", features: full })).toBeUndefined();
    });

    it("names what it lacks: runtime monitoring without automated agent management deploys no agent", () => {
        expect(
            detectorShortfall({
                id: "d1",
                status: "ENABLED",
                features: [
                    feature("EKS_AUDIT_LOGS", "ENABLED"),
                    feature("RUNTIME_MONITORING", "ENABLED", [{ name: "EKS_ADDON_MANAGEMENT", status: "DISABLED" }]),
                ],
            }),
        ).toBe(
            "accountServices adopt: the account's GuardDuty detector d1 is ENABLED without RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT; IPS-BEHAVIORAL needs it ENABLED with EKS_AUDIT_LOGS, RUNTIME_MONITORING, RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT: ask the landing zone's delegated administrator to enable them for this account",
        );
        expect(detectorShortfall({ id: "d1", status: "DISABLED", features: full })).toMatch(
            /^accountServices adopt: the account's GuardDuty detector d1 is DISABLED;/,
        );
        expect(
            detectorShortfall({ id: "d1", status: "ENABLED", features: [feature("EKS_AUDIT_LOGS", "DISABLED")] }),
        ).toContain("without EKS_AUDIT_LOGS, RUNTIME_MONITORING, RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT;");
    });
});
