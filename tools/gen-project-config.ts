// Writes Pulumi.yaml's `config:` block from components/config.ts, the one place keys are declared.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS } from "../components/config";

export function projectConfigBlock(): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(CONFIG_KEYS)
            // A key whose default is the profile's cannot be declared: a declared key without a default is required.
            .filter(([, decl]) => decl.byProfile === undefined)
            .map(([name, decl]) => [
                name,
                {
                    type: decl.type,
                    description: decl.description,
                    ...(decl.type === "array" ? { items: { type: "string" } } : {}),
                    // No default: a stack must set the key (the Pulumi CLI refuses a stack that does not).
                    ...(decl.default !== undefined ? { default: decl.default } : {}),
                },
            ]),
    );
}

export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

if (require.main === module) {
    const doc = YAML.parseDocument(fs.readFileSync(PROJECT_FILE, "utf8"));
    const block = doc.createNode(projectConfigBlock());
    const undeclared = Object.entries(CONFIG_KEYS).filter(([, decl]) => decl.byProfile !== undefined);
    block.commentBefore = [
        " Generated from components/config/keys.ts (npm run gen:project-config). Not declared here, because their",
        " defaults are the profile's (dev / prod) and a declared key without a default is required:",
        ...undeclared.map(
            ([name, decl]) =>
                `   ${name} (${decl.type}; dev ${String(decl.byProfile!.dev)}, prod ${String(decl.byProfile!.prod)})`,
        ),
    ].join("\n");
    doc.set("config", block);
    fs.writeFileSync(PROJECT_FILE, doc.toString({ lineWidth: 0 }));
    process.stdout.write(`wrote ${Object.keys(CONFIG_KEYS).length} config keys to ${PROJECT_FILE}\n`);
}
