export interface MockContext {
    /** Logical name given to the resource constructor. */
    logicalName: string;
    /** Physical name (the input name or the provider's auto-name). */
    name: string;
    id: string;
    inputs: Record<string, unknown>;
    region: string;
    account: string;
}

/** Per type token: extra output properties the provider computes. */
export type MockOutputs = Record<string, (ctx: MockContext) => Record<string, unknown>>;
