import { PolicyResource } from "@pulumi/policy";
import { adoptedServicesNotCreated } from "./account-services";
import { guide } from "../catalog";
import { networkDesign } from "../catalog/network";
import { coversSharedStorage, platformDesign } from "../catalog/platform";
import {
    capacityProblems,
    cniSettings,
    eniLimits,
    eksManagedMaxPods,
    instanceVcpus,
    NODECONFIG_CLUSTER_FIELDS,
    userDataNodeConfig,
    maxPodsFor,
    NodeGroupDemand,
} from "../lib/capacity";
import { contains, isCidr } from "../lib/cidr";
import { candidatesBy } from "../lib/lookup";
import { fixedDemandsOf } from "./deployable/subnet-demand";
import { asArray, asObject, asString, asStrings, parsePolicyDocument, resourcePolicy, stackPolicy } from "./lib";

// Cross-service facts of the platform (issue 11): how CI reaches a private EKS API, whether the segment
// subnets hold the pods, what ELB needs before an ALB logs, and the egress paths around the firewall.

type Rec = Record<string, unknown>;
const rec = asObject;
const str = asString;
const num = (v: unknown): number | undefined =>
    typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined;
const ofType = (rs: PolicyResource[], type: string) => rs.filter((r) => r.type === type);

const T = {
    cluster: "aws:eks/cluster:Cluster",
    project: "aws:codebuild/project:Project",
    webhook: "aws:codebuild/webhook:Webhook",
    subnet: "aws:ec2/subnet:Subnet",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    assoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    route: "aws:ec2/route:Route",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    addon: "aws:eks/addon:Addon",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    ruleGroup: "aws:networkfirewall/ruleGroup:RuleGroup",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    policy: "aws:iam/policy:Policy",
} as const;

const HTTPS = networkDesign.ports.https;

/** Does the rule admit TCP 443? */
function admits443(rule: Rec): boolean {
    const proto = str(rule.ipProtocol);
    if (proto === "-1") {
        return true;
    }
    return (proto === "tcp" || proto === "6") && (num(rule.fromPort) ?? 0) <= HTTPS && (num(rule.toPort) ?? 0) >= HTTPS;
}

