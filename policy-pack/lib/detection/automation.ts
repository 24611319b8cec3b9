/**
 * What an SSM Automation document (schemaVersion 0.3, JSON or YAML-free JSON content) does: the API actions
 * its reachable steps call, with the step that calls each and its inputs. Reachability follows the AWS
 * Systems Manager "Automation actions reference": steps run in order unless `nextStep` says otherwise, stop
 * at `isEnd`, aws:branch goes to its Choices' NextStep or Default, `onFailure: step:X` may jump to X; steps
 * of aws:loop run too. aws:executeScript calls are read from the script's boto3 clients (`x =
 * boto3.client('svc')` then `x.method(`).
 */

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const objs = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(obj) : []);

export interface StepCall {
    step: string;
    /** service:Api, e.g. ec2:ModifyNetworkInterfaceAttribute (service as IAM names it). */
    action: string;
    inputs: Rec;
    /** A script's call through a boto3 paginator (directly, or by a helper that uses one): every page is read. */
    paginated?: boolean;
}

/** SSM's Service names that differ from the IAM prefix. */
const IAM_PREFIX: Record<string, string> = { accessanalyzer: "access-analyzer", "cognito-idp": "cognito-idp" };
const prefix = (service: string) => IAM_PREFIX[service.toLowerCase()] ?? service.toLowerCase();
const pascal = (snake: string) => snake.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase());

