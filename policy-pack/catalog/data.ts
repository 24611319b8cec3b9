import { Control } from "./types";

export const dataControls: Control[] = [];
