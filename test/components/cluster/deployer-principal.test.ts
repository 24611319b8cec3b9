import * as pulumi from "@pulumi/pulumi";

// EKS access entries take an IAM role ARN with its path (EKS user guide, "Create access entries": "If the ARN
// is for an IAM role, it can include a path. ARNs in aws-auth ConfigMap entries, can't include a path") and
// must name an existing principal. An STS session ARN has no path, so the deployer's role must come from
// IAM's session context, not from rewriting the session ARN.
const ACCT = "123456789012";
const SSO_ROLE = `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef`;
const calls: Record<string, unknown>[] = [];

beforeAll(() => {
    pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
            call: (args) => {
                calls.push({ token: args.token, ...args.inputs });
                if (args.token === "aws:iam/getSessionContext:getSessionContext") {
                    return {
                        arn: args.inputs.arn,
                        issuerArn: SSO_ROLE,
                        issuerName: "AWSReservedSSO_Admin_0123456789abcdef",
                    };
                }
                throw new Error(`unexpected invoke ${args.token}`);
            },
        },
        "mas",
        "prod",
    );
});

describe("deployer access entry principal (EKS-AUTH-API)", () => {
    it("recognises assumed-role session ARNs only", () => {
        const { isAssumedRole } =
            require("../../../components/cluster") as typeof import("../../../components/cluster");
        expect(isAssumedRole(`arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice`)).toBe(
            true,
        );
        expect(isAssumedRole(`arn:aws:iam::${ACCT}:user/ci`)).toBe(false);
        expect(isAssumedRole(`arn:aws:iam::${ACCT}:role/deployer`)).toBe(false);
    });

    it("maps an assumed-role session to its role's full ARN, path included", async () => {
        const { deployerPrincipal } =
            require("../../../components/cluster") as typeof import("../../../components/cluster");
        const parent = new pulumi.ComponentResource("test:Parent", "p");
        const session = `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice`;
        await expect(deployerPrincipal(session, parent)).resolves.toBe(SSO_ROLE);
        // Rewriting the session ARN would have given role/AWSReservedSSO_Admin_…, a principal that does not exist.
        expect(SSO_ROLE).not.toBe(`arn:aws:iam::${ACCT}:role/AWSReservedSSO_Admin_0123456789abcdef`);
        expect(calls).toContainEqual({ token: "aws:iam/getSessionContext:getSessionContext", arn: session });
    });

    it("passes a user or role ARN through without an invoke", async () => {
        const { deployerPrincipal } =
            require("../../../components/cluster") as typeof import("../../../components/cluster");
        const parent = new pulumi.ComponentResource("test:Parent", "q");
        const before = calls.length;
        await expect(deployerPrincipal(`arn:aws:iam::${ACCT}:user/ci`, parent)).resolves.toBe(
            `arn:aws:iam::${ACCT}:user/ci`,
        );
        expect(calls.length).toBe(before);
    });
});
