// Response and audit procedures do what the guide lists: each runbook / report document's reachable steps
// call the API actions of every guide item it serves (a step removed, cut off by isEnd / a branch, or replaced
// by a no-op fails), reports deliver what they read, and isolation attaches only the quarantine group.

import { PolicyResource } from "@pulumi/policy";
import { INCIDENT_RESPONSE_TAG, ReportKey, REPORTS, reportSlug, RunbookKey, RUNBOOKS } from "../catalog/operations";
import { Duty, NOTIFY_SEVERITY, REPORT_DUTIES, RUNBOOK_DUTIES } from "../catalog/operations/procedure-actions";
import { EVENT_SAMPLES } from "../catalog/operations/samples";
import { CADENCE, START_AUTOMATION_TARGET } from "../catalog/operations/cadence";
import { documentCalls, StepCall } from "../lib/detection/automation";
import { eventMatches, snsFilterAdmits } from "../lib/detection/event-pattern";
import { pathsFor, readDocument } from "../lib/detection/runbook-path";
import { blockingIpSets, effectProblem, triggersOf } from "../lib/detection/runbook-triggers";
import { subscriptionProblem } from "../lib/detection/subscriptions";
import { asArray, asObject, asString, stackPolicy } from "./lib";

const DOCUMENT = "aws:ssm/document:Document";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

const tags = (r: PolicyResource): Record<string, string> =>
    ({ ...asObject(r.props.tagsAll), ...asObject(r.props.tags) }) as Record<string, string>;
const nameOf = (r: PolicyResource) => asString(r.props.name) ?? r.name;

/** Does the call do the duty? Actions compare case-insensitively, as IAM's do (boto3's update_ip_set is UpdateIPSet). */
const does = (d: Duty, c: StepCall) => d.actions.some((a) => a.toLowerCase() === c.action.toLowerCase());

/** Duties no reachable step does. */
function undone(calls: StepCall[], duties: Duty[]): Duty[] {
    return duties.filter((d) => !calls.some((c) => does(d, c)));
}

/** A script that catches an exception without raising again (`except ...: pass`) hides a failed read. */
function swallows(script: string): boolean {
    const lines = script.split("\n");
    return lines.some((line, i) => {
        const m = /^(\s*)except\b[^:]*:(.*)$/.exec(line);
        if (!m) {
            return false;
        }
        const body = [m[2]];
        for (let j = i + 1; j < lines.length; j++) {
            const indent = /^(\s*)\S/.exec(lines[j])?.[1].length;
            if (indent === undefined) {
                continue;
            }
            if (indent <= m[1].length) {
                break;
            }
            body.push(lines[j]);
        }
        return !body.some((b) => /\braise\b/.test(b));
    });
}

/** Steps of a report that let a failure pass: onFailure Continue, isCritical false, or a script that swallows. */
function quietFailures(content: unknown): string[] {
    let steps: Record<string, unknown>[] = [];
    try {
        const doc = (typeof content === "string" ? JSON.parse(content) : content) as { mainSteps?: unknown };
        steps = Array.isArray(doc?.mainSteps) ? (doc.mainSteps as Record<string, unknown>[]) : [];
    } catch {
        return [];
    }
    return steps.flatMap((s) => {
        const name = String(s.name);
        const inputs = asObject(s.inputs);
        return [
            ...(s.onFailure === "Continue" ? [`continues past a failed step ${name} (onFailure Continue)`] : []),
            ...(s.isCritical === false ? [`marks step ${name} not critical (isCritical false)`] : []),
            ...(s.action === "aws:executeScript" && swallows(asString(inputs.Script) ?? "")
                ? [`step ${name} catches an error without raising it again`]
                : []),
        ];
    });
}

/** The DocumentName a startAutomationExecution schedule's input names. */
function documentNameOf(input: unknown): string | undefined {
    try {
        return asString(asObject(JSON.parse(String(input))).DocumentName);
    } catch {
        return undefined;
    }
}

