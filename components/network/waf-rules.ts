// The web ACL's rules: the incident-response block list, AWS managed groups and the guide's rate limits.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { guide } from "../../policy-pack/catalog";
import { networkDesign, wafRateLimit } from "../../policy-pack/catalog/network";

/** CloudWatch metrics and sampled requests of a web ACL or rule. */
export const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    metricName,
    sampledRequestsEnabled: true,
});

/** WAF rules, evaluated by priority: block list, anti-DDoS, reputation, the guide's rate limits, then
 * the common / bad-input / SQLi groups. */
export function wafRules(
    blockIpSetArn: pulumi.Input<string>,
    agentIdHeader: string,
): aws.types.input.wafv2.WebAclRule[] {
    const rate = guide.serviceMesh.rateLimiting;
    const managed = (priority: number, group: string, extra: object = {}) => ({
        name: group,
        priority,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group, ...extra } },
        visibilityConfig: visibility(group),
    });
    return [
        {
            name: "incident-response-block",
            priority: 0,
            action: { block: {} },
            statement: { ipSetReferenceStatement: { arn: blockIpSetArn } },
            visibilityConfig: visibility("incident-response-block"),
        },
        managed(1, "AWSManagedRulesAntiDDoSRuleSet", {
            managedRuleGroupConfigs: [
                {
                    awsManagedRulesAntiDdosRuleSet: {
                        // Agents are API clients that cannot solve a browser challenge.
                        clientSideActionConfig: { challenge: { usageOfAction: "DISABLED" } },
                        sensitivityToBlock: "LOW",
                    },
                },
            ],
        }),
        managed(2, "AWSManagedRulesAmazonIpReputationList"),
        {
            // Global limit: WAF counts per evaluation window, so globalRps × window requests per window.
            name: "global-rate-limit",
            priority: 3,
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    aggregateKeyType: "CONSTANT",
                    evaluationWindowSec: networkDesign.wafRateWindowSec,
                    limit: wafRateLimit(rate.globalRps),
                    // CONSTANT needs a scope-down: every request path starts with "/".
                    scopeDownStatement: {
                        byteMatchStatement: {
                            fieldToMatch: { uriPath: {} },
                            positionalConstraint: "STARTS_WITH",
                            searchString: "/",
                            textTransformations: [{ priority: 0, type: "NONE" }],
                        },
                    },
                },
            },
            visibilityConfig: visibility("global-rate-limit"),
        },
        {
            // The per-agent limit keys on a header the client sends; WAF does not count a request that lacks
            // a custom key, so agent API requests without it are blocked here (only the OAuth2 sign-in
            // paths of human users are exempt).
            name: "agent-id-required",
            priority: 4,
            action: { block: {} },
            statement: {
                andStatement: {
                    statements: [
                        { notStatement: { statement: headerPresent(agentIdHeader) } },
                        {
                            notStatement: {
                                statement: {
                                    byteMatchStatement: {
                                        fieldToMatch: { uriPath: {} },
                                        positionalConstraint: "STARTS_WITH",
                                        searchString: networkDesign.wafAgentIdExemptPathPrefix,
                                        textTransformations: [{ priority: 0, type: "NONE" }],
                                    },
                                },
                            },
                        },
                    ],
                },
            },
            visibilityConfig: visibility("agent-id-required"),
        },
        {
            // Rotating the header value opens a new bucket per value: one source address may never exceed
            // one agent's rate, whatever identifiers it sends. (The authenticated per-agent limit is the
            // mesh's, keyed on the mTLS identity.)
            name: "per-source-rate-limit",
            priority: 5,
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    aggregateKeyType: "IP",
                    evaluationWindowSec: networkDesign.wafRateWindowSec,
                    limit: wafRateLimit(rate.perAgentRps),
                },
            },
            visibilityConfig: visibility("per-source-rate-limit"),
        },
        {
            name: "per-agent-rate-limit",
            priority: 6,
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    aggregateKeyType: "CUSTOM_KEYS",
                    evaluationWindowSec: networkDesign.wafRateWindowSec,
                    limit: wafRateLimit(rate.perAgentRps),
                    customKeys: [
                        {
                            header: {
                                name: agentIdHeader,
                                textTransformations: [{ priority: 0, type: "NONE" }],
                            },
                        },
                    ],
                },
            },
            visibilityConfig: visibility("per-agent-rate-limit"),
        },
        managed(7, "AWSManagedRulesCommonRuleSet"),
        managed(8, "AWSManagedRulesKnownBadInputsRuleSet"),
        managed(9, "AWSManagedRulesSQLiRuleSet"),
    ];
}

/** Matches a request that carries the header with a non-empty value (a missing header never matches). */
function headerPresent(header: string): aws.types.input.wafv2.WebAclRuleStatement {
    return {
        sizeConstraintStatement: {
            fieldToMatch: { singleHeader: { name: header } },
            comparisonOperator: "GT",
            size: 0,
            textTransformations: [{ priority: 0, type: "NONE" }],
        },
    };
}
