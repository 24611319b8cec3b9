import { endpointServiceOf, endpointServices } from "../../catalog/endpoints";
import { evaluate, expandActions, outsiderContext, outsiderLabel, outsidersOf, parseDocument } from "../../lib/iam";
import type { PolicyDocument, Principal, RequestContext } from "../../lib/iam";
import { outsidersNamed } from "../../lib/iam/surface";
import { asString, resourcePolicy } from "../lib";

// Every path to an AWS API is bounded by its endpoint policy (issue 21): the policy is evaluated over every
// action of the service, for callers outside the stack's account, not read for known-bad statements.

const str = asString;
/** The account the endpoint stands in for when the evaluator asks "whose resource is this?" (not a real one). */
const ENDPOINT = "endpoint";
const OUTSIDER_ORG = "o-outsider0000";

/** A resource of the service owned by an account (the probe's target). */
function probeResource(prefix: string, region: string, account: string, partition: string): string {
    return prefix === "s3"
        ? `arn:${partition}:s3:::probe-${account}-bucket/object`
        : `arn:${partition}:${prefix}:${region}:${account}:probe/endpoint-policy`;
}

export interface EndpointLeak {
    caller: string;
    /** Whose resources: the caller's own account's, the stack's, or both. */
    owners: string[];
    actions: string[];
}

/**
 * What callers outside the stack's account can do through an endpoint with this policy: for a principal
 * perimeter, any call on anyone's resource; for a resource perimeter (S3), any call on a resource outside the
 * stack's account (also by the stack's own principals: that is the exfiltration path).
 */
export function endpointLeaks(
    doc: PolicyDocument,
    service: string,
    region: string,
    own: string | undefined,
    partition = "aws",
): EndpointLeak[] {
    const spec = endpointServices[service];
    const prefixes = spec?.prefixes ?? [service.split(".")[0]];
    const perimeter = spec?.perimeter ?? "principal";
    const actions = prefixes.flatMap((p) => expandActions(`${p}:*`));
    const callers: Principal[] = own ? outsidersNamed(doc, own, partition) : outsidersOf(doc, undefined, partition);
    if (perimeter === "resource" && own) {
        const everything: PolicyDocument = {
            statements: [{ sid: "all", effect: "Allow", actions: ["*"], resources: ["*"], conditions: [] }],
        };
        callers.push({
            kind: "role",
            arn: `arn:${partition}:iam::${own}:role/stack-role`,
            account: own,
            identity: [{ name: "AdministratorAccess (assumed)", document: everything }],
        });
    }
    const outsideAccount = (p: Principal) => (p.account && p.account !== own ? p.account : "999999999999");
    const out: EndpointLeak[] = [];
    for (const caller of callers) {
        const owners: string[] = [];
        const found = new Set<string>();
        const targets: { account: string; owner: string }[] =
            perimeter === "resource"
                ? [{ account: outsideAccount(caller), owner: caller.account === own ? "another account's" : "its own" }]
                : [
                      { account: outsideAccount(caller), owner: "its own" },
                      ...(own ? [{ account: own, owner: "the stack's" }] : []),
                  ];
        for (const t of targets) {
            const context: RequestContext = {
                ...outsiderContext(),
                "aws:resourceaccount": [t.account],
                "s3:resourceaccount": [t.account],
                "aws:resourceorgid": [t.account === own ? "o-stack" : OUTSIDER_ORG],
                ...(caller.account === own ? { "aws:principalorgid": ["o-stack"] } : {}),
                ...(caller.kind === "role" && caller.account !== own ? { "aws:principalorgid": [OUTSIDER_ORG] } : {}),
            };
            const allowed = actions.filter(
                (action) =>
                    evaluate(caller, {
                        action,
                        resource: probeResource(action.split(":")[0], region, t.account, partition),
                        resourceAccount: ENDPOINT,
                        resourcePolicy: { name: "endpoint policy", document: doc },
                        context,
                    }).possible,
            );
            if (allowed.length > 0) {
                owners.push(t.owner);
                allowed.forEach((a) => found.add(a));
            }
        }
        if (found.size > 0) {
            const label =
                caller.account === own && caller.kind === "role"
                    ? "a role of the stack's account"
                    : outsiderLabel(caller, "a role of an unrelated account");
            out.push({ caller: label, owners, actions: [...found].sort() });
        }
    }
    return out;
}

export const endpointPolicies = resourcePolicy({
    name: "network-endpoint-policies",
    description:
        "Every VPC endpoint to an AWS service (gateway or interface, private DNS on or off: its own DNS names reach it either way) has an endpoint policy, where the service supports one, that admits no caller outside the stack's account for any action of the service (catalog/endpoints.ts; S3: no bucket outside the stack's account and the named AWS-owned ones). Without a policy AWS attaches full access.",
    controls: ["PER-FW-EGRESS"],
    severity: "high",
    types: ["aws:ec2/vpcEndpoint:VpcEndpoint"],
    validate: (args, report) => {
        const p = args.props as Record<string, unknown>;
        const svc = endpointServiceOf(str(p.serviceName) ?? "");
        if (!svc) {
            return;
        }
        const type = str(p.vpcEndpointType) ?? "Gateway";
        const path =
            type === "Interface"
                ? p.privateDnsEnabled === true
                    ? "interface, private DNS on: all of the VPC's calls to the service"
                    : "interface, private DNS off: reached at its own DNS names"
                : `${type.toLowerCase()}: the route tables' traffic`;
        const what = `endpoint ${args.name} (service ${svc.service}, ${path})`;
        const spec = endpointServices[svc.service];
        if (spec && !spec.policySupported) {
            return;
        }
        const doc = parseDocument(p.policy);
        if (!doc || doc.statements.length === 0) {
            report(
                `[PER-FW-EGRESS] ${what} has no endpoint policy although the service supports one: AWS attaches full access (any principal of any account, every action)`,
            );
            return;
        }
        const own = str(p.ownerId) ?? str(p.arn)?.split(":")[4];
        const partition = str(p.arn)?.split(":")[1] ?? "aws";
        for (const leak of endpointLeaks(doc, svc.service, svc.region, own || undefined, partition)) {
            const n = leak.actions.length;
            report(
                `[PER-FW-EGRESS] ${what}: ${leak.caller} may call ${n} action${n === 1 ? "" : "s"} of the service on ${leak.owners.join(" and ")} resources through it (${leak.actions.slice(0, 3).join(", ")}${n > 3 ? ", …" : ""}): the endpoint policy does not limit it to the stack's account`,
            );
        }
    },
});
