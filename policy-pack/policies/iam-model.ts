import { PolicyResource } from "@pulumi/policy";
import { AccessMatrix, computeAccessMatrix } from "../lib/iam";
import { TYPES } from "../lib/iam/model";

/**
 * One simulation per plan: the policies that read the IAM model share it. The analyzer hands each stack
 * policy its own copy of the resources, so the cache key is the model's input (the resources of the types
 * the model reads), not the array.
 */
const MODEL_TYPES = new Set<string>(Object.values(TYPES));
let last: { key: string; matrix: AccessMatrix } | undefined;

export function accessMatrixOf(resources: PolicyResource[]): AccessMatrix {
    const relevant = resources.filter((r) => MODEL_TYPES.has(r.type));
    const key = JSON.stringify(relevant.map((r) => [r.urn, r.props, r.propertyDependencies]));
    if (last?.key !== key) {
        last = { key, matrix: computeAccessMatrix(resources) };
    }
    return last.matrix;
}
