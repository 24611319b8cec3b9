import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { areaOutputs } from "./mock-outputs";
import type { StackReferenceValue } from "./stack-refs";

export const MOCK_ACCOUNT = "123456789012";

/** Stable short hex digest, so plans are reproducible run to run. */
export function digest(text: string, length = 17): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

type State = Record<string, unknown>;

/** EC2-style id prefixes by type token. */
const ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/networkAcl:NetworkAcl": "acl-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
    "aws:guardduty/detector:Detector": "",
};

/** Properties whose value, when the program leaves them out, the provider auto-names. */
const AUTONAME_PROPS: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:sns/topic:Topic": "name",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:ec2/securityGroup:SecurityGroup": "name",
    "aws:eks/cluster:Cluster": "name",
    "aws:wafv2/webAcl:WebAcl": "name",
    "aws:cloudtrail/trail:Trail": "name",
    "aws:networkfirewall/firewall:Firewall": "name",
    "aws:networkfirewall/firewallPolicy:FirewallPolicy": "name",
    "aws:networkfirewall/ruleGroup:RuleGroup": "name",
    "aws:backup/vault:Vault": "name",
    "aws:backup/plan:Plan": "name",
    "aws:cognito/userPool:UserPool": "name",
    "aws:ssm/document:Document": "name",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:cloudwatch/eventRule:EventRule": "name",
    "aws:kms/alias:Alias": "name",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:ec2/launchTemplate:LaunchTemplate": "name",
};

/** The ARN service and resource path for a type, given the resource's (physical) name and id. */
function arnFor(type: string, region: string, name: string, id: string): string {
    const [pkg, mod] = type.split(":");
    if (pkg !== "aws") {
        return "";
    }
    const module = mod.split("/")[0];
    const kind = mod.split("/")[1]?.toLowerCase() ?? module;
    const acct = MOCK_ACCOUNT;
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return `arn:aws:s3:::${name}`;
        case "aws:iam/role:Role":
            return `arn:aws:iam::${acct}:role/${name}`;
        case "aws:iam/policy:Policy":
            return `arn:aws:iam::${acct}:policy/${name}`;
        case "aws:kms/key:Key":
            return `arn:aws:kms:${region}:${acct}:key/${id}`;
        case "aws:kms/alias:Alias":
            return `arn:aws:kms:${region}:${acct}:${name}`;
        case "aws:cloudwatch/logGroup:LogGroup":
            return `arn:aws:logs:${region}:${acct}:log-group:${name}`;
        case "aws:sns/topic:Topic":
            return `arn:aws:sns:${region}:${acct}:${name}`;
        case "aws:lb/loadBalancer:LoadBalancer":
            return `arn:aws:elasticloadbalancing:${region}:${acct}:loadbalancer/app/${name}/${digest(id, 16)}`;
        case "aws:lb/targetGroup:TargetGroup":
            return `arn:aws:elasticloadbalancing:${region}:${acct}:targetgroup/${name}/${digest(id, 16)}`;
        case "aws:lb/listener:Listener":
            return `arn:aws:elasticloadbalancing:${region}:${acct}:listener/app/${digest(id, 8)}/${digest(id, 16)}`;
        case "aws:eks/cluster:Cluster":
            return `arn:aws:eks:${region}:${acct}:cluster/${name}`;
        case "aws:wafv2/webAcl:WebAcl":
            return `arn:aws:wafv2:${region}:${acct}:regional/webacl/${name}/${id}`;
        case "aws:wafv2/ipSet:IpSet":
            return `arn:aws:wafv2:${region}:${acct}:regional/ipset/${name}/${id}`;
        case "aws:cloudtrail/trail:Trail":
            return `arn:aws:cloudtrail:${region}:${acct}:trail/${name}`;
        case "aws:secretsmanager/secret:Secret":
            return `arn:aws:secretsmanager:${region}:${acct}:secret:${name}-${digest(id, 6)}`;
        case "aws:cognito/userPool:UserPool":
            return `arn:aws:cognito-idp:${region}:${acct}:userpool/${id}`;
        case "aws:lambda/function:Function":
            return `arn:aws:lambda:${region}:${acct}:function:${name}`;
        case "aws:cloudwatch/eventRule:EventRule":
            return `arn:aws:events:${region}:${acct}:rule/${name}`;
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return `arn:aws:cloudwatch:${region}:${acct}:alarm:${name}`;
        case "aws:backup/vault:Vault":
            return `arn:aws:backup:${region}:${acct}:backup-vault:${name}`;
        case "aws:backup/plan:Plan":
            return `arn:aws:backup:${region}:${acct}:backup-plan:${id}`;
        case "aws:ssm/document:Document":
            return `arn:aws:ssm:${region}:${acct}:document/${name}`;
        case "aws:acm/certificate:Certificate":
            return `arn:aws:acm:${region}:${acct}:certificate/${id}`;
        default: {
            const service =
                { cloudwatch: "logs", lb: "elasticloadbalancing", cfg: "config", cognito: "cognito-idp" }[module] ??
                module;
            return `arn:aws:${service}:${region}:${acct}:${kind}/${id}`;
        }
    }
}

