// The audit report as SARIF 2.1.0, the format GitHub code scanning ingests (github/codeql-action/upload-sarif), as
// Checkov, KICS and tfsec write it: one rule per policy of the pack, one result per violation.
//
// What GitHub needs beyond the schema (docs "SARIF support for code scanning"): each rule's shortDescription,
// fullDescription and help text; each result's message and a physical location (a file of the repository and a
// region); partialFingerprints.primaryLocationLineHash, the only fingerprint code scanning matches alerts on. A
// violation belongs to a resource, not to a line of code, so a result points at the stack's config file, line 1
// (the file that configures every resource of the stack), names the resource in logicalLocations (its URN), and
// carries a fingerprint made from the policy, the control and the URN, so the alert stays the same alert from
// run to run (and across branches) whatever else changes in the file.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Location, Log, ReportingDescriptor, Result } from "sarif";
import { pathToFileURL } from "url";
import { control as catalogControl, hasControl } from "../../policy-pack/catalog";
import { nameOf } from "./analyzer";
import { AuditReport, REPO_ROOT, Violation } from "./audit";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** Where the driver's informationUri points outside GitHub Actions: Pulumi's policy-as-code documentation. */
export const CROSSGUARD_DOCS = "https://www.pulumi.com/docs/iac/crossguard/";
/** Our own fingerprint key: the resource's URN as it is (GitHub matches on primaryLocationLineHash only). */
export const URN_FINGERPRINT = "pulumiUrn/v1";

/**
 * GitHub's security-severity (0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, over 9.0 critical) for the policy
 * severities the Pulumi policy SDK knows; `unspecified` gets none (GitHub then shows the level alone).
 */
export const SECURITY_SEVERITY: Readonly<Record<string, string>> = {
    low: "3.0",
    medium: "5.5",
    high: "8.0",
    critical: "9.5",
};

type Level = "error" | "warning" | "note" | "none";

/** mandatory → error (the preview fails), advisory → warning; remediate (not emulated) → note; disabled → none. */
export function sarifLevel(enforcementLevel: string): Level {
    switch (enforcementLevel) {
        case "mandatory":
            return "error";
        case "advisory":
            return "warning";
        case "disabled":
            return "none";
        default:
            return "note";
    }
}

export interface SarifOptions {
    stack: string;
    /** The stack's config file (Pulumi.<stack>.yaml), or Pulumi.yaml when the stack has none here. */
    configFile: string;
    /** Where the policy config came from (recorded in the run's properties). */
    policyConfigSource: string;
    /** The workflow run's environment: GITHUB_SERVER_URL and GITHUB_REPOSITORY give the informationUri. */
    env?: NodeJS.ProcessEnv;
}

/** A file's URI as GitHub resolves it: relative to the repository root, else an absolute file: URI. */
export function artifactUri(file: string): { uri: string; uriBaseId?: string } {
    const rel = path.relative(REPO_ROOT, path.resolve(file));
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
        return { uri: pathToFileURL(path.resolve(file)).href };
    }
    return { uri: rel.split(path.sep).join("/"), uriBaseId: "%SRCROOT%" };
}

function firstLineLength(file: string): number {
    try {
        return fs.readFileSync(file, "utf8").split(/\r?\n/, 1)[0].length;
    } catch {
        return 0;
    }
}

function hash16(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}

