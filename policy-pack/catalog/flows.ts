import { guide } from "./guide";
import { MESH } from "./mesh";
import { networkDesign } from "./network";

/**
 * The flows the guide intends, stated once. Policies compute what the plan's objects effectively allow
 * (lib/k8s-netpol.ts, lib/mesh-authz.ts, lib/reachability.ts) and compare it with these.
 */

/** A Kubernetes label selector (matchLabels only is enough to state intent). */
export interface IntendedSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** One intended NetworkPolicy peer: pods in namespaces, or addresses. */
export type IntendedPeer =
    | { namespaceSelector?: IntendedSelector; podSelector?: IntendedSelector }
    | { ipBlock: { cidr: string; except?: string[] } };

export interface IntendedRule {
    peers: IntendedPeer[];
    /** Omitted: all ports. */
    ports?: { protocol: "TCP" | "UDP" | "SCTP"; port: number; endPort?: number }[];
}

const byName = (name: string): IntendedSelector => ({ matchLabels: { "kubernetes.io/metadata.name": name } });
const tcp = (port: number) => ({ protocol: "TCP" as const, port });

/** The Pod Identity agent's link-local address (EKS Pod Identity, port 80). */
export const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";

/**
 * The flows an agent namespace may allow beside its default-deny NetworkPolicy (K8S-NETPOL): its own pods,
 * DNS, istiod (xDS / CA 15012, injection webhook 15017), the Pod Identity agent, the coordinator on the mesh port
 * only (every agent may reach it there; it accepts every agent namespace there) and HTTPS (see HttpsScope).
 */
/**
 * Where an agent's HTTPS may go inside the plan's network: anywhere outside the VPC (the network firewall's
 * domain allow-list judges it) and, inside it, only the subnets holding the Kubernetes API endpoint's and the
 * interface endpoints' ENIs; not the agent, management or other segments on 443.
 */
export interface HttpsScope {
    vpcCidrs: string[];
    endpointSubnetCidrs: string[];
}

export function intendedAgentFlows(agentNamespace: string, coordinatorNamespaces: string[], https?: HttpsScope) {
    const isCoordinator = coordinatorNamespaces.includes(agentNamespace);
    const agents: IntendedSelector = { matchExpressions: [{ key: MESH.agentNamespaceLabel, operator: "Exists" }] };
    const ingress: IntendedRule[] = [
        { peers: [{ namespaceSelector: byName(agentNamespace), podSelector: {} }] },
        ...(isCoordinator
            ? [{ peers: [{ namespaceSelector: agents, podSelector: {} }], ports: [tcp(networkDesign.ports.agentMesh)] }]
            : []),
    ];
    const egress: IntendedRule[] = [
        { peers: [{ namespaceSelector: byName(agentNamespace), podSelector: {} }] },
        {
            peers: [
                { namespaceSelector: byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
            ],
            ports: [
                { protocol: "UDP", port: networkDesign.ports.dns },
                { protocol: "TCP", port: networkDesign.ports.dns },
            ],
        },
        {
            peers: [{ namespaceSelector: byName(MESH.rootNamespace), podSelector: { matchLabels: { app: "istiod" } } }],
            ports: [tcp(15012), tcp(15017)],
        },
        { peers: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(networkDesign.ports.http)] },
        ...coordinatorNamespaces
            .filter((c) => c !== agentNamespace)
            .map((c) => ({
                peers: [{ namespaceSelector: byName(c), podSelector: {} }],
                ports: [tcp(networkDesign.ports.agentMesh)],
            })),
        {
            // Without a VPC in the plan (a cluster-only plan): HTTPS to any address.
            peers: https
                ? [
                      { ipBlock: { cidr: "0.0.0.0/0", except: https.vpcCidrs } },
                      ...https.endpointSubnetCidrs.map((cidr) => ({ ipBlock: { cidr } })),
                  ]
                : [{ ipBlock: { cidr: "0.0.0.0/0" } }],
            ports: [tcp(networkDesign.ports.https)],
        },
    ];
    return { ingress, egress };
}

/** The guide's single mesh authorization rule, as agent types. */
export const intendedMeshRule = {
    sourceType: guide.serviceMesh.authorization.sourcePrincipal.split(".")[1],
    destinationType: guide.serviceMesh.authorization.destinationPrincipal.split(".")[1],
    methods: [...guide.serviceMesh.authorization.methods] as string[],
    paths: [...guide.serviceMesh.authorization.paths] as string[],
};

/**
 * What each segment may be reached from and reach (NET-SEG-*, PER-FW-EGRESS). `adminPaths` are the declared
 * sources, besides the configured admin CIDRs, that may reach the management segment: the in-VPC deploy
 * runner lives in the management segment itself, so management → management is declared here, not implied.
 */
export const segmentIntent = {
    agent: { fromSegments: ["agent", "service"], fromInternet: false, fromAdmin: false },
    service: { fromSegments: ["agent", "service", "management"], fromInternet: false, fromAdmin: false },
    management: { fromSegments: ["management"], fromInternet: false, fromAdmin: true },
    /** Segments never reach the internet except through the network firewall. */
    internetEgressOnlyThroughFirewall: true,
} as const;
