import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { auditCommand } from "../../tools/audit";
import { runStack } from "../harness/program";

// End to end: a copy of the prod plan with one guide setting broken per control, audited by the pack's own
// analyzer handlers as `npm run audit` does. Every broken setting must surface under its control ID,
// and the untouched plan must pass. (The policy unit tests cover each rule in isolation.)
type Res = { urn: string; type: string; inputs: Record<string, any>; outputs: Record<string, any> };

/**
 * A setting changed in a real stack shows in both its inputs and its outputs (resource policies read the
 * first, stack policies the second): carry each input change over to the outputs, keeping the computed ones.
 */
function mirrorToOutputs(before: Res[], after: Res[]): Res[] {
    const original = new Map(before.map((r) => [r.urn, r.inputs]));
    return after.map((r) => {
        const old = original.get(r.urn) ?? {};
        if (JSON.stringify(old) === JSON.stringify(r.inputs)) {
            return r;
        }
        const computed = Object.fromEntries(Object.entries(r.outputs ?? {}).filter(([k]) => !(k in old)));
        return { ...r, outputs: { ...computed, ...JSON.parse(JSON.stringify(r.inputs)) } };
    });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mutations-"));

function find(resources: Res[], type: string, name: string): Res {
    const r = resources.find((x) => x.type === type && x.urn.endsWith(`::${name}`));
    if (!r) {
        throw new Error(`no ${type} named ${name} in the prod plan`);
    }
    return r;
}

const mutations: { control: string; what: string; apply(rs: Res[]): Res[] }[] = [
    {
        control: "NET-SEG-AGENT",
        what: "an agent subnet moved outside 10.0.1.0/24",
        apply: (rs) => {
            const s = find(rs, "aws:ec2/subnet:Subnet", "mas-agent-0");
            s.inputs.cidrBlock = "10.0.9.0/26";
            return rs;
        },
    },
    {
        control: "PER-FW-EGRESS",
        what: "the agent route table's default route sent to the internet gateway",
        apply: (rs) => {
            const r = find(rs, "aws:ec2/route:Route", "mas-agent-default-0");
            delete r.inputs.natGatewayId;
            r.inputs.gatewayId = "igw-e6bc7393a86b2df89";
            return rs;
        },
    },
    {
        control: "TLS-TRANSPORT",
        what: "the HTTPS listener on a TLS 1.2 policy",
        apply: (rs) => {
            find(rs, "aws:lb/listener:Listener", "mas-https").inputs.sslPolicy = "ELBSecurityPolicy-2016-08";
            return rs;
        },
    },
    {
        control: "PER-DDOS",
        what: "the global rate rule's limit doubled",
        apply: (rs) => {
            const acl = find(rs, "aws:wafv2/webAcl:WebAcl", "mas-waf");
            const rule = acl.inputs.rules.find(
                (r: any) => r.statement?.rateBasedStatement?.aggregateKeyType === "CONSTANT",
            );
            rule.statement.rateBasedStatement.limit *= 2;
            return rs;
        },
    },
    {
        control: "IDS-SIGNATURE",
        what: "the firewall policy without STRICT_ORDER",
        apply: (rs) => {
            const p = find(rs, "aws:networkfirewall/firewallPolicy:FirewallPolicy", "mas-firewall-policy");
            p.inputs.firewallPolicy.statefulEngineOptions.ruleOrder = "DEFAULT_ACTION_ORDER";
            return rs;
        },
    },
    {
        control: "IPS-BEHAVIORAL",
        what: "GuardDuty runtime monitoring disabled",
        apply: (rs) => {
            find(rs, "aws:guardduty/detectorFeature:DetectorFeature", "mas-firewall-guardduty-runtime").inputs.status =
                "DISABLED";
            return rs;
        },
    },
    {
        control: "LOG-SYSTEM-RETENTION",
        what: "system logs expiring after 30 days instead of 90",
        apply: (rs) => {
            const l = find(
                rs,
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "mas-logging-system",
            );
            l.inputs.rules[0].expiration.days = 30;
            delete l.inputs.rules[0].transitions;
            return rs;
        },
    },
    {
        control: "LOG-AUDIT-RETENTION",
        what: "the audit bucket's Object Lock in GOVERNANCE mode",
        apply: (rs) => {
            find(
                rs,
                "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                "mas-logging-audit",
            ).inputs.rule.defaultRetention.mode = "GOVERNANCE";
            return rs;
        },
    },
    {
        control: "LOG-AUDIT-TRAIL",
        what: "CloudTrail limited to one region",
        apply: (rs) => {
            find(rs, "aws:cloudtrail/trail:Trail", "mas-audit-trail").inputs.isMultiRegionTrail = false;
            return rs;
        },
    },
    {
        control: "BAK-SENSITIVE",
        what: "sensitive backups kept 180 days instead of 1 year",
        apply: (rs) => {
            find(rs, "aws:backup/plan:Plan", "mas-backup-sensitive").inputs.rules[0].lifecycle.deleteAfter = 180;
            return rs;
        },
    },
    {
        control: "EKS-ENDPOINT",
        what: "a public EKS endpoint in prod",
        apply: (rs) => {
            find(rs, "aws:eks/cluster:Cluster", "mas-eks").inputs.vpcConfig.endpointPublicAccess = true;
            return rs;
        },
    },
    {
        control: "EKS-NODE-IMDS",
        what: "IMDSv1 allowed on the service nodes",
        apply: (rs) => {
            find(rs, "aws:ec2/launchTemplate:LaunchTemplate", "mas-service-nodes").inputs.metadataOptions.httpTokens =
                "optional";
            return rs;
        },
    },
    {
        control: "AUTH-TOKEN",
        what: "24 h access tokens",
        apply: (rs) => {
            find(rs, "aws:cognito/userPoolClient:UserPoolClient", "mas-human-client").inputs.accessTokenValidity = 24;
            return rs;
        },
    },
    {
        control: "RBAC-ADMIN-MFA",
        what: "system_admin assumable without MFA",
        apply: (rs) => {
            const role = find(rs, "aws:iam/role:Role", "mas-system-admin");
            const doc = JSON.parse(role.inputs.assumeRolePolicy);
            delete doc.Statement[0].Condition;
            role.inputs.assumeRolePolicy = JSON.stringify(doc);
            return rs;
        },
    },
    {
        control: "K8S-PSA",
        what: "an agent namespace enforcing only the baseline profile",
        apply: (rs) => {
            find(rs, "kubernetes:core/v1:Namespace", "mas-ns-coordinator").inputs.metadata.labels[
                "pod-security.kubernetes.io/enforce"
            ] = "baseline";
            return rs;
        },
    },
    {
        control: "MESH-MTLS-STRICT",
        what: "mesh-wide mTLS PERMISSIVE",
        apply: (rs) => {
            find(
                rs,
                "kubernetes:security.istio.io/v1:PeerAuthentication",
                "mas-peer-authentication",
            ).inputs.spec.mtls.mode = "PERMISSIVE";
            return rs;
        },
    },
    {
        control: "MESH-AUTHZ-STRICT",
        what: "a wildcard principal in the task rule",
        apply: (rs) => {
            const p = rs.find(
                (r) =>
                    r.type === "kubernetes:security.istio.io/v1:AuthorizationPolicy" &&
                    r.inputs.metadata.name === "allow-task-executors",
            )!;
            p.inputs.spec.rules[0].from[0].source.principals = ["*"];
            return rs;
        },
    },
    {
        control: "MESH-RATE-AGENT",
        what: "the planner namespace without its rate-limit filter",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-planner-ratelimit")),
    },
    {
        control: "MESH-MTLS-ROTATION",
        what: "an intermediate CA valid for a year",
        apply: (rs) => {
            find(
                rs,
                "tls:index/locallySignedCert:LocallySignedCert",
                "mas-ca-intermediate",
            ).inputs.validityPeriodHours = 8760;
            return rs;
        },
    },
    {
        control: "MESH-MTLS-CA",
        what: "a cacerts bundle without cert-chain.pem (istiod would not start on it)",
        apply: (rs) => {
            // The Secret's data is a secret: in the plan it is written as `--show-secrets` would write it.
            const data = find(rs, "kubernetes:core/v1:Secret", "mas-cacerts").inputs.stringData;
            const bundle = JSON.parse(data.plaintext);
            delete bundle["cert-chain.pem"];
            data.plaintext = JSON.stringify(bundle);
            return rs;
        },
    },
    {
        control: "DET-UNAUTH",
        what: "the failed-authentication alarm at 10 instead of 5",
        apply: (rs) => {
            find(rs, "aws:cloudwatch/metricAlarm:MetricAlarm", "mas-failed-auth").inputs.threshold = 10;
            return rs;
        },
    },
    {
        control: "DET-ANOMALY",
        what: "an anomaly band of 2 standard deviations",
        apply: (rs) => {
            find(
                rs,
                "aws:cloudwatch/metricAlarm:MetricAlarm",
                "mas-anomaly-requests",
            ).inputs.metricQueries[1].expression = "ANOMALY_DETECTION_BAND(m1, 2)";
            return rs;
        },
    },
    {
        control: "IR-SB-ISOLATE",
        what: "the isolate_systems automation without a responder rule",
        apply: (rs) => rs.filter((r) => !r.urn.endsWith("::mas-ec2-compromise-isolate-systems")),
    },
    {
        control: "MNT-PATCH-CRITICAL",
        what: "critical patches approved after 7 days",
        apply: (rs) => {
            find(rs, "aws:ssm/patchBaseline:PatchBaseline", "mas-baseline").inputs.approvalRules[0].approveAfterDays =
                7;
            return rs;
        },
    },
];

async function audit(
    file: string,
): Promise<{ code: number; violations: { control: string; urn: string; message: string }[] }> {
    const out = `${file}.report.json`;
    const spy = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
        // In-process: the same handlers as the engine's gRPC path (test/tools/launchers.test.ts proves the reports equal).
        const code = await auditCommand(["--state", file, "--stack", "prod", "--out", out, "--launcher", "in-process"]);
        return { code, violations: JSON.parse(fs.readFileSync(out, "utf8")).violations };
    } finally {
        spy.mockRestore();
    }
}

