import type { StateResource } from "../../tools/lib/state";

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
