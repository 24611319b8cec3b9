import { guide } from "./guide";

/**
 * Which way each guide number is stricter, next to the number's path in guide.ts. "lower": a smaller value is
 * stricter (a lower failed-auth threshold alerts sooner, a shorter token lives less); "higher": a larger value
 * is stricter (logs and backups kept longer); "exact": the guide fixes it (a window moved either way changes
 * what is counted). Policies compare with `meetsGuide`, so a stricter-than-guide value passes. A test keeps
 * this table and guide.ts's numbers in step (every numeric leaf has a direction).
 */
export type Stricter = "lower" | "higher" | "exact";

export const GUIDE_DIRECTIONS: Record<string, { stricter: Stricter; why: string }> = {
    "identityManagement.certificateRotationDays": { stricter: "lower", why: "certificates rotate sooner" },
    "identityManagement.tokenExpiryHours": { stricter: "lower", why: "tokens (and refresh tokens) live less" },
    "serviceMesh.mtlsRotationDays": { stricter: "lower", why: "workload certificates rotate sooner" },
    "serviceMesh.rateLimiting.globalRps": { stricter: "lower", why: "fewer requests admitted" },
    "serviceMesh.rateLimiting.perAgentRps": { stricter: "lower", why: "fewer requests admitted per agent" },
    "messageSecurity.payload.keyRotationHours": { stricter: "lower", why: "payload keys rotate sooner" },
    "dataProtection.classification.critical.retentionDays": { stricter: "higher", why: "kept longer" },
    "dataProtection.classification.sensitive.retentionDays": { stricter: "higher", why: "kept longer" },
    "dataProtection.classification.internal.retentionDays": { stricter: "higher", why: "kept longer" },
    "logCollection.system.retentionDays": { stricter: "higher", why: "evidence kept longer" },
    "logCollection.security.retentionDays": { stricter: "higher", why: "evidence kept longer" },
    "logCollection.audit.retentionDays": { stricter: "higher", why: "evidence kept longer" },
    "threatDetection.unauthorizedAccess.failedAuthThreshold": {
        stricter: "lower",
        why: "fewer failures raise the alert",
    },
    "threatDetection.unauthorizedAccess.windowMinutes": {
        stricter: "exact",
        why: "a longer window delays the alert, a shorter one splits the count",
    },
    "threatDetection.abnormalBehavior.deviationSigma": {
        stricter: "lower",
        why: "a narrower band flags smaller deviations",
    },
    "threatDetection.abnormalBehavior.windowMinutes": {
        stricter: "exact",
        why: "the band is learned over the guide's window",
    },
};

export type GuidePath = keyof typeof GUIDE_DIRECTIONS;

/** The guide's number at a dotted path of guide.ts. */
export function guideNumber(path: string): number {
    const value = path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], guide);
    if (typeof value !== "number") {
        throw new Error(`guide path ${path} is not a number`);
    }
    return value;
}

/**
 * Does `actual` meet the guide's number at `path` (or `want`, a stack's configured stricter value) in the
 * number's stricter direction? Equal always meets; a non-number never does.
 */
export function meetsGuide(path: GuidePath, actual: unknown, want: number = guideNumber(path)): boolean {
    if (typeof actual !== "number" || Number.isNaN(actual)) {
        return false;
    }
    const stricter = GUIDE_DIRECTIONS[path]?.stricter;
    if (stricter === undefined) {
        throw new Error(`no direction for guide path ${path}`);
    }
    return stricter === "lower" ? actual <= want : stricter === "higher" ? actual >= want : actual === want;
}

/** "at most 5" / "at least 90" / "exactly 300": how a message states the bound. */
export function boundText(path: GuidePath, want: number = guideNumber(path)): string {
    const stricter = GUIDE_DIRECTIONS[path].stricter;
    return `${stricter === "lower" ? "at most" : stricter === "higher" ? "at least" : "exactly"} ${want}`;
}