describe("broken settings in a prod plan fail the audit under their control ID", () => {
    let doc: { deployment: { resources: Res[] } };
    beforeAll(async () => {
        const { toDeployment } = require("../../tools/lib/deployment") as typeof import("../../tools/lib/deployment");
        doc = toDeployment(await runStack("prod"), { project: "multi-agent-security", stack: "prod" }) as typeof doc;
    });

    it("passes the untouched plan", async () => {
        const file = path.join(tmp, "prod.json");
        fs.writeFileSync(file, JSON.stringify(doc));
        const { code, violations } = await audit(file);
        expect(violations).toEqual([]);
        expect(code).toBe(0);
    });

    it("fails with every broken setting's control", async () => {
        let resources: Res[] = JSON.parse(JSON.stringify(doc.deployment.resources));
        for (const m of mutations) {
            resources = m.apply(resources);
        }
        resources = mirrorToOutputs(doc.deployment.resources, resources);
        const file = path.join(tmp, "prod-broken.json");
        fs.writeFileSync(file, JSON.stringify({ ...doc, deployment: { ...doc.deployment, resources } }));
        const { code, violations } = await audit(file);
        expect(code).toBe(1);
        const failing = new Set(violations.flatMap((v) => v.control.split(",")));
        const missed = mutations.filter((m) => !failing.has(m.control)).map((m) => `${m.control} (${m.what})`);
        expect(missed).toEqual([]);
    });
});
