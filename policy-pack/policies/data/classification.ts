// data_protection.classification: every resource is tagged with its level, data stores are protected in prod
// and scanned by Macie.

import { CLASSIFICATION_LEVELS } from "../../catalog";
import { CLASSIFICATION_TAG, DATA_STORE_TAG } from "../../catalog/data";
import { asArray, effectiveTags, environmentOf, environmentSchema, resourcePolicy, stackPolicy } from "../lib";
import { bucketsOf, levelOf, Props, T } from "./shared";
import { adoptedType } from "../account-services";

/** Data-holding types that are always checked, even when a plan shows no tags property for them. */
const ALWAYS_TAGGABLE = new Set<string>([T.key, T.bucket, T.logGroup, T.vault, T.secret, T.trail, T.plan]);

export const classificationTag = resourcePolicy({
    name: "data-classification-tag",
    description: `Every taggable AWS resource carries tag ${CLASSIFICATION_TAG} with one of ${CLASSIFICATION_LEVELS.join(", ")} (its own tags or the provider's default tags). A resource counts as taggable when its inputs carry tags / tagsAll, or it is a data-holding type.`,
    controls: ["DATA-CLS-TAG"],
    severity: "medium",
    types: [],
    validate: () => undefined,
});
// Every AWS type is in scope, so the type filter of resourcePolicy is bypassed here.
classificationTag.validateResource = (args, report) => {
    if (!args.type.startsWith("aws:")) {
        args.notApplicable("Policy only applies to AWS resources");
    }
    const taggable = "tags" in args.props || "tagsAll" in args.props || ALWAYS_TAGGABLE.has(args.type);
    if (!taggable) {
        return;
    }
    const value = effectiveTags(args)[CLASSIFICATION_TAG];
    if (value === undefined) {
        report(`resource has no ${CLASSIFICATION_TAG} tag; expected one of ${CLASSIFICATION_LEVELS.join(", ")}`);
    } else if (!(CLASSIFICATION_LEVELS as string[]).includes(value)) {
        report(`${CLASSIFICATION_TAG}=${value} is not one of ${CLASSIFICATION_LEVELS.join(", ")}`);
    }
};

export const protectedInProd = resourcePolicy({
    name: "data-protected-in-prod",
    description:
        "In prod, data-holding resources (KMS keys, S3 buckets, backup vaults, log groups) are protected (protect: true) so that no update can delete them.",
    controls: CLASSIFICATION_LEVELS.map((l) => `DATA-CLS-${l.toUpperCase()}`),
    severity: "critical",
    types: [T.key, T.bucket, T.vault, T.logGroup],
    configSchema: environmentSchema,
    validate: (args, report) => {
        if (environmentOf(args) !== "prod" || args.opts.protect === true) {
            return;
        }
        const level = levelOf(effectiveTags(args)) ?? "internal";
        report(`[DATA-CLS-${level.toUpperCase()}] ${args.type} is not protected (protect: true) in prod`);
    },
});

export const macieDiscovery = stackPolicy({
    name: "data-macie-discovery",
    description: `Amazon Macie is enabled and a scheduled classification job covers every bucket tagged ${DATA_STORE_TAG}.`,
    controls: ["DATA-CLS-DISCOVERY"],
    severity: "medium",
    validate: (args, report) => {
        const account = args.resources.find((r) => r.type === T.macieAccount);
        // accountServices adopt: Macie is the landing zone's (verified from the account); the job stays this stack's.
        if (
            account ? (account.props.status ?? "ENABLED") !== "ENABLED" : !adoptedType(T.macieAccount, args.resources)
        ) {
            report("Amazon Macie is not enabled (aws.macie2.Account status ENABLED)");
        }
        const scanned = new Set(
            args.resources
                .filter((r) => r.type === T.macieJob && r.props.jobType === "SCHEDULED")
                .flatMap((j) =>
                    asArray(
                        ((j.props.s3JobDefinition as Props | undefined)?.bucketDefinitions ?? []) as Props[],
                    ).flatMap((d) => asArray(d?.buckets as string[] | undefined)),
                ),
        );
        for (const b of bucketsOf(args.resources).filter((x) => x.tags[DATA_STORE_TAG] !== undefined)) {
            if (!scanned.has(b.name)) {
                report(
                    `data store bucket ${b.name} is not covered by a scheduled Macie classification job`,
                    b.resource.urn,
                );
            }
        }
    },
});
