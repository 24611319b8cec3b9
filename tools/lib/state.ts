import * as fs from "fs";
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
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new UsageError(`${file} is not JSON (${(e as Error).message})`);
    }
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
        const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
        const [, , stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(root?.urn ?? resources[0]?.urn ?? "") ?? [];
        return { format: "stack-export", stack, project, resources };
    }
    if (isObject(doc) && Array.isArray(doc.steps)) {
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
        const [, , stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(resources[0]?.urn ?? "") ?? [];
        return { format: "preview-json", stack, project, resources };
    }
    throw new UsageError(
        `${file} is neither a 'pulumi stack export' file ({version, deployment}) nor 'pulumi preview --json' output ({steps})`,
    );
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
