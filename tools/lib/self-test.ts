// The mutation self-test: for every infrastructure control, one change to a plan that breaks the control
// (a guide setting changed, or a resource that implements it removed), evaluated with the pack's policies in
// process (in-process.ts). A control's break is caught when the mutated plan has a mandatory violation
// under that control and the untouched plan has none. The evidence records the mutation and the result per
// control; test/tools/self-test.test.ts requires every one to be caught on the prod plan.
import { controls } from "../../policy-pack/catalog";
import { CONFIG_RULES } from "../../policy-pack/catalog/operations";
import { PolicyConfigFile } from "./analyzer";
import { InProcessPack, InProcessViolation } from "./in-process";
import { StateResource } from "./state";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Inputs = Record<string, any>;

/** A copy-on-write view of a plan: a mutation edits copies, so unchanged resources keep their cached results. */
export class MutablePlan {
    private list: StateResource[];
    private readonly copied = new Set<StateResource>();

    constructor(resources: StateResource[]) {
        this.list = [...resources];
    }

    get resources(): readonly StateResource[] {
        return this.list;
    }

    private index(type: string, name: string): number {
        const i = this.list.findIndex((r) => r.type === type && r.urn.endsWith(`::${name}`));
        if (i < 0) {
            throw new Error(`no ${type} named ${name} in this plan`);
        }
        return i;
    }

    /** The inputs of a resource, as a copy that replaces it (outputs follow the changed inputs on commit). */
    inputs(type: string, name: string): Inputs {
        const i = this.index(type, name);
        let r = this.list[i];
        if (!this.copied.has(r)) {
            r = JSON.parse(JSON.stringify(r)) as StateResource;
            this.list[i] = r;
            this.copied.add(r);
        }
        return r.inputs as Inputs;
    }

    /** A resource whose inputs hold a JSON document (an IAM policy): edit the parsed document. */
    json(type: string, name: string, key: string, edit: (doc: any) => void): void {
        const inputs = this.inputs(type, name);
        const doc = JSON.parse(inputs[key]);
        edit(doc);
        inputs[key] = JSON.stringify(doc);
    }

    /** The resource itself (a writable copy), for options such as `protect`. */
    resource(type: string, name: string): StateResource {
        this.inputs(type, name);
        return this.list[this.index(type, name)];
    }

    remove(type: string, name: string): void {
        this.list.splice(this.index(type, name), 1);
    }

    /**
     * The changed resources with outputs that carry the input changes (in a real stack a changed setting shows
     * in both; resource policies read inputs, stack policies outputs), keeping computed outputs.
     */
    commit(): StateResource[] {
        return this.list.map((r) => {
            if (!this.copied.has(r)) {
                return r;
            }
            const computed = Object.fromEntries(Object.entries(r.outputs).filter(([k]) => !(k in r.inputs)));
            return { ...r, outputs: { ...computed, ...JSON.parse(JSON.stringify(r.inputs)) } };
        });
    }
}

export interface Mutation {
    control: string;
    /** The one change, in words an auditor can check against the plan. */
    mutation: string;
    apply(plan: MutablePlan): void;
}

