// Provenance of the code that computed the statuses, and --publish only from a clean checkout.
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { codeHash, requireCleanTree } from "../../tools/lib/evidence-provenance";

describe("code provenance", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "issue-23c-code-"));
    fs.mkdirSync(path.join(root, "tools"));
    fs.writeFileSync(path.join(root, "tools", "a.ts"), "export const a = 1;\n");
    fs.writeFileSync(path.join(root, "tools", "b.ts"), "export const b = 2;\n");
    afterAll(() => fs.rmSync(root, { recursive: true }));

    it("hashes each file's path and sha256 in path order, so an edit on disk changes it", () => {
        const sha = (t: string) => createHash("sha256").update(t).digest("hex");
        const want = createHash("sha256")
            .update(`tools/a.ts\0${sha("export const a = 1;\n")}\ntools/b.ts\0${sha("export const b = 2;\n")}\n`)
            .digest("hex");
        expect(codeHash(root, ["tools/b.ts", "tools/a.ts", "tools/gone.ts"])).toEqual({ sha256: want, files: 2 });
        fs.writeFileSync(path.join(root, "tools", "b.ts"), "export const b = 3;\n");
        expect(codeHash(root, ["tools/a.ts", "tools/b.ts"]).sha256).not.toBe(want);
    });

    it("--publish refuses a dirty working tree and a directory that is not a checkout, with one line", () => {
        expect(() => requireCleanTree("")).not.toThrow();
        expect(() => requireCleanTree(" M tools/evidence.ts\n?? x.ts\n")).toThrow(
            expect.objectContaining({
                name: "UsageError",
                message:
                    "--publish refuses a working tree with 2 uncommitted change(s) (git status): commit them so the published evidence names the code that computed it",
            }),
        );
        expect(() => requireCleanTree(undefined)).toThrow(
            "--publish needs a git checkout: the evidence must name the commit that computed it",
        );
    });
});
