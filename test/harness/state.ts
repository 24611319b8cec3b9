import type { LoadedState, StateResource } from "../../tools/lib/state";
import { runStack } from "./program";

/** A custom resource as a stack export holds it, with no options set; its type is read from the URN. */
export function stateResource(urn: string, fields: Partial<StateResource> = {}): StateResource {
    return {
        urn,
        type: urn.split("::")[2].split("$").pop() ?? "",
        custom: true,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        additionalSecretOutputs: [],
        ignoreChanges: [],
        inputs: {},
        outputs: {},
        ...fields,
    };
}

/** A shipped stack's plan as `plan` writes it and the audit reads it; `edit` changes its records first. */
export async function plannedState(stack: "dev" | "prod", edit?: (resources: any[]) => void): Promise<LoadedState> {
    const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
    const { parseState } = require("../../tools/lib/state") as typeof import("../../tools/lib/state");
    const doc = toDeployment(await runStack(stack), { project: "multi-agent-security", stack }) as {
        deployment: { resources: Record<string, unknown>[] };
    };
    edit?.(doc.deployment.resources);
    return parseState(JSON.stringify(doc), `${stack} plan`);
}
