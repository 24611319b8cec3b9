// Every stack config key, declared once: Pulumi type, description, default and validation (zod).
import { z } from "zod";
import { guide } from "../../policy-pack/catalog";
import { MESH } from "../../policy-pack/catalog/mesh";
import { networkDesign } from "../../policy-pack/catalog/network";
import { isCidr } from "../../policy-pack/lib/cidr";

/** The Pulumi project name; stack config keys are `<project>:<key>`. */
export const PROJECT = "multi-agent-security";

/** How Pulumi.yaml declares a key (Pulumi config has no object type). */
export type PulumiType = "string" | "integer" | "boolean" | "array";

/**
 * One declared config key: its Pulumi.yaml type, description and validation, and either a default or, for a key
 * every stack must set, what the stack must give (the message when it is missing).
 */
export type KeyDecl<S extends z.ZodType> = {
    type: PulumiType;
    description: string;
    schema: S;
} & (
    | { default: z.output<S>; expected?: undefined; byProfile?: undefined }
    | { default?: undefined; expected: string; byProfile?: undefined }
    | { default?: undefined; expected?: undefined; byProfile: Record<Profile, z.output<S>> }
);

function key<S extends z.ZodType>(type: PulumiType, description: string, schema: S, dflt: z.output<S>): KeyDecl<S> {
    return { type, description, schema, default: dflt };
}

/** A key without a default: a stack that does not set it fails validation, naming the key and `expected`. */
function required<S extends z.ZodType>(type: PulumiType, description: string, schema: S, expected: string): KeyDecl<S> {
    return { type, description, schema, expected };
}

/**
 * A key whose default is the profile's (see profileOf): a costly or safety choice that a dev stack and a
 * prod-profile stack make differently. Pulumi.yaml cannot express that, so it does not declare these keys
 * (the CLI accepts undeclared keys of the project); their values are checked here like every other key.
 */
function byProfile<S extends z.ZodType>(
    type: PulumiType,
    description: string,
    schema: S,
    defaults: Record<Profile, z.output<S>>,
): KeyDecl<S> {
    return { type, description, schema, byProfile: defaults };
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
    vpcCidr: key("string", "CIDR of the VPC that holds every segment.", cidr, networkDesign.vpcCidr),
    agentSegmentCidr: key("string", "Agent network (restricted).", cidr, seg.agent.cidr),
    serviceSegmentCidr: key("string", "Service network (internal).", cidr, seg.service.cidr),
    managementSegmentCidr: key("string", "Management network (admin_only).", cidr, seg.management.cidr),
    adminCidrs: key(
        "array",
        "CIDRs from which administrators may reach the management segment (besides SSM Session Manager).",
        z.array(cidr),
        [] as string[],
    ),
    natGatewayPerAz: byProfile(
        "boolean",
        "One NAT gateway per AZ instead of a single shared one. Default: the profile's (dev false, prod true); the prod profile requires true.",
        z.boolean(),
        { dev: false, prod: true },
    ),
    deletionProtection: byProfile(
        "boolean",
        "Protect data-holding resources (keys, buckets, vaults, load balancer) from deletion. Default: the profile's (dev false, prod true); the prod profile requires true.",
        z.boolean(),
        { dev: false, prod: true },
    ),
    // No default: someone must be reached. Addresses at reserved domains (example.com, .test, ...) are refused by a
    // real `pulumi up` and a warning in a preview or the offline plan (contacts.ts).
    accountServices: key(
        "string",
        'Who owns the account-wide services (AWS Config recorder and delivery channel, GuardDuty detector, Security Hub and its standards, Macie, IAM Access Analyzer, the Shield Advanced subscription): create (this stack, a standalone account) or adopt (a landing zone / delegated administrator; the stack creates none of them and the evidence verifies them from the account). See README "Landing zones".',
        z.enum(["create", "adopt"]),
        "create",
    ),
    alertEmails: required(
        "array",
        "E-mail addresses subscribed to the security alert topics (the first is also the Let's Encrypt account contact when domainName is set). Required: addresses people read, not at a reserved domain such as example.com.",
        z.array(email).min(1),
        "expected a list of one or more e-mail addresses that people read (the security alerts go there)",
    ),
    agents: key(
        "array",
        "Agent workloads; each gets its own Kubernetes namespace `agent-<name>`.",
        z.array(k8sName.max(57)),
        ["coordinator", "task-executor"],
    ),
    platformStack: key(
        "string",
        'Makes this stack an agent stack: the platform stack (`<stack>` or `<org>/<project>/<stack>`) whose cluster, mesh and identity its agents join, read through a StackReference (README "Split an estate"). An agent stack builds only the per-agent parts of its `agents` and reads only the keys in AGENT_STACK_KEYS; the platform\'s keys are ignored there. Empty: a platform stack (the cluster, the mesh and its own agents, if any).',
        z.union([
            z.literal(""),
            z.string().regex(/^([A-Za-z0-9_.-]+|[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)$/, {
                message: "expected a stack name (prod) or a fully qualified stack (my-org/multi-agent-security/prod)",
            }),
        ]),
        "",
    ),
    shieldAdvanced: byProfile(
        "boolean",
        "AWS Shield Advanced protection of the ALB (the subscription is a 1-year commitment; see README). Default: the profile's (dev false, prod true); the prod profile requires true.",
        z.boolean(),
        { dev: false, prod: true },
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
    serviceNodeInstanceType: key(
        "string",
        "Instance type of the service node group (its addresses per node must fit the service subnets next to the interface endpoints and the EKS control plane).",
        instanceType,
        "m6i.large",
    ),
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
    agentStackDeployerArns: key(
        "array",
        "IAM roles/users that deploy this platform's agent stacks (stacks whose platformStack names this one), from the in-VPC deploy runner: each gets a STANDARD EKS access entry in group mas:agent-stack-deployers, bound to ClusterRole mas:agent-stack-deployer (agent-* namespaces and the objects an agent stack creates in them, no EKS access policy).",
        z.array(
            z
                .string()
                .regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, { message: "expected an IAM role or user ARN" }),
        ),
        [] as string[],
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

/**
 * The keys an agent stack (platformStack set) reads: its agents, their namespaces' quotas and limits (with the
 * sidecar's resources, which the quota must hold), deletion protection of their signing keys and the environment
 * (which must be the platform's). Every other key is the platform's: an agent stack ignores it, and a key it
 * requires (alertEmails) is not required there, so a copy of the platform's stack file is a valid agent stack.
 */
export const AGENT_STACK_KEYS = [
    "environment",
    "platformStack",
    "agents",
    "deletionProtection",
    "agentQuotaCpu",
    "agentQuotaMemory",
    "agentQuotaPods",
    "agentContainerDefaultCpu",
    "agentContainerDefaultMemory",
    "agentContainerMaxCpu",
    "agentContainerMaxMemory",
    "sidecarCpuRequest",
    "sidecarCpuLimit",
    "sidecarMemoryRequest",
    "sidecarMemoryLimit",
] as const satisfies readonly (keyof typeof CONFIG_KEYS)[];

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
