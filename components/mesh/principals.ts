/**
 * The guide names mesh identities as `agent.<type>.*` (e.g. `agent.task-executor.*`). In Istio an identity is
 * the workload's SPIFFE principal `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`, and a string match may
 * only be exact, a prefix (`abc*`), a suffix (`*abc`) or `*`. These helpers translate one into the other.
 */

const GUIDE_PRINCIPAL = /^agent\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.\*$/;

/** The agent type a guide principal names: `agent.task-executor.*` → `task-executor`. */
export function agentTypeOf(guidePrincipal: string): string {
    const m = GUIDE_PRINCIPAL.exec(guidePrincipal);
    if (!m) {
        throw new Error(`expected a guide principal of the form agent.<type>.*, got ${JSON.stringify(guidePrincipal)}`);
    }
    return m[1];
}

/**
 * Configured agents of a type: every agent whose name starts with the type (`task-executor`,
 * `task-executor-gpu`, ... are task executors; `coordinator` is the coordinator).
 */
export function agentsOfType(type: string, agents: string[]): string[] {
    return agents.filter((a) => a.startsWith(type)).sort();
}

/**
 * Istio source principals for a guide principal: for each agent of the type, its service account in its
 * namespace — exactly `<agent>` and any `<agent>-<instance>` (a suffix wildcard; Istio has no middle ones).
 */
export function istioPrincipals(
    guidePrincipal: string,
    agents: string[],
    trustDomain: string,
    namespaceOf: (agent: string) => string,
): string[] {
    return agentsOfType(agentTypeOf(guidePrincipal), agents).flatMap((agent) => {
        const base = `${trustDomain}/ns/${namespaceOf(agent)}/sa/${agent}`;
        return [base, `${base}-*`];
    });
}
