import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { endpointServices, interfaceEndpointPolicy } from "../../policy-pack/catalog/endpoints";
import { networkDesign } from "../../policy-pack/catalog/network";
import { platformDesign } from "../../policy-pack/catalog/platform";

export interface VpcEndpointsArgs {
    vpcId: pulumi.Input<string>;
    /** The stack's account: the S3 endpoint admits only its buckets (and named AWS-owned ones). */
    account: pulumi.Output<aws.GetCallerIdentityResult>;
    /** The segments' route tables (the S3 gateway endpoint's routes). */
    routeTables: aws.ec2.RouteTable[];
    /** Where the interface endpoints' ENIs go: the service subnets. */
    serviceSubnets: aws.ec2.Subnet[];
    securityGroupId: pulumi.Input<string>;
}

/**
 * VPC endpoints: S3 through a gateway endpoint (segment route tables); AWS APIs through interface endpoints in
 * the service subnets (agents may reach the service segment, never management). Each endpoint's policy admits
 * only the stack's account's principals (catalog/endpoints.ts).
 */
export function vpcEndpoints(
    parent: pulumi.Resource,
    name: string,
    args: VpcEndpointsArgs,
): Record<string, aws.ec2.VpcEndpoint> {
    const region = aws.getRegionOutput({}, { parent });
    const endpoints: Record<string, aws.ec2.VpcEndpoint> = {
        s3: new aws.ec2.VpcEndpoint(
            `${name}-vpce-s3`,
            {
                vpcId: args.vpcId,
                serviceName: pulumi.interpolate`com.amazonaws.${region.region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: args.routeTables.map((rt) => rt.id),
                policy: pulumi
                    .all([args.account.accountId, region.region])
                    .apply(([accountId, r]) => JSON.stringify(s3EndpointPolicy(accountId, r))),
                tags: { Name: `${name}-vpce-s3` },
            },
            { parent },
        ),
    };
    for (const service of networkDesign.interfaceEndpoints) {
        const key = service.replace(/\./g, "-");
        endpoints[service] = new aws.ec2.VpcEndpoint(
            `${name}-vpce-${key}`,
            {
                vpcId: args.vpcId,
                serviceName: pulumi.interpolate`com.amazonaws.${region.region}.${service}`,
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: args.serviceSubnets.map((s) => s.id),
                securityGroupIds: [args.securityGroupId],
                // Without one AWS attaches full access: any account's credentials would reach the service.
                ...(endpointServices[service]?.policySupported === false
                    ? {}
                    : {
                          policy: pulumi
                              .all([args.account.accountId, args.account.arn])
                              .apply(([accountId, arn]) =>
                                  JSON.stringify(interfaceEndpointPolicy(service, accountId, arn.split(":")[1])),
                              ),
                      }),
                tags: { Name: `${name}-vpce-${key}` },
            },
            { parent },
        );
    }
    return endpoints;
}

/**
 * The S3 gateway endpoint's policy: the stack's own account's buckets (aws:ResourceAccount), plus reads of
 * the AWS-owned buckets nodes need (ECR layers, AL2023 repositories, SSM). Without a policy the endpoint
 * admits every bucket in the world, an exfiltration path around the firewall.
 */
export function s3EndpointPolicy(accountId: string, region: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "StackAccountBuckets",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:*",
                Resource: "*",
                Condition: { StringEquals: { "aws:ResourceAccount": accountId } },
            },
            {
                Sid: "AwsOwnedReadOnly",
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: platformDesign.awsOwnedBuckets.map((b) => `arn:aws:s3:::${b.replace("{region}", region)}/*`),
            },
        ],
    };
}
