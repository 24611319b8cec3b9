// policy-pack/policies/network/endpoints.ts: every endpoint to an AWS API is bounded by its policy (PER-FW-EGRESS).

import { endpointServices, interfaceEndpointPolicy } from "../../policy-pack/catalog/endpoints";
import { endpointPolicies } from "../../policy-pack/policies/network";
import { s3EndpointPolicy } from "../../components/network/endpoints";
import { validateResource } from "../harness/policy";

const OWN = "123456789012";

function endpoint(service: string, policy: unknown, extra: Record<string, unknown> = {}) {
    return validateResource(endpointPolicies, {
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        name: `vpce-${service}`,
        props: {
            serviceName: `com.amazonaws.eu-west-1.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            ownerId: OWN,
            arn: `arn:aws:ec2:eu-west-1:${OWN}:vpc-endpoint/vpce-0${service.replace(/\W/g, "")}`,
            ...(policy === undefined ? {} : { policy: JSON.stringify(policy) }),
            ...extra,
        },
    });
}

describe("network-endpoint-policies (PER-FW-EGRESS)", () => {
    it("passes the stack's policy on every interface endpoint it builds", () => {
        for (const [service, spec] of Object.entries(endpointServices)) {
            if (spec.perimeter === "principal" && spec.policySupported) {
                expect([service, endpoint(service, interfaceEndpointPolicy(service, OWN))]).toEqual([service, []]);
            }
        }
    });

    it("passes the S3 gateway endpoint's resource perimeter", () => {
        expect(
            endpoint("s3", s3EndpointPolicy(OWN, "eu-west-1"), {
                vpcEndpointType: "Gateway",
                privateDnsEnabled: undefined,
            }),
        ).toEqual([]);
    });

    it("passes Principal * conditioned on aws:PrincipalAccount = own account, and an extra Deny", () => {
        const doc = {
            Statement: [
                {
                    Effect: "Allow",
                    Principal: "*",
                    Action: "*",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:PrincipalAccount": OWN } },
                },
                { Effect: "Deny", Principal: "*", Action: "sts:GetFederationToken", Resource: "*" },
            ],
        };
        expect(endpoint("sts", doc)).toEqual([]);
        // Stricter: fewer actions of the service.
        expect(
            endpoint("kms", {
                Statement: [{ ...doc.Statement[0], Action: ["kms:Decrypt", "kms:GenerateDataKey"] }],
            }),
        ).toEqual([]);
    });

    it("passes a policy limited to the stack's organization (aws:PrincipalOrgID) instead of its account", () => {
        const doc = {
            Statement: [
                {
                    Effect: "Allow",
                    Principal: "*",
                    Action: "ecr:*",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                },
            ],
        };
        expect(endpoint("ecr.api", doc)).toEqual([]);
    });

    it("fails an STS endpoint policy that admits any principal", () => {
        const found = endpoint("sts", {
            Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:*", Resource: "*" }],
        });
        expect(found).toHaveLength(2);
        expect(found[0]).toBe(
            "[PER-FW-EGRESS] endpoint vpce-sts (service sts, interface, private DNS on: all of the VPC's calls to the service): a role of an unrelated account may call 16 actions of the service on its own and the stack's resources through it (sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity, …): the endpoint policy does not limit it to the stack's account",
        );
        expect(found.some((m) => m.includes("anonymous caller may call"))).toBe(true);
    });

    it("fails a new endpoint without a policy, private DNS on or off", () => {
        expect(endpoint("sqs", undefined)).toEqual([
            "[PER-FW-EGRESS] endpoint vpce-sqs (service sqs, interface, private DNS on: all of the VPC's calls to the service) has no endpoint policy although the service supports one: AWS attaches full access (any principal of any account, every action)",
        ]);
        expect(endpoint("xray", undefined, { privateDnsEnabled: false })[0]).toContain(
            "(service xray, interface, private DNS off: reached at its own DNS names) has no endpoint policy",
        );
    });

    it("fails the full-access default policy and a condition naming another account", () => {
        const full = endpoint("secretsmanager", {
            Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
        });
        expect(full.map((m) => /service\): (.*) may call (\d+) actions/.exec(m)?.slice(1))).toEqual([
            ["a role of an unrelated account", "23"],
            ["anonymous caller", "23"],
        ]);
        const other = endpoint("logs", interfaceEndpointPolicy("logs", "444455556666"));
        expect(
            other.some((m) => m.includes("arn:aws:iam::444455556666:role/outsider (another account) may call")),
        ).toBe(true);
    });

    it("fails an S3 interface endpoint whose policy reaches buckets of other accounts", () => {
        const found = endpoint("s3", {
            Statement: [
                {
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:PutObject",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:PrincipalAccount": OWN } },
                },
            ],
        });
        expect(found).toEqual([
            "[PER-FW-EGRESS] endpoint vpce-s3 (service s3, interface, private DNS on: all of the VPC's calls to the service): a role of the stack's account may call 1 action of the service on another account's resources through it (s3:PutObject): the endpoint policy does not limit it to the stack's account",
        ]);
    });

    it("skips a service AWS allows only full access on, whose reason the catalog records", () => {
        expect(endpointServices["email-smtp"].why).toMatch(/only the full-access policy/);
        expect(endpoint("email-smtp", undefined)).toEqual([]);
    });
});
