import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { guide, SEGMENTS, SegmentName } from "../policy-pack/catalog";
import { MESH } from "../policy-pack/catalog/mesh";
import { coversSharedStorage, platformDesign } from "../policy-pack/catalog/platform";
import { capacityProblems } from "../policy-pack/lib/capacity";
import { contains, isCidr, overlaps, parseCidr, split } from "../policy-pack/lib/cidr";
import { bytes, milliCpu, podsThatFit, PodResources } from "../policy-pack/lib/quantity";

/** The Pulumi project name; stack config keys are `<project>:<key>`. */
export const PROJECT = "multi-agent-security";

/** Raised for invalid stack config, before any resource is registered. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

type PulumiType = "string" | "integer" | "boolean" | "array";

/** One declared config key: its Pulumi.yaml type, description, default and validation. */
interface KeyDecl<S extends z.ZodType> {
    type: PulumiType;
    description: string;
    default: z.output<S>;
    schema: S;
}

function key<S extends z.ZodType>(type: PulumiType, description: string, schema: S, dflt: z.output<S>): KeyDecl<S> {
    return { type, description, schema, default: dflt };
}

const cidr = z.string().refine(isCidr, { message: "expected an IPv4 CIDR block such as 10.0.1.0/24" });
const email = z.email({ message: "expected an e-mail address" });
const dnsName = z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, { message: "expected a DNS name" });
const k8sName = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: "expected a lowercase DNS-1123 label (a-z, 0-9, -)" });
const instanceType = z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "expected an EC2 instance type such as m6i.xlarge" });
/** A Kubernetes resource quantity such as 500m, 2, 4Gi. */
const quantity = z.string().regex(/^\d+(\.\d+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, {
    message: "expected a Kubernetes quantity such as 500m, 2 or 4Gi",
});
const seg = guide.infrastructureSecurity.segmentation;
const logs = guide.logCollection;

/**
 * The default egress allow-list of the workloads: the image registries of the pinned charts, the ACME
 * directory cert-manager's issuer uses (dev uses the production directory too, so no staging host) and the
 * Route 53 API its DNS01 solver calls. AWS APIs are reached through VPC endpoints (S3 through the gateway
 * endpoint, whose policy admits only the stack's account), never through a `.amazonaws.com` wildcard: that
 * would admit any S3 bucket in the world (virtual-hosted `<bucket>.s3.amazonaws.com`).
 */
export const DEFAULT_EGRESS_DOMAINS = [
    // Global endpoint, no VPC endpoint: cert-manager's DNS01 solver (Route 53 is a global service).
    "route53.amazonaws.com",
    // Istio's release charts pull docker.io/istio/*: Docker Hub's registry, token service and blob storage. Nodes
    // pull anonymously: Docker's allow-list page names both CDNs and, for anonymous pulls, its R2 bucket.
    "registry-1.docker.io",
    "auth.docker.io",
    "production.cloudflare.docker.com",
    "production.cloudfront.docker.com",
    "docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com",
    // cert-manager's chart pulls quay.io/jetstack/*: Quay's registry and the CDN hosts serving its blobs.
    "quay.io",
    "cdn.quay.io",
    "cdn01.quay.io",
    "cdn02.quay.io",
    "cdn03.quay.io",
    // The Nitro Enclaves device plugin image (public.ecr.aws): ECR Public's registry and the CloudFront
    // distributions serving its layers (EKS Anywhere's domain allow-list lists both).
    "public.ecr.aws",
    "d2glxqk2uabbnd.cloudfront.net",
    "d5l0dvt14r5h8.cloudfront.net",
    // Let's Encrypt ACME (cert-manager's ClusterIssuer).
    new URL(MESH.letsEncryptServer).hostname,
    // Helm chart repositories (Istio's default istioChartRepo, jetstack): fetched by the Pulumi Kubernetes
    // provider wherever `pulumi up` runs, in prod the in-VPC runner behind this firewall.
    "istio-release.storage.googleapis.com",
    new URL(MESH.certManagerRepo).hostname,
] as const;

/**
 * Every stack config key, declared once. Pulumi.yaml's `config:` block is generated from this table
 * (`npm run gen:project-config`) and a test keeps the two in step.
 */
export const CONFIG_KEYS = {
    environment: key(
        "string",
        "Deployment environment name (dev, staging, prod, ...). `dev` gets the dev profile; every other name gets the prod profile (prod's config rules, the strict policy reading).",
        z
            .string()
            .regex(/^[a-z][a-z0-9-]{0,31}$/, "expected a lowercase environment name such as dev, staging or prod"),
        "dev",
    ),
    azCount: key(
        "integer",
        "Availability zones to spread each segment over (at least 2, as EKS requires; at most 4).",
        z.number().int().min(2).max(4),
        2,
    ),
    vpcCidr: key("string", "CIDR of the VPC that holds every segment.", cidr, "10.0.0.0/16"),
    agentSegmentCidr: key("string", "Agent network (restricted).", cidr, seg.agent.cidr),
    serviceSegmentCidr: key("string", "Service network (internal).", cidr, seg.service.cidr),
    managementSegmentCidr: key("string", "Management network (admin_only).", cidr, seg.management.cidr),
    adminCidrs: key(
        "array",
        "CIDRs from which administrators may reach the management segment (besides SSM Session Manager).",
        z.array(cidr),
        [] as string[],
    ),
    natGatewayPerAz: key(
        "boolean",
        "One NAT gateway per AZ (prod) instead of a single shared one (dev).",
        z.boolean(),
        false,
    ),
    deletionProtection: key(
        "boolean",
        "Protect data-holding resources (keys, buckets, vaults, load balancer) from deletion.",
        z.boolean(),
        false,
    ),
    alertEmails: key("array", "E-mail addresses subscribed to the security alert topics.", z.array(email).min(1), [
        "security-alerts@example.com",
    ]),
    agents: key(
        "array",
        "Agent workloads; each gets its own Kubernetes namespace `agent-<name>`.",
        z.array(k8sName.max(57)),
        ["coordinator", "task-executor"],
    ),
    shieldAdvanced: key(
        "boolean",
        "Subscribe to AWS Shield Advanced and protect the ALB (a 1-year commitment; see README).",
        z.boolean(),
        false,
    ),
    domainName: key(
        "string",
        "Public domain for the ALB and ingress certificates; empty means a self-signed certificate.",
        z.union([z.literal(""), dnsName]),
        "",
    ),
    egressAllowedDomains: key(
        "array",
        "Domains the workloads may reach through the network firewall (TLS SNI / HTTP Host); everything else is dropped. The default adds to AWS the registries the Istio (Docker Hub, set as the charts' hub) and cert-manager (quay.io) images come from, their Helm chart repositories and Let's Encrypt's ACME endpoint; mirror images and charts to ECR to shrink it to .amazonaws.com (plus the ACME host when domainName is set).",
        z.array(z.string().regex(/^\.?[a-z0-9.-]+$/, { message: "expected a domain such as .amazonaws.com" })),
        [...DEFAULT_EGRESS_DOMAINS],
    ),
    ipsMode: key(
        "string",
        "Network firewall IPS mode: prevent (drop) or alert (detect only).",
        z.enum(["prevent", "alert"]),
        guide.infrastructureSecurity.monitoring.ips.mode,
    ),
    systemLogRetentionDays: key(
        "integer",
        "Retention of system logs in days (the guide's minimum is the default).",
        z.number().int().min(logs.system.retentionDays),
        logs.system.retentionDays,
    ),
    securityLogRetentionDays: key(
        "integer",
        "Retention of security logs in days (the guide's minimum is the default).",
        z.number().int().min(logs.security.retentionDays),
        logs.security.retentionDays,
    ),
    auditLogRetentionDays: key(
        "integer",
        "Retention of audit logs in days (the guide's minimum is the default).",
        z.number().int().min(logs.audit.retentionDays),
        logs.audit.retentionDays,
    ),
    kubernetesVersion: key(
        "string",
        "EKS Kubernetes version (one in standard support).",
        z.string().regex(/^1\.(3[4-9]|[4-9][0-9])$/, {
            message: "expected a Kubernetes version in EKS standard support (1.34 or newer)",
        }),
        "1.35",
    ),
    eksPublicAccessCidrs: key(
        "array",
        "CIDRs allowed to reach a public EKS API endpoint; empty keeps the endpoint private (required in prod).",
        z.array(cidr),
        [] as string[],
    ),
    agentNodeInstanceType: key(
        "string",
        "Instance type of the agent node group (Nitro Enclaves capable).",
        instanceType,
        "m6i.xlarge",
    ),
    serviceNodeInstanceType: key("string", "Instance type of the service node group.", instanceType, "m6i.xlarge"),
    agentNodeCount: key("integer", "Minimum and desired nodes in the agent node group.", z.number().int().min(1), 2),
    serviceNodeCount: key(
        "integer",
        "Minimum and desired nodes in the service node group.",
        z.number().int().min(1),
        2,
    ),
    nodeMaxCount: key(
        "integer",
        "Maximum nodes per node group; with a rolling update's surge it must fit the segment subnets' addresses (checked).",
        z.number().int().min(1),
        3,
    ),
    // identity: per-agent namespace quota (access_control.resource_access quota_check) and OAuth2 callbacks
    agentQuotaCpu: key("string", "CPU requests/limits quota of each agent namespace.", quantity, "4"),
    agentQuotaMemory: key("string", "Memory requests/limits quota of each agent namespace.", quantity, "8Gi"),
    agentQuotaPods: key(
        "integer",
        "Maximum pods in each agent namespace; the CPU and memory quotas must hold this many meshed pods with default container and sidecar resources.",
        z.number().int().min(1),
        8,
    ),
    agentContainerDefaultCpu: key("string", "Default CPU request/limit of an agent container.", quantity, "250m"),
    agentContainerDefaultMemory: key(
        "string",
        "Default memory request/limit of an agent container.",
        quantity,
        "256Mi",
    ),
    // Injected Istio sidecar (istio-proxy) resources; Istio's defaults (2 CPU / 1 GiB limits) leave room for one
    // pod per agent namespace. Envoy needs about 0.35 vCPU and 40 MB per 1,000 rps (istio.io performance page);
    // an agent is limited to 100 rps.
    sidecarCpuRequest: key("string", "CPU request of the injected Istio sidecar.", quantity, "100m"),
    sidecarCpuLimit: key("string", "CPU limit of the injected Istio sidecar.", quantity, "250m"),
    sidecarMemoryRequest: key("string", "Memory request of the injected Istio sidecar.", quantity, "128Mi"),
    sidecarMemoryLimit: key("string", "Memory limit of the injected Istio sidecar.", quantity, "256Mi"),
    agentContainerMaxCpu: key("string", "Largest CPU limit of one agent container.", quantity, "2"),
    agentContainerMaxMemory: key("string", "Largest memory limit of one agent container.", quantity, "4Gi"),
    authCallbackUrls: key(
        "array",
        "OAuth2 callback URLs of the human Cognito client; empty means https://<domainName>/oauth2/callback (or https://localhost/oauth2/callback without a domain).",
        z.array(z.url({ protocol: /^https$/, message: "expected an https URL" })),
        [] as string[],
    ),
    eksDeployerPrincipalArn: key(
        "string",
        "IAM role/user that runs Pulumi and gets an EKS cluster-admin access entry (a role's full ARN, path included); empty means the caller identity (an assumed role's session resolves to its role ARN with path).",
        z.union([
            z.literal(""),
            z
                .string()
                .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, { message: "expected an IAM role or user ARN" }),
        ]),
        "",
    ),
    // network: the in-VPC deploy runner (CodeBuild-hosted GitHub Actions runner in the management segment)
    deployRunnerRepository: key(
        "string",
        "GitHub repository (owner/name) whose workflow jobs the in-VPC deploy runner takes; empty means no runner (then the EKS API must be reachable from wherever Pulumi runs).",
        z.union([
            z.literal(""),
            z
                .string()
                .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { message: "expected a repository such as my-org/my-repo" }),
        ]),
        "",
    ),
    deployRunnerConnectionArn: key(
        "string",
        "ARN of the AWS CodeConnections (GitHub App) connection CodeBuild uses to register the runner; required with deployRunnerRepository.",
        z.union([
            z.literal(""),
            z
                .string()
                .regex(
                    /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]+$/,
                    {
                        message: "expected a CodeConnections connection ARN",
                    },
                ),
        ]),
        "",
    ),
    // network: perimeter (ALB certificate DNS validation, per-agent WAF rate key)
    hostedZoneId: key(
        "string",
        "Route 53 hosted zone of domainName, for the ACM certificate's DNS validation; required when domainName is set.",
        z.union([z.literal(""), z.string().regex(/^Z[A-Z0-9]{1,31}$/, { message: "expected a hosted zone ID" })]),
        "",
    ),
    agentIdHeader: key(
        "string",
        "HTTP header carrying the calling agent's identity; the WAF's per-agent rate limit aggregates on it.",
        z.string().regex(/^[a-z0-9-]{1,64}$/, { message: "expected a lowercase header name such as x-agent-id" }),
        "x-agent-id",
    ),
    // mesh: Istio, the internal mesh CA, cert-manager
    istioChartVersion: key(
        "string",
        "Version of the Istio Helm charts (base, istiod, gateway); pinned, bump deliberately.",
        z.string().regex(/^1\.\d+\.\d+$/, { message: "expected an exact Istio version such as 1.30.3" }),
        // The newest 1.30 patch tagged in istio/istio (1.30.3, 2026-07-13); 1.30.5 does not exist.
        "1.30.3",
    ),
    istioChartRepo: key(
        "string",
        "Helm repository of the Istio charts.",
        z.url({ protocol: /^https$/, message: "expected an https URL" }),
        "https://istio-release.storage.googleapis.com/charts",
    ),
    meshTrustDomain: key(
        "string",
        "Istio trust domain (SPIFFE principals are <trustDomain>/ns/<ns>/sa/<sa>).",
        dnsName.or(z.literal("cluster.local")),
        "cluster.local",
    ),
    workloadCertTtlHours: key(
        "integer",
        "Lifetime of the workload (sidecar) certificates istiod issues, in hours; at most the mesh rotation period.",
        z
            .number()
            .int()
            .min(1)
            .max(guide.serviceMesh.mtlsRotationDays * 24),
        24,
    ),
    ingressGatewayReplicas: key(
        "integer",
        "Fixed replica count of the Istio ingress gateway; the global rate limit is split evenly across them.",
        z.number().int().min(1).max(10),
        2,
    ),
    certManagerChartVersion: key(
        "string",
        "Version of the jetstack cert-manager Helm chart; pinned.",
        z.string().regex(/^v1\.\d+\.\d+$/, { message: "expected an exact cert-manager version such as v1.20.2" }),
        "v1.20.2",
    ),
    // operations: detection, incident response, compliance, audit / maintenance cadence
    maintenanceWindowSchedule: key(
        "string",
        "Weekly patch maintenance window (SSM cron, in operationsTimezone); non-critical patches install only here.",
        z.string().regex(/^cron\(.+\)$/, { message: "expected an SSM cron expression such as cron(0 3 ? * SUN *)" }),
        "cron(0 3 ? * SUN *)",
    ),
    nonCriticalPatchDelayDays: key(
        "integer",
        "Days after release before a non-critical patch is approved (critical / security patches: 0, immediate).",
        z.number().int().min(1).max(100),
        7,
    ),
    operationsTimezone: key(
        "string",
        "IANA time zone of the maintenance window and the audit / routine schedules.",
        z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, { message: "expected an IANA time zone such as UTC" }),
        "UTC",
    ),
} as const;