export const deployPath = stackPolicy({
    name: "network-deploy-path",
    description:
        "An EKS cluster whose API is not open to the internet has an in-VPC deploy path: a CodeBuild GitHub Actions runner (webhook on WORKFLOW_JOB_QUEUED) in the cluster's VPC, admitted on 443 by the cluster's security group, with a default route out through NAT.",
    controls: ["NET-DEPLOY-PATH"],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const subnetCidr = new Map(
            ofType(rs, T.subnet).map((s) => [str(s.props.id) ?? "", str(s.props.cidrBlock) ?? ""] as const),
        );
        const subnets = new Map(ofType(rs, T.subnet).map((s) => [str(s.props.id) ?? "", s] as const));
        const hooked = new Set(
            ofType(rs, T.webhook)
                .filter((w) =>
                    asArray(w.props.filterGroups as Rec[]).some((g) =>
                        asArray(rec(g).filters as Rec[]).some(
                            (f) =>
                                rec(f).type === "EVENT" &&
                                String(rec(f).pattern)
                                    .split(",")
                                    .map((e) => e.trim())
                                    .includes(platformDesign.deployRunner.webhookEvent) &&
                                rec(f).excludeMatchedPattern !== true,
                        ),
                    ),
                )
                .map((w) => str(w.props.projectName)),
        );
        const routeTableOf = new Map(
            ofType(rs, T.assoc).map((a) => [str(a.props.subnetId) ?? "", str(a.props.routeTableId) ?? ""] as const),
        );
        const natDefault = new Set(
            ofType(rs, T.route)
                .filter((r) => str(r.props.destinationCidrBlock) === "0.0.0.0/0" && str(r.props.natGatewayId))
                .map((r) => str(r.props.routeTableId)),
        );
        const ingress = ofType(rs, T.ingress).map((r) => r.props as Rec);
        for (const cluster of ofType(rs, T.cluster)) {
            const vpc = rec(asArray(cluster.props.vpcConfig as Rec | Rec[])[0] ?? cluster.props.vpcConfig);
            const publicCidrs = asStrings(vpc.publicAccessCidrs);
            if (vpc.endpointPublicAccess === true && publicCidrs.includes("0.0.0.0/0")) {
                continue; // reachable from any runner (another policy forbids this endpoint)
            }
            // vpcId is computed by EKS; before it exists the cluster's subnets tell the VPC.
            const clusterVpc = str(vpc.vpcId) ?? str(subnets.get(asStrings(vpc.subnetIds)[0] ?? "")?.props.vpcId);
            const clusterSgs = new Set([...asStrings(vpc.securityGroupIds), ...asStrings(vpc.clusterSecurityGroupId)]);
            const problems: string[] = [];
            const runners = ofType(rs, T.project).filter((p) => {
                const v = rec(asArray(p.props.vpcConfig as Rec | Rec[])[0]);
                return clusterVpc !== undefined && str(v.vpcId) === clusterVpc;
            });
            const ok = runners.some((p) => {
                const v = rec(asArray(p.props.vpcConfig as Rec | Rec[])[0]);
                const runnerSubnets = asStrings(v.subnets);
                const groups = new Set(asStrings(v.securityGroupIds));
                const why: string[] = [];
                if (!hooked.has(str(p.props.name))) {
                    why.push(`no webhook starts it on ${platformDesign.deployRunner.webhookEvent}`);
                }
                const reach = ingress.some((r) => {
                    if (!clusterSgs.has(str(r.securityGroupId) ?? "") || !admits443(r)) {
                        return false;
                    }
                    if (groups.has(str(r.referencedSecurityGroupId) ?? "")) {
                        return true;
                    }
                    const cidr = str(r.cidrIpv4);
                    return (
                        cidr !== undefined &&
                        isCidr(cidr) &&
                        runnerSubnets.length > 0 &&
                        runnerSubnets.every(
                            (s) => isCidr(subnetCidr.get(s) ?? "") && contains(cidr, subnetCidr.get(s) ?? ""),
                        )
                    );
                });
                if (!reach) {
                    why.push("the cluster's security group does not admit it on 443");
                }
                if (runnerSubnets.length === 0 || !runnerSubnets.every((s) => natDefault.has(routeTableOf.get(s)))) {
                    why.push("its subnets have no default route through a NAT gateway (GitHub, npm, Pulumi)");
                }
                problems.push(`${p.name}: ${why.join("; ")}`);
                return why.length === 0;
            });
            if (!ok) {
                report(
                    `[NET-DEPLOY-PATH] EKS cluster ${cluster.name} has a private API endpoint${publicCidrs.length ? ` (public only from ${publicCidrs.join(", ")})` : ""} but no usable in-VPC deploy runner: ${runners.length ? problems.join(" | ") : "no CodeBuild project in its VPC"}. CI on GitHub-hosted runners cannot reach it.`,
                    cluster.urn,
                );
            }
        }
    },
});

