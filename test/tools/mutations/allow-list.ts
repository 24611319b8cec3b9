// Issue 21 (network, data, detection and response): breaks no list of known-bad settings names, each expected
// from the policy that evaluates the effective behaviour.

import { Break, find } from "./common";

const doc = (r: { inputs: Record<string, any> }, prop: string, f: (d: any) => void) => {
    const d = JSON.parse(r.inputs[prop]);
    f(d);
    r.inputs[prop] = JSON.stringify(d);
};

export const allowListBreaks: Break[] = [
    {
        control: "PER-FW-EGRESS",
        policy: "network-firewall-effective-flows",
        what: "a pass rule for an unlisted host placed before the domain allow-list",
        apply: (rs) => {
            const g = find(rs, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-egress-hygiene");
            const src = g.inputs.ruleGroup.rulesSource;
            src.rulesString = `pass tls $HOME_NET any -> $EXTERNAL_NET any (tls.sni; content:"paste.invalid"; nocase; endswith; sid:1000099; rev:1;)\n${src.rulesString}`;
            return rs;
        },
    },
    {
        control: "PER-FW-EGRESS",
        policy: "network-s3-endpoint-policy",
        what: "an S3 interface endpoint with private DNS and a full-access policy beside the gateway endpoint",
        apply: (rs) => {
            const gw = find(rs, "aws:ec2/vpcEndpoint:VpcEndpoint", "mas-vpce-s3");
            const copy = JSON.parse(JSON.stringify(gw));
            copy.urn = `${gw.urn}-interface`;
            Object.assign(copy.inputs, {
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                policy: JSON.stringify({
                    Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
                }),
            });
            delete copy.inputs.routeTableIds;
            copy.outputs = { ...copy.outputs, ...copy.inputs, id: "vpce-0s3interface" };
            rs.push(copy);
            return rs;
        },
    },
    {
        control: "LOG-AGG-STORAGE",
        policy: "data-log-subscriptions-stay-home",
        what: "the EKS control-plane logs subscribed to a log destination in another account",
        apply: (rs) => {
            find(
                rs,
                "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
                "mas-logging-eks-to-s3",
            ).inputs.destinationArn = "arn:aws:logs:eu-west-1:444455556666:destination:collector";
            return rs;
        },
    },
    {
        control: "BAK-CRITICAL",
        policy: "data-backup-selects-classified",
        what: "the critical backup selection dropping the agent data bucket with notResources",
        apply: (rs) => {
            find(rs, "aws:backup/selection:Selection", "mas-backup-critical").inputs.notResources = [
                "arn:aws:s3:::mas-prod-agent-data-*",
            ];
            return rs;
        },
    },
    {
        control: "KMS-AT-REST",
        policy: "data-bucket-refuses-other-encryption",
        what: "the security log bucket's KMS-only deny statements removed",
        apply: (rs) => {
            doc(find(rs, "aws:s3/bucketPolicy:BucketPolicy", "mas-logging-security"), "policy", (d) => {
                d.Statement = d.Statement.filter((s: { Sid?: string }) => !/Kms/.test(s.Sid ?? ""));
            });
            return rs;
        },
    },
    {
        control: "DET-UNAUTH",
        policy: "operations-detection-fires",
        what: "the AccessDenied metric filter misspelt so that it matches no denied call",
        apply: (rs) => {
            find(rs, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "mas-failed-auth-access-denied").inputs.pattern =
                '{ ($.errorCode = "*UnauthorisedOperation") || ($.errorCode = "AccesDenied*") }';
            return rs;
        },
    },
    {
        control: "DET-ANOMALY",
        policy: "operations-detection-fires",
        what: "the high Security Hub route with a misspelt detail-type",
        apply: (rs) => {
            const r = find(rs, "aws:cloudwatch/eventRule:EventRule", "mas-securityhub-high");
            r.inputs.eventPattern = r.inputs.eventPattern.replace(
                "Security Hub Findings - Imported",
                "Security Hub Finding - Imported",
            );
            return rs;
        },
    },
    {
        control: "LOG-AUDIT-TRAIL",
        policy: "data-cloudtrail-settings",
        what: "the trail's management selector excluding KMS events",
        apply: (rs) => {
            const t = find(rs, "aws:cloudtrail/trail:Trail", "mas-audit-trail");
            t.inputs.advancedEventSelectors[0].fieldSelectors.push({
                field: "eventSource",
                notEquals: ["kms.amazonaws.com"],
            });
            return rs;
        },
    },
    {
        control: "IR-SB-EVIDENCE",
        policy: "operations-procedures-do-their-steps",
        what: "the collect_evidence runbook's snapshot step replaced by a sleep",
        apply: (rs) => {
            doc(find(rs, "aws:ssm/document:Document", "mas-collect-evidence"), "content", (d) => {
                d.mainSteps = d.mainSteps.map((s: { name: string; action: string }) =>
                    s.action === "aws:executeAwsApi"
                        ? { name: s.name, action: "aws:sleep", inputs: { Duration: "PT1S" } }
                        : s,
                );
            });
            return rs;
        },
    },
    {
        control: "AUTH-TOKEN",
        policy: "identity-cognito-token-validity",
        what: "the human client's refresh tokens valid for 30 days beside 12 h access tokens",
        apply: (rs) => {
            const c = find(rs, "aws:cognito/userPoolClient:UserPoolClient", "mas-human-client");
            c.inputs.refreshTokenValidity = 30;
            c.inputs.tokenValidityUnits = { ...c.inputs.tokenValidityUnits, refreshToken: "days" };
            return rs;
        },
    },
];
