// policy-pack/policies/platform.ts: egress through the firewall and the endpoints (PER-FW-EGRESS).

import { egressNoSharedStorage, s3EndpointScoped, workloadApisReachable } from "../../../policy-pack/policies/platform";
import { StackResourceCase, validateResource, validateStack } from "../../harness/policy";
import { r } from "./fixtures";

// ---------------------------------------------------------------------------------------------------
// network-egress-no-shared-storage

function ruleGroup(targets: string[], home?: string[]) {
    return validateResource(egressNoSharedStorage, {
        type: "aws:networkfirewall/ruleGroup:RuleGroup",
        name: "egress",
        props: {
            ruleGroup: {
                ...(home ? { ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: home } }] } } : {}),
                rulesSource: { rulesSourceList: { generatedRulesType: "ALLOWLIST", targets } },
            },
        },
    });
}

describe("network-egress-no-shared-storage (PER-FW-EGRESS)", () => {
    it("passes exact hosts for the workloads", () => {
        expect(ruleGroup(["route53.amazonaws.com", "quay.io", "registry-1.docker.io"], ["10.0.0.0/16"])).toEqual([]);
    });

    it("fails .amazonaws.com for the VPC (any S3 bucket is reachable)", () => {
        expect(ruleGroup([".amazonaws.com", "quay.io"], ["10.0.0.0/16"])).toEqual([
            "[PER-FW-EGRESS] egress allow-list egress admits .amazonaws.com for 10.0.0.0/16: any bucket / blob of anyone is reachable (exfiltration); list exact hosts and reach AWS through VPC endpoints",
        ]);
        expect(ruleGroup([".s3.amazonaws.com"])).toHaveLength(1);
        expect(ruleGroup([".blob.core.windows.net"], ["10.0.0.0/16"])).toHaveLength(1);
    });

    it("passes a list scoped to one /32 source (the deploy runner's NAT gateway)", () => {
        expect(ruleGroup([".amazonaws.com", ".blob.core.windows.net"], ["10.0.255.10/32"])).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------
// network-s3-endpoint-policy

function endpoint(policy: unknown, serviceName = "com.amazonaws.eu-west-1.s3") {
    return validateResource(s3EndpointScoped, {
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        name: "vpce-s3",
        props: { serviceName, vpcEndpointType: "Gateway", ...(policy ? { policy: JSON.stringify(policy) } : {}) },
    });
}
const ACCOUNT_ONLY = {
    Statement: [
        {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceAccount": "123456789012" } },
        },
        {
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"],
        },
    ],
};

describe("network-s3-endpoint-policy (PER-FW-EGRESS)", () => {
    it("passes the account-scoped policy with named AWS buckets", () => {
        expect(endpoint(ACCOUNT_ONLY)).toEqual([]);
    });

    it("fails a gateway endpoint without a policy (full access)", () => {
        expect(endpoint(undefined)).toEqual([
            "[PER-FW-EGRESS] S3 gateway endpoint vpce-s3 has no policy: it admits every bucket in the world",
        ]);
    });

    it("fails an Allow on every bucket without the account condition, or on a wildcard bucket name", () => {
        const open = { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] };
        expect(endpoint(open)).toHaveLength(1);
        const wildcard = {
            Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::*/*" }],
        };
        expect(endpoint(wildcard)).toHaveLength(1);
    });

    it("ignores interface endpoints of other services", () => {
        expect(endpoint(undefined, "com.amazonaws.eu-west-1.sts")).toEqual([]);
    });

    const iface = (policy: unknown, extra: Record<string, unknown> = {}) =>
        validateResource(s3EndpointScoped, {
            type: "aws:ec2/vpcEndpoint:VpcEndpoint",
            name: "vpce-s3-if",
            props: {
                serviceName: "com.amazonaws.eu-west-1.s3",
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                ownerId: "123456789012",
                ...(policy ? { policy: JSON.stringify(policy) } : {}),
                ...extra,
            },
        });
    it("fails an S3 interface endpoint with private DNS and a full-access policy (it bypasses the gateway's policy)", () => {
        const full = { Statement: [{ Sid: "Full", Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] };
        expect(iface(full)).toEqual([
            "[PER-FW-EGRESS] S3 interface endpoint vpce-s3-if (private DNS: all of the VPC's S3 traffic): statement Full allows \"*\" without a condition limiting it to the stack's account",
        ]);
        expect(iface(undefined)).toEqual([
            "[PER-FW-EGRESS] S3 interface endpoint vpce-s3-if (private DNS: all of the VPC's S3 traffic) has no policy: it admits every bucket in the world",
        ]);
        expect(iface(undefined, { privateDnsEnabled: false })).toEqual([
            "[PER-FW-EGRESS] S3 interface endpoint vpce-s3-if has no policy: it admits every bucket in the world",
        ]);
    });
    it("fails an account condition naming another account too, and an Allow with NotResource", () => {
        const other = {
            Statement: [
                {
                    Sid: "Accounts",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:ResourceAccount": ["123456789012", "444455556666"] } },
                },
            ],
        };
        expect(iface(other)).toEqual([
            "[PER-FW-EGRESS] S3 interface endpoint vpce-s3-if (private DNS: all of the VPC's S3 traffic): statement Accounts allows \"*\" without a condition limiting it to the stack's account (it names 123456789012, 444455556666)",
        ]);
        const not = {
            Statement: [
                { Sid: "Not", Effect: "Allow", Principal: "*", Action: "s3:*", NotResource: "arn:aws:s3:::x/*" },
            ],
        };
        expect(iface(not)).toHaveLength(1);
    });
    it("passes an S3 interface endpoint scoped like the gateway, with an extra deny", () => {
        const scoped = {
            Statement: [
                ...ACCOUNT_ONLY.Statement,
                { Effect: "Deny", Principal: "*", Action: "s3:DeleteBucket", Resource: "*" },
            ],
        };
        expect(iface(scoped)).toEqual([]);
    });
});

// ---------------------------------------------------------------------------------------------------
// network-workload-apis-reachable

function apisStack(o: { endpoints?: string[]; allowList?: string[]; privateDns?: boolean } = {}): StackResourceCase[] {
    const eps = o.endpoints ?? ["s3", "eks-auth", "monitoring", "kms"];
    return [
        ...eps.map((e) =>
            r("aws:ec2/vpcEndpoint:VpcEndpoint", `vpce-${e}`, {
                serviceName: `com.amazonaws.eu-west-1.${e}`,
                vpcEndpointType: e === "s3" ? "Gateway" : "Interface",
                ...(e === "s3" ? {} : { privateDnsEnabled: o.privateDns ?? true }),
            }),
        ),
        r("aws:networkfirewall/ruleGroup:RuleGroup", "egress-domains", {
            ruleGroup: {
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.0.0/16"] } }] },
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI"],
                        targets: o.allowList ?? ["quay.io"],
                    },
                },
            },
        }),
        // The deploy runner's list (/32) admits everything AWS; workloads never use it.
        r("aws:networkfirewall/ruleGroup:RuleGroup", "deploy-domains", {
            ruleGroup: {
                ruleVariables: { ipSets: [{ key: "HOME_NET", ipSet: { definitions: ["10.0.4.10/32"] } }] },
                rulesSource: {
                    rulesSourceList: {
                        generatedRulesType: "ALLOWLIST",
                        targetTypes: ["TLS_SNI"],
                        targets: [".amazonaws.com"],
                    },
                },
            },
        }),
        r("aws:iam/role:Role", "agent-role", {
            name: "mas-prod-agent",
            arn: "arn:aws:iam::123456789012:role/mas-prod-agent",
        }),
        r("aws:iam/policy:Policy", "agent-policy", {
            arn: "arn:aws:iam::123456789012:policy/mas-prod-agent",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
                    { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" },
                ],
            }),
        }),
        r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "agent-attach", {
            role: "mas-prod-agent",
            policyArn: "arn:aws:iam::123456789012:policy/mas-prod-agent",
        }),
        r("aws:iam/rolePolicy:RolePolicy", "agent-inline", {
            role: "mas-prod-agent",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }],
            }),
        }),
        r("aws:eks/podIdentityAssociation:PodIdentityAssociation", "pia", {
            namespace: "agent-planner",
            serviceAccount: "planner",
            roleArn: "arn:aws:iam::123456789012:role/mas-prod-agent",
        }),
    ];
}

describe("network-workload-apis-reachable (PER-FW-EGRESS)", () => {
    it("passes when every service the pod role calls has an endpoint (monitoring, s3, kms, eks-auth)", () => {
        expect(validateStack(workloadApisReachable, apisStack())).toEqual([]);
    });

    it("fails PutMetricData without a monitoring endpoint (the allow-list no longer holds .amazonaws.com)", () => {
        const v = validateStack(workloadApisReachable, apisStack({ endpoints: ["s3", "eks-auth", "kms"] }));
        expect(v.map((x) => x.message)).toEqual([
            "[PER-FW-EGRESS] pods of service account agent-planner/planner (role mas-prod-agent) may call cloudwatch (endpoint monitoring), which the VPC reaches through neither an endpoint nor the firewall allow-list: those calls never leave the VPC",
        ]);
    });

    it("fails Pod Identity without eks-auth, and interface endpoints without private DNS", () => {
        const v = validateStack(workloadApisReachable, apisStack({ privateDns: false }));
        expect(v).toHaveLength(1);
        expect(v[0].message).toContain(
            "may call eks-auth (endpoint eks-auth), kms (endpoint kms), cloudwatch (endpoint monitoring)",
        );
    });

    it("accepts the service's host on the workloads' allow-list instead of an endpoint", () => {
        expect(
            validateStack(
                workloadApisReachable,
                apisStack({ endpoints: ["s3", "eks-auth", "kms"], allowList: ["monitoring.eu-west-1.amazonaws.com"] }),
            ),
        ).toEqual([]);
    });
});