type Keys = typeof CONFIG_KEYS;
export type StackConfig = { [K in keyof Keys]: z.output<Keys[K]["schema"]> } & {
    /** AWS region, from the provider's own `aws:region` key. */
    region: string;
    /** Project and stack names, for naming and tagging. */
    project: string;
    stack: string;
    /** The rules the environment follows: see profileOf. */
    profile: Profile;
};

export type Profile = "dev" | "prod";

/**
 * `dev` relaxes cost and convenience settings; any other environment (staging, qa, prod, ...) is held to prod's
 * rules, the same reading the policy pack gives a resource whose `environment` tag is not `dev`.
 */
export function profileOf(environment: string): Profile {
    return environment === "dev" ? "dev" : "prod";
}

/** Prefix for physical names (`mas-<stack>`), so two stacks can share an account. */
export function namePrefix(cfg: Pick<StackConfig, "stack">): string {
    return `mas-${cfg.stack}`;
}

/** The data stores of access_control.data_access, as bucket name parts. */
export type DataStoreBucket = "agent-data" | "metrics-data";

/**
 * Name of a data store's bucket: fixed (not auto-named), so the identity section can grant its roles access to
 * exactly this bucket before the data section creates it. Account and Region keep it globally unique.
 */
export function dataStoreBucketName(
    cfg: Pick<StackConfig, "stack">,
    store: DataStoreBucket,
    account: string,
    region: string,
): string {
    return `${namePrefix(cfg)}-${store}-${account}-${region}`;
}

