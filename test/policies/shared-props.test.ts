import { AnalyzerSession } from "../../tools/lib/analyzer";
import { audit, PACK_DIR } from "../../tools/lib/audit";
import { plannedState } from "../harness/state";

// The pack's server hands every policy of a request the same props object per resource
// (policy-pack/lib/decode-once.ts, deserializeOnce) instead of a deep copy per policy. That is only sound while no
// policy changes the props it reads: audit both shipped plans, every policy running, and compare each shared
// copy afterwards with a description taken when it was first handed out (every key, undefined and NaN values,
// assets' classes), and check that none of its objects was frozen, sealed or made non-extensible.
describe("props shared by the policies of a request", () => {
    it.each(["dev", "prod"] as const)("are not modified by any policy (%s plan)", async (stack) => {
        const state = await plannedState(stack);
        const session = AnalyzerSession.start(PACK_DIR, {
            stack,
            project: "multi-agent-security",
            launcher: "in-process",
        });
        await session;
        // The deserialize module of the pack's own @pulumi/policy, as the pack patched it.
        const policyDir = require("path").dirname(
            require.resolve("@pulumi/policy/package.json", { paths: [PACK_DIR] }),
        );
        const mod = require(require("path").join(policyDir, "deserialize")) as {
            deserializeProperties(struct: object, proxySecrets: boolean): Record<string, unknown>;
        };
        const shared = mod.deserializeProperties;
        const handedOut = new Map<Record<string, unknown>, unknown>();
        let calls = 0;
        mod.deserializeProperties = (struct, proxySecrets) => {
            calls++;
            const props = shared(struct, proxySecrets);
            if (!proxySecrets && !handedOut.has(props)) {
                handedOut.set(props, fingerprint(props));
            }
            return props;
        };
        try {
            const report = await audit(state, { stack, policyConfig: { all: "mandatory" }, session });
            expect(report.summary.policies).toBeGreaterThan(90);
        } finally {
            mod.deserializeProperties = shared;
        }
        // One copy per resource (and per provider message), handed to each policy: far fewer copies than calls.
        expect(handedOut.size).toBeGreaterThanOrEqual(state.resources.length);
        expect(calls).toBeGreaterThan(20 * handedOut.size);
        const changed = [...handedOut].filter(([props, first]) => fingerprint(props) !== first || locked(props));
        expect(changed.map(([, first]) => String(first).slice(0, 200))).toEqual([]);
    });
});

/** Every key and value of `value`, deeply, in a string (JSON would drop undefined, NaN and classes). */
function fingerprint(value: unknown): string {
    if (value === null || typeof value !== "object") {
        return typeof value === "string" ? JSON.stringify(value) : `${typeof value}:${String(value)}`;
    }
    if (value instanceof Promise) {
        return "promise";
    }
    const body = Reflect.ownKeys(value)
        .map((k) => {
            const d = Object.getOwnPropertyDescriptor(value, k) as PropertyDescriptor;
            const flags = `${d.writable ? "w" : ""}${d.enumerable ? "e" : ""}${d.configurable ? "c" : ""}`;
            return `${String(k)}/${flags}=${"value" in d ? fingerprint(d.value) : "accessor"}`;
        })
        .sort();
    return `${(value as object).constructor?.name ?? "null"}{${body.join(",")}}`;
}

/** Whether `value` or any object inside it is frozen, sealed or not extensible. */
function locked(value: unknown): boolean {
    if (!value || typeof value !== "object") {
        return false;
    }
    return !Object.isExtensible(value) || Object.values(value).some(locked);
}
