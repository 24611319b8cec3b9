// What the evidence says of a stack's own choices: the controls a landing zone's services carry (accountServices
// adopt) and the deviations from the guide's literal values that the stack's config makes (another address plan).

import { guide, SEGMENTS } from "../../policy-pack/catalog";
import { AccountService, accountServicesOfControl } from "../../policy-pack/catalog/account-services";
import { SEGMENT_CONFIG_KEY } from "../../policy-pack/lib/stack-config";
import { SEGMENT_CONTROL } from "../../policy-pack/policies/network/shared";

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

/** Deviations the stack's config makes from the guide's literal values (kind `address-plan`). */
export function addressPlanDeviations(keys: StackKeys): { control: string; kind: string; deviation: string }[] {
    const seg = guide.infrastructureSecurity.segmentation;
    return SEGMENTS.filter(
        (s) => keys[SEGMENT_CONFIG_KEY[s]] !== undefined && keys[SEGMENT_CONFIG_KEY[s]] !== seg[s].cidr,
    ).map((s) => ({
        control: SEGMENT_CONTROL[s],
        kind: "address-plan",
        deviation: `the ${s} segment is ${keys[SEGMENT_CONFIG_KEY[s]]} (${SEGMENT_CONFIG_KEY[s]}), not the guide's literal ${seg[s].cidr}; the pack checks every subnet, route, security group and network ACL against the stack's own plan, but not its overlap with the organisation's other networks`,
    }));
}
