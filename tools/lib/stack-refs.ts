// Offline StackReferences: `plan --stack-ref <stack>=<file>` resolves a referenced stack's outputs from a plan
// or a `pulumi stack export` of it (the root stack resource's outputs), as the engine's StackReference read
// would return them: `{ name, outputs, secretOutputNames }`.
import * as path from "path";
import { CONTRACT_OUTPUT } from "../../components/platform/contract";
import { UsageError } from "./errors";
import { parseJson, readText } from "./files";
import { SECRET_SIG, SIG_KEY } from "./program";
import { parseDocument } from "./state";

/** A referenced stack's outputs in wire form (secrets as `{sig, value}`), and which top-level ones are secret. */
export interface StackReferenceValue {
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
}

/** Placeholder of a secret output a stack export holds encrypted (`ciphertext`): offline, it cannot be read. */
export const ENCRYPTED_PLACEHOLDER = "[secret]";

/** `a=f1,b=f2` → {a: f1, b: f2}; UsageError naming the flag for anything else. */
export function parseStackRefFlag(flag: string | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of (flag ?? "").split(",").filter((p) => p !== "")) {
        const eq = part.indexOf("=");
        if (eq <= 0 || eq === part.length - 1) {
            throw new UsageError(`--stack-ref expects <stack>=<file>[,<stack>=<file>...] (got ${part})`);
        }
        const name = part.slice(0, eq);
        if (name in out) {
            throw new UsageError(`--stack-ref names stack ${name} twice`);
        }
        out[name] = part.slice(eq + 1);
    }
    return out;
}

/**
 * The file given for a referenced stack (`<stack>` or `<org>/<project>/<stack>`): an exact entry, else the
 * entry named by the reference's last part (`--stack-ref prod=...` serves `my-org/multi-agent-security/prod`).
 */
export function stackRefFile(refs: Record<string, string>, reference: string): string | undefined {
    return refs[reference] ?? refs[reference.split("/").pop() as string];
}

/** State form (stack export) → wire form: secrets `{sig, plaintext}` / `{sig, ciphertext}` → `{sig, value}`. */
function toWire(value: unknown, encrypted: string[], at: string): unknown {
    if (Array.isArray(value)) {
        return value.map((v, i) => toWire(v, encrypted, `${at}[${i}]`));
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            if (typeof obj.plaintext === "string") {
                let plain: unknown;
                try {
                    plain = JSON.parse(obj.plaintext);
                } catch {
                    throw new UsageError(`${at}: a secret's plaintext is not JSON`);
                }
                return { [SIG_KEY]: SECRET_SIG, value: toWire(plain, encrypted, at) };
            }
            encrypted.push(at);
            return { [SIG_KEY]: SECRET_SIG, value: ENCRYPTED_PLACEHOLDER };
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toWire(v, encrypted, `${at}.${k}`)]));
    }
    return value;
}

/**
 * Reads the outputs of `reference`'s root stack resource from a plan or a `pulumi stack export` file. The
 * file must hold that stack (by its URNs) and a platform contract; encrypted secrets (an export without
 * --show-secrets) become ENCRYPTED_PLACEHOLDER, and each is named in `warnings`.
 */
export function readStackReference(
    file: string,
    reference: string,
): StackReferenceValue & { warnings: string[]; stack: string } {
    const shown = path.relative(process.cwd(), file) || file;
    const doc = parseJson(readText(file), shown);
    const state = parseDocument(doc, shown);
    if (state.format !== "stack-export") {
        throw new UsageError(
            `--stack-ref ${reference}=${shown}: a 'pulumi preview --json' hides secrets and unknown outputs; give a plan (.plan/<stack>.json) or a 'pulumi stack export' of the stack`,
        );
    }
    const stack = reference.split("/").pop() as string;
    if (state.stack !== undefined && state.stack !== stack) {
        throw new UsageError(
            `--stack-ref ${reference}=${shown}: the file holds stack '${state.stack}', not '${stack}'`,
        );
    }
    const root = state.resources.find((r) => r.type === "pulumi:pulumi:Stack" && !r.parent);
    if (!root) {
        throw new UsageError(
            `--stack-ref ${reference}=${shown}: no root stack resource (pulumi:pulumi:Stack), so no stack outputs`,
        );
    }
    if (!(CONTRACT_OUTPUT in root.outputs)) {
        throw new UsageError(
            `--stack-ref ${reference}=${shown}: stack '${stack}' has no ${CONTRACT_OUTPUT} output; is it a platform stack (no platformStack key) planned with this version?`,
        );
    }
    const encrypted: string[] = [];
    const outputs = toWire(root.outputs, encrypted, "outputs") as Record<string, unknown>;
    const secretOutputNames = Object.entries(outputs)
        .filter(([, v]) => !!v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG)
        .map(([k]) => k)
        .sort();
    return {
        stack,
        outputs,
        secretOutputNames,
        warnings: encrypted.map(
            (at) =>
                `--stack-ref ${reference}=${shown}: ${at} is encrypted (an export without --show-secrets); the offline plan uses ${JSON.stringify(ENCRYPTED_PLACEHOLDER)} for it`,
        ),
    };
}
