// The central log stores' vocabulary: each log group's source (its retention class) and the streamed sources.
import { LogSource } from "../../policy-pack/catalog";

export type LogGroupName = "vpcFlow" | "waf" | "firewall" | "eks" | "cloudtrail" | "system";

/** The log source (and so the retention) of each log group. */
export const LOG_GROUP_SOURCE: Record<LogGroupName, LogSource> = {
    vpcFlow: "security",
    waf: "security",
    firewall: "security",
    eks: "security",
    cloudtrail: "audit",
    system: "system",
};

/** Log sources whose log groups are copied into their bucket (audit: CloudTrail writes its bucket itself). */
export const STREAMED_SOURCES = ["system", "security"] as const;
export type StreamedSource = (typeof STREAMED_SOURCES)[number];
