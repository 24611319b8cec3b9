import { guide } from "../policy-pack/catalog";
import { boundText, GUIDE_DIRECTIONS, guideNumber, meetsGuide } from "../policy-pack/catalog/direction";

/** Dotted paths of every numeric leaf of guide.ts. */
function numericLeaves(value: unknown, prefix = ""): string[] {
    if (typeof value === "number") {
        return [prefix];
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
        return Object.entries(value).flatMap(([k, v]) => numericLeaves(v, prefix ? `${prefix}.${k}` : k));
    }
    return [];
}

describe("the guide's numbers and which way is stricter", () => {
    it("gives every number of guide.ts a direction, and names no other path", () => {
        expect(Object.keys(GUIDE_DIRECTIONS).sort()).toEqual(numericLeaves(guide).sort());
    });
    it("reads the numbers at their paths", () => {
        expect(guideNumber("threatDetection.unauthorizedAccess.failedAuthThreshold")).toBe(5);
        expect(guideNumber("logCollection.audit.retentionDays")).toBe(2557);
        expect(() => guideNumber("serviceMesh.authorization.mode")).toThrow(/not a number/);
    });
    it.each<[keyof typeof GUIDE_DIRECTIONS, number, boolean]>([
        ["threatDetection.unauthorizedAccess.failedAuthThreshold", 3, true],
        ["threatDetection.unauthorizedAccess.failedAuthThreshold", 5, true],
        ["threatDetection.unauthorizedAccess.failedAuthThreshold", 6, false],
        ["logCollection.system.retentionDays", 365, true],
        ["logCollection.system.retentionDays", 30, false],
        ["identityManagement.tokenExpiryHours", 1, true],
        ["identityManagement.tokenExpiryHours", 24, false],
        ["serviceMesh.rateLimiting.perAgentRps", 50, true],
        ["serviceMesh.rateLimiting.perAgentRps", 101, false],
        ["dataProtection.classification.critical.retentionDays", 3650, true],
        ["threatDetection.abnormalBehavior.deviationSigma", 2, true],
        ["threatDetection.abnormalBehavior.deviationSigma", 4, false],
        ["threatDetection.unauthorizedAccess.windowMinutes", 10, false],
        ["threatDetection.unauthorizedAccess.windowMinutes", 5, true],
    ])("%s = %d meets the guide: %s", (path, value, ok) => expect(meetsGuide(path, value)).toBe(ok));
    it("compares with a stack's configured value, and never passes a non-number", () => {
        expect(meetsGuide("logCollection.security.retentionDays", 400, 731)).toBe(false);
        expect(meetsGuide("logCollection.security.retentionDays", undefined)).toBe(false);
        expect(meetsGuide("logCollection.security.retentionDays", "400")).toBe(false);
        expect(boundText("logCollection.security.retentionDays")).toBe("at least 365");
        expect(boundText("threatDetection.unauthorizedAccess.windowMinutes")).toBe("exactly 5");
    });
});
