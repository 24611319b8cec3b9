import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { identityPolicies } from "../../policy-pack/policies/identity";
import type { ProgramRun } from "../../tools/lib/program";
import { plain, runIsolated, stackConfig } from "../harness/program";
import { validateResource, validateStack } from "../harness/policy";

// The identity components' own resources pass every identity policy (resource policies on inputs, stack
// policies on outputs), in dev and in prod: EKS-ENDPOINT, IAM-BOUNDARY, K8S-PSA, K8S-NETPOL, ACC-RES-PRIORITY.
function runSection(stack: "dev" | "prod"): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack), stack, () => {
        const { loadConfig } = require("../../components/config");
        const { EvidenceRegistry } = require("../../components/evidence");
        const { Identity } = require("../../components/identity");
        const { Cluster } = require("../../components/cluster");
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
        return {};
    });
}

const isStack = (p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy =>
    "validateStack" in p;

describe.each(["dev", "prod"] as const)("identity policies on the %s plan", (stack) => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runSection(stack);
    });

    it("resource policies report nothing", () => {
        const violations: string[] = [];
        for (const policy of identityPolicies.filter((p): p is ResourceValidationPolicy => !isStack(p))) {
            for (const r of run.resources) {
                for (const m of validateResource(policy, {
                    type: r.type,
                    name: r.name,
                    props: plain(r.inputs),
                    config: { environment: stack },
                })) {
                    violations.push(`${policy.name} ${r.type} ${r.name}: ${m}`);
                }
            }
        }
        expect(violations).toEqual([]);
    });

    it("stack policies report nothing", () => {
        const resources = run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            props: plain<Record<string, unknown>>(r.outputs),
        }));
        for (const policy of identityPolicies.filter(isStack)) {
            expect(validateStack(policy, resources, { environment: stack })).toEqual([]);
        }
    });

    it("the plan actually contains what the policies look at", () => {
        const types = new Set(run.resources.map((r) => r.type));
        for (const t of [
            "aws:iam/role:Role",
            "aws:eks/cluster:Cluster",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:cognito/userPool:UserPool",
            "kubernetes:core/v1:Namespace",
            "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema",
            "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
        ]) {
            expect(types.has(t)).toBe(true);
        }
    });
});
