// policy-pack/policies/platform.ts: the ALB's log bucket (PER-LB) and the WAF's agent key (PER-DDOS).

import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { albLogBucketOrder, wafAgentKeyRequired } from "../../../policy-pack/policies/platform";
import { validateResource } from "../../harness/policy";
import { Rec } from "./fixtures";

// ---------------------------------------------------------------------------------------------------
// network-alb-log-bucket-order: needs real dependency edges, so the stack args are built here.

function orderCase(dependsOnPolicy: boolean, withPolicy = true) {
    const res = (type: string, name: string, props: Rec, dependencies: PolicyResource[] = []) =>
        ({
            type,
            name,
            props,
            urn: `urn:pulumi:test::test::${type}::${name}`,
            dependencies,
            propertyDependencies: {},
            opts: {},
        }) as unknown as PolicyResource;
    const policy = res("aws:s3/bucketPolicy:BucketPolicy", "alb-logs", { bucket: "mas-prod-alb-logs" });
    const sg = res("aws:ec2/securityGroup:SecurityGroup", "alb-sg", {});
    const alb = res(
        "aws:lb/loadBalancer:LoadBalancer",
        "mas-alb",
        { accessLogs: { bucket: "mas-prod-alb-logs", enabled: true } },
        dependsOnPolicy ? [sg, policy] : [sg],
    );
    const violations: string[] = [];
    const args = {
        resources: withPolicy ? [policy, sg, alb] : [sg, alb],
        stackTags: new Map(),
        getConfig: () => ({}),
    } as unknown as StackValidationArgs;
    void albLogBucketOrder.validateStack(args, (m) => violations.push(m));
    return violations;
}

describe("network-alb-log-bucket-order (PER-LB)", () => {
    it("passes an ALB that depends on its log bucket's policy", () => {
        expect(orderCase(true)).toEqual([]);
    });

    it("fails an ALB created without waiting for the policy (ELB's test write is denied)", () => {
        expect(orderCase(false)).toEqual([
            "[PER-LB] ALB mas-alb does not depend on alb-logs, the policy of its log bucket mas-prod-alb-logs: creating it first fails ELB's test write (Access Denied)",
        ]);
    });

    it("fails an ALB whose log bucket has no policy at all", () => {
        expect(orderCase(false, false)[0]).toContain("has no bucket policy in the stack");
    });
});

// ---------------------------------------------------------------------------------------------------
// network-waf-agent-key-required

const NONE = [{ priority: 0, type: "NONE" }];
const requireHeader = {
    name: "agent-id-required",
    priority: 4,
    action: { block: {} },
    statement: {
        andStatement: {
            statements: [
                {
                    notStatement: {
                        statement: {
                            sizeConstraintStatement: {
                                fieldToMatch: { singleHeader: { name: "x-agent-id" } },
                                comparisonOperator: "GT",
                                size: 0,
                                textTransformations: NONE,
                            },
                        },
                    },
                },
                {
                    notStatement: {
                        statement: {
                            byteMatchStatement: {
                                fieldToMatch: { uriPath: {} },
                                positionalConstraint: "STARTS_WITH",
                                searchString: "/oauth2/",
                                textTransformations: NONE,
                            },
                        },
                    },
                },
            ],
        },
    },
};
const perSource = {
    name: "per-source-rate-limit",
    priority: 5,
    action: { block: {} },
    statement: { rateBasedStatement: { aggregateKeyType: "IP", evaluationWindowSec: 60, limit: 6000 } },
};
const perAgent = {
    name: "per-agent-rate-limit",
    priority: 6,
    action: { block: {} },
    statement: {
        rateBasedStatement: {
            aggregateKeyType: "CUSTOM_KEYS",
            evaluationWindowSec: 60,
            limit: 6000,
            customKeys: [{ header: { name: "x-agent-id", textTransformations: NONE } }],
        },
    },
};
const waf = (rules: Rec[]) =>
    validateResource(wafAgentKeyRequired, { type: "aws:wafv2/webAcl:WebAcl", name: "waf", props: { rules } });

describe("network-waf-agent-key-required (PER-DDOS)", () => {
    it("passes: missing header blocked first, per-source cap, then the per-agent limit", () => {
        expect(waf([requireHeader, perSource, perAgent])).toEqual([]);
    });

    it("fails without the missing-header block (omitting the header bypasses the limit)", () => {
        expect(waf([perSource, perAgent])).toEqual([
            "[PER-DDOS] web ACL rule per-agent-rate-limit limits per x-agent-id header, but no earlier blocking rule rejects requests without it: omitting the header bypasses the limit",
        ]);
    });

    it("fails when the missing-header rule only counts, or comes after the limit", () => {
        expect(waf([{ ...requireHeader, action: { count: {} } }, perSource, perAgent])).toHaveLength(1);
        expect(waf([{ ...requireHeader, priority: 9 }, perSource, perAgent])).toHaveLength(1);
    });

    it("fails without a per-source cap (rotating the header value opens new buckets)", () => {
        expect(waf([requireHeader, perAgent])).toEqual([
            "[PER-DDOS] web ACL rule per-agent-rate-limit keys on a client-chosen header, and no blocking per-IP rate rule of at most 100 rps stops a client rotating its value",
        ]);
        const loose = {
            ...perSource,
            statement: { rateBasedStatement: { ...perSource.statement.rateBasedStatement, limit: 60000 } },
        };
        expect(waf([requireHeader, loose, perAgent])).toHaveLength(1);
    });
});
