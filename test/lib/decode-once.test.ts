import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { decodeOnce, deserializeOnce } from "../../policy-pack/lib/decode-once";

// The pack's server converts a message's properties once however many policies read them (lib/decode-once.ts);
// the audit's in-process launcher patches its own copy of the message classes the same way.
describe("decodeOnce", () => {
    const pb = require("@pulumi/pulumi/proto/analyzer_pb");

    function request(): { getProperties(): Struct } {
        const m = new pb.AnalyzeRequest();
        m.setProperties(Struct.fromJavaScript({ cidrBlock: "10.0.1.0/24", tags: { segment: "agent" } }));
        return m;
    }

    it("converts each message's properties once, to the same value", () => {
        const before = request();
        // Unpatched, every read converts again into a fresh object.
        expect(before.getProperties().toJavaScript()).not.toBe(before.getProperties().toJavaScript());
        decodeOnce(pb);
        const m = request();
        const first = m.getProperties().toJavaScript();
        expect(first).toEqual({ cidrBlock: "10.0.1.0/24", tags: { segment: "agent" } });
        expect(m.getProperties().toJavaScript()).toBe(first);
        // Another message keeps its own conversion.
        expect(request().getProperties().toJavaScript()).not.toBe(first);
    });

    it("patches another copy of the classes on its own, and each copy once", () => {
        let conversions = 0;
        const struct = { toJavaScript: () => ({ n: ++conversions }) };
        class AnalyzerResource {
            getProperties() {
                return Object.create(struct) as typeof struct;
            }
        }
        const copy = { AnalyzerResource };
        decodeOnce(copy);
        const patched = AnalyzerResource.prototype.getProperties;
        decodeOnce(copy);
        expect(AnalyzerResource.prototype.getProperties).toBe(patched);
        const s = new AnalyzerResource().getProperties();
        expect([s.toJavaScript(), s.toJavaScript()]).toEqual([{ n: 1 }, { n: 1 }]);
        expect(conversions).toBe(1);
    });
});

describe("deserializeOnce", () => {
    function deserializeModule() {
        let copies = 0;
        const mod = {
            deserializeProperties: (struct: { toJavaScript(): unknown }, proxySecrets: boolean) => {
                copies++;
                const v = struct.toJavaScript() as Record<string, unknown>;
                if ("bad" in v) {
                    throw new Error("Unrecognized signature");
                }
                return { ...v, proxySecrets };
            },
        };
        return { mod, copies: () => copies };
    }

    it("hands out one copy per Struct for validation, and a fresh one to each remediation", () => {
        const { mod, copies } = deserializeModule();
        deserializeOnce(mod);
        const a = { toJavaScript: () => ({ port: 443 }) };
        const b = { toJavaScript: () => ({ port: 443 }) };
        const first = mod.deserializeProperties(a, false);
        expect(first).toEqual({ port: 443, proxySecrets: false });
        expect(mod.deserializeProperties(a, false)).toBe(first);
        expect(mod.deserializeProperties(b, false)).not.toBe(first);
        expect(copies()).toBe(2);
        const remediation = mod.deserializeProperties(a, true);
        expect(remediation).toEqual({ port: 443, proxySecrets: true });
        expect(mod.deserializeProperties(a, true)).not.toBe(remediation);
        expect(copies()).toBe(4);
    });

    it("keeps no failed conversion, and patches a module once", () => {
        const { mod, copies } = deserializeModule();
        deserializeOnce(mod);
        const patched = mod.deserializeProperties;
        deserializeOnce(mod);
        expect(mod.deserializeProperties).toBe(patched);
        const bad = { toJavaScript: () => ({ bad: true }) };
        expect(() => mod.deserializeProperties(bad, false)).toThrow("Unrecognized signature");
        expect(() => mod.deserializeProperties(bad, false)).toThrow("Unrecognized signature");
        expect(copies()).toBe(2);
    });
});
