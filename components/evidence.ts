import * as pulumi from "@pulumi/pulumi";
import { control, ControlHow } from "../policy-pack/catalog";
import { policiesForControl } from "../policy-pack/policies";

/** One implementing resource as the evidence output lists it. */
export interface EvidenceResource {
    urn: string;
    type: string;
    id?: string;
    arn?: string;
}

export interface EvidenceEntry {
    section: string;
    guidePath: string;
    requirement: string;
    how: ControlHow;
    iso27001: string[];
    soc2: string[];
    resources: EvidenceResource[];
    /** Policies of the pack that enforce this control. */
    policies: string[];
}

/**
 * Collects which resources implement which controls. Components receive it in their args and call
 * `record`; index.ts exports `output()` as the `auditEvidence` stack output.
 */
export class EvidenceRegistry {
    private readonly entries = new Map<string, pulumi.Resource[]>();

    /** Records that `resources` implement control `id` (throws for an ID the catalog doesn't know). */
    record(id: string, ...resources: pulumi.Resource[]): void {
        control(id);
        const list = this.entries.get(id) ?? [];
        list.push(...resources);
        this.entries.set(id, list);
    }

    /** Control IDs recorded so far. */
    controls(): string[] {
        return [...this.entries.keys()].sort();
    }

    output(): pulumi.Output<Record<string, EvidenceEntry>> {
        const entries = [...this.entries.entries()].sort(([a], [b]) => a.localeCompare(b));
        return pulumi
            .all(entries.map(([id, resources]) => pulumi.all(resources.map(describe)).apply((rs) => entry(id, rs))))
            .apply((list) => Object.fromEntries(list.map((e, i) => [entries[i][0], e])));
    }
}

function entry(id: string, resources: EvidenceResource[]): EvidenceEntry {
    const c = control(id);
    return {
        section: c.section,
        guidePath: c.guidePath,
        requirement: c.requirement,
        how: c.how,
        iso27001: c.iso27001,
        soc2: c.soc2,
        resources,
        policies: policiesForControl(id),
    };
}

function describe(resource: pulumi.Resource): pulumi.Output<EvidenceResource> {
    const arn = (resource as unknown as { arn?: unknown }).arn;
    const id = pulumi.CustomResource.isInstance(resource) ? resource.id : undefined;
    return pulumi
        .all([resource.urn, id, pulumi.Output.isInstance(arn) ? (arn as pulumi.Output<string>) : undefined])
        .apply(([urn, rid, rarn]) => ({
            urn,
            type: urn.split("::")[2]?.split("$").pop() ?? "",
            ...(rid ? { id: rid } : {}),
            ...(rarn ? { arn: rarn } : {}),
        }));
}
