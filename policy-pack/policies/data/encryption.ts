// data_protection.encryption: KMS keys, S3 default encryption and bucket baseline, data in memory (enclaves).

import { PolicyResource } from "@pulumi/policy";
import { KMS_DELETION_WINDOW_DAYS, KMS_ROTATION_DAYS, SSE_EXEMPTION_ALB, SSE_EXEMPTION_TAG } from "../../catalog/data";
import { asArray, resourcePolicy, stackPolicy } from "../lib";
import { evaluate, OUTSIDER_PROBES, outsiderContext, outsiderLabel, outsidersOf, parseDocument } from "../../lib/iam";
import { actionsOf, bucketsOf, condition, configsOf, covers, isEveryone, Props, statements, T } from "./shared";

function isRootPrincipal(principal: unknown): boolean {
    const aws = typeof principal === "object" && principal !== null ? (principal as Props).AWS : undefined;
    const list = asArray(aws as string | string[]);
    return list.length > 0 && list.every((p) => typeof p === "string" && /^arn:[^:]+:iam::\d{12}:root$/.test(p));
}

export const kmsKeySettings = resourcePolicy({
    name: "data-kms-key-settings",
    description: `Customer-managed KMS keys: symmetric encryption keys (AES-256-GCM) rotate automatically every ${KMS_ROTATION_DAYS} days or less, every key has a ${KMS_DELETION_WINDOW_DAYS}-day deletion window and an explicit key policy in which only the account-root administration statement grants kms:*.`,
    controls: ["KMS-AT-REST", "KMS-KEY-MGMT"],
    severity: "high",
    types: [T.key],
    validate: (args, report) => {
        const p = args.props;
        const usage = (p.keyUsage as string | undefined) ?? "ENCRYPT_DECRYPT";
        const spec = (p.customerMasterKeySpec as string | undefined) ?? "SYMMETRIC_DEFAULT";
        if (usage === "ENCRYPT_DECRYPT") {
            if (spec !== "SYMMETRIC_DEFAULT") {
                report(
                    `[KMS-AT-REST] encryption key has spec ${spec}; data at rest needs SYMMETRIC_DEFAULT (AES-256-GCM)`,
                );
            }
            if (p.enableKeyRotation !== true) {
                report("[KMS-KEY-MGMT] automatic key rotation is off (enableKeyRotation must be true)");
            } else {
                // KMS rotates yearly when rotationPeriodInDays is left out.
                const period = typeof p.rotationPeriodInDays === "number" ? p.rotationPeriodInDays : 365;
                if (period > KMS_ROTATION_DAYS) {
                    report(
                        `[KMS-KEY-MGMT] key rotates every ${period} days; the catalog asks at most ${KMS_ROTATION_DAYS}`,
                    );
                }
            }
        }
        const window = p.deletionWindowInDays ?? 30;
        if (window !== KMS_DELETION_WINDOW_DAYS) {
            report(
                `[KMS-KEY-MGMT] deletion window is ${String(window)} days; the catalog asks ${KMS_DELETION_WINDOW_DAYS}`,
            );
        }
        if (p.policy === undefined) {
            report("[KMS-KEY-MGMT] key has no explicit key policy naming the services that may use it");
            return;
        }
        const doc = parseDocument(p.policy);
        if (!doc) {
            report("[KMS-KEY-MGMT] key policy is not a readable policy document; it cannot be evaluated");
            return;
        }
        // Simulated: a role of another account (administrator there) and an anonymous caller, with every
        // context key they could influence left open, must be unable to use or manage the key.
        const keyArn = typeof p.arn === "string" ? p.arn : "arn:aws:kms:region:000000000000:key/this";
        const ownAccount = /:(\d{12}):/.exec(typeof p.arn === "string" ? p.arn : "")?.[1];
        const account = ownAccount ?? "000000000000";
        for (const action of OUTSIDER_PROBES.key) {
            for (const who of outsidersOf(doc, ownAccount)) {
                const d = evaluate(who, {
                    action,
                    resource: keyArn,
                    resourceAccount: account,
                    isKmsKey: true,
                    resourcePolicy: { name: "key policy", document: doc },
                    context: outsiderContext(),
                });
                if (d.possible) {
                    report(
                        `[KMS-KEY-MGMT] ${who.kind === "anonymous" ? "an anonymous caller" : outsiderLabel(who, "a principal of another account")} can ${action} with this key (${d.allowedBy.filter((a) => a.startsWith("key policy:")).join(", ")})`,
                    );
                    break;
                }
            }
        }
        for (const s of statements(p.policy)) {
            if (
                s.Effect === "Allow" &&
                actionsOf(s).some((a) => a === "kms:*" || a === "*") &&
                !isRootPrincipal(s.Principal)
            ) {
                report(
                    `[KMS-KEY-MGMT] key policy statement ${s.Sid ?? "(no Sid)"} grants kms:* to a principal other than the account root`,
                );
            }
        }
    },
});

