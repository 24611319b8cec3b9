import { eventMatches, snsFilterAdmits } from "../../../policy-pack/lib/detection/event-pattern";
import { compileFilterPattern, filterMatches } from "../../../policy-pack/lib/detection/filter-pattern";

const ev = (o: Record<string, unknown>) => JSON.stringify(o);

describe("CloudWatch Logs filter patterns", () => {
    it("JSON: equality, wildcards, && / || with parentheses", () => {
        const p = '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }';
        expect(filterMatches(p, ev({ eventName: "ConsoleLogin", errorMessage: "Failed authentication" }))).toBe(true);
        expect(filterMatches(p, ev({ eventName: "ConsoleLogin" }))).toBe(false);
        const q = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }';
        expect(filterMatches(q, ev({ errorCode: "Client.UnauthorizedOperation" }))).toBe(true);
        expect(filterMatches(q, ev({ errorCode: "AccessDeniedException" }))).toBe(true);
        expect(filterMatches(q, ev({ errorCode: "ThrottlingException" }))).toBe(false);
        expect(filterMatches(q, ev({}))).toBe(false);
    });
    it("JSON: nested selectors, arrays, numbers, != , IS NULL, NOT EXISTS, IS TRUE", () => {
        expect(filterMatches("{ $.a.b[1] = x }", ev({ a: { b: ["w", "x"] } }))).toBe(true);
        expect(filterMatches("{ $.n >= 3 && $.n < 10 }", ev({ n: 3 }))).toBe(true);
        expect(filterMatches("{ $.n >= 3 && $.n < 10 }", ev({ n: 10 }))).toBe(false);
        expect(filterMatches('{ $.code != "OK" }', ev({ code: "FAIL" }))).toBe(true);
        expect(filterMatches('{ $.code != "OK" }', ev({ code: "OK" }))).toBe(false);
        expect(filterMatches("{ $.x IS NULL }", ev({ x: null }))).toBe(true);
        expect(filterMatches("{ $.x NOT EXISTS }", ev({ y: 1 }))).toBe(true);
        expect(filterMatches("{ $.x NOT EXISTS }", ev({ x: 1 }))).toBe(false);
        expect(filterMatches("{ $.ok IS TRUE }", ev({ ok: true }))).toBe(true);
        expect(filterMatches("{ $.a = 1 }", "not json")).toBe(false);
    });
    it("terms: AND, quoted phrases, ?-OR, -exclusion, %regex%; the empty pattern matches all", () => {
        const line = 'level=warning msg="access denied" client="10.0.1.20"';
        expect(filterMatches('"access denied"', line)).toBe(true);
        expect(filterMatches('"access  denied"', line)).toBe(false);
        expect(filterMatches("level=warning denied", line)).toBe(true);
        expect(filterMatches("?ERROR ?denied", line)).toBe(true);
        expect(filterMatches("?ERROR ?FATAL", line)).toBe(false);
        expect(filterMatches('denied -"10.0.1.20"', line)).toBe(false);
        expect(filterMatches("%acc[e]ss%", line)).toBe(true);
        expect(filterMatches("", "anything")).toBe(true);
        expect(filterMatches("Denied", line)).toBe(false); // case-sensitive
    });
    it("refuses what it cannot read", () => {
        expect(() => compileFilterPattern("[ip, user=, ...]")).toThrow(/space-delimited/);
        expect(() => compileFilterPattern("[ip, bytes>many]")).toThrow(/needs a number/);
        expect(() => compileFilterPattern("{ $.a = }")).toThrow();
        expect(() => compileFilterPattern("{ a = 1 }")).toThrow(/selector/);
    });
});

describe("space-delimited filter patterns (VPC flow logs)", () => {
    const { eastWestPattern } =
        require("../../../policy-pack/catalog/operations/detection") as typeof import("../../../policy-pack/catalog/operations/detection");
    const flow = (src: string, dst: string, action = "ACCEPT") =>
        `2 123456789012 eni-0a1b2c3d ${src} ${dst} 44321 8443 6 12 4096 1733270400 1733270460 ${action} OK`;
    it("matches an accepted flow from the agent segment to the service segment, and nothing else", () => {
        const p = eastWestPattern("10.0.1.0/24", "10.0.2.0/24");
        expect(filterMatches(p, flow("10.0.1.17", "10.0.2.40"))).toBe(true);
        expect(filterMatches(p, flow("10.0.1.17", "10.0.2.40", "REJECT"))).toBe(false);
        expect(filterMatches(p, flow("10.0.2.40", "10.0.1.17"))).toBe(false);
        expect(filterMatches(p, flow("10.0.1.17", "8.8.8.8"))).toBe(false);
        expect(filterMatches(p, `${flow("10.0.1.17", "10.0.2.40")} extra`)).toBe(false);
    });
    it("reads ellipses, quoted and bracketed fields, numeric and OR conditions", () => {
        const line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534';
        expect(filterMatches("[ip, user, username, timestamp, request, status=4*, bytes>1000]", line)).toBe(true);
        expect(filterMatches("[..., status=404 || status=500, bytes]", line)).toBe(true);
        expect(filterMatches("[ip=10.*, ...]", line)).toBe(false);
        expect(filterMatches('[ip, user, username, timestamp, request="GET *", ...]', line)).toBe(true);
        expect(filterMatches("[..., bytes<1000]", line)).toBe(false);
    });
});

