// policy-pack/policies/deployable/config-rules.ts: every conformance-pack rule evaluates something the stack has.
import { conformancePackTemplate } from "../../../components/operations/compliance";
import { CONFIG_RULES, ConfigRuleDef } from "../../../policy-pack/catalog/operations/compliance";
import { configRulesApply, rulesEvaluatingNothing } from "../../../policy-pack/policies/deployable/config-rules";
import { StackResourceCase, validateStack } from "../../harness/policy";

const PACK = "aws:cfg/conformancePack:ConformancePack";

/** One resource of every type the catalog's rules evaluate, as the stack has them. */
const stack = (): StackResourceCase[] => [
    { type: "aws:s3/bucket:Bucket", props: {} },
    { type: "aws:kms/key:Key", props: {} },
    { type: "aws:cloudtrail/trail:Trail", props: {} },
    { type: "aws:ec2/vpc:Vpc", props: {} },
    { type: "aws:cloudwatch/logGroup:LogGroup", props: {} },
    { type: "aws:eks/cluster:Cluster", props: {} },
    { type: "aws:iam/policy:Policy", props: {} },
    { type: "aws:ec2/securityGroup:SecurityGroup", props: {} },
    { type: "aws:backup/plan:Plan", props: {} },
    { type: "aws:lb/loadBalancer:LoadBalancer", props: { loadBalancerType: "application" } },
    { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { blockDeviceMappings: [{ deviceName: "/dev/xvda" }] } },
];
const pack = (rules: ConfigRuleDef[] = CONFIG_RULES): StackResourceCase => ({
    type: PACK,
    name: "pack",
    props: { name: "mas-prod-iso27001-soc2", templateBody: conformancePackTemplate(rules) },
});
const run = (rs: StackResourceCase[]) => validateStack(configRulesApply, rs).map((v) => v.message);

describe("operations-config-rules-apply (CMP-ISO-CRYPTO, CMP-SOC2-CONFIDENTIALITY)", () => {
    it("passes the catalog's pack next to the stack's resource types", () => {
        expect(run([...stack(), pack()])).toEqual([]);
    });

    it("does not carry ELB_TLS_HTTPS_LISTENERS_ONLY (Classic Load Balancers only) any more", () => {
        expect(CONFIG_RULES.map((r) => r.identifier)).not.toContain("ELB_TLS_HTTPS_LISTENERS_ONLY");
        expect(CONFIG_RULES.map((r) => r.identifier)).toEqual(
            expect.arrayContaining(["ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK", "ELBV2_ACM_CERTIFICATE_REQUIRED"]),
        );
    });

    it("fails a Classic-Load-Balancer rule in a stack with only an ALB", () => {
        const classic: ConfigRuleDef = {
            identifier: "ELB_TLS_HTTPS_LISTENERS_ONLY",
            resourceTypes: ["AWS::ElasticLoadBalancing::LoadBalancer"],
            controls: ["CMP-ISO-CRYPTO", "CMP-SOC2-CONFIDENTIALITY"],
            iso27001: ["A.8.24"],
            soc2: ["CC6.7"],
        };
        // The catalog as it stood before: the rule in the table and in the template.
        CONFIG_RULES.push(classic);
        try {
            expect(run([...stack(), pack()])).toEqual([
                "[CMP-ISO-CRYPTO, CMP-SOC2-CONFIDENTIALITY] conformance pack mas-prod-iso27001-soc2: rule ELB_TLS_HTTPS_LISTENERS_ONLY evaluates AWS::ElasticLoadBalancing::LoadBalancer, which the stack does not create: it reports nothing",
            ]);
            // A Classic Load Balancer in the stack would give the rule something to evaluate.
            expect(run([...stack(), { type: "aws:elb/loadBalancer:LoadBalancer", props: {} }, pack()])).toEqual([]);
        } finally {
            CONFIG_RULES.pop();
        }
    });

    it("fails the ALB rules when the stack loses its load balancer", () => {
        const noAlb = stack().filter((r) => r.type !== "aws:lb/loadBalancer:LoadBalancer");
        expect(run([...noAlb, pack()]).map((m) => /rule (\S+)/.exec(m)?.[1])).toEqual([
            "ALB_WAF_ENABLED",
            "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
            "ELBV2_ACM_CERTIFICATE_REQUIRED",
        ]);
    });

    it("fails a rule the catalog does not know (no resource types to match)", () => {
        const body = JSON.parse(conformancePackTemplate()) as { Resources: Record<string, unknown> };
        body.Resources.Extra = { Type: "AWS::Config::ConfigRule", Properties: { Source: { SourceIdentifier: "X" } } };
        const p = { ...pack(), props: { name: "mas-prod-iso27001-soc2", templateBody: JSON.stringify(body) } };
        expect(run([...stack(), p])).toEqual([
            "[CMP-ISO-OPS] conformance pack mas-prod-iso27001-soc2: rule X evaluates no resource type the catalog knows, which the stack does not create: it reports nothing",
        ]);
    });

    it("counts EBS volumes only from launch templates that map block devices", () => {
        const volumes = CONFIG_RULES.filter((r) => r.identifier === "ENCRYPTED_VOLUMES");
        expect(rulesEvaluatingNothing(volumes, [{ type: "aws:ec2/launchTemplate:LaunchTemplate", props: {} }])).toEqual(
            volumes,
        );
        expect(rulesEvaluatingNothing(volumes, stack())).toEqual([]);
    });

    it("treats the account and its IAM users as always present", () => {
        const account = CONFIG_RULES.filter((r) =>
            r.resourceTypes.every((t) => t === "AWS::::Account" || t === "AWS::IAM::User"),
        );
        expect(account.map((r) => r.identifier)).toEqual([
            "CLOUD_TRAIL_ENABLED",
            "MULTI_REGION_CLOUD_TRAIL_ENABLED",
            "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
            "ACCESS_KEYS_ROTATED",
            "GUARDDUTY_ENABLED_CENTRALIZED",
            "SECURITYHUB_ENABLED",
        ]);
        expect(rulesEvaluatingNothing(account, [])).toEqual([]);
    });
});
