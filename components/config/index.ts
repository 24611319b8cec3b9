// Stack config: the declared keys (keys.ts), their parsing and cross-key checks (parse.ts, checks.ts, contacts.ts)
// and the names and values derived from them (derived.ts).
export * from "./keys";
export * from "./derived";
export { CONTACT_KEYS } from "./contacts";
export { OFFLINE_PLAN_ENV } from "./offline";
export { ConfigError, isRealUpdate, loadConfig, parseConfig } from "./parse";
export type { ParseOptions } from "./parse";