const T = {
    subnet: "aws:ec2/subnet:Subnet",
    route: "aws:ec2/route:Route",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    flowLog: "aws:ec2/flowLog:FlowLog",
    listener: "aws:lb/listener:Listener",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    acl: "aws:wafv2/webAcl:WebAcl",
    aclLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    shieldProtection: "aws:shield/protection:Protection",
    fwPolicy: "aws:networkfirewall/firewallPolicy:FirewallPolicy",
    fwLogging: "aws:networkfirewall/loggingConfiguration:LoggingConfiguration",
    fwRuleGroup: "aws:networkfirewall/ruleGroup:RuleGroup",
    detectorFeature: "aws:guardduty/detectorFeature:DetectorFeature",
    eks: "aws:eks/cluster:Cluster",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    userPool: "aws:cognito/userPool:UserPool",
    userPoolClient: "aws:cognito/userPoolClient:UserPoolClient",
    role: "aws:iam/role:Role",
    iamPolicy: "aws:iam/policy:Policy",
    clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    namespace: "kubernetes:core/v1:Namespace",
    netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    plc: "kubernetes:flowcontrol.apiserver.k8s.io/v1:PriorityLevelConfiguration",
    peerAuth: "kubernetes:security.istio.io/v1:PeerAuthentication",
    authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    envoyFilter: "kubernetes:networking.istio.io/v1alpha3:EnvoyFilter",
    helm: "kubernetes:helm.sh/v3:Release",
    kmsKey: "aws:kms/key:Key",
    smSecret: "aws:secretsmanager/secret:Secret",
    smRotation: "aws:secretsmanager/secretRotation:SecretRotation",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketSse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    bucketLock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
    bucketPab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    trail: "aws:cloudtrail/trail:Trail",
    backupPlan: "aws:backup/plan:Plan",
    restoreTest: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
    macieJob: "aws:macie2/classificationJob:ClassificationJob",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
    schedule: "aws:scheduler/schedule:Schedule",
    conformancePack: "aws:cfg/conformancePack:ConformancePack",
    recorderStatus: "aws:cfg/recorderStatus:RecorderStatus",
    patchBaseline: "aws:ssm/patchBaseline:PatchBaseline",
    maintenanceWindow: "aws:ssm/maintenanceWindow:MaintenanceWindow",
    maintenanceTask: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
    priorityClass: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
    quota: "kubernetes:core/v1:ResourceQuota",
    securityHubStandard: "aws:securityhub/standardsSubscription:StandardsSubscription",
    accessAnalyzer: "aws:accessanalyzer/analyzer:Analyzer",
    clusterIssuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    cmCertificate: "kubernetes:cert-manager.io/v1:Certificate",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    codebuildWebhook: "aws:codebuild/webhook:Webhook",
    securityHubAccount: "aws:securityhub/account:Account",
    selfSignedCert: "tls:index/selfSignedCert:SelfSignedCert",
    flowSchema: "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema",
    vapBinding: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
} as const;

function set(control: string, mutation: string, apply: (p: MutablePlan) => void): Mutation {
    return { control, mutation, apply };
}

function remove(control: string, type: string, name: string, why: string): Mutation {
    return set(control, `${why}: ${type} ${name} removed`, (p) => p.remove(type, name));
}

/** The conformance pack without the first Config rule that serves `control` (catalog table CONFIG_RULES). */
function packRule(control: string): Mutation {
    const rule = CONFIG_RULES.find((r) => (r.controls as readonly string[]).includes(control));
    return set(control, `conformance pack without the Config rule ${rule?.identifier ?? "(none serves it)"}`, (p) => {
        if (!rule) {
            throw new Error(`no Config rule of the catalog serves ${control}`);
        }
        const pack = p.inputs(T.conformancePack, "mas-iso27001-soc2");
        const body = JSON.parse(pack.templateBody);
        for (const [k, r] of Object.entries<any>(body.Resources)) {
            if (r.Properties?.Source?.SourceIdentifier === rule.identifier) {
                delete body.Resources[k];
            }
        }
        pack.templateBody = JSON.stringify(body);
    });
}

