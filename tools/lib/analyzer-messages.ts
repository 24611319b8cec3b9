// The engine's Analyze and AnalyzeStack request messages (the SDK's generated analyzer_pb classes) for a plan's
// resources, and the state values they carry.
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { UsageError } from "./errors";
import { SECRET_SIG, SIG_KEY } from "./program";
import { StateResource } from "./state";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");

const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const BYTE_STRING_SIG = "803fd3297a5875dc03ca845dda5d2a98";
const SPECIAL_NUMBER_SIG = "8ad145fe-0d11-4827-bfd7-1abcbf086f5c";

/** The URN's name: everything after the third `::` (a name may itself contain `::`). */
export function nameOf(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

/** Messages built for resources, kept per resource object: variants of one plan share the unchanged ones. */
export interface MessageCache {
    /** A provider's AnalyzerProviderResource, shared by the requests that name it. */
    providers: WeakMap<StateResource, unknown>;
    /** A resource's AnalyzerResource (AnalyzeStack). */
    resources: WeakMap<StateResource, unknown>;
}

export function messageCache(): MessageCache {
    return { providers: new WeakMap(), resources: new WeakMap() };
}

/** The engine's Analyze and AnalyzeStack request messages for a plan's resources. */
export class Requests {
    private readonly byUrn: Map<string, StateResource>;

    constructor(
        resources: StateResource[],
        private readonly cache: MessageCache = messageCache(),
    ) {
        this.byUrn = new Map(resources.map((r) => [r.urn, r]));
    }

    analyze(r: StateResource): unknown {
        const req = common(new analyzerPb.AnalyzeRequest(), r, r.inputs);
        const provider = this.providerMessage(r);
        if (provider) {
            req.setProvider(provider);
        }
        return req;
    }

    analyzeStack(resources: StateResource[]): unknown {
        const req = new analyzerPb.AnalyzeStackRequest();
        req.setResourcesList(resources.map((r) => this.resourceMessage(r)));
        return req;
    }

    private resourceMessage(r: StateResource): unknown {
        const provider = this.providerMessage(r);
        const known = this.cache.resources.get(r) as { getProvider(): unknown } | undefined;
        // A message is reused only with the same provider message (a variant may change the provider).
        if (known && known.getProvider() === provider) {
            return known;
        }
        const ar = common(new analyzerPb.AnalyzerResource(), r, r.outputs);
        if (r.parent) {
            ar.setParent(r.parent);
        }
        ar.setDependenciesList(r.dependencies);
        const pd = ar.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies)) {
            const d = new analyzerPb.AnalyzerPropertyDependencies();
            d.setUrnsList(urns);
            pd.set(k, d);
        }
        if (provider) {
            ar.setProvider(provider);
        }
        this.cache.resources.set(r, ar);
        return ar;
    }

    /** The provider message of `r` (none for a resource of a default provider the state does not list). */
    private providerMessage(r: StateResource): unknown {
        const p = r.provider ? this.byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
        if (!p) {
            return undefined;
        }
        let msg = this.cache.providers.get(p);
        if (!msg) {
            const m = new analyzerPb.AnalyzerProviderResource();
            m.setType(p.type);
            m.setName(nameOf(p.urn));
            m.setUrn(p.urn);
            m.setProperties(toStruct(p.inputs, p.urn));
            this.cache.providers.set(p, m);
            msg = m;
        }
        return msg;
    }
}

function options(r: StateResource): unknown {
    const o = new analyzerPb.AnalyzerResourceOptions();
    o.setProtect(r.protect);
    o.setIgnorechangesList(r.ignoreChanges);
    o.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
    if (r.parent) {
        o.setParent(r.parent);
    }
    return o;
}

/** State values → analyzer wire values: secrets as {sig, value}, resource references as their id / URN. */
export function toWire(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(toWire);
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        const sig = obj[SIG_KEY];
        if (sig === SECRET_SIG) {
            if ("value" in obj) {
                return { [SIG_KEY]: SECRET_SIG, value: toWire(obj.value) };
            }
            let plain: unknown = "[secret]";
            if (typeof obj.plaintext === "string") {
                try {
                    plain = JSON.parse(obj.plaintext);
                } catch {
                    plain = obj.plaintext;
                }
            }
            return { [SIG_KEY]: SECRET_SIG, value: toWire(plain) };
        }
        if (sig === RESOURCE_REF_SIG) {
            return (obj.id as string) || (obj.urn as string);
        }
        if (sig === BYTE_STRING_SIG && typeof obj.value === "string") {
            return Buffer.from(obj.value, "base64").toString("utf8");
        }
        if (sig === SPECIAL_NUMBER_SIG && typeof obj.value === "string" && /^[0-9a-f]{16}$/i.test(obj.value)) {
            return Buffer.from(obj.value, "hex").readDoubleBE(0);
        }
        if (sig !== undefined && sig !== ASSET_SIG && sig !== ARCHIVE_SIG) {
            // The engine cannot deserialize such a state either; the pack's server would fail the whole RPC.
            throw new UsageError(`unrecognized signature '${String(sig)}' in a property value`);
        }
        return Object.fromEntries(
            Object.entries(obj)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, toWire(v)]),
        );
    }
    return value;
}

/** Top-level keys starting with "__" are internal and skipped, as in the engine. */
function wireProperties(props: Record<string, unknown>): Record<string, never> {
    return toWire(Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")))) as Record<
        string,
        never
    >;
}

function toStruct(props: Record<string, unknown>, urn: string): Struct {
    try {
        return Struct.fromJavaScript(wireProperties(props));
    } catch (e) {
        throw new UsageError(`${urn}: ${(e as Error).message}`);
    }
}

/** The fields an AnalyzeRequest and an AnalyzerResource share, set from a state resource and its properties. */
function common<
    M extends {
        setType(v: string): void;
        setName(v: string): void;
        setUrn(v: string): void;
        setProperties(v: unknown): void;
        setOptions(v: unknown): void;
    },
>(msg: M, r: StateResource, props: Record<string, unknown>): M {
    msg.setType(r.type);
    msg.setName(nameOf(r.urn));
    msg.setUrn(r.urn);
    msg.setProperties(toStruct(props, r.urn));
    msg.setOptions(options(r));
    return msg;
}
