import { named, ofType, runIsolated, stackConfig } from "../../harness/program";
import type { ProgramRun } from "../../../tools/lib/program";
import { REGION, AUDIT_KEY, program } from "./fixture";

let dev: ProgramRun;
beforeAll(async () => {
    dev = await runIsolated(stackConfig("dev"), "dev", program("dev"));
});

describe("Compliance (CMP-SOC2-EVIDENCE, CMP-ISO-ACCESS, CMP-ISO-CRYPTO, CMP-ISO-OPS, CMP-SOC2-SECURITY, CMP-SOC2-AVAILABILITY, CMP-SOC2-CONFIDENTIALITY)", () => {
    it("records every supported resource into the Config bucket (not the Object Lock audit bucket) and turns the recorder on", () => {
        expect(named(dev, "aws:cfg/recorder:Recorder", "mas-recorder").inputs.recordingGroup).toEqual({
            allSupported: true,
            includeGlobalResourceTypes: true,
        });
        expect(named(dev, "aws:cfg/deliveryChannel:DeliveryChannel", "mas-delivery").inputs).toMatchObject({
            s3BucketName: "mas-config-history",
            s3KeyPrefix: "config",
            s3KmsKeyArn: AUDIT_KEY,
        });
        expect(named(dev, "aws:cfg/recorderStatus:RecorderStatus", "mas-recorder").inputs.isEnabled).toBe(true);
        expect(named(dev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mas-config").inputs.policyArn).toBe(
            "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
        );
    });

    it("generates the conformance pack from the catalog table", () => {
        const pack = named(dev, "aws:cfg/conformancePack:ConformancePack", "mas-iso27001-soc2").inputs;
        const body = JSON.parse(pack.templateBody as string) as {
            Resources: Record<string, { Properties: Record<string, unknown> }>;
        };
        const ids = Object.values(body.Resources).map(
            (r) => (r.Properties.Source as { SourceIdentifier: string }).SourceIdentifier,
        );
        expect(ids).toHaveLength(22);
        expect(ids).toEqual(
            expect.arrayContaining([
                "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
                "EKS_SECRETS_ENCRYPTED",
                "ACCESS_KEYS_ROTATED",
            ]),
        );
        expect(body.Resources.CwLoggroupRetentionPeriodCheck.Properties.InputParameters).toEqual({
            MinRetentionTime: "90",
        });
        expect(body.Resources.AccessKeysRotated.Properties.InputParameters).toEqual({ maxAccessKeyAge: "90" });
        expect(body.Resources.CloudTrailLogFileValidationEnabled.Properties.MaximumExecutionFrequency).toBe(
            "TwentyFour_Hours",
        );
        expect(body.Resources.EncryptedVolumes.Properties.Description).toBe(
            "CMP-ISO-CRYPTO, CMP-SOC2-CONFIDENTIALITY | ISO/IEC 27001:2022 A.8.24 | SOC 2 CC6.1, C1.1",
        );
    });

    it("subscribes Security Hub to FSBP, CIS 3.0.0 and NIST 800-53 r5 and creates an account Access Analyzer", () => {
        expect(
            ofType(dev, "aws:securityhub/standardsSubscription:StandardsSubscription").map(
                (s) => s.inputs.standardsArn,
            ),
        ).toEqual([
            `arn:aws:securityhub:${REGION}::standards/aws-foundational-security-best-practices/v/1.0.0`,
            `arn:aws:securityhub:${REGION}::standards/cis-aws-foundations-benchmark/v/3.0.0`,
            `arn:aws:securityhub:${REGION}::standards/nist-800-53/v/5.0.0`,
        ]);
        expect(named(dev, "aws:securityhub/account:Account", "mas-securityhub").inputs.enableDefaultStandards).toBe(
            false,
        );
        expect(named(dev, "aws:accessanalyzer/analyzer:Analyzer", "mas-access-analyzer").inputs).toMatchObject({
            analyzerName: "mas-dev-account",
            type: "ACCOUNT",
        });
    });
});

// accountServices adopt (a landing zone's member account): none of the account's singletons, the per-stack parts
// stay, and the reports leave the organisation's analyzer to its owner.
describe("Compliance with accountServices adopt", () => {
    let lz: ProgramRun;
    beforeAll(async () => {
        lz = await runIsolated(stackConfig("dev", { accountServices: "adopt" }), "dev", program("dev"));
    });

    it("creates no Config recorder, delivery channel or role, Security Hub, standard or Access Analyzer", () => {
        for (const type of [
            "aws:cfg/recorder:Recorder",
            "aws:cfg/deliveryChannel:DeliveryChannel",
            "aws:cfg/recorderStatus:RecorderStatus",
            "aws:securityhub/account:Account",
            "aws:securityhub/standardsSubscription:StandardsSubscription",
            "aws:accessanalyzer/analyzer:Analyzer",
        ]) {
            expect([type, ofType(lz, type)]).toEqual([type, []]);
        }
        expect(lz.resources.filter((r) => r.name === "mas-config")).toEqual([]);
        // In create the same program makes each of them.
        expect(ofType(dev, "aws:cfg/recorder:Recorder")).toHaveLength(1);
    });

    it("keeps its own conformance pack, evaluated through the landing zone's recorder", () => {
        const pack = named(lz, "aws:cfg/conformancePack:ConformancePack", "mas-iso27001-soc2");
        expect(pack.inputs.name).toBe("mas-dev-iso27001-soc2");
    });

    it("records no resource under CMP-SOC2-EVIDENCE (the evidence verifies it in the account)", () => {
        const controls = (run: ProgramRun) => (run.stackOutputs as { controls: string[] }).controls;
        expect(controls(lz)).not.toContain("CMP-SOC2-EVIDENCE");
        expect(controls(lz)).toContain("CMP-ISO-OPS");
        expect(controls(dev)).toContain("CMP-SOC2-EVIDENCE");
    });

    it("reviews access from CloudTrail's role assumptions instead of an Access Analyzer it does not have", () => {
        const docs = ofType(lz, "aws:ssm/document:Document").map((d) => String(d.inputs.content));
        expect(docs.length).toBeGreaterThan(0);
        expect(docs.some((c) => c.includes("accessanalyzer"))).toBe(false);
        const weekly = named(lz, "aws:ssm/document:Document", "mas-report-weekly").inputs.content as string;
        expect(weekly).toContain(
            "CloudTrail AssumeRole events (the organisation's Access Analyzer is the landing zone's)",
        );
        expect(weekly).toContain("lookup_events");
        expect(weekly).not.toContain("list_findings");
        expect(
            ofType(dev, "aws:ssm/document:Document").some((d) => String(d.inputs.content).includes("accessanalyzer")),
        ).toBe(true);
        const policies = ofType(lz, "aws:iam/rolePolicy:RolePolicy").map((p) => String(p.inputs.policy));
        expect(policies.some((p) => p.includes("access-analyzer:ListFindings"))).toBe(false);
    });
});
