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
    // Dependencies by URN only: they are resource objects whose own dependencies reach the whole plan.
    const key = JSON.stringify(
        relevant.map((r) => [
            r.urn,
            r.props,
            Object.entries(r.propertyDependencies ?? {}).map(([k, ds]) => [k, ds.map((d) => d.urn)]),
        ]),
    );
    if (last?.key !== key) {
        last = { key, matrix: computeAccessMatrix(resources) };
    }
    return last.matrix;
}
