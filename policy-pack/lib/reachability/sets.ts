// Address classes and port sets, and their arithmetic.

import { parseCidr } from "../cidr";
import { Ports, Proto, PROTOS, Range } from "./model";

/** A set of addresses as sorted disjoint integer intervals. */
export type Addrs = Range[];

const single = new Map<string, Addrs>();

export function addrs(cidrs: string[]): Addrs {
    if (cidrs.length === 1) {
        // Rules repeat the same few blocks: parse each once.
        const hit = single.get(cidrs[0]) ?? parseAll(cidrs);
        single.set(cidrs[0], hit);
        return hit.map((r) => [r[0], r[1]] as Range);
    }
    return parseAll(cidrs);
}

function parseAll(cidrs: string[]): Addrs {
    return normalise(
        cidrs.flatMap((c) => {
            try {
                const p = parseCidr(c);
                return [[p.first, p.last] as Range];
            } catch {
                return [];
            }
        }),
    );
}

function normalise(rs: Range[]): Range[] {
    const s = [...rs].sort((a, b) => a[0] - b[0]);
    const out: Range[] = [];
    for (const r of s) {
        const last = out[out.length - 1];
        if (last && r[0] <= last[1] + 1) {
            last[1] = Math.max(last[1], r[1]);
        } else {
            out.push([r[0], r[1]]);
        }
    }
    return out;
}

export function minus(a: Addrs, b: Addrs): Addrs {
    let out = a.map((r) => [r[0], r[1]] as Range);
    for (const [bf, bl] of b) {
        out = out.flatMap(([f, l]) => {
            if (bl < f || bf > l) {
                return [[f, l] as Range];
            }
            const parts: Range[] = [];
            if (bf > f) {
                parts.push([f, bf - 1]);
            }
            if (bl < l) {
                parts.push([bl + 1, l]);
            }
            return parts;
        });
    }
    return out;
}

export function intersects(a: Addrs, b: Addrs): boolean {
    return a.some(([f, l]) => b.some(([bf, bl]) => f <= bl && bf <= l));
}

export function within(a: Addrs, b: Addrs): boolean {
    return minus(a, b).length === 0;
}

// --- Port sets ------------------------------------------------------------------------------------------

export function emptyPorts(): Ports {
    return { tcp: [], udp: [], icmp: [] };
}

export function isEmpty(p: Ports): boolean {
    return PROTOS.every((x) => p[x].length === 0);
}

export function addPorts(p: Ports, protos: Proto[], from: number, to: number): void {
    for (const x of protos) {
        p[x] = normalise([...p[x], [from, to]]);
    }
}

export function intersectPorts(a: Ports, b: Ports): Ports {
    const out = emptyPorts();
    for (const x of PROTOS) {
        for (const [f, l] of a[x]) {
            for (const [bf, bl] of b[x]) {
                if (f <= bl && bf <= l) {
                    out[x].push([Math.max(f, bf), Math.min(l, bl)]);
                }
            }
        }
        out[x] = normalise(out[x]);
    }
    return out;
}

export function unionPorts(a: Ports, b: Ports): Ports {
    const out = emptyPorts();
    for (const x of PROTOS) {
        out[x] = normalise([...a[x], ...b[x]]);
    }
    return out;
}

export function minusPorts(a: Ports, b: Ports): Ports {
    const out = emptyPorts();
    for (const x of PROTOS) {
        out[x] = minus(a[x], b[x]);
    }
    return out;
}

export function portsFrom(list: { protocol: Proto; from: number; to?: number }[]): Ports {
    const p = emptyPorts();
    list.forEach((e) => addPorts(p, [e.protocol], e.from, e.to ?? e.from));
    return p;
}

export function describePorts(p: Ports): string {
    return PROTOS.filter((x) => p[x].length)
        .map((x) =>
            x === "icmp"
                ? "icmp"
                : `${x} ${p[x].map(([f, l]) => (f === l ? `${f}` : f === 0 && l === 65535 ? "all" : `${f}-${l}`)).join(",")}`,
        )
        .join("; ");
}
