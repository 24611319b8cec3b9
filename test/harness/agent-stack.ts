// Agent stacks of the prod platform planned by the real program under mocks, as `plan --stack <agent>
// --stack-ref prod=<prod plan>` plans them, and audited through the pack's own analyzer server.
import * as path from "path";
import type { AuditReport, Violation } from "../../tools/lib/audit";
import type { ProgramRun } from "../../tools/lib/program";
import type { LoadedState } from "../../tools/lib/state";
import type { StackReferenceValue } from "../../tools/lib/stack-refs";
import { runIsolated, runStack, stackConfig } from "./program";

export const PROJECT = "multi-agent-security";

/** Deployment records as a plan file holds them (edited by break cases before they are read as a state). */
export type Records = { urn: string; type: string; inputs: Record<string, any>; outputs: Record<string, any> }[];

/** The prod platform's outputs as `plan --stack-ref prod=<its plan>` reads them (the same code path). */
export function platformReference(platform: ProgramRun, dir: string): StackReferenceValue {
    const { toDeployment, writeJson } =
        require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
    const { readStackReference } = require("../../tools/lib/stack-refs") as typeof import("../../tools/lib/stack-refs");
    const file = path.join(dir, "prod-platform.json");
    writeJson(file, toDeployment(platform, { project: PROJECT, stack: "prod" }));
    return readStackReference(file, "prod");
}

/** An agent stack's run: a copy of Pulumi.prod.yaml with platformStack prod, its agents and `overrides`. */
export async function runAgentStack(
    stack: string,
    agents: string[],
    ref: StackReferenceValue,
    overrides: Record<string, unknown> = {},
): Promise<ProgramRun> {
    const sc = stackConfig("prod", { platformStack: "prod", agents, ...overrides });
    return runIsolated(sc, stack, () => require("../../index"), { stackReferences: { prod: ref } });
}

/** A run as the state `audit` reads from its plan file; `edit` changes the records first. */
export function stateOf(run: ProgramRun, stack: string, edit?: (records: Records) => void): LoadedState {
    const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
    const { parseState } = require("../../tools/lib/state") as typeof import("../../tools/lib/state");
    const doc = toDeployment(run, { project: PROJECT, stack }) as { deployment: { resources: Records } };
    edit?.(doc.deployment.resources);
    return parseState(JSON.stringify(doc), `${stack} plan`);
}

/** Audits a state with the pack's defaults (every policy mandatory), as `audit` does without a policy config. */
export async function auditState(state: LoadedState, stack: string): Promise<AuditReport> {
    const { audit } = require("../../tools/lib/audit") as typeof import("../../tools/lib/audit");
    return audit(state, { stack, policyConfig: {} });
}

/** The mandatory violations, as "policy control: message" lines (short enough to read in a failed expect). */
export function mandatory(report: AuditReport): Violation[] {
    return report.violations.filter((v) => v.enforcementLevel === "mandatory");
}

/** The one record of a type whose URN ends with `::name`. */
export function record(records: Records, type: string, name: string): Records[number] {
    const found = records.find((r) => r.type === type && r.urn.endsWith(`::${name}`));
    if (!found) {
        throw new Error(`no ${type} named ${name}`);
    }
    return found;
}

/** Sets a property in both the inputs and the outputs of a record (a plan holds both). */
export function setProp(r: Records[number], key: string, value: unknown): void {
    for (const side of [r.inputs, r.outputs]) {
        if (value === undefined) {
            delete side[key];
        } else {
            side[key] = JSON.parse(JSON.stringify(value));
        }
    }
}

export { runStack };
