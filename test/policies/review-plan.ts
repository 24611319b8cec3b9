// The prod plan as stack policies see it, and edits of a copy of it: the outside review's breaks are applied to
// the real plan so a policy is judged on what the program builds, not on a hand-made fixture.
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { plain } from "../harness/program";

export type Rec = Record<string, any>;

/** Stack-policy view of the plan: outputs as props, dependencies linked as resource objects (as the engine does). */
export function stackView(resources: RecordedResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const list = resources.map((r) => {
        const pr = {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: plain<Rec>(r.outputs),
            dependencies: [] as PolicyResource[],
            propertyDependencies: {},
            opts: {},
        } as unknown as PolicyResource;
        byUrn.set(r.urn, pr);
        return pr;
    });
    resources.forEach((r, i) => {
        list[i].dependencies = ((r as { dependencies?: string[] }).dependencies ?? [])
            .map((u) => byUrn.get(u))
            .filter((d): d is PolicyResource => d !== undefined);
    });
    return list;
}

/** Messages of the stack policies on these records. */
export function stackViolations(policies: StackValidationPolicy[], resources: RecordedResource[]): string[] {
    const out: string[] = [];
    const view = stackView(resources);
    for (const policy of policies) {
        const args = { resources: view, stackTags: new Map(), getConfig: () => ({}) } as unknown as StackValidationArgs;
        void policy.validateStack(args, (m) => out.push(`${policy.name}: ${m}`));
    }
    return out;
}

export const copy = (run: ProgramRun): RecordedResource[] => JSON.parse(JSON.stringify(run.resources));

export const find = (rs: RecordedResource[], type: string, name: string) => {
    const r = rs.find((x) => x.type === type && x.name === name);
    if (!r) {
        throw new Error(`no ${type} ${name}`);
    }
    return r as RecordedResource & { inputs: Rec; outputs: Rec };
};

/** A changed input shows in the outputs too (stack policies read those). */
export const set = (r: { inputs: Rec; outputs: Rec }, apply: (props: Rec) => void) => {
    apply(r.inputs);
    apply(r.outputs);
};

/** Edit a JSON-string property (a document's content, a policy, an event pattern) on inputs and outputs. */
export const editJson = (r: { inputs: Rec; outputs: Rec }, prop: string, apply: (doc: Rec) => void) =>
    set(r, (p) => {
        const d = JSON.parse(String(p[prop])) as Rec;
        apply(d);
        p[prop] = JSON.stringify(d);
    });
