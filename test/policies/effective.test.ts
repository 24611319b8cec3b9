import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    authorizationEffective,
    destinationRuleTls,
    networkPolicyEffective,
    workloadCertTtl,
} from "../../policy-pack/policies/mesh";
import { segmentReachability } from "../../policy-pack/policies/network";
import { incidentAutomation, requiredAndEnabled } from "../../policy-pack/policies/operations";
import { StackResourceCase, validateResource, validateStack } from "../harness/policy";
import { plain, runStack } from "../harness/program";

// Breaks of effective behaviour in the prod plan, each written differently from the examples in the issue
// (an allow-all NetworkPolicy, an SG open to all destinations, a missing resource): every one must be
// reported by the policy that computes the behaviour, under its control, naming the resource.
type R = StackResourceCase & { props: Record<string, any> };

let base: R[];
// The pack reads the admin CIDRs from the stack's own config, as the Pulumi nodejs host hands it over.
const savedConfig = process.env.PULUMI_CONFIG;
afterAll(() => {
    if (savedConfig === undefined) {
        delete process.env.PULUMI_CONFIG;
    } else {
        process.env.PULUMI_CONFIG = savedConfig;
    }
});

beforeAll(async () => {
    process.env.PULUMI_CONFIG = JSON.stringify({
        "multi-agent-security:adminCidrs": JSON.stringify(["198.51.100.0/24"]),
    });
    const run = await runStack("prod");
    base = run.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: plain<Record<string, any>>(r.outputs),
    }));
});

function copy(): R[] {
    return JSON.parse(JSON.stringify(base)) as R[];
}

function one(rs: R[], type: string, name: string): R {
    const r = rs.find((x) => x.type === type && x.name === name);
    if (!r) {
        throw new Error(`no ${type} ${name}`);
    }
    return r;
}

function messages(policy: StackValidationPolicy, rs: R[], config: Record<string, unknown> = {}): string[] {
    return validateStack(policy, rs, config).map((v) => v.message);
}

const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const AP = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const SG_IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG_OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ACL = "aws:ec2/networkAcl:NetworkAcl";
const ROUTE = "aws:ec2/route:Route";

describe("the untouched prod plan", () => {
    it("passes every effective-behaviour policy", () => {
        expect(messages(networkPolicyEffective, base)).toEqual([]);
        expect(messages(authorizationEffective, base)).toEqual([]);
        expect(messages(segmentReachability, base)).toEqual([]);
        expect(messages(requiredAndEnabled, base)).toEqual([]);
    });
});

