/**
 * The steps an SSM Automation document runs for one set of parameter values: branches are decided by their
 * Choices ("aws:branch" in the Automation actions reference: the first Choice that holds, else Default, else
 * the execution fails) when the variable is a known parameter; an unknown variable (a step output) forks, and a
 * duty must then be done on every fork. Steps run in order unless nextStep, isEnd stops; an aws:loop's steps
 * run. Parameters the caller does not supply take the document's defaults.
 */

import { StepCall, stepActions } from "./automation";

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const objs = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(obj) : []);

/** At most this many forks are followed; beyond it the document is judged by the forks seen. */
const MAX_PATHS = 64;

export interface DocumentModel {
    /** Declared parameters: default (undefined when none) and allowedPattern. */
    parameters: Record<string, { default?: unknown; allowedPattern?: string }>;
    mainSteps: Rec[];
}

export function readDocument(content: unknown): DocumentModel | undefined {
    try {
        const doc = obj(typeof content === "string" ? JSON.parse(content) : content);
        if (!Array.isArray(doc.mainSteps)) {
            return undefined;
        }
        const parameters = Object.fromEntries(
            Object.entries(obj(doc.parameters)).map(([k, v]) => {
                const p = obj(v);
                return [
                    k,
                    {
                        default: p.default,
                        allowedPattern: typeof p.allowedPattern === "string" ? p.allowedPattern : undefined,
                    },
                ];
            }),
        );
        return { parameters, mainSteps: objs(doc.mainSteps) };
    } catch {
        return undefined;
    }
}

/** `{{ Name }}` replaced by the parameter's value; undefined when it names something else (a step output). */
function resolveText(text: string, values: Record<string, string>): string | undefined {
    let unknown = false;
    const out = text.replace(/\{\{\s*([\w.:]+)\s*\}\}/g, (m, name: string) => {
        if (name in values) {
            return values[name];
        }
        unknown = true;
        return m;
    });
    return unknown ? undefined : out;
}

/** A step's inputs with every known parameter substituted (unknown references are kept as written). */
export function resolveInputs(v: unknown, values: Record<string, string>): unknown {
    if (typeof v === "string") {
        return v.replace(/\{\{\s*([\w.:]+)\s*\}\}/g, (m, name: string) => (name in values ? values[name] : m));
    }
    if (Array.isArray(v)) {
        return v.map((x) => resolveInputs(x, values));
    }
    if (v && typeof v === "object") {
        return Object.fromEntries(Object.entries(v as Rec).map(([k, x]) => [k, resolveInputs(x, values)]));
    }
    return v;
}

const OPS: Record<string, (a: string, b: unknown) => boolean> = {
    StringEquals: (a, b) => a === String(b),
    EqualsIgnoreCase: (a, b) => a.toLowerCase() === String(b).toLowerCase(),
    StartsWith: (a, b) => a.startsWith(String(b)),
    EndsWith: (a, b) => a.endsWith(String(b)),
    Contains: (a, b) => a.includes(String(b)),
    NumericEquals: (a, b) => Number(a) === Number(b),
    NumericGreater: (a, b) => Number(a) > Number(b),
    NumericLesser: (a, b) => Number(a) < Number(b),
    NumericGreaterOrEquals: (a, b) => Number(a) >= Number(b),
    NumericLesserOrEquals: (a, b) => Number(a) <= Number(b),
    BooleanEquals: (a, b) => a.toLowerCase() === String(b).toLowerCase(),
};

/** Whether a Choice holds: true / false, or undefined when it depends on something not known here. */
function holds(choice: Rec, values: Record<string, string>): boolean | undefined {
    if (Array.isArray(choice.And)) {
        const r = objs(choice.And).map((c) => holds(c, values));
        return r.includes(false) ? false : r.includes(undefined) ? undefined : true;
    }
    if (Array.isArray(choice.Or)) {
        const r = objs(choice.Or).map((c) => holds(c, values));
        return r.includes(true) ? true : r.includes(undefined) ? undefined : false;
    }
    if (choice.Not !== undefined) {
        const r = holds(obj(choice.Not), values);
        return r === undefined ? undefined : !r;
    }
    const variable = typeof choice.Variable === "string" ? resolveText(choice.Variable, values) : undefined;
    const op = Object.keys(OPS).find((k) => k in choice);
    if (variable === undefined || op === undefined) {
        return undefined;
    }
    return OPS[op](variable, choice[op]);
}

/**
 * The calls of each way through the document for these parameter values (inputs resolved). Supplied values
 * win over the document's defaults; a parameter with neither stays unresolved.
 */
export function pathsFor(doc: DocumentModel, supplied: Record<string, string>): StepCall[][] {
    const values: Record<string, string> = {};
    for (const [k, p] of Object.entries(doc.parameters)) {
        if (k in supplied) {
            values[k] = supplied[k];
        } else if (p.default !== undefined) {
            values[k] = Array.isArray(p.default) ? String(p.default[0] ?? "") : String(p.default);
        }
    }
    const callsOf = (s: Rec): StepCall[] => [
        ...stepActions(s).map((a) => ({ ...a, step: String(s.name), inputs: resolveInputs(a.inputs, values) as Rec })),
        ...(s.action === "aws:loop" ? objs(obj(s.inputs).Steps).flatMap(callsOf) : []),
    ];
    const steps = doc.mainSteps;
    const index = new Map(steps.map((s, i) => [String(s.name), i] as const));
    const done: StepCall[][] = [];
    // Each pending way: next step index, calls so far, steps visited (a cycle ends the way).
    const todo: { at: number | undefined; calls: StepCall[]; seen: Set<number> }[] = [
        { at: steps.length > 0 ? 0 : undefined, calls: [], seen: new Set() },
    ];
    while (todo.length > 0 && done.length + todo.length <= MAX_PATHS) {
        const way = todo.pop() as (typeof todo)[number];
        if (way.at === undefined || way.at >= steps.length || way.seen.has(way.at)) {
            done.push(way.calls);
            continue;
        }
        const s = steps[way.at];
        const seen = new Set(way.seen).add(way.at);
        const calls = [...way.calls, ...callsOf(s)];
        const go = (name: unknown) => ({ at: index.get(String(name)) ?? steps.length, calls, seen });
        if (s.action === "aws:branch") {
            const inputs = obj(s.inputs);
            const next: unknown[] = [];
            let decided = false;
            for (const c of objs(inputs.Choices)) {
                const h = holds(c, values);
                if (h === true) {
                    next.push(c.NextStep);
                    decided = true;
                    break;
                }
                if (h === undefined) {
                    next.push(c.NextStep);
                }
            }
            if (!decided && inputs.Default !== undefined) {
                next.push(inputs.Default);
            }
            if (next.length === 0) {
                done.push(calls); // no Choice holds and no Default: the execution fails here
            }
            [...new Set(next.map(String))].forEach((n) => todo.push(go(n)));
            continue;
        }
        if (s.isEnd === true) {
            done.push(calls);
        } else if (typeof s.nextStep === "string") {
            todo.push(go(s.nextStep));
        } else {
            todo.push({ at: way.at + 1, calls, seen });
        }
    }
    return [...done, ...todo.map((w) => w.calls)];
}
