// The access levels: a security group per segment (stateful) plus the VPC endpoints' group, their rules
// (rules.ts), and a network ACL per segment (stateless, at the subnet edge).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SEGMENTS, SegmentName } from "../../policy-pack/catalog";
import { PerimeterPlan } from "./cidrs";
import { AccessRulesConfig, networkAcls, segmentSecurityRules } from "./rules";

export interface SegmentAccessArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    vpcId: pulumi.Input<string>;
    /** What the rules are computed from: segment and admin CIDRs, whether the deploy runner exists. */
    rules: AccessRulesConfig;
    plan: PerimeterPlan;
    segmentSubnets: Record<SegmentName, aws.ec2.Subnet[]>;
}

export function segmentAccess(parent: pulumi.Resource, name: string, args: SegmentAccessArgs) {
    const opts = { parent };
    const sg = (key: string, description: string, tags: Record<string, string>) =>
        new aws.ec2.SecurityGroup(
            `${name}-${key}-sg`,
            {
                name: `${args.prefix}-${key}`,
                description,
                vpcId: args.vpcId,
                tags: { Name: `${args.prefix}-${key}`, ...tags },
            },
            opts,
        );
    const securityGroups = {
        agent: sg("agent", "Agent segment (restricted): mesh/service ports to the service segment only", {
            segment: "agent",
        }),
        service: sg("service", "Service segment (internal): from the agent and management segments only", {
            segment: "service",
        }),
        management: sg("management", "Management segment (admin_only): from admin CIDRs only", {
            segment: "management",
        }),
        endpoints: sg("endpoints", "VPC interface endpoints: HTTPS from the segments", { role: "vpc-endpoints" }),
    };
    const sgRules = segmentSecurityRules(args.rules);
    const sgRuleResources = sgRules.map((r) => {
        const common = {
            securityGroupId: securityGroups[r.group].id,
            ipProtocol: r.protocol,
            ...(r.protocol === "-1" ? {} : { fromPort: r.fromPort, toPort: r.toPort }),
            ...(r.peer.kind === "cidr" ? { cidrIpv4: r.peer.cidr } : {}),
            ...(r.peer.kind === "group" ? { referencedSecurityGroupId: securityGroups[r.peer.group].id } : {}),
            description: r.description,
        };
        return r.direction === "ingress"
            ? new aws.vpc.SecurityGroupIngressRule(`${name}-${r.group}-in-${r.key}`, common, opts)
            : new aws.vpc.SecurityGroupEgressRule(`${name}-${r.group}-out-${r.key}`, common, opts);
    });

    const acls = networkAcls(args.rules, args.plan);
    const segmentAcls = Object.fromEntries(
        SEGMENTS.map((segment) => [
            segment,
            new aws.ec2.NetworkAcl(
                `${name}-${segment}-acl`,
                {
                    vpcId: args.vpcId,
                    subnetIds: args.segmentSubnets[segment].map((s) => s.id),
                    ingress: acls[segment].ingress,
                    egress: acls[segment].egress,
                    tags: { Name: `${name}-${segment}-acl`, segment },
                },
                opts,
            ),
        ]),
    ) as Record<SegmentName, aws.ec2.NetworkAcl>;

    /** The security group rule resources of one group. */
    const rulesOf = (group: SegmentName) => sgRuleResources.filter((_, i) => sgRules[i].group === group);
    return { securityGroups, networkAcls: segmentAcls, rulesOf };
}
