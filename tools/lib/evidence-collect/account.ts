// The account services a landing zone may own (catalog account-services), read for `evidence --collect`:
// GuardDuty and the features the catalog needs, Security Hub standards, the Config recorder and its delivery
// channel, Macie, an external-access analyzer of IAM Access Analyzer, and the Shield Advanced subscription.
import { AccessAnalyzerClient, paginateListAnalyzers } from "@aws-sdk/client-accessanalyzer";
import {
    ConfigServiceClient,
    DescribeConfigurationRecordersCommand,
    DescribeConfigurationRecorderStatusCommand,
    DescribeDeliveryChannelStatusCommand,
} from "@aws-sdk/client-config-service";
import { GetDetectorCommand, GuardDutyClient, ListDetectorsCommand } from "@aws-sdk/client-guardduty";
import { GetMacieSessionCommand, Macie2Client } from "@aws-sdk/client-macie2";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { GetSubscriptionStateCommand, ShieldClient } from "@aws-sdk/client-shield";
import {
    ACCESS_ANALYZER_TYPES,
    ACCOUNT_SERVICES,
    GUARDDUTY_NEEDS,
} from "../../../policy-pack/catalog/account-services";
import { standardsState } from "./securityhub";
import { OperatingCheck, OperatingSummary } from "./types";

/** Account services a landing zone may own: the controls each serves (one table: catalog/account-services.ts). */
export const ACCOUNT_SERVICE_CONTROLS: Record<string, string[]> = Object.fromEntries(
    ACCOUNT_SERVICES.map((s) => [s.key, s.controls]),
);

/**
 * The Config recorder: recording, all supported resource types with no exclusions (recordingGroup allSupported,
 * or recordingStrategy ALL_SUPPORTED_RESOURCE_TYPES), and the delivery channel's last delivery a success.
 */
export async function configState(config: ConfigServiceClient): Promise<[boolean, string]> {
    const status =
        (await config.send(new DescribeConfigurationRecorderStatusCommand({})))?.ConfigurationRecordersStatus ?? [];
    if (status.length === 0) {
        return [false, "no configuration recorder"];
    }
    const recorders = (await config.send(new DescribeConfigurationRecordersCommand({})))?.ConfigurationRecorders ?? [];
    const channels = (await config.send(new DescribeDeliveryChannelStatusCommand({})))?.DeliveryChannelsStatus ?? [];
    const parts: string[] = [];
    let ok = true;
    for (const r of status) {
        const group = recorders.find((x) => x.name === r.name)?.recordingGroup;
        const all =
            group?.allSupported === true ||
            (group?.recordingStrategy?.useOnly === "ALL_SUPPORTED_RESOURCE_TYPES" &&
                (group.exclusionByResourceTypes?.resourceTypes ?? []).length === 0);
        const excluded = group?.exclusionByResourceTypes?.resourceTypes ?? [];
        ok &&= r.recording === true && r.lastStatus !== "Failure" && all;
        parts.push(
            `${r.name}: ${r.recording ? "recording" : "NOT recording"}, last ${r.lastStatus}, ` +
                (all
                    ? "all supported resource types"
                    : excluded.length
                      ? `excludes ${excluded.join(", ")}`
                      : "NOT all supported resource types"),
        );
    }
    if (channels.length === 0) {
        ok = false;
        parts.push("no delivery channel");
    }
    for (const c of channels) {
        const last = c.configHistoryDeliveryInfo?.lastStatus ?? c.configSnapshotDeliveryInfo?.lastStatus;
        ok &&= last === "Success";
        parts.push(
            `delivery channel ${c.name}: last delivery ${last ?? "none"}${c.configHistoryDeliveryInfo?.lastSuccessfulTime ? ` (last success ${c.configHistoryDeliveryInfo.lastSuccessfulTime.toISOString()})` : ""}`,
        );
    }
    return [ok, parts.join("; ")];
}

/**
 * GuardDuty, Security Hub, the Config recorder, Macie, an account analyzer of IAM Access Analyzer and (when the
 * stack wants it) the Shield Advanced subscription: on, whichever stack created them.
 */
export async function accountServices(
    region: string,
    checks: OperatingCheck[],
    shieldWanted: boolean,
): Promise<OperatingSummary["accountServices"]> {
    const out: OperatingSummary["accountServices"] = [];
    const add = (service: string, ok: boolean, state: string) => {
        out.push({ service, ok, state });
        for (const control of ACCOUNT_SERVICE_CONTROLS[service] ?? []) {
            checks.push({ control, result: ok ? "ok" : "failed", source: `${service} state`, detail: state });
        }
    };
    const gd = new GuardDutyClient({ region });
    const detectors = (await gd.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
    if (detectors.length === 0) {
        add("guardduty", false, "no GuardDuty detector in the Region");
    } else {
        const d = await gd.send(new GetDetectorCommand({ DetectorId: detectors[0] }));
        // The features the catalog needs (an additional configuration as feature/name); others may be off.
        const on = new Set<string>();
        for (const f of d.Features ?? []) {
            if (f.Status === "ENABLED") {
                on.add(f.Name ?? "");
                for (const c of (f.AdditionalConfiguration ?? []).filter((x) => x.Status === "ENABLED")) {
                    on.add(`${f.Name}/${c.Name}`);
                }
            }
        }
        const missing = GUARDDUTY_NEEDS.filter((n) => !on.has(n));
        add(
            "guardduty",
            d.Status === "ENABLED" && missing.length === 0,
            `detector ${detectors[0]} ${d.Status}; ${GUARDDUTY_NEEDS.length - missing.length} of ${GUARDDUTY_NEEDS.length} needed feature(s) enabled${missing.length ? `, not enabled: ${missing.join(", ")}` : ""}`,
        );
    }
    try {
        const s = await standardsState(new SecurityHubClient({ region }));
        add("securityhub", s.ok, s.state);
    } catch (e) {
        add("securityhub", false, `Security Hub is not enabled (${(e as Error).name})`);
    }
    add("config", ...(await configState(new ConfigServiceClient({ region }))));
    try {
        const m = await new Macie2Client({ region }).send(new GetMacieSessionCommand({}));
        add("macie", m.status === "ENABLED", `Macie ${m.status}`);
    } catch (e) {
        add("macie", false, `Macie is not enabled (${(e as Error).name})`);
    }
    const analyzers: string[] = [];
    // An ORGANIZATION analyzer (the catalog's landing-zone owner) or an ACCOUNT one (a stack that creates it).
    for await (const page of paginateListAnalyzers({ client: new AccessAnalyzerClient({ region }) }, {})) {
        analyzers.push(
            ...(page.analyzers ?? [])
                .filter((a) => a.status === "ACTIVE" && ACCESS_ANALYZER_TYPES.includes(a.type ?? ""))
                .map((a) => `${a.name ?? ""} (${a.type})`),
        );
    }
    add(
        "accessanalyzer",
        analyzers.length > 0,
        analyzers.length
            ? `active external-access analyzer(s): ${analyzers.join(", ")}`
            : `no active ${ACCESS_ANALYZER_TYPES.join(" or ")} analyzer visible in this account`,
    );
    if (shieldWanted) {
        // Shield Advanced's API is global, served from us-east-1.
        const s = await new ShieldClient({ region: "us-east-1" }).send(new GetSubscriptionStateCommand({}));
        add("shield", s.SubscriptionState === "ACTIVE", `Shield Advanced subscription ${s.SubscriptionState}`);
    }
    return out;
}
