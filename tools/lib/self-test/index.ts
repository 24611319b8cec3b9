// The mutation self-test: for every infrastructure control, one change to a plan that breaks the control
// (a guide setting changed, or a resource that implements it removed), evaluated by the pack's own analyzer
// server (../analyzer.ts), the one way this project runs the pack. A control's break is caught when the mutated
// plan has a mandatory violation under that control and the untouched plan has none. The evidence records the
// mutation and the result per control; test/tools/evidence.test.ts requires every one to be caught on the prod
// plan (but the one prod does not build).
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { controls } from "../../../policy-pack/catalog";
import { allPolicies } from "../../../policy-pack/policies";
import { AnalyzerSession, Diagnostic, messageCache, PolicyConfigFile, Requests } from "../analyzer";
import { controlsOf, PACK_DIR, REPO_ROOT, toViolations, Violation } from "../audit";
import { writeTextAtomic } from "../files";
import { StateResource } from "../state";
import { identityMutations } from "./identity";
import { meshAndDataMutations } from "./mesh-and-data";
import { networkMutations } from "./network";
import { operationsMutations } from "./operations";
import { MutablePlan, Mutation } from "./plan";

export { MutablePlan } from "./plan";
export type { Mutation } from "./plan";

/** The pack's stack policies, read from its definitions (AnalyzeStack runs only these). */
const STACK_POLICIES = new Set(
    allPolicies
        .filter((p) => typeof (p as { validateStack?: unknown }).validateStack === "function")
        .map((p) => p.name),
);

/** One break per infrastructure control, written against the names the stack gives its resources. */
export const MUTATIONS: readonly Mutation[] = [
    ...networkMutations,
    ...identityMutations,
    ...meshAndDataMutations,
    ...operationsMutations,
];

export interface SelfTestResult {
    control: string;
    mutation: string;
    /** The mutated plan has a mandatory violation under the control, and the untouched plan none. */
    caught: boolean;
    /** Policies whose mandatory violations named the control (mutated plan). */
    reportedBy: string[];
    /** Why the mutation could not be applied (a resource it changes is not in this plan). */
    error?: string;
}

function mandatoryFor(violations: Violation[], control: string): Violation[] {
    return violations.filter((v) => v.enforcementLevel === "mandatory" && v.control.split(",").includes(control));
}

/**
 * Applies every mutation to its own copy of the plan and has the pack's server evaluate it; one result per
 * mutation, in the mutations' order. Each variant runs only the control's own policies (the only ones that can
 * report under it): the server is configured with the others disabled, Analyze runs on the resources the
 * mutation changed or added, and the untouched resources keep their Analyze results from the untouched plan (a
 * resource policy's result depends on the resource and its config alone); AnalyzeStack runs on the whole
 * variant. The variants are shared among one server per core.
 */
