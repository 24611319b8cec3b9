// The perimeter's WAF (web ACL with the incident-response block list, associated with the ALB, logging to
// our own log group) and, in prod, Shield Advanced.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logDeliveryPolicy } from "./log-delivery";
import { visibility, wafRules } from "./waf-rules";

export interface WebAclArgs {
    prefix: string;
    /** The header the per-agent rate limit keys on. */
    agentIdHeader: string;
    /** The ALB the web ACL protects. */
    albArn: pulumi.Input<string>;
    /** ARN of the WAF log group (its name starts with aws-waf-logs-). */
    wafLogGroupArn: pulumi.Input<string>;
}

/** The block list incident response adds to, the web ACL, its association with the ALB and its logging. */
export function webAcl(parent: pulumi.Resource, name: string, args: WebAclArgs) {
    const { prefix } = args;
    // Incident response adds addresses here; Pulumi ignores changes to them.
    const blockIpSet = new aws.wafv2.IpSet(
        `${name}-waf-block`,
        {
            name: `${prefix}-blocked`,
            description: "Addresses blocked by incident response",
            scope: "REGIONAL",
            ipAddressVersion: "IPV4",
            addresses: [],
        },
        { parent, ignoreChanges: ["addresses"] },
    );
    const acl = new aws.wafv2.WebAcl(
        `${name}-waf`,
        {
            name: `${prefix}-waf`,
            description: "Perimeter web ACL of the internet-facing ALB",
            scope: "REGIONAL",
            defaultAction: { allow: {} },
            rules: wafRules(blockIpSet.arn, args.agentIdHeader),
            visibilityConfig: visibility(`${prefix}-waf`),
        },
        { parent },
    );
    const association = new aws.wafv2.WebAclAssociation(
        `${name}-waf`,
        { resourceArn: args.albArn, webAclArn: acl.arn },
        { parent },
    );

    const deliveryPolicy = logDeliveryPolicy(
        `${name}-waf-logs`,
        { policyName: `${prefix}-waf-log-delivery`, logGroupArn: args.wafLogGroupArn },
        parent,
    );
    const logging = new aws.wafv2.WebAclLoggingConfiguration(
        `${name}-waf-logging`,
        {
            resourceArn: acl.arn,
            logDestinationConfigs: [args.wafLogGroupArn],
            // Credentials never reach the logs.
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
        },
        { parent, dependsOn: [deliveryPolicy] },
    );
    return { blockIpSet, webAcl: acl, association, logging };
}

/**
 * Shield Advanced on the ALB. The subscription (when this stack owns the account's services) is a 1-year
 * commitment that destroy cannot end (skipDestroy), so it is also protected from deletion.
 */
export function shieldAdvanced(
    parent: pulumi.Resource,
    name: string,
    args: { prefix: string; albArn: pulumi.Input<string>; subscribe: boolean },
) {
    const subscription = args.subscribe
        ? new aws.shield.Subscription(
              `${name}-shield`,
              { autoRenew: "ENABLED", skipDestroy: true },
              { parent, protect: true },
          )
        : undefined;
    const protection = new aws.shield.Protection(
        `${name}-shield-alb`,
        { name: `${args.prefix}-alb`, resourceArn: args.albArn },
        { parent, dependsOn: subscription ? [subscription] : [] },
    );
    return { subscription, protection };
}
