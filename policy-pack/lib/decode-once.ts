// The analyzer server of @pulumi/policy (server.js) converts a resource's properties from protobuf to
// JavaScript once per policy: AnalyzeStack converts every resource of the plan again for each stack policy,
// Analyze a resource again for each resource policy: 23.5 s of the pack's CPU for a 15,467-resource plan.
// Two steps do it, each pure: Struct.toJavaScript (decodeOnce keeps its result per message) and the server's
// deserializeProperties, which deep-copies that result into the props the policies read (deserializeOnce keeps
// its result per Struct, so the policies reading one message share one copy of its props). That is sound only
// while no policy changes its props (none of this pack's does: test/policies/shared-props.test.ts audits both
// plans and compares every shared copy before and after). The audit's in-process launcher patches the
// messages it builds the same way (decodeOnce), whichever copy of the SDK they come from, and builds each
// request's own messages, as the engine's requests each decode to their own.
import * as path from "path";

type Struct = { toJavaScript(): unknown };
type Deserialize = (struct: Struct, proxySecrets: boolean) => Record<string, unknown>;
type WithProperties = { getProperties?(): Struct | undefined };

const MESSAGES = ["AnalyzeRequest", "AnalyzerResource", "AnalyzerProviderResource"];
const wrappers = new WeakSet<object>();

/** Makes the server convert each message's properties once; a no-op if the SDK's layout differs. */
export function decodePropertiesOnce(): void {
    try {
        // The very modules the server loads: resolved from @pulumi/policy.
        const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
        /* eslint-disable @typescript-eslint/no-require-imports */
        decodeOnce(require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] })));
        deserializeOnce(require(path.join(policyDir, "deserialize")));
        /* eslint-enable @typescript-eslint/no-require-imports */
    } catch {
        return;
    }
}

const deserializers = new WeakSet<object>();

/**
 * Makes @pulumi/policy's deserialize module (`mod`) return one plain copy per Struct for validation (secrets not
 * proxied): the server calls it per policy with the same message's Struct. Conversions with secrets proxied
 * (Remediate's) are left as they were: remediations return rewritten props.
 */
export function deserializeOnce(mod: { deserializeProperties?: Deserialize }): void {
    const original = mod.deserializeProperties;
    if (typeof original !== "function" || deserializers.has(original)) {
        return;
    }
    const copies = new WeakMap<object, Record<string, unknown>>();
    const wrapped: Deserialize = (struct, proxySecrets) => {
        if (proxySecrets || !struct || typeof struct !== "object") {
            return original(struct, proxySecrets);
        }
        let props = copies.get(struct);
        if (!props) {
            // A conversion that throws is not kept: the next call throws the same.
            props = original(struct, false);
            copies.set(struct, props);
        }
        return props;
    };
    deserializers.add(wrapped);
    mod.deserializeProperties = wrapped;
}

/**
 * The same for the message classes of one copy of the SDK's analyzer_pb module: a client that hands the server
 * its own messages (the audit's in-process launcher) patches its copy too, should it be another one.
 */
export function decodeOnce(pb: Record<string, { prototype: WithProperties } | undefined>): void {
    for (const name of MESSAGES) {
        const proto = pb[name]?.prototype;
        const getProperties = proto?.getProperties;
        if (!proto || typeof getProperties !== "function" || wrappers.has(getProperties)) {
            continue;
        }
        const wrapped = function (this: WithProperties) {
            const struct = getProperties.call(this);
            // An own toJavaScript: this struct is wrapped already.
            if (struct && typeof struct.toJavaScript === "function" && !Object.hasOwn(struct, "toJavaScript")) {
                const convert = struct.toJavaScript.bind(struct);
                let converted: unknown;
                let done = false;
                struct.toJavaScript = () => {
                    if (!done) {
                        converted = convert();
                        done = true;
                    }
                    return converted;
                };
            }
            return struct;
        };
        wrappers.add(wrapped);
        proto.getProperties = wrapped;
    }
}