export async function runSelfTest(
    resources: StateResource[],
    policyConfig: PolicyConfigFile,
    opts: {
        stack: string;
        project: string;
        mutations?: readonly Mutation[];
        servers?: number;
        /** The untouched plan's diagnostics from an audit with the same policy config (AuditReport.diagnostics). */
        baseline?: { each: Diagnostic[][]; stack: Diagnostic[] };
    },
): Promise<SelfTestResult[]> {
    const mutations = opts.mutations ?? MUTATIONS;
    const count = Math.max(1, Math.min(opts.servers ?? os.availableParallelism(), mutations.length));
    const started = Array.from({ length: count }, () =>
        AnalyzerSession.acquire(PACK_DIR, { stack: opts.stack, project: opts.project }),
    );
    for (const s of started) {
        s.catch(() => undefined);
    }
    try {
        const sessions = await Promise.all(started);
        const info = await sessions[0].info();
        await Promise.all(sessions.map((s) => s.configure(info.policies, policyConfig, info.initialConfig)));
        const cache = messageCache();
        // The untouched plan's diagnostics: the caller's audit of it with the same config, or computed here.
        const requests = new Requests(resources, cache);
        const each = opts.baseline?.each ?? (await sessions[0].analyzeEach(resources, requests));
        const stack = opts.baseline?.stack ?? (await sessions[0].analyzeStack(resources, requests));
        const analyzed = new Map<StateResource, Diagnostic[]>(resources.map((r, i) => [r, each[i]]));
        const original = new Map(resources.map((r) => [r.urn, r]));
        const baseline = toViolations([...each.flat(), ...stack], info.policies);
        const results: SelfTestResult[] = new Array(mutations.length);
        let next = 0;
        const work = async (session: AnalyzerSession) => {
            for (let i = next++; i < mutations.length; i = next++) {
                const m = mutations[i];
                const plan = new MutablePlan(resources);
                try {
                    m.apply(plan);
                } catch (e) {
                    const error = (e as Error).message;
                    results[i] = { control: m.control, mutation: m.mutation, caught: false, reportedBy: [], error };
                    continue;
                }
                const variant = plan.commit();
                const own = new Set(info.policies.filter((p) => controlsOf(p).includes(m.control)).map((p) => p.name));
                await session.configure(info.policies, policyConfig, info.initialConfig, own);
                const variantRequests = new Requests(variant, cache);
                // Untouched: neither the resource nor its provider (Analyze sends the provider's inputs) changed.
                const byUrn = new Map(variant.map((r) => [r.urn, r]));
                const providerOf = (r: StateResource, plan: Map<string, StateResource>) =>
                    r.provider ? plan.get(r.provider.slice(0, r.provider.lastIndexOf("::"))) : undefined;
                const untouched = (r: StateResource) =>
                    analyzed.has(r) && providerOf(r, byUrn) === providerOf(r, original);
                const fresh = await session.analyzeEach(
                    variant.filter((r) => !untouched(r)),
                    variantRequests,
                );
                const diagnostics = [
                    ...variant.flatMap((r) =>
                        untouched(r) ? (analyzed.get(r) as Diagnostic[]).filter((d) => own.has(d.policy)) : [],
                    ),
                    ...fresh.flat(),
                    // Only stack policies report from AnalyzeStack: with none among the control's, it has nothing to say.
                    ...([...own].some((name) => STACK_POLICIES.has(name))
                        ? await session.analyzeStack(variant, variantRequests)
                        : []),
                ];
                const found = mandatoryFor(toViolations(diagnostics, info.policies), m.control);
                results[i] = {
                    control: m.control,
                    mutation: m.mutation,
                    caught: found.length > 0 && mandatoryFor(baseline, m.control).length === 0,
                    reportedBy: [...new Set(found.map((v) => v.policy))].sort(),
                };
            }
        };
        await Promise.all(sessions.map(work));
        return results;
    } finally {
        await Promise.all(started.map((s) => s.then((x) => x.release()).catch(() => undefined)));
    }
}

/** Where self-test results are kept, by what they depend on (as jest and Node keep their caches). */
const CACHE_DIR = path.join(REPO_ROOT, "node_modules", ".cache", "mas-self-test");

/** Every file whose content can change a self-test result: the pack, this file and the analyzer client. */
function codeFingerprint(): string {
    const hash = createHash("sha256");
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const file = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (e.name !== "node_modules") {
                    walk(file);
                }
            } else {
                hash.update(path.relative(REPO_ROOT, file)).update(fs.readFileSync(file));
            }
        }
    };
    walk(PACK_DIR);
    walk(__dirname);
    for (const f of [
        "tools/lib/analyzer.ts",
        "tools/lib/analyzer-messages.ts",
        "tools/lib/audit.ts",
        "package-lock.json",
    ]) {
        hash.update(f).update(fs.readFileSync(path.join(REPO_ROOT, f)));
    }
    return hash.digest("hex");
}

/**
 * runSelfTest with its results kept on disk by the sha256 of everything they depend on (the plan's resources,
 * the policy config, the stack and its config as the pack sees it, the mutations, the pack's and this tool's
 * code, the lockfile, the Node version): a
 * second evidence run on an unchanged plan and pack reuses them. Any change computes them afresh.
 */
export async function cachedSelfTest(
    resources: StateResource[],
    policyConfig: PolicyConfigFile,
    opts: { stack: string; project: string; baseline?: { each: Diagnostic[][]; stack: Diagnostic[] } },
): Promise<SelfTestResult[]> {
    const key = createHash("sha256")
        .update(
            // The pack also reads the stack's config (PULUMI_CONFIG, e.g. adminCidrs) and runs on this Node.
            JSON.stringify([
                resources,
                policyConfig,
                opts.stack,
                opts.project,
                process.env.PULUMI_CONFIG ?? "{}",
                process.version,
                MUTATIONS.map((m) => m.mutation),
            ]),
        )
        .update(codeFingerprint())
        .digest("hex");
    const file = path.join(CACHE_DIR, `${key}.json`);
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as SelfTestResult[];
    } catch {
        // Not computed yet (or unreadable): compute it.
    }
    const results = await runSelfTest(resources, policyConfig, opts);
    writeTextAtomic(file, JSON.stringify(results));
    return results;
}

/** Infrastructure controls of the catalog that have no mutation in the registry. */
export function controlsWithoutMutation(mutations: readonly Mutation[] = MUTATIONS): string[] {
    const covered = new Set(mutations.map((m) => m.control));
    return controls.filter((c) => c.how.kind === "infrastructure" && !covered.has(c.id)).map((c) => c.id);
}
