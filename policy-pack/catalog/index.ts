import { Control, Section, SECTIONS } from "./types";
import { networkControls } from "./network";
import { dataControls } from "./data";
import { identityControls } from "./identity";
import { meshControls } from "./mesh";
import { operationsControls } from "./operations";

export * from "./guide";
export * from "./requirements";
export * from "./assessment";
export * from "./types";

/** Every leaf control of the guide, ordered by guide section. */
export const controls: readonly Control[] = [
    ...networkControls,
    ...dataControls,
    ...identityControls,
    ...meshControls,
    ...operationsControls,
].sort((a, b) => SECTIONS.indexOf(a.section) - SECTIONS.indexOf(b.section));

const byId = new Map<string, Control>();
for (const c of controls) {
    if (byId.has(c.id)) {
        throw new Error(`duplicate control ID ${c.id}`);
    }
    byId.set(c.id, c);
}

export function control(id: string): Control {
    const found = byId.get(id);
    if (!found) {
        throw new Error(`unknown control ID '${id}'`);
    }
    return found;
}

export function hasControl(id: string): boolean {
    return byId.has(id);
}

export function controlsInSection(section: Section): Control[] {
    return controls.filter((c) => c.section === section);
}