export const podIpCapacity = stackPolicy({
    name: "network-pod-ip-capacity",
    description:
        "Every subnet holds what the plan places in it: peak nodes per AZ of each node group (maximum over the AZs plus the managed-update surge of 2 per AZ) × the addresses one node can take (instance ENI limits, bounded by the vpc-cni add-on's MAX_ENI), one ENI per interface endpoint, the EKS control plane's ENIs plus the addresses it needs free in each cluster subnet, NAT gateways, and the free addresses a load balancer needs ≤ usable addresses.",
    controls: ["NET-POD-CAPACITY"],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const subnetCidr = new Map(
            ofType(rs, T.subnet).map((s) => [str(s.props.id) ?? "", str(s.props.cidrBlock) ?? ""] as const),
        );
        const ltType = new Map(
            ofType(rs, T.launchTemplate).map((l) => [str(l.props.id) ?? "", str(l.props.instanceType)] as const),
        );
        const byCluster = new Map<string, PolicyResource[]>();
        for (const g of ofType(rs, T.nodeGroup)) {
            const c = str(g.props.clusterName) ?? "";
            byCluster.set(c, [...(byCluster.get(c) ?? []), g]);
        }
        for (const [clusterName, groups] of byCluster) {
            const addon = ofType(rs, T.addon).find(
                (a) => str(a.props.clusterName) === clusterName && a.props.addonName === "vpc-cni",
            );
            const cni = cniSettings(addon?.props.configurationValues);
            const demands: NodeGroupDemand[] = groups.map((g) => {
                const lt = rec(g.props.launchTemplate);
                const instanceType = asStrings(g.props.instanceTypes)[0] ?? ltType.get(str(lt.id) ?? "") ?? "?";
                return {
                    name: g.name,
                    instanceType,
                    maxSize: num(rec(g.props.scalingConfig).maxSize) ?? 0,
                    subnetCidrs: asStrings(g.props.subnetIds)
                        .map((id) => subnetCidr.get(id) ?? "")
                        .filter(isCidr),
                };
            });
            for (const p of capacityProblems(demands, cni, fixedDemandsOf(rs, subnetCidr))) {
                report(`[NET-POD-CAPACITY] cluster ${clusterName}: ${p}`, groups[0].urn);
            }
        }
    },
});

export const nodeMaxPods = stackPolicy({
    name: "network-node-max-pods",
    description:
        "Kubelet's maxPods on every EKS node group is at most the pods the VPC CNI can address: ENIs (bounded by the vpc-cni add-on's MAX_ENI) × (IPv4 per ENI − 1) + 2 host-network pods. Without a custom AMI in the launch template EKS appends its own NodeConfig, whose maxPods (every ENI, capped at 110 / 250) wins; with one, the launch template's NodeConfig is the node's whole configuration: it must carry the cluster section nodeadm needs (name, apiServerEndpoint, certificateAuthority, cidr) and the maxPods, else nodeadm's default counts every ENI.",
    controls: ["NET-POD-CAPACITY"],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const lts = new Map(ofType(rs, T.launchTemplate).map((l) => [str(l.props.id) ?? "", l.props] as const));
        for (const g of ofType(rs, T.nodeGroup)) {
            const group = `${str(g.props.nodeGroupName) ?? g.name}`;
            const clusterName = str(g.props.clusterName) ?? "";
            const addon = ofType(rs, T.addon).find(
                (a) => str(a.props.clusterName) === clusterName && a.props.addonName === "vpc-cni",
            );
            const cni = cniSettings(addon?.props.configurationValues);
            const lt = lts.get(str(rec(g.props.launchTemplate).id) ?? "");
            const instanceType = asStrings(g.props.instanceTypes)[0] ?? str(lt?.instanceType) ?? "?";
            const limits = eniLimits(instanceType);
            if (!limits) {
                continue; // network-pod-ip-capacity reports the unknown type
            }
            const addressable = maxPodsFor(limits, cni);
            const bound = `the ${addressable} pods the VPC CNI can address${cni.maxEni ? ` with MAX_ENI ${cni.maxEni}` : ""}: pods past that are scheduled and never get an address`;
            if (!str(lt?.imageId)) {
                const eks = eksManagedMaxPods(limits, instanceVcpus(instanceType) ?? 0, cni);
                if (eks > addressable) {
                    report(
                        `[NET-POD-CAPACITY] node group ${group} (${instanceType}): no custom AMI in its launch template, so EKS appends its own NodeConfig and kubelet admits ${eks} pods (EKS "How maxPods is determined"; a maxPods in the launch template does not count), above ${bound}`,
                        g.urn,
                    );
                }
                continue;
            }
            const config = userDataNodeConfig(str(lt?.userData));
            const missing = NODECONFIG_CLUSTER_FIELDS.filter((f) => !config.cluster[f]);
            if (missing.length > 0) {
                report(
                    `[NET-POD-CAPACITY] node group ${group} (${instanceType}) launches a custom AMI, so EKS adds no bootstrap, but its launch template's NodeConfig lacks spec.cluster ${missing.join(", ")}: nodeadm refuses to start and no node joins`,
                    g.urn,
                );
            }
            const effective = config.maxPods ?? maxPodsFor(limits, { prefixDelegation: cni.prefixDelegation });
            if (effective > addressable) {
                report(
                    `[NET-POD-CAPACITY] node group ${group} (${instanceType}): kubelet maxPods ${effective}${config.maxPods === undefined ? " (not set in a NodeConfig part of its launch template user data: nodeadm's default from every ENI)" : ""} exceeds ${bound}`,
                    g.urn,
                );
            }
        }
    },
});