/** The SSM patch group of the EKS nodes: the node launch templates tag instances `Patch Group = <this>`, and
 * the operations section's patch baseline and maintenance window target that tag. */
export function patchGroupName(cfg: Pick<StackConfig, "stack">): string {
    return `${namePrefix(cfg)}-nodes`;
}

/** The EKS cluster's name; known up front so its log group can be created (with retention and KMS) first. */
export function clusterName(cfg: Pick<StackConfig, "stack">): string {
    return `${namePrefix(cfg)}-eks`;
}

/** Kubernetes namespace of an agent workload. */
export function agentNamespace(agent: string): string {
    return `agent-${agent}`;
}

/** Segment CIDRs, keyed by segment. */
export function segmentCidrs(cfg: StackConfig): Record<SegmentName, string> {
    return { agent: cfg.agentSegmentCidr, service: cfg.serviceSegmentCidr, management: cfg.managementSegmentCidr };
}

/** Per-AZ subnets of each segment: the /24 split into azCount equal parts. */
export function segmentSubnets(cfg: StackConfig): Record<SegmentName, string[]> {
    const cidrs = segmentCidrs(cfg);
    return Object.fromEntries(SEGMENTS.map((s) => [s, split(cidrs[s], cfg.azCount)])) as Record<SegmentName, string[]>;
}

