export * from "./detection";
export * from "./incident-response";
export * from "./compliance";
export * from "./cadence";
