import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClassificationLevel } from "../../policy-pack/catalog";
import { CLASSIFICATION_TAG } from "../../policy-pack/catalog/data";
import { namePrefix } from "../config";

/** Tags of a resource of the given classification level (overrides the provider's default `internal`). */
export function classified(level: ClassificationLevel, extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, [CLASSIFICATION_TAG]: level };
}

/** The account, region and partition the stack deploys into (mocked in tests). */
export interface AwsEnv {
    accountId: pulumi.Output<string>;
    region: pulumi.Output<string>;
    partition: pulumi.Output<string>;
}

export function awsEnv(parent: pulumi.Resource): AwsEnv {
    return {
        accountId: aws.getCallerIdentityOutput({}, { parent }).accountId,
        region: aws.getRegionOutput({}, { parent }).region,
        partition: aws.getPartitionOutput({}, { parent }).partition,
    };
}

/** An IAM policy statement as JSON. */
export interface Statement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | Record<string, string | string[]>;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** A JSON policy document from statements that may hold Outputs. */
export function policyDocument(statements: pulumi.Input<pulumi.Input<Statement>[]>): pulumi.Output<string> {
    return pulumi
        .output(statements)
        .apply((list) => JSON.stringify({ Version: "2012-10-17", Statement: list }, undefined, 2));
}

/** Trust policy for a service principal, optionally bound to a source ARN / account. */
export function serviceTrust(
    service: string,
    conditions?: Statement["Condition"] | pulumi.Output<Statement["Condition"]>,
): pulumi.Output<string> {
    return pulumi.output(conditions).apply((c) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: service },
                    Action: "sts:AssumeRole",
                    ...(c ? { Condition: c } : {}),
                },
            ],
        }),
    );
}

/** Physical names other parts of the data area (and key policies) must know before the resource exists. */
/**
 * What every data component reads of the stack config (keys as validated in components/config): the stack's
 * name, from which physical names derive, and whether data-holding resources are protected from deletion.
 */
export interface DataConfig {
    stack: string;
    deletionProtection: boolean;
    /** An agent stack's (namePrefix): its project and platform stack. */
    project?: string;
    platformStack?: string;
}

export function dataNames(cfg: Pick<DataConfig, "stack" | "project" | "platformStack">) {
    const prefix = namePrefix(cfg);
    return {
        prefix,
        trail: `${prefix}-trail`,
        backupRole: `${prefix}-backup`,
        vault: `${prefix}-vault`,
    };
}

export function arn(env: AwsEnv, service: string, resource: string, global = false): pulumi.Output<string> {
    return pulumi.interpolate`arn:${env.partition}:${service}:${global ? "" : env.region}:${env.accountId}:${resource}`;
}

export function roleArn(env: AwsEnv, path: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${env.partition}:iam::${env.accountId}:role/${path}`;
}
