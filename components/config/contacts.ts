// Contacts: config values that are addresses a person must be reached at. A reserved domain (example.com, .test,
// ...) reaches no one: a warning in a preview or an offline plan (the shipped example stacks still plan), refused
// by a real `pulumi up`.
import { reservedDomainOf } from "../../policy-pack/lib/reserved-domains";
import { StackConfig } from "./keys";

/** The keys whose values are e-mail addresses a person must be reached at. */
export const CONTACT_KEYS = ["alertEmails"] as const satisfies readonly (keyof StackConfig)[];

export interface ContactFindings {
    /** Refusals: fail validation. */
    problems: string[];
    /** Reported (pulumi.log.warn) when the config is otherwise valid. */
    warnings: string[];
}

/**
 * Checks every contact of `cfg`. `deploying`: a real `pulumi up` (not a preview, not an offline plan), where a
 * contact at a reserved domain is refused instead of reported.
 */
export function contactFindings(
    cfg: Pick<StackConfig, (typeof CONTACT_KEYS)[number] | "domainName" | "hostedZoneId">,
    prefix: string,
    deploying: boolean,
): ContactFindings {
    const problems: string[] = [];
    const warnings: string[] = [];
    // With a domain, alertEmails[0] becomes cert-manager's Let's Encrypt account contact, and Let's Encrypt
    // refuses every reserved domain: the issuer could never register, so this fails a preview as well.
    const acmeContact = cfg.domainName !== "" && cfg.hostedZoneId !== "" ? cfg.alertEmails[0] : undefined;
    const acmeReserved = acmeContact ? reservedDomainOf(acmeContact) : undefined;
    if (acmeContact && acmeReserved) {
        const domain = acmeContact.split("@").pop()?.toLowerCase();
        problems.push(
            `${prefix}alertEmails[0]: ${acmeContact} is the Let's Encrypt account contact (domainName is set) and Let's Encrypt refuses contacts at ${domain}; put a real address first`,
        );
    }
    for (const name of CONTACT_KEYS) {
        cfg[name].forEach((address, i) => {
            const reserved = reservedDomainOf(address);
            if (!reserved || (name === "alertEmails" && i === 0 && acmeReserved)) {
                return;
            }
            const what = `${prefix}${name}[${i}]: ${address} is at a reserved domain (${reserved}) where no one reads mail`;
            if (deploying) {
                problems.push(`${what}; \`pulumi up\` needs an address people read`);
            } else {
                warnings.push(`${what}; replace it before \`pulumi up\`, which refuses it`);
            }
        });
    }
    return { problems, warnings };
}
