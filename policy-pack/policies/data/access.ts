// access_control.data_access: who reads and writes the data stores, simulated (lib/iam access matrix).

import { DATA_STORE_TAG } from "../../catalog/data";
import { stackPolicy } from "../lib";
import { accessMatrixOf } from "../iam-model";
import { bucketsOf } from "./shared";

/**
 * access_control.data_access as simulated requests (lib/iam access matrix): for every role of the plan, one
 * role of the account outside the stack with administrator identity policies, a role of another account and
 * an anonymous caller, S3 object reads / writes of each store and the KMS use through S3 that they need, with
 * the guide's conditions (MFA for agent_data writes, SigV4 for metrics_data writes) required.
 */
export const dataAccessPolicies = stackPolicy({
    name: "data-access-bucket-policies",
    description:
        "The agent_data and metrics_data buckets exist; simulated from bucket, key and role policies, only the guide's roles read and write them (agent_data: read system_admin / operator, write system_admin with MFA; metrics_data: read system_admin / operator / agent, write monitoring_agent with SigV4), and every other principal, in the account or not, is denied.",
    controls: ["ACC-DATA-AGENT-READ", "ACC-DATA-AGENT-WRITE", "ACC-DATA-METRICS-READ", "ACC-DATA-METRICS-WRITE"],
    severity: "critical",
    validate: (args, report) => {
        const buckets = bucketsOf(args.resources);
        for (const store of ["agent_data", "metrics_data"]) {
            if (!buckets.some((b) => b.tags[DATA_STORE_TAG] === store)) {
                report(
                    `[${store === "agent_data" ? "ACC-DATA-AGENT-READ" : "ACC-DATA-METRICS-READ"}] no bucket is tagged ${DATA_STORE_TAG}=${store}`,
                );
            }
        }
        for (const row of accessMatrixOf(args.resources).rows) {
            const store = row.data === "agent_data" || row.data === "metrics_data";
            if (row.ok || !store || row.why.startsWith("no resource of the plan")) {
                continue;
            }
            report(
                `[${row.control}] ${row.principal}: ${row.action} ${row.data} is ${row.allowed === "no" ? "denied" : row.allowed === "yes" ? "allowed" : "allowed under some conditions"}, the guide says ${row.expected}${row.requiredConditions.length ? ` (requires ${row.requiredConditions.join(", ")})` : ""} (${row.why})`,
                row.urn,
            );
        }
    },
});
