// Helpers the identity policies share: trust and policy statements, and the RBAC role tag.

import { RBAC_ROLE_TAG } from "../../catalog/identity";
import { asArray, asObject as obj, effectiveTags, parsePolicyDocument } from "../lib";

export const ROLE = "aws:iam/role:Role";

export type Obj = Record<string, unknown>;
export interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

export function statementsOf(doc: unknown): Statement[] | undefined {
    const parsed = parsePolicyDocument(doc);
    return parsed ? (asArray(parsed.Statement as Statement | Statement[]) as Statement[]) : undefined;
}
/** Condition value regardless of the operator's case / IfExists suffix. */
export function condition(s: Statement, operator: string, key: string): string[] {
    const c = s.Condition ?? {};
    const op = Object.keys(c).find((k) => k.toLowerCase() === operator.toLowerCase());
    if (!op) {
        return [];
    }
    const entry = Object.entries(obj(c[op])).find(([k]) => k.toLowerCase() === key.toLowerCase());
    return entry ? asArray(entry[1] as unknown).map((v) => String(v)) : [];
}
export const rbacRoleOf = (args: Parameters<typeof effectiveTags>[0]) => effectiveTags(args)[RBAC_ROLE_TAG];
