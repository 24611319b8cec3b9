// Files that another process may read while they are written (jest's workers, a second evidence run).
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./errors";

/** Writes `text` to a file beside `file`, then renames it: a concurrent reader never sees half a file. */
export function writeTextAtomic(file: string, text: string): void {
    const partial = `${file}.${process.pid}`;
    try {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        fs.writeFileSync(partial, text);
        fs.renameSync(partial, file);
    } catch (e) {
        throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

/** A file's text; a file that cannot be read is a usage error naming it and why. */
export function readText(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

/** JSON text of `file`; text that is not JSON is a usage error naming the file. */
export function parseJson(text: string, file: string): unknown {
    try {
        return JSON.parse(text) as unknown;
    } catch (e) {
        throw new UsageError(`${file} is not JSON (${(e as Error).message})`);
    }
}
