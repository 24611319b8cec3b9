import { Control, SECTIONS } from "./types";
import { infrastructureControls } from "./infrastructure";

export * from "./guide";
export * from "./types";

/** Every leaf control of the guide, in guide order. */
export const controls: readonly Control[] = [...infrastructureControls];

const byId = new Map(controls.map((c) => [c.id, c]));

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

export function controlsInSection(section: (typeof SECTIONS)[number]): Control[] {
    return controls.filter((c) => c.section === section);
}
