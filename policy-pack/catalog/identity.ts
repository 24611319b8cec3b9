import { Control } from "./types";

export const identityControls: Control[] = [];
