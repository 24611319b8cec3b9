// message_security: the signing and payload keys, and each agent's own signing key.

import { guide } from "../../catalog";
import { RBAC_ROLE_TAG } from "../../catalog/identity";
import { AGENT_SIGNING, DATA_KEY_PAYLOAD, DATA_KEY_TAG, SIGNING_KEY_SPEC } from "../../catalog/data";
import { asObject, stackPolicy } from "../lib";
import { candidatesBy } from "../../lib/lookup";
import { covers, Props, stackTags, statements, Stmt, T } from "./shared";

/** Interval of a Secrets Manager rotation in hours, or undefined when it cannot be read. */
export function rotationHours(rules: unknown): number | undefined {
    const r = (rules ?? {}) as Props;
    if (typeof r.automaticallyAfterDays === "number") {
        return r.automaticallyAfterDays * 24;
    }
    const m =
        typeof r.scheduleExpression === "string" ? /^rate\((\d+)\s+(hours?|days?)\)$/.exec(r.scheduleExpression) : null;
    if (m) {
        return Number(m[1]) * (m[2].startsWith("day") ? 24 : 1);
    }
    return undefined;
}

export const messageKeys = stackPolicy({
    name: "data-message-keys",
    description: `Message security keys exist: a ${SIGNING_KEY_SPEC} SIGN_VERIFY KMS key for signatures, and the payload data key secret (tag ${DATA_KEY_TAG}=${DATA_KEY_PAYLOAD}) encrypted with a KMS key and rotated at least every ${guide.messageSecurity.payload.keyRotationHours} h.`,
    controls: ["MSG-SIG-ALG", "MSG-PAYLOAD-KEY-STORAGE", "MSG-PAYLOAD-ROTATION"],
    severity: "high",
    validate: (args, report) => {
        const signing = args.resources.some(
            (r) =>
                r.type === T.key &&
                r.props.customerMasterKeySpec === SIGNING_KEY_SPEC &&
                r.props.keyUsage === "SIGN_VERIFY",
        );
        if (!signing) {
            report(`[MSG-SIG-ALG] no KMS key of spec ${SIGNING_KEY_SPEC} with usage SIGN_VERIFY signs messages`);
        }
        const secret = args.resources.find(
            (r) => r.type === T.secret && stackTags(r)[DATA_KEY_TAG] === DATA_KEY_PAYLOAD,
        );
        if (!secret) {
            report(`[MSG-PAYLOAD-KEY-STORAGE] no Secrets Manager secret is tagged ${DATA_KEY_TAG}=${DATA_KEY_PAYLOAD}`);
            return;
        }
        if (typeof secret.props.kmsKeyId !== "string" || secret.props.kmsKeyId === "") {
            report(
                "[MSG-PAYLOAD-KEY-STORAGE] the payload key secret is not encrypted with a customer-managed KMS key",
                secret.urn,
            );
        }
        const rotation = args.resources.find(
            (r) =>
                r.type === T.rotation &&
                (r.props.secretId === secret.props.id ||
                    r.props.secretId === secret.props.arn ||
                    (r.propertyDependencies?.secretId ?? []).some((d) => d.urn === secret.urn)),
        );
        const max = guide.messageSecurity.payload.keyRotationHours;
        if (!rotation || rotation.props.rotationEnabled === false) {
            report("[MSG-PAYLOAD-ROTATION] the payload key secret has no rotation", secret.urn);
            return;
        }
        const hours = rotationHours(rotation.props.rotationRules);
        if (hours === undefined || hours > max) {
            report(
                `[MSG-PAYLOAD-ROTATION] the payload key rotates every ${hours === undefined ? "(unreadable)" : `${hours} h`}; the guide asks ${max} h`,
                rotation.urn,
            );
        }
    },
});

export const agentMessageKeys = stackPolicy({
    name: "data-agent-message-keys",
    description: `Every agent role has its own ${SIGNING_KEY_SPEC} signing key (tags ${AGENT_SIGNING.purposeTag}=${AGENT_SIGNING.purpose}, ${AGENT_SIGNING.agentTag}=<agent>) and a policy letting it sign with that key only (aws:ResourceTag/${AGENT_SIGNING.agentTag} = its Pod Identity service account), so a signature attributes a message to one agent.`,
    controls: ["MSG-SIG-ALG"],
    severity: "high",
    validate: (args, report) => {
        const roles = args.resources.filter(
            (r) => r.type === "aws:iam/role:Role" && stackTags(r)[RBAC_ROLE_TAG] === "agent",
        );
        const keys = args.resources.filter(
            (r) => r.type === T.key && stackTags(r)[AGENT_SIGNING.purposeTag] === AGENT_SIGNING.purpose,
        );
        const policies = args.resources.filter(
            (r) => r.type === "aws:iam/policy:Policy" && stackTags(r)[RBAC_ROLE_TAG] === "agent",
        );
        const bound = (st: Stmt) =>
            asObject(st.Condition?.StringEquals)[`aws:ResourceTag/${AGENT_SIGNING.agentTag}`] ===
            AGENT_SIGNING.callerVariable;
        const signers = new Set<string>();
        for (const pol of policies) {
            for (const st of statements(pol.props.policy)) {
                if (st.Effect !== "Allow" || !covers(st, "kms:Sign")) {
                    continue;
                }
                if (!bound(st)) {
                    report(
                        `[MSG-SIG-ALG] agent policy ${String(pol.props.name)} statement ${st.Sid ?? "?"} allows kms:Sign without binding the key's ${AGENT_SIGNING.agentTag} tag to the caller (${AGENT_SIGNING.callerVariable}): an agent could sign as another`,
                        pol.urn,
                    );
                } else {
                    signers.add(String(pol.props.arn));
                }
            }
        }
        const attachments = args.resources.filter(
            (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        );
        const keysOf = candidatesBy(keys, (k) => stackTags(k)[AGENT_SIGNING.agentTag]);
        const attachmentsOf = candidatesBy(attachments, (a) => a.props.role);
        for (const role of roles) {
            const roleName = String(role.props.name ?? "");
            const agent = roleName.slice(roleName.lastIndexOf("-agent-") + "-agent-".length);
            const own = keysOf(agent).filter((k) => stackTags(k)[AGENT_SIGNING.agentTag] === agent);
            if (own.length !== 1) {
                report(
                    `[MSG-SIG-ALG] agent ${agent} has ${own.length} signing keys; it needs exactly one of its own`,
                    role.urn,
                );
            } else if (
                own[0].props.customerMasterKeySpec !== SIGNING_KEY_SPEC ||
                own[0].props.keyUsage !== "SIGN_VERIFY"
            ) {
                report(`[MSG-SIG-ALG] agent ${agent}'s signing key is not ${SIGNING_KEY_SPEC} SIGN_VERIFY`, own[0].urn);
            }
            const canSign = attachmentsOf(roleName).some(
                (a) => a.props.role === roleName && signers.has(String(a.props.policyArn)),
            );
            if (!canSign) {
                report(
                    `[MSG-SIG-ALG] agent role ${roleName} may not sign with its own key (no attached signing policy)`,
                    role.urn,
                );
            }
        }
    },
});
