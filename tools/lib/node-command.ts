// How the commands run a TypeScript entry point in a fresh node process: with the start-up file
// (tools/lib/start.js) that package.json's scripts also name.
import * as path from "path";

export const START = path.join(__dirname, "start.js");

/** node arguments that run the TypeScript file `script` with `args`. */
export function tsNodeArgs(script: string, args: string[] = []): string[] {
    return ["--require", START, script, ...args];
}