describe("K8S-NETPOL: NetworkPolicies taken as a union", () => {
    it("a second policy admitting every namespace into an agent namespace", () => {
        const rs = copy();
        rs.push({
            type: NP,
            name: "extra",
            props: {
                metadata: { name: "from-cluster", namespace: "agent-task-executor" },
                spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] },
            },
        });
        const m = messages(networkPolicyEffective, rs);
        expect(m).toHaveLength(1);
        expect(m[0]).toContain("[K8S-NETPOL] NetworkPolicy agent-task-executor/from-cluster allows ingress");
        // Every namespace, including ones nobody declared yet (10 in all, 4 shown).
        expect(m[0]).toContain("pods {} in istio-system on all ports");
        expect(m[0]).toContain("(+6 more)");
    });

    it("round 2's coordinator: every agent namespace admitted on every port, not only the mesh port", () => {
        const rs = copy();
        const np = rs.find(
            (r) =>
                r.type === NP &&
                r.props.metadata.namespace === "agent-coordinator" &&
                r.props.metadata.name === "allow-mesh",
        );
        if (!np) {
            throw new Error("no allow-mesh in agent-coordinator");
        }
        delete np.props.spec.ingress[1].ports;
        const m = messages(networkPolicyEffective, rs);
        expect(m).toEqual([
            "[K8S-NETPOL] NetworkPolicy agent-coordinator/allow-mesh allows ingress beyond the intended flows: pods {} in agent-task-executor on all ports; pods {} in agent-planner on all ports",
        ]);
        // And an agent reaching the coordinator on every port.
        const rs2 = copy();
        const planner = one(rs2, NP, "mas-mesh-planner").props.spec;
        const toCoordinator = planner.egress.find((e: { ports?: { port: number }[] }) => e.ports?.[0]?.port === 8443);
        delete toCoordinator.ports;
        expect(messages(networkPolicyEffective, rs2)[0]).toContain(
            "[K8S-NETPOL] NetworkPolicy agent-planner/allow-mesh allows egress beyond the intended flows:",
        );
    });

    it("egress to every address but the VPC, on every port (ipBlock with except, no ports)", () => {
        const rs = copy();
        rs.push({
            type: NP,
            name: "extra",
            props: {
                metadata: { name: "internet", namespace: "agent-planner" },
                spec: {
                    podSelector: { matchLabels: { app: "planner" } },
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }] }],
                },
            },
        });
        expect(messages(networkPolicyEffective, rs)).toEqual([
            "[K8S-NETPOL] NetworkPolicy agent-planner/internet allows egress beyond the intended flows: 0.0.0.0-9.255.255.255 on all ports; 10.1.0.0-255.255.255.255 on all ports",
        ]);
    });

    it("HTTPS into the whole VPC (the agent and management segments), not only the API / endpoint subnets", () => {
        const rs = copy();
        rs.push({
            type: NP,
            name: "extra",
            props: {
                metadata: { name: "vpc-https", namespace: "agent-planner" },
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 443 }] }],
                },
            },
        });
        const m = messages(networkPolicyEffective, rs);
        expect(m).toHaveLength(1);
        // The intent admits only the three service subnets (10.0.2.0-10.0.2.191) of the VPC on 443.
        expect(m[0]).toBe(
            "[K8S-NETPOL] NetworkPolicy agent-planner/vpc-https allows egress beyond the intended flows: 10.0.0.0-10.0.255.255 on TCP/443",
        );
        // The service subnets alone are intended: the same rule narrowed to them passes.
        const np = one(rs, NP, "extra").props.spec;
        np.egress[0].to = ["10.0.2.0/26", "10.0.2.64/26", "10.0.2.128/26"].map((cidr) => ({ ipBlock: { cidr } }));
        expect(messages(networkPolicyEffective, rs)).toEqual([]);
    });

    it("the default-deny removed and the allow policy limited to Ingress: egress is no longer isolated", () => {
        const rs = copy().filter((r) => r.name !== "mas-deny-coordinator");
        one(rs, NP, "mas-mesh-coordinator").props.spec.policyTypes = ["Ingress"];
        const m = messages(networkPolicyEffective, rs);
        expect(m).toContain(
            "[K8S-NETPOL] agent namespace agent-coordinator: every pod is not isolated for egress (no NetworkPolicy selecting it lists Egress), so all egress is allowed",
        );
    });
});

describe("MESH-AUTHZ-*: AuthorizationPolicies in Istio's order", () => {
    it("a mesh-wide ALLOW in the root namespace admits a namespace into every agent", () => {
        const rs = copy();
        rs.push({
            type: AP,
            name: "extra",
            props: {
                metadata: { name: "ops", namespace: "istio-system" },
                spec: { action: "ALLOW", rules: [{ from: [{ source: { namespaces: ["agent-planner"] } }] }] },
            },
        });
        const m = messages(authorizationEffective, rs);
        expect(
            m.some((x) => x.startsWith("[MESH-AUTHZ-STRICT] agent namespace agent-task-executor (task-executor)")),
        ).toBe(true);
        expect(m.join("\n")).toContain("cluster.local/ns/agent-planner/sa/");
        expect(m.join("\n")).toContain("via istio-system/ops (ALLOW)");
    });

    it("the task-executor service account named in the wrong namespace (principals carry the namespace)", () => {
        const rs = copy();
        const allow = one(rs, AP, "mas-coordinator-allow-tasks");
        allow.props.spec.rules[0].from[0].source.principals = ["cluster.local/ns/agent-planner/sa/task-executor"];
        const m = messages(authorizationEffective, rs);
        expect(m).toHaveLength(2);
        expect(m[0]).toMatch(
            /^\[MESH-AUTHZ-STRICT\] agent namespace agent-coordinator \(coordinator\) admits 2 requests/,
        );
        expect(m[0]).toContain("cluster.local/ns/agent-planner/sa/task-executor POST /api/v1/tasks/probe");
        expect(m[1]).toMatch(
            /^\[MESH-AUTHZ-TASKS\] agent namespace agent-coordinator \(coordinator\) refuses 4 requests/,
        );
    });

    it("a DENY on the coordinator overrides the guide's ALLOW (DENY is evaluated first)", () => {
        const rs = copy();
        rs.push({
            type: AP,
            name: "extra",
            props: {
                metadata: { name: "no-writes", namespace: "agent-coordinator" },
                spec: { action: "DENY", rules: [{ to: [{ operation: { methods: ["POST"] } }] }] },
            },
        });
        const m = messages(authorizationEffective, rs);
        expect(m).toHaveLength(1);
        expect(m[0]).toMatch(
            /^\[MESH-AUTHZ-TASKS\] agent namespace agent-coordinator \(coordinator\) refuses 2 requests/,
        );
        expect(m[0]).toContain("denied by agent-coordinator/no-writes (DENY)");
    });

    it("notMethods widens the guide's rule to every other method", () => {
        const rs = copy();
        const op = one(rs, AP, "mas-coordinator-allow-tasks").props.spec.rules[0].to[0].operation;
        delete op.methods;
        op.notMethods = ["DELETE"];
        const m = messages(authorizationEffective, rs);
        expect(m).toHaveLength(1);
        expect(m[0]).toContain("[MESH-AUTHZ-STRICT] agent namespace agent-coordinator");
        expect(m[0]).toContain("HEAD /api/v1/tasks/probe");
    });
});