interface TriggerContext {
    rules: PolicyResource[];
    targets: PolicyResource[];
    ipSets: Map<string, string>;
}

function triggerContext(rs: PolicyResource[]): TriggerContext {
    return {
        rules: rs.filter((r) => r.type === RULE && r.props.state !== "DISABLED" && asString(r.props.eventPattern)),
        targets: rs.filter((r) => r.type === TARGET),
        ipSets: blockingIpSets(rs),
    };
}

/**
 * A runbook an EventBridge rule starts is judged per trigger: for each documented sample event the rule
 * matches, the parameters its target passes must resolve (non-empty, the document's allowedPattern), and on
 * every way through the document that event takes, a step must do each duty with its effect (EFFECT_INPUTS,
 * the blocked address, the IP set the load balancer's web ACL blocks). Another branch doing it is not enough.
 */
function triggerProblems(doc: PolicyResource, duties: Duty[], ctx: TriggerContext): string[] {
    const model = readDocument(doc.props.content);
    if (!model) {
        return [];
    }
    const fires = (rule: PolicyResource, s: (typeof EVENT_SAMPLES)[number]) => {
        try {
            return eventMatches(JSON.parse(asString(rule.props.eventPattern) ?? ""), s.event);
        } catch {
            return false;
        }
    };
    const stepsByName = new Map<string, Record<string, unknown>>();
    const index = (steps: unknown) =>
        asArray(steps as Record<string, unknown>[]).forEach((s) => {
            stepsByName.set(String(s.name), s);
            index(asObject(s.inputs).Steps);
        });
    index(model.mainSteps);
    const out = new Set<string>();
    for (const t of triggersOf(nameOf(doc), ctx.rules, ctx.targets, EVENT_SAMPLES, fires)) {
        const by = `started by rule ${nameOf(t.rule)} for ${t.sample.what}`;
        for (const k of t.empty) {
            out.add(
                `${by} gets an empty ${k}: target ${nameOf(t.target)}'s input path resolves to nothing in the event`,
            );
        }
        for (const [k, p] of Object.entries(model.parameters)) {
            const v = t.supplied[k];
            if (v === undefined && p.default === undefined && !t.empty.includes(k)) {
                out.add(`${by} is not given its required parameter ${k} by target ${nameOf(t.target)}`);
            } else if (v !== undefined && p.allowedPattern && !safeTest(p.allowedPattern, v)) {
                out.add(`${by} gets ${k} ${JSON.stringify(v)}, which its allowedPattern ${p.allowedPattern} refuses`);
            }
        }
        for (const path of pathsFor(model, t.supplied)) {
            for (const d of duties) {
                const doing = path.filter((c) => does(d, c));
                const problems = doing.map((c) =>
                    effectProblem(c, { trigger: t, step: stepsByName.get(c.step), blockingIpSets: ctx.ipSets }),
                );
                if (doing.length === 0) {
                    out.add(
                        `${by} does not ${d.item} on the branch that event takes: no step on it calls ${d.actions.join(" or ")} (steps run: ${[...new Set(path.map((c) => `${c.step} ${c.action}`))].join(", ") || "none"})`,
                    );
                } else if (problems.every((p) => p !== undefined)) {
                    problems.forEach((p) => out.add(`${by} does not ${d.item}: ${String(p)}`));
                }
            }
        }
    }
    return [...out];
}

function safeTest(pattern: string, value: string): boolean {
    try {
        return new RegExp(pattern).test(value);
    } catch {
        return true;
    }
}