const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/**
 * Validates raw config (key → value as Pulumi hands it over: strings, or JSON for arrays) and fills
 * defaults. Throws ConfigError naming every bad key.
 */
export function parseConfig(
    raw: Record<string, string>,
    region: string | undefined,
    project = PROJECT,
    stack = "dev",
): StackConfig {
    const problems: string[] = [];
    const prefix = `${project}:`;
    const values: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(raw)) {
        if (!fullKey.startsWith(prefix)) {
            continue;
        }
        const name = fullKey.slice(prefix.length);
        const decl = (CONFIG_KEYS as Record<string, KeyDecl<z.ZodType>>)[name];
        if (!decl) {
            problems.push(`${fullKey}: unknown key; expected one of ${Object.keys(CONFIG_KEYS).join(", ")}`);
            continue;
        }
        const decoded = decode(decl.type, text);
        if (decoded.error) {
            problems.push(`${fullKey}: ${decoded.error}`);
            continue;
        }
        values[name] = decoded.value;
    }
    const out: Record<string, unknown> = {};
    for (const [name, decl] of Object.entries(CONFIG_KEYS) as [string, KeyDecl<z.ZodType>][]) {
        const value = name in values ? values[name] : decl.default;
        const result = decl.schema.safeParse(value);
        if (!result.success) {
            const issue = result.error.issues[0];
            const where = issue.path.length ? `[${issue.path.join(".")}]` : "";
            problems.push(`${prefix}${name}${where}: ${issue.message} (got ${JSON.stringify(value)})`);
            continue;
        }
        out[name] = result.data;
    }
    if (!region || !AWS_REGION.test(region)) {
        problems.push(`aws:region: expected an AWS region such as eu-west-1 (got ${JSON.stringify(region ?? null)})`);
    }
    if (problems.length === 0) {
        problems.push(
            ...crossChecks({ ...(out as StackConfig), profile: profileOf(out.environment as string) }, prefix),
        );
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    const cfg = out as StackConfig;
    return { ...cfg, region: region as string, project, stack, profile: profileOf(cfg.environment) };
}

