import { RESERVED_DOMAINS, RESERVED_TLDS, reservedDomainOf } from "../../policy-pack/lib/reserved-domains";

describe("reserved domains (RFC 2606, RFC 6761)", () => {
    it("names the reserved domain an address falls under, subdomains and case included", () => {
        expect(reservedDomainOf("soc@example.com")).toBe("example.com");
        expect(reservedDomainOf("soc@Mail.EXAMPLE.net")).toBe("example.net");
        expect(reservedDomainOf("soc@a.b.example.org")).toBe("example.org");
        expect(reservedDomainOf("example.org.")).toBe("example.org");
        expect(reservedDomainOf("soc@corp.test")).toBe(".test");
        expect(reservedDomainOf("soc@x.invalid")).toBe(".invalid");
        expect(reservedDomainOf("soc@corp.example")).toBe(".example");
        expect(reservedDomainOf("soc@dev.localhost")).toBe(".localhost");
        expect([...RESERVED_DOMAINS, ...RESERVED_TLDS]).toHaveLength(7);
    });

    it("leaves real domains alone, however alike their names", () => {
        for (const a of [
            "soc@corp.io",
            "soc@notexample.com",
            "soc@example.co.uk",
            "soc@example.com.au",
            "soc@test.io",
        ]) {
            expect(reservedDomainOf(a)).toBeUndefined();
        }
    });
});