/** One break per infrastructure control, written against the names the stack gives its resources. */
export const MUTATIONS: readonly Mutation[] = [
    // infrastructure_security
    set(
        "NET-POD-CAPACITY",
        "agent node group allowed to grow to 20 nodes (maxSize 20): its subnets cannot address them (a /26 in prod, a /25 in dev)",
        (p) => {
            p.inputs(T.nodeGroup, "mas-agent").scalingConfig.maxSize = 20;
        },
    ),
    set("NET-DEPLOY-PATH", "deploy runner webhook started on PUSH instead of WORKFLOW_JOB_QUEUED", (p) => {
        p.inputs(T.codebuildWebhook, "mas-deploy-runner").filterGroups[0].filters[0].pattern = "PUSH";
    }),
    set("NET-SEG-AGENT", "subnet mas-agent-0 moved outside 10.0.1.0/24 (cidrBlock 10.0.9.0/26)", (p) => {
        p.inputs(T.subnet, "mas-agent-0").cidrBlock = "10.0.9.0/26";
    }),
    set("NET-SEG-SERVICE", "subnet mas-service-0 moved outside 10.0.2.0/24 (cidrBlock 10.0.7.0/25)", (p) => {
        p.inputs(T.subnet, "mas-service-0").cidrBlock = "10.0.7.0/25";
    }),
    set("NET-SEG-MGMT", "subnet mas-management-0 moved outside 10.0.3.0/24 (cidrBlock 10.0.8.0/25)", (p) => {
        p.inputs(T.subnet, "mas-management-0").cidrBlock = "10.0.8.0/25";
    }),
    set("NET-FLOW-LOGS", "VPC flow log records only REJECT traffic (trafficType REJECT)", (p) => {
        p.inputs(T.flowLog, "mas-flow-logs").trafficType = "REJECT";
    }),
    set("PER-FW-EGRESS", "agent default route sent to the internet gateway instead of NAT", (p) => {
        const r = p.inputs(T.route, "mas-agent-default-0");
        delete r.natGatewayId;
        r.gatewayId = "igw-e6bc7393a86b2df89";
    }),
    set("PER-FW-INGRESS", "Kubernetes API rule mas-api-from-mgmt opened to 0.0.0.0/0", (p) => {
        p.inputs(T.sgIngress, "mas-api-from-mgmt").cidrIpv4 = "0.0.0.0/0";
    }),
    set("PER-LB", "ALB access logs disabled (accessLogs.enabled false)", (p) => {
        p.inputs(T.alb, "mas-alb").accessLogs.enabled = false;
    }),
    remove("PER-WAF-RULES", T.aclLogging, "mas-waf-logging", "the web ACL without logging"),
    set("PER-DDOS", "the WAF global rate rule's limit doubled", (p) => {
        const rule = p
            .inputs(T.acl, "mas-waf")
            .rules.find((r: any) => r.statement?.rateBasedStatement?.aggregateKeyType === "CONSTANT");
        rule.statement.rateBasedStatement.limit *= 2;
    }),
    set("IDS-SIGNATURE", "firewall policy rule order DEFAULT_ACTION_ORDER instead of STRICT_ORDER", (p) => {
        p.inputs(T.fwPolicy, "mas-firewall-policy").firewallPolicy.statefulEngineOptions.ruleOrder =
            "DEFAULT_ACTION_ORDER";
    }),
    set("IDS-AUTO-UPDATE", "firewall policy references no AWS-managed threat-signature group", (p) => {
        const fp = p.inputs(T.fwPolicy, "mas-firewall-policy").firewallPolicy;
        fp.statefulRuleGroupReferences = fp.statefulRuleGroupReferences.filter(
            (g: any) => !String(g.resourceArn).includes(":aws-managed:"),
        );
    }),
    set("IPS-BEHAVIORAL", "GuardDuty runtime monitoring DISABLED", (p) => {
        p.inputs(T.detectorFeature, "mas-firewall-guardduty-runtime").status = "DISABLED";
    }),
    set("IPS-PREVENT", "firewall stateful default actions alert only (aws:alert_established)", (p) => {
        p.inputs(T.fwPolicy, "mas-firewall-policy").firewallPolicy.statefulDefaultActions = ["aws:alert_established"];
    }),
    set("EKS-ENDPOINT", "EKS API endpoint public to the internet (endpointPublicAccess true, 0.0.0.0/0)", (p) => {
        const vpc = p.inputs(T.eks, "mas-eks").vpcConfig;
        vpc.endpointPublicAccess = true;
        vpc.publicAccessCidrs = ["0.0.0.0/0"];
    }),
    // identity_management
    set("AUTH-CERT", "ingress origin certificate valid for a year (validityPeriodHours 8760)", (p) => {
        p.inputs(T.selfSignedCert, "mas-ingress-origin").validityPeriodHours = 8760;
    }),
    set("AUTH-TOKEN", "24 h access tokens on the human client", (p) => {
        p.inputs(T.userPoolClient, "mas-human-client").accessTokenValidity = 24;
    }),
    set("AUTH-MFA", "Cognito MFA OPTIONAL instead of ON", (p) => {
        p.inputs(T.userPool, "mas-users").mfaConfiguration = "OPTIONAL";
    }),
    set("AUTH-MFA-TOTP", "Cognito software-token (TOTP) MFA disabled", (p) => {
        p.inputs(T.userPool, "mas-users").softwareTokenMfaConfiguration.enabled = false;
    }),
    set("AUTH-MFA-HARDWARE", "Cognito WebAuthn without user verification (userVerification preferred)", (p) => {
        p.inputs(T.userPool, "mas-users").webAuthnConfiguration.userVerification = "preferred";
    }),
    set("RBAC-ADMIN-MFA", "system_admin trust policy without its MFA condition", (p) => {
        p.json(T.role, "mas-system-admin", "assumeRolePolicy", (doc) => {
            delete doc.Statement[0].Condition;
        });
    }),
    set("IAM-PAM", "system_admin assumable with an MFA sign-in 12 h old (aws:MultiFactorAuthAge 43200)", (p) => {
        p.json(T.role, "mas-system-admin", "assumeRolePolicy", (doc) => {
            doc.Statement[0].Condition.NumericLessThanEquals["aws:MultiFactorAuthAge"] = "43200";
        });
    }),
    set("IAM-BOUNDARY", "the operator role without the permissions boundary", (p) => {
        delete p.inputs(T.role, "mas-operator").permissionsBoundary;
    }),
    set("RBAC-ADMIN-AUDIT", "EKS audit log type not enabled", (p) => {
        const eks = p.inputs(T.eks, "mas-eks");
        eks.enabledClusterLogTypes = eks.enabledClusterLogTypes.filter((t: string) => t !== "audit");
    }),
    set("RBAC-ADMIN-PERMS", "system_admin policy allows * on *", (p) => {
        p.json(T.iamPolicy, "mas-system-admin", "policy", (doc) => {
            doc.Statement.push({ Effect: "Allow", Action: "*", Resource: "*" });
        });
    }),
    set("RBAC-OPERATOR-PERMS", "operator ClusterRole allowed to create pods", (p) => {
        p.inputs(T.clusterRole, "mas-operator").rules.push({ apiGroups: [""], resources: ["pods"], verbs: ["create"] });
    }),
    set("RBAC-OPERATOR-NO-CONFIG", "operator ClusterRole allowed to read configmaps", (p) => {
        p.inputs(T.clusterRole, "mas-operator").rules.push({
            apiGroups: [""],
            resources: ["configmaps"],
            verbs: ["get"],
        });
    }),
    set("RBAC-OPERATOR-NO-SECURITY", "operator policy no longer denies iam:*", (p) => {
        p.json(T.iamPolicy, "mas-operator", "policy", (doc) => {
            for (const st of doc.Statement.filter((x: any) => x.Effect === "Deny")) {
                st.Action = [].concat(st.Action).filter((a: string) => a !== "iam:*");
            }
        });
    }),
    set("RBAC-AGENT-PERMS", "agent coordinator role trusted by EC2 instead of EKS Pod Identity", (p) => {
        p.json(T.role, "mas-agent-coordinator", "assumeRolePolicy", (doc) => {
            doc.Statement[0].Principal = { Service: "ec2.amazonaws.com" };
        });
    }),
    set("RBAC-AGENT-NS", "agent coordinator IAM role trusted by any namespace (trust conditions removed)", (p) => {
        p.json(T.role, "mas-agent-coordinator", "assumeRolePolicy", (doc) => {
            for (const s of doc.Statement) {
                delete s.Condition;
            }
        });
    }),
    remove("RBAC-AGENT-RATE", T.flowSchema, "mas-agent-api", "agent service accounts without their FlowSchema"),
    set("EKS-AUTH-API", "EKS authentication mode API_AND_CONFIG_MAP", (p) => {
        p.inputs(T.eks, "mas-eks").accessConfig.authenticationMode = "API_AND_CONFIG_MAP";
    }),
    set("EKS-NODE-IMDS", "IMDSv1 allowed on the service nodes (httpTokens optional)", (p) => {
        p.inputs(T.launchTemplate, "mas-service-nodes").metadataOptions.httpTokens = "optional";
    }),
    set("K8S-PSA", "agent namespace coordinator enforcing only baseline", (p) => {
        p.inputs(T.namespace, "mas-ns-coordinator").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
    }),
    remove("K8S-NETPOL", T.netpol, "mas-deny-coordinator", "coordinator namespace without its default-deny policy"),
    // service_mesh
    set("MESH-MTLS-STRICT", "mesh-wide mTLS PERMISSIVE", (p) => {
        p.inputs(T.peerAuth, "mas-peer-authentication").spec.mtls.mode = "PERMISSIVE";
    }),
    // istiod's intermediate is the cert-manager Certificate mas-istio-ca (cacerts), signed by the mesh-ca Issuer.
    set(
        "MESH-MTLS-CA",
        "istiod's intermediate (Certificate mas-istio-ca) issued by an Issuer the stack does not define",
        (p) => {
            p.inputs(T.cmCertificate, "mas-istio-ca").spec.issuerRef.name = "selfsigned";
        },
    ),
    set(
        "MESH-MTLS-ROTATION",
        "istiod's intermediate (Certificate mas-istio-ca) valid for a year (duration 8760h)",
        (p) => {
            p.inputs(T.cmCertificate, "mas-istio-ca").spec.duration = "8760h";
        },
    ),
    set("MESH-MTLS-CIPHERS", "mesh minimum TLS version TLSV1_2", (p) => {
        const values = p.inputs(T.helm, "mas-istiod").values;
        values.meshConfig.meshMTLS.minProtocolVersion = "TLSV1_2";
    }),
    set("MESH-AUTHZ-STRICT", "wildcard principal in the task rule", (p) => {
        const i = p.resources.find(
            (r) => r.type === T.authz && (r.inputs as Inputs).metadata?.name === "allow-task-executors",
        );
        const name = i ? i.urn.split("::").pop()! : "mas-coordinator-allow-tasks";
        p.inputs(T.authz, name).spec.rules[0].from[0].source.principals = ["*"];
    }),
    set("MESH-AUTHZ-TASKS", "task rule method written post (Istio matches methods case-sensitively)", (p) => {
        p.inputs(T.authz, "mas-coordinator-allow-tasks").spec.rules[0].to[0].operation.methods = ["post", "GET"];
    }),
    remove("MESH-RATE-GLOBAL", T.envoyFilter, "mas-ingress-ratelimit", "ingress gateway without its global rate limit"),
    remove(
        "MESH-RATE-AGENT",
        T.envoyFilter,
        "mas-planner-ratelimit",
        "planner namespace without its rate-limit filter",
    ),
    // message_security
    set("TLS-TRANSPORT", "HTTPS listener on a TLS 1.2 policy (ELBSecurityPolicy-2016-08)", (p) => {
        p.inputs(T.listener, "mas-https").sslPolicy = "ELBSecurityPolicy-2016-08";
    }),
    set("TLS-IN-TRANSIT", "HTTPS listener on ELBSecurityPolicy-TLS13-1-2-2021-06 (admits TLS 1.2)", (p) => {
        p.inputs(T.listener, "mas-https").sslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";
    }),
    set("TLS-PFS", "HTTPS listener on ELBSecurityPolicy-TLS-1-2-2017-01 (static RSA key exchange)", (p) => {
        p.inputs(T.listener, "mas-https").sslPolicy = "ELBSecurityPolicy-TLS-1-2-2017-01";
    }),
    set("MSG-PAYLOAD-ROTATION", "payload key rotated every 7 days", (p) => {
        p.inputs(T.smRotation, "mas-payload-rotation").rotationRules.automaticallyAfterDays = 7;
    }),
    remove(
        "MSG-PAYLOAD-KEY-STORAGE",
        T.smSecret,
        "mas-payload-secret",
        "the stack without the payload data key secret",
    ),
    set(
        "MSG-SIG-ALG",
        "agents may sign with any agent's key (the Sign statement's agent-tag condition removed)",
        (p) => {
            p.json(T.iamPolicy, "mas-message-agent-message-crypto", "policy", (doc) => {
                delete doc.Statement.find((x: any) => x.Sid === "SignAsSelf").Condition.StringEquals[
                    "aws:ResourceTag/agent"
                ];
            });
        },
    ),
    set("CERT-LETSENCRYPT", "ACME issuer on the Let's Encrypt staging directory in prod", (p) => {
        p.inputs(T.clusterIssuer, "mas-letsencrypt").spec.acme.server =
            "https://acme-staging-v02.api.letsencrypt.org/directory";
    }),
    set("CERT-MANAGER", "cert-manager chart unpinned (version removed)", (p) => {
        delete p.inputs(T.helm, "mas-cert-manager").version;
    }),
    // data_protection
    set("KMS-AT-REST", "critical data bucket encrypted with SSE-S3 (AES256) instead of its KMS key", (p) => {
        const rule = p.inputs(T.bucketSse, "mas-stores-agent-data").rules[0];
        rule.applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" };
    }),
    set("KMS-KEY-MGMT", "critical key without automatic rotation (enableKeyRotation false)", (p) => {
        p.inputs(T.kmsKey, "mas-keys-critical").enableKeyRotation = false;
    }),
    set("DATA-ENC-IN-MEMORY", "agent nodes without Nitro Enclaves (enclaveOptions.enabled false)", (p) => {
        p.inputs(T.launchTemplate, "mas-agent-nodes").enclaveOptions.enabled = false;
    }),
    set("DATA-CLS-TAG", "agent data bucket tagged classification=public (not a guide level)", (p) => {
        p.inputs(T.bucket, "mas-stores-agent-data").tags.classification = "public";
    }),
    set("DATA-CLS-DISCOVERY", "Macie classification job ONE_TIME instead of SCHEDULED", (p) => {
        const job = p.inputs(T.macieJob, "mas-stores-macie-data");
        job.jobType = "ONE_TIME";
        delete job.scheduleFrequency;
    }),
    set("DATA-CLS-CRITICAL", "critical KMS key not protected in prod (protect false)", (p) => {
        p.resource(T.kmsKey, "mas-keys-critical").protect = false;
    }),
    set("DATA-CLS-SENSITIVE", "sensitive KMS key not protected in prod (protect false)", (p) => {
        p.resource(T.kmsKey, "mas-keys-sensitive").protect = false;
    }),
    set("DATA-CLS-INTERNAL", "system log bucket not protected in prod (protect false)", (p) => {
        p.resource(T.bucket, "mas-logging-system").protect = false;
    }),
    set("BAK-CRITICAL", "critical backups kept 365 days instead of 7 years", (p) => {
        p.inputs(T.backupPlan, "mas-backup-critical").rules[0].lifecycle.deleteAfter = 365;
    }),
    set("BAK-SENSITIVE", "sensitive backups kept 180 days instead of 1 year", (p) => {
        p.inputs(T.backupPlan, "mas-backup-sensitive").rules[0].lifecycle.deleteAfter = 180;
    }),
    set("BAK-INTERNAL", "internal backups kept 30 days instead of 90", (p) => {
        p.inputs(T.backupPlan, "mas-backup-internal").rules[0].lifecycle.deleteAfter = 30;
    }),
    set("EKS-SECRETS", "EKS secrets encryption removed (encryptionConfig)", (p) => {
        delete p.inputs(T.eks, "mas-eks").encryptionConfig;
    }),
    set("EKS-NODE-EBS", "agent node volume unencrypted", (p) => {
        p.inputs(T.launchTemplate, "mas-agent-nodes").blockDeviceMappings[0].ebs.encrypted = "false";
    }),
    // access_control
    set("ACC-DATA-AGENT-READ", "agent data bucket policy without its statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-agent-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set("ACC-DATA-AGENT-WRITE", "agent data bucket policy without its deny statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-agent-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set("ACC-DATA-METRICS-READ", "metrics data bucket policy without its deny statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-metrics-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set("ACC-DATA-METRICS-WRITE", "metrics data bucket policy without its deny statements", (p) => {
        p.json(T.bucketPolicy, "mas-stores-metrics-data", "policy", (doc) => {
            doc.Statement = doc.Statement.filter((s: any) => s.Effect !== "Deny");
        });
    }),
    set(
        "ACC-RES-ALLOCATE",
        "resource_manager may scale any Auto Scaling group (cluster-tag condition removed)",
        (p) => {
            p.json(T.iamPolicy, "mas-resource-manager", "policy", (doc) => {
                delete doc.Statement.find((x: any) => x.Sid === "SetNodeCapacity").Condition;
            });
        },
    ),
    set("ACC-RES-QUOTA", "the first agent namespace without its ResourceQuota", (p) => {
        const quota = p.resources.find((r) => r.type === T.quota);
        if (!quota) {
            throw new Error(`no ${T.quota} in this plan`);
        }
        p.remove(T.quota, quota.urn.split("::").pop() as string);
    }),
    remove(
        "ACC-RES-PRIORITY",
        T.vapBinding,
        "mas-priority-admission",
        "PriorityClasses without their admission binding",
    ),
    set("ACC-RES-MONITOR", "EKS authentication mode API_AND_CONFIG_MAP (aws-auth bypasses access entries)", (p) => {
        p.inputs(T.eks, "mas-eks").accessConfig.authenticationMode = "API_AND_CONFIG_MAP";
    }),
    // security_monitoring
    set("LOG-SYSTEM-RETENTION", "system logs expiring after 30 days instead of 90", (p) => {
        const rule = p.inputs(T.bucketLifecycle, "mas-logging-system").rules[0];
        rule.expiration.days = 30;
        delete rule.transitions;
    }),
    set("LOG-SECURITY-RETENTION", "security log group kept 90 days instead of 365", (p) => {
        p.inputs(T.logGroup, "mas-logging-vpcFlow").retentionInDays = 90;
    }),
    set("LOG-AUDIT-RETENTION", "audit bucket Object Lock in GOVERNANCE mode", (p) => {
        p.inputs(T.bucketLock, "mas-logging-audit").rule.defaultRetention.mode = "GOVERNANCE";
    }),
    set("LOG-AUDIT-TRAIL", "CloudTrail limited to one region", (p) => {
        p.inputs(T.trail, "mas-audit-trail").isMultiRegionTrail = false;
    }),
    remove("LOG-AGG-CENTRAL", T.bucket, "mas-logging-system", "the central system log bucket"),
    set("LOG-AGG-STORAGE", "security log bucket public access block off (blockPublicPolicy false)", (p) => {
        p.inputs(T.bucketPab, "mas-logging-security").blockPublicPolicy = false;
    }),
    set("LOG-AGG-ENCRYPTION", "system log group without its KMS key", (p) => {
        delete p.inputs(T.logGroup, "mas-logging-system").kmsKeyId;
    }),
    set("EKS-LOGS", "EKS scheduler log type not enabled", (p) => {
        const eks = p.inputs(T.eks, "mas-eks");
        eks.enabledClusterLogTypes = eks.enabledClusterLogTypes.filter((t: string) => t !== "scheduler");
    }),
    set("DET-UNAUTH", "failed-authentication alarm at 10 instead of 5", (p) => {
        p.inputs(T.alarm, "mas-failed-auth").threshold = 10;
    }),
    set("DET-ANOMALY", "anomaly band of 2 standard deviations", (p) => {
        p.inputs(T.alarm, "mas-anomaly-requests").metricQueries[1].expression = "ANOMALY_DETECTION_BAND(m1, 2)";
    }),
    // incident_response
    remove(
        "IR-SB-EVIDENCE",
        T.eventTarget,
        "mas-ec2-compromise-collect-evidence",
        "collect_evidence without a responder rule",
    ),
    remove(
        "IR-SB-ISOLATE",
        T.eventTarget,
        "mas-ec2-compromise-isolate-systems",
        "isolate_systems without a responder rule",
    ),
    remove("IR-SB-BLOCK", T.eventTarget, "mas-inbound-attack-block-access", "block_access without a responder rule"),
    remove(
        "IR-SB-NOTIFY",
        T.eventTarget,
        "mas-eks-compromise-notify-stakeholders",
        "notify_stakeholders without a responder rule",
    ),
    remove(
        "IR-DL-REVOKE",
        T.eventTarget,
        "mas-access-key-compromise-revoke-access",
        "revoke_access without a responder rule",
    ),
    set("IR-SB-PATCH", "maintenance task runs AWS-RunShellScript instead of AWS-RunPatchBaseline", (p) => {
        p.inputs(T.maintenanceTask, "mas-maintenance-patch").taskArn = "AWS-RunShellScript";
    }),
    // compliance, auditing, procedures, maintenance
    remove("CMP-ISO-ACCESS", T.accessAnalyzer, "mas-access-analyzer", "the account without IAM Access Analyzer"),
    packRule("CMP-ISO-CRYPTO"),
    remove("CMP-ISO-OPS", T.securityHubStandard, "mas-standard-fsbp", "Security Hub without the FSBP standard"),
    remove("CMP-SOC2-SECURITY", T.securityHubAccount, "mas-securityhub", "the account without Security Hub"),
    packRule("CMP-SOC2-AVAILABILITY"),
    packRule("CMP-SOC2-CONFIDENTIALITY"),
    set("CMP-SOC2-EVIDENCE", "the Config recorder stopped (isEnabled false)", (p) => {
        p.inputs(T.recorderStatus, "mas-recorder").isEnabled = false;
    }),
    set("AUD-SYS", "system audit schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-system-audit").state = "DISABLED";
    }),
    set("AUD-ACCESS", "access audit scheduled quarterly instead of monthly", (p) => {
        p.inputs(T.schedule, "mas-report-access-audit").scheduleExpression = "cron(0 9 1 1,4,7,10 ? *)";
    }),
    set("AUD-ACCESS-REPORT", "access audit schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-access-audit").state = "DISABLED";
    }),
    remove("BAK-RESTORE-TEST", T.restoreTest, "mas-backup-restore-test", "the account without a restore testing plan"),
    set("OPS-D-INTEGRITY", "daily report scheduled weekly", (p) => {
        p.inputs(T.schedule, "mas-report-daily").scheduleExpression = "cron(0 8 ? * MON *)";
    }),
    set("OPS-D-LOGS", "daily report schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-daily").state = "DISABLED";
    }),
    set("OPS-D-ALERTS", "daily report schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-daily").state = "DISABLED";
    }),
    set("OPS-W-ACCESS", "weekly report schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-weekly").state = "DISABLED";
    }),
    set("OPS-W-BACKUPS", "weekly report scheduled monthly", (p) => {
        p.inputs(T.schedule, "mas-report-weekly").scheduleExpression = "cron(0 8 1 * ? *)";
    }),
    set("OPS-M-CREDENTIALS", "monthly access audit schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-access-audit").state = "DISABLED";
    }),
    remove("OPS-M-PATCH", T.maintenanceTask, "mas-maintenance-patch", "the maintenance window without its patch task"),
    set("OPS-M-POLICIES", "monthly policy review schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-monthly-policy-review").state = "DISABLED";
    }),
    set("OPS-E-ISOLATE", "quarantine security group allows HTTPS in", (p) => {
        p.inputs(T.sg, "mas-quarantine").ingress = [
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] },
        ];
    }),
    set("MNT-PATCH-CRITICAL", "critical patches approved after 7 days", (p) => {
        p.inputs(T.patchBaseline, "mas-baseline").approvalRules[0].approveAfterDays = 7;
    }),
    remove("MNT-PATCH-NONCRITICAL", T.maintenanceWindow, "mas-maintenance", "the account without a maintenance window"),
    set("MNT-POLICY-REVIEW", "policy review schedule DISABLED", (p) => {
        p.inputs(T.schedule, "mas-report-policy-review").state = "DISABLED";
    }),
];
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface SelfTestResult {
    control: string;
    mutation: string;
    /** The mutated plan has a mandatory violation under the control, and the untouched plan none. */
    caught: boolean;
    /** Policies whose mandatory violations named the control (mutated plan). */
    reportedBy: string[];
    /** Why the mutation could not be applied (a resource it changes is not in this plan). */
    error?: string;
}

