/**
 * Who starts a runbook, with what: an EventBridge rule's automation target, for each documented sample event the
 * rule matches, gives the document's parameters through its Input / InputPath / InputTransformer. A runbook is
 * judged on the branch that event takes, and the calls that decide the effect are judged by their inputs.
 */

import { PolicyResource } from "@pulumi/policy";
import { CARRIES_TRIGGER_ADDRESS, EFFECT_INPUTS } from "../../catalog/operations/procedure-actions";
import { EventSample } from "../../catalog/operations/samples";
import { StepCall } from "./automation";
import { targetMessage } from "./subscriptions";

/**
 * What an automation target passes for an event. An InputTransformer's JSON template keeps each value's JSON
 * type outside quotes (EventBridge "Transforming target input": a string is inserted quoted) and splices text
 * inside quotes; other target forms as targetMessage reads them.
 */
function automationInput(target: Rec, event: Rec): unknown {
    const t = obj(target.inputTransformer);
    const template = str(t.inputTemplate);
    if (typeof target.input === "string" || typeof target.inputPath === "string" || template === undefined) {
        return targetMessage(target, event);
    }
    if (!/^\s*[[{]/.test(template)) {
        return targetMessage(target, event);
    }
    const at = (path: string): unknown =>
        path
            .replace(/^\$\.?/, "")
            .split(".")
            .filter((k) => k !== "")
            .reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Rec)[k] : undefined), event);
    let text = template;
    for (const [k, path] of Object.entries(obj(t.inputPaths))) {
        const v = at(String(path));
        text = text
            .split(`"<${k}>"`)
            .join(JSON.stringify(typeof v === "string" ? v : JSON.stringify(v ?? null)))
            .split(`<${k}>`)
            .join(JSON.stringify(v ?? null));
    }
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const nameOf = (r: PolicyResource) => str(r.props.name) ?? r.name;

export interface Trigger {
    rule: PolicyResource;
    target: PolicyResource;
    sample: EventSample;
    /** Parameter values the target passes (an SSM target's lists give their first value). */
    supplied: Record<string, string>;
    /** Parameters the target passes that resolve to nothing (a path the event does not have). */
    empty: string[];
}

/** The automation document an EventBridge target starts (`...:automation-definition/<name>:<version>`). */
export const automationDocument = (arn: string) => /:automation-definition\/([^:/]+)/.exec(arn)?.[1];

/** Each (rule, target, sample event) that starts the document. `fires` says whether the rule matches a sample. */
export function triggersOf(
    docName: string,
    rules: PolicyResource[],
    targets: PolicyResource[],
    samples: EventSample[],
    fires: (rule: PolicyResource, s: EventSample) => boolean,
): Trigger[] {
    return targets
        .filter((t) => automationDocument(str(t.props.arn) ?? "") === docName)
        .flatMap((target) =>
            rules
                .filter(
                    (r) =>
                        nameOf(r) === target.props.rule &&
                        (r.props.eventBusName ?? "default") === (target.props.eventBusName ?? "default"),
                )
                .flatMap((rule) =>
                    samples
                        .filter((s) => fires(rule, s))
                        .map((sample) => {
                            const message = obj(automationInput(target.props, sample.event));
                            const supplied: Record<string, string> = {};
                            const empty: string[] = [];
                            for (const [k, v] of Object.entries(message)) {
                                const first = Array.isArray(v) ? (v as unknown[])[0] : v;
                                if (first === null || first === undefined || first === "" || first === "null") {
                                    empty.push(k);
                                } else {
                                    supplied[k] = typeof first === "string" ? first : JSON.stringify(first);
                                }
                            }
                            return { rule, target, sample, supplied, empty };
                        }),
                ),
        );
}

const IPV4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/;

/** The text of one call's arguments, `name(` ... matching `)`. */
function callArgs(script: string, method: string): string[] {
    const out: string[] = [];
    for (const m of script.matchAll(new RegExp(`\\.${method}\\(`, "g"))) {
        let depth = 1;
        let i = (m.index ?? 0) + m[0].length;
        const start = i;
        for (; i < script.length && depth > 0; i++) {
            depth += script[i] === "(" ? 1 : script[i] === ")" ? -1 : 0;
        }
        out.push(script.slice(start, i - 1));
    }
    return out;
}

/** One keyword argument's expression (up to the next top-level comma). */
function kwarg(args: string, key: string): string | undefined {
    const m = new RegExp(`\\b${key}\\s*=`).exec(args);
    if (!m) {
        return undefined;
    }
    let depth = 0;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < args.length; i++) {
        const c = args[i];
        if ("([{".includes(c)) depth++;
        else if (")]}".includes(c)) depth--;
        else if (c === "," && depth === 0) break;
    }
    return args.slice(start, i).trim();
}

/**
 * Names a script derives from the payload keys `seeds` (`x = ... event['k'] ...`, repeated to a fixed point):
 * what carries the trigger's value through the script.
 */
