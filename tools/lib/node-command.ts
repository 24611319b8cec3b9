// How the commands run a TypeScript entry point in a fresh node process: through the start-up preload
// (tools/lib/preload.js), which registers tsx's CommonJS loader (this project compiles to CommonJS; tsx's
// ES-module hooks would add a loader thread). package.json's scripts spell the same flags.
import * as path from "path";

export const PRELOAD = path.join(__dirname, "preload.js");

/** node arguments that run the TypeScript file `script` with `args`. */
export function tsNodeArgs(script: string, args: string[] = []): string[] {
    return ["--require", PRELOAD, script, ...args];
}
