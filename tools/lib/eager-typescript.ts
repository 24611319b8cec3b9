// Imported first by tools that use TypeScript's API throughout (check): they get the module itself, not the
// preload's stand-in (tools/lib/preload.js), whose every property read is a proxy call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("./preload") as { undefer(request: string): void }).undefer("typescript");
