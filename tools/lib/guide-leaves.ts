import * as YAML from "yaml";

/** One requirement leaf of the guide: its stable path and the guide's value there. */
export interface GuideLeaf {
    path: string;
    value: string;
}

/** Keys that name an object in a list (`- name: agent_network`, `- type: totp`), in order of preference. */
const ID_KEYS = ["name", "type"];

function scalarText(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * The leaves of one YAML value, depth first in document order.
 * - A scalar is a leaf.
 * - A list item that is a scalar is a leaf, addressed by its value: `rules[ingress_rules]`.
 * - A list item that is an object is addressed by its `name` (else `type`) value, which is its identity,
 *   not a leaf of its own: `networks[agent_network].cidr`. When the item has no other key
 *   (`- type: totp`), the item itself is the leaf, with that value.
 * - A list item that is a one-key object whose value is an object (`- system_logs: {level, ...}`) is
 *   addressed by that key: `sources[system_logs].level`.
 * - Any other object item is addressed by its index: `rules[0].source.principals[agent.task-executor.*]`.
 */
function walk(value: unknown, path: string, out: GuideLeaf[]): void {
    if (Array.isArray(value)) {
        value.forEach((item, i) => {
            if (item === null || typeof item !== "object") {
                out.push({ path: `${path}[${scalarText(item)}]`, value: scalarText(item) });
                return;
            }
            const obj = item as Record<string, unknown>;
            const keys = Object.keys(obj);
            const idKey = ID_KEYS.find((k) => typeof obj[k] === "string");
            if (idKey) {
                const id = obj[idKey] as string;
                const rest = keys.filter((k) => k !== idKey);
                if (rest.length === 0) {
                    out.push({ path: `${path}[${id}]`, value: id });
                }
                for (const k of rest) {
                    walk(obj[k], `${path}[${id}].${k}`, out);
                }
            } else if (keys.length === 1 && obj[keys[0]] && typeof obj[keys[0]] === "object") {
                walk(obj[keys[0]], `${path}[${keys[0]}]`, out);
            } else {
                walk(obj, `${path}[${i}]`, out);
            }
        });
    } else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            walk(v, path ? `${path}.${k}` : k, out);
        }
    } else {
        out.push({ path, value: scalarText(value) });
    }
}

/** Every requirement leaf of the guide's YAML blocks (```yaml … ```), in document order. */
export function deriveGuideLeaves(markdown: string): GuideLeaf[] {
    const out: GuideLeaf[] = [];
    const block = /```yaml\n([\s\S]*?)\n```/g;
    for (let m = block.exec(markdown); m; m = block.exec(markdown)) {
        walk(YAML.parse(m[1]), "", out);
    }
    return out;
}
