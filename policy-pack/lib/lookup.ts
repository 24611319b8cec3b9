// Lookups that replace scans of the whole plan inside per-agent loops (quadratic at 1,000 agents), with the
// same results and the same failures as the scans they replace.

/**
 * The candidates of a scan for the items whose key is `key`, in their order: those with that key, and those whose
 * key could not be read (the read threw, e.g. on a value unknown during a preview). The caller applies its own
 * test to them, so it meets the same items as a scan of all, in the same order, and throws where the scan would.
 * The caller's test must read the key first and fail, without other reads, on any other key.
 */
export function candidatesBy<T, K>(items: readonly T[], keyOf: (item: T) => K): (key: K) => T[] {
    const at = new Map<K, number[]>();
    const unreadable: number[] = [];
    items.forEach((item, i) => {
        let k: K;
        try {
            k = keyOf(item);
        } catch {
            unreadable.push(i);
            return;
        }
        const list = at.get(k);
        if (list) {
            list.push(i);
        } else {
            at.set(k, [i]);
        }
    });
    return (key) => {
        const found = at.get(key) ?? [];
        const positions = unreadable.length === 0 ? found : [...found, ...unreadable].sort((a, b) => a - b);
        return positions.map((i) => items[i]);
    };
}
