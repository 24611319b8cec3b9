import type { ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { platformPolicies } from "../../policy-pack/policies/platform";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { plain, runStack } from "../harness/program";
import { validateResource } from "../harness/policy";
import { stackView } from "./review-plan";

// The platform policies on the real prod plan: silent on it, and each fires on the one defect the outside
// review found (applied to a copy of the plan), so a regression of the program cannot pass them.
type Rec = Record<string, any>;
const isStack = (p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy =>
    "validateStack" in p;

function violations(resources: RecordedResource[]): string[] {
    const out: string[] = [];
    const view = stackView(resources);
    for (const policy of platformPolicies) {
        if (isStack(policy)) {
            const args = {
                resources: view,
                stackTags: new Map(),
                getConfig: () => ({}),
            } as unknown as StackValidationArgs;
            void policy.validateStack(args, (m) => out.push(`${policy.name}: ${m}`));
        } else {
            for (const r of resources) {
                for (const m of validateResource(policy, { type: r.type, name: r.name, props: plain(r.inputs) })) {
                    out.push(`${policy.name}: ${m}`);
                }
            }
        }
    }
    return out;
}

const copy = (run: ProgramRun): RecordedResource[] => JSON.parse(JSON.stringify(run.resources));
const find = (rs: RecordedResource[], type: string, name: string) => {
    const r = rs.find((x) => x.type === type && x.name === name);
    if (!r) {
        throw new Error(`no ${type} ${name}`);
    }
    return r as RecordedResource & { inputs: Rec; outputs: Rec; dependencies: string[] };
};
/** A changed input shows in the outputs too (stack policies read those). */
const set = (r: { inputs: Rec; outputs: Rec }, apply: (props: Rec) => void) => {
    apply(r.inputs);
    apply(r.outputs);
};

let prod: ProgramRun;
beforeAll(async () => {
    prod = await runStack("prod");
}, 120_000);

describe("platform policies on the prod plan", () => {
    it("report nothing on the plan as built", () => {
        expect(violations(prod.resources)).toEqual([]);
    });

    const cases: [string, string, (rs: RecordedResource[]) => RecordedResource[]][] = [
        [
            "network-deploy-path",
            "without the deploy runner",
            (rs) => rs.filter((r) => r.type !== "aws:codebuild/project:Project"),
        ],
        [
            "network-pod-ip-capacity",
            "agent node group maximum 12",
            (rs) => {
                set(find(rs, "aws:eks/nodeGroup:NodeGroup", "mas-agent"), (p) => (p.scalingConfig.maxSize = 12));
                return rs;
            },
        ],
        [
            "network-alb-log-bucket-order",
            "ALB not waiting for its log bucket's policy",
            (rs) => {
                const alb = find(rs, "aws:lb/loadBalancer:LoadBalancer", "mas-alb");
                alb.dependencies = alb.dependencies.filter((d) => !d.includes("aws:s3/bucketPolicy:BucketPolicy"));
                return rs;
            },
        ],
        [
            "network-egress-no-shared-storage",
            ".amazonaws.com back on the workloads' allow-list",
            (rs) => {
                const rg = find(rs, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-egress-domains");
                rg.inputs.ruleGroup.rulesSource.rulesSourceList.targets.push(".amazonaws.com");
                return rs;
            },
        ],
        [
            "network-s3-endpoint-policy",
            "S3 gateway endpoint without a policy",
            (rs) => {
                delete find(rs, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-s3").inputs.policy;
                return rs;
            },
        ],
        [
            "network-waf-agent-key-required",
            "no block of requests lacking the agent-id header",
            (rs) => {
                const acl = find(rs, "aws:wafv2/webAcl:WebAcl", "mas-waf");
                acl.inputs.rules = acl.inputs.rules.filter((r: Rec) => r.name !== "agent-id-required");
                return rs;
            },
        ],
    ];

    it.each(cases)("%s fires on the plan %s", (policy, _what, mutate) => {
        const found = violations(mutate(copy(prod)));
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((v) => v.startsWith(`${policy}: `))).toBe(true);
    });
});
