// npm run check: the type check (tsc --noEmit -p .), eslint and prettier --check, as one step of `npm test`.
// tsc and eslint's typed rules would each build the same TypeScript program (a million lines of provider
// declarations): here it is built once and handed to eslint (parserOptions.programs). prettier runs in its
// own process meanwhile, on the other core. `npm run typecheck` and `npm run lint` remain the plain tools.
import { spawn } from "child_process";
import { ESLint } from "eslint";
import * as path from "path";
import { pathToFileURL } from "url";
import * as ts from "typescript";
import { REPO_ROOT } from "./lib/audit";
import { CommandSpec, parseCommand, runMain, UsageError } from "./lib/errors";

export const CHECK: CommandSpec = {
    name: "check",
    summary:
        "Type check (tsconfig.json), eslint (eslint.config.mjs) and prettier --check, with one TypeScript program.",
    flags: [],
    footer: "Exit 0 when all three pass, else 1 (each tool's findings are printed as that tool prints them).",
};

interface ConfigBlock {
    files?: string[];
    languageOptions?: { parserOptions?: { projectService?: unknown } };
}

/** The files eslint.config.mjs lints with type information (its blocks that use the project service). */
async function typedFiles(): Promise<string[]> {
    const url = pathToFileURL(path.join(REPO_ROOT, "eslint.config.mjs")).href;
    const config = (await import(url)) as { default: ConfigBlock[] };
    return config.default.filter((c) => c.languageOptions?.parserOptions?.projectService).flatMap((c) => c.files ?? []);
}

function prettierCheck(): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
        const bin = require.resolve("prettier/bin/prettier.cjs");
        const child = spawn(process.execPath, [bin, "--check", "."], { cwd: REPO_ROOT, stdio: "pipe" });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("close", (code) => resolve({ code: code ?? 1, output }));
    });
}

function program(): ts.Program {
    const host: ts.ParseConfigFileHost = {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new UsageError(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
    };
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(REPO_ROOT, "tsconfig.json"), {}, host);
    if (!parsed) {
        throw new UsageError("tsconfig.json could not be read");
    }
    return ts.createProgram({
        rootNames: parsed.fileNames,
        options: parsed.options,
        configFileParsingDiagnostics: parsed.errors,
    });
}

export async function checkCommand(argv: string[]): Promise<number> {
    parseCommand(argv, CHECK);
    const prettier = prettierCheck();
    const started = Date.now();
    const tsProgram = program();
    const diagnostics = ts.getPreEmitDiagnostics(tsProgram);
    const formatHost: ts.FormatDiagnosticsHost = {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => REPO_ROOT,
        getNewLine: () => "\n",
    };
    if (diagnostics.length > 0) {
        process.stdout.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
    }
    process.stdout.write(
        `typecheck: ${tsProgram.getRootFileNames().length} files, ${diagnostics.length} error(s) in ${Date.now() - started} ms\n`,
    );

    const linted = Date.now();
    const eslint = new ESLint({
        cwd: REPO_ROOT,
        // The typed rules get the program above instead of building their own through the project service.
        overrideConfig: {
            files: await typedFiles(),
            languageOptions: { parserOptions: { projectService: false, programs: [tsProgram] } },
        },
    });
    const results = await eslint.lintFiles(["."]);
    const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
    const errors = results.reduce((n, r) => n + r.errorCount, 0);
    if (problems > 0) {
        process.stdout.write(await (await eslint.loadFormatter("stylish")).format(results));
    }
    process.stdout.write(`eslint: ${results.length} files, ${problems} problem(s) in ${Date.now() - linted} ms\n`);

    const pretty = await prettier;
    process.stdout.write(pretty.output.endsWith("\n") ? pretty.output : `${pretty.output}\n`);
    return diagnostics.length > 0 || errors > 0 || pretty.code !== 0 ? 1 : 0;
}

if (require.main === module) {
    runMain(() => checkCommand(process.argv.slice(2)));
}
