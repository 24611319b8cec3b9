// What the pack knows of a stack's role and, on an agent stack, of its platform: the platform's facts come from
// the `pulumi:pulumi:StackReference` resource in the agent stack's own state (its outputs hold every output of
// the platform stack, the `agentPlatform` contract among them), as the engine hands it to a pack. So an audit of
// an agent stack's plan or export needs no other file. The program's side: components/platform/contract.ts.

import type { PolicyResource } from "@pulumi/policy";
import { isCidr } from "./cidr";
import { configValue } from "./stack-config";

export const STACK_REFERENCE = "pulumi:pulumi:StackReference";
/** The platform output holding the contract, and the contract version this pack reads. */
export const CONTRACT_OUTPUT = "agentPlatform";
export const CONTRACT_VERSION = 1;
/** The least contract minor version this pack reads (same major; a newer minor only adds fields). */
export const CONTRACT_MINOR_REQUIRED = 0;

/** A platform stack builds the shared estate; an agent stack only the per-agent parts of its agents. */
export type StackRole = "platform" | "agents";

/** The facts of the contract the pack uses (the program validates the whole contract with its schema). */
export interface PlatformFacts {
    project: string;
    stack: string;
    environment: string;
    account: string;
    namePrefix: string;
    cluster: {
        name: string;
        agentClusterRole: string;
        resourceManagerAllocate: { clusterRole: string; group: string };
        agentPriorityLevel: string;
    };
    mesh: { trustDomain: string; rootNamespace: string };
    identity: { permissionsBoundaryArn: string; agentPolicyArn: string };
    data: { payloadKeyArn: string; payloadSecretArn: string };
    network: {
        vpcCidr: string;
        segments: { agent: string; service: string; management: string };
        serviceSubnetCidrs: string[];
    };
    agents: string[];
}

/** An agent stack's view of its platform: the contract, or why it has none. */
export interface PlatformView {
    facts?: PlatformFacts;
    /** Why the facts are missing (no reference, no contract, wrong version, a field missing). */
    problem?: string;
    /** The StackReference resource the facts came from. */
    urn?: string;
    /** The platform stack the reference names. */
    platformStack?: string;
}

const obj = (v: unknown): Record<string, unknown> =>
    v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const isStr = (v: unknown): v is string => typeof v === "string" && v !== "";

function rootSettings(resources: readonly PolicyResource[]): Record<string, unknown> {
    return obj(resources.find((r) => r.type === "pulumi:pulumi:Stack")?.props?.stackSettings);
}

/** The contract output of a StackReference's props (`{name, outputs: {...}}`), if it carries one. */
function contractOf(ref: PolicyResource): unknown {
    return obj(ref.props.outputs)[CONTRACT_OUTPUT];
}

const roleCache = new WeakMap<readonly PolicyResource[], StackRole>();

/**
 * The stack's role: an agent stack when its config sets platformStack (as `pulumi preview --policy-pack` hands
 * it) or its root stack's stackSettings output says role agents. Only a state with no stackSettings at all falls
 * back to "references a platform's contract": a platform stack may hold a StackReference of its own (to a
 * landing zone, or even another platform) and must keep its firewall, WAF and detection checks.
 */
export function stackRole(resources: readonly PolicyResource[]): StackRole {
    const known = roleCache.get(resources);
    if (known) {
        return known;
    }
    const settings = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.props?.stackSettings;
    const agents =
        isStr(configValue("platformStack")) ||
        (settings !== undefined
            ? rootSettings(resources).role === "agents"
            : resources.some((r) => r.type === STACK_REFERENCE && contractOf(r) !== undefined));
    const role: StackRole = agents ? "agents" : "platform";
    roleCache.set(resources, role);
    return role;
}

/** The fields the pack reads, checked: the first one missing or mistyped, else undefined. */
function missingField(c: Record<string, unknown>): string | undefined {
    const strings = [
        "project",
        "stack",
        "environment",
        "account",
        "namePrefix",
        "cluster.name",
        "cluster.agentClusterRole",
        "cluster.resourceManagerAllocate.clusterRole",
        "cluster.resourceManagerAllocate.group",
        "cluster.agentPriorityLevel",
        "mesh.trustDomain",
        "mesh.rootNamespace",
        "identity.permissionsBoundaryArn",
        "identity.agentPolicyArn",
        "data.payloadKeyArn",
        "data.payloadSecretArn",
        "network.vpcCidr",
        "network.segments.agent",
        "network.segments.service",
        "network.segments.management",
    ];
    const at = (path: string) => path.split(".").reduce<unknown>((v, k) => obj(v)[k], c);
    const bad = strings.find((p) => !isStr(at(p)));
    if (bad) {
        return bad;
    }
    for (const p of ["network.serviceSubnetCidrs", "agents"]) {
        const v = at(p);
        if (!Array.isArray(v) || !v.every(isStr)) {
            return p;
        }
    }
    // The address plan feeds CIDR arithmetic in the network checks: a garbled one is a contract problem.
    const cidrs = [
        "network.vpcCidr",
        "network.segments.agent",
        "network.segments.service",
        "network.segments.management",
    ];
    const garbled = cidrs.find((p) => !isCidr(String(at(p))));
    if (garbled) {
        return `${garbled} as an IPv4 CIDR`;
    }
    const subnets = at("network.serviceSubnetCidrs") as string[];
    return subnets.length === 0 || !subnets.every(isCidr) ? "network.serviceSubnetCidrs as IPv4 CIDRs" : undefined;
}

