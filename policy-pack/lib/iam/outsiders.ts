import { ANY, RequestContext } from "./conditions";
import { PolicyDocument } from "./document";
import { Principal } from "./evaluate";

/**
 * Callers from outside the account, for "who else can use this resource?" probes: an administrator role of an
 * unrelated account, an anonymous caller, and a role of every other account the policy itself names (a
 * grant to `arn:aws:iam::111122223333:role/partner` lets that role in, not a generic outsider). ownAccount
 * undefined: only the first two.
 */
/** The unrelated account's administrator every probe includes. */
export const GENERIC_OUTSIDER_ACCOUNT = "999999999999";

export function outsidersOf(doc: PolicyDocument, ownAccount: string | undefined, partition = "aws"): Principal[] {
    const everything: PolicyDocument = {
        statements: [{ sid: "all", effect: "Allow", actions: ["*"], resources: ["*"], conditions: [] }],
    };
    const admin = [{ name: "AdministratorAccess (assumed)", document: everything }];
    const named = new Map<string, Principal>();
    const role = (arn: string, account: string) => {
        if (account !== ownAccount && !named.has(arn)) {
            named.set(arn, { kind: "role", arn, account, identity: admin });
        }
    };
    role(`arn:${partition}:iam::${GENERIC_OUTSIDER_ACCOUNT}:role/outsider`, GENERIC_OUTSIDER_ACCOUNT);
    // Without the own account (a key's ARN is unknown to a resource policy) the named accounts cannot be
    // told apart from it: the stack policy's model, which knows the account, probes them.
    for (const s of ownAccount ? doc.statements : []) {
        for (const set of [s.principal, s.notPrincipal]) {
            for (const entry of set && set !== "*" ? (set.AWS ?? []) : []) {
                const account = /^\d{12}$/.test(entry) ? entry : /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(entry)?.[1];
                if (!account) {
                    continue;
                }
                // A role ARN is that role; an account (root or bare id) delegates to any of its roles.
                const isRole = /:role\//.test(entry) && !entry.includes("*");
                role(isRole ? entry : `arn:${partition}:iam::${account}:role/outsider`, account);
            }
        }
    }
    return [...named.values(), { kind: "anonymous", identity: [] }];
}

/** How a report names an outsider: the generic one by what it is, a named one by its ARN. */
export function outsiderLabel(p: Principal, generic: string): string {
    return p.kind === "anonymous"
        ? "anonymous caller"
        : p.account === GENERIC_OUTSIDER_ACCOUNT
          ? generic
          : `${p.arn ?? p.account} (another account)`;
}

/**
 * Context keys every request carries (or that the caller sets) and whose value the model does not know: a
 * condition on them holds for some callers, so it cannot stand between an outsider and the resource (e.g.
 * `Principal: {"AWS": "*"}` with `DateGreaterThan aws:CurrentTime` or `StringLike aws:userid *`).
 */
export function outsiderContext(): RequestContext {
    return {
        "aws:currenttime": ANY,
        "aws:epochtime": ANY,
        "aws:userid": ANY,
        "aws:username": ANY,
        "aws:useragent": ANY,
        "aws:referer": ANY,
        "aws:sourceip": ANY,
        "aws:requestedregion": ANY,
        "aws:tokenissuetime": ANY,
        "aws:principalisawsservice": ["false"],
        "aws:viaawsservice": ANY,
        "kms:viaservice": ANY,
        "aws:securetransport": ["true"],
        // A service acting for an outsider names the outsider's resource and account, never ours.
        "aws:sourcearn": ["arn:aws:sns:eu-west-1:999999999999:outsider"],
        "aws:sourceaccount": ["999999999999"],
    };
}