function decode(type: PulumiType, text: string): { value?: unknown; error?: string } {
    switch (type) {
        case "string":
            return { value: text };
        case "integer":
            return /^-?\d+$/.test(text.trim())
                ? { value: Number(text) }
                : { error: `expected an integer (got ${JSON.stringify(text)})` };
        case "boolean":
            return text === "true" || text === "false"
                ? { value: text === "true" }
                : { error: `expected true or false (got ${JSON.stringify(text)})` };
        case "array":
            try {
                const parsed: unknown = JSON.parse(text);
                return Array.isArray(parsed) ? { value: parsed } : { error: `expected a list (got ${text})` };
            } catch {
                return { error: `expected a list (got ${JSON.stringify(text)})` };
            }
    }
}

/** Relations between keys that no single key's schema can see. */
function crossChecks(cfg: StackConfig, prefix: string): string[] {
    const problems: string[] = [];
    const vpc = parseCidr(cfg.vpcCidr);
    const cidrs = segmentCidrs(cfg);
    const keyOf: Record<SegmentName, string> = {
        agent: "agentSegmentCidr",
        service: "serviceSegmentCidr",
        management: "managementSegmentCidr",
    };
    for (const s of SEGMENTS) {
        if (!contains(vpc, cidrs[s])) {
            problems.push(`${prefix}${keyOf[s]}: ${cidrs[s]} must lie inside vpcCidr ${cfg.vpcCidr}`);
        }
        if (parseCidr(cidrs[s]).prefix + Math.ceil(Math.log2(cfg.azCount)) > 28) {
            problems.push(`${prefix}${keyOf[s]}: ${cidrs[s]} is too small to split over ${cfg.azCount} AZs`);
        }
    }
    SEGMENTS.forEach((a, i) =>
        SEGMENTS.slice(i + 1).forEach((b) => {
            if (overlaps(cidrs[a], cidrs[b])) {
                problems.push(
                    `${prefix}${keyOf[b]}: ${cidrs[b]} overlaps ${keyOf[a]} ${cidrs[a]}; segments must be disjoint`,
                );
            }
        }),
    );
    if (cfg.profile === "prod") {
        if (cfg.eksPublicAccessCidrs.length > 0) {
            problems.push(`${prefix}eksPublicAccessCidrs: must be empty in prod (the EKS API endpoint stays private)`);
        }
        if (!cfg.deletionProtection) {
            problems.push(`${prefix}deletionProtection: must be true in prod (data is never lost by an update)`);
        }
        if (!cfg.natGatewayPerAz) {
            problems.push(`${prefix}natGatewayPerAz: must be true in prod (no single-AZ egress)`);
        }
    }
    if (cfg.domainName !== "" && cfg.hostedZoneId === "") {
        problems.push(`${prefix}hostedZoneId: required when domainName is set (ACM DNS validation)`);
    }
    if (cfg.ipsMode === "alert" && cfg.profile === "prod") {
        problems.push(`${prefix}ipsMode: must be prevent in prod (the guide's IPS mode)`);
    }
    const perPod = meshedPodResources(cfg);
    const fit = podsThatFit(agentQuota(cfg), perPod);
    if (fit < cfg.agentQuotaPods) {
        problems.push(
            `${prefix}agentQuotaPods: ${cfg.agentQuotaPods} pods do not fit the agent namespace quota (agentQuotaCpu ${cfg.agentQuotaCpu}, agentQuotaMemory ${cfg.agentQuotaMemory}): a meshed pod with default settings takes ${perPod.limitsCpu}m CPU / ${perPod.limitsMemory / 2 ** 20}Mi memory (container default + sidecar limits), so only ${fit} fit; raise the quota or lower the sidecar / container defaults`,
        );
    }
    if (cfg.domainName !== "" && cfg.hostedZoneId !== "") {
        // alertEmails[0] becomes the ACME account contact; Let's Encrypt refuses reserved example domains.
        const contact = cfg.alertEmails[0];
        const domain = contact.split("@").pop()?.toLowerCase() ?? "";
        if (MESH.acmeForbiddenContactDomains.some((d) => domain === d || domain.endsWith(`.${d}`))) {
            problems.push(
                `${prefix}alertEmails[0]: ${contact} is the Let's Encrypt account contact (domainName is set) and Let's Encrypt refuses contacts at ${domain}; put a real address first`,
            );
        }
    }
    if ((cfg.deployRunnerRepository === "") !== (cfg.deployRunnerConnectionArn === "")) {
        problems.push(
            `${prefix}deployRunnerConnectionArn: deployRunnerRepository and deployRunnerConnectionArn are set together (the runner registers through the connection)`,
        );
    }
    for (const entry of cfg.egressAllowedDomains.filter(coversSharedStorage)) {
        problems.push(
            `${prefix}egressAllowedDomains: ${entry} admits any host of a shared object store (anyone's bucket): list exact hosts instead`,
        );
    }
    // Pod addresses: the node groups at their maximum plus a rolling update must fit their segment subnets.
    const subnets = segmentSubnets(cfg);
    const capacity = capacityProblems(
        [
            {
                name: "agent",
                instanceType: cfg.agentNodeInstanceType,
                maxSize: cfg.nodeMaxCount,
                subnetCidrs: subnets.agent,
            },
            {
                name: "service",
                instanceType: cfg.serviceNodeInstanceType,
                maxSize: cfg.nodeMaxCount,
                subnetCidrs: subnets.service,
            },
        ],
        { maxEni: platformDesign.vpcCni.maxEni },
    );
    for (const p of capacity) {
        problems.push(`${prefix}nodeMaxCount: ${p}`);
    }
    if (cfg.nodeMaxCount < Math.max(cfg.agentNodeCount, cfg.serviceNodeCount)) {
        problems.push(`${prefix}nodeMaxCount: ${cfg.nodeMaxCount} is below a node group's desired count`);
    }
    return problems;
}

