// Stack config: the declared keys (keys.ts), their parsing and cross-key checks (parse.ts, checks.ts) and the
// names and values derived from them (derived.ts).
export * from "./keys";
export * from "./derived";
export { ConfigError, loadConfig, parseConfig } from "./parse";