function rule(p: AuditReport["policies"][number]): ReportingDescriptor {
    const controls = p.controls.filter(hasControl).map(catalogControl);
    const enforces = controls.map(
        (c) =>
            `${c.id} (${c.section}): ${c.requirement} Guide: ${c.guidePath}. ` +
            `ISO/IEC 27001:2022 ${c.iso27001.join(", ") || "-"}; SOC 2 ${c.soc2.join(", ") || "-"}.`,
    );
    const fix =
        "Fix the setting in the stack config (Pulumi.<stack>.yaml) or in the component that creates the resource, " +
        "then check it offline with `npm run plan -- --stack <stack>`.";
    const level = `Severity ${p.severity}; enforcement ${p.enforcementLevel} in this run.`;
    const tags = ["security", ...p.controls, ...new Set(controls.map((c) => c.section))];
    const securitySeverity = SECURITY_SEVERITY[p.severity];
    return {
        id: p.name,
        name: p.name,
        shortDescription: { text: p.description },
        fullDescription: { text: `${p.description} Controls: ${p.controls.join(", ") || "none"}.`.slice(0, 1024) },
        help: {
            text: [p.description, "", "Enforces:", ...enforces.map((e) => `- ${e}`), "", level, fix].join("\n"),
            markdown: [
                p.description,
                "",
                "**Enforces**",
                "",
                ...controls.map(
                    (c) =>
                        `- \`${c.id}\` (${c.section}): ${c.requirement} Guide: \`${c.guidePath}\`. ` +
                        `ISO/IEC 27001:2022 ${c.iso27001.join(", ") || "-"}; SOC 2 ${c.soc2.join(", ") || "-"}.`,
                ),
                "",
                level,
                "",
                fix,
            ].join("\n"),
        },
        defaultConfiguration: {
            level: sarifLevel(p.enforcementLevel),
            enabled: p.enforcementLevel !== "disabled",
        },
        properties: {
            tags,
            ...(securitySeverity ? { "security-severity": securitySeverity } : {}),
            severity: p.severity,
            controls: p.controls,
        },
    };
}

/** The audit report as a SARIF 2.1.0 log of one run, for GitHub code scanning. */
export function toSarif(report: AuditReport, opts: SarifOptions): Log {
    const env = opts.env ?? process.env;
    const rules = report.policies.map(rule);
    const index = new Map(report.policies.map((p, i) => [p.name, i]));
    const file = artifactUri(opts.configFile);
    const endColumn = firstLineLength(opts.configFile) + 1;
    const configName = path.basename(opts.configFile);
    const seen = new Map<string, number>();
    const results = report.violations.map((v: Violation): Result => {
        // urn:pulumi:<stack>::<project>::<parent types $ separated>$<type>::<name>
        const resourceType = v.urn.split("::")[2]?.split("$").pop() ?? "";
        const key = hash16(v.policy, v.control, v.urn);
        const occurrence = (seen.get(key) ?? 0) + 1;
        seen.set(key, occurrence);
        const location: Location = {
            physicalLocation: {
                artifactLocation: file,
                region: { startLine: 1, startColumn: 1, endLine: 1, endColumn },
            },
            logicalLocations: [{ fullyQualifiedName: v.urn, name: nameOf(v.urn), kind: "resource" }],
            message: { text: `${configName} configures stack ${opts.stack}, which holds this resource` },
        };
        const ruleIndex = index.get(v.policy);
        return {
            ruleId: v.policy,
            ...(ruleIndex === undefined ? {} : { ruleIndex }),
            level: sarifLevel(v.enforcementLevel),
            message: {
                text: `${v.message}\n\nResource: ${resourceType} "${nameOf(v.urn)}" (${v.urn}); control ${v.control}.`,
            },
            locations: [location],
            partialFingerprints: { primaryLocationLineHash: `${key}:${occurrence}`, [URN_FINGERPRINT]: v.urn },
            properties: { control: v.control, enforcementLevel: v.enforcementLevel, urn: v.urn },
        };
    });
    const repository =
        env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY
            ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`
            : undefined;
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: report.pack.name,
                        fullName: `${report.pack.name} policy pack (Pulumi CrossGuard), audited offline by npm run audit`,
                        version: report.pack.version,
                        informationUri: repository ?? CROSSGUARD_DOCS,
                        rules,
                    },
                },
                // One category per stack: upload-sarif takes a directory of these (one run per category).
                automationDetails: { id: `pulumi-policy/${opts.stack}/` },
                columnKind: "utf16CodeUnits",
                results,
                properties: { stack: opts.stack, policyConfig: opts.policyConfigSource, summary: report.summary },
            },
        ],
    };
}
