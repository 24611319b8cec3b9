// The EKS cluster and its nodes: endpoint, secrets, logs, access entries, launch templates.

import { hasControl } from "../../catalog";
import { EKS_LOG_TYPES, HUMAN_ROLES, K8S_GROUPS, RBAC_ROLE_TAG } from "../../catalog/identity";
import {
    asArray,
    asObject as obj,
    asStrings as strings,
    effectiveTags,
    environmentOf,
    environmentSchema,
    resourcePolicy,
    stackPolicy,
} from "../lib";
import { Obj, ROLE } from "./shared";

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** The data section's in-memory (secure_enclave) control, met by the agent nodes' launch template. */
const IN_MEMORY_CONTROL = "DATA-ENC-IN-MEMORY";

const OPEN = ["0.0.0.0/0", "::/0"];

export const eksCluster = resourcePolicy({
    name: "identity-eks-cluster",
    description:
        "EKS clusters: no public endpoint in prod (in dev only from listed CIDRs), secrets encrypted with a CMK, all five control plane log types, authentication through access entries only.",
    controls: ["EKS-ENDPOINT", "EKS-SECRETS", "EKS-LOGS", "EKS-AUTH-API", "RBAC-ADMIN-AUDIT", "ACC-RES-MONITOR"],
    severity: "critical",
    types: [EKS_CLUSTER],
    configSchema: environmentSchema,
    validate: (args, report) => {
        const vpc = obj(args.props.vpcConfig);
        // The API's own defaults: public endpoint on, private off, public CIDRs 0.0.0.0/0.
        const isPublic = vpc.endpointPublicAccess !== false;
        const cidrs = strings(vpc.publicAccessCidrs);
        if (vpc.endpointPrivateAccess !== true) {
            report("[EKS-ENDPOINT] vpcConfig.endpointPrivateAccess must be true");
        }
        if (isPublic && environmentOf(args) === "prod") {
            report("[EKS-ENDPOINT] the public API endpoint must be off in prod (vpcConfig.endpointPublicAccess false)");
        } else if (isPublic && (cidrs.length === 0 || cidrs.some((c) => OPEN.includes(c)))) {
            report("[EKS-ENDPOINT] a public API endpoint must be restricted by publicAccessCidrs (never 0.0.0.0/0)");
        }
        const enc = obj(args.props.encryptionConfig);
        const keyArn = obj(enc.provider).keyArn;
        if (
            !strings(enc.resources).includes("secrets") ||
            typeof keyArn !== "string" ||
            !/^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\/.+/.test(keyArn)
        ) {
            report(
                "[EKS-SECRETS] encryptionConfig must encrypt resources [secrets] with a customer-managed KMS key ARN",
            );
        }
        const logs = strings(args.props.enabledClusterLogTypes);
        const missing = EKS_LOG_TYPES.filter((t) => !logs.includes(t));
        if (missing.length > 0) {
            report(`[EKS-LOGS] enabledClusterLogTypes lacks ${missing.join(", ")}`);
            if (missing.includes("audit")) {
                // The Kubernetes audit log is where administrators' cluster actions are recorded.
                report(
                    "[RBAC-ADMIN-AUDIT] enabledClusterLogTypes lacks audit: administrators' cluster actions go unlogged",
                );
            }
        }
        const access = obj(args.props.accessConfig);
        if (access.authenticationMode !== "API") {
            report(
                `[EKS-AUTH-API] accessConfig.authenticationMode is ${String(access.authenticationMode ?? "unset")}; it must be API`,
            );
            // Monitoring compute needs authentication_verified: only access entries tie it to an IAM principal.
            report(
                `[ACC-RES-MONITOR] accessConfig.authenticationMode is ${String(access.authenticationMode ?? "unset")}: cluster access can bypass the access entries`,
            );
        }
        if (access.bootstrapClusterCreatorAdminPermissions !== false) {
            report(
                "[EKS-AUTH-API] accessConfig.bootstrapClusterCreatorAdminPermissions must be false (no implicit admin)",
            );
        }
    },
});

