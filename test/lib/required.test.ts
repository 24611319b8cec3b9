import { checkRequired, requirements } from "../../policy-pack/lib/required";

const table = requirements({ backupControls: ["BAK-CRITICAL"], conformancePackSuffix: "-pack" });
const r = (type: string, name: string, props: Record<string, unknown>) => ({ type, name, urn: `urn:${name}`, props });

describe("required-and-enabled table", () => {
    it("reports every required resource an empty stack lacks, under its control", () => {
        const controls = new Set(checkRequired([], table).map((f) => f.control));
        expect([...controls].sort()).toEqual([
            "BAK-CRITICAL",
            "BAK-RESTORE-TEST",
            "CMP-ISO-OPS",
            "CMP-SOC2-EVIDENCE",
            "CMP-SOC2-SECURITY",
            "DATA-CLS-DISCOVERY",
            "IPS-BEHAVIORAL",
            "KMS-KEY-MGMT",
            "LOG-AUDIT-TRAIL",
            "NET-FLOW-LOGS",
            "PER-FW-EGRESS",
            "PER-WAF-RULES",
        ]);
    });

    it("counts only selected resources (a conformance pack with another name does not)", () => {
        const found = checkRequired(
            [r("aws:cfg/conformancePack:ConformancePack", "other", { name: "x-other" })],
            table,
        );
        expect(found.map((f) => f.message)).toContain(
            "[CMP-ISO-OPS] the stack lacks the ISO 27001 / SOC 2 conformance pack (*-pack)",
        );
    });

    it("names the disabled resource and why", () => {
        const found = checkRequired(
            [
                r("aws:guardduty/detector:Detector", "gd", { enable: false }),
                r("aws:kms/key:Key", "signing", { keySpec: "ECC_NIST_EDWARDS25519", keyUsage: "SIGN_VERIFY" }),
                r("aws:kms/key:Key", "data", { enableKeyRotation: false }),
                r("aws:macie2/account:Account", "macie", { status: "PAUSED" }),
            ],
            table,
        ).filter((f) => f.urn);
        expect(found).toEqual([
            {
                control: "IPS-BEHAVIORAL",
                message: "[IPS-BEHAVIORAL] an enabled GuardDuty detector: gd enable is false",
                urn: "urn:gd",
            },
            {
                control: "DATA-CLS-DISCOVERY",
                message: "[DATA-CLS-DISCOVERY] Amazon Macie: macie status is PAUSED",
                urn: "urn:macie",
            },
            {
                control: "KMS-KEY-MGMT",
                message: "[KMS-KEY-MGMT] KMS keys: data automatic rotation is off (enableKeyRotation)",
                urn: "urn:data",
            },
        ]);
    });

    it("takes an alarm's control from its tag and a rule's from its incident-response tag", () => {
        const found = checkRequired(
            [
                r("aws:cloudwatch/metricAlarm:MetricAlarm", "a", {
                    actionsEnabled: false,
                    tags: { control: "DET-ANOMALY" },
                }),
                r("aws:cloudwatch/eventRule:EventRule", "e", { state: "DISABLED" }),
                r("aws:cloudwatch/eventRule:EventRule", "ok", { state: "ENABLED" }),
            ],
            table,
        ).filter((f) => f.urn);
        expect(found.map((f) => [f.control, f.urn])).toEqual([
            ["IR-SB-NOTIFY", "urn:e"],
            ["DET-ANOMALY", "urn:a"],
        ]);
    });
});
