// What the platform policy tests share: a resource of a stack case.

import { StackResourceCase } from "../../harness/policy";

export type Rec = Record<string, unknown>;
export const r = (type: string, name: string, props: Rec): StackResourceCase => ({ type, name, props });