export const albLogBucketOrder = stackPolicy({
    name: "network-alb-log-bucket-order",
    description:
        "An ALB with access logs enabled depends on the policy of its log bucket: ELB writes a test object when logging is enabled and fails with Access Denied if the grant is not there yet.",
    controls: ["PER-LB"],
    severity: "medium",
    validate: (args, report) => {
        const policies = ofType(args.resources, T.bucketPolicy);
        for (const lb of ofType(args.resources, T.alb)) {
            const logs = rec(asArray(lb.props.accessLogs as Rec | Rec[])[0]);
            const bucket = str(logs.bucket);
            if (logs.enabled !== true || !bucket) {
                continue;
            }
            const policy = policies.find((p) => str(p.props.bucket) === bucket);
            const seen = new Set<PolicyResource>();
            const dependsOn = (r: PolicyResource, target: PolicyResource): boolean =>
                (r.dependencies ?? []).some((d) => {
                    if (d === target) {
                        return true;
                    }
                    if (seen.has(d)) {
                        return false;
                    }
                    seen.add(d);
                    return dependsOn(d, target);
                });
            if (!policy) {
                report(
                    `[PER-LB] ALB ${lb.name} logs to bucket ${bucket}, which has no bucket policy in the stack`,
                    lb.urn,
                );
            } else if (!dependsOn(lb, policy)) {
                report(
                    `[PER-LB] ALB ${lb.name} does not depend on ${policy.name}, the policy of its log bucket ${bucket}: creating it first fails ELB's test write (Access Denied)`,
                    lb.urn,
                );
            }
        }
    },
});

/** HOME_NET of a rule group: its definitions (the firewall's VPC CIDR when unset, i.e. every workload). */
function homeNet(props: Rec): string[] | undefined {
    const sets = asArray(rec(rec(props.ruleGroup).ruleVariables).ipSets as Rec[]).map(rec);
    const home = sets.find((v) => v.key === "HOME_NET");
    return home ? asStrings(rec(home.ipSet).definitions) : undefined;
}

export const egressNoSharedStorage = resourcePolicy({
    name: "network-egress-no-shared-storage",
    description:
        "A firewall allow-list that workloads use holds no wildcard covering a shared object store (.amazonaws.com, .blob.core.windows.net, ...): it would admit anyone's bucket. Only a list scoped to one /32 source (the deploy runner's NAT) may.",
    controls: ["PER-FW-EGRESS"],
    severity: "high",
    types: [T.ruleGroup],
    validate: (args, report) => {
        const source = rec(rec(rec(args.props.ruleGroup).rulesSource).rulesSourceList);
        if (source.generatedRulesType !== "ALLOWLIST") {
            return;
        }
        const home = homeNet(args.props as Rec);
        if (home && home.length === 1 && home[0].endsWith("/32")) {
            return;
        }
        const wide = asStrings(source.targets).filter(coversSharedStorage);
        if (wide.length > 0) {
            report(
                `[PER-FW-EGRESS] egress allow-list ${args.name} admits ${wide.join(", ")} for ${home?.join(", ") ?? "the whole VPC"}: any bucket / blob of anyone is reachable (exfiltration); list exact hosts and reach AWS through VPC endpoints`,
            );
        }
    },
});

