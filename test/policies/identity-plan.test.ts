import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { buildIdentityAndCluster } from "../harness/identity-cluster";
import { identityPolicies } from "../../policy-pack/policies/identity";
import type { ProgramRun } from "../../tools/lib/program";
import { plain, runIsolated, stackConfig } from "../harness/program";
import { validateResource, validateStack } from "../harness/policy";

// The identity components' own resources pass every identity policy (resource policies on inputs, stack
// policies on outputs), in dev and in prod: EKS-ENDPOINT, IAM-BOUNDARY, K8S-PSA, K8S-NETPOL, ACC-RES-PRIORITY.
function runSection(stack: "dev" | "prod"): Promise<ProgramRun> {
    return runIsolated(stackConfig(stack), stack, () => {
        return buildIdentityAndCluster();
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
