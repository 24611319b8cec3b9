/*
 * Operations: security_monitoring.threat_detection, incident_response, compliance, auditing,
 * security_procedures, security_maintenance, one file each under operations/. Besides the controls, they hold
 * the tables the operations components and policies share (alarm metrics, cadences, Config rules, runbooks),
 * written once.
 */
import { Control } from "./types";
import { auditingControls } from "./operations/auditing";
import { complianceControls } from "./operations/compliance";
import { securityMonitoringControls } from "./operations/detection";
import { incidentResponseControls } from "./operations/incident-response";
import { securityMaintenanceControls } from "./operations/maintenance";
import { securityProceduresControls } from "./operations/procedures";

export * from "./operations/detection";
export * from "./operations/incident-response";
export * from "./operations/cadence";
export * from "./operations/compliance";
export * from "./operations/auditing";
export * from "./operations/procedures";
export * from "./operations/maintenance";

export const operationsControls: Control[] = [
    ...securityMonitoringControls,
    ...incidentResponseControls,
    ...complianceControls,
    ...auditingControls,
    ...securityProceduresControls,
    ...securityMaintenanceControls,
];
