import * as ipaddr from "ipaddr.js";

/** A parsed IPv4 CIDR block as integer bounds. */
export interface Cidr {
    text: string;
    base: number;
    prefix: number;
    /** First and last address as unsigned 32-bit integers. */
    first: number;
    last: number;
}

/** Parsed blocks (frozen) or the reason they are not: policies test the same few blocks per agent. */
const parsed = new Map<string, Readonly<Cidr> | string>();

/** Parses an IPv4 CIDR; throws with the reason when it is malformed or has host bits set. */
export function parseCidr(text: string): Readonly<Cidr> {
    if (typeof text !== "string") {
        return parseUncached(text);
    }
    let hit = parsed.get(text);
    if (hit === undefined) {
        try {
            hit = Object.freeze(parseUncached(text));
        } catch (e) {
            hit = (e as Error).message;
        }
        parsed.set(text, hit);
    }
    if (typeof hit === "string") {
        throw new Error(hit);
    }
    return hit;
}

function parseUncached(text: string): Cidr {
    if (!ipaddr.IPv4.isValidCIDR(text)) {
        throw new Error(`'${text}' is not an IPv4 CIDR block (a.b.c.d/n)`);
    }
    const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
    const network = ipaddr.IPv4.networkAddressFromCIDR(text);
    if (network.toString() !== addr.toString()) {
        throw new Error(`'${text}' has host bits set; the network is ${network.toString()}/${prefix}`);
    }
    const first = toInt(network);
    const size = 2 ** (32 - prefix);
    return { text, base: first, prefix, first, last: first + size - 1 };
}

export function isCidr(text: string): boolean {
    try {
        parseCidr(text);
        return true;
    } catch {
        return false;
    }
}

export function contains(outer: Readonly<Cidr> | string, inner: Readonly<Cidr> | string): boolean {
    const o = typeof outer === "string" ? parseCidr(outer) : outer;
    const i = typeof inner === "string" ? parseCidr(inner) : inner;
    return i.first >= o.first && i.last <= o.last;
}

export function overlaps(a: Readonly<Cidr> | string, b: Readonly<Cidr> | string): boolean {
    const x = typeof a === "string" ? parseCidr(a) : a;
    const y = typeof b === "string" ? parseCidr(b) : b;
    return x.first <= y.last && y.first <= x.last;
}

/**
 * Splits `cidr` into `count` equal subnets (count rounded up to a power of two) and returns the first
 * `count` of them, so that every subnet stays inside the parent block.
 */
export function split(cidr: string, count: number): string[] {
    if (!Number.isInteger(count) || count < 1) {
        throw new Error(`cannot split ${cidr} into ${count} subnets`);
    }
    const parent = parseCidr(cidr);
    const extraBits = Math.ceil(Math.log2(count));
    const prefix = parent.prefix + extraBits;
    if (prefix > 28) {
        throw new Error(`${cidr} is too small to split into ${count} subnets of at least /28`);
    }
    const size = 2 ** (32 - prefix);
    return Array.from({ length: count }, (_, i) => `${fromInt(parent.first + i * size)}/${prefix}`);
}

/** The n-th subnet of size `/prefix` inside `cidr`. */
export function subnetAt(cidr: string, prefix: number, index: number): string {
    const parent = parseCidr(cidr);
    if (prefix < parent.prefix || prefix > 28) {
        throw new Error(`cannot carve a /${prefix} out of ${cidr}`);
    }
    const size = 2 ** (32 - prefix);
    const first = parent.first + index * size;
    if (first + size - 1 > parent.last) {
        throw new Error(`subnet ${index} of size /${prefix} falls outside ${cidr}`);
    }
    return `${fromInt(first)}/${prefix}`;
}

function toInt(addr: ipaddr.IPv4): number {
    return addr.octets.reduce((acc, octet) => acc * 256 + octet, 0);
}

function fromInt(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
