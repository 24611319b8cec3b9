// How the operations controls are met: infrastructure, or an organizational process on a primitive of the stack.

export const infra = { kind: "infrastructure" } as const;
export function org(primitive: string, justification: string) {
    return { kind: "organizational" as const, primitive, justification };
}
