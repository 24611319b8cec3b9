// The breaks of test/tools/mutations.test.ts, and the helpers they are written with.

export type Res = { urn: string; type: string; inputs: Record<string, any>; outputs: Record<string, any> };

export interface Break {
    control: string;
    what: string;
    policy?: string;
    apply(rs: Res[]): Res[];
}

/**
 * A setting changed in a real stack shows in both its inputs and its outputs (resource policies read the
 * first, stack policies the second): carry each input change over to the outputs, keeping the computed ones.
 */
export function mirrorToOutputs(before: Res[], after: Res[]): Res[] {
    const original = new Map(before.map((r) => [r.urn, r.inputs]));
    return after.map((r) => {
        const old = original.get(r.urn) ?? {};
        if (JSON.stringify(old) === JSON.stringify(r.inputs)) {
            return r;
        }
        const computed = Object.fromEntries(Object.entries(r.outputs ?? {}).filter(([k]) => !(k in old)));
        return { ...r, outputs: { ...computed, ...JSON.parse(JSON.stringify(r.inputs)) } };
    });
}

export function find(resources: Res[], type: string, name: string): Res {
    const r = resources.find((x) => x.type === type && x.urn.endsWith(`::${name}`));
    if (!r) {
        throw new Error(`no ${type} named ${name} in the prod plan`);
    }
    return r;
}

/** Appends a statement to a resource's policy document (JSON string) input. */
export function addStatement(rs: Res[], r: Res, prop: string, statement: Record<string, unknown>): Res[] {
    const doc = JSON.parse(r.inputs[prop]);
    doc.Statement = [...[doc.Statement].flat(), statement];
    r.inputs[prop] = JSON.stringify(doc);
    return rs;
}
