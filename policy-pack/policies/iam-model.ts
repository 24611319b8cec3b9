import { PolicyResource } from "@pulumi/policy";
import { AccessMatrix, computeAccessMatrix } from "../lib/iam";

/**
 * One simulation per plan: every policy that reads the IAM model shares it (the analyzer calls each stack
 * policy with the same resources array).
 */
let last: { resources: PolicyResource[]; matrix: AccessMatrix } | undefined;

export function accessMatrixOf(resources: PolicyResource[]): AccessMatrix {
    if (last?.resources !== resources) {
        last = { resources, matrix: computeAccessMatrix(resources) };
    }
    return last.matrix;
}