function mandatoryFor(violations: InProcessViolation[], control: string): InProcessViolation[] {
    return violations.filter((v) => v.enforcementLevel === "mandatory" && v.control.split(",").includes(control));
}

/** Applies every mutation to its own copy of the plan and evaluates it; one result per mutation. */
export function runSelfTest(
    resources: StateResource[],
    policyConfig: PolicyConfigFile,
    mutations: readonly Mutation[] = MUTATIONS,
): SelfTestResult[] {
    const pack = new InProcessPack(policyConfig);
    const baseline = pack.evaluate(resources);
    return mutations.map((m) => {
        const plan = new MutablePlan(resources);
        try {
            m.apply(plan);
        } catch (e) {
            return {
                control: m.control,
                mutation: m.mutation,
                caught: false,
                reportedBy: [],
                error: (e as Error).message,
            };
        }
        // Only the control's own policies can report under it, so only they run on the variant.
        const found = mandatoryFor(pack.evaluate(plan.commit(), m.control), m.control);
        return {
            control: m.control,
            mutation: m.mutation,
            caught: found.length > 0 && mandatoryFor(baseline, m.control).length === 0,
            reportedBy: [...new Set(found.map((v) => v.policy))].sort(),
        };
    });
}

/** Infrastructure controls of the catalog that have no mutation in the registry. */
export function controlsWithoutMutation(mutations: readonly Mutation[] = MUTATIONS): string[] {
    const covered = new Set(mutations.map((m) => m.control));
    return controls.filter((c) => c.how.kind === "infrastructure" && !covered.has(c.id)).map((c) => c.id);
}