export const s3EndpointScoped = resourcePolicy({
    name: "network-s3-endpoint-policy",
    description:
        "Every S3 endpoint, gateway or interface (an interface endpoint with private DNS takes the VPC's S3 traffic away from the gateway endpoint, and its own DNS names reach it without), has a policy whose every Allow is limited to the stack's account (aws:ResourceAccount / s3:ResourceAccount, naming no other account) or to named buckets: without one it reaches every bucket in the world, around the firewall.",
    controls: ["PER-FW-EGRESS"],
    severity: "high",
    types: [T.endpoint],
    validate: (args, report) => {
        const p = args.props as Rec;
        if (!/\.s3$/.test(str(p.serviceName) ?? "")) {
            return;
        }
        const type = str(p.vpcEndpointType) ?? "Gateway";
        const what = `S3 ${type === "Gateway" ? "gateway" : type === "Interface" ? "interface" : type} endpoint ${args.name}${type === "Interface" && p.privateDnsEnabled === true ? " (private DNS: all of the VPC's S3 traffic)" : ""}`;
        const own = str(p.ownerId) ?? str(p.arn)?.split(":")[4];
        const doc = parsePolicyDocument(p.policy);
        if (!doc) {
            report(`[PER-FW-EGRESS] ${what} has no policy: it admits every bucket in the world`);
            return;
        }
        for (const s of asArray(doc.Statement as Rec | Rec[]).map(rec)) {
            if (s.Effect !== "Allow") {
                continue;
            }
            const eq = { ...rec(rec(s.Condition).StringEquals) };
            const accounts = ["aws:ResourceAccount", "s3:ResourceAccount"].flatMap((k) =>
                eq[k] === undefined ? [] : asStrings(eq[k]),
            );
            const scoped = accounts.length > 0 && accounts.every((a) => (own ? a === own : /^\d{12}$/.test(a)));
            const named = asStrings(s.Resource).every((r) => /^arn:aws[a-z-]*:s3:::[a-z0-9.-]+(\/.*)?$/.test(r));
            if (s.NotResource !== undefined || (!scoped && !(s.Resource !== undefined && named))) {
                report(
                    `[PER-FW-EGRESS] ${what}: statement ${str(s.Sid) ?? "(no Sid)"} allows ${JSON.stringify(s.Resource ?? s.NotResource)} without a condition limiting it to the stack's account${accounts.length > 0 ? ` (it names ${accounts.join(", ")})` : ""}`,
                );
            }
        }
    },
});

/** The header a statement requires to be present (sizeConstraint on a single header, > 0 or >= 1). */
function presentHeader(statement: Rec): string | undefined {
    const sc = rec(statement.sizeConstraintStatement);
    const header = str(rec(rec(sc.fieldToMatch).singleHeader).name);
    const size = num(sc.size);
    const present = (sc.comparisonOperator === "GT" && size === 0) || (sc.comparisonOperator === "GE" && size === 1);
    return header && present ? header.toLowerCase() : undefined;
}

/** Headers whose absence the statement matches (NOT present, alone or as one conjunct of an AND). */
function blocksMissing(statement: Rec): string[] {
    const direct = presentHeader(rec(rec(statement.notStatement).statement));
    if (direct) {
        return [direct];
    }
    return asArray(rec(statement.andStatement).statements as Rec[]).flatMap((s) => {
        const h = presentHeader(rec(rec(rec(s).notStatement).statement));
        return h ? [h] : [];
    });
}

