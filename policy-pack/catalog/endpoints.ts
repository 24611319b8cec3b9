/**
 * Endpoint policies: every path from the VPC to an AWS API (gateway or interface endpoint, private DNS on or
 * off) is bounded by its endpoint policy. AWS attaches a full-access policy (`Principal *`, `Action *`) to an
 * endpoint created without one, and to every endpoint of a service that does not support endpoint policies
 * (PrivateLink guide, "Control access to VPC endpoints using endpoint policies").
 *
 * - principal perimeter: only principals of the stack's account (aws:PrincipalAccount) use the endpoint, for
 *   the actions of that service. The deploy runner in the management segment runs `pulumi up` through these
 *   endpoints, so every action of the service is needed by some principal of the account; an outside
 *   account's credentials brought into the VPC are refused.
 * - resource perimeter (S3): any principal may use the endpoint, but only on the stack's account's buckets
 *   and the named AWS-owned buckets nodes read (network-s3-endpoint-policy judges the bucket list).
 */
export interface EndpointService {
    /** IAM service prefixes of the actions the endpoint serves. */
    prefixes: string[];
    perimeter: "principal" | "resource";
    /** False: AWS accepts only the full-access policy on this service's endpoints (why says so). */
    policySupported: boolean;
    why?: string;
}

export const endpointServices: Record<string, EndpointService> = {
    s3: { prefixes: ["s3"], perimeter: "resource", policySupported: true },
    dynamodb: { prefixes: ["dynamodb"], perimeter: "resource", policySupported: true },
    sts: { prefixes: ["sts"], perimeter: "principal", policySupported: true },
    "ecr.api": { prefixes: ["ecr"], perimeter: "principal", policySupported: true },
    "ecr.dkr": { prefixes: ["ecr"], perimeter: "principal", policySupported: true },
    logs: { prefixes: ["logs"], perimeter: "principal", policySupported: true },
    kms: { prefixes: ["kms"], perimeter: "principal", policySupported: true },
    ssm: { prefixes: ["ssm"], perimeter: "principal", policySupported: true },
    // ssmmessages, ec2messages and eks-auth: endpoint policy support is taken from AWS's general rule (most
    // services accept one); the stored docs did not confirm it per service. Should AWS refuse a custom policy
    // ("only supports the full-access endpoint policy") at create, set policySupported false with that reason.
    ssmmessages: { prefixes: ["ssmmessages"], perimeter: "principal", policySupported: true },
    ec2messages: { prefixes: ["ec2messages"], perimeter: "principal", policySupported: true },
    // EKS endpoints accepted only the full-access policy until February 2025 (amazon-eks-user-guide PR 873).
    eks: { prefixes: ["eks"], perimeter: "principal", policySupported: true },
    "eks-auth": { prefixes: ["eks-auth"], perimeter: "principal", policySupported: true },
    monitoring: { prefixes: ["cloudwatch"], perimeter: "principal", policySupported: true },
    sns: { prefixes: ["sns"], perimeter: "principal", policySupported: true },
    sqs: { prefixes: ["sqs"], perimeter: "principal", policySupported: true },
    secretsmanager: { prefixes: ["secretsmanager"], perimeter: "principal", policySupported: true },
    elasticloadbalancing: { prefixes: ["elasticloadbalancing"], perimeter: "principal", policySupported: true },
    autoscaling: { prefixes: ["autoscaling"], perimeter: "principal", policySupported: true },
    ec2: { prefixes: ["ec2"], perimeter: "principal", policySupported: true },
    // Not used by the stack; listed so that adding one is judged by what AWS allows on it.
    "email-smtp": {
        prefixes: ["ses"],
        perimeter: "principal",
        policySupported: false,
        why: "SMTP interface endpoints carry SMTP, not signed AWS API requests: AWS accepts only the full-access policy (PrivateLink guide, endpoint policy support); the SES identity's sending authorization and the security group bound it.",
    },
    "transfer.server": {
        prefixes: ["transfer"],
        perimeter: "principal",
        policySupported: false,
        why: "Transfer Family server endpoints carry SFTP sessions, not AWS API requests: AWS accepts only the full-access policy; the server's user mappings and the security group bound it.",
    },
};

/** The endpoint service (`com.amazonaws.<region>.<service>`) of a service name; undefined for others. */
export function endpointServiceOf(serviceName: string): { region: string; service: string } | undefined {
    const m = /^com\.amazonaws\.([a-z0-9-]+)\.(.+)$/.exec(serviceName);
    return m ? { region: m[1], service: m[2] } : undefined;
}

/**
 * The least-privilege policy of an interface endpoint of a principal-perimeter service: the service's own
 * actions, for principals of the stack's account only. STS also admits web identities (the deploy job's
 * GitHub OIDC token) assuming roles of the stack's account: AssumeRoleWithWebIdentity has no calling account.
 */
export function interfaceEndpointPolicy(service: string, accountId: string, partition = "aws") {
    const spec = endpointServices[service];
    if (!spec || spec.perimeter !== "principal" || !spec.policySupported) {
        throw new Error(`no interface endpoint policy for ${service}: not a principal-perimeter service`);
    }
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "StackAccountPrincipals",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: spec.prefixes.map((p) => `${p}:*`),
                Resource: "*",
                Condition: { StringEquals: { "aws:PrincipalAccount": accountId } },
            },
            ...(service === "sts"
                ? [
                      {
                          Sid: "WebIdentityIntoStackRoles",
                          Effect: "Allow",
                          Principal: { Federated: "*" },
                          Action: "sts:AssumeRoleWithWebIdentity",
                          Resource: `arn:${partition}:iam::${accountId}:role/*`,
                      },
                  ]
                : []),
        ],
    };
}