export const proceduresDoTheirSteps = stackPolicy({
    name: "operations-procedures-do-their-steps",
    description:
        "Each incident-response runbook and each routine / audit report runbook does every guide item it serves, judged by the API actions its reachable steps call (aws:executeAwsApi Service/Api, boto3 calls in scripts, aws:createTags, loops and branches followed): a step removed, made unreachable or replaced by a no-op fails; a report publishes the result of every query it runs, reads the content its scope lists (catalog procedure-actions: trust policies, access entries, RBAC changes, Cognito groups, every page of CloudTrail) and stops on a failed read (no onFailure Continue, isCritical false or swallowed exception); isolation attaches only the quarantine security group.",
    controls: [
        ...new Set([
            ...Object.values(RUNBOOKS).map((r) => r.control),
            ...Object.values(REPORTS).flatMap((r) => r.controls),
        ]),
    ],
    severity: "high",
    validate: (args, report) => {
        const docs = args.resources.filter((r) => r.type === DOCUMENT);
        const quarantine = new Set(
            args.resources
                .filter((r) => r.type === SG && tags(r)[INCIDENT_RESPONSE_TAG] === "isolate_systems")
                .map((r) => asString(r.props.id) ?? ""),
        );
        // Whatever a procedure publishes must reach a reader: a topic of the stack with a subscription on a real alert
        // channel whose filter policy admits the message (a runbook's message carries no attributes).
        const topics = new Map(
            args.resources.filter((r) => r.type === TOPIC).map((t) => [asString(t.props.arn), t] as const),
        );
        const subscriptions = args.resources.filter((r) => r.type === SUBSCRIPTION);
        const unread = (calls: StepCall[], severity?: string): string[] =>
            calls
                .filter((c) => c.action.toLowerCase() === "sns:publish")
                .map((c) => String(c.inputs.TopicArn ?? ""))
                .filter((arn) => !arn.includes("{{"))
                .filter((arn) => {
                    const topic = topics.get(arn);
                    const read = subscriptions.some((sub) => {
                        try {
                            return (
                                sub.props.topic === arn &&
                                subscriptionProblem(sub.props) === undefined &&
                                snsFilterAdmits(sub.props.filterPolicy, sub.props.filterPolicyScope, {
                                    body: {},
                                    attributes: {},
                                })
                            );
                        } catch {
                            return false;
                        }
                    });
                    return !topic || !read || (severity !== undefined && tags(topic)["severity"] !== severity);
                });
        const ctx = triggerContext(args.resources);
        for (const key of Object.keys(RUNBOOKS) as RunbookKey[]) {
            const rb = RUNBOOKS[key];
            const doc = docs.find((d) => tags(d)[INCIDENT_RESPONSE_TAG] === rb.step);
            if (!doc) {
                continue; // operations-incident-automation reports a missing runbook
            }
            const calls = documentCalls(doc.props.content);
            if (!calls) {
                report(`[${rb.control}] runbook ${nameOf(doc)} has no readable mainSteps`, doc.urn);
                continue;
            }
            for (const d of undone(calls, RUNBOOK_DUTIES[key])) {
                report(
                    `[${rb.control}] runbook ${nameOf(doc)} does not ${d.item}: no reachable step calls ${d.actions.join(" or ")}`,
                    doc.urn,
                );
            }
            for (const m of triggerProblems(doc, RUNBOOK_DUTIES[key], ctx)) {
                report(`[${rb.control}] runbook ${nameOf(doc)} ${m}`, doc.urn);
            }
            for (const arn of unread(calls, key === "notifyStakeholders" ? NOTIFY_SEVERITY : undefined)) {
                report(
                    `[${rb.control}] runbook ${nameOf(doc)} publishes to ${arn}, which is not a${key === "notifyStakeholders" ? ` ${NOTIFY_SEVERITY}-severity` : ""} topic of the stack with a subscription that admits it`,
                    doc.urn,
                );
            }
            if (key === "isolateSystems" && quarantine.size > 0) {
                for (const c of calls.filter((x) => does(RUNBOOK_DUTIES.isolateSystems[0], x))) {
                    const groups = asArray(c.inputs.Groups as string[]);
                    if (groups.length === 0 || groups.some((g) => !quarantine.has(g))) {
                        report(
                            `[${rb.control}] runbook ${nameOf(doc)} step ${c.step} attaches ${groups.join(", ") || "no group"}, not only the quarantine security group`,
                            doc.urn,
                        );
                    }
                }
            }
        }
        const schedules = args.resources.filter((r) => r.type === SCHEDULE);
        for (const key of Object.keys(REPORTS) as ReportKey[]) {
            const doc = docs.find((d) => nameOf(d).endsWith(`-${reportSlug(key)}`));
            if (!doc) {
                continue; // operations-routine-schedules reports a missing report
            }
            const each = (message: string) =>
                REPORTS[key].controls.forEach((c) => report(`[${c}] ${message}`, doc.urn));
            // The schedule of its own cadence starts this very document (by DocumentName), or its items never run.
            const cadence = REPORTS[key].cadence;
            const started = schedules.filter(
                (s) =>
                    s.props.state !== "DISABLED" &&
                    s.props.scheduleExpression === CADENCE[cadence] &&
                    asObject(s.props.target).arn === START_AUTOMATION_TARGET &&
                    documentNameOf(asObject(s.props.target).input) === nameOf(doc),
            );
            // (No schedule at all: operations-routine-schedules reports it.)
            if (schedules.length > 0 && started.length === 0) {
                const others = schedules
                    .filter((s) => documentNameOf(asObject(s.props.target).input) === nameOf(doc))
                    .map((s) => `${nameOf(s)} (${String(s.props.scheduleExpression)})`);
                each(
                    `report ${nameOf(doc)} is started by no enabled ${cadence} schedule (${CADENCE[cadence]}) whose input DocumentName is ${nameOf(doc)}${others.length > 0 ? `; started only by ${others.join(", ")}` : ""}`,
                );
            }
            const calls = documentCalls(doc.props.content);
            if (!calls) {
                each(`report ${nameOf(doc)} has no readable mainSteps`);
                continue;
            }
            const notDone = undone(calls, REPORT_DUTIES[key]);
            for (const d of notDone) {
                each(`report ${nameOf(doc)} does not ${d.item}: no reachable step calls ${d.actions.join(" or ")}`);
            }
            // The content the guide's scope needs, every page of it: a report that lists names passes nothing.
            for (const d of REPORT_DUTIES[key].filter((x) => !notDone.includes(x))) {
                for (const r of d.reads ?? []) {
                    const reading = calls.filter((c) =>
                        r.actions.some((a) => a.toLowerCase() === c.action.toLowerCase()),
                    );
                    if (reading.length === 0) {
                        each(
                            `report ${nameOf(doc)} does not read ${r.what} for ${d.item}: no reachable step calls ${r.actions.join(" or ")}`,
                        );
                    } else if (r.paginated && !reading.some((c) => c.paginated)) {
                        each(
                            `report ${nameOf(doc)} reads ${r.what} for ${d.item} one page only: ${r.actions.join(" / ")} is not called through a paginator`,
                        );
                    }
                }
            }
            for (const problem of quietFailures(doc.props.content)) {
                each(`report ${nameOf(doc)} ${problem}: a failed read would publish as a complete report`);
            }
            for (const arn of unread(calls)) {
                each(
                    `report ${nameOf(doc)} publishes to ${arn}, which is not a topic of the stack with a subscription that admits it`,
                );
            }
            // What it reads must reach the reader: the published message refers to each query's output.
            const message = calls
                .filter((c) => c.action.toLowerCase() === "sns:publish")
                .map((c) => String(c.inputs.Message ?? ""))
                .join("\n");
            for (const d of REPORT_DUTIES[key].filter((x) => !x.actions.includes("sns:Publish"))) {
                const steps = calls.filter((c) => does(d, c)).map((c) => c.step);
                if (steps.length > 0 && !steps.some((s) => new RegExp(`\\{\\{\\s*${s}\\.`).test(message))) {
                    each(`report ${nameOf(doc)} reads ${d.item} (${steps.join(", ")}) but does not publish it`);
                }
            }
        }
    },
});

export const procedurePolicies = [proceduresDoTheirSteps];