function tainted(script: string, seeds: string[]): (expr: string) => boolean {
    const names = new Set<string>();
    const fromSeed = (expr: string) =>
        seeds.some((k) => new RegExp(`event\\s*(?:\\[\\s*['"]${k}['"]|\\.get\\(\\s*['"]${k}['"])`).test(expr)) ||
        [...names].some((n) => new RegExp(`\\b${n}\\b`).test(expr));
    const assigns = [...script.matchAll(/^\s*(\w+)\s*\+?=\s*(.+)$/gm)].map((m) => [m[1], m[2]] as const);
    for (let changed = true; changed;) {
        changed = false;
        for (const [n, expr] of assigns) {
            if (!names.has(n) && fromSeed(expr)) {
                names.add(n);
                changed = true;
            }
        }
    }
    return fromSeed;
}

export interface EffectContext {
    trigger: Trigger;
    /** The raw step the call comes from (its Script and InputPayload for aws:executeScript). */
    step: Rec | undefined;
    /** IP sets a blocking rule of a web ACL associated with a load balancer references: id → name. */
    blockingIpSets: Map<string, string>;
}

/** Why a call that names a duty's action would not have the duty's effect for this trigger, or undefined. */
export function effectProblem(call: StepCall, ctx: EffectContext): string | undefined {
    const action = Object.keys({ ...EFFECT_INPUTS, ...CARRIES_TRIGGER_ADDRESS }).find(
        (a) => a.toLowerCase() === call.action.toLowerCase(),
    );
    if (!action) {
        return undefined;
    }
    for (const [input, want] of Object.entries(EFFECT_INPUTS[action] ?? {})) {
        const got = call.inputs[input];
        if (String(got ?? "").toLowerCase() !== want.toLowerCase()) {
            return `${call.action} with ${input} ${JSON.stringify(got ?? null)}, not ${want}`;
        }
    }
    if (action === "wafv2:UpdateIPSet") {
        const id = str(call.inputs.Id);
        if (!id || ctx.blockingIpSets.get(id) !== str(call.inputs.Name)) {
            return `${call.action} on IP set ${String(call.inputs.Name)} (${String(id)}), which no block rule of a web ACL on the load balancer references`;
        }
    }
    const carrier = CARRIES_TRIGGER_ADDRESS[action];
    const address = Object.values(ctx.trigger.supplied).find((v) => IPV4.test(v));
    if (carrier && address) {
        const ip = IPV4.exec(address)?.[1] ?? address;
        const inputs = obj(obj(ctx.step).inputs);
        if (ctx.step?.action === "aws:executeScript") {
            // The payload keys that carry the address, then what the script derives from them.
            const payload = obj(inputs.InputPayload);
            const seeds = Object.keys(call.inputs).filter(
                (k) => String(call.inputs[k]).includes(ip) && !String(payload[k] ?? "").includes(ip),
            );
            const carries = tainted(String(inputs.Script ?? ""), seeds);
            const method = action
                .split(":")[1]
                .replace(/([a-z])([A-Z])/g, "$1_$2")
                .replace(/IPSet/, "ip_set");
            const args = callArgs(String(inputs.Script ?? ""), method.toLowerCase());
            if (!args.some((a) => carries(kwarg(a, carrier) ?? ""))) {
                return `${call.action} whose ${carrier} does not take the trigger's address (${ip}): the call changes nothing`;
            }
        } else if (!JSON.stringify(call.inputs[carrier] ?? null).includes(ip)) {
            return `${call.action} whose ${carrier} (${JSON.stringify(call.inputs[carrier] ?? null)}) is not the trigger's address (${ip})`;
        }
    }
    return undefined;
}

/** IP set id → name for each IP set a Block rule of a web ACL associated with a load balancer references. */
export function blockingIpSets(rs: PolicyResource[]): Map<string, string> {
    const associated = new Set(
        rs
            .filter((r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation")
            .filter((r) => /:elasticloadbalancing:.*:loadbalancer\/app\//.test(str(r.props.resourceArn) ?? ""))
            .map((r) => str(r.props.webAclArn)),
    );
    const referenced = new Set(
        rs
            .filter((r) => r.type === "aws:wafv2/webAcl:WebAcl" && associated.has(str(r.props.arn)))
            .flatMap((acl) => (Array.isArray(acl.props.rules) ? (acl.props.rules as Rec[]) : []))
            .filter((rule) => obj(rule.action).block !== undefined)
            .map((rule) => str(obj(obj(rule.statement).ipSetReferenceStatement).arn)),
    );
    return new Map(
        rs
            .filter((r) => r.type === "aws:wafv2/ipSet:IpSet" && referenced.has(str(r.props.arn)))
            .map((r) => [str(r.props.id) ?? "", str(r.props.name) ?? ""] as const),
    );
}
