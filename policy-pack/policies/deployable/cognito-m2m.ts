// Machine-to-machine tokens (issue 22, item 4): Cognito serves the OAuth2 token endpoint (client_credentials)
// only on the user pool's public domain, not through PrivateLink. The stack's service client is for callers
// outside the VPC; a workload inside that is handed the client needs the pool's domain on the firewall's
// workload allow-list, or its token requests are dropped.

import { asObject, asString, asStrings, stackPolicy } from "../lib";

const CLIENT = "aws:cognito/userPoolClient:UserPoolClient";
const DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain";
const RULE_GROUP = "aws:networkfirewall/ruleGroup:RuleGroup";
/** Where a workload in the cluster could be handed a client: Kubernetes Secrets and ConfigMaps. */
const IN_CLUSTER = ["kubernetes:core/v1:Secret", "kubernetes:core/v1:ConfigMap"];

/** Whether an allow-list target (a leading dot is a wildcard) admits `host`. */
function admits(target: string, host: string): boolean {
    return target.startsWith(".") ? host.endsWith(target) || host === target.slice(1) : host === target;
}

export const m2mClientReachable = stackPolicy({
    name: "auth-m2m-client-reachable",
    description:
        "A Cognito client with the client_credentials flow is for callers outside the VPC (Cognito serves the token endpoint only on the user pool's public domain, not through its interface endpoint): if a Kubernetes Secret or ConfigMap hands its client id to a workload, the firewall's workload allow-list (not the deploy runner's) admits the pool's domain <domain>.auth.<region>.amazoncognito.com.",
    controls: ["AUTH-TOKEN"],
    severity: "medium",
    validate: (args, report) => {
        const rs = args.resources;
        const domains = rs
            .filter((r) => r.type === DOMAIN)
            .map((d) => asString(d.props.domain))
            .filter((d): d is string => !!d);
        const workloadTargets = rs
            .filter((r) => r.type === RULE_GROUP && asObject(r.props.tags).role !== "deploy-runner")
            .flatMap((r) =>
                asStrings(asObject(asObject(asObject(r.props.ruleGroup).rulesSource).rulesSourceList).targets),
            );
        const region = asString(asObject(rs.find((r) => r.type === "pulumi:providers:aws")?.props).region);
        for (const client of rs.filter(
            (r) => r.type === CLIENT && asStrings(r.props.allowedOauthFlows).includes("client_credentials"),
        )) {
            const id = asString(client.props.id);
            if (!id) {
                continue;
            }
            const consumers = rs.filter(
                (r) =>
                    IN_CLUSTER.includes(r.type) &&
                    [r.props.data, r.props.stringData].some((d) =>
                        Object.values(asObject(d)).some((v) => {
                            const s = String(v ?? "");
                            return (
                                s.includes(id) ||
                                (/^[A-Za-z0-9+/=]+$/.test(s) && Buffer.from(s, "base64").toString("utf8").includes(id))
                            );
                        }),
                    ),
            );
            if (consumers.length === 0) {
                continue; // outside callers only
            }
            const hosts = domains.map((d) => `${d}.auth.${region ?? "<region>"}.amazoncognito.com`);
            if (!hosts.some((h) => workloadTargets.some((t) => admits(t, h)))) {
                const where = consumers.map(
                    (c) =>
                        `${asString(asObject(c.props.metadata).namespace) ?? ""}/${asString(asObject(c.props.metadata).name) ?? c.name}`,
                );
                report(
                    `[AUTH-TOKEN] client_credentials client ${client.name} is handed to workloads in the cluster (${where.join(", ")}) but the firewall's workload allow-list does not admit the user pool's domain (${hosts.join(", ") || "no UserPoolDomain"}): Cognito serves tokens only there, not through PrivateLink, so every token request is dropped`,
                    client.urn,
                );
            }
        }
    },
});
