/**
 * What a passing policy does not prove, per control: the evidence report reads this to state a control's
 * status as the guide would judge it (not configured for this stack, or partial with the stated gap). The
 * policies decide pass / fail of what the stack builds; this table states what it does not build.
 */

/** A resource as the evidence sees it: its type and inputs. */
export interface AssessedResource {
    type: string;
    inputs: Record<string, unknown>;
}

export interface Assessment {
    /**
     * Resource types of which the control's recorded resources must hold one; without one the control is
     * `otherwise` (not configured: the stack does not build it for this config; partial: part of it is missing).
     */
    requires?: { anyOfTypes: string[]; otherwise: "not-configured" | "partial"; gap: string }[];
    /** A gap found in the control's own resources (e.g. a mode setting); undefined when there is none. */
    check?: (resources: AssessedResource[]) => string | undefined;
    /** A standing gap between the guide's requirement and what the stack can build: the control is partial. */
    gap?: string;
}

function obj(v: unknown): Record<string, unknown> {
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export const assessments: Record<string, Assessment> = {
    "CERT-LETSENCRYPT": {
        requires: [
            {
                anyOfTypes: ["kubernetes:cert-manager.io/v1:ClusterIssuer"],
                otherwise: "not-configured",
                gap: "no public domain is configured (config domainName / hostedZoneId): the stack builds no Let's Encrypt issuer or certificate; the ALB terminates TLS with its own certificate and the ALB → ingress gateway hop uses a self-signed origin certificate",
            },
        ],
    },
    "PER-DDOS": {
        requires: [
            {
                anyOfTypes: ["aws:shield/protection:Protection"],
                otherwise: "partial",
                gap: "Shield Advanced is not enabled for this stack (config shieldAdvanced false): layer-7 DDoS protection is the WAF anti-DDoS group and rate rules only, with Shield Standard at layers 3/4",
            },
        ],
    },
    "IPS-PREVENT": {
        check: (resources) => {
            for (const r of resources.filter((x) => x.type === "aws:networkfirewall/firewallPolicy:FirewallPolicy")) {
                const fp = obj(r.inputs.firewallPolicy);
                const refs = Array.isArray(fp.statefulRuleGroupReferences) ? fp.statefulRuleGroupReferences : [];
                const alerted = refs.filter((g) => obj(obj(g).override).action === "DROP_TO_ALERT").length;
                const defaults = Array.isArray(fp.statefulDefaultActions) ? fp.statefulDefaultActions : [];
                if (alerted > 0) {
                    return `the stack is in alert mode (config ipsMode alert): ${alerted} managed signature group(s) are overridden DROP_TO_ALERT, so matches are logged, not blocked; the guide's mode is prevent`;
                }
                if (!defaults.some((a) => String(a).startsWith("aws:drop"))) {
                    return "the firewall's stateful default action does not drop";
                }
            }
            return undefined;
        },
    },
    "AUTH-MFA-HARDWARE": {
        gap: "hardware tokens are accepted, not required: the human roles' MFA condition (aws:MultiFactorAuthPresent / Age) cannot tell a hardware device from a virtual one, and Cognito offers WebAuthn security keys only as a sign-in factor whose MFA mode (MULTI_FACTOR_WITH_USER_VERIFICATION) @pulumi/aws 7.48 cannot set; enrolling people with hardware keys is a procedure",
    },
    "MESH-RATE-AGENT": {
        gap: "the 100 rps limit is enforced per sidecar (Envoy local rate limit, one bucket per pod): an agent scaled to N replicas may send N × 100 rps; a per-agent limit across pods needs a global rate-limit service, which the stack does not run",
    },
    "MESH-MTLS-CIPHERS": {
        gap: "the mesh negotiates TLS 1.3 only, so both named suites (TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256) are offered, but TLS_AES_128_GCM_SHA256 is offered too: Envoy's cipher_suites setting applies only to TLS 1.0-1.2, and BoringSSL's TLS 1.3 suites cannot be restricted",
    },
    "DATA-ENC-IN-MEMORY": {
        gap: "agent nodes are Nitro Enclave-capable (enclaveOptions.enabled), but processing data inside an enclave (enclave image, vsock, KMS attestation) is application work the stack does not ship",
    },
    "OPS-M-CREDENTIALS": {
        gap: "credentials the stack owns rotate automatically (payload data key daily, KMS keys yearly, workload certificates by the mesh CA); IAM user access keys are only reported by the monthly access audit and Config ACCESS_KEYS_ROTATED (90 days), not rotated monthly",
    },
    "MNT-PATCH-CRITICAL": {
        gap: "critical security patches are approved immediately (approveAfterDays 0) but installed at the next maintenance-window run of AWS-RunPatchBaseline or an on-demand Run Command; nothing installs them the moment they are released",
    },
    "RBAC-AGENT-PERMS": {
        gap: "execute_tasks is the mesh rule (task-executor → coordinator POST/GET /api/v1/tasks/*) and report_status the agent's IAM / Kubernetes grants; request_resources has no grant of its own: agents do not allocate compute (resource_manager does)",
    },
    "DATA-CLS-SENSITIVE": {
        gap: "the ALB access-log bucket (classification sensitive) is encrypted with SSE-S3 (AES-256), not a KMS key: Elastic Load Balancing delivers access logs only to SSE-S3 buckets; the other sensitive stores use KMS keys (the metrics store its own sensitive key, the security logs the shared logs key)",
    },
    "MNT-POLICY-APPROVERS": {
        gap: ".github/CODEOWNERS names both security_team and operations for policy-pack/ and components/, but GitHub accepts one code owner's approval per file: requiring both teams needs a second required approval in the branch ruleset, which lives in the repository settings, not in this repository",
    },
};
