// Checks of an Automation document and its runs: the account's document is the state's content, and who
// approved a run (aws:approve) is not who started it.
import { DescribeDocumentCommand, SSMClient } from "@aws-sdk/client-ssm";
import { createHash } from "crypto";
import { OperatingCheck } from "./types";

/** The approvers an aws:approve step recorded (its ApproverDecisions output: JSON, one object or a list). */
export function approversOf(decisions: string[] | undefined): string[] {
    const out: string[] = [];
    for (const d of decisions ?? []) {
        try {
            const v = JSON.parse(d) as unknown;
            for (const x of Array.isArray(v) ? v : [v]) {
                const who = (x as { Approver?: unknown })?.Approver;
                if (typeof who === "string") {
                    out.push(who);
                }
            }
        } catch {
            // not JSON: no approver recorded
        }
    }
    return out;
}

/** One principal for an ARN: an assumed-role session and its role's session name compare equal. */
export function principal(arn: string | undefined): string | undefined {
    if (!arn) {
        return undefined;
    }
    const m = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
    return m ? `${m[1]}:${m[2]}/${m[3]}` : arn;
}

/**
 * The account's document against the content the state deploys: DescribeDocument's Hash (SHA-256 of the
 * document content, HashType Sha256) must equal the sha256 of the state's content, else the document was
 * edited outside the stack (or the stack not deployed) and its runs evidence something else.
 */
export async function documentContent(
    ssm: SSMClient,
    name: string,
    content: string,
): Promise<Omit<OperatingCheck, "control">> {
    const want = createHash("sha256").update(content).digest("hex");
    const source = "ssm:DescribeDocument";
    let d;
    try {
        d = (await ssm.send(new DescribeDocumentCommand({ Name: name })))?.Document;
    } catch (e) {
        if ((e as Error).name !== "InvalidDocument") {
            throw e;
        }
    }
    if (!d?.Hash) {
        return { result: "failed", source, detail: `document ${name} is not in the account` };
    }
    const same = d.HashType !== "Sha1" && d.Hash.toLowerCase() === want;
    return {
        result: same ? "ok" : "failed",
        source,
        detail: same
            ? `document ${name} version ${d.DocumentVersion ?? "?"}: content sha256 ${want}, as the state deploys`
            : `document ${name} version ${d.DocumentVersion ?? "?"} in the account (${d.HashType ?? "Sha256"} ${d.Hash}) is not the content the state deploys (sha256 ${want}): its runs evidence another document`,
    };
}
