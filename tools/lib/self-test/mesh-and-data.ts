// Self-test breaks for service_mesh, message_security and data_protection.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { Inputs, Mutation, MutablePlan, remove, set, T } from "./plan";

/** The first coordinator's task rule (its logical name carries the coordinator's name, which a stack chooses). */
function taskRule(p: MutablePlan): string {
    const i = p.resources.find(
        (r) => r.type === T.authz && (r.inputs as Inputs).metadata?.name === "allow-task-executors",
    );
    return i ? i.urn.split("::").pop()! : "mas-coordinator-allow-tasks";
}

export const meshAndDataMutations: readonly Mutation[] = [
    // service_mesh
    set("MESH-MTLS-STRICT", "mesh-wide mTLS PERMISSIVE", (p) => {
        p.inputs(T.peerAuth, "mas-peer-authentication").spec.mtls.mode = "PERMISSIVE";
    }),
    // istiod's intermediate is the cert-manager Certificate mas-istio-ca (cacerts), signed by the mesh-ca Issuer.
    set(
        "MESH-MTLS-CA",
        "istiod's intermediate (Certificate mas-istio-ca) issued by an Issuer the stack does not define",
        (p) => {
            p.inputs(T.cmCertificate, "mas-istio-ca").spec.issuerRef.name = "selfsigned";
        },
    ),
    set(
        "MESH-MTLS-ROTATION",
        "istiod's intermediate (Certificate mas-istio-ca) valid for a year (duration 8760h)",
        (p) => {
            p.inputs(T.cmCertificate, "mas-istio-ca").spec.duration = "8760h";
        },
    ),
    set("MESH-MTLS-CIPHERS", "mesh minimum TLS version TLSV1_2", (p) => {
        const values = p.inputs(T.helm, "mas-istiod").values;
        values.meshConfig.meshMTLS.minProtocolVersion = "TLSV1_2";
    }),
    set("MESH-AUTHZ-STRICT", "wildcard principal in the task rule", (p) => {
        p.inputs(T.authz, taskRule(p)).spec.rules[0].from[0].source.principals = ["*"];
    }),
    set("MESH-AUTHZ-TASKS", "task rule method written post (Istio matches methods case-sensitively)", (p) => {
        p.inputs(T.authz, taskRule(p)).spec.rules[0].to[0].operation.methods = ["post", "GET"];
    }),
    remove("MESH-RATE-GLOBAL", T.envoyFilter, "mas-ingress-ratelimit", "ingress gateway without its global rate limit"),
    remove(
        "MESH-RATE-AGENT",
        T.envoyFilter,
        "mas-planner-ratelimit",
        "planner namespace without its rate-limit filter",
    ),
    // message_security
    set("TLS-TRANSPORT", "HTTPS listener on a TLS 1.2 policy (ELBSecurityPolicy-2016-08)", (p) => {
        p.inputs(T.listener, "mas-https").sslPolicy = "ELBSecurityPolicy-2016-08";
    }),
    set("TLS-IN-TRANSIT", "HTTPS listener on ELBSecurityPolicy-TLS13-1-2-2021-06 (admits TLS 1.2)", (p) => {
        p.inputs(T.listener, "mas-https").sslPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";
    }),
    set("TLS-PFS", "HTTPS listener on ELBSecurityPolicy-TLS-1-2-2017-01 (static RSA key exchange)", (p) => {
        p.inputs(T.listener, "mas-https").sslPolicy = "ELBSecurityPolicy-TLS-1-2-2017-01";
    }),
    set("MSG-PAYLOAD-ROTATION", "payload key rotated every 7 days", (p) => {
        p.inputs(T.smRotation, "mas-payload-rotation").rotationRules.automaticallyAfterDays = 7;
    }),
    remove(
        "MSG-PAYLOAD-KEY-STORAGE",
        T.smSecret,
        "mas-payload-secret",
        "the stack without the payload data key secret",
    ),
    set(
        "MSG-SIG-ALG",
        "agents may sign with any agent's key (the Sign statement's agent-tag condition removed)",
        (p) => {
            p.json(T.iamPolicy, "mas-message-agent-message-crypto", "policy", (doc) => {
                delete doc.Statement.find((x: any) => x.Sid === "SignAsSelf").Condition.StringEquals[
                    "aws:ResourceTag/agent"
                ];
            });
        },
    ),
    set("CERT-LETSENCRYPT", "ACME issuer on the Let's Encrypt staging directory in prod", (p) => {
        p.inputs(T.clusterIssuer, "mas-letsencrypt").spec.acme.server =
            "https://acme-staging-v02.api.letsencrypt.org/directory";
    }),
    set("CERT-MANAGER", "cert-manager chart unpinned (version removed)", (p) => {
        delete p.inputs(T.helm, "mas-cert-manager").version;
    }),
    // data_protection
    set("KMS-AT-REST", "critical data bucket encrypted with SSE-S3 (AES256) instead of its KMS key", (p) => {
        const rule = p.inputs(T.bucketSse, "mas-stores-agent-data").rules[0];
        rule.applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" };
    }),
    set("KMS-KEY-MGMT", "critical key without automatic rotation (enableKeyRotation false)", (p) => {
        p.inputs(T.kmsKey, "mas-keys-critical").enableKeyRotation = false;
    }),
    set("DATA-ENC-IN-MEMORY", "agent nodes without Nitro Enclaves (enclaveOptions.enabled false)", (p) => {
        p.inputs(T.launchTemplate, "mas-agent-nodes").enclaveOptions.enabled = false;
    }),
    set("DATA-CLS-TAG", "agent data bucket tagged classification=public (not a guide level)", (p) => {
        p.inputs(T.bucket, "mas-stores-agent-data").tags.classification = "public";
    }),
    set("DATA-CLS-DISCOVERY", "Macie classification job ONE_TIME instead of SCHEDULED", (p) => {
        const job = p.inputs(T.macieJob, "mas-stores-macie-data");
        job.jobType = "ONE_TIME";
        delete job.scheduleFrequency;
    }),
    set("DATA-CLS-CRITICAL", "critical KMS key not protected in prod (protect false)", (p) => {
        p.resource(T.kmsKey, "mas-keys-critical").protect = false;
    }),
    set("DATA-CLS-SENSITIVE", "sensitive KMS key not protected in prod (protect false)", (p) => {
        p.resource(T.kmsKey, "mas-keys-sensitive").protect = false;
    }),
    set("DATA-CLS-INTERNAL", "system log bucket not protected in prod (protect false)", (p) => {
        p.resource(T.bucket, "mas-logging-system").protect = false;
    }),
    set("BAK-CRITICAL", "critical backups kept 365 days instead of 7 years", (p) => {
        p.inputs(T.backupPlan, "mas-backup-critical").rules[0].lifecycle.deleteAfter = 365;
    }),
    set("BAK-SENSITIVE", "sensitive backups kept 180 days instead of 1 year", (p) => {
        p.inputs(T.backupPlan, "mas-backup-sensitive").rules[0].lifecycle.deleteAfter = 180;
    }),
    set("BAK-INTERNAL", "internal backups kept 30 days instead of 90", (p) => {
        p.inputs(T.backupPlan, "mas-backup-internal").rules[0].lifecycle.deleteAfter = 30;
    }),
    set("EKS-SECRETS", "EKS secrets encryption removed (encryptionConfig)", (p) => {
        delete p.inputs(T.eks, "mas-eks").encryptionConfig;
    }),
    set("EKS-NODE-EBS", "agent node volume unencrypted", (p) => {
        p.inputs(T.launchTemplate, "mas-agent-nodes").blockDeviceMappings[0].ebs.encrypted = "false";
    }),
];
