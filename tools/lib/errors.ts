/** A problem with the command's input (arguments or files): exit 2 with a one-line message. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** Runs a command's main, mapping errors to the documented exit codes without stack traces. */
export function runMain(main: () => Promise<number>): void {
    main().then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            const e = err as Error;
            if (e?.name === "UsageError" || e?.name === "ConfigError") {
                process.stderr.write(`error: ${oneLine(e.message)}\n`);
                process.exitCode = 2;
                return;
            }
            process.stderr.write(`internal error: ${e?.stack ?? String(err)}\n`);
            process.exitCode = 3;
        },
    );
}

/** Messages quote file contents and JSON parser output: keep the report on one line. */
export function oneLine(message: string): string {
    return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/** Minimal flag parser: `--name value` pairs; rejects unknown flags. */
export function parseFlags(argv: string[], allowed: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
        if (!m || !allowed.includes(m[1])) {
            throw new UsageError(`unexpected argument '${arg}' (expected ${allowed.map((a) => `--${a}`).join(", ")})`);
        }
        const value = m[2] ?? argv[++i];
        if (value === undefined || value.startsWith("--")) {
            throw new UsageError(`--${m[1]} needs a value`);
        }
        if (m[1] in out) {
            throw new UsageError(`--${m[1]} is given twice`);
        }
        out[m[1]] = value;
    }
    return out;
}