/** Extra computed outputs per type, beyond id / arn / name, that components read. */
function computed(type: string, name: string, id: string, inputs: State, region: string): State {
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return {
                bucketDomainName: `${name}.s3.amazonaws.com`,
                bucketRegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
                region,
            };
        case "aws:kms/key:Key":
            return { keyId: id };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                dnsName: `${name}-${digest(id, 10)}.${region}.elb.amazonaws.com`,
                zoneId: "Z32O12XQLNTSW2",
                arnSuffix: `app/${name}/${digest(id, 16)}`,
            };
        case "aws:eks/cluster:Cluster":
            return {
                endpoint: `https://${digest(id, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
                certificateAuthority: { data: Buffer.from(`mock-ca-${id}`).toString("base64") },
                identities: [
                    {
                        oidcs: [
                            { issuer: `https://oidc.eks.${region}.amazonaws.com/id/${digest(id, 32).toUpperCase()}` },
                        ],
                    },
                ],
                vpcConfig: {
                    ...((inputs.vpcConfig as State) ?? {}),
                    clusterSecurityGroupId: `sg-${digest(id + "cluster")}`,
                },
                status: "ACTIVE",
            };
        case "aws:networkfirewall/firewall:Firewall": {
            const mappings = (inputs.subnetMappings as { subnetId: string }[] | undefined) ?? [];
            return {
                firewallStatuses: [
                    {
                        syncStates: mappings.map((m, i) => ({
                            availabilityZone: `${region}${"abcdef"[i]}`,
                            attachments: [{ endpointId: `vpce-${digest(id + i)}`, subnetId: m.subnetId }],
                        })),
                    },
                ],
            };
        }
        case "aws:cognito/userPool:UserPool":
            return { endpoint: `cognito-idp.${region}.amazonaws.com/${id}` };
        case "aws:cognito/userPoolClient:UserPoolClient":
            return { clientSecret: pulumi.secret(`mock-secret-${digest(id)}`) };
        case "aws:guardduty/detector:Detector":
            return { accountId: MOCK_ACCOUNT };
        default:
            return {};
    }
}

/**
 * Mocks that answer like the AWS / Kubernetes / TLS providers would: realistic ids and ARNs, auto-names,
 * and the computed outputs components read. `call` is strict: an unmocked data source throws.
 */