describe("MESH-MTLS-*: DestinationRule TLS and workload certificate lifetime", () => {
    const dr = (mode: string, host = "coordinator.agent-coordinator.svc.cluster.local") => ({
        type: "kubernetes:networking.istio.io/v1:DestinationRule",
        props: {
            metadata: { name: "coord", namespace: "agent-task-executor" },
            spec: { host, trafficPolicy: { portLevelSettings: [{ port: { number: 8443 }, tls: { mode } }] } },
        },
    });

    it("refuses DISABLE and SIMPLE towards in-mesh hosts, per port too", () => {
        expect(validateResource(destinationRuleTls as ResourceValidationPolicy, dr("DISABLE"))).toEqual([
            "[MESH-MTLS-STRICT] DestinationRule agent-task-executor/coord (trafficPolicy port 8443) sets tls.mode DISABLE for in-mesh host coordinator.agent-coordinator.svc.cluster.local; clients would send plain text, which STRICT peers refuse or which bypasses mesh identity",
        ]);
        expect(
            validateResource(destinationRuleTls as ResourceValidationPolicy, dr("SIMPLE", "coordinator")),
        ).toHaveLength(1);
    });

    it("accepts ISTIO_MUTUAL in mesh, and SIMPLE to an external host", () => {
        expect(validateResource(destinationRuleTls as ResourceValidationPolicy, dr("ISTIO_MUTUAL"))).toEqual([]);
        expect(
            validateResource(destinationRuleTls as ResourceValidationPolicy, dr("SIMPLE", "api.example.com")),
        ).toEqual([]);
    });

    const istiod = (env: Record<string, string>, secretTtl?: string) => ({
        type: "kubernetes:helm.sh/v3:Release",
        props: {
            chart: "istiod",
            values: {
                meshConfig: { defaultConfig: { proxyMetadata: secretTtl ? { SECRET_TTL: secretTtl } : {} } },
                env,
            },
        },
    });

    it("fails when istiod's cap is left at Istio's 90-day default, or a TTL exceeds 720 h", () => {
        expect(validateResource(workloadCertTtl as ResourceValidationPolicy, istiod({}, "24h"))).toEqual([
            "[MESH-MTLS-ROTATION] istiod env.MAX_WORKLOAD_CERT_TTL is unset (Istio's default 2160 h): workload certificates could live longer than the 720 h rotation period",
        ]);
        expect(
            validateResource(
                workloadCertTtl as ResourceValidationPolicy,
                istiod({ MAX_WORKLOAD_CERT_TTL: "720h", DEFAULT_WORKLOAD_CERT_TTL: "720h0m1s" }),
            ),
        ).toHaveLength(1);
        expect(
            validateResource(
                workloadCertTtl as ResourceValidationPolicy,
                istiod({ MAX_WORKLOAD_CERT_TTL: "720h", WORKLOAD_CERT_TTL: "2160h" }),
            ),
        ).toEqual([
            "[MESH-MTLS-ROTATION] istiod env.WORKLOAD_CERT_TTL is 2160h: workload certificates could live longer than the 720 h rotation period",
        ]);
        expect(
            validateResource(workloadCertTtl as ResourceValidationPolicy, istiod({ MAX_WORKLOAD_CERT_TTL: "30 days" })),
        ).toEqual(['[MESH-MTLS-ROTATION] istiod env.MAX_WORKLOAD_CERT_TTL "30 days" is not a Go duration']);
    });

    it("passes at the rotation period exactly", () => {
        expect(
            validateResource(
                workloadCertTtl as ResourceValidationPolicy,
                istiod({ MAX_WORKLOAD_CERT_TTL: "720h", DEFAULT_WORKLOAD_CERT_TTL: "24h" }, "30m"),
            ),
        ).toEqual([]);
    });
});

