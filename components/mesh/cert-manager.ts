// cert-manager: its namespace, the Pod Identity role for DNS-01 in the stack's hosted zone (only with a domain),
// and the pinned jetstack Helm release.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_IDENTITY_PRINCIPAL, POD_IDENTITY_TAGS } from "../../policy-pack/catalog/identity";
import { MESH } from "../../policy-pack/catalog/mesh";

const CERT_MANAGER_NS = "cert-manager";
const CERT_MANAGER_SA = "cert-manager";

export interface CertManagerArgs {
    /** Physical name prefix (`mas-<stack>`). */
    prefix: string;
    /** Public domain and its hosted zone; DNS-01 (role and association) only when both are set. */
    domainName: string;
    hostedZoneId: string;
    chartVersion: pulumi.Input<string>;
    /** The VPC range: cert-manager's DNS-01 self-check asks the VPC resolver. */
    vpcCidr: string;
    /** EKS cluster of the Pod Identity association. */
    clusterName: pulumi.Input<string>;
    permissionsBoundaryArn?: pulumi.Input<string>;
}

/**
 * cert-manager's namespace and release; with a domain and hosted zone also its DNS-01 role (Route 53) and the
 * Pod Identity association, which must exist before the cert-manager pods start: EKS injects the credentials
 * only at pod creation.
 */
export function certManager(
    parent: pulumi.Resource,
    name: string,
    args: CertManagerArgs,
    k8sOpts: pulumi.CustomResourceOptions,
) {
    const namespace = new k8s.core.v1.Namespace(
        `${name}-cert-manager`,
        { metadata: { name: CERT_MANAGER_NS } },
        k8sOpts,
    );
    const dns01 = args.domainName !== "" && args.hostedZoneId !== "";
    let role: aws.iam.Role | undefined;
    let association: aws.eks.PodIdentityAssociation | undefined;
    if (dns01) {
        const partition = aws.getPartitionOutput({}, { parent }).partition;
        const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
        role = new aws.iam.Role(
            `${name}-cert-manager`,
            {
                name: `${args.prefix}-cert-manager`,
                description: "cert-manager DNS-01 challenges in the stack's Route 53 zone (EKS Pod Identity).",
                // Only cert-manager's service account in this stack's cluster may assume it (session tags).
                assumeRolePolicy: pulumi.all([account, args.clusterName]).apply(([acct, cluster]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: POD_IDENTITY_PRINCIPAL },
                                Action: ["sts:AssumeRole", "sts:TagSession"],
                                Condition: {
                                    StringEquals: {
                                        "aws:SourceAccount": acct,
                                        [POD_IDENTITY_TAGS.cluster]: cluster,
                                        [POD_IDENTITY_TAGS.namespace]: CERT_MANAGER_NS,
                                        [POD_IDENTITY_TAGS.serviceAccount]: CERT_MANAGER_SA,
                                    },
                                },
                            },
                        ],
                    }),
                ),
                permissionsBoundary: args.permissionsBoundaryArn,
            },
            { parent },
        );
        new aws.iam.RolePolicy(
            `${name}-cert-manager-route53`,
            {
                role: role.name,
                policy: pulumi
                    .all([partition, args.hostedZoneId])
                    .apply(([p, zone]) => JSON.stringify(route53Policy(p, zone, args.domainName))),
            },
            { parent },
        );
        association = new aws.eks.PodIdentityAssociation(
            `${name}-cert-manager`,
            {
                clusterName: args.clusterName,
                namespace: CERT_MANAGER_NS,
                serviceAccount: CERT_MANAGER_SA,
                roleArn: role.arn,
            },
            { parent },
        );
    }

    const release = new k8s.helm.v3.Release(
        `${name}-cert-manager`,
        {
            name: "cert-manager",
            chart: "cert-manager",
            version: args.chartVersion,
            repositoryOpts: { repo: MESH.certManagerRepo },
            namespace: namespace.metadata.name,
            values: certManagerValues(args.vpcCidr),
        },
        { ...k8sOpts, dependsOn: association ? [association] : [] },
    );
    return { release, role, association };
}

/**
 * The Amazon-provided DNS server of a VPC: the VPC range's base plus two (AWS VPC docs, "Amazon DNS server").
 * Pods reach it the way CoreDNS does; the firewall drops DNS to the internet.
 */
export function vpcResolver(vpcCidr: string): string {
    const [ip] = vpcCidr.split("/");
    const n = ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0) + 2;
    return `${[24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join(".")}:53`;
}

/**
 * cert-manager chart values: CRDs, the service account Pod Identity names, images from the stated registry,
 * and the DNS-01 self-check through the VPC resolver only (by default cert-manager asks the zone's
 * authoritative servers on port 53, which the egress firewall drops; values.yaml dns01RecursiveNameservers*).
 */
export function certManagerValues(vpcCidr: string) {
    return {
        crds: { enabled: true },
        // Controller, webhook and cainjector above the agents' preempting priority classes.
        global: { priorityClassName: MESH.controlPlanePriorityClass },
        serviceAccount: { name: CERT_MANAGER_SA },
        imageRegistry: MESH.certManagerImageRegistry,
        imageNamespace: MESH.certManagerImageNamespace,
        dns01RecursiveNameservers: vpcResolver(vpcCidr),
        dns01RecursiveNameserversOnly: true,
    };
}

/**
 * Route 53 rights for DNS-01, per cert-manager's docs, narrowed to TXT `_acme-challenge` records of the
 * domain in the one hosted zone. No route53:ListHostedZonesByName: the solver names its hostedZoneID, so
 * cert-manager never looks the zone up (its docs say the statement can then be dropped).
 */
export function route53Policy(partition: string, hostedZoneId: string, domainName: string) {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ChallengeRecords",
                Effect: "Allow",
                Action: "route53:ChangeResourceRecordSets",
                Resource: `arn:${partition}:route53:::hostedzone/${hostedZoneId}`,
                Condition: {
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
                    "ForAllValues:StringLike": {
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${domainName}`],
                    },
                },
            },
            {
                // cert-manager reads an existing challenge record set before it upserts or deletes its value.
                Sid: "ReadChallengeRecords",
                Effect: "Allow",
                Action: "route53:ListResourceRecordSets",
                Resource: `arn:${partition}:route53:::hostedzone/${hostedZoneId}`,
            },
            {
                Sid: "ChangeStatus",
                Effect: "Allow",
                Action: "route53:GetChange",
                Resource: `arn:${partition}:route53:::change/*`,
            },
        ],
    };
}
