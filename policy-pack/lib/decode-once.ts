// The analyzer server of @pulumi/policy (server.js) converts a resource's properties from protobuf to
// JavaScript once per policy: AnalyzeStack converts every resource of the plan again for each stack policy,
// Analyze a resource again for each resource policy: 23.5 s of the pack's CPU for a 15,467-resource plan.
// The conversion is pure and the server deep-copies its result (deserializeProperties) before any policy
// sees it, so converting each message's properties once changes nothing but the time. The audit's in-process
// launcher patches the messages it builds the same way (decodeOnce), whichever copy of the SDK they come from.
import * as path from "path";

type Struct = { toJavaScript(): unknown };
type WithProperties = { getProperties?(): Struct | undefined };

const MESSAGES = ["AnalyzeRequest", "AnalyzerResource", "AnalyzerProviderResource"];
const wrappers = new WeakSet<object>();

/** Makes the server's messages convert their properties once; a no-op if the SDK's layout differs. */
export function decodePropertiesOnce(): void {
    try {
        // The very module the server loads: resolved from @pulumi/policy.
        const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        decodeOnce(require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] })));
    } catch {
        return;
    }
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