describe("NET-SEG-* / PER-FW-*: reachability from SGs, NACLs, routes and the firewall", () => {
    it("the public subnets' NAT path sent straight to the internet gateway: agents bypass the firewall", () => {
        const rs = copy();
        const r = one(rs, ROUTE, "mas-public-default-1");
        delete r.props.vpcEndpointId;
        r.props.gatewayId = "igw-e6bc7393a86b2df89";
        const m = messages(segmentReachability, rs);
        expect(m).toEqual([
            "[PER-FW-EGRESS] subnet mas-agent-1 (agent) reaches the internet around the network firewall: 0.0.0.0/0 → nat-61b731e01b6a0c89d, whose subnet routes 0.0.0.0/0 to igw igw-e6bc7393a86b2df89, not to a firewall endpoint",
            "[PER-FW-EGRESS] subnet mas-service-1 (service) reaches the internet around the network firewall: 0.0.0.0/0 → nat-61b731e01b6a0c89d, whose subnet routes 0.0.0.0/0 to igw igw-e6bc7393a86b2df89, not to a firewall endpoint",
        ]);
    });

    it("a more specific route to a peering connection in an agent route table", () => {
        const rs = copy();
        rs.push({
            type: ROUTE,
            name: "peer",
            props: {
                routeTableId: "rtb-725e3e436e2d851c7",
                destinationCidrBlock: "8.8.8.0/24",
                vpcPeeringConnectionId: "pcx-1",
            },
        });
        expect(messages(segmentReachability, rs)).toEqual([
            "[PER-FW-EGRESS] subnet mas-agent-0 (agent) reaches the internet around the network firewall: 8.8.8.0/24 → other pcx-1, not a firewall endpoint",
        ]);
    });

    it("management's NACL and SG opened to the agent segment: agents reach the admin segment", () => {
        const rs = copy();
        const acl = one(rs, ACL, "mas-management-acl");
        acl.props.ingress = acl.props.ingress.filter((e: { cidrBlock: string }) => e.cidrBlock !== "10.0.1.0/24");
        acl.props.egress = acl.props.egress.filter((e: { cidrBlock: string }) => e.cidrBlock !== "10.0.1.0/24");
        acl.props.ingress.push({
            action: "allow",
            cidrBlock: "10.0.0.0/16",
            fromPort: 443,
            toPort: 443,
            protocol: "tcp",
            ruleNo: 200,
        });
        acl.props.egress.push({
            action: "allow",
            cidrBlock: "10.0.0.0/16",
            fromPort: 1024,
            toPort: 65535,
            protocol: "tcp",
            ruleNo: 200,
        });
        const agentAcl = one(rs, ACL, "mas-agent-acl");
        agentAcl.props.egress = agentAcl.props.egress.filter(
            (e: { cidrBlock: string }) => e.cidrBlock !== "10.0.3.0/24",
        );
        agentAcl.props.ingress = agentAcl.props.ingress.filter(
            (e: { cidrBlock: string }) => e.cidrBlock !== "10.0.3.0/24",
        );
        one(rs, SG_IN, "mas-management-in-admin-198-51-100-0-24-tcp-443").props.cidrIpv4 = "10.0.0.0/16";
        const m = messages(segmentReachability, rs);
        expect(m).toContain(
            "[NET-SEG-MGMT] the management segment is reachable from agent on tcp 443 (security groups, network ACLs and replies all allow it); the guide allows nothing from agent",
        );
    });

    it("a service security group open to every destination over UDP (the NACL still stops it: SG layer reported)", () => {
        const rs = copy();
        const rule = one(rs, SG_OUT, "mas-service-out-internet-tcp-80");
        rule.props.ipProtocol = "udp";
        rule.props.fromPort = 0;
        rule.props.toPort = 65535;
        expect(messages(segmentReachability, rs)).toEqual([
            "[NET-SEG-SERVICE] security groups of the service segment allow egress to the internet on udp all; the guide allows tcp 80,443",
        ]);
    });

    it("a security group rule (aws.ec2.SecurityGroupRule) admitting the internet to the agent segment through an open NACL", () => {
        const rs = copy();
        rs.push({
            type: "aws:ec2/securityGroupRule:SecurityGroupRule",
            name: "legacy",
            props: {
                type: "ingress",
                securityGroupId: "sg-0495668fe8dc22c4c",
                protocol: "tcp",
                fromPort: 8080,
                toPort: 8080,
                cidrBlocks: ["0.0.0.0/0"],
            },
        });
        one(rs, ACL, "mas-agent-acl").props.egress.push({
            action: "allow",
            cidrBlock: "0.0.0.0/0",
            fromPort: 1024,
            toPort: 65535,
            protocol: "tcp",
            ruleNo: 300,
        });
        one(rs, ACL, "mas-agent-acl").props.ingress.push({
            action: "allow",
            cidrBlock: "0.0.0.0/0",
            fromPort: 8080,
            toPort: 8080,
            protocol: "tcp",
            ruleNo: 300,
        });
        expect(messages(segmentReachability, rs)).toContain(
            "[PER-FW-INGRESS] the agent segment is reachable from internet on tcp 8080 (security groups, network ACLs and replies all allow it); the guide allows nothing from internet",
        );
    });
});

