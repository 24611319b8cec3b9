// The Network and Perimeter components run together under mocks, and helpers to read their resources.
import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { ofType, runShared, stackConfig } from "../../harness/program";

/** policy-pack/config/<stack>.json: the policy config `npm run audit` hands the pack for that stack. */
export function packConfig(stack: string): Record<string, unknown> {
    return require(`../../../policy-pack/config/${stack}.json`) as Record<string, unknown>;
}

export const FLOW_LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/mas/dev/vpc-flow";
export const WAF_LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-mas-dev";
export const SERVICE_ASG = "eks-mas-dev-service-4ac6e0b2-1d3f-8e2a-5b7c-0123456789ab";

export function program(overrides: Record<string, unknown>, stack: "dev" | "prod"): Promise<ProgramRun> {
    return runShared("network", stackConfig(stack, overrides), stack, () => {
        const { loadConfig } = require("../../../components/config");
        const { EvidenceRegistry } = require("../../../components/evidence");
        const { Network, Perimeter } = require("../../../components/network");
        const evidence = new EvidenceRegistry();
        const config = loadConfig();
        const network = new Network("mas", {
            config,
            evidence,
            flowLogGroupArn: FLOW_LOG_GROUP,
            firewallLogGroupName: "/mas/dev/network-firewall",
        });
        const perimeter = new Perimeter("mas", {
            config,
            evidence,
            vpcId: network.vpc.id,
            publicSubnetIds: network.publicSubnets.map((s: { id: unknown }) => s.id),
            serviceSecurityGroupId: network.securityGroups.service.id,
            ingressAutoScalingGroupName: SERVICE_ASG,
            albAccessLogBucketName: "mas-dev-alb-access-logs",
            wafLogGroupArn: WAF_LOG_GROUP,
        });
        return { evidence: evidence.output(), wafBlockIpSetArn: perimeter.wafBlockIpSet.arn };
    });
}

export type Rec = Record<string, unknown>;
export const cidrs = (run: ProgramRun, tag: string, value: string) =>
    ofType(run, "aws:ec2/subnet:Subnet")
        .filter((s) => (s.inputs.tags as Rec)[tag] === value)
        .map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]);
export const idOf = (r: RecordedResource) => (r.outputs.id ?? r.id) as string;
