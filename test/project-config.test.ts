import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { projectConfigBlock } from "../tools/gen-project-config";

const root = path.resolve(__dirname, "..");

describe("Pulumi.yaml", () => {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));

    it("declares the nodejs TypeScript runtime", () => {
        expect(project.name).toBe("multi-agent-security");
        expect(project.runtime).toEqual(
            expect.objectContaining({ name: "nodejs", options: expect.objectContaining({ typescript: true }) }),
        );
    });

    it("declares exactly the keys components/config.ts declares (run `npm run gen:project-config`)", () => {
        expect(project.config).toEqual(projectConfigBlock());
    });

    it("uses only project config types Pulumi accepts", () => {
        for (const decl of Object.values(
            project.config as Record<string, { type: string; items?: { type: string } }>,
        )) {
            expect(["string", "integer", "boolean", "array"]).toContain(decl.type);
            if (decl.type === "array") {
                expect(decl.items?.type).toBe("string");
            }
        }
    });

    // Every stack file there is, whatever stacks a user has added.
    const { listStacks } = require("../tools/lib/stack-config") as typeof import("../tools/lib/stack-config");
    it.each(listStacks(root))("Pulumi.%s.yaml sets every key Pulumi.yaml declares without a default", (stack) => {
        const doc = YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8"));
        const required = Object.entries(project.config as Record<string, { default?: unknown }>)
            .filter(([, decl]) => decl.default === undefined)
            .map(([name]) => `multi-agent-security:${name}`);
        expect(required).toEqual(["multi-agent-security:alertEmails"]);
        for (const key of required) {
            expect(Object.keys(doc.config)).toContain(key);
        }
    });

    // The shipped stacks' placeholders (reserved addresses, documentation CIDRs, the example runner) each say so.
    const PLACEHOLDERS = [
        "alertEmails",
        "adminCidrs",
        "eksPublicAccessCidrs",
        "deployRunnerRepository",
        "deployRunnerConnectionArn",
    ];
    it.each(["dev", "prod"])("Pulumi.%s.yaml marks every placeholder value REPLACE", (stack) => {
        const doc = YAML.parseDocument(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8"));
        const config = doc.get("config") as YAML.YAMLMap<YAML.Scalar<string>, unknown>;
        const marked = config.items
            .filter((pair) => /^ ?REPLACE\b/m.test(pair.key.commentBefore ?? ""))
            .map((pair) => pair.key.value.split(":")[1]);
        expect(marked.sort()).toEqual(
            PLACEHOLDERS.filter((k) => doc.hasIn(["config", `multi-agent-security:${k}`])).sort(),
        );
        expect(marked.length).toBeGreaterThanOrEqual(4);
    });

    // Keys whose default is the profile's are not in Pulumi.yaml (a declared key without a default is required):
    // exactly these three, and the generated block's comment names each.
    const { CONFIG_KEYS } = require("../components/config") as typeof import("../components/config");
    it("leaves out of Pulumi.yaml only the keys whose default is the profile's, and names them in a comment", () => {
        const undeclared = Object.keys(CONFIG_KEYS).filter((k) => !(k in project.config));
        expect(undeclared).toEqual(["natGatewayPerAz", "deletionProtection", "shieldAdvanced"]);
        const text = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
        for (const k of undeclared) {
            expect(text).toContain(`#   ${k} (boolean; dev false, prod true)`);
        }
    });

    it.each(listStacks(root))("Pulumi.%s.yaml sets only keys components/config declares", (stack) => {
        const doc = YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8"));
        for (const key of Object.keys(doc.config)) {
            const [ns, name] = key.split(":");
            if (ns === "multi-agent-security") {
                expect(Object.keys(CONFIG_KEYS)).toContain(name);
            } else {
                expect(ns).toBe("aws");
            }
        }
    });
});