describe("required-and-enabled", () => {
    const cases: [string, (rs: R[]) => R[], string][] = [
        [
            "an incident-response EventBridge rule DISABLED",
            (rs) => (
                (one(rs, "aws:cloudwatch/eventRule:EventRule", "mas-eks-compromise").props.state = "DISABLED"),
                rs
            ),
            "[IR-SB-ISOLATE] EventBridge rules: mas-eks-compromise state is DISABLED: matching events start nothing",
        ],
        [
            "an anomaly alarm with its actions off",
            (rs) => (
                (one(rs, "aws:cloudwatch/metricAlarm:MetricAlarm", "mas-anomaly-errors").props.actionsEnabled = false),
                rs
            ),
            "[DET-ANOMALY] CloudWatch alarms: mas-anomaly-errors actionsEnabled is false: it notifies nobody",
        ],
        [
            "the conformance pack removed",
            (rs) => rs.filter((r) => r.type !== "aws:cfg/conformancePack:ConformancePack"),
            "[CMP-ISO-OPS] the stack lacks the ISO 27001 / SOC 2 conformance pack (*-iso27001-soc2)",
        ],
        [
            "a GuardDuty feature switched off",
            (rs) => (
                (one(
                    rs,
                    "aws:guardduty/detectorFeature:DetectorFeature",
                    "mas-firewall-guardduty-runtime",
                ).props.status = "DISABLED"),
                rs
            ),
            "[IPS-BEHAVIORAL] GuardDuty protection features: mas-firewall-guardduty-runtime feature RUNTIME_MONITORING is DISABLED",
        ],
        [
            "the IP block rule of the web ACL in COUNT",
            (rs) => {
                const acl = one(rs, "aws:wafv2/webAcl:WebAcl", "mas-waf");
                acl.props.rules[0].action = { count: {} };
                return rs;
            },
            "[PER-WAF-RULES] WAF web ACLs: mas-waf rules in COUNT mode (they log, never block): incident-response-block",
        ],
        [
            "the egress hygiene firewall rules turned to alert",
            (rs) => {
                const g = one(rs, "aws:networkfirewall/ruleGroup:RuleGroup", "mas-firewall-egress-hygiene");
                g.props.ruleGroup.rulesSource.rulesString = g.props.ruleGroup.rulesSource.rulesString.replace(
                    /^drop /gm,
                    "alert ",
                );
                return rs;
            },
            "[IPS-PREVENT] stateful Network Firewall rule groups: mas-firewall-egress-hygiene every rule only alerts: it prevents nothing",
        ],
        [
            "the trail stopped",
            (rs) => ((one(rs, "aws:cloudtrail/trail:Trail", "mas-audit-trail").props.enableLogging = false), rs),
            "[LOG-AUDIT-TRAIL] a logging CloudTrail trail: mas-audit-trail enableLogging is false",
        ],
        [
            "the Macie job paused",
            (rs) => (
                (one(rs, "aws:macie2/classificationJob:ClassificationJob", "mas-stores-macie-data").props.jobStatus =
                    "USER_PAUSED"),
                rs
            ),
            "[DATA-CLS-DISCOVERY] a Macie classification job: mas-stores-macie-data jobStatus is USER_PAUSED",
        ],
        [
            "every backup selection removed",
            (rs) => rs.filter((r) => r.type !== "aws:backup/selection:Selection"),
            "[BAK-CRITICAL] the stack lacks an AWS Backup selection",
        ],
        [
            "a KMS key disabled",
            (rs) => ((one(rs, "aws:kms/key:Key", "mas-keys-logs").props.isEnabled = false), rs),
            "[KMS-KEY-MGMT] KMS keys: mas-keys-logs isEnabled is false",
        ],
        [
            "a Security Hub control disabled",
            (rs) => [
                ...rs,
                {
                    type: "aws:securityhub/standardsControl:StandardsControl",
                    name: "iam1",
                    props: {
                        standardsControlArn: "arn:aws:securityhub:eu-west-1:1:control/cis/IAM.1",
                        controlStatus: "DISABLED",
                    },
                },
            ],
            "[CMP-ISO-OPS] Security Hub standard controls: iam1 standard control arn:aws:securityhub:eu-west-1:1:control/cis/IAM.1 is DISABLED",
        ],
        [
            "the Config recorder stopped",
            (rs) => ((one(rs, "aws:cfg/recorderStatus:RecorderStatus", "mas-recorder").props.isEnabled = false), rs),
            "[CMP-SOC2-EVIDENCE] a running AWS Config recorder (recorder status): mas-recorder isEnabled is not true: the recorder is stopped",
        ],
    ];
    it.each(cases)("%s", (_what, apply, expected) => {
        expect(messages(requiredAndEnabled, apply(copy()))).toContain(expected);
    });
});

