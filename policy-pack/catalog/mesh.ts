import { Control } from "./types";

export const meshControls: Control[] = [];
