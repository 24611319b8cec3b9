import { Control } from "./types";

export const operationsControls: Control[] = [];
