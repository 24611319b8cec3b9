// network_protection.perimeter, application firewall: WAF on every internet-facing ALB with the managed groups
// and the guide's rate limits, WAF logging, Shield Advanced (prod).

import { guide } from "../../catalog";
import { meetsGuide } from "../../catalog/direction";
import { networkDesign } from "../../catalog/network";
import { asArray, environmentSchema, stackEnvironmentOf, stackPolicy } from "../lib";
import { isInternetFacingAlb, num, Props, Rec, rec, str } from "./shared";

const rate = guide.serviceMesh.rateLimiting;
const DEFAULT_WINDOW = 300;

function rateRules(acl: Props): Rec[] {
    return asArray(acl.rules as Rec[])
        .map(rec)
        .filter((r) => "block" in rec(r.action))
        .map((r) => rec(rec(r.statement).rateBasedStatement))
        .filter((s) => Object.keys(s).length > 0);
}

/** A rate of at most the guide's (lower is stricter), and above zero (a zero limit is not a WAF limit). */
const within = (rps: number, key: "globalRps" | "perAgentRps") =>
    rps > 0 && meetsGuide(`serviceMesh.rateLimiting.${key}`, rps);
const perSecond = (s: Rec) => (num(s.limit) ?? 0) / (num(s.evaluationWindowSec) ?? DEFAULT_WINDOW);

export const albWaf = stackPolicy({
    name: "network-alb-waf",
    description: `Every internet-facing ALB is associated with a WAF web ACL holding the AWS managed groups (${networkDesign.wafManagedGroups.join(", ")}, none in count mode), a blocking global rate rule of ${rate.globalRps} rps (CONSTANT) and a per-agent one of ${rate.perAgentRps} rps (CUSTOM_KEYS on a header).`,
    controls: ["PER-WAF-RULES", "PER-DDOS"],
    severity: "critical",
    validate: (args, report) => {
        const aclArnOf = new Map<string, string>();
        for (const a of args.resources.filter((r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation")) {
            const lb = str(a.props.resourceArn);
            const acl = str(a.props.webAclArn);
            if (lb && acl) {
                aclArnOf.set(lb, acl);
            }
        }
        const acls = new Map(
            args.resources
                .filter((r) => r.type === "aws:wafv2/webAcl:WebAcl" && str(r.props.arn))
                .map((r) => [str(r.props.arn) as string, r]),
        );
        for (const lb of args.resources.filter(isInternetFacingAlb)) {
            const lbArn = str(lb.props.arn);
            if (!lbArn) {
                continue;
            }
            const aclArn = aclArnOf.get(lbArn);
            const acl = aclArn ? acls.get(aclArn) : undefined;
            if (!acl) {
                report(`[PER-WAF-RULES] internet-facing ALB ${lb.name} has no WAF web ACL association`, lb.urn);
                continue;
            }
            const groups = new Map<string, Rec>();
            for (const r of asArray(acl.props.rules as Rec[]).map(rec)) {
                const m = rec(rec(r.statement).managedRuleGroupStatement);
                if (m.vendorName === "AWS" && str(m.name)) {
                    groups.set(str(m.name) as string, r);
                }
            }
            const missing = networkDesign.wafManagedGroups.filter((g) => !groups.has(g));
            const ddosMissing = missing.filter((g) => g === "AWSManagedRulesAntiDDoSRuleSet");
            const wafMissing = missing.filter((g) => g !== "AWSManagedRulesAntiDDoSRuleSet");
            if (wafMissing.length > 0) {
                report(
                    `[PER-WAF-RULES] web ACL ${acl.name} lacks the managed rule groups ${wafMissing.join(", ")}`,
                    acl.urn,
                );
            }
            if (ddosMissing.length > 0) {
                report(
                    `[PER-DDOS] web ACL ${acl.name} lacks the managed rule group ${ddosMissing.join(", ")}`,
                    acl.urn,
                );
            }
            const counting = [...groups.entries()].filter(([, r]) => "count" in rec(r.overrideAction)).map(([g]) => g);
            if (counting.length > 0) {
                report(
                    `[PER-WAF-RULES] web ACL ${acl.name} runs managed groups in count mode: ${counting.join(", ")}`,
                    acl.urn,
                );
            }
            const rates = rateRules(acl.props);
            const global = rates.some((s) => s.aggregateKeyType === "CONSTANT" && within(perSecond(s), "globalRps"));
            if (!global) {
                report(
                    `[PER-DDOS] web ACL ${acl.name} has no blocking CONSTANT rate rule of at most ${rate.globalRps} rps (limit = rps × evaluationWindowSec)`,
                    acl.urn,
                );
            }
            const perAgent = rates.some(
                (s) =>
                    s.aggregateKeyType === "CUSTOM_KEYS" &&
                    asArray(s.customKeys as Rec[]).some((k) => str(rec(rec(k).header).name)) &&
                    within(perSecond(s), "perAgentRps"),
            );
            if (!perAgent) {
                report(
                    `[PER-DDOS] web ACL ${acl.name} has no blocking per-agent rate rule (CUSTOM_KEYS on a header) of at most ${rate.perAgentRps} rps`,
                    acl.urn,
                );
            }
        }
    },
});

export const wafLogging = stackPolicy({
    name: "network-waf-logging",
    description: "Every WAF web ACL has a logging configuration.",
    controls: ["PER-WAF-RULES"],
    severity: "high",
    validate: (args, report) => {
        const logged = new Set(
            args.resources
                .filter((r) => r.type === "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
                .map((r) => str(r.props.resourceArn)),
        );
        for (const acl of args.resources.filter((r) => r.type === "aws:wafv2/webAcl:WebAcl")) {
            const arn = str(acl.props.arn);
            if (arn && !logged.has(arn)) {
                report(`web ACL ${acl.name} has no logging configuration`, acl.urn);
            }
        }
    },
});

export const shieldAlb = stackPolicy({
    name: "network-shield-alb",
    description: "In prod, every internet-facing ALB is protected by Shield Advanced.",
    controls: ["PER-DDOS"],
    severity: "high",
    configSchema: environmentSchema,
    validate: (args, report) => {
        if (stackEnvironmentOf(args) !== "prod") {
            return;
        }
        const protectedArns = new Set(
            args.resources
                .filter((r) => r.type === "aws:shield/protection:Protection")
                .map((r) => str(r.props.resourceArn)),
        );
        for (const lb of args.resources.filter(isInternetFacingAlb)) {
            const arn = str(lb.props.arn);
            if (arn && !protectedArns.has(arn)) {
                report(`internet-facing ALB ${lb.name} has no Shield Advanced protection (required in prod)`, lb.urn);
            }
        }
    },
});
