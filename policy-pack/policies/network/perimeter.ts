// network_protection.perimeter: security groups (nothing open to the internet but the ALB's group on 443 / 80),
// listeners (TLS 1.3 only, HTTP only redirects) and ALB hardening.

import { networkDesign } from "../../catalog/network";
import { asArray, effectiveTags, environmentOf, environmentSchema, resourcePolicy } from "../lib";
import { isApplication, LB_TYPES, num, Props, PUBLIC_V4, PUBLIC_V6, Rec, rec, str } from "./shared";

const SG_TYPES = {
    group: "aws:ec2/securityGroup:SecurityGroup",
    defaultGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    legacyRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
};

interface Opening {
    protocol: string;
    from: number;
    to: number;
    cidr: string;
}

function describeOpening(o: Opening): string {
    const proto = o.protocol === "-1" || o.protocol === "all" ? "all protocols" : o.protocol;
    const ports = o.protocol === "-1" || o.protocol === "all" ? "all ports" : `ports ${o.from}-${o.to}`;
    return `${proto} ${ports} from ${o.cidr}`;
}

/** The ALB exception: TCP 443 or 80 exactly, on something tagged role=alb. */
function albException(o: Opening, role: string | undefined): boolean {
    const tcp = o.protocol === "tcp" || o.protocol === "6";
    const port = o.from === o.to && [networkDesign.ports.https, networkDesign.ports.http].includes(o.from as 443 | 80);
    return role === "alb" && tcp && port;
}

function publicCidrs(v4: unknown, v6: unknown): string[] {
    return [
        ...asArray(v4 as string | string[]).filter((c) => c === PUBLIC_V4),
        ...asArray(v6 as string | string[]).filter((c) => c === PUBLIC_V6),
    ];
}

export const noPublicIngress = resourcePolicy({
    name: "network-sg-no-public-ingress",
    description:
        "No security group admits 0.0.0.0/0 or ::/0, except the ALB's group (tag role=alb) on TCP 443 and 80 (redirect).",
    controls: ["PER-FW-INGRESS", "NET-SEG-AGENT", "NET-SEG-SERVICE", "NET-SEG-MGMT"],
    severity: "critical",
    types: Object.values(SG_TYPES),
    validate: (args, report) => {
        const props = args.props as Props;
        const role = effectiveTags(args)["role"];
        const openings: Opening[] = [];
        if (args.type === SG_TYPES.group || args.type === SG_TYPES.defaultGroup) {
            for (const entry of asArray(props.ingress as Rec[])) {
                const e = rec(entry);
                for (const cidr of publicCidrs(e.cidrBlocks, e.ipv6CidrBlocks)) {
                    openings.push({
                        protocol: String(e.protocol ?? "-1"),
                        from: num(e.fromPort) ?? 0,
                        to: num(e.toPort) ?? 65535,
                        cidr,
                    });
                }
            }
        } else if (args.type === SG_TYPES.ingressRule) {
            for (const cidr of publicCidrs(props.cidrIpv4, props.cidrIpv6)) {
                openings.push({
                    protocol: String(props.ipProtocol ?? "-1"),
                    from: num(props.fromPort) ?? 0,
                    to: num(props.toPort) ?? 65535,
                    cidr,
                });
            }
        } else if (props.type === "ingress") {
            for (const cidr of publicCidrs(props.cidrBlocks, props.ipv6CidrBlocks)) {
                const o = {
                    protocol: String(props.protocol ?? "-1"),
                    from: num(props.fromPort) ?? 0,
                    to: num(props.toPort) ?? 65535,
                    cidr,
                };
                // aws.ec2.SecurityGroupRule has no tags, so it can never be the ALB exception.
                report(
                    `[PER-FW-INGRESS] security group rule opens ${describeOpening(o)}; a SecurityGroupRule cannot carry the role=alb tag, use a tagged aws.vpc.SecurityGroupIngressRule for the ALB`,
                );
            }
            return;
        }
        for (const o of openings) {
            if (!albException(o, role)) {
                report(
                    `[PER-FW-INGRESS] security group ingress opens ${describeOpening(o)}; only the ALB's group (tag role=alb) may be open to the internet, on TCP 443 or 80`,
                );
            }
        }
    },
});

export const listenerTls = resourcePolicy({
    name: "network-alb-listener-tls13",
    description:
        "HTTPS / TLS listeners use a TLS 1.3-only security policy (forward secrecy by construction); HTTP listeners only redirect to HTTPS with a 301.",
    controls: ["TLS-TRANSPORT", "TLS-IN-TRANSIT", "TLS-PFS"],
    severity: "high",
    types: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    validate: (args, report) => {
        const props = args.props as Props;
        // An ALB listener without `protocol` is HTTP (the provider's default); only Gateway Load Balancer
        // listeners have neither protocol nor port.
        const protocol = String(props.protocol ?? (props.port !== undefined ? "HTTP" : "")).toUpperCase();
        const port = props.port ?? "?";
        if (protocol === "HTTPS" || protocol === "TLS") {
            const policy = str(props.sslPolicy);
            if (!policy?.startsWith(networkDesign.tls13OnlyPolicyPrefix)) {
                const why = `${protocol} listener on port ${port} uses ${policy ?? "the API default ELBSecurityPolicy-2016-08"}; use a TLS 1.3-only policy (${networkDesign.tls13OnlyPolicyPrefix}*), e.g. ${networkDesign.albSslPolicy}`;
                // Below TLS 1.3 the listener breaks both the transport and the in-transit requirement; forward
                // secrecy holds only for the FS policies (ECDHE suites only), so any other policy breaks it too.
                report(`[TLS-TRANSPORT] ${why}`);
                report(`[TLS-IN-TRANSIT] ${why}`);
                if (!policy?.includes("-FS-")) {
                    report(`[TLS-PFS] ${why} (it may negotiate a key exchange without forward secrecy)`);
                }
            }
        } else if (protocol === "HTTP") {
            const actions = asArray(props.defaultActions as Rec[]).map(rec);
            const redirects =
                actions.length === 1 &&
                actions[0].type === "redirect" &&
                rec(actions[0].redirect).protocol === "HTTPS" &&
                rec(actions[0].redirect).statusCode === "HTTP_301";
            if (!redirects) {
                report(`[TLS-TRANSPORT] HTTP listener on port ${port} must only redirect to HTTPS (HTTP_301)`);
            }
        }
    },
});

export const albHardening = resourcePolicy({
    name: "network-alb-hardening",
    description:
        "Application load balancers drop invalid header fields, write access logs and, in prod, have deletion protection.",
    controls: ["PER-LB"],
    severity: "high",
    types: LB_TYPES,
    configSchema: environmentSchema,
    validate: (args, report) => {
        const props = args.props as Props;
        if (!isApplication(props)) {
            return;
        }
        if (props.dropInvalidHeaderFields !== true) {
            report("ALB does not drop invalid header fields (dropInvalidHeaderFields must be true)");
        }
        const logs = rec(props.accessLogs);
        if (logs.enabled !== true || !str(logs.bucket)) {
            report("ALB access logs are off (accessLogs needs a bucket and enabled: true)");
        }
        if (environmentOf(args) === "prod" && props.enableDeletionProtection !== true) {
            report("ALB has no deletion protection (enableDeletionProtection must be true in prod)");
        }
    },
});
