// Names reserved for documentation and testing: mail sent there reaches no one.

/** Second-level domains reserved for examples (RFC 2606 §3), with their subdomains. */
export const RESERVED_DOMAINS = ["example.com", "example.net", "example.org"] as const;
/** Top-level domains reserved for testing and examples (RFC 2606 §2, RFC 6761). */
export const RESERVED_TLDS = ["test", "invalid", "example", "localhost"] as const;

/**
 * The reserved name an e-mail address (or a bare domain) falls under: `example.com` for `soc@mail.example.com`,
 * `.test` for `soc@corp.test`; undefined for any other domain. Case-insensitive.
 */
export function reservedDomainOf(addressOrDomain: string): string | undefined {
    const domain = (addressOrDomain.split("@").pop() ?? "").toLowerCase().replace(/\.$/, "");
    const under = (d: string) => domain === d || domain.endsWith(`.${d}`);
    const sld = RESERVED_DOMAINS.find(under);
    if (sld) {
        return sld;
    }
    const tld = RESERVED_TLDS.find(under);
    return tld ? `.${tld}` : undefined;
}