export class ProviderMocks implements pulumi.runtime.Mocks {
    /**
     * @param stackReferences outputs of the stacks the program references (plan --stack-ref), by the name the
     * program gives its StackReference (`<stack>` or `<org>/<project>/<stack>`)
     */
    constructor(
        readonly region: string,
        readonly stackReferences: Record<string, StackReferenceValue> = {},
    ) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
        const inputs = args.inputs as State;
        // The engine's read of a StackReference: the referenced stack's outputs, and which are secret.
        if (args.type === "pulumi:pulumi:StackReference") {
            const name = String(inputs.name ?? args.name);
            const ref = this.stackReferences[name];
            if (!ref) {
                throw new Error(`no outputs for the stack reference to ${name}: plan --stack-ref ${name}=<its plan>`);
            }
            return { id: name, state: { name, outputs: ref.outputs, secretOutputNames: ref.secretOutputNames } };
        }
        const seed = `${args.type}::${args.name}`;
        if (args.type.startsWith("pulumi:providers:")) {
            return {
                id: `${digest(seed, 8)}-${digest(seed + "a", 4)}-4${digest(seed + "b", 3)}-8${digest(seed + "c", 3)}-${digest(seed + "d", 12)}`,
                state: inputs,
            };
        }
        const prefix = ID_PREFIX[args.type];
        const nameProp = AUTONAME_PROPS[args.type];
        const physical =
            (nameProp && typeof inputs[nameProp] === "string" ? (inputs[nameProp] as string) : undefined) ??
            (typeof inputs.name === "string" ? (inputs.name as string) : undefined) ??
            `${args.name}-${digest(seed, 7)}`;
        const id = args.type.startsWith("kubernetes:")
            ? `${(inputs.metadata as State | undefined)?.namespace ?? ""}${(inputs.metadata as State | undefined)?.namespace ? "/" : ""}${(inputs.metadata as State | undefined)?.name ?? args.name}`
            : prefix !== undefined
              ? `${prefix}${digest(seed)}`
              : [
                      "aws:s3/bucket:Bucket",
                      "aws:iam/role:Role",
                      "aws:cloudwatch/logGroup:LogGroup",
                      "aws:eks/cluster:Cluster",
                      "aws:sns/topic:Topic",
                  ].includes(args.type)
                ? physical
                : type2uuid(seed);
        // Bridged (Terraform-based) providers return the id among the outputs too; stack policies rely on it.
        const state: State = { ...inputs, ...(/^(aws|tls|random):/.test(args.type) ? { id } : {}) };
        if (nameProp && state[nameProp] === undefined) {
            state[nameProp] = physical;
        }
        const arn = arnFor(args.type, this.region, physical, id);
        if (arn) {
            state.arn = state.arn ?? arn;
        }
        Object.assign(state, computed(args.type, physical, id, inputs, this.region));
        const extra = areaOutputs[args.type];
        if (extra) {
            Object.assign(
                state,
                extra({
                    logicalName: args.name,
                    name: physical,
                    id,
                    inputs,
                    region: this.region,
                    account: MOCK_ACCOUNT,
                }),
            );
        }
        if (args.type === "aws:sns/topic:Topic") {
            return { id: arn, state };
        }
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        switch (args.token) {
            case "aws:index/getAvailabilityZones:getAvailabilityZones":
                return {
                    names: ["a", "b", "c", "d"].map((z) => `${this.region}${z}`),
                    zoneIds: [1, 2, 3, 4].map((n) => `${this.region.replace(/-/g, "").slice(0, 4)}-az${n}`),
                    id: this.region,
                };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: MOCK_ACCOUNT,
                    arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/ci`,
                    userId: "AIDAMOCK",
                    id: MOCK_ACCOUNT,
                };
            case "aws:index/getRegion:getRegion":
                return { name: this.region, region: this.region, id: this.region, description: this.region };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            // accountServices adopt: the landing zone's detector, as a delegated administrator enables it.
            case "aws:guardduty/getDetector:getDetector": {
                const id = digest(`detector-${MOCK_ACCOUNT}-${this.region}`, 32);
                return {
                    id,
                    arn: `arn:aws:guardduty:${this.region}:${MOCK_ACCOUNT}:detector/${id}`,
                    status: "ENABLED",
                    findingPublishingFrequency: "FIFTEEN_MINUTES",
                    serviceRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`,
                    region: this.region,
                    tags: {},
                    features: [
                        { name: "EKS_AUDIT_LOGS", status: "ENABLED", additionalConfigurations: [] },
                        {
                            name: "RUNTIME_MONITORING",
                            status: "ENABLED",
                            additionalConfigurations: [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }],
                        },
                    ],
                };
            }
            // The EKS-optimized AMI public parameters (/aws/service/eks/optimized-ami/...): an AMI id per name.
            case "aws:ssm/getParameter:getParameter": {
                const name = String((args.inputs as { name?: unknown }).name ?? "");
                if (!name.startsWith("/aws/service/eks/optimized-ami/")) {
                    throw new Error(`Mock not implemented: ${args.token} ${name}`);
                }
                const value = `ami-${digest(name, 17)}`;
                return {
                    id: name,
                    name,
                    type: "String",
                    value,
                    insecureValue: value,
                    version: 1,
                    withDecryption: true,
                };
            }
            default:
                throw new Error(`Mock not implemented: ${args.token}`);
        }
    }
}

function type2uuid(seed: string): string {
    const h = digest(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
