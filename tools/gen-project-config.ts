// Writes Pulumi.yaml's `config:` block from components/config.ts, the one place keys are declared.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS } from "../components/config";

export function projectConfigBlock(): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(CONFIG_KEYS).map(([name, decl]) => [
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
    doc.set("config", projectConfigBlock());
    fs.writeFileSync(PROJECT_FILE, doc.toString({ lineWidth: 0 }));
    process.stdout.write(`wrote ${Object.keys(CONFIG_KEYS).length} config keys to ${PROJECT_FILE}\n`);
}
