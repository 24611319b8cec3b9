import { MockOutputs } from "./types";

/** Computed outputs the real provider returns for this area's resource types (beyond id / arn / auto-name). */
export const meshOutputs: MockOutputs = {};