export const wafAgentKeyRequired = resourcePolicy({
    name: "network-waf-agent-key-required",
    description: `A per-agent WAF rate rule keyed on a client-chosen header cannot be bypassed: requests lacking the header are blocked by an earlier rule (WAF does not count a request missing a custom key), and a per-source-address limit of ${guide.serviceMesh.rateLimiting.perAgentRps} rps stops rotating the header value.`,
    controls: ["PER-DDOS"],
    severity: "high",
    types: [T.webAcl],
    validate: (args, report) => {
        const rules = asArray((args.props as Rec).rules as Rec[]).map(rec);
        const blocking = rules.filter((r) => "block" in rec(r.action));
        const perSecond = (s: Rec) => (num(s.limit) ?? 0) / (num(s.evaluationWindowSec) ?? 300);
        const perAgentRps = guide.serviceMesh.rateLimiting.perAgentRps;
        for (const r of rules) {
            const rate = rec(rec(r.statement).rateBasedStatement);
            if (rate.aggregateKeyType !== "CUSTOM_KEYS") {
                continue;
            }
            const headers = asArray(rate.customKeys as Rec[])
                .map((k) => str(rec(rec(k).header).name)?.toLowerCase())
                .filter((h): h is string => h !== undefined);
            for (const h of headers) {
                const guard = blocking.some(
                    (b) =>
                        (num(b.priority) ?? 0) < (num(r.priority) ?? 0) && blocksMissing(rec(b.statement)).includes(h),
                );
                if (!guard) {
                    report(
                        `[PER-DDOS] web ACL rule ${str(r.name)} limits per ${h} header, but no earlier blocking rule rejects requests without it: omitting the header bypasses the limit`,
                    );
                }
            }
            if (headers.length > 0) {
                const perSource = blocking.some((b) => {
                    const s = rec(rec(b.statement).rateBasedStatement);
                    return s.aggregateKeyType === "IP" && perSecond(s) <= perAgentRps;
                });
                if (!perSource) {
                    report(
                        `[PER-DDOS] web ACL rule ${str(r.name)} keys on a client-chosen header, and no blocking per-IP rate rule of at most ${perAgentRps} rps stops a client rotating its value`,
                    );
                }
            }
        }
    },
});

/**
 * The VPC endpoint service (`com.amazonaws.<region>.<name>`) that serves an IAM action prefix; "s3" and
 * "dynamodb" also have gateway endpoints. A prefix missing here cannot be proven reachable.
 */
const ENDPOINT_OF_PREFIX: Record<string, string> = {
    cloudwatch: "monitoring",
    logs: "logs",
    kms: "kms",
    secretsmanager: "secretsmanager",
    sts: "sts",
    sns: "sns",
    sqs: "sqs",
    ssm: "ssm",
    ec2: "ec2",
    eks: "eks",
    autoscaling: "autoscaling",
    elasticloadbalancing: "elasticloadbalancing",
    ecr: "ecr.api",
    firehose: "firehose",
    s3: "s3",
    dynamodb: "dynamodb",
    events: "events",
    xray: "xray",
    "eks-auth": "eks-auth",
};

/** Service prefixes of the actions a policy document allows. */
function allowedPrefixes(policy: unknown): string[] {
    const doc = parsePolicyDocument(policy);
    const out = new Set<string>();
    for (const s of asArray(doc?.Statement as Rec | Rec[]).map(rec)) {
        if (s.Effect === "Allow") {
            for (const a of asStrings(s.Action)) {
                out.add(a.split(":")[0].toLowerCase());
            }
        }
    }
    return [...out];
}