describe("admin CIDRs from the stack's own config (PULUMI_CONFIG, as the Pulumi nodejs host passes it)", () => {
    const saved = process.env.PULUMI_CONFIG;
    afterEach(() => {
        if (saved === undefined) {
            delete process.env.PULUMI_CONFIG;
        } else {
            process.env.PULUMI_CONFIG = saved;
        }
    });

    it("counts the stack's adminCidrs as the admin path", () => {
        process.env.PULUMI_CONFIG = JSON.stringify({
            "multi-agent-security:adminCidrs": JSON.stringify(["198.51.100.0/24"]),
        });
        expect(messages(segmentReachability, copy())).toEqual([]);
    });

    it("treats the admin rules as internet access when the stack declares none", () => {
        process.env.PULUMI_CONFIG = JSON.stringify({ "multi-agent-security:adminCidrs": "[]" });
        expect(messages(segmentReachability, copy())).toEqual([
            expect.stringContaining("[PER-FW-INGRESS] the management segment is reachable from internet on tcp 22,443"),
        ]);
    });
});

describe("the stack's settings without its config (pulumi policy analyze starts the pack without it)", () => {
    it("reads the admin CIDRs from the root stack's stackSettings output", () => {
        const saved = process.env.PULUMI_CONFIG;
        process.env.PULUMI_CONFIG = "{}";
        try {
            const rs = copy();
            expect(one(rs, "pulumi:pulumi:Stack", "multi-agent-security-prod").props.stackSettings.adminCidrs).toEqual([
                "198.51.100.0/24",
            ]);
            expect(messages(segmentReachability, rs)).toEqual([]);
            delete one(rs, "pulumi:pulumi:Stack", "multi-agent-security-prod").props.stackSettings;
            expect(messages(segmentReachability, rs)).toEqual([
                expect.stringContaining(
                    "[PER-FW-INGRESS] the management segment is reachable from internet on tcp 22,443",
                ),
            ]);
        } finally {
            process.env.PULUMI_CONFIG = saved;
        }
    });
});

describe("IR-SB-ISOLATE: the quarantine group allows no traffic, however its rules are written", () => {
    it("counts a separate egress rule resource attached to the quarantine group", () => {
        const rs = copy();
        expect(messages(incidentAutomation, rs)).toEqual([]);
        rs.push({
            type: SG_OUT,
            name: "leak",
            props: {
                securityGroupId: "sg-ec0ac60dc0ff5aa2f",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
            },
        });
        expect(messages(incidentAutomation, rs)).toEqual([
            "[IR-SB-ISOLATE] quarantine security group mas-prod-quarantine has 1 rules; it must allow no traffic",
            "[OPS-E-ISOLATE] quarantine security group mas-prod-quarantine has 1 rules; it must allow no traffic",
        ]);
    });
});
