import * as fs from "fs";
import { parseJson } from "./files";
import { UsageError } from "./errors";

/** A resource as the audit sees it, from a stack export or a preview's steps. */
export interface StateResource {
    urn: string;
    type: string;
    custom: boolean;
    id?: string;
    parent?: string;
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    additionalSecretOutputs: string[];
    ignoreChanges: string[];
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

export interface LoadedState {
    format: "stack-export" | "preview-json";
    stack?: string;
    project?: string;
    resources: StateResource[];
}

function isObject(v: unknown): v is Record<string, unknown> {
    return !!v && typeof v === "object" && !Array.isArray(v);
}

function toResource(raw: unknown, where: string): StateResource {
    if (!isObject(raw) || typeof raw.urn !== "string" || typeof raw.type !== "string") {
        throw new UsageError(`${where}: a resource needs string 'urn' and 'type'`);
    }
    if (!/^urn:pulumi:[^:]+::[^:]+::.+::.*$/.test(raw.urn)) {
        throw new UsageError(`${where}: '${raw.urn}' is not a Pulumi URN`);
    }
    const pd = isObject(raw.propertyDependencies) ? raw.propertyDependencies : {};
    return {
        urn: raw.urn,
        type: raw.type,
        custom: raw.custom === true,
        ...(typeof raw.id === "string" && raw.id ? { id: raw.id } : {}),
        ...(typeof raw.parent === "string" && raw.parent ? { parent: raw.parent } : {}),
        ...(typeof raw.provider === "string" && raw.provider ? { provider: raw.provider } : {}),
        dependencies: Array.isArray(raw.dependencies) ? (raw.dependencies as string[]) : [],
        propertyDependencies: Object.fromEntries(
            Object.entries(pd).map(([k, v]) => [k, Array.isArray(v) ? (v as string[]) : []]),
        ),
        protect: raw.protect === true,
        retainOnDelete: raw.retainOnDelete === true,
        additionalSecretOutputs: Array.isArray(raw.additionalSecretOutputs)
            ? (raw.additionalSecretOutputs as string[])
            : [],
        ignoreChanges: Array.isArray(raw.ignoreChanges) ? (raw.ignoreChanges as string[]) : [],
        inputs: isObject(raw.inputs) ? raw.inputs : {},
        outputs: isObject(raw.outputs) ? raw.outputs : {},
    };
}

/** Parses a `pulumi stack export` file or `pulumi preview --json` output; UsageError when it is neither. */
export function parseState(text: string, file: string): LoadedState {
    const doc = parseJson(text, file);
    return parseDocument(doc, file);
}

/** The stack and project of a URN (`urn:pulumi:<stack>::<project>::...`). */
export function urnScope(urn: string): { stack: string; project: string } | undefined {
    const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
    return m ? { stack: m[1], project: m[2] } : undefined;
}

/** Every resource of one document must belong to one stack of one project, as in anything the CLI writes. */
function scopeOf(resources: StateResource[], file: string): { stack?: string; project?: string } {
    const first = resources[0] ? urnScope(resources[0].urn) : undefined;
    for (const r of resources) {
        const s = urnScope(r.urn);
        if (s && first && (s.stack !== first.stack || s.project !== first.project)) {
            throw new UsageError(
                `${file} mixes stacks or projects: ${r.urn} is not in stack '${first.stack}' of project '${first.project}'`,
            );
        }
    }
    return first ?? {};
}

/** A parsed JSON document (see parseState). */
export function parseDocument(doc: unknown, file: string): LoadedState {
    if (isObject(doc) && isObject(doc.deployment) && typeof doc.version === "number") {
        if (doc.version < 3 || doc.version > 4) {
            throw new UsageError(`${file}: unsupported deployment version ${doc.version} (expected 3 or 4)`);
        }
        const raw = doc.deployment.resources ?? [];
        if (!Array.isArray(raw)) {
            throw new UsageError(`${file}: deployment.resources must be a list`);
        }
        // As `pulumi policy analyze`: resources pending deletion (`delete: true`) are skipped, and
        // `pending_operations` (interrupted creates / updates / deletes) are not part of the snapshot's resources.
        const resources = raw
            .map((r, i) => [r, i] as const)
            .filter(([r]) => !(isObject(r) && r.delete === true))
            .map(([r, i]) => toResource(r, `${file}: deployment.resources[${i}]`));
        return { format: "stack-export", ...scopeOf(resources, file), resources };
    }
    if (isObject(doc) && Array.isArray(doc.steps)) {
        hiddenSames(doc, file);
        // A replacement shows one URN in several steps (create-replacement, replace): analyze it once.
        const byUrn = new Map<string, StateResource>();
        doc.steps.forEach((step, i) => {
            if (!isObject(step)) {
                throw new UsageError(`${file}: steps[${i}] is not an object`);
            }
            const op = step.op;
            if (
                op === "delete" ||
                op === "delete-replaced" ||
                op === "discard" ||
                op === "discard-replaced" ||
                op === "remove-pending-replace"
            ) {
                return;
            }
            const key = step.newState != null ? "newState" : "oldState";
            if (step[key] == null) {
                return;
            }
            const r = toResource(step[key], `${file}: steps[${i}].${key}`);
            byUrn.set(r.urn, r);
        });
        const resources = [...byUrn.values()];
        return { format: "preview-json", ...scopeOf(resources, file), resources };
    }
    throw new UsageError(
        `${file} is neither a 'pulumi stack export' file ({version, deployment}) nor 'pulumi preview --json' output ({steps})`,
    );
}

/**
 * `pulumi preview --json` lists unchanged resources only with `--show-sames` (the root stack's step is always
 * there). Without them the audit would see a fraction of the stack and report the rest as missing, so such a
 * preview is rejected: its changeSummary counts the unchanged resources the steps leave out.
 */
function hiddenSames(doc: Record<string, unknown>, file: string): void {
    const steps = doc.steps as unknown[];
    const sameSteps = steps.filter((s) => isObject(s) && s.op === "same").length;
    const summary = isObject(doc.changeSummary) ? doc.changeSummary : {};
    const counted = typeof summary.same === "number" ? summary.same : undefined;
    const onlyRoot =
        steps.length === 1 &&
        isObject(steps[0]) &&
        steps[0].op === "same" &&
        isObject(steps[0].newState) &&
        steps[0].newState.type === "pulumi:pulumi:Stack";
    if ((counted !== undefined && counted > sameSteps) || (counted === undefined && onlyRoot)) {
        const missing = counted !== undefined ? `${counted - sameSteps} unchanged resources` : "unchanged resources";
        throw new UsageError(
            `${file} is a 'pulumi preview --json' without --show-sames: it leaves out ${missing}, which the audit would report as missing; run 'pulumi preview --json --show-sames'`,
        );
    }
}

/**
 * Checks that a state file belongs to the stack (and project) the command was told: a report on another
 * stack's resources under this stack's policy config would be wrong without anyone noticing.
 */
export function checkScope(state: LoadedState, file: string, expected: { stack: string; project?: string }): void {
    if (state.stack !== undefined && state.stack !== expected.stack) {
        throw new UsageError(`${file} holds stack '${state.stack}', not --stack ${expected.stack}`);
    }
    if (expected.project && state.project !== undefined && state.project !== expected.project) {
        throw new UsageError(`${file} holds project '${state.project}', not this project '${expected.project}'`);
    }
}

/** True when nothing is deployed: no resources, or only the root stack (a stack after `pulumi destroy`). */
export function isEmptyState(state: LoadedState): boolean {
    return state.resources.every((r) => r.type === "pulumi:pulumi:Stack" || r.type.startsWith("pulumi:providers:"));
}

export function readState(file: string): LoadedState {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return parseState(text, file);
}
