// What the evidence says of a stack's own choices: the controls a landing zone's services carry (accountServices
// adopt) and the deviations from the guide's literal values that the stack's config makes (another address plan).

import { guide, SEGMENTS } from "../../policy-pack/catalog";
import { AccountService, accountServicesOfControl } from "../../policy-pack/catalog/account-services";
import { SEGMENT_CONFIG_KEY } from "../../policy-pack/lib/stack-config";
import { SEGMENT_CONTROL } from "../../policy-pack/policies/network/shared";

/** One entry of the deviation register. */
export interface Deviation {
    control: string;
    deviation: string;
    risk: string;
    compensatingControls: string[];
    /** Who accepted it: the file that makes the choice (the stack's owners review it). */
    source: string;
}

/** The stack config keys (`<project>:` stripped) the evidence reads, as strings (lists as JSON). */
export type StackKeys = Record<string, string>;

export function stackKeys(config: Record<string, string>, project: string): StackKeys {
    const prefix = `${project}:`;
    return Object.fromEntries(
        Object.entries(config)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
    );
}

/** The landing zone's services a control relies on, when the stack adopts them; [] otherwise. */
export function adoptedServices(keys: StackKeys, control: string): AccountService[] {
    return keys.accountServices === "adopt" ? accountServicesOfControl(control) : [];
}

/** The status and words of a control that relies on adopted services: never a pass from the plan alone. */
export function adoptedAssessment(services: AccountService[]): { reason: string; gap: string } {
    const names = services.map((s) => s.service).join(", ");
    return {
        reason: `relies on ${names}, which the landing zone owns (accountServices adopt): this stack does not create the service itself (at most its own parts of it), so its plan or state cannot show the service is on; verified only by evidence collected from the account`,
        gap: services
            .map((s) => `${s.service}: the owning account must provide ${s.ownerProvides} (check: ${s.check})`)
            .join("; "),
    };
}

/** Deviations the stack's config makes from the guide's literal values. */
export function configDeviations(keys: StackKeys, stackFile: string): Deviation[] {
    const out: Deviation[] = [];
    const seg = guide.infrastructureSecurity.segmentation;
    for (const s of SEGMENTS) {
        const key = SEGMENT_CONFIG_KEY[s];
        const value = keys[key];
        if (value !== undefined && value !== seg[s].cidr) {
            out.push({
                control: SEGMENT_CONTROL[s],
                deviation: `the ${s} segment is ${value} (${key}), not the guide's literal ${seg[s].cidr}`,
                risk: "the guide's segmentation is by role, not by address: the pack checks every subnet, route, security group and network ACL against the stack's own plan (its config, or its stackSettings output under `pulumi policy analyze`). Not checked here: overlap with other networks of the organisation (peered VPCs, on-premises ranges), which the address plan's owner must rule out",
                compensatingControls: ["network-subnet-in-segment", "network-segment-reachability"],
                source: stackFile,
            });
        }
    }
    return out;
}

/** The deviation register in the report. */
export function renderDeviations(deviations: Deviation[]): string[] {
    if (deviations.length === 0) {
        return [
            "## Deviation register",
            "",
            "The stack's config makes no deviation from the guide's literal values.",
            "",
        ];
    }
    return [
        "## Deviation register",
        "",
        "| Control | Deviation | Risk | Compensating controls | Source |",
        "|---|---|---|---|---|",
        ...deviations.map(
            (d) =>
                `| ${d.control} | ${d.deviation} | ${d.risk} | ${d.compensatingControls.join(", ")} | \`${d.source}\` |`,
        ),
        "",
    ];
}
