import { computeAccessMatrix, MatrixRow } from "../../policy-pack/lib/iam";
import { StateResource } from "./state";

/**
 * The guide's access matrix (access_control) as the IAM model simulates it over the plan or deployed state:
 * who may do what on which data, with the conditions the request needs. Rendering only; the simulation and
 * its verdicts are the policy pack's (policy-pack/lib/iam), so the evidence shows what the audit judged.
 */
export interface AccessMatrixEvidence {
    rows: Pick<
        MatrixRow,
        "data" | "action" | "principal" | "roles" | "allowed" | "requiredConditions" | "expected" | "ok" | "reason"
    >[];
    privileged: string[];
    external: string[];
}

export function accessMatrixEvidence(resources: StateResource[]): AccessMatrixEvidence {
    const m = computeAccessMatrix(
        resources
            .filter((r) => r.custom)
            .map((r) => ({
                type: r.type,
                urn: r.urn,
                name: r.urn.split("::").pop() ?? r.urn,
                // Stack policies read outputs; a plan's outputs include its inputs.
                props: { ...r.inputs, ...r.outputs },
                propertyDependencies: Object.fromEntries(
                    Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map((urn) => ({ urn }))]),
                ),
            })),
    );
    return {
        rows: m.rows.map(({ data, action, principal, roles, allowed, requiredConditions, expected, ok, reason }) => ({
            data,
            action,
            principal,
            roles,
            allowed,
            requiredConditions,
            expected,
            ok,
            ...(reason ? { reason } : {}),
        })),
        privileged: m.privileged.map((p) => `[${p.control}] ${p.message}`),
        external: m.external.map((e) => `${e.principal} can ${e.action} on ${e.resource} (${e.why})`),
    };
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** Markdown: one table per data set, a row per principal and action. */
export function renderAccessMatrix(m: AccessMatrixEvidence | undefined): string {
    if (!m) {
        return "";
    }
    const lines = [
        "## Access matrix (simulated)",
        "",
        "Each cell is a simulated AWS request (S3 object read / write with the KMS use through S3; node group scaling; " +
            "CloudWatch reads) evaluated from the plan's identity policies, permissions boundaries, bucket and key policies. " +
            "Expected: the guide's access_control (`either` where another guide line or a catalog exemption allows it).",
        "",
    ];
    for (const data of [...new Set(m.rows.map((r) => r.data))]) {
        lines.push(
            `### ${data}`,
            "",
            "| action | principal | allowed | required conditions | expected | result |",
            "|---|---|---|---|---|---|",
        );
        for (const r of m.rows.filter((x) => x.data === data)) {
            lines.push(
                `| ${r.action} | ${cell(r.principal)} | ${r.allowed} | ${r.requiredConditions.join(", ") || "—"} | ${r.expected}${r.reason ? ` (${cell(r.reason)})` : ""} | ${r.ok ? "ok" : "**VIOLATION**"} |`,
            );
        }
        lines.push("");
    }
    lines.push(
        `Privileged requests a role can make beyond its guide permissions: ${m.privileged.length === 0 ? "none" : ""}`,
        ...m.privileged.map((p) => `- ${cell(p)}`),
        "",
        `Resource policies open to other accounts or anonymous callers: ${m.external.length === 0 ? "none" : ""}`,
        ...m.external.map((e) => `- ${cell(e)}`),
        "",
    );
    return lines.join("\n");
}
