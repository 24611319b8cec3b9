import * as fs from "fs";
import * as path from "path";

// `pulumi policy publish` ships only policy-pack/ with its own package dependencies: the pack may not import
// anything outside its folder or any package it does not declare.
const PACK = path.resolve(__dirname, "..", "policy-pack");

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) {
            return e.name === "node_modules" ? [] : sources(full);
        }
        return e.name.endsWith(".ts") ? [full] : [];
    });
}

describe("policy pack layout", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8"));
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const files = sources(PACK);

    it("has the files `pulumi policy publish` needs", () => {
        expect(fs.existsSync(path.join(PACK, "PulumiPolicy.yaml"))).toBe(true);
        expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    });

    it("imports only its own files and its declared dependencies", () => {
        const problems: string[] = [];
        for (const file of files) {
            const text = fs.readFileSync(file, "utf8");
            for (const m of text.matchAll(/(?:from\s+|require\()\s*["']([^"']+)["']/g)) {
                const spec = m[1];
                if (spec.startsWith(".")) {
                    const target = path.resolve(path.dirname(file), spec);
                    if (!target.startsWith(PACK + path.sep)) {
                        problems.push(`${path.relative(PACK, file)} imports ${spec} from outside the pack`);
                    }
                } else {
                    const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    if (!declared.has(name) && !["fs", "path", "crypto"].includes(name)) {
                        problems.push(`${path.relative(PACK, file)} imports undeclared package ${name}`);
                    }
                }
            }
        }
        expect(problems).toEqual([]);
    });

    it("index.ts only constructs the pack", () => {
        const text = fs.readFileSync(path.join(PACK, "index.ts"), "utf8");
        expect(text.match(/new PolicyPack\(/g)).toHaveLength(1);
        expect(text).not.toMatch(/resourcePolicy\(|stackPolicy\(|validateResource/);
    });
});
