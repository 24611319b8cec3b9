// The marker of an offline run (no imports: the offline tools read it without loading the config module).

/**
 * Set to "1" by the offline tools (tools/lib/program.ts, for the length of a run under mocks) and by nothing else.
 * Those runs use preview=false so that outputs resolve, yet deploy nothing: for the rules that differ between a
 * preview and a real `pulumi up` (contacts at reserved domains) they count as a preview. A real `pulumi up` never
 * runs under mocks, so it never has it. It is a guard against mistakes, not a security boundary: whoever can run
 * `pulumi up` can also change the config.
 */
export const OFFLINE_PLAN_ENV = "MAS_OFFLINE_PLAN";
