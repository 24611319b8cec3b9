import { clusterOutputs } from "./cluster";
import { dataOutputs } from "./data";
import { identityOutputs } from "./identity";
import { meshOutputs } from "./mesh";
import { networkOutputs } from "./network";
import { operationsOutputs } from "./operations";
import { MockOutputs } from "./types";

export * from "./types";

export const areaOutputs: MockOutputs = {
    ...networkOutputs,
    ...dataOutputs,
    ...identityOutputs,
    ...meshOutputs,
    ...operationsOutputs,
    ...clusterOutputs,
};
