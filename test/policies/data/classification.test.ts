// policy-pack/policies/data/classification.ts

import { classificationTag, macieDiscovery, protectedInProd } from "../../../policy-pack/policies/data";
import { StackResourceCase, validateResource, validateStack } from "../../harness/policy";
import { change, messages, Props, propsOf, provider } from "./fixtures";

describe("data-classification-tag (DATA-CLS-TAG)", () => {
    const check = (type: string, props: Props, defaults?: Record<string, string>) =>
        validateResource(classificationTag, { type, props, ...(defaults ? { provider: provider(defaults) } : {}) });

    it("passes own tags and the provider's default classification", () => {
        expect(check("aws:sns/topic:Topic", { tags: { classification: "sensitive" } })).toEqual([]);
        expect(check("aws:kms/key:Key", {}, { classification: "internal" })).toEqual([]);
    });
    it("ignores non-taggable and non-AWS resources", () => {
        expect(check("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r" })).toEqual([]);
        expect(check("kubernetes:core/v1:Namespace", { tags: {} })).toEqual([]);
    });
    it("fails a taggable resource without the tag (data-holding types even without a tags property)", () => {
        expect(check("aws:ec2/vpc:Vpc", { tags: { Name: "x" } })).toEqual([
            "resource has no classification tag; expected one of critical, sensitive, internal",
        ]);
        expect(check("aws:s3/bucket:Bucket", {})).toEqual([
            "resource has no classification tag; expected one of critical, sensitive, internal",
        ]);
    });
    it("fails an unknown level, even over a valid default", () => {
        expect(
            check("aws:ec2/vpc:Vpc", { tags: { classification: "secret" } }, { classification: "internal" }),
        ).toEqual(["classification=secret is not one of critical, sensitive, internal"]);
    });
});

describe("data-protected-in-prod (DATA-CLS-CRITICAL, DATA-CLS-SENSITIVE, DATA-CLS-INTERNAL)", () => {
    const check = (type: string, protect: boolean, env: string, tags: Record<string, string> = {}) =>
        validateResource(protectedInProd, { type, props: { tags }, protect, provider: provider({ environment: env }) });

    it("passes protected prod resources and unprotected dev ones", () => {
        expect(check("aws:kms/key:Key", true, "prod")).toEqual([]);
        expect(check("aws:s3/bucket:Bucket", false, "dev")).toEqual([]);
    });
    it("fails an unprotected prod resource, naming its classification's control", () => {
        expect(check("aws:s3/bucket:Bucket", false, "prod", { classification: "critical" })).toEqual([
            "[DATA-CLS-CRITICAL] aws:s3/bucket:Bucket is not protected (protect: true) in prod",
        ]);
        expect(check("aws:backup/vault:Vault", false, "prod")).toEqual([
            "[DATA-CLS-INTERNAL] aws:backup/vault:Vault is not protected (protect: true) in prod",
        ]);
    });
});

describe("data-macie-discovery (DATA-CLS-DISCOVERY)", () => {
    const baseline = (): StackResourceCase[] => [
        { type: "aws:macie2/account:Account", name: "macie", props: { status: "ENABLED" } },
        {
            type: "aws:macie2/classificationJob:ClassificationJob",
            name: "job",
            props: {
                jobType: "SCHEDULED",
                s3JobDefinition: { bucketDefinitions: [{ accountId: "1", buckets: ["agent"] }] },
            },
        },
        {
            type: "aws:s3/bucket:Bucket",
            name: "agent",
            props: { bucket: "agent", tags: { "data-store": "agent_data" } },
        },
        { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "logs", tags: {} } },
    ];
    const run = (list: StackResourceCase[]) => messages(validateStack(macieDiscovery, list));

    it("passes Macie enabled with a scheduled job over the data stores", () => {
        expect(run(baseline())).toEqual([]);
    });
    it("fails Macie paused", () => {
        expect(run(change(baseline(), "macie", { status: "PAUSED" }))).toEqual([
            "Amazon Macie is not enabled (aws.macie2.Account status ENABLED)",
        ]);
    });
    it("fails a data store not covered by a scheduled job", () => {
        const oneTime = change(baseline(), "job", { ...propsOf(baseline(), "job"), jobType: "ONE_TIME" });
        expect(run(oneTime)).toEqual([
            "data store bucket agent is not covered by a scheduled Macie classification job",
        ]);
    });
});