export const workloadApisReachable = stackPolicy({
    name: "network-workload-apis-reachable",
    description:
        "Every AWS API a pod's role (EKS Pod Identity) is allowed to call is reachable from the VPC without the internet path the allow-list closes: an interface (or gateway) endpoint of that service, or its host on the workloads' firewall allow-list. Pod Identity itself needs eks-auth. Otherwise the call times out at the firewall and the feature deploys but does nothing.",
    controls: ["PER-FW-EGRESS"],
    severity: "high",
    validate: (args, report) => {
        const rs = args.resources;
        const associations = ofType(rs, T.podIdentity);
        if (associations.length === 0) {
            return;
        }
        const endpoints = new Set<string>();
        let region = "";
        for (const e of ofType(rs, T.endpoint)) {
            const m = /^com\.amazonaws\.([a-z0-9-]+)\.(.+)$/.exec(str(e.props.serviceName) ?? "");
            if (!m) {
                continue;
            }
            region = m[1];
            const type = str(e.props.vpcEndpointType) ?? "Gateway";
            // An interface endpoint serves the public host name only with private DNS on.
            if (type === "Gateway" || e.props.privateDnsEnabled === true) {
                endpoints.add(m[2]);
            }
        }
        // The workloads' allow-lists: every ALLOWLIST rule group not scoped to one /32 (the deploy NAT).
        const allowed = ofType(rs, T.ruleGroup).flatMap((g) => {
            const source = rec(rec(rec(g.props.ruleGroup).rulesSource).rulesSourceList);
            const home = homeNet(g.props as Rec);
            const deployOnly = home !== undefined && home.length === 1 && home[0].endsWith("/32");
            return source.generatedRulesType === "ALLOWLIST" && !deployOnly ? asStrings(source.targets) : [];
        });
        const onAllowList = (host: string) =>
            allowed.some((t) => t === host || (t.startsWith(".") && host.endsWith(t)));
        const roles = candidatesBy(ofType(rs, T.role), (r) => str(r.props.arn));
        const allPolicies = ofType(rs, T.policy);
        const policies = candidatesBy(allPolicies, (q) => str(q.props.arn));
        /** The document of the customer policy an attachment names; reads in the order of a scan of all. */
        const attachedDocument = (p: PolicyResource) => {
            if (allPolicies.length === 0) {
                return undefined;
            }
            str(allPolicies[0].props.arn);
            const arn = str(p.props.policyArn);
            return policies(arn).find((q) => str(q.props.arn) === arn)?.props.policy;
        };
        const rolePolicies = candidatesBy(ofType(rs, T.rolePolicy), (p) => str(p.props.role));
        const attachments = candidatesBy(ofType(rs, T.attachment), (p) => str(p.props.role));
        for (const a of associations) {
            const roleArn = str(a.props.roleArn) ?? "";
            const role = roles(roleArn).find((r) => str(r.props.arn) === roleArn);
            const roleName = str(role?.props.name) ?? roleArn.split("/").pop() ?? "";
            const docs = [
                ...rolePolicies(roleName)
                    .filter((p) => str(p.props.role) === roleName)
                    .map((p) => p.props.policy),
                ...attachments(roleName)
                    .filter((p) => str(p.props.role) === roleName)
                    .map(attachedDocument),
            ];
            const prefixes = new Set(["eks-auth", ...docs.flatMap(allowedPrefixes)]);
            const unreachable = [...prefixes].filter((prefix) => {
                const service = ENDPOINT_OF_PREFIX[prefix];
                if (!service) {
                    return true;
                }
                return !endpoints.has(service) && !onAllowList(`${service}.${region}.amazonaws.com`);
            });
            if (unreachable.length > 0) {
                report(
                    `[PER-FW-EGRESS] pods of service account ${str(a.props.namespace)}/${str(a.props.serviceAccount)} (role ${roleName}) may call ${unreachable.map((p) => `${p} (endpoint ${ENDPOINT_OF_PREFIX[p] ?? "unknown"})`).join(", ")}, which the VPC reaches through neither an endpoint nor the firewall allow-list: those calls never leave the VPC`,
                    a.urn,
                );
            }
        }
    },
});

export const platformPolicies = [
    adoptedServicesNotCreated,
    deployPath,
    podIpCapacity,
    nodeMaxPods,
    albLogBucketOrder,
    egressNoSharedStorage,
    s3EndpointScoped,
    wafAgentKeyRequired,
    workloadApisReachable,
];