describe("EventBridge patterns and SNS filter policies", () => {
    const gd = {
        source: "aws.guardduty",
        "detail-type": "GuardDuty Finding",
        detail: { severity: 7.5, type: "Recon:EC2/Portscan", resource: { resourceType: "Instance" } },
    };
    it("exact values, nested objects, numeric ranges", () => {
        expect(eventMatches({ source: ["aws.guardduty"], detail: { severity: [{ numeric: [">=", 7] }] } }, gd)).toBe(
            true,
        );
        expect(eventMatches({ detail: { severity: [{ numeric: [">=", 4, "<", 7] }] } }, gd)).toBe(false);
        expect(eventMatches({ "detail-type": ["GuardDuty Findings"] }, gd)).toBe(false);
        expect(eventMatches({ detail: { resource: { resourceType: ["Instance", "AccessKey"] } } }, gd)).toBe(true);
    });
    it("prefix, suffix, equals-ignore-case, wildcard, anything-but, exists, cidr, $or", () => {
        expect(eventMatches({ detail: { type: [{ prefix: "Recon:" }] } }, gd)).toBe(true);
        expect(eventMatches({ detail: { type: [{ suffix: "Portscan" }] } }, gd)).toBe(true);
        expect(eventMatches({ detail: { type: [{ prefix: { "equals-ignore-case": "recon:" } }] } }, gd)).toBe(true);
        expect(eventMatches({ source: [{ "equals-ignore-case": "AWS.GuardDuty" }] }, gd)).toBe(true);
        expect(eventMatches({ detail: { type: [{ wildcard: "Recon:*/Port*" }] } }, gd)).toBe(true);
        expect(eventMatches({ source: [{ "anything-but": ["aws.guardduty"] }] }, gd)).toBe(false);
        expect(eventMatches({ detail: { type: [{ "anything-but": { prefix: "Policy:" } }] } }, gd)).toBe(true);
        expect(eventMatches({ detail: { id: [{ exists: false }] } }, gd)).toBe(true);
        expect(eventMatches({ detail: { type: [{ exists: true }] } }, gd)).toBe(true);
        expect(eventMatches({ ip: [{ cidr: "10.0.0.0/16" }] }, { ip: "10.0.3.9" })).toBe(true);
        expect(eventMatches({ ip: [{ cidr: "10.0.0.0/16" }] }, { ip: "10.1.3.9" })).toBe(false);
        expect(eventMatches({ $or: [{ source: ["aws.macie"] }, { detail: { severity: [7.5] } }] }, gd)).toBe(true);
    });
    it("matches any element of an array (Security Hub findings)", () => {
        const sh = { detail: { findings: [{ Severity: { Label: "LOW" } }, { Severity: { Label: "HIGH" } }] } };
        expect(eventMatches({ detail: { findings: { Severity: { Label: ["HIGH"] } } } }, sh)).toBe(true);
        expect(eventMatches({ detail: { findings: { Severity: { Label: ["MEDIUM"] } } } }, sh)).toBe(false);
    });
    it("SNS: no policy admits all; MessageAttributes scope sees no attributes on alarm and EventBridge messages", () => {
        const msg = { body: { AlarmName: "a", NewStateValue: "ALARM" }, attributes: {} };
        expect(snsFilterAdmits(undefined, undefined, msg)).toBe(true);
        expect(snsFilterAdmits('{"severity":["high"]}', undefined, msg)).toBe(false);
        expect(snsFilterAdmits('{"NewStateValue":["ALARM"]}', "MessageBody", msg)).toBe(true);
        expect(snsFilterAdmits('{"NewStateValue":["OK"]}', "MessageBody", msg)).toBe(false);
        expect(snsFilterAdmits('{"severity":[{"exists":false}]}', "MessageAttributes", msg)).toBe(true);
    });
});