/** An agent namespace's ResourceQuota, as numbers (millicores, bytes). */
export function agentQuota(cfg: Pick<StackConfig, "agentQuotaCpu" | "agentQuotaMemory" | "agentQuotaPods">) {
    const cpu = milliCpu(cfg.agentQuotaCpu) ?? 0;
    const memory = bytes(cfg.agentQuotaMemory) ?? 0;
    return { requestsCpu: cpu, limitsCpu: cpu, requestsMemory: memory, limitsMemory: memory, pods: cfg.agentQuotaPods };
}

/**
 * What one meshed agent pod with default settings charges the quota: one container at the LimitRange defaults
 * plus the injected istio-proxy. (istio-validation, the CNI init container, has the proxy's resources and runs
 * before the others, so it never raises the pod's total above this.)
 */
export function meshedPodResources(cfg: StackConfig): PodResources {
    const sum = (a: string, b: string, f: (v: unknown) => number | undefined) => (f(a) ?? 0) + (f(b) ?? 0);
    return {
        requestsCpu: sum(cfg.agentContainerDefaultCpu, cfg.sidecarCpuRequest, milliCpu),
        limitsCpu: sum(cfg.agentContainerDefaultCpu, cfg.sidecarCpuLimit, milliCpu),
        requestsMemory: sum(cfg.agentContainerDefaultMemory, cfg.sidecarMemoryRequest, bytes),
        limitsMemory: sum(cfg.agentContainerDefaultMemory, cfg.sidecarMemoryLimit, bytes),
    };
}

/** Reads and validates the running stack's config. Call before creating any resource. */
export function loadConfig(): StackConfig {
    const raw = pulumi.runtime.allConfig();
    return parseConfig(raw, raw["aws:region"], pulumi.getProject(), pulumi.getStack());
}
