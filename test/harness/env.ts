// The stack's config as the Pulumi nodejs host hands it to a policy pack (PULUMI_CONFIG, PULUMI_NODEJS_STACK):
// tests that set it restore what was there once the calling describe block (or file) is done.

const KEYS = ["PULUMI_CONFIG", "PULUMI_NODEJS_STACK"] as const;

/** Saves the pack's environment now and restores it after all tests of the calling block. */
export function restorePackEnvAfterAll(): void {
    const saved = KEYS.map((k) => [k, process.env[k]] as const);
    afterAll(() => {
        for (const [k, v] of saved) {
            if (v === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = v;
            }
        }
    });
}
