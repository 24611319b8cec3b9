/** A problem with the command's input (arguments or files): exit 2 with a one-line message. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** `--help` / `-h`: the command's usage goes to stdout and the exit code is 0. */
export class HelpRequest extends Error {
    constructor(usage: string) {
        super(usage);
        this.name = "HelpRequest";
    }
}

/** A command's flags, for parsing and for `--help`. */
export interface CommandSpec {
    /** `npm run <name> -- ...` */
    name: string;
    summary: string;
    /** A flag whose `value` is "" is a switch: present or not, it takes no value. */
    flags: { name: string; value: string; help: string; required?: boolean }[];
    /** Exit codes and examples, after the flags. */
    footer: string;
}

export function usage(spec: CommandSpec): string {
    const width = Math.max(...spec.flags.map((f) => f.name.length + f.value.length + 3));
    const synopsis = spec.flags.map((f) =>
        f.required ? `--${f.name} ${f.value}` : `[--${f.name}${f.value ? ` ${f.value}` : ""}]`,
    );
    return [
        `usage: npm run ${spec.name} -- ${synopsis.join(" ")}`,
        "",
        spec.summary,
        "",
        ...spec.flags.map((f) => `  ${`--${f.name} ${f.value}`.padEnd(width)}  ${f.help}`),
        `  ${"--help".padEnd(width)}  this text`,
        "",
        spec.footer,
    ].join("\n");
}

/** parseFlags for a command: `--help` / `-h` anywhere prints its usage instead. */
export function parseCommand(argv: string[], spec: CommandSpec): Record<string, string> {
    if (argv.includes("--help") || argv.includes("-h")) {
        throw new HelpRequest(usage(spec));
    }
    return parseFlags(
        argv,
        spec.flags.map((f) => f.name),
        spec.flags.filter((f) => f.value === "").map((f) => f.name),
    );
}

/** Runs a command's main, mapping errors to the documented exit codes without stack traces. */
export function runMain(main: () => Promise<number>): Promise<void> {
    return main().then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            const e = err as Error;
            if (e?.name === "HelpRequest") {
                process.stdout.write(`${e.message}\n`);
                process.exitCode = 0;
                return;
            }
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

/**
 * Warnings (what an offline plan cannot see, what the program logged with pulumi.log.warn): one `warning:` line
 * each on stdout, before the command's own report, as `pulumi preview` lists them before its summary.
 */
export function printWarnings(messages: string[]): void {
    for (const m of messages) {
        process.stdout.write(`warning: ${oneLine(m)}\n`);
    }
}

/** Messages quote file contents and JSON parser output: keep the report on one line. */
export function oneLine(message: string): string {
    return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

/** Minimal flag parser: `--name value` pairs and `--switch` (value "true"); rejects unknown flags. */
export function parseFlags(argv: string[], allowed: string[], switches: string[] = []): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
        if (!m || !allowed.includes(m[1])) {
            throw new UsageError(
                `unexpected argument '${arg}' (expected ${allowed.map((a) => `--${a}`).join(", ")}; --help for usage)`,
            );
        }
        if (switches.includes(m[1]) && m[2] !== undefined) {
            throw new UsageError(`--${m[1]} takes no value`);
        }
        const value = switches.includes(m[1]) ? "true" : (m[2] ?? argv[++i]);
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
