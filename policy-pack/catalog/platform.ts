/**
 * Platform design values (not guide numbers) that components build and policies check, written once:
 * the VPC CNI's IP allocation, the EC2 network-interface limits the pod-IP capacity check reads, the
 * in-VPC deploy runner, and the egress entries no allow-list may hold.
 */
export const platformDesign = {
    /**
     * VPC CNI (EKS add-on `vpc-cni`, configurationValues `env`, strings as the add-on schema wants). The
     * default WARM_ENI_TARGET=1 keeps a whole spare ENI of addresses on every node (15 on an m6i.xlarge),
     * which a /26 segment subnet cannot afford; WARM_IP_TARGET keeps only a few spare addresses, and MAX_ENI
     * caps what one node can ever take (the capacity check multiplies it out against the subnets).
     */
    vpcCni: { warmIpTarget: 2, maxEni: 1 },
    /**
     * EKS managed node group rolling updates launch up to two extra instances per Availability Zone
     * (EKS user guide, "Understand each phase of node updates", scale-up phase).
     */
    updateSurgePerAz: 2,
    /**
     * EKS's own addresses in every cluster subnet: its control plane has 2 to 4 cross-account ENIs there
     * (eksctl "Updating control plane subnets"; counted at 4 in each subnet, as EKS picks where), and it needs
     * at least 6 more free to create new ones before removing the old on an upgrade (EKS "network
     * requirements").
     */
    eks: {
        controlPlaneEnis: 4,
        freePerClusterSubnet: 6,
        /** The cluster's service CIDR: what EKS picks itself for a VPC in 10.0.0.0/8 ("service IPv4 CIDR"). */
        serviceIpv4Cidr: "172.20.0.0/16",
    },
    /** Addresses AWS reserves in every subnet (first four and the last). */
    reservedPerSubnet: 5,
    /**
     * The deploy runner: a CodeBuild-hosted GitHub Actions runner in the management segment. Its jobs use
     * `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`.
     */
    deployRunner: {
        image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
        computeType: "BUILD_GENERAL1_MEDIUM",
        /** The webhook event CodeBuild starts a runner build on. */
        webhookEvent: "WORKFLOW_JOB_QUEUED",
        /** Private address (host number) of the deploy NAT gateway inside the first public subnet. */
        natHost: 10,
        /**
         * What a deploy job reaches through the firewall (GitHub's self-hosted runner list: essential
         * operations, actions/checkout, releases and artifacts / caches / logs; npm; Pulumi CLI and provider
         * plugins; the Istio and cert-manager chart repositories; AWS APIs without a VPC endpoint, e.g. IAM,
         * WAF, Shield, Network Firewall). Allowed only from the deploy NAT gateway's address.
         */
        egressDomains: [
            "github.com",
            "api.github.com",
            "codeload.github.com",
            ".actions.githubusercontent.com",
            "objects.githubusercontent.com",
            "objects-origin.githubusercontent.com",
            "raw.githubusercontent.com",
            "release-assets.githubusercontent.com",
            "github-releases.githubusercontent.com",
            ".blob.core.windows.net",
            "registry.npmjs.org",
            "get.pulumi.com",
            "istio-release.storage.googleapis.com",
            "charts.jetstack.io",
            ".amazonaws.com",
        ],
    },
    /**
     * Wildcards that cover hosts serving anyone's objects (S3 virtual-hosted buckets, Azure blobs, Google
     * Cloud Storage, CloudFront): on an allow-list the workloads use, they are an exfiltration path.
     */
    sharedStorageSuffixes: [
        "amazonaws.com",
        "s3.amazonaws.com",
        "blob.core.windows.net",
        "storage.googleapis.com",
        "cloudfront.net",
        "githubusercontent.com",
    ],
    /**
     * S3 buckets AWS owns that nodes read through the S3 gateway endpoint (its policy admits the stack's
     * account plus these): ECR image layers, Amazon Linux 2023 package repositories, SSM Agent and patching.
     * `{region}` is substituted.
     */
    awsOwnedBuckets: [
        "prod-{region}-starport-layer-bucket",
        "al2023-repos-{region}-de612dc2",
        "amazon-ssm-{region}",
        "amazon-ssm-packages-{region}",
        "aws-ssm-{region}",
        "aws-ssm-document-attachments-{region}",
        "patch-baseline-snapshot-{region}",
        "{region}-birdwatcher-prod",
    ],
} as const;

/** True when `entry` (an allow-list target; a leading dot is a wildcard) admits any host under a shared
 * object-storage domain. */
export function coversSharedStorage(entry: string): boolean {
    if (!entry.startsWith(".")) {
        return false;
    }
    const suffix = entry.slice(1).toLowerCase();
    return platformDesign.sharedStorageSuffixes.some((s) => s === suffix || s.endsWith(`.${suffix}`));
}
