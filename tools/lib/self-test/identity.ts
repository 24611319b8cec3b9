// Self-test breaks for identity_management: authentication, roles, Kubernetes access.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Mutation, remove, set, T } from "./plan";

export const identityMutations: readonly Mutation[] = [
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
];