const viewCache = new WeakMap<readonly PolicyResource[], PlatformView>();

/** On an agent stack: the platform's facts from its StackReference, or the problem that keeps them out. */
export function platformView(resources: readonly PolicyResource[]): PlatformView {
    const known = viewCache.get(resources);
    if (known) {
        return known;
    }
    const view = readView(resources);
    viewCache.set(resources, view);
    return view;
}

function readView(resources: readonly PolicyResource[]): PlatformView {
    const named = configValue("platformStack") ?? rootSettings(resources).platformStack;
    const platformStack = isStr(named) ? named : undefined;
    const refs = resources.filter((r) => r.type === STACK_REFERENCE);
    const ref =
        refs.find((r) => platformStack !== undefined && r.props.name === platformStack) ??
        refs.find((r) => contractOf(r) !== undefined) ??
        refs[0];
    const stackOf = ref && isStr(ref.props.name) ? ref.props.name : platformStack;
    if (!ref) {
        return {
            platformStack,
            problem: `the agent stack${platformStack ? ` (platformStack ${platformStack})` : ""} has no StackReference to its platform stack (${STACK_REFERENCE}): the platform's boundary, trust domain, ClusterRoles and segments are unknown, so nothing of this stack can be checked against them`,
        };
    }
    const where = `StackReference ${String(ref.props.name ?? ref.urn)}`;
    const value = contractOf(ref);
    if (value === undefined) {
        return {
            urn: ref.urn,
            platformStack: stackOf,
            problem: `${where} has no ${CONTRACT_OUTPUT} output: it does not name a platform stack of this project (or one deployed before the contract existed)`,
        };
    }
    const c = obj(value);
    if (c.version !== CONTRACT_VERSION) {
        return {
            urn: ref.urn,
            platformStack: stackOf,
            problem: `${where}: the platform's ${CONTRACT_OUTPUT} is contract version ${JSON.stringify(c.version ?? null)}, this pack reads version ${CONTRACT_VERSION}: deploy the platform and agent stacks from the same release`,
        };
    }
    const minor = c.minor ?? 0;
    if (typeof minor !== "number" || minor < CONTRACT_MINOR_REQUIRED) {
        return {
            urn: ref.urn,
            platformStack: stackOf,
            problem: `${where}: the platform's ${CONTRACT_OUTPUT} is contract version ${CONTRACT_VERSION}.${JSON.stringify(minor)}, this pack reads ${CONTRACT_VERSION}.${CONTRACT_MINOR_REQUIRED} or later: update the platform stack first`,
        };
    }
    const missing = missingField(c);
    if (missing) {
        return {
            urn: ref.urn,
            platformStack: stackOf,
            problem: `${where}: the platform's ${CONTRACT_OUTPUT} lacks ${missing} (or it has the wrong type): not a valid version ${CONTRACT_VERSION} contract`,
        };
    }
    return { facts: c as unknown as PlatformFacts, urn: ref.urn, platformStack: stackOf };
}

/** A stack reference's parts: `<stack>`, or `<org>/<project>/<stack>` (Pulumi's fully qualified name). */
export interface StackName {
    org?: string;
    project?: string;
    stack: string;
}

export function parseStackName(text: string): StackName | undefined {
    const parts = text.split("/");
    if (parts.some((p) => p === "")) {
        return undefined;
    }
    if (parts.length === 1) {
        return { stack: parts[0] };
    }
    return parts.length === 3 ? { org: parts[0], project: parts[1], stack: parts[2] } : undefined;
}

/** This stack's project: the host's PULUMI_NODEJS_PROJECT, else the root stack resource's URN. */
export function thisProject(resources: readonly PolicyResource[]): string | undefined {
    const env = process.env.PULUMI_NODEJS_PROJECT;
    if (isStr(env)) {
        return env;
    }
    const urn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
    const project = urn?.split("::")[1];
    return isStr(project) ? project : undefined;
}

/** The agent stack's own environment: its config, else its stackSettings output. */
export function ownEnvironment(resources: readonly PolicyResource[]): string | undefined {
    const v = configValue("environment") ?? rootSettings(resources).environment;
    return isStr(v) ? v : undefined;
}

/** The agent stack's own platformStack setting: its config, else its stackSettings output. */
export function ownPlatformStack(resources: readonly PolicyResource[]): string | undefined {
    const v = configValue("platformStack") ?? rootSettings(resources).platformStack;
    return isStr(v) ? v : undefined;
}

/** The platform's facts when this is an agent stack with a usable contract; undefined on a platform stack. */
export function platformFacts(resources: readonly PolicyResource[] | undefined): PlatformFacts | undefined {
    return resources && stackRole(resources) === "agents" ? platformView(resources).facts : undefined;
}
