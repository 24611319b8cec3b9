// A plan that a self-test break edits, and the helpers the breaks are written with.
import { CONFIG_RULES } from "../../../policy-pack/catalog/operations";
import { StateResource } from "../state";

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Inputs = Record<string, any>;

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
        let i = this.list.findIndex((r) => r.type === type && r.urn.endsWith(`::${name}`));
        if (i < 0) {
            // An agent stack names its agents itself: the break applies to the first of that kind (mas-ns-coordinator
            // → mas-ns-coordinator-a).
            i = this.list.findIndex((r) => r.type === type && r.urn.split("::").pop()?.startsWith(`${name}-`));
        }
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

export const T = {
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
    document: "aws:ssm/document:Document",
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

export function set(control: string, mutation: string, apply: (p: MutablePlan) => void): Mutation {
    return { control, mutation, apply };
}

export function remove(control: string, type: string, name: string, why: string): Mutation {
    return set(control, `${why}: ${type} ${name} removed`, (p) => p.remove(type, name));
}

/** The conformance pack without the first Config rule that serves `control` (catalog table CONFIG_RULES). */
export function packRule(control: string): Mutation {
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
/* eslint-enable @typescript-eslint/no-explicit-any */
