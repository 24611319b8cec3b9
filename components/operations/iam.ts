import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Statement } from "../identity/documents";

/** IAM statements as JSON (the stack writes policy documents as JSON, never through an invoke). */
export type { Statement };

export function policyJson(statements: Statement[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Trust policy for one AWS service principal, confined to this account (confused-deputy guard). */
export function serviceTrust(service: string, account: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(account).apply((acct) =>
        policyJson([
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": acct } },
            },
        ]),
    );
}

/** Account, region and partition of the running stack, read once per component. */
export function awsContext(parent: pulumi.Resource) {
    const identity = aws.getCallerIdentityOutput({}, { parent });
    const region = aws.getRegionOutput({}, { parent });
    const partition = aws.getPartitionOutput({}, { parent });
    return { account: identity.accountId, region: region.region, partition: partition.partition };
}

/** What awsContext returns: account, region and partition as outputs. */
export type AwsContext = ReturnType<typeof awsContext>;
