import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { Requests } from "../../tools/lib/analyzer";
import { SECRET_SIG, SIG_KEY } from "../../tools/lib/program";
import { parseState, StateResource } from "../../tools/lib/state";
import { stateResource } from "../harness/state";

// Over gRPC the audit writes the analyzer requests itself (tools/lib/wire.ts): the bytes must be google-protobuf's.

const STACK = "urn:pulumi:dev::multi-agent-security::pulumi:pulumi:Stack::multi-agent-security-dev";
const PROVIDER = "urn:pulumi:dev::multi-agent-security::pulumi:providers:aws::default";

function resource(urn: string, props: Record<string, unknown>, extra: Partial<StateResource> = {}): StateResource {
    return stateResource(urn, { inputs: props, outputs: props, ...extra });
}

const provider = resource(PROVIDER, { region: "eu-west-1", defaultTags: '{"tags":{"environment":"dev"}}' });

/** Bytes written directly and bytes of google-protobuf's messages, for Analyze of each resource and AnalyzeStack. */
function both(resources: StateResource[]): { direct: Buffer[]; messages: Buffer[] } {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const direct = new Requests(byUrn, true);
    const messages = new Requests(byUrn, false);
    // A request the writer cannot write goes as google-protobuf's message.
    const bytes = (m: unknown) =>
        Buffer.from(m instanceof Uint8Array ? m : (m as { serializeBinary(): Uint8Array }).serializeBinary());
    return {
        direct: [...resources.map((r) => bytes(direct.analyze(r))), bytes(direct.analyzeStack(resources))],
        messages: [...resources.map((r) => bytes(messages.analyze(r))), bytes(messages.analyzeStack(resources))],
    };
}

function expectSameBytes(resources: StateResource[]): void {
    const { direct, messages } = both(resources);
    expect(direct.map((b) => b.toString("hex"))).toEqual(messages.map((b) => b.toString("hex")));
}

describe("analyzer requests written directly", () => {
    it("are google-protobuf's bytes for values of every kind, options, dependencies and providers", () => {
        const long = "x".repeat(20_000);
        const props = {
            zeta: 1,
            alpha: [0, -0, NaN, Infinity, -Infinity, 1.5, 2 ** 53, 5e-324, -1e300],
            empty: {},
            list: [[], [[]], {}, null, true, false, ""],
            text: "plain, é, 日本",
            long,
            nested: { b: { [long.slice(0, 200)]: [long] }, a: null, é: 1, E: 2, _: 3 },
            secret: { [SIG_KEY]: SECRET_SIG, value: { inner: [1, "two"] } },
            plaintext: { [SIG_KEY]: SECRET_SIG, plaintext: '{"k":"v"}' },
            ref: { [SIG_KEY]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:x", id: "" },
            gone: undefined,
            __internal: "dropped",
        };
        expectSameBytes([
            resource(STACK, {}),
            provider,
            resource("urn:pulumi:dev::multi-agent-security::aws:s3/bucket:Bucket::b", props, {
                provider: `${PROVIDER}::00000000-0000-0000-0000-000000000000`,
                parent: STACK,
                protect: true,
                ignoreChanges: ["tags", "policy"],
                additionalSecretOutputs: ["secret"],
                dependencies: [PROVIDER, STACK],
                propertyDependencies: { zeta: [STACK], alpha: [], bucket: [PROVIDER, STACK] },
            }),
        ]);
    });

    it("fall back to google-protobuf's messages for strings with UTF-16 surrogates", () => {
        expectSameBytes([
            resource("urn:pulumi:dev::multi-agent-security::aws:s3/bucket:Bucket::emoji", { tag: "🙂", "🔑": 1 }),
            resource("urn:pulumi:dev::multi-agent-security::aws:s3/bucket:Bucket::lone", { tag: "\ud800x" }),
            resource("urn:pulumi:dev::multi-agent-security::aws:s3/bucket:Bucket::fine", { tag: "ok" }),
        ]);
    });

    it("fail as the messages do on a value a Struct cannot hold", () => {
        const bad = resource("urn:pulumi:dev::multi-agent-security::aws:s3/bucket:Bucket::bad", {
            list: [1, undefined],
        });
        const odd = resource("urn:pulumi:dev::multi-agent-security::aws:s3/bucket:Bucket::odd", {
            v: { [SIG_KEY]: "0123" },
        });
        for (const r of [bad, odd]) {
            const byUrn = new Map([[r.urn, r]]);
            const error = (bytes: boolean) => {
                try {
                    new Requests(byUrn, bytes).analyze(r);
                } catch (e) {
                    return (e as Error).message;
                }
                return "no error";
            };
            expect(error(true)).toBe(error(false));
            expect(error(true)).toMatch(new RegExp(`^${r.urn.replace(/[$]/g, "\\$")}: `));
        }
    });

    it("are google-protobuf's bytes for the hand-made state and preview", () => {
        for (const file of ["state-broken.json", "preview-broken.json"]) {
            const text = fs.readFileSync(path.join(__dirname, "..", "fixtures", file), "utf8");
            expectSameBytes(parseState(text, file).resources);
        }
    });

    it("are google-protobuf's bytes for arbitrary JSON values and numbers", () => {
        const value = fc.oneof(fc.jsonValue(), fc.double(), fc.string({ unit: "binary" }));
        fc.assert(
            fc.property(fc.dictionary(fc.string(), value), (props) => {
                expectSameBytes([resource("urn:pulumi:dev::multi-agent-security::aws:s3/bucket:Bucket::p", props)]);
            }),
            { numRuns: 300 },
        );
    });
});