/** Actions of one step (not recursing into loops). */
export function stepActions(step: Rec): { action: string; inputs: Rec }[] {
    const inputs = obj(step.inputs);
    switch (step.action) {
        case "aws:executeAwsApi":
        case "aws:waitForAwsResourceProperty":
        case "aws:assertAwsResourceProperty":
            return typeof inputs.Service === "string" && typeof inputs.Api === "string"
                ? [{ action: `${prefix(inputs.Service)}:${inputs.Api}`, inputs }]
                : [];
        case "aws:createTags":
            return [{ action: "ec2:CreateTags", inputs }];
        case "aws:runCommand":
            return [{ action: "ssm:SendCommand", inputs }];
        case "aws:changeInstanceState":
            return [{ action: `ec2:${String(inputs.DesiredState) === "running" ? "Start" : "Stop"}Instances`, inputs }];
        case "aws:executeScript": {
            const script = reachableScript(
                typeof inputs.Script === "string" ? inputs.Script : "",
                typeof inputs.Handler === "string" ? inputs.Handler : "handler",
            );
            const call = (service: string, op: string, paginated = false) => ({
                action: `${prefix(service)}:${pascal(op)}`,
                inputs: obj(inputs.InputPayload),
                paginated,
            });
            // A helper paginates when its own body calls get_paginator (pages(x, "op") in the stack's scripts).
            const paginates = (helper: string | undefined) =>
                !!helper &&
                (script.split(/\n(?=\S)/).find((b) => new RegExp(`^def\\s+${helper}\\s*\\(`).test(b)) ?? "").includes(
                    ".get_paginator(",
                );
            const clients = [...script.matchAll(/(\w+)\s*=\s*boto3\.client\(\s*['"]([\w-]+)['"]/g)];
            return [
                ...clients.flatMap(([, v, service]) => [
                    // x.method(...), but the paginator plumbing itself: one page
                    ...[...script.matchAll(new RegExp(`\\b${v}\\.([a-z_0-9]+)\\(`, "g"))]
                        .filter((m) => !PAGINATION.has(m[1]))
                        .map((m) => call(service, m[1])),
                    // x.get_paginator("op"), or a helper given the client and the operation: pages(x, "op", ...)
                    ...[
                        ...script.matchAll(
                            new RegExp(`\\b${v}\\s*(?:\\.get_paginator\\(|,)\\s*['"]([a-z_0-9]+)['"]`, "g"),
                        ),
                    ].map((m) =>
                        call(
                            service,
                            m[1],
                            m[0].includes(".get_paginator(") ||
                                paginates(/(\w+)\(\s*$/.exec(script.slice(0, m.index))?.[1]),
                        ),
                    ),
                ]),
                // boto3.client("svc").method(...)
                ...[...script.matchAll(/boto3\.client\(\s*['"]([\w-]+)['"][^)]*\)\.([a-z_0-9]+)\(/g)].map((m) =>
                    call(m[1], m[2]),
                ),
            ];
        }
        default:
            return [];
    }
}

/** Steps reachable from the first one, in document order. */
function reachable(steps: Rec[]): Rec[] {
    const index = new Map(steps.map((s, i) => [String(s.name), i] as const));
    const seen = new Set<number>();
    const todo = steps.length > 0 ? [0] : [];
    while (todo.length > 0) {
        const i = todo.pop() as number;
        if (seen.has(i) || i >= steps.length) {
            continue;
        }
        seen.add(i);
        const s = steps[i];
        const go = (name: unknown) => {
            const j = index.get(String(name));
            if (j !== undefined) {
                todo.push(j);
            }
        };
        const failure = typeof s.onFailure === "string" ? /^step:(.+)$/.exec(s.onFailure)?.[1] : undefined;
        if (failure) {
            go(failure);
        }
        if (s.action === "aws:branch") {
            const inputs = obj(s.inputs);
            objs(inputs.Choices).forEach((c) => go(c.NextStep));
            if (inputs.Default !== undefined) {
                go(inputs.Default);
            }
            continue;
        }
        if (s.isEnd === true) {
            continue;
        }
        if (typeof s.nextStep === "string") {
            go(s.nextStep);
        } else {
            todo.push(i + 1);
        }
    }
    return steps.filter((_s, i) => seen.has(i));
}

/** Every API call the document's reachable steps make (loops included); undefined: not a readable document. */
export function documentCalls(content: unknown): StepCall[] | undefined {
    let doc: Rec;
    try {
        doc = obj(typeof content === "string" ? JSON.parse(content) : content);
    } catch {
        return undefined;
    }
    if (!Array.isArray(doc.mainSteps)) {
        return undefined;
    }
    const walk = (steps: Rec[]): StepCall[] =>
        reachable(steps).flatMap((s) => [
            ...stepActions(s).map((a) => ({ step: String(s.name), ...a })),
            ...(s.action === "aws:loop" ? walk(objs(obj(s.inputs).Steps)) : []),
        ]);
    return walk(objs(doc.mainSteps));
}

/** boto3's paginator plumbing: not API actions. */
const PAGINATION = new Set(["get_paginator", "paginate", "can_paginate", "close"]);

/**
 * The parts of a Python script its handler can reach: the top-level functions the handler calls, directly or
 * through others (a helper defined but never called does nothing), plus top-level statements. Without a `def` of
 * the handler the whole script counts.
 */
export function reachableScript(script: string, handler: string): string {
    const defs = new Map<string, string>();
    const other: string[] = [];
    const blocks = script.split(/\n(?=\S)/);
    for (const block of blocks) {
        const m = /^def\s+(\w+)\s*\(/.exec(block);
        if (m) {
            defs.set(m[1], block);
        } else {
            other.push(block);
        }
    }
    if (!defs.has(handler)) {
        return script;
    }
    const seen = new Set<string>();
    const todo = [handler];
    while (todo.length > 0) {
        const name = todo.pop() as string;
        if (seen.has(name)) {
            continue;
        }
        seen.add(name);
        for (const m of (defs.get(name) ?? "").matchAll(/\b(\w+)\s*\(/g)) {
            if (defs.has(m[1]) && !seen.has(m[1])) {
                todo.push(m[1]);
            }
        }
    }
    return [...other.filter((b) => !/^(import|from)\b/.test(b)), ...[...seen].map((n) => defs.get(n))].join("\n");
}
