// The account-wide services a landing zone usually owns (Control Tower, a delegated security account): the stack
// creates them with `accountServices: create` and creates none of them with `adopt`. One table, read by the
// components, the pack and the evidence.

export interface AccountService {
    /** Short key (the evidence collector's name for it). */
    key: "guardduty" | "config" | "securityhub" | "accessanalyzer" | "macie" | "shield";
    service: string;
    /** Pulumi types of the account-wide singletons the stack creates in `create` (and must not in `adopt`). */
    types: string[];
    /** Controls that rely on the service. */
    controls: string[];
    /** What the owning account must provide for the stack's controls to hold (README and evidence). */
    ownerProvides: string;
    /** How to check it in the account (the AWS CLI call an auditor can run). */
    check: string;
}

export const ACCOUNT_SERVICES: readonly AccountService[] = [
    {
        key: "guardduty",
        service: "Amazon GuardDuty",
        types: ["aws:guardduty/detector:Detector", "aws:guardduty/detectorFeature:DetectorFeature"],
        controls: ["IPS-BEHAVIORAL"],
        ownerProvides:
            "an enabled detector in this account and Region (auto-enabled for members by the delegated administrator) with EKS_AUDIT_LOGS and RUNTIME_MONITORING (EKS_ADDON_MANAGEMENT) enabled",
        check: "aws guardduty list-detectors; aws guardduty get-detector --detector-id <id> (Status ENABLED, Features)",
    },
    {
        key: "config",
        service: "AWS Config",
        types: [
            "aws:cfg/recorder:Recorder",
            "aws:cfg/deliveryChannel:DeliveryChannel",
            "aws:cfg/recorderStatus:RecorderStatus",
        ],
        controls: ["CMP-SOC2-EVIDENCE"],
        ownerProvides:
            "a configuration recorder recording all supported resource types (global ones in one Region) with a delivery channel to the organisation's log archive, and an aggregator in the audit account",
        check: "aws configservice describe-configuration-recorder-status (recording true, lastStatus SUCCESS)",
    },
    {
        key: "securityhub",
        service: "AWS Security Hub",
        types: ["aws:securityhub/account:Account", "aws:securityhub/standardsSubscription:StandardsSubscription"],
        controls: ["CMP-SOC2-SECURITY", "CMP-ISO-OPS"],
        ownerProvides:
            "Security Hub enabled for the account (central configuration) with AWS FSBP, CIS AWS Foundations 3.0.0 and NIST SP 800-53 r5 enabled, findings aggregated in the security account",
        check: "aws securityhub get-enabled-standards (READY for each of the three)",
    },
    {
        key: "accessanalyzer",
        service: "IAM Access Analyzer",
        types: ["aws:accessanalyzer/analyzer:Analyzer"],
        controls: ["CMP-ISO-ACCESS", "CMP-SOC2-SECURITY"],
        ownerProvides: "an ORGANIZATION analyzer (delegated administrator) whose zone of trust includes this account",
        check: "aws accessanalyzer list-analyzers --type ORGANIZATION (in the delegated administrator account)",
    },
    {
        key: "macie",
        service: "Amazon Macie",
        types: ["aws:macie2/account:Account"],
        controls: ["DATA-CLS-DISCOVERY"],
        ownerProvides:
            "Macie enabled for the account as a member of the Macie administrator; the stack still runs its own classification job over its data stores",
        check: "aws macie2 get-macie-session (status ENABLED)",
    },
    {
        key: "shield",
        service: "AWS Shield Advanced",
        types: ["aws:shield/subscription:Subscription"],
        controls: ["PER-DDOS"],
        ownerProvides:
            "an active Shield Advanced subscription for the account (consolidated billing in the organisation); the stack still protects its own ALB",
        check: "aws shield get-subscription-state (ACTIVE)",
    },
];

/**
 * The GuardDuty features IPS-BEHAVIORAL needs (feature, or feature/additional configuration), all ENABLED; other
 * features may be off.
 */
export const GUARDDUTY_NEEDS = ["EKS_AUDIT_LOGS", "RUNTIME_MONITORING", "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT"];

/** The IAM Access Analyzer types that analyse external access for this account (the catalog's owner note). */
export const ACCESS_ANALYZER_TYPES = ["ORGANIZATION", "ACCOUNT"];

const byType = new Map(ACCOUNT_SERVICES.flatMap((s) => s.types.map((t) => [t, s] as const)));

/** The account service a Pulumi type belongs to, if it is one of the singletons. */
export function accountServiceOfType(type: string): AccountService | undefined {
    return byType.get(type);
}

/** The account services a control relies on. */
export function accountServicesOfControl(id: string): AccountService[] {
    return ACCOUNT_SERVICES.filter((s) => s.controls.includes(id));
}