export const nodeLaunchTemplate = resourcePolicy({
    name: "identity-node-launch-template",
    description:
        "Launch templates require IMDSv2 with hop limit 1, encrypt every EBS volume, use no key pair; agent node templates enable Nitro Enclaves.",
    controls: ["EKS-NODE-IMDS", "EKS-NODE-EBS", ...(hasControl(IN_MEMORY_CONTROL) ? [IN_MEMORY_CONTROL] : [])],
    severity: "high",
    types: [LAUNCH_TEMPLATE],
    validate: (args, report) => {
        const md = obj(args.props.metadataOptions);
        if (md.httpTokens !== "required") {
            report("[EKS-NODE-IMDS] metadataOptions.httpTokens must be required (IMDSv2)");
        }
        if (md.httpPutResponseHopLimit !== 1) {
            report(
                `[EKS-NODE-IMDS] metadataOptions.httpPutResponseHopLimit is ${String(md.httpPutResponseHopLimit ?? "unset")}; it must be 1`,
            );
        }
        const devices = asArray(args.props.blockDeviceMappings as Obj[] | undefined);
        if (devices.length === 0) {
            report(
                "[EKS-NODE-EBS] no blockDeviceMappings: the root volume must be declared encrypted with the stack's key",
            );
        }
        for (const d of devices) {
            const ebs = obj(obj(d).ebs);
            if (String(ebs.encrypted) !== "true" || typeof ebs.kmsKeyId !== "string" || ebs.kmsKeyId === "") {
                report(
                    `[EKS-NODE-EBS] volume ${String(obj(d).deviceName ?? "?")} must be encrypted with a KMS key (encrypted "true", kmsKeyId)`,
                );
            }
        }
        if (args.props.keyName) {
            report("[EKS-NODE-EBS] nodes must not have an SSH key pair (keyName); use SSM Session Manager");
        }
        if (effectiveTags(args).segment === "agent" && obj(args.props.enclaveOptions).enabled !== true) {
            report(
                `[${IN_MEMORY_CONTROL}] agent node launch template must enable Nitro Enclaves (enclaveOptions.enabled)`,
            );
        }
    },
});

const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
const ACCESS_POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
/** The Kubernetes group each human role's EKS access entry maps it to, and the control that needs it. */
const CLUSTER_ACCESS: Record<string, { group: string; control: string }> = {
    system_admin: { group: K8S_GROUPS.systemAdmin, control: "RBAC-ADMIN-PERMS" },
    operator: { group: K8S_GROUPS.operator, control: "RBAC-OPERATOR-PERMS" },
    resource_manager: { group: K8S_GROUPS.resourceManager, control: "ACC-RES-ALLOCATE" },
};

/**
 * The cluster's authentication mode is API without creator admin: a human role reaches Kubernetes only
 * through its EKS access entry (and system_admin's "full access" through the cluster-admin access policy).
 * A deleted entry, or one mapped to another group, leaves the role's ClusterRoles bound to nobody.
 */
export const clusterAccessEntries = stackPolicy({
    name: "identity-cluster-access-entries",
    description:
        "Each human role (system_admin, operator, resource_manager) has a STANDARD EKS access entry on the cluster mapping it to its Kubernetes group; system_admin's also carries AmazonEKSClusterAdminPolicy at cluster scope.",
    controls: ["RBAC-ADMIN-PERMS", "RBAC-OPERATOR-PERMS", "ACC-RES-ALLOCATE"],
    severity: "high",
    validate: (args, report) => {
        if (!args.resources.some((r) => r.type === EKS_CLUSTER)) {
            return;
        }
        const entries = args.resources.filter((r) => r.type === ACCESS_ENTRY);
        const associations = args.resources.filter((r) => r.type === ACCESS_POLICY_ASSOCIATION);
        for (const role of args.resources.filter((r) => r.type === ROLE)) {
            const rbac = effectiveTags({ props: role.props })[RBAC_ROLE_TAG];
            const want = rbac && HUMAN_ROLES.includes(rbac as never) ? CLUSTER_ACCESS[rbac] : undefined;
            const arn = role.props.arn;
            if (!want || typeof arn !== "string") {
                continue; // not a human role, or its ARN is unknown until it exists
            }
            const entry = entries.find((e) => e.props.principalArn === arn);
            if (!entry) {
                report(
                    `[${want.control}] ${rbac} role ${arn} has no EKS access entry: it cannot reach the cluster (authentication mode API)`,
                    role.urn,
                );
                continue;
            }
            const groups = strings(entry.props.kubernetesGroups);
            if ((entry.props.type ?? "STANDARD") !== "STANDARD" || !groups.includes(want.group)) {
                report(
                    `[${want.control}] the EKS access entry of ${rbac} maps it to [${groups.join(", ")}] (type ${String(entry.props.type ?? "STANDARD")}); expected a STANDARD entry with group ${want.group}`,
                    entry.urn,
                );
            }
            if (
                rbac === "system_admin" &&
                !associations.some(
                    (a) =>
                        a.props.principalArn === arn &&
                        String(a.props.policyArn ?? "").endsWith("/AmazonEKSClusterAdminPolicy") &&
                        obj(a.props.accessScope).type === "cluster",
                )
            ) {
                report(
                    `[RBAC-ADMIN-PERMS] system_admin role ${arn} has no AmazonEKSClusterAdminPolicy association at cluster scope: no full access to the cluster`,
                    entry.urn,
                );
            }
        }
    },
});
