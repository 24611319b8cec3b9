import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseEscEnvFlag } from "../../tools/lib/esc";
import { readStackConfig, SECRET_PLACEHOLDER } from "../../tools/lib/stack-config";
import { tempDir } from "../harness/program";

// Pulumi.<stack>.yaml's `environment:` (stack settings file reference): a name, a list of names, or an inline
// definition with imports: and values:. Each environment's values.pulumiConfig becomes stack config; the stack's
// own config wins over it, and it wins over Pulumi.yaml's defaults.
const tmp = tempDir("esc-test-");
const P = "multi-agent-security";

function project(stackDoc: Record<string, unknown>, files: Record<string, string> = {}): string {
    const dir = fs.mkdtempSync(path.join(tmp, "proj-"));
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        YAML.stringify({ name: P, runtime: "nodejs", config: { azCount: { type: "integer", default: 2 } } }),
    );
    fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), YAML.stringify(stackDoc));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}
const cannotOpen = (name: string) =>
    `Pulumi.s.yaml imports ESC environment ${name}, which the offline plan cannot open (no Pulumi Cloud): config values it provides are missing from this plan, so validation may fail or the plan may differ from \`pulumi preview\`; give a local definition with --esc-env ${name}=<file.yaml>`;

describe("ESC environments a stack file imports", () => {
    it.each([
        ["one name", "myorg/aws-prod", ["myorg/aws-prod"]],
        ["a list", ["myorg/common", "myorg/aws-prod"], ["myorg/common", "myorg/aws-prod"]],
        [
            "an inline definition",
            { imports: ["myorg/common", { "myorg/aws-prod": { merge: false } }] },
            ["myorg/common", "myorg/aws-prod"],
        ],
    ])("names every import of %s it cannot open, in order", (_form, environment, names) => {
        const sc = readStackConfig(project({ environment, config: { "aws:region": "eu-west-1" } }), "s");
        expect(sc.unresolvedEnvironments).toEqual(names);
        expect(sc.warnings).toEqual(names.map(cannotOpen));
        expect(sc.config).toEqual({ "aws:region": "eu-west-1", [`${P}:azCount`]: "2" });
    });

    it("has nothing to say about a stack file without imports", () => {
        const sc = readStackConfig(project({ config: { [`${P}:azCount`]: 3 } }), "s");
        expect([sc.unresolvedEnvironments, sc.warnings]).toEqual([[], []]);
        expect(sc.config[`${P}:azCount`]).toBe("3");
    });

    it("reads local definitions in import order: later environments, then the stack's own config, win", () => {
        const dir = project(
            {
                environment: ["myorg/common", "myorg/aws-prod"],
                config: { alertEmails: ["soc@corp.io"] },
            },
            {
                "common.yaml":
                    "values:\n  pulumiConfig:\n    aws:region: eu-west-1\n    azCount: 3\n    alertEmails: [a@corp.io]\n",
                "prod.yaml": [
                    "imports: [myorg/base]",
                    "values:",
                    "  pulumiConfig:",
                    "    azCount: 4",
                    "    hostedZoneId:",
                    "      fn::secret: Z0123456789ABC",
                    "    domainName: ${app.domain}",
                    "",
                ].join("\n"),
            },
        );
        const sc = readStackConfig(
            dir,
            "s",
            parseEscEnvFlag(
                `myorg/common=${path.join(dir, "common.yaml")},myorg/aws-prod=${path.join(dir, "prod.yaml")}`,
            ),
        );
        expect(sc.config).toEqual({
            "aws:region": "eu-west-1",
            [`${P}:azCount`]: "4",
            [`${P}:alertEmails`]: '["soc@corp.io"]',
            [`${P}:hostedZoneId`]: SECRET_PLACEHOLDER,
        });
        expect(sc.secretKeys).toEqual([`${P}:hostedZoneId`]);
        // myorg/aws-prod's own import has no local definition; its interpolation only ESC can evaluate.
        expect(sc.unresolvedEnvironments).toEqual(["myorg/base"]);
        expect(sc.warnings).toEqual([
            cannotOpen("myorg/base"),
            `${P}:domainName comes from an expression in ESC environment myorg/aws-prod that only ESC can evaluate: it is missing from this plan`,
        ]);
    });

    it("reads an inline definition's static values after its imports", () => {
        const sc = readStackConfig(
            project({ environment: { imports: ["myorg/common"], values: { pulumiConfig: { azCount: 3 } } } }),
            "s",
        );
        expect(sc.config[`${P}:azCount`]).toBe("3");
        expect(sc.unresolvedEnvironments).toEqual(["myorg/common"]);
    });

    it.each([
        [
            "a definition for an environment the stack does not import",
            ["myorg/a"],
            "myorg/b=x.yaml",
            /^--esc-env myorg\/b: Pulumi.s.yaml does not import that environment \(imports: myorg\/a\)$/,
        ],
        ["a flag without a file", ["myorg/a"], "myorg/a", /^--esc-env expects <name>=<file.yaml>/],
        [
            "an unreadable definition",
            ["myorg/a"],
            "myorg/a=/nonexistent/a.yaml",
            /^--esc-env myorg\/a: cannot read \/nonexistent\/a.yaml$/,
        ],
        ["an environment that is no name", [42], "", /^Pulumi.s.yaml environment: 42 is not an environment name$/],
    ])("refuses %s (exit 2)", (_what, environment, flag, message) => {
        expect(() => readStackConfig(project({ environment }), "s", parseEscEnvFlag(flag))).toThrow(
            expect.objectContaining({ name: "UsageError", message: expect.stringMatching(message) }),
        );
    });
});
