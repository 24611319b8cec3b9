import { iamWriteAllowList } from "../../policy-pack/policies/identity/iam-surface";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { runStack } from "../harness/program";
import { copy, editJson, find, Rec, stackViolations } from "./review-plan";

// Read / List on sensitive content is part of the allow-list surface: only the guide's view_logs (operator) and
// manage_security (system_admin) read logs and the event history; agents read only their payload key (the outside
// review's b61, b108).
const POLICY = "aws:iam/policy:Policy";
const LOGS = "arn:aws:logs:eu-west-1:123456789012:log-group:";

let prod: ProgramRun;
beforeAll(async () => {
    prod = await runStack("prod");
}, 120_000);

const run = (edit: (rs: RecordedResource[]) => void) => {
    const rs = copy(prod);
    edit(rs);
    return stackViolations([iamWriteAllowList], rs);
};
const allow = (rs: RecordedResource[], policy: string, statement: Rec) =>
    editJson(find(rs, POLICY, policy), "policy", (d) => {
        d.Statement = [...[d.Statement].flat(), statement];
    });

describe("IAM read surface on the prod plan", () => {
    it.each<[string, RegExp, (rs: RecordedResource[]) => void]>([
        [
            "agents read every log group (security and audit logs)",
            /\[RBAC-AGENT-PERMS\] agent \(3 roles\) can logs:FilterLogEvents, logs:GetQueryResults, logs:StartQuery on arn:aws:logs:eu-west-1:123456789012:log-group:\/mas-prod\/cloudtrail, which the guide does not grant it/,
            (rs) =>
                allow(rs, "mas-agent", {
                    Sid: "Logs",
                    Effect: "Allow",
                    Action: ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"],
                    Resource: `${LOGS}*`,
                }),
        ],
        [
            "agents look up the account's API history",
            /\[RBAC-AGENT-PERMS\] agent \(3 roles\) can cloudtrail:LookupEvents on the account's CloudTrail event history, which the guide does not grant it/,
            (rs) =>
                allow(rs, "mas-agent", {
                    Sid: "Audit",
                    Effect: "Allow",
                    Action: "cloudtrail:LookupEvents",
                    Resource: "*",
                }),
        ],
        [
            "the monitoring agent reads the trail's configuration and log events (cloudtrail:Get*, logs:Get*)",
            /\[ACC-DATA-METRICS-WRITE\] monitoring_agent mas-prod-monitoring-agent can .*logs:GetLogRecord.* on arn:aws:logs:eu-west-1:123456789012:log-group:\/mas-prod\/cloudtrail, which the guide does not grant it/,
            (rs) =>
                allow(rs, "mas-monitoring-agent", {
                    Sid: "Read",
                    Effect: "Allow",
                    Action: ["logs:Get*", "cloudtrail:Get*"],
                    Resource: "*",
                }),
        ],
        [
            "the resource manager reads the trail and the event history",
            /\[ACC-RES-ALLOCATE\] resource_manager mas-prod-resource-manager can cloudtrail:LookupEvents on the account's CloudTrail event history/,
            (rs) =>
                allow(rs, "mas-resource-manager", {
                    Sid: "Trail",
                    Effect: "Allow",
                    Action: ["cloudtrail:GetTrail", "cloudtrail:LookupEvents"],
                    Resource: "*",
                }),
        ],
    ])("fails: %s", (_what, message, edit) => {
        expect(run(edit).some((m) => message.test(m))).toBe(true);
    });

    it.each<[string, (rs: RecordedResource[]) => void]>([
        ["the plan as built", () => {}],
        [
            "the operator reads the CloudTrail log group and the event history (view_logs)",
            (rs) =>
                allow(rs, "mas-operator", {
                    Sid: "ViewLogs",
                    Effect: "Allow",
                    Action: ["logs:GetLogEvents", "logs:FilterLogEvents", "cloudtrail:LookupEvents"],
                    Resource: "*",
                }),
        ],
        [
            "agents read every log group, but an extra statement denies it",
            (rs) => {
                allow(rs, "mas-agent", {
                    Sid: "Logs",
                    Effect: "Allow",
                    Action: "logs:GetLogEvents",
                    Resource: `${LOGS}*`,
                });
                allow(rs, "mas-agent", { Sid: "NoLogs", Effect: "Deny", Action: "logs:*", Resource: "*" });
            },
        ],
    ])("passes: %s", (_what, edit) => {
        expect(run(edit)).toEqual([]);
    });
});
