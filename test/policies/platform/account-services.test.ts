// accountServices adopt: the landing zone owns the account's singletons. The stack must create none of them, and
// the policies that require them in a standalone account leave them to the account's evidence.

import { ACCOUNT_SERVICES } from "../../../policy-pack/catalog/account-services";
import { macieDiscovery } from "../../../policy-pack/policies/data";
import { guardDuty } from "../../../policy-pack/policies/network";
import { configRecording, requiredAndEnabled, securityHub } from "../../../policy-pack/policies/operations";
import { adoptedServicesNotCreated } from "../../../policy-pack/policies/account-services";
import { StackResourceCase, validateStack } from "../../harness/policy";
import { restorePackEnvAfterAll } from "../../harness/env";
import { r } from "./fixtures";

restorePackEnvAfterAll();
function mode(accountServices: "create" | "adopt" | undefined) {
    process.env.PULUMI_NODEJS_STACK = "lz";
    process.env.PULUMI_CONFIG = JSON.stringify(
        accountServices ? { "multi-agent-security:accountServices": accountServices } : {},
    );
}
const msgs = (policy: Parameters<typeof validateStack>[0], rs: StackResourceCase[]) =>
    validateStack(policy, rs).map((v) => v.message);

const recorder = r("aws:cfg/recorder:Recorder", "mas-recorder", {
    name: "mas-lz-recorder",
    recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
});
const detector = r("aws:guardduty/detector:Detector", "mas-guardduty", { id: "det1", enable: true });
const macieJob = r("aws:macie2/classificationJob:ClassificationJob", "mas-macie-data", {
    jobType: "SCHEDULED",
    s3JobDefinition: { bucketDefinitions: [] },
});

describe("platform-account-services-adopted", () => {
    it("passes an adopting stack that creates none of the singletons, and a creating stack that has them", () => {
        mode("adopt");
        expect(msgs(adoptedServicesNotCreated, [macieJob])).toEqual([]);
        mode("create");
        expect(msgs(adoptedServicesNotCreated, [recorder, detector])).toEqual([]);
        mode(undefined);
        expect(msgs(adoptedServicesNotCreated, [recorder])).toEqual([]);
    });

    it.each(ACCOUNT_SERVICES.flatMap((s) => s.types.map((t) => [s.service, t, s.controls[0]] as const)))(
        "fails an adopting stack that still creates %s (%s)",
        (service, type, control) => {
            mode("adopt");
            const found = msgs(adoptedServicesNotCreated, [r(type, "mine", {})]);
            expect(found).toHaveLength(1);
            expect(found[0]).toMatch(
                new RegExp(
                    `^\\[${control}\\] ${type.replace(/[/.]/g, "\\$&")} mine: Pulumi\\.lz\\.yaml sets accountServices adopt, so ${service} is the landing zone's \\(`,
                ),
            );
        },
    );
});

describe("the policies that require the singletons in a standalone account", () => {
    it("leave them to the account when the stack adopts them", () => {
        mode("adopt");
        expect(msgs(guardDuty, [])).toEqual([]);
        expect(msgs(configRecording, [])).toEqual([]);
        expect(msgs(securityHub, [])).toEqual([]);
        expect(msgs(macieDiscovery, [macieJob])).toEqual([]);
        // The required-and-enabled table drops exactly the singletons' rows; the per-stack ones (the Macie job) stay.
        const adopting = msgs(requiredAndEnabled, []);
        mode("create");
        const creating = msgs(requiredAndEnabled, []);
        const singletonRows = creating.filter((m) => !adopting.includes(m));
        expect(singletonRows.sort()).toEqual(
            [
                "[CMP-SOC2-EVIDENCE] the stack lacks a running AWS Config recorder (recorder status)",
                "[CMP-SOC2-EVIDENCE] the stack lacks an AWS Config recorder",
                "[CMP-SOC2-SECURITY] the stack lacks Security Hub",
                "[DATA-CLS-DISCOVERY] the stack lacks Amazon Macie",
                "[IPS-BEHAVIORAL] the stack lacks an enabled GuardDuty detector",
            ].sort(),
        );
        expect(adopting).toContain("[DATA-CLS-DISCOVERY] the stack lacks a Macie classification job");
        expect(adopting.every((m) => creating.includes(m))).toBe(true);
    });

    it("still require them in a standalone account (create, the default)", () => {
        for (const m of ["create", undefined] as const) {
            mode(m);
            expect(msgs(guardDuty, [])).toEqual(["the stack has no enabled GuardDuty detector"]);
            expect(msgs(configRecording, [])).toContain(
                "no AWS Config recorder: configuration evidence is not recorded",
            );
            expect(msgs(securityHub, [])).toContain(
                "[CMP-SOC2-SECURITY] Security Hub is not enabled (no aws.securityhub.Account)",
            );
            expect(msgs(macieDiscovery, [macieJob])).toContain(
                "Amazon Macie is not enabled (aws.macie2.Account status ENABLED)",
            );
        }
    });

    it("judge a singleton an adopting stack creates anyway (a paused Macie still fails)", () => {
        mode("adopt");
        const paused = r("aws:macie2/account:Account", "mas-macie", { status: "PAUSED" });
        expect(msgs(macieDiscovery, [paused, macieJob])).toContain(
            "Amazon Macie is not enabled (aws.macie2.Account status ENABLED)",
        );
    });
});

describe("a pinned accountServices (the security team's policy config)", () => {
    it("passes a stack whose mode equals the pin, and fails one that departs from it, naming both", () => {
        mode("adopt");
        expect(validateStack(adoptedServicesNotCreated, [], { accountServices: "adopt" })).toEqual([]);
        expect(
            validateStack(adoptedServicesNotCreated, [], { accountServices: "create" }).map((v) => v.message),
        ).toEqual([
            "accountServices: the stack's config sets adopt (Pulumi.lz.yaml) but the policy config's platform-account-services-adopted pins create (policy-pack/config/lz.json): adopting would leave GuardDuty, Config, Security Hub, Macie, Access Analyzer and Shield to an account owner the security team has not agreed to",
        ]);
        mode(undefined);
        expect(validateStack(adoptedServicesNotCreated, [], { accountServices: "adopt" })).toHaveLength(1);
    });

    it("reads the mode from the root stack's stackSettings output when no config reached the pack", () => {
        process.env.PULUMI_CONFIG = "{}";
        const root = r("pulumi:pulumi:Stack", "mas", { stackSettings: { accountServices: "adopt" } });
        expect(msgs(adoptedServicesNotCreated, [root, recorder])).toHaveLength(1);
        expect(msgs(configRecording, [root])).toEqual([]);
    });
});