function sseAlgorithms(sse: PolicyResource[]): string[] {
    return sse.flatMap((c) =>
        asArray(c.props.rules as Props[] | undefined).map(
            (rule) => ((rule?.applyServerSideEncryptionByDefault as Props | undefined)?.sseAlgorithm as string) ?? "",
        ),
    );
}

export const s3BucketBaseline = stackPolicy({
    name: "data-s3-bucket-baseline",
    description: `Every S3 bucket: SSE-KMS (aws:kms) default encryption, all four public-access-block flags, versioning Enabled, and a bucket policy denying requests without TLS. Only one bucket may be exempt from SSE-KMS: tagged ${SSE_EXEMPTION_TAG}=${SSE_EXEMPTION_ALB} (ELB access logs), and it must use SSE-S3.`,
    controls: ["KMS-AT-REST", "LOG-AGG-ENCRYPTION", "LOG-AGG-STORAGE"],
    severity: "critical",
    validate: (args, report) => {
        const buckets = bucketsOf(args.resources);
        const exempt = buckets.filter((b) => b.tags[SSE_EXEMPTION_TAG] === SSE_EXEMPTION_ALB);
        if (exempt.length > 1) {
            report(
                `[LOG-AGG-ENCRYPTION] only one bucket may carry ${SSE_EXEMPTION_TAG}=${SSE_EXEMPTION_ALB}; found ${exempt.map((b) => b.name).join(", ")}`,
            );
        }
        for (const b of buckets) {
            const urn = b.resource.urn;
            const algorithms = sseAlgorithms(configsOf(args.resources, T.sse, b));
            if (algorithms.length === 0) {
                report(`[KMS-AT-REST] bucket ${b.name} has no server-side encryption configuration`, urn);
            } else if (exempt.includes(b)) {
                if (!algorithms.every((a) => a === "AES256")) {
                    report(`[LOG-AGG-ENCRYPTION] ELB access-log bucket ${b.name} must use SSE-S3 (AES256)`, urn);
                }
            } else if (!algorithms.every((a) => a === "aws:kms")) {
                report(
                    `[KMS-AT-REST] bucket ${b.name} encrypts with ${algorithms.join(", ")}, not aws:kms (a customer-managed KMS key)`,
                    urn,
                );
            }
            const pab = configsOf(args.resources, T.pab, b)[0]?.props;
            const flags = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
            if (!pab || !flags.every((f) => pab[f] === true)) {
                report(`[LOG-AGG-STORAGE] bucket ${b.name} does not block public access with all four flags`, urn);
            }
            const versioning = configsOf(args.resources, T.versioning, b)[0]?.props;
            if ((versioning?.versioningConfiguration as Props | undefined)?.status !== "Enabled") {
                report(`[LOG-AGG-STORAGE] bucket ${b.name} does not have versioning Enabled`, urn);
            }
            const denyTls = configsOf(args.resources, T.bucketPolicy, b)
                .flatMap((p) => statements(p.props.policy))
                .some(
                    (s) =>
                        s.Effect === "Deny" &&
                        isEveryone(s.Principal) &&
                        covers(s, "s3:GetObject") &&
                        covers(s, "s3:PutObject") &&
                        String(condition(s, "Bool", "aws:SecureTransport")) === "false",
                );
            if (!denyTls) {
                report(
                    `[LOG-AGG-STORAGE] bucket ${b.name} has no policy statement denying requests without TLS (aws:SecureTransport=false)`,
                    urn,
                );
            }
        }
    },
});

export const inMemoryEnclave = stackPolicy({
    name: "data-in-memory-enclave",
    description:
        "Data in use stays in a secure enclave: at least one launch template (the agent node group's) enables AWS Nitro Enclaves.",
    controls: ["DATA-ENC-IN-MEMORY"],
    severity: "high",
    validate: (args, report) => {
        const enclave = args.resources.some(
            (r) => r.type === T.launchTemplate && (r.props.enclaveOptions as Props | undefined)?.enabled === true,
        );
        if (!enclave) {
            report("no launch template enables Nitro Enclaves (enclaveOptions.enabled) for the agent nodes");
        }
    },
});
