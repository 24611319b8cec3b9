// Every rule of the conformance pack evaluates something the stack has (issue 22, item 3): a managed rule
// whose resource types the plan never creates stays compliant forever and is evidence of nothing.

import { ACCOUNT_SCOPED_CONFIG_TYPES, CONFIG_RULES, ConfigRuleDef } from "../../catalog/operations/compliance";
import { asObject, asString, stackPolicy } from "../lib";

/** AWS Config resource types that a Pulumi resource of the plan results in. */
function configTypesOf(type: string, props: Record<string, unknown>): string[] {
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return ["AWS::S3::Bucket"];
        case "aws:kms/key:Key":
            return ["AWS::KMS::Key"];
        case "aws:cloudtrail/trail:Trail":
            return ["AWS::CloudTrail::Trail"];
        case "aws:ec2/vpc:Vpc":
            return ["AWS::EC2::VPC"];
        case "aws:cloudwatch/logGroup:LogGroup":
            return ["AWS::Logs::LogGroup"];
        case "aws:eks/cluster:Cluster":
            return ["AWS::EKS::Cluster"];
        case "aws:iam/policy:Policy":
            return ["AWS::IAM::Policy"];
        case "aws:iam/user:User":
            return ["AWS::IAM::User"];
        case "aws:ec2/securityGroup:SecurityGroup":
            return ["AWS::EC2::SecurityGroup"];
        case "aws:backup/plan:Plan":
            return ["AWS::Backup::BackupPlan"];
        case "aws:elb/loadBalancer:LoadBalancer":
            return ["AWS::ElasticLoadBalancing::LoadBalancer"];
        case "aws:lb/loadBalancer:LoadBalancer":
        case "aws:alb/loadBalancer:LoadBalancer":
            return ["AWS::ElasticLoadBalancingV2::LoadBalancer"];
        case "aws:ec2/instance:Instance":
            return ["AWS::EC2::Instance", "AWS::EC2::Volume"];
        case "aws:ebs/volume:Volume":
            return ["AWS::EC2::Volume"];
        // Instances launched from a template with EBS mappings (node groups, Auto Scaling groups).
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return Array.isArray(props.blockDeviceMappings) && props.blockDeviceMappings.length > 0
                ? ["AWS::EC2::Instance", "AWS::EC2::Volume"]
                : ["AWS::EC2::Instance"];
        default:
            return [];
    }
}

/** Rules of `rules` none of whose resource types the plan (or the account itself) has. */
export function rulesEvaluatingNothing(
    rules: ConfigRuleDef[],
    resources: { type: string; props: Record<string, unknown> }[],
): ConfigRuleDef[] {
    const present = new Set<string>(ACCOUNT_SCOPED_CONFIG_TYPES);
    for (const r of resources) {
        configTypesOf(r.type, r.props).forEach((t) => present.add(t));
    }
    return rules.filter((rule) => !rule.resourceTypes.some((t) => present.has(t)));
}

export const configRulesApply = stackPolicy({
    name: "operations-config-rules-apply",
    description:
        "Every AWS Config managed rule of the ISO 27001 / SOC 2 conformance pack evaluates a resource type the stack creates (or the account itself / its IAM users): a rule for a type the stack has none of (e.g. ELB_TLS_HTTPS_LISTENERS_ONLY, Classic Load Balancers only, next to an ALB) checks nothing.",
    controls: ["CMP-ISO-CRYPTO", "CMP-ISO-ACCESS", "CMP-ISO-OPS", "CMP-SOC2-CONFIDENTIALITY"],
    severity: "medium",
    validate: (args, report) => {
        const packs = args.resources.filter(
            (r) =>
                r.type === "aws:cfg/conformancePack:ConformancePack" &&
                (asString(r.props.name) ?? "").endsWith("-iso27001-soc2"),
        );
        for (const pack of packs) {
            let identifiers: string[];
            try {
                const body = JSON.parse(String(pack.props.templateBody)) as { Resources?: Record<string, unknown> };
                identifiers = Object.values(body.Resources ?? {}).map(
                    (r) => asString(asObject(asObject(asObject(r).Properties).Source).SourceIdentifier) ?? "",
                );
            } catch {
                continue; // operations-conformance-pack reports an unreadable template
            }
            const rules = identifiers.map(
                (id) =>
                    CONFIG_RULES.find((r) => r.identifier === id) ?? {
                        identifier: id,
                        resourceTypes: [],
                        controls: [],
                        iso27001: [],
                        soc2: [],
                    },
            );
            for (const rule of rulesEvaluatingNothing(rules, args.resources)) {
                const controls = rule.controls.length ? rule.controls : ["CMP-ISO-OPS"];
                report(
                    `[${controls.join(", ")}] conformance pack ${asString(pack.props.name)}: rule ${rule.identifier} evaluates ${rule.resourceTypes.join(", ") || "no resource type the catalog knows"}, which the stack does not create: it reports nothing`,
                    pack.urn,
                );
            }
        }
    },
});
