// Every ENI other than nodes' that a plan places in a subnet (issue 22, item 2), for network-pod-ip-capacity.

import { PolicyResource } from "@pulumi/policy";
import { eksControlPlaneDemand, FixedDemand } from "../../lib/capacity";
import { isCidr } from "../../lib/cidr";
import { asArray, asObject, asString, asStrings } from "../lib";

/** An ALB needs at least 8 free addresses in each of its subnets to scale (ELB user guide, "Subnets"). */
const ALB_FREE_PER_SUBNET = 8;

/** Interface endpoints (one ENI per subnet each), EKS cluster subnets, NAT gateways, load balancers, by CIDR. */
export function fixedDemandsOf(rs: PolicyResource[], subnetCidr: Map<string, string>): FixedDemand[] {
    const of = (type: string) => rs.filter((r) => r.type === type);
    const at = (ids: string[], what: string, addresses: number) =>
        ids
            .map((id) => subnetCidr.get(id) ?? "")
            .filter(isCidr)
            .map((c) => ({ subnetCidr: c, what, addresses }));
    const perSubnet = new Map<string, number>();
    for (const e of of("aws:ec2/vpcEndpoint:VpcEndpoint").filter(
        (x) => asString(x.props.vpcEndpointType) === "Interface",
    )) {
        for (const id of asStrings(e.props.subnetIds)) {
            perSubnet.set(id, (perSubnet.get(id) ?? 0) + 1);
        }
    }
    return [
        ...[...perSubnet].flatMap(([id, n]) => at([id], `${n} interface endpoints`, n)),
        ...of("aws:eks/cluster:Cluster").flatMap((c) =>
            at(
                asStrings(
                    asObject(
                        asArray(c.props.vpcConfig as Record<string, unknown>[] | undefined)[0] ?? c.props.vpcConfig,
                    ).subnetIds,
                ),
                `EKS control plane of ${c.name}`,
                eksControlPlaneDemand(),
            ),
        ),
        ...of("aws:ec2/natGateway:NatGateway").flatMap((n) =>
            at(asStrings(n.props.subnetId), `NAT gateway ${n.name}`, 1),
        ),
        ...of("aws:lb/loadBalancer:LoadBalancer").flatMap((lb) =>
            at(asStrings(lb.props.subnets), `load balancer ${lb.name} (free to scale)`, ALB_FREE_PER_SUBNET),
        ),
    ];
}
